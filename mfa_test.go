package cognito_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
)

// withTOTP makes srv's pool offer authenticator apps, with MFA in mode.
func withTOTP(t testing.TB, srv *cognitotest.Server, mode types.UserPoolMfaType) {
	t.Helper()
	setMFAConfig(t, srv, &cip.SetUserPoolMfaConfigInput{
		MfaConfiguration:              mode,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
	})
}

// A user sets up an authenticator app, turns it on, and from then on
// signs in with its code; a wrong code and a code used twice are refused.
func TestTOTPSetUpAndSignIn(t *testing.T) {
	for _, pk := range poolKinds {
		t.Run(pk.name, func(t *testing.T) {
			t.Parallel()
			clk := cognitotest.NewClock(time.Now())
			srv := cognitotest.NewServer(t, append(pk.opts, cognitotest.WithClock(clk.Now))...)
			withTOTP(t, srv, types.UserPoolMfaTypeOptional)
			c := newClient(t, srv)
			registered(t, srv, c, "ana@example.com")
			s, err := c.SignIn(t.Context(), "ana@example.com", password)
			if err != nil || s.Tokens == nil {
				t.Fatalf("SignIn before MFA: %+v, %v", s, err)
			}
			access := s.Tokens.AccessToken

			secret, err := c.SetUpTOTP(t.Context(), access, "Example")
			if err != nil {
				t.Fatalf("SetUpTOTP: %v", err)
			}
			if !strings.HasPrefix(secret.URI, "otpauth://totp/Example:") || !strings.Contains(secret.URI, "secret="+secret.Secret) {
				t.Errorf("URI = %q", secret.URI)
			}
			if err := c.VerifyTOTP(t.Context(), access, wrongCode(authenticatorApp(secret.Secret, clk.Now())), ""); !errors.Is(err, cognito.ErrCodeMismatch) {
				t.Errorf("VerifyTOTP with a wrong code: %v, want ErrCodeMismatch", err)
			}
			if err := c.VerifyTOTP(t.Context(), access, authenticatorApp(secret.Secret, clk.Now()), "phone"); err != nil {
				t.Fatalf("VerifyTOTP: %v", err)
			}
			if err := c.SetMFAPreference(t.Context(), access, cognito.MFATOTP, true, true); err != nil {
				t.Fatalf("SetMFAPreference: %v", err)
			}
			u, err := c.GetUser(t.Context(), access)
			if err != nil || u.PreferredMFA != string(cognito.MFATOTP) || len(u.UserMFASettings) != 1 {
				t.Fatalf("GetUser's MFA settings: %+v, %v", u, err)
			}

			clk.Advance(30 * time.Second) // the next code
			for _, opts := range [][]cognito.SignInOption{nil, {cognito.WithSRP()}} {
				s, err = c.SignIn(t.Context(), "ana@example.com", password, opts...)
				if err != nil || s.Step == nil || s.Step.Kind != cognito.StepTOTPCode {
					t.Fatalf("SignIn with MFA: %+v, %v; want the TOTP step", s, err)
				}
				code := authenticatorApp(secret.Secret, clk.Now())
				if _, err := c.Answer(t.Context(), s, wrongCode(code)); !errors.Is(err, cognito.ErrCodeMismatch) {
					t.Errorf("a wrong code: %v, want ErrCodeMismatch", err)
				}
				done, err := c.Answer(t.Context(), s, code)
				if err != nil || done.Tokens == nil {
					t.Fatalf("Answer(code): %+v, %v", done, err)
				}
				// The same code again, in a new sign-in: used once.
				s, err = c.SignIn(t.Context(), "ana@example.com", password, opts...)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := c.Answer(t.Context(), s, code); err == nil {
					t.Error("a code used twice was accepted")
				}
				clk.Advance(30 * time.Second)
			}

			// The legacy call says a step is needed.
			_, err = c.Authenticate(t.Context(), "ana@example.com", password)
			var e *cognito.Error
			if !errors.As(err, &e) || !errors.Is(err, cognito.ErrChallengeRequired) || e.Challenge.Name != string(cognito.StepTOTPCode) {
				t.Errorf("Authenticate with MFA: %v, want ErrChallengeRequired naming SOFTWARE_TOKEN_MFA", err)
			}
			if err := c.SetMFAPreference(t.Context(), access, "CARRIER_PIGEON", true, false); !errors.Is(err, cognito.ErrInvalidParameter) {
				t.Errorf("an unknown method: %v", err)
			}
		})
	}
}

// wrongCode is a six-digit code other than code.
func wrongCode(code string) string {
	if code == "123456" {
		return "654321"
	}
	return "123456"
}

