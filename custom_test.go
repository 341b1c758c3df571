package cognito_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
)

// customAuth is cognitotest's CustomChallenge by a one-time code "sent by
// email", whose DefineAuthChallenge fails with refuse when it is set.
type customAuth struct {
	cognitotest.CustomChallenge
	refuse string
	poolID string // the pool of the server customServer made
}

func newCustomAuth(refuse string) *customAuth {
	ca := &customAuth{refuse: refuse}
	ca.New = func() (map[string]string, string) {
		b := make([]byte, 4)
		rand.Read(b)
		return map[string]string{"delivery": "email"}, hex.EncodeToString(b)
	}
	return ca
}

// lastAnswer is the answer of the last challenge made.
func (ca *customAuth) lastAnswer() string { return ca.LastAnswer(ca.poolID) }

// options are the server options that give the pool ca's triggers.
func (ca *customAuth) options() []cognitotest.Option {
	define := ca.DefineAuthChallenge()
	return []cognitotest.Option{
		cognitotest.WithTrigger(cognitotest.DefineAuthChallenge, func(ctx context.Context, ev json.RawMessage) (json.RawMessage, error) {
			if ca.refuse != "" {
				return nil, errors.New(ca.refuse)
			}
			return define(ctx, ev)
		}),
		cognitotest.WithTrigger(cognitotest.CreateAuthChallenge, ca.CreateAuthChallenge()),
		cognitotest.WithTrigger(cognitotest.VerifyAuthChallengeResponse, ca.VerifyAuthChallengeResponse()),
	}
}

// customFlows are cognitotest's client's flows and ALLOW_CUSTOM_AUTH.
var customFlows = []types.ExplicitAuthFlowsType{
	types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
	types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth, types.ExplicitAuthFlowsTypeAllowCustomAuth,
}

// customServer is a server whose pool has ca's triggers, whose client
// allows CUSTOM_AUTH, and whose user ana@example.com is confirmed.
func customServer(t *testing.T, ca *customAuth, opts ...cognitotest.Option) (*cognitotest.Server, *cognito.Client) {
	t.Helper()
	srv := cognitotest.NewServer(t, append(opts, ca.options()...)...)
	ca.poolID = srv.UserPoolID
	updateClient(t, srv, &cip.UpdateUserPoolClientInput{ExplicitAuthFlows: customFlows})
	c := newClient(t, srv)
	registered(t, srv, c, "ana@example.com")
	return srv, c
}

// expectCustomStep fails the test unless s waits for a custom challenge
// with the one-time code's public parameters.
func expectCustomStep(t *testing.T, s *cognito.SignIn, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	if s.Tokens != nil || s.Step == nil || s.Step.Kind != cognito.StepCustomChallenge || s.Step.Parameters["delivery"] != "email" {
		t.Fatalf("sign-in = %+v, want the custom challenge", s)
	}
	if _, ok := s.Step.Parameters["answer"]; ok {
		t.Fatal("the step shows the challenge's private parameters")
	}
}

// A one-time-code sign-in, by the pool's functions alone or with the
// password proved first: a wrong code asks again, the right one gives
// tokens, and an answered step cannot be answered twice; on every kind of
// pool and client (SECRET_HASH over the username Cognito names).
func TestSignInCustom(t *testing.T) {
	for _, pk := range poolKinds {
		t.Run(pk.name, func(t *testing.T) {
			t.Parallel()
			ca := newCustomAuth("")
			_, c := customServer(t, ca, pk.opts...)
			for _, opts := range [][]cognito.SignInOption{nil, {cognito.WithPassword(password)}} {
				s, err := c.SignInCustom(t.Context(), "ana@example.com", opts...)
				expectCustomStep(t, s, err)
				again, err := c.Answer(t.Context(), s, "not-the-code")
				expectCustomStep(t, again, err)
				done, err := c.Answer(t.Context(), again, ca.lastAnswer())
				if err != nil || done.Tokens == nil || done.Tokens.RefreshToken == "" || done.Step != nil {
					t.Fatalf("the right code (%d options): %+v, %v", len(opts), done, err)
				}
				if u, err := c.GetUser(t.Context(), done.Tokens.AccessToken); err != nil || u.Attributes["email"] != "ana@example.com" {
					t.Errorf("GetUser with the tokens: %+v, %v", u, err)
				}
				if _, err := c.Answer(t.Context(), again, ca.lastAnswer()); !errors.Is(err, cognito.ErrSignInExpired) {
					t.Errorf("answering the step again: %v, want ErrSignInExpired", err)
				}
			}
			// With the password first, a wrong one ends the sign-in before
			// any challenge.
			_, err := c.SignInCustom(t.Context(), "ana@example.com", cognito.WithPassword("Wr0ng-password!"))
			if !errors.Is(err, cognito.ErrInvalidCredentials) {
				t.Errorf("a wrong password first: %v, want ErrInvalidCredentials", err)
			}
		})
	}
}

