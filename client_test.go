package cognito_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
)

const password = "Sup3r-secret!"

// fakeClock is a clock the test moves by hand.
type fakeClock = cognitotest.Clock

func newClock() *fakeClock { return cognitotest.NewClock(time.Now()) }

// configFor returns the library's Config for a test server.
func configFor(srv *cognitotest.Server) cognito.Config {
	awsCfg := srv.AWSConfig()
	return cognito.Config{
		UserPoolID:   srv.UserPoolID,
		ClientID:     srv.ClientID,
		ClientSecret: srv.ClientSecret,
		Endpoint:     srv.Endpoint,
		AWSConfig:    &awsCfg,
	}
}

func newClient(t *testing.T, srv *cognitotest.Server, opts ...cognito.Option) *cognito.Client {
	t.Helper()
	c, err := cognito.New(context.Background(), configFor(srv), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// registered signs email up and confirms it with the code from the outbox.
func registered(t *testing.T, srv *cognitotest.Server, c *cognito.Client, email string) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.Register(ctx, email, password, nil); err != nil {
		t.Fatalf("Register: %v", err)
	}
	if err := c.Confirm(ctx, email, srv.LastCode(email)); err != nil {
		t.Fatalf("Confirm: %v", err)
	}
}

// The pool settings that let Cognito send email through SES and texts
// through SNS: an identity and a role to send them with.
var (
	sesEmail = &types.EmailConfigurationType{
		EmailSendingAccount: types.EmailSendingAccountTypeDeveloper,
		SourceArn:           aws.String("arn:aws:ses:eu-west-1:123456789012:identity/no-reply@example.com"),
	}
	snsSMS = &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sms")}
)

// updatePool updates srv's pool with in. UpdateUserPool resets every
// setting it is not given, so in keeps the email verification
// cognitotest's pool starts with.
func updatePool(t testing.TB, srv *cognitotest.Server, in *cip.UpdateUserPoolInput) {
	t.Helper()
	in.UserPoolId = aws.String(srv.UserPoolID)
	in.AutoVerifiedAttributes = []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}
	if _, err := srv.Client().UpdateUserPool(t.Context(), in); err != nil {
		t.Fatalf("UpdateUserPool: %v", err)
	}
}

// updateClient updates srv's app client with in.
func updateClient(t testing.TB, srv *cognitotest.Server, in *cip.UpdateUserPoolClientInput) {
	t.Helper()
	in.UserPoolId, in.ClientId = aws.String(srv.UserPoolID), aws.String(srv.ClientID)
	if _, err := srv.Client().UpdateUserPoolClient(t.Context(), in); err != nil {
		t.Fatalf("UpdateUserPoolClient: %v", err)
	}
}

// setMFAConfig sets srv's pool's MFA configuration to in.
func setMFAConfig(t testing.TB, srv *cognitotest.Server, in *cip.SetUserPoolMfaConfigInput) {
	t.Helper()
	in.UserPoolId = aws.String(srv.UserPoolID)
	if _, err := srv.Client().SetUserPoolMfaConfig(t.Context(), in); err != nil {
		t.Fatalf("SetUserPoolMfaConfig: %v", err)
	}
}

// withVerifiedPhone gives srv's user username the verified phone number
// phone, as an administrator would.
func withVerifiedPhone(t testing.TB, srv *cognitotest.Server, username, phone string) {
	t.Helper()
	_, err := srv.Client().AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{
		UserPoolId: aws.String(srv.UserPoolID), Username: aws.String(username),
		UserAttributes: []types.AttributeType{
			{Name: aws.String("phone_number"), Value: aws.String(phone)},
			{Name: aws.String("phone_number_verified"), Value: aws.String("true")},
		},
	})
	if err != nil {
		t.Fatalf("AdminUpdateUserAttributes: %v", err)
	}
}

// poolKinds are the server setups every method is tested on.
var poolKinds = []struct {
	name string
	opts []cognitotest.Option
}{
	{"public client", nil},
	{"client with secret", []cognitotest.Option{cognitotest.WithClientSecret()}},
	{"email as username", []cognitotest.Option{cognitotest.WithEmailAsUsername()}},
	{"email as username with secret", []cognitotest.Option{cognitotest.WithEmailAsUsername(), cognitotest.WithClientSecret()}},
}

