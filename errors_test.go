package cognito_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
)

// TestErrorKinds provokes each kind of failure from a real server response
// and checks the kind, Cognito's code, and that the SDK's error is still
// reachable.
func TestErrorKinds(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		opts     []cognitotest.Option
		provoke  func(t *testing.T, srv *cognitotest.Server, c *cognito.Client, clock *fakeClock) error
		kind     error
		code     string
		sdkError any // a pointer to the SDK's typed exception, for errors.As
	}{
		{
			name: "wrong password",
			provoke: func(t *testing.T, srv *cognitotest.Server, c *cognito.Client, _ *fakeClock) error {
				registered(t, srv, c, "a@example.com")
				_, err := c.Authenticate(ctx, "a@example.com", "Wr0ng-password!")
				return err
			},
			kind: cognito.ErrInvalidCredentials, code: "NotAuthorizedException", sdkError: new(*types.NotAuthorizedException),
		},
		{
			name: "not confirmed",
			provoke: func(t *testing.T, _ *cognitotest.Server, c *cognito.Client, _ *fakeClock) error {
				if _, err := c.Register(ctx, "a@example.com", password, nil); err != nil {
					t.Fatal(err)
				}
				_, err := c.Authenticate(ctx, "a@example.com", password)
				return err
			},
			kind: cognito.ErrUserNotConfirmed, code: "UserNotConfirmedException", sdkError: new(*types.UserNotConfirmedException),
		},
		{
			name: "user exists",
			provoke: func(t *testing.T, _ *cognitotest.Server, c *cognito.Client, _ *fakeClock) error {
				if _, err := c.Register(ctx, "a@example.com", password, nil); err != nil {
					t.Fatal(err)
				}
				_, err := c.Register(ctx, "a@example.com", password, nil)
				return err
			},
			kind: cognito.ErrUserExists, code: "UsernameExistsException", sdkError: new(*types.UsernameExistsException),
		},
		{
			name: "user not found",
			provoke: func(_ *testing.T, _ *cognitotest.Server, c *cognito.Client, _ *fakeClock) error {
				_, err := c.Authenticate(ctx, "nobody@example.com", password)
				return err
			},
			kind: cognito.ErrUserNotFound, code: "UserNotFoundException", sdkError: new(*types.UserNotFoundException),
		},
		{
			name: "weak password",
			provoke: func(_ *testing.T, _ *cognitotest.Server, c *cognito.Client, _ *fakeClock) error {
				_, err := c.Register(ctx, "a@example.com", "weakpassword", nil)
				return err
			},
			kind: cognito.ErrInvalidPassword, code: "InvalidPasswordException", sdkError: new(*types.InvalidPasswordException),
		},
		{
			name: "wrong code",
			provoke: func(t *testing.T, _ *cognitotest.Server, c *cognito.Client, _ *fakeClock) error {
				if _, err := c.Register(ctx, "a@example.com", password, nil); err != nil {
					t.Fatal(err)
				}
				return c.Confirm(ctx, "a@example.com", "000000x")
			},
			kind: cognito.ErrCodeMismatch, code: "CodeMismatchException", sdkError: new(*types.CodeMismatchException),
		},
		{
			name: "expired code",
			provoke: func(t *testing.T, srv *cognitotest.Server, c *cognito.Client, clock *fakeClock) error {
				if _, err := c.Register(ctx, "a@example.com", password, nil); err != nil {
					t.Fatal(err)
				}
				code := srv.LastCode("a@example.com")
				clock.Advance(24*time.Hour + time.Second)
				return c.Confirm(ctx, "a@example.com", code)
			},
			kind: cognito.ErrCodeExpired, code: "ExpiredCodeException", sdkError: new(*types.ExpiredCodeException),
		},
		{
			name: "locked out",
			provoke: func(t *testing.T, srv *cognitotest.Server, c *cognito.Client, _ *fakeClock) error {
				registered(t, srv, c, "a@example.com")
				for range 5 {
					c.Authenticate(ctx, "a@example.com", "Wr0ng-password!")
				}
				_, err := c.Authenticate(ctx, "a@example.com", password)
				return err
			},
			kind: cognito.ErrTooManyRequests, code: "NotAuthorizedException", sdkError: new(*types.NotAuthorizedException),
		},
		{
			name: "too many wrong codes",
			provoke: func(t *testing.T, srv *cognitotest.Server, c *cognito.Client, _ *fakeClock) error {
				if _, err := c.Register(ctx, "a@example.com", password, nil); err != nil {
					t.Fatal(err)
				}
				for range 5 {
					c.Confirm(ctx, "a@example.com", "999999")
				}
				return c.Confirm(ctx, "a@example.com", srv.LastCode("a@example.com"))
			},
			kind: cognito.ErrTooManyRequests, code: "TooManyFailedAttemptsException", sdkError: new(*types.TooManyFailedAttemptsException),
		},
		{
			name: "expired access token",
			provoke: func(t *testing.T, srv *cognitotest.Server, c *cognito.Client, clock *fakeClock) error {
				registered(t, srv, c, "a@example.com")
				tokens, err := c.Authenticate(ctx, "a@example.com", password)
				if err != nil {
					t.Fatal(err)
				}
				clock.Advance(time.Hour + time.Second)
				_, err = c.GetUser(ctx, tokens.AccessToken)
				return err
			},
			kind: cognito.ErrTokenExpired, code: "NotAuthorizedException", sdkError: new(*types.NotAuthorizedException),
		},
		{
			name: "revoked access token",
			provoke: func(t *testing.T, srv *cognitotest.Server, c *cognito.Client, _ *fakeClock) error {
				registered(t, srv, c, "a@example.com")
				tokens, err := c.Authenticate(ctx, "a@example.com", password)
				if err != nil {
					t.Fatal(err)
				}
				if err := c.SignOut(ctx, tokens.AccessToken); err != nil {
					t.Fatal(err)
				}
				_, err = c.GetUser(ctx, tokens.AccessToken)
				return err
			},
			kind: cognito.ErrNotAuthorized, code: "NotAuthorizedException", sdkError: new(*types.NotAuthorizedException),
		},
		{
			name: "secret hash missing",
			opts: []cognitotest.Option{cognitotest.WithClientSecret()},
			provoke: func(t *testing.T, srv *cognitotest.Server, _ *cognito.Client, _ *fakeClock) error {
				cfg := configFor(srv)
				cfg.ClientSecret = ""
				noSecret, err := cognito.New(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				_, err = noSecret.Register(ctx, "a@example.com", password, nil)
				return err
			},
			kind: cognito.ErrSecretHashRequired, code: "NotAuthorizedException", sdkError: new(*types.NotAuthorizedException),
		},
		{
			name: "secret wrong",
			opts: []cognitotest.Option{cognitotest.WithClientSecret()},
			provoke: func(t *testing.T, srv *cognitotest.Server, _ *cognito.Client, _ *fakeClock) error {
				cfg := configFor(srv)
				cfg.ClientSecret = "not-the-secret"
				wrong, err := cognito.New(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				_, err = wrong.Register(ctx, "a@example.com", password, nil)
				return err
			},
			kind: cognito.ErrSecretHashRequired, code: "NotAuthorizedException", sdkError: new(*types.NotAuthorizedException),
		},
		{
			name: "password reset required",
			provoke: func(t *testing.T, srv *cognitotest.Server, c *cognito.Client, _ *fakeClock) error {
				registered(t, srv, c, "a@example.com")
				_, err := srv.Client().AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{
					UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("a@example.com"),
				})
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.Authenticate(ctx, "a@example.com", password)
				return err
			},
			kind: cognito.ErrPasswordResetRequired, code: "PasswordResetRequiredException", sdkError: new(*types.PasswordResetRequiredException),
		},
		{
			name: "unknown client",
			provoke: func(t *testing.T, srv *cognitotest.Server, _ *cognito.Client, _ *fakeClock) error {
				cfg := configFor(srv)
				cfg.ClientID = "doesnotexist0000000000000a"
				other, err := cognito.New(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				_, err = other.Authenticate(ctx, "a@example.com", password)
				return err
			},
			kind: cognito.ErrPoolNotFound, code: "ResourceNotFoundException", sdkError: new(*types.ResourceNotFoundException),
		},
		{
			name: "invalid email",
			provoke: func(_ *testing.T, _ *cognitotest.Server, c *cognito.Client, _ *fakeClock) error {
				_, err := c.Register(ctx, "not-an-email", password, nil)
				return err
			},
			kind: cognito.ErrInvalidParameter, code: "InvalidParameterException", sdkError: new(*types.InvalidParameterException),
		},
		{
			name: "challenge",
			provoke: func(t *testing.T, srv *cognitotest.Server, c *cognito.Client, _ *fakeClock) error {
				_, err := srv.Client().AdminCreateUser(ctx, &cip.AdminCreateUserInput{
					UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("a@example.com"),
					TemporaryPassword: aws.String("Temp-0rary!"), MessageAction: types.MessageActionTypeSuppress,
					UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("a@example.com")}},
				})
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.Authenticate(ctx, "a@example.com", "Temp-0rary!")
				var e *cognito.Error
				if !errors.As(err, &e) || e.Challenge == nil || e.Challenge.Name != "NEW_PASSWORD_REQUIRED" || e.Challenge.Session == "" {
					t.Fatalf("challenge not exposed: %#v", err)
				}
				if strings.Contains(err.Error(), e.Challenge.Session) {
					t.Fatal("the error message contains the challenge session")
				}
				return err
			},
			kind: cognito.ErrChallengeRequired,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newClock()
			srv := cognitotest.NewServer(t, append([]cognitotest.Option{cognitotest.WithClock(clock.Now)}, tt.opts...)...)
			c := newClient(t, srv)
			err := tt.provoke(t, srv, c, clock)
			if !errors.Is(err, tt.kind) {
				t.Fatalf("error = %v, want kind %v", err, tt.kind)
			}
			var e *cognito.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not a *cognito.Error", err)
			}
			if e.Code != tt.code {
				t.Errorf("Code = %q, want %q", e.Code, tt.code)
			}
			if tt.sdkError != nil {
				var api smithy.APIError
				if !errors.As(err, &api) || api.ErrorCode() != tt.code {
					t.Errorf("the SDK's APIError is not reachable: %v", err)
				}
				if !errors.As(err, tt.sdkError) {
					t.Errorf("the SDK's typed exception %T is not reachable", tt.sdkError)
				}
			}
			for _, secret := range []string{password, srv.ClientSecret} {
				if secret != "" && strings.Contains(err.Error(), secret) {
					t.Errorf("error message contains a secret: %v", err)
				}
			}
		})
	}
}