// When the pool requires MFA and the user has none, the sign-in sets up
// an authenticator app: the step carries the secret, the answer is a code.
func TestSignInSetsUpTOTP(t *testing.T) {
	for _, pk := range poolKinds {
		t.Run(pk.name, func(t *testing.T) {
			t.Parallel()
			srv := cognitotest.NewServer(t, pk.opts...)
			withTOTP(t, srv, types.UserPoolMfaTypeOn)
			c := newClient(t, srv)
			registered(t, srv, c, "ana@example.com")
			s, err := c.SignIn(t.Context(), "ana@example.com", password, cognito.WithTOTPIssuer("Example"))
			if err != nil || s.Step == nil || s.Step.Kind != cognito.StepSetUpTOTP || s.Step.TOTP == nil {
				t.Fatalf("SignIn = %+v, %v; want the TOTP set-up step", s, err)
			}
			if !strings.HasPrefix(s.Step.TOTP.URI, "otpauth://totp/Example:") {
				t.Errorf("URI = %q", s.Step.TOTP.URI)
			}
			if _, err := c.Answer(t.Context(), s, wrongCode(authenticatorApp(s.Step.TOTP.Secret, time.Now()))); !errors.Is(err, cognito.ErrCodeMismatch) {
				t.Errorf("a wrong set-up code: %v, want ErrCodeMismatch", err)
			}
			done, err := c.Answer(t.Context(), s, authenticatorApp(s.Step.TOTP.Secret, time.Now()))
			if err != nil || done.Tokens == nil {
				t.Fatalf("Answer(code): %+v, %v", done, err)
			}
		})
	}
}

// A user with two MFA methods and no preferred one chooses, then answers
// the code Cognito emailed.
func TestSignInChoosesMFA(t *testing.T) {
	t.Parallel()
	clk := cognitotest.NewClock(time.Now())
	srv := cognitotest.NewServer(t, cognitotest.WithClock(clk.Now))
	updatePool(t, srv, &cip.UpdateUserPoolInput{EmailConfiguration: sesEmail})
	setMFAConfig(t, srv, &cip.SetUserPoolMfaConfigInput{
		MfaConfiguration:              types.UserPoolMfaTypeOptional,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
		EmailMfaConfiguration:         &types.EmailMfaConfigType{Message: aws.String("Your code is {####}"), Subject: aws.String("Code")},
	})
	c := newClient(t, srv)
	registered(t, srv, c, "ana@example.com")
	s, err := c.SignIn(t.Context(), "ana@example.com", password)
	if err != nil {
		t.Fatal(err)
	}
	access := s.Tokens.AccessToken
	secret, err := c.SetUpTOTP(t.Context(), access, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.VerifyTOTP(t.Context(), access, authenticatorApp(secret.Secret, clk.Now()), ""); err != nil {
		t.Fatal(err)
	}
	for _, m := range []cognito.MFAMethod{cognito.MFATOTP, cognito.MFAEmail} {
		if err := c.SetMFAPreference(t.Context(), access, m, true, false); err != nil {
			t.Fatalf("SetMFAPreference(%s): %v", m, err)
		}
	}

	s, err = c.SignIn(t.Context(), "ana@example.com", password)
	if err != nil || s.Step == nil || s.Step.Kind != cognito.StepSelectMFA {
		t.Fatalf("SignIn = %+v, %v; want the choice of MFA", s, err)
	}
	if len(s.Step.Options) != 2 {
		t.Errorf("options = %v, want two", s.Step.Options)
	}
	s, err = c.Answer(t.Context(), s, string(cognito.MFAEmail))
	if err != nil || s.Step == nil || s.Step.Kind != cognito.StepEmailCode {
		t.Fatalf("after choosing email: %+v, %v", s, err)
	}
	if d := s.Step.CodeDelivery; d == nil || d.Destination != "a***@e***.com" || d.Medium != "EMAIL" {
		t.Errorf("code delivery = %+v", s.Step.CodeDelivery)
	}
	done, err := c.Answer(t.Context(), s, srv.LastCode("ana@example.com"))
	if err != nil || done.Tokens == nil {
		t.Fatalf("Answer(emailed code): %+v, %v", done, err)
	}
}

// SMS MFA: the code Cognito texted answers the step, which says where it
// went.
func TestSignInSMSCode(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	updatePool(t, srv, &cip.UpdateUserPoolInput{SmsConfiguration: snsSMS})
	setMFAConfig(t, srv, &cip.SetUserPoolMfaConfigInput{
		MfaConfiguration:    types.UserPoolMfaTypeOptional,
		SmsMfaConfiguration: &types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String("Your code is {####}")},
	})
	c := newClient(t, srv)
	registered(t, srv, c, "ana@example.com")
	withVerifiedPhone(t, srv, "ana@example.com", "+34600111222")
	s, err := c.SignIn(t.Context(), "ana@example.com", password)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetMFAPreference(t.Context(), s.Tokens.AccessToken, cognito.MFASMS, true, true); err != nil {
		t.Fatalf("SetMFAPreference(SMS): %v", err)
	}
	s, err = c.SignIn(t.Context(), "ana@example.com", password, cognito.WithSRP())
	if err != nil || s.Step == nil || s.Step.Kind != cognito.StepSMSCode {
		t.Fatalf("SignIn = %+v, %v; want the SMS code step", s, err)
	}
	if d := s.Step.CodeDelivery; d == nil || d.Medium != "SMS" || !strings.HasSuffix(d.Destination, "1222") {
		t.Errorf("code delivery = %+v", s.Step.CodeDelivery)
	}
	if done, err := c.Answer(t.Context(), s, srv.LastCode("ana@example.com")); err != nil || done.Tokens == nil {
		t.Fatalf("Answer(texted code): %+v, %v", done, err)
	}
}