// TestUserLifecycle drives every Client method through a user's life, on
// every kind of pool and client.
func TestUserLifecycle(t *testing.T) {
	for _, pk := range poolKinds {
		t.Run(pk.name, func(t *testing.T) {
			srv := cognitotest.NewServer(t, pk.opts...)
			c := newClient(t, srv)
			ctx := context.Background()
			email := "ana@example.com"

			res, err := c.Register(ctx, email, password, map[string]string{"name": "Ana"})
			if err != nil {
				t.Fatalf("Register: %v", err)
			}
			if !res.ConfirmationRequired || res.UserSub == "" || res.CodeDeliveryDestination != "a***@e***.com" {
				t.Fatalf("Register = %+v", res)
			}
			d, err := c.ResendCode(ctx, email)
			if err != nil {
				t.Fatalf("ResendCode: %v", err)
			}
			if d.Medium != "EMAIL" || d.Attribute != "email" || d.Destination != "a***@e***.com" {
				t.Fatalf("ResendCode = %+v", d)
			}
			if err := c.Confirm(ctx, email, srv.LastCode(email)); err != nil {
				t.Fatalf("Confirm: %v", err)
			}

			tokens, err := c.Authenticate(ctx, email, password)
			if err != nil {
				t.Fatalf("Authenticate: %v", err)
			}
			if tokens.AccessToken == "" || tokens.IDToken == "" || tokens.RefreshToken == "" ||
				tokens.ExpiresIn != 3600 || tokens.TokenType != "Bearer" ||
				time.Until(tokens.Expiry) < 59*time.Minute || time.Until(tokens.Expiry) > time.Hour {
				t.Fatalf("Authenticate = %+v", tokens)
			}

			u, err := c.GetUser(ctx, tokens.AccessToken)
			if err != nil {
				t.Fatalf("GetUser: %v", err)
			}
			if u.Attributes["email"] != email || u.Attributes["name"] != "Ana" || u.Attributes["sub"] != res.UserSub || u.Attributes["email_verified"] != "true" {
				t.Fatalf("GetUser attributes = %v", u.Attributes)
			}
			wantUsername := email
			if strings.Contains(pk.name, "email as username") {
				wantUsername = res.UserSub
			}
			if u.Username != wantUsername {
				t.Fatalf("GetUser username = %q, want %q", u.Username, wantUsername)
			}
			if got := cognito.UsernameFromTokens(tokens); got != wantUsername {
				t.Fatalf("UsernameFromTokens = %q, want %q", got, wantUsername)
			}

			pending, err := c.UpdateUserAttributes(ctx, tokens.AccessToken, map[string]string{"name": "Ana María"})
			if err != nil || len(pending) != 0 {
				t.Fatalf("UpdateUserAttributes(name) = %v, %v", pending, err)
			}
			pending, err = c.UpdateUserAttributes(ctx, tokens.AccessToken, map[string]string{"email": "ana.maria@example.org"})
			if err != nil {
				t.Fatalf("UpdateUserAttributes(email): %v", err)
			}
			if len(pending) != 1 || pending[0].Attribute != "email" || pending[0].Destination != "a***@e***.org" {
				t.Fatalf("UpdateUserAttributes(email) pending = %+v", pending)
			}

			refreshed, err := c.RefreshTokens(ctx, tokens)
			if err != nil {
				t.Fatalf("RefreshTokens: %v", err)
			}
			if refreshed.AccessToken == tokens.AccessToken || refreshed.RefreshToken != tokens.RefreshToken {
				t.Fatal("RefreshTokens did not return a new access token with the same refresh token")
			}
			if _, err := c.Refresh(ctx, tokens.RefreshToken, wantUsername); err != nil {
				t.Fatalf("Refresh with the username: %v", err)
			}

			// Users sign in with their username on a plain pool, and with
			// their current email where the email is the username.
			login := email
			if strings.Contains(pk.name, "email as username") {
				login = "ana.maria@example.org"
			}
			if err := c.ChangePassword(ctx, refreshed.AccessToken, password, "N3w-secret!"); err != nil {
				t.Fatalf("ChangePassword: %v", err)
			}
			if _, err := c.Authenticate(ctx, login, password); !errors.Is(err, cognito.ErrInvalidCredentials) {
				t.Fatalf("old password after ChangePassword: %v", err)
			}

			// Cognito sends reset codes only to a verified address: verify
			// the new email (as an administrator would) first.
			_, err = srv.Client().AdminUpdateUserAttributes(ctx, adminVerifyEmail(srv, wantUsername))
			if err != nil {
				t.Fatal(err)
			}
			fd, err := c.ForgotPassword(ctx, login)
			if err != nil {
				t.Fatalf("ForgotPassword: %v", err)
			}
			if fd.Destination != "a***@e***.org" {
				t.Fatalf("ForgotPassword delivery = %+v", fd)
			}
			if err := c.ConfirmForgotPassword(ctx, login, srv.LastCode("ana.maria@example.org"), "Th1rd-secret!"); err != nil {
				t.Fatalf("ConfirmForgotPassword: %v", err)
			}
			again, err := c.Authenticate(ctx, login, "Th1rd-secret!")
			if err != nil {
				t.Fatalf("Authenticate with the new password: %v", err)
			}

			if err := c.SignOut(ctx, again.AccessToken); err != nil {
				t.Fatalf("SignOut: %v", err)
			}
			if _, err := c.GetUser(ctx, again.AccessToken); !errors.Is(err, cognito.ErrNotAuthorized) {
				t.Fatalf("GetUser after SignOut: %v", err)
			}
			if _, err := c.RefreshTokens(ctx, again); !errors.Is(err, cognito.ErrNotAuthorized) {
				t.Fatalf("RefreshTokens after SignOut: %v", err)
			}

			last, err := c.Authenticate(ctx, login, "Th1rd-secret!")
			if err != nil {
				t.Fatal(err)
			}
			if err := c.DeleteUser(ctx, last.AccessToken); err != nil {
				t.Fatalf("DeleteUser: %v", err)
			}
			if _, err := c.Authenticate(ctx, login, "Th1rd-secret!"); !errors.Is(err, cognito.ErrUserNotFound) {
				t.Fatalf("Authenticate after DeleteUser: %v", err)
			}

			info, err := c.TestConnection(ctx)
			if err != nil {
				t.Fatalf("TestConnection: %v", err)
			}
			if info.UserPoolID != srv.UserPoolID || info.UserPoolName != "cognitotest" || info.EstimatedUsers != 0 || info.Region != cognitotest.Region {
				t.Fatalf("TestConnection = %+v", info)
			}
		})
	}
}

