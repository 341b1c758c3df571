package cognito_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
)

const temporaryPassword = "Temp0rary-pass!"

// invited creates a user as an administrator would, with a temporary
// password and no message.
func invited(t *testing.T, srv *cognitotest.Server, email string) {
	t.Helper()
	_, err := srv.Client().AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{
		UserPoolId: aws.String(srv.UserPoolID), Username: aws.String(email),
		TemporaryPassword: aws.String(temporaryPassword), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(email)}},
	})
	if err != nil {
		t.Fatalf("AdminCreateUser: %v", err)
	}
}

// A password sign-in, plain or with SRP, reaches tokens on every kind of
// pool and client; a wrong password is ErrInvalidCredentials either way.
func TestSignIn(t *testing.T) {
	for _, pk := range poolKinds {
		t.Run(pk.name, func(t *testing.T) {
			t.Parallel()
			srv := cognitotest.NewServer(t, pk.opts...)
			c := newClient(t, srv)
			registered(t, srv, c, "ana@example.com")
			for _, opts := range [][]cognito.SignInOption{nil, {cognito.WithSRP()}} {
				s, err := c.SignIn(t.Context(), "ana@example.com", password, opts...)
				if err != nil {
					t.Fatalf("SignIn (%d options): %v", len(opts), err)
				}
				if s.Tokens == nil || s.Step != nil || s.Tokens.AccessToken == "" || s.Tokens.RefreshToken == "" {
					t.Fatalf("SignIn = %+v, want tokens", s)
				}
				if _, err := c.GetUser(t.Context(), s.Tokens.AccessToken); err != nil {
					t.Errorf("GetUser with the tokens: %v", err)
				}
				_, err = c.SignIn(t.Context(), "ana@example.com", "Wr0ng-password!", opts...)
				if !errors.Is(err, cognito.ErrInvalidCredentials) {
					t.Errorf("wrong password (%d options): %v, want ErrInvalidCredentials", len(opts), err)
				}
			}
		})
	}
}