func TestUnreachableEndpoint(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	awsCfg := aws.Config{Region: "eu-west-1", RetryMaxAttempts: 1}
	c, err := cognito.New(context.Background(), cognito.Config{ClientID: "x", Endpoint: "http://" + addr, AWSConfig: &awsCfg})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Authenticate(context.Background(), "a@example.com", password)
	if !errors.Is(err, cognito.ErrUnavailable) {
		t.Fatalf("error = %v, want ErrUnavailable", err)
	}
}

func TestSpanishMessages(t *testing.T) {
	srv := cognitotest.NewServer(t)
	c := newClient(t, srv, cognito.WithLanguage("es"))
	ctx := context.Background()
	registered(t, srv, c, "a@example.com")
	_, err := c.Authenticate(ctx, "a@example.com", "Wr0ng-password!")
	var e *cognito.Error
	if !errors.As(err, &e) || e.Message() != "Email o contraseña incorrectos." {
		t.Fatalf("message = %v", err)
	}
	if _, err := c.Register(ctx, "b@example.com", password, nil); err != nil {
		t.Fatal(err)
	}
	_, err = c.Authenticate(ctx, "b@example.com", password)
	if !errors.As(err, &e) || !strings.HasPrefix(e.Message(), "El usuario no ha confirmado su email") {
		t.Fatalf("message = %v", err)
	}
}