func adminVerifyEmail(srv *cognitotest.Server, username string) *cip.AdminUpdateUserAttributesInput {
	return &cip.AdminUpdateUserAttributesInput{
		UserPoolId: aws.String(srv.UserPoolID),
		Username:   aws.String(username),
		UserAttributes: []types.AttributeType{
			{Name: aws.String("email_verified"), Value: aws.String("true")},
		},
	}
}

func TestRefreshNeedsUsernameWithSecret(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.WithClientSecret(), cognitotest.WithEmailAsUsername())
	c := newClient(t, srv)
	ctx := context.Background()
	registered(t, srv, c, "bo@example.com")
	tokens, err := c.Authenticate(ctx, "bo@example.com", password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Refresh(ctx, tokens.RefreshToken, ""); !errors.Is(err, cognito.ErrSecretHashRequired) {
		t.Fatalf("Refresh without a username on a secret client: %v", err)
	}
	// The email is not the internal username on this pool: Cognito
	// rejects the SECRET_HASH computed over it.
	if _, err := c.Refresh(ctx, tokens.RefreshToken, "bo@example.com"); !errors.Is(err, cognito.ErrSecretHashRequired) {
		t.Fatalf("Refresh with the email as username: %v", err)
	}
	// Only the ID token is enough to find the username.
	if _, err := c.RefreshTokens(ctx, &cognito.Tokens{RefreshToken: tokens.RefreshToken, IDToken: tokens.IDToken}); err != nil {
		t.Fatalf("RefreshTokens from the ID token: %v", err)
	}
	if _, err := c.RefreshTokens(ctx, &cognito.Tokens{}); !errors.Is(err, cognito.ErrInvalidParameter) {
		t.Fatalf("RefreshTokens without a refresh token: %v", err)
	}
}

