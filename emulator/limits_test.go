package emulator_test

import (
	"encoding/hex"
	"errors"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
)

// Limits that must hold however many requests race: single-use challenge
// answers and the lockout's attempt count, on both stores.

// parallel runs fn n times at once and returns the errors, in order.
func parallel(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// Of N concurrent replays of one PASSWORD_VERIFIER answer exactly one gets
// tokens; the others find the challenge answered.
func TestChallengeAnswerSingleUse(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		signUpConfirmed(t, srv, "ana", password)
		answer, err := srpAnswer(t, srv, "ana", password)
		if err != nil {
			t.Fatal(err)
		}
		const replays = 64
		errs := parallel(replays, func(int) error {
			out, err := respondPasswordVerifier(t, srv, answer)
			if err == nil && out.AuthenticationResult == nil {
				return errors.New("no tokens")
			}
			return err
		})
		won := 0
		for _, err := range errs {
			var notAuth *types.NotAuthorizedException
			switch {
			case err == nil:
				won++
			case errors.As(err, &notAuth) && notAuth.ErrorMessage() == "Invalid session for the user.":
			default:
				t.Errorf("replay: %v, want tokens or an invalid session", err)
			}
		}
		if won != 1 {
			t.Errorf("%d of %d replays of one answer got tokens, want exactly 1", won, replays)
		}
	})
}

// N parallel wrong passwords are evaluated at most five times before the
// user is locked out; once the limit is reached, the right password is
// refused like the rest, in parallel or not.
func TestLockoutCountsParallelAttempts(t *testing.T) {
	clk := newClock() // frozen: the lockout does not run out during the test
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		signUpConfirmed(t, srv, "ana", password)
		classify := func(errs []error) (wrong, locked, other int) {
			for _, err := range errs {
				var notAuth *types.NotAuthorizedException
				switch {
				case errors.As(err, &notAuth) && notAuth.ErrorMessage() == "Incorrect username or password.":
					wrong++
				case errors.As(err, &notAuth) && notAuth.ErrorMessage() == "Password attempts exceeded":
					locked++
				default:
					other++
					t.Errorf("attempt: %v", err)
				}
			}
			return wrong, locked, other
		}

		const burst = 20
		errs := parallel(burst, func(int) error {
			_, err := trySignIn(t, srv, "ana", "Wr0ng-password")
			return err
		})
		if wrong, locked, _ := classify(errs); wrong != 5 || locked != burst-5 {
			t.Errorf("of %d parallel wrong passwords %d were evaluated and %d refused, want 5 and %d", burst, wrong, locked, burst-5)
		}

		// The right password inside a second burst, and SRP proofs of it.
		errs = parallel(burst, func(i int) error {
			switch i % 3 {
			case 0:
				_, err := trySignIn(t, srv, "ana", password)
				return err
			case 1:
				_, err := srpSignIn(t, srv, "ana", password, nil)
				return err
			}
			_, err := trySignIn(t, srv, "ana", "Wr0ng-password")
			return err
		})
		if wrong, locked, _ := classify(errs); wrong != 0 || locked != burst {
			t.Errorf("while locked out %d attempts were evaluated, %d refused; want 0 and %d", wrong, locked, burst)
		}
	}, cognitotest.WithClock(clk.Now))
}

// With PreventUserExistenceErrors, USER_SRP_AUTH for an unknown user gives
// a challenge that looks like a real one (the same salt each time) and
// fails at RespondToAuthChallenge exactly as a wrong password does.
func TestSRPUnknownUserLooksReal(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		signUpConfirmed(t, srv, "ana", password)
		start := func(name string) map[string]string {
			t.Helper()
			out, err := sdk(srv).InitiateAuth(t.Context(), &cip.InitiateAuthInput{
				ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeUserSrpAuth,
				AuthParameters: map[string]string{"USERNAME": name, "SRP_A": hex.EncodeToString([]byte("any public value A"))},
			})
			if err != nil {
				t.Fatalf("InitiateAuth(USER_SRP_AUTH, %q): %v", name, err)
			}
			if out.ChallengeName != types.ChallengeNameTypePasswordVerifier {
				t.Fatalf("challenge = %q", out.ChallengeName)
			}
			return out.ChallengeParameters
		}
		real, ghost := start("ana"), start("nobody")
		for _, k := range []string{"SALT", "SRP_B", "SECRET_BLOCK", "USERNAME", "USER_ID_FOR_SRP"} {
			if ghost[k] == "" || len(ghost[k]) < len(real[k])/2 {
				t.Errorf("unknown user's %s = %q, want one like a real user's (%d characters)", k, ghost[k], len(real[k]))
			}
		}
		if again := start("nobody"); again["SALT"] != ghost["SALT"] {
			t.Error("the unknown user's salt changes between sign-ins; a real user's does not")
		}

		_, err := srpSignIn(t, srv, "ana", "Wr0ng-password", nil)
		expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.") // a wrong password
		_, err = srpSignIn(t, srv, "nobody", password, nil)
		expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.") // the unknown user, the same
	}, cognitotest.WithPreventUserExistenceErrors())
}
