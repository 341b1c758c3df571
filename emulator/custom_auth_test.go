package emulator_test

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/internal/srp"
)

// otpChallenge is cognitotest's CustomChallenge with a random code "sent
// by email", whose DefineAuthChallenge events rec keeps.
type otpChallenge struct {
	cognitotest.CustomChallenge
	rec      recorder // DefineAuthChallenge's events
	verified recorder // VerifyAuthChallengeResponse's
}

func newOTP() *otpChallenge {
	o := &otpChallenge{}
	o.New = func() (map[string]string, string) {
		b := make([]byte, 3)
		rand.Read(b)
		return map[string]string{"delivery": "email"}, hex.EncodeToString(b)
	}
	return o
}

func (o *otpChallenge) options() []cognitotest.Option {
	return []cognitotest.Option{
		cognitotest.WithTrigger(cognitotest.DefineAuthChallenge, o.rec.wrap(o.DefineAuthChallenge())),
		cognitotest.WithTrigger(cognitotest.CreateAuthChallenge, o.CreateAuthChallenge()),
		cognitotest.WithTrigger(cognitotest.VerifyAuthChallengeResponse, o.verified.wrap(o.VerifyAuthChallengeResponse())),
	}
}

// lastCode is the code of the last challenge of srv's pool.
func (o *otpChallenge) lastCode(srv *cognitotest.Server) string { return o.LastAnswer(srv.UserPoolID) }

// customClient is a copy of srv naming a client that allows CUSTOM_AUTH.
func customClient(t testing.TB, srv *cognitotest.Server) *cognitotest.Server {
	return addClient(t, srv, &cip.CreateUserPoolClientInput{ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
		types.ExplicitAuthFlowsTypeAllowCustomAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
	}})
}

func startCustom(t testing.TB, srv *cognitotest.Server, params map[string]string) (*cip.InitiateAuthOutput, error) {
	t.Helper()
	return sdk(srv).InitiateAuth(t.Context(), &cip.InitiateAuthInput{
		ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeCustomAuth, AuthParameters: params,
	})
}

func answerCustom(t testing.TB, srv *cognitotest.Server, session *string, answer string) (*cip.RespondToAuthChallengeOutput, error) {
	t.Helper()
	return sdk(srv).RespondToAuthChallenge(t.Context(), &cip.RespondToAuthChallengeInput{
		ClientId: aws.String(srv.ClientID), ChallengeName: types.ChallengeNameTypeCustomChallenge, Session: session,
		ChallengeResponses: map[string]string{"USERNAME": "ana", "ANSWER": answer},
	})
}

// TestCustomAuth: a one-time-code sign-in through the AWS SDK: a wrong
// code asks again with a new session, the right one gives tokens, three
// wrong ones fail, and each session answers once.
func TestCustomAuth(t *testing.T) {
	otp := newOTP()
	srv := customClient(t, cognitotest.NewServer(t, otp.options()...))
	signUpConfirmed(t, srv, "ana", password)

	init, err := startCustom(t, srv, map[string]string{"USERNAME": "ana"})
	if err != nil {
		t.Fatal(err)
	}
	if init.ChallengeName != types.ChallengeNameTypeCustomChallenge || init.ChallengeParameters["delivery"] != "email" ||
		init.ChallengeParameters["USERNAME"] != "ana" || init.ChallengeParameters["answer"] != "" {
		t.Fatalf("InitiateAuth = %s %v", init.ChallengeName, init.ChallengeParameters)
	}
	checkHeader(t, srv, otp.rec.last(t), "1", "DefineAuthChallenge_Authentication", "ana", srv.ClientID)

	again, err := answerCustom(t, srv, init.Session, "wrong")
	if err != nil || again.ChallengeName != types.ChallengeNameTypeCustomChallenge || aws.ToString(again.Session) == aws.ToString(init.Session) {
		t.Fatalf("a wrong answer: %v %+v", err, again)
	}
	history, _ := request(otp.rec.last(t))["session"].([]any)
	if len(history) != 1 || history[0].(map[string]any)["challengeResult"] != false || history[0].(map[string]any)["challengeMetadata"] == "" {
		t.Errorf("Define's session after a wrong answer = %v", history)
	}
	// The answered session is spent.
	_, err = answerCustom(t, srv, init.Session, otp.lastCode(srv))
	expectErr[*types.NotAuthorizedException](t, err, "Invalid session for the user.")

	done, err := answerCustom(t, srv, again.Session, otp.lastCode(srv))
	if err != nil || done.AuthenticationResult == nil || aws.ToString(done.AuthenticationResult.RefreshToken) == "" {
		t.Fatalf("the right answer: %v %+v", err, done)
	}
	if c := verifiedClaims(t, srv, aws.ToString(done.AuthenticationResult.AccessToken), time.Now); c["username"] != "ana" {
		t.Errorf("access token = %v", c)
	}

	// Three wrong answers fail the sign-in.
	out, err := startCustom(t, srv, map[string]string{"USERNAME": "ana"})
	if err != nil {
		t.Fatal(err)
	}
	session := out.Session
	for i := range 3 {
		resp, err := answerCustom(t, srv, session, "wrong")
		if i < 2 {
			if err != nil {
				t.Fatalf("wrong answer %d: %v", i+1, err)
			}
			session = resp.Session
			continue
		}
		expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
	}
}