// A user created by an administrator is asked for a new password; the
// answer gives tokens, and the step cannot be answered twice. The
// SECRET_HASH of the answer is computed over the username Cognito names,
// not the email the user typed.
func TestSignInNewPassword(t *testing.T) {
	for _, pk := range poolKinds {
		t.Run(pk.name, func(t *testing.T) {
			t.Parallel()
			srv := cognitotest.NewServer(t, pk.opts...)
			c := newClient(t, srv)
			invited(t, srv, "bo@example.com")
			for _, opts := range [][]cognito.SignInOption{nil, {cognito.WithSRP()}} {
				s, err := c.SignIn(t.Context(), "bo@example.com", temporaryPassword, opts...)
				if err != nil {
					t.Fatalf("SignIn: %v", err)
				}
				if s.Tokens != nil || s.Step == nil || s.Step.Kind != cognito.StepNewPassword {
					t.Fatalf("SignIn = %+v, want the new-password step", s)
				}
				done, err := c.Answer(t.Context(), s, "N3w-password!")
				if err != nil {
					t.Fatalf("Answer(new password): %v", err)
				}
				if done.Tokens == nil || done.Step != nil {
					t.Fatalf("after the new password: %+v, want tokens", done)
				}
				_, err = c.Answer(t.Context(), s, "An0ther-password!")
				if !errors.Is(err, cognito.ErrSignInExpired) {
					t.Errorf("answering the step again: %v, want ErrSignInExpired", err)
				}
				// Back to a temporary password for the next round.
				_, err = srv.Client().AdminSetUserPassword(t.Context(), &cip.AdminSetUserPasswordInput{
					UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("bo@example.com"), Password: aws.String(temporaryPassword),
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// A new password that breaks the policy is ErrInvalidPassword, and the
// step may be answered again while its session lasts.
func TestSignInNewPasswordRefused(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := newClient(t, srv)
	invited(t, srv, "bo@example.com")
	s, err := c.SignIn(t.Context(), "bo@example.com", temporaryPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Answer(t.Context(), s, "short"); !errors.Is(err, cognito.ErrInvalidPassword) {
		t.Fatalf("a weak new password: %v, want ErrInvalidPassword", err)
	}
	if done, err := c.Answer(t.Context(), s, "N3w-password!"); err != nil || done.Tokens == nil {
		t.Fatalf("a good one after it: %+v, %v", done, err)
	}
	if _, err := c.Answer(t.Context(), &cognito.SignIn{}, "x"); !errors.Is(err, cognito.ErrInvalidParameter) {
		t.Errorf("answering a sign-in that waits for nothing: %v", err)
	}
}

// A back end signs users in with AdminSignIn (AWS credentials, and a
// client that allows the administrator's flow); its steps are answered by
// the administrator's call.
func TestAdminSignIn(t *testing.T) {
	for _, secret := range []bool{false, true} {
		t.Run(map[bool]string{false: "public client", true: "client with secret"}[secret], func(t *testing.T) {
			t.Parallel()
			srv := cognitotest.NewServer(t)
			c := backEndClient(t, srv, secret, types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth)

			invited(t, srv, "bo@example.com")
			s, err := c.AdminSignIn(t.Context(), "bo@example.com", temporaryPassword)
			if err != nil || s.Step == nil || s.Step.Kind != cognito.StepNewPassword {
				t.Fatalf("AdminSignIn = %+v, %v; want the new-password step", s, err)
			}
			done, err := c.Answer(t.Context(), s, "N3w-password!")
			if err != nil || done.Tokens == nil {
				t.Fatalf("Answer: %+v, %v", done, err)
			}
			again, err := c.AdminSignIn(t.Context(), "bo@example.com", "N3w-password!")
			if err != nil || again.Tokens == nil {
				t.Fatalf("AdminSignIn with the new password: %+v, %v", again, err)
			}
			if _, err := c.AdminSignIn(t.Context(), "bo@example.com", "Wr0ng-password!"); !errors.Is(err, cognito.ErrInvalidCredentials) {
				t.Errorf("wrong password: %v", err)
			}
			// The public flow is not the back end's.
			if _, err := c.SignIn(t.Context(), "bo@example.com", "N3w-password!"); !errors.Is(err, cognito.ErrInvalidParameter) {
				t.Errorf("SignIn through a client without USER_PASSWORD_AUTH: %v, want ErrInvalidParameter", err)
			}
		})
	}
}

// appClient creates the app client in (in srv's pool) and returns a
// library Client for it, and its ID.
func appClient(t *testing.T, srv *cognitotest.Server, in *cip.CreateUserPoolClientInput) (*cognito.Client, string) {
	t.Helper()
	in.UserPoolId = aws.String(srv.UserPoolID)
	out, err := srv.Client().CreateUserPoolClient(t.Context(), in)
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	cfg := configFor(srv)
	cfg.ClientID, cfg.ClientSecret = aws.ToString(out.UserPoolClient.ClientId), aws.ToString(out.UserPoolClient.ClientSecret)
	c, err := cognito.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, cfg.ClientID
}

// backEndClient is a Client of a new app client of srv's pool ("back-end",
// with a secret if secret) that allows flow and refreshing.
func backEndClient(t *testing.T, srv *cognitotest.Server, secret bool, flow types.ExplicitAuthFlowsType) *cognito.Client {
	t.Helper()
	c, _ := appClient(t, srv, &cip.CreateUserPoolClientInput{
		ClientName: aws.String("back-end"), GenerateSecret: secret,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{flow, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	return c
}

// No error of a sign-in carries the password.
func TestSignInErrorsHideThePassword(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := newClient(t, srv)
	registered(t, srv, c, "ana@example.com")
	const secret = "Wr0ng-but-secret!"
	for _, opts := range [][]cognito.SignInOption{nil, {cognito.WithSRP()}} {
		_, err := c.SignIn(t.Context(), "ana@example.com", secret, opts...)
		if err == nil || strings.Contains(err.Error(), secret) || strings.Contains(fmtAll(err), secret) {
			t.Errorf("error %v shows the password", err)
		}
	}
}

// fmtAll is every error in err's chain, as text.
func fmtAll(err error) string {
	var b strings.Builder
	for ; err != nil; err = errors.Unwrap(err) {
		b.WriteString(err.Error())
		b.WriteString("\n")
	}
	return b.String()
}

// passwordlessPool lets srv's users sign in with an emailed code: the
// pool allows EMAIL_OTP as a first factor (Cognito sends email through
// SES for it) and the app client allows USER_AUTH.
func passwordlessPool(t *testing.T, srv *cognitotest.Server) {
	t.Helper()
	updatePool(t, srv, &cip.UpdateUserPoolInput{
		EmailConfiguration: sesEmail,
		Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
			AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp},
		}},
	})
	updateClient(t, srv, &cip.UpdateUserPoolClientInput{
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserAuth, types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
		},
	})
}

// A passwordless sign-in: Cognito emails a code, the answer is the code; a
// wrong code is ErrCodeMismatch, a factor the user cannot use offers a
// choice instead.
func TestSignInWithCode(t *testing.T) {
	for _, pk := range poolKinds {
		t.Run(pk.name, func(t *testing.T) {
			t.Parallel()
			srv := cognitotest.NewServer(t, pk.opts...)
			passwordlessPool(t, srv)
			c := newClient(t, srv)
			registered(t, srv, c, "ana@example.com")
			s, err := c.SignInWithCode(t.Context(), "ana@example.com", cognito.StepEmailCode)
			if err != nil || s.Step == nil || s.Step.Kind != cognito.StepEmailCode {
				t.Fatalf("SignInWithCode = %+v, %v; want the emailed-code step", s, err)
			}
			if d := s.Step.CodeDelivery; d == nil || d.Destination != "a***@e***.com" {
				t.Errorf("code delivery = %+v", s.Step.CodeDelivery)
			}
			code := srv.LastCode("ana@example.com")
			if _, err := c.Answer(t.Context(), s, wrongCode(code)); !errors.Is(err, cognito.ErrCodeMismatch) {
				t.Errorf("a wrong code: %v, want ErrCodeMismatch", err)
			}
			done, err := c.Answer(t.Context(), s, code)
			if err != nil || done.Tokens == nil {
				t.Fatalf("Answer(code): %+v, %v", done, err)
			}
			if _, err := c.GetUser(t.Context(), done.Tokens.AccessToken); err != nil {
				t.Errorf("GetUser with the passwordless tokens: %v", err)
			}

			// No phone number: SMS is not one of this user's factors.
			s, err = c.SignInWithCode(t.Context(), "ana@example.com", cognito.StepSMSOTP)
			if err != nil || s.Step == nil || s.Step.Kind != cognito.StepSelectFactor || !slices.Contains(s.Step.Options, "EMAIL_OTP") {
				t.Fatalf("SignInWithCode(SMS) = %+v, %v; want a choice offering EMAIL_OTP", s, err)
			}
			s, err = c.Answer(t.Context(), s, "EMAIL_OTP")
			if err != nil || s.Step == nil || s.Step.Kind != cognito.StepEmailCode {
				t.Fatalf("choosing EMAIL_OTP: %+v, %v", s, err)
			}
			if done, err := c.Answer(t.Context(), s, srv.LastCode("ana@example.com")); err != nil || done.Tokens == nil {
				t.Fatalf("Answer(code) after the choice: %+v, %v", done, err)
			}
			if _, err := c.SignInWithCode(t.Context(), "ana@example.com", cognito.StepNewPassword); !errors.Is(err, cognito.ErrInvalidParameter) {
				t.Errorf("SignInWithCode(new password): %v", err)
			}
		})
	}
}

// A passwordless sign-in by SMS: the texted code answers it.
func TestSignInWithSMSCode(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	updatePool(t, srv, &cip.UpdateUserPoolInput{
		SmsConfiguration: snsSMS,
		Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
			AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeSmsOtp},
		}},
	})
	updateClient(t, srv, &cip.UpdateUserPoolClientInput{
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	c := newClient(t, srv)
	registered(t, srv, c, "ana@example.com")
	withVerifiedPhone(t, srv, "ana@example.com", "+34600111222")
	s, err := c.SignInWithCode(t.Context(), "ana@example.com", cognito.StepSMSOTP)
	if err != nil || s.Step == nil || s.Step.Kind != cognito.StepSMSOTP || s.Step.CodeDelivery == nil || s.Step.CodeDelivery.Medium != "SMS" {
		t.Fatalf("SignInWithCode(SMS) = %+v, %v; want the texted-code step", s, err)
	}
	if done, err := c.Answer(t.Context(), s, srv.LastCode("ana@example.com")); err != nil || done.Tokens == nil {
		t.Fatalf("Answer(texted code): %+v, %v", done, err)
	}
}