func TestClientIsSafeForConcurrentUse(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.WithClientSecret())
	c := newClient(t, srv)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Go(func() {
			email := "user" + string(rune('a'+i)) + "@example.com"
			if _, err := c.Register(ctx, email, password, nil); err != nil {
				errs <- err
				return
			}
			if err := c.Confirm(ctx, email, srv.LastCode(email)); err != nil {
				errs <- err
				return
			}
			if _, err := c.Authenticate(ctx, email, password); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestMissingClientIDIsCognitosError(t *testing.T) {
	srv := cognitotest.NewServer(t)
	cfg := configFor(srv)
	cfg.ClientID = ""
	c, err := cognito.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Register(context.Background(), "a@example.com", password, nil); !errors.Is(err, cognito.ErrInvalidParameter) {
		t.Fatalf("Register without a client ID: %v", err)
	}
	if _, err := c.TestConnection(context.Background()); err != nil {
		t.Fatalf("TestConnection needs only the pool ID: %v", err)
	}
}

func TestConfigDoesNotPrintTheSecret(t *testing.T) {
	awsCfg := aws.Config{Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "aws-secret-key", "")}
	cfg := cognito.Config{ClientID: "abc", ClientSecret: "very-secret-value", UserPoolID: "eu-west-1_x", AWSConfig: &awsCfg}
	raw, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&logged, nil), slog.NewTextHandler(&logged, nil)} {
		slog.New(h).Info("configured", "cognito", cfg, "pointer", &cfg)
	}
	wrapped := struct{ Cognito cognito.Config }{cfg}
	for how, s := range map[string]string{
		"String": cfg.String(), "GoString": cfg.GoString(), "%v": fmt.Sprintf("%v", cfg), "%+v": fmt.Sprintf("%+v", wrapped),
		"%#v": fmt.Sprintf("%#v", &cfg), "JSON": string(raw), "slog": logged.String(),
	} {
		for _, secret := range []string{"very-secret-value", "aws-secret-key"} {
			if strings.Contains(s, secret) {
				t.Errorf("%s prints a secret: %s", how, s)
			}
		}
		if !strings.Contains(s, "abc") {
			t.Errorf("%s hides the client ID: %s", how, s)
		}
	}
	if want := `{"UserPoolID":"eu-west-1_x","ClientID":"abc","ClientSecret":"redacted"}`; string(raw) != want {
		t.Errorf("JSON = %s, want %s", raw, want)
	}
	if !strings.Contains(logged.String(), `"client_secret_set":true`) || !strings.Contains(logged.String(), "cognito.client_secret_set=true") {
		t.Errorf("the log does not say a secret is set: %s", logged.String())
	}
	var back cognito.Config
	if err := json.Unmarshal(raw, &back); err != nil || back.UserPoolID != cfg.UserPoolID || back.ClientID != cfg.ClientID {
		t.Errorf("the JSON does not read back: %+v, %v", back, err)
	}
}

// signedIn starts a server with opts and returns it, a Client for it and
// the tokens of ana@example.com, registered, confirmed and signed in.
func signedIn(t *testing.T, opts ...cognitotest.Option) (*cognitotest.Server, *cognito.Client, *cognito.Tokens) {
	t.Helper()
	srv := cognitotest.NewServer(t, opts...)
	c := newClient(t, srv)
	registered(t, srv, c, "ana@example.com")
	tokens, err := c.Authenticate(t.Context(), "ana@example.com", password)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c, tokens
}