// Three wrong answers end the sign-in as the pool's function decides:
// ErrInvalidCredentials, and no error shows an answer.
func TestSignInCustomWrongAnswers(t *testing.T) {
	t.Parallel()
	ca := newCustomAuth("")
	_, c := customServer(t, ca)
	s, err := c.SignInCustom(t.Context(), "ana@example.com")
	expectCustomStep(t, s, err)
	for i := range 3 {
		answer := "wrong-answer-" + string(rune('a'+i))
		s, err = c.Answer(t.Context(), s, answer)
		if i < 2 {
			expectCustomStep(t, s, err)
			continue
		}
		if !errors.Is(err, cognito.ErrInvalidCredentials) {
			t.Fatalf("the third wrong answer: %+v, %v; want ErrInvalidCredentials", s, err)
		}
		if strings.Contains(fmtAll(err), answer) {
			t.Errorf("error %v shows the answer", err)
		}
	}
}

// A function that fails is ErrTriggerFailed, whose message keeps its
// reason, in English and in Spanish.
func TestSignInCustomTriggerFails(t *testing.T) {
	t.Parallel()
	ca := newCustomAuth("sign-in is closed at night")
	srv, _ := customServer(t, ca)
	english := "A Lambda trigger of the user pool failed or refused the request: DefineAuthChallenge failed with error sign-in is closed at night."
	for lang, want := range map[string]string{
		"en": english,
		"es": "Una función Lambda (trigger) del grupo de usuarios falló o rechazó la solicitud: DefineAuthChallenge failed with error sign-in is closed at night.",
	} {
		c := newClient(t, srv, cognito.WithLanguage(lang))
		_, err := c.SignInCustom(t.Context(), "ana@example.com")
		var e *cognito.Error
		if !errors.Is(err, cognito.ErrTriggerFailed) || !errors.As(err, &e) {
			t.Fatalf("%s: %v, want ErrTriggerFailed", lang, err)
		}
		if e.Message() != want || e.Code != "UserLambdaValidationException" || !strings.Contains(e.Error(), english) {
			t.Errorf("%s: message %q (%s), want %q", lang, e.Message(), e.Code, want)
		}
	}
}

// CUSTOM_AUTH needs a client that allows it and a pool with the triggers;
// without either the sign-in is ErrInvalidParameter, as for any flow a
// client does not allow.
func TestSignInCustomRefused(t *testing.T) {
	t.Parallel()
	ca := newCustomAuth("")
	srv := cognitotest.NewServer(t, ca.options()...) // the client lacks ALLOW_CUSTOM_AUTH
	c := newClient(t, srv)
	registered(t, srv, c, "ana@example.com")
	if _, err := c.SignInCustom(t.Context(), "ana@example.com"); !errors.Is(err, cognito.ErrInvalidParameter) {
		t.Errorf("a client without ALLOW_CUSTOM_AUTH: %v, want ErrInvalidParameter", err)
	}
	plain := cognitotest.NewServer(t) // no triggers
	updateClient(t, plain, &cip.UpdateUserPoolClientInput{ExplicitAuthFlows: customFlows})
	c = newClient(t, plain)
	registered(t, plain, c, "ana@example.com")
	if _, err := c.SignInCustom(t.Context(), "ana@example.com"); !errors.Is(err, cognito.ErrInvalidParameter) {
		t.Errorf("a pool without the triggers: %v, want ErrInvalidParameter", err)
	}
}

// A back end's custom sign-in (AdminSignInCustom), with and without the
// password first, through a client with a secret.
func TestAdminSignInCustom(t *testing.T) {
	t.Parallel()
	ca := newCustomAuth("")
	srv, _ := customServer(t, ca)
	c := backEndClient(t, srv, true, types.ExplicitAuthFlowsTypeAllowCustomAuth)
	for _, opts := range [][]cognito.SignInOption{nil, {cognito.WithPassword(password)}} {
		s, err := c.AdminSignInCustom(t.Context(), "ana@example.com", opts...)
		expectCustomStep(t, s, err)
		done, err := c.Answer(t.Context(), s, ca.lastAnswer())
		if err != nil || done.Tokens == nil {
			t.Fatalf("AdminSignInCustom (%d options), the right code: %+v, %v", len(opts), done, err)
		}
	}
	if _, err := c.AdminSignInCustom(t.Context(), "ana@example.com", cognito.WithPassword("Wr0ng-password!")); !errors.Is(err, cognito.ErrInvalidCredentials) {
		t.Errorf("a wrong password first: %v, want ErrInvalidCredentials", err)
	}
}