func TestLanguageFromEnvironment(t *testing.T) {
	t.Setenv("COGNITO_LANG", "es")
	srv := cognitotest.NewServer(t)
	c := newClient(t, srv)
	_, err := c.Authenticate(context.Background(), "nobody@example.com", password)
	var e *cognito.Error
	if !errors.As(err, &e) || !strings.Contains(e.Message(), "No existe") {
		t.Fatalf("message = %v", err)
	}
	english := newClient(t, srv, cognito.WithLanguage("en"))
	_, err = english.Authenticate(context.Background(), "nobody@example.com", password)
	if !errors.As(err, &e) || !strings.Contains(e.Message(), "No account") {
		t.Fatalf("WithLanguage(en) does not override COGNITO_LANG: %v", err)
	}
}

// TestMessagesSayWhy provokes each failure whose message keeps Cognito's
// reason, or whose diagnosis depends on it, from the local Cognito, and
// compares the text a person reads in English and Spanish; Error() stays
// English whatever the language.
func TestMessagesSayWhy(t *testing.T) {
	ctx := context.Background()
	register := func(email, pw string, attrs map[string]string) func(*testing.T, *cognitotest.Server, func(cognito.Config) *cognito.Client) ([]any, error) {
		return func(_ *testing.T, srv *cognitotest.Server, client func(cognito.Config) *cognito.Client) ([]any, error) {
			_, err := client(srv.Config()).Register(ctx, email, pw, attrs)
			return nil, err
		}
	}
	tests := []struct {
		name    string
		secret  bool
		provoke func(t *testing.T, srv *cognitotest.Server, client func(cognito.Config) *cognito.Client) (args []any, err error)
		kind    error
		en, es  string // with %s for args
	}{
		{
			name: "invalid email", provoke: register("not-an-email", password, nil), kind: cognito.ErrInvalidParameter,
			en: "The email address is not valid.",
			es: "La dirección de email no es válida.",
		},
		{
			name: "attribute not in the schema", provoke: register("a@example.com", password, map[string]string{"custom:plan": "pro"}), kind: cognito.ErrInvalidParameter,
			en: "The user pool has no attribute custom:plan (custom attributes are written custom:NAME).",
			es: "El grupo de usuarios no tiene el atributo custom:plan (los atributos personalizados se escriben custom:NOMBRE).",
		},
		{
			name: "password too short", provoke: register("a@example.com", "Sh0rt!", nil), kind: cognito.ErrInvalidPassword,
			en: "The password does not meet the policy: it is too short.",
			es: "La contraseña no cumple la política: es demasiado corta.",
		},
		{
			name: "password without uppercase", provoke: register("a@example.com", "sup3r-secret!", nil), kind: cognito.ErrInvalidPassword,
			en: "The password does not meet the policy: it needs an uppercase letter.",
			es: "La contraseña no cumple la política: necesita una letra mayúscula.",
		},
		{
			name: "password without lowercase", provoke: register("a@example.com", "SUP3R-SECRET!", nil), kind: cognito.ErrInvalidPassword,
			en: "The password does not meet the policy: it needs a lowercase letter.",
			es: "La contraseña no cumple la política: necesita una letra minúscula.",
		},
		{
			name: "password without a number", provoke: register("a@example.com", "Super-secret!", nil), kind: cognito.ErrInvalidPassword,
			en: "The password does not meet the policy: it needs a number.",
			es: "La contraseña no cumple la política: necesita un número.",
		},
		{
			name: "password without a symbol", provoke: register("a@example.com", "Sup3rsecret", nil), kind: cognito.ErrInvalidPassword,
			en: "The password does not meet the policy: it needs a symbol.",
			es: "La contraseña no cumple la política: necesita un símbolo.",
		},
		{
			name: "confirming a confirmed user",
			provoke: func(t *testing.T, srv *cognitotest.Server, client func(cognito.Config) *cognito.Client) ([]any, error) {
				c := client(srv.Config())
				registered(t, srv, c, "a@example.com")
				return nil, c.Confirm(ctx, "a@example.com", "123456")
			},
			kind: cognito.ErrAlreadyConfirmed,
			en:   "This account is already confirmed; sign in.",
			es:   "Esta cuenta ya está confirmada; inicia sesión.",
		},
		{
			name: "a new code for a confirmed user",
			provoke: func(t *testing.T, srv *cognitotest.Server, client func(cognito.Config) *cognito.Client) ([]any, error) {
				c := client(srv.Config())
				registered(t, srv, c, "a@example.com")
				_, err := c.ResendCode(ctx, "a@example.com")
				return nil, err
			},
			kind: cognito.ErrAlreadyConfirmed,
			en:   "This account is already confirmed; sign in.",
			es:   "Esta cuenta ya está confirmada; inicia sesión.",
		},
		{
			name: "reset without a verified email",
			provoke: func(t *testing.T, srv *cognitotest.Server, client func(cognito.Config) *cognito.Client) ([]any, error) {
				c := client(srv.Config())
				unverified(t, srv, "a@example.com")
				_, err := c.ForgotPassword(ctx, "a@example.com")
				return nil, err
			},
			kind: cognito.ErrInvalidParameter,
			en:   "The password cannot be reset: the user has no verified email or phone number to send the code to.",
			es:   "No se puede restablecer la contraseña: el usuario no tiene ningún email ni teléfono verificado al que enviar el código.",
		},
		{
			name: "client secret missing", secret: true,
			provoke: func(t *testing.T, srv *cognitotest.Server, client func(cognito.Config) *cognito.Client) ([]any, error) {
				cfg := srv.Config()
				cfg.ClientSecret = ""
				_, err := client(cfg).Register(ctx, "a@example.com", password, nil)
				return nil, err
			},
			kind: cognito.ErrSecretHashRequired,
			en:   "The app client has a secret: configure it (COGNITO_CLIENT_SECRET or Config.ClientSecret) so SECRET_HASH can be sent.",
			es:   "El cliente de la aplicación tiene un secreto: configúralo (COGNITO_CLIENT_SECRET o Config.ClientSecret) para enviar el SECRET_HASH.",
		},
		{
			name: "client secret wrong", secret: true,
			provoke: func(t *testing.T, srv *cognitotest.Server, client func(cognito.Config) *cognito.Client) ([]any, error) {
				cfg := srv.Config()
				cfg.ClientSecret = "not-the-secret"
				_, err := client(cfg).Authenticate(ctx, "a@example.com", password)
				return []any{srv.ClientID}, err
			},
			kind: cognito.ErrSecretHashRequired,
			en:   "The client secret is wrong: it is not the secret of app client %s; check Config.ClientSecret (COGNITO_CLIENT_SECRET).",
			es:   "El secreto del cliente es incorrecto: no es el secreto del cliente de aplicación %s; revisa Config.ClientSecret (COGNITO_CLIENT_SECRET).",
		},
		{
			name: "client secret wrong when refreshing", secret: true,
			provoke: func(t *testing.T, srv *cognitotest.Server, client func(cognito.Config) *cognito.Client) ([]any, error) {
				c := client(srv.Config())
				registered(t, srv, c, "a@example.com")
				tokens, err := c.Authenticate(ctx, "a@example.com", password)
				if err != nil {
					t.Fatal(err)
				}
				cfg := srv.Config()
				cfg.ClientSecret = "not-the-secret"
				_, err = client(cfg).RefreshTokens(ctx, tokens)
				return []any{srv.ClientID}, err
			},
			kind: cognito.ErrSecretHashRequired,
			en:   "The client secret is wrong: it is not the secret of app client %s; check Config.ClientSecret (COGNITO_CLIENT_SECRET).",
			es:   "El secreto del cliente es incorrecto: no es el secreto del cliente de aplicación %s; revisa Config.ClientSecret (COGNITO_CLIENT_SECRET).",
		},
		{
			name: "tokens of another app client",
			provoke: func(t *testing.T, srv *cognitotest.Server, client func(cognito.Config) *cognito.Client) ([]any, error) {
				c := client(srv.Config())
				registered(t, srv, c, "a@example.com")
				tokens, err := c.Authenticate(ctx, "a@example.com", password)
				if err != nil {
					t.Fatal(err)
				}
				cfg := srv.Config()
				cfg.ClientID = srv.AddClient("another")
				_, err = client(cfg).RefreshTokens(ctx, tokens)
				return []any{srv.ClientID}, err
			},
			kind: cognito.ErrWrongClient,
			en:   "These tokens were issued to app client %s, not to this one; sign in again with this app client.",
			es:   "Estos tokens se emitieron para el cliente de aplicación %s, no para este; inicia sesión de nuevo con este cliente.",
		},
		{
			name: "tokens of another endpoint",
			provoke: func(t *testing.T, srv *cognitotest.Server, client func(cognito.Config) *cognito.Client) ([]any, error) {
				c := client(srv.Config())
				registered(t, srv, c, "a@example.com")
				tokens, err := c.Authenticate(ctx, "a@example.com", password)
				if err != nil {
					t.Fatal(err)
				}
				other := cognitotest.NewServer(t)
				_, err = client(other.Config()).GetUser(ctx, tokens.AccessToken)
				return []any{srv.Issuer()}, err
			},
			kind: cognito.ErrWrongClient,
			en:   "These tokens were issued by %s, not by this client's user pool and endpoint; sign in again here.",
			es:   "Estos tokens los emitió %s, no el grupo de usuarios y el endpoint de este cliente; inicia sesión de nuevo aquí.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, lang := range []string{"en", "es"} {
				var opts []cognitotest.Option
				if tt.secret {
					opts = append(opts, cognitotest.WithClientSecret())
				}
				srv := cognitotest.NewServer(t, opts...)
				client := func(cfg cognito.Config) *cognito.Client {
					c, err := cognito.New(ctx, cfg, cognito.WithLanguage(lang))
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { c.Close() })
					return c
				}
				args, err := tt.provoke(t, srv, client)
				var e *cognito.Error
				if !errors.Is(err, tt.kind) || !errors.As(err, &e) {
					t.Fatalf("%s: error = %v, want kind %v", lang, err, tt.kind)
				}
				want := fmt.Sprintf(map[string]string{"en": tt.en, "es": tt.es}[lang], args...)
				if got := e.Message(); got != want {
					t.Errorf("%s: Message() = %q\nwant %q", lang, got, want)
				}
				if english := fmt.Sprintf(tt.en, args...); !strings.Contains(e.Error(), english) {
					t.Errorf("%s: Error() = %q, want it in English, with %q", lang, e.Error(), english)
				}
				if strings.Contains(e.Error(), password) || (srv.ClientSecret != "" && strings.Contains(e.Error(), srv.ClientSecret)) {
					t.Errorf("the error contains a secret: %v", e)
				}
			}
		})
	}
}

// unverified creates username, confirmed with a permanent password but
// whose email is not verified, as an administrator would.
func unverified(t *testing.T, srv *cognitotest.Server, username string) {
	t.Helper()
	admin := newClient(t, srv).Admin()
	if _, err := admin.CreateUser(t.Context(), username, map[string]string{"email": username}, cognito.WithoutInvitation()); err != nil {
		t.Fatal(err)
	}
	if err := admin.SetPassword(t.Context(), username, password); err != nil {
		t.Fatal(err)
	}
}