// TestVerifyUserAttribute changes the user's email and verifies it with
// its code: a wrong code, then a new code, then the right one.
func TestVerifyUserAttribute(t *testing.T) {
	for _, pk := range poolKinds {
		t.Run(pk.name, func(t *testing.T) {
			srv, c, tokens := signedIn(t, pk.opts...)
			ctx := t.Context()
			pending, err := c.UpdateUserAttributes(ctx, tokens.AccessToken, map[string]string{"email": "ana@example.org"})
			if err != nil || len(pending) != 1 || pending[0].Attribute != "email" {
				t.Fatalf("UpdateUserAttributes = %+v, %v", pending, err)
			}
			first := srv.LastCode("ana@example.org")
			if err := c.VerifyUserAttribute(ctx, tokens.AccessToken, "email", wrongCode(first)); !errors.Is(err, cognito.ErrCodeMismatch) {
				t.Fatalf("a wrong code: %v", err)
			}
			d, err := c.SendAttributeCode(ctx, tokens.AccessToken, "email")
			if err != nil || d.Attribute != "email" || d.Medium != "EMAIL" || !strings.Contains(d.Destination, "***") {
				t.Fatalf("SendAttributeCode = %+v, %v", d, err)
			}
			if err := c.VerifyUserAttribute(ctx, tokens.AccessToken, "email", srv.LastCode("ana@example.org")); err != nil {
				t.Fatalf("VerifyUserAttribute: %v", err)
			}
			u, err := c.GetUser(ctx, tokens.AccessToken)
			if err != nil || u.Attributes["email"] != "ana@example.org" || u.Attributes["email_verified"] != "true" {
				t.Fatalf("after verification: %+v, %v", u, err)
			}
			_, err = c.SendAttributeCode(ctx, tokens.AccessToken, "phone_number")
			var e *cognito.Error
			if !errors.Is(err, cognito.ErrInvalidParameter) || !errors.As(err, &e) || e.Message() != "The user has no phone_number to verify." {
				t.Fatalf("a code for a phone number the user does not have: %v", err)
			}
		})
	}
}

// TestRevokeToken revokes the refresh token of one sign-in: it no longer
// refreshes, Cognito refuses its access token, another sign-in of the user
// is untouched; revoking again succeeds.
func TestRevokeToken(t *testing.T) {
	for _, pk := range poolKinds {
		t.Run(pk.name, func(t *testing.T) {
			_, c, laptop := signedIn(t, pk.opts...)
			ctx := t.Context()
			phone, err := c.Authenticate(ctx, "ana@example.com", password)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.RevokeToken(ctx, laptop.RefreshToken); err != nil {
				t.Fatalf("RevokeToken: %v", err)
			}
			if _, err := c.RefreshTokens(ctx, laptop); !errors.Is(err, cognito.ErrNotAuthorized) {
				t.Fatalf("refreshing a revoked sign-in: %v", err)
			}
			if _, err := c.GetUser(ctx, laptop.AccessToken); !errors.Is(err, cognito.ErrNotAuthorized) {
				t.Fatalf("the access token of a revoked sign-in: %v", err)
			}
			if _, err := c.RefreshTokens(ctx, phone); err != nil {
				t.Fatalf("another sign-in after the revocation: %v", err)
			}
			if err := c.RevokeToken(ctx, laptop.RefreshToken); err != nil {
				t.Fatalf("revoking again: %v", err)
			}
		})
	}
}

// TestRevokeTokenRefused: a client that does not allow revocation, and a
// wrong client secret, say so.
func TestRevokeTokenRefused(t *testing.T) {
	srv, c, tokens := signedIn(t, cognitotest.WithClientSecret())
	ctx := t.Context()
	cfg := srv.Config()
	cfg.ClientSecret = "not-the-secret"
	wrong, err := cognito.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	err = wrong.RevokeToken(ctx, tokens.RefreshToken)
	var e *cognito.Error
	if !errors.Is(err, cognito.ErrSecretHashRequired) || !errors.As(err, &e) || !strings.HasPrefix(e.Message(), "The client secret is wrong") {
		t.Fatalf("a wrong secret: %v", err)
	}
	updateClient(t, srv, &cip.UpdateUserPoolClientInput{
		EnableTokenRevocation: aws.Bool(false),
		ExplicitAuthFlows:     []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	err = c.RevokeToken(ctx, tokens.RefreshToken)
	if !errors.Is(err, cognito.ErrNotAuthorized) || !errors.As(err, &e) || e.Message() != "The app client does not allow revoking tokens (token revocation is off)." {
		t.Fatalf("revocation disabled: %v", err)
	}
}