// TestCustomAuthWithSRP: custom authentication with SRP first: the
// password's PASSWORD_VERIFIER, then the custom challenge.
func TestCustomAuthWithSRP(t *testing.T) {
	otp := newOTP()
	srv := customClient(t, cognitotest.NewServer(t, otp.options()...))
	signUpConfirmed(t, srv, "ana", password)
	a := make([]byte, 32)
	rand.Read(a)
	A := srp.ClientPublic(a)
	init, err := startCustom(t, srv, map[string]string{"USERNAME": "ana", "CHALLENGE_NAME": "SRP_A", "SRP_A": hex.EncodeToString(A)})
	if err != nil || init.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("InitiateAuth: %v %+v", err, init)
	}
	step, err := sdk(srv).RespondToAuthChallenge(t.Context(), &cip.RespondToAuthChallengeInput{
		ClientId: aws.String(srv.ClientID), ChallengeName: types.ChallengeNameTypePasswordVerifier, Session: init.Session,
		ChallengeResponses: srpProof(t, srv, password, a, A, init.ChallengeParameters),
	})
	if err != nil || step.ChallengeName != types.ChallengeNameTypeCustomChallenge {
		t.Fatalf("after the password: %v %+v", err, step)
	}
	history, _ := request(otp.rec.last(t))["session"].([]any)
	if len(history) != 2 || history[0].(map[string]any)["challengeName"] != "SRP_A" || history[1].(map[string]any)["challengeName"] != "PASSWORD_VERIFIER" {
		t.Errorf("Define's session = %v", history)
	}
	done, err := answerCustom(t, srv, step.Session, otp.lastCode(srv))
	if err != nil || done.AuthenticationResult == nil {
		t.Fatalf("the right answer: %v %+v", err, done)
	}

	// A wrong password fails before any custom challenge.
	init, err = startCustom(t, srv, map[string]string{"USERNAME": "ana", "CHALLENGE_NAME": "SRP_A", "SRP_A": hex.EncodeToString(A)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = sdk(srv).RespondToAuthChallenge(t.Context(), &cip.RespondToAuthChallengeInput{
		ClientId: aws.String(srv.ClientID), ChallengeName: types.ChallengeNameTypePasswordVerifier, Session: init.Session,
		ChallengeResponses: srpProof(t, srv, "Wrong-Pass-123", a, A, init.ChallengeParameters),
	})
	expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
}

// TestCustomAuthAnsweredOnce: of many concurrent answers to one
// CUSTOM_CHALLENGE session, exactly one is checked, on both stores.
func TestCustomAuthAnsweredOnce(t *testing.T) {
	otp := newOTP()
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		srv = customClient(t, srv)
		signUpConfirmed(t, srv, "ana", password)
		init, err := startCustom(t, srv, map[string]string{"USERNAME": "ana"})
		if err != nil {
			t.Fatal(err)
		}
		code := otp.lastCode(srv)
		checked := otp.verified.count()
		const n = 16
		var wg sync.WaitGroup
		var mu sync.Mutex
		tokens := 0
		for range n {
			wg.Go(func() {
				out, err := answerCustom(t, srv, init.Session, code)
				if err == nil && out.AuthenticationResult != nil {
					mu.Lock()
					tokens++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if tokens != 1 {
			t.Errorf("%d of %d concurrent answers got tokens, want 1", tokens, n)
		}
		if checked = otp.verified.count() - checked; checked != 1 {
			t.Errorf("VerifyAuthChallengeResponse checked %d of %d concurrent answers, want 1", checked, n)
		}
	}, otp.options()...)
}

// TestCustomAuthRefused: CUSTOM_AUTH needs the client flow and the pool's
// three triggers.
func TestCustomAuthRefused(t *testing.T) {
	otp := newOTP()
	srv := cognitotest.NewServer(t, otp.options()...)
	signUpConfirmed(t, srv, "ana", password)
	_, err := startCustom(t, srv, map[string]string{"USERNAME": "ana"})
	expectErr[*types.InvalidParameterException](t, err, "CUSTOM_AUTH flow not enabled for this client")

	plain := customClient(t, cognitotest.NewServer(t))
	_, err = startCustom(t, plain, map[string]string{"USERNAME": "ana"})
	expectErr[*types.InvalidParameterException](t, err, "Custom auth lambda trigger is not configured for the user pool.")
}

// TestCustomAuthAdmin: AdminInitiateAuth starts a custom sign-in too,
// answered by AdminRespondToAuthChallenge.
func TestCustomAuthAdmin(t *testing.T) {
	otp := newOTP()
	srv := addClient(t, cognitotest.NewServer(t, otp.options()...), &cip.CreateUserPoolClientInput{
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowCustomAuth},
	})
	signUpConfirmed(t, srv, "ana", password)
	c := sdk(srv)
	init, err := c.AdminInitiateAuth(t.Context(), &cip.AdminInitiateAuthInput{
		UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeCustomAuth,
		AuthParameters: map[string]string{"USERNAME": "ana"},
	})
	if err != nil || init.ChallengeName != types.ChallengeNameTypeCustomChallenge {
		t.Fatalf("AdminInitiateAuth: %v %+v", err, init)
	}
	// The public call cannot answer an administrator's challenge.
	_, err = answerCustom(t, srv, init.Session, otp.lastCode(srv))
	expectErr[*types.NotAuthorizedException](t, err, "")
	init, err = c.AdminInitiateAuth(t.Context(), &cip.AdminInitiateAuthInput{
		UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeCustomAuth,
		AuthParameters: map[string]string{"USERNAME": "ana"},
	})
	if err != nil {
		t.Fatal(err)
	}
	done, err := c.AdminRespondToAuthChallenge(t.Context(), &cip.AdminRespondToAuthChallengeInput{
		UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID), ChallengeName: types.ChallengeNameTypeCustomChallenge,
		Session: init.Session, ChallengeResponses: map[string]string{"USERNAME": "ana", "ANSWER": otp.lastCode(srv)},
	})
	if err != nil || done.AuthenticationResult == nil {
		t.Fatalf("AdminRespondToAuthChallenge: %v %+v", err, done)
	}
}
