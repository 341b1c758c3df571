package cognito_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
)

// TestPackageFunctions runs the user's life through the one-off functions.
func TestPackageFunctions(t *testing.T) {
	for _, pk := range poolKinds {
		t.Run(pk.name, func(t *testing.T) {
			srv := cognitotest.NewServer(t, pk.opts...)
			cfg := configFor(srv)
			ctx := context.Background()
			email := "ana@example.com"

			if _, err := cognito.RegisterUser(ctx, cfg, email, password, nil); err != nil {
				t.Fatalf("RegisterUser: %v", err)
			}
			if _, err := cognito.ResendCode(ctx, cfg, email); err != nil {
				t.Fatalf("ResendCode: %v", err)
			}
			if err := cognito.ConfirmUser(ctx, cfg, email, "123"); !errors.Is(err, cognito.ErrCodeMismatch) {
				t.Fatalf("ConfirmUser with a wrong code: %v", err)
			}
			if err := cognito.ConfirmUser(ctx, cfg, email, srv.LastCode(email)); err != nil {
				t.Fatalf("ConfirmUser: %v", err)
			}
			tokens, err := cognito.AuthenticateUser(ctx, cfg, email, password)
			if err != nil {
				t.Fatalf("AuthenticateUser: %v", err)
			}
			u, err := cognito.GetUser(ctx, cfg, tokens.AccessToken)
			if err != nil || u.Attributes["email"] != email {
				t.Fatalf("GetUser = %+v, %v", u, err)
			}
			if _, err := cognito.UpdateUserAttributes(ctx, cfg, tokens.AccessToken, map[string]string{"name": "Ana"}); err != nil {
				t.Fatalf("UpdateUserAttributes: %v", err)
			}
			refreshed, err := cognito.RefreshTokens(ctx, cfg, tokens)
			if err != nil {
				t.Fatalf("RefreshTokens: %v", err)
			}
			if _, err := cognito.Refresh(ctx, cfg, tokens.RefreshToken, cognito.UsernameFromTokens(tokens)); err != nil {
				t.Fatalf("Refresh: %v", err)
			}
			if err := cognito.ChangePassword(ctx, cfg, refreshed.AccessToken, password, "N3w-secret!"); err != nil {
				t.Fatalf("ChangePassword: %v", err)
			}
			if _, err := cognito.ForgotPassword(ctx, cfg, email); err != nil {
				t.Fatalf("ForgotPassword: %v", err)
			}
			if err := cognito.ConfirmForgotPassword(ctx, cfg, email, srv.LastCode(email), "Th1rd-secret!"); err != nil {
				t.Fatalf("ConfirmForgotPassword: %v", err)
			}
			again, err := cognito.AuthenticateUser(ctx, cfg, email, "Th1rd-secret!")
			if err != nil {
				t.Fatal(err)
			}
			if err := cognito.SignOut(ctx, cfg, again.AccessToken); err != nil {
				t.Fatalf("SignOut: %v", err)
			}
			last, err := cognito.AuthenticateUser(ctx, cfg, email, "Th1rd-secret!")
			if err != nil {
				t.Fatal(err)
			}
			if err := cognito.DeleteUser(ctx, cfg, last.AccessToken); err != nil {
				t.Fatalf("DeleteUser: %v", err)
			}
			info, err := cognito.TestConnection(ctx, cfg)
			if err != nil || info.UserPoolID != srv.UserPoolID {
				t.Fatalf("TestConnection = %+v, %v", info, err)
			}
		})
	}
}

// clearAWSEnvironment leaves the SDK no credentials to find: no keys, no
// profile, no shared files, no instance metadata.
func clearAWSEnvironment(t *testing.T) {
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": dir + "/config", "AWS_SHARED_CREDENTIALS_FILE": dir + "/credentials",
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "", "AWS_WEB_IDENTITY_TOKEN_FILE": "", "AWS_ROLE_ARN": "",
	} {
		t.Setenv(k, v)
	}
}

// TestWithoutAWSCredentials configures everything from the environment, as
// a program would, with no AWS credentials anywhere: the user operations
// work (Cognito does not sign them) and TestConnection says credentials are
// missing.
func TestWithoutAWSCredentials(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.WithClientSecret())
	clearAWSEnvironment(t)
	t.Setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", srv.Endpoint)
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("COGNITO_USER_POOL_ID", srv.UserPoolID)
	t.Setenv("COGNITO_CLIENT_ID", srv.ClientID)
	t.Setenv("COGNITO_CLIENT_SECRET", srv.ClientSecret)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := cognito.NewFromEnv(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	registered(t, srv, c, "ana@example.com")
	tokens, err := c.Authenticate(ctx, "ana@example.com", password)
	if err != nil {
		t.Fatalf("Authenticate without AWS credentials: %v", err)
	}
	if _, err := c.GetUser(ctx, tokens.AccessToken); err != nil {
		t.Fatalf("GetUser without AWS credentials: %v", err)
	}
	_, err = c.TestConnection(ctx)
	if !errors.Is(err, cognito.ErrNoCredentials) {
		t.Fatalf("TestConnection without credentials: %v", err)
	}
	var e *cognito.Error
	if errors.As(err, &e); e == nil || e.Message() == "" {
		t.Fatalf("no message for people: %v", err)
	}
	_, err = cognito.TestConnection(ctx, cognito.ConfigFromEnv())
	if !errors.Is(err, cognito.ErrNoCredentials) {
		t.Fatalf("package TestConnection without credentials: %v", err)
	}
}

func TestRegion(t *testing.T) {
	clearAWSEnvironment(t)
	tests := []struct {
		name, env, explicit, pool, want string
	}{
		{"explicit wins", "us-east-1", "ap-south-1", "eu-central-1_abc", "ap-south-1"},
		{"environment next", "us-east-1", "", "eu-central-1_abc", "us-east-1"},
		{"pool ID prefix next", "", "", "eu-central-1_abc", "eu-central-1"},
		{"default last", "", "", "", "eu-west-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("AWS_REGION", tt.env)
			t.Setenv("AWS_DEFAULT_REGION", "")
			c, err := cognito.New(context.Background(), cognito.Config{ClientID: "x", UserPoolID: tt.pool, Region: tt.explicit})
			if err != nil {
				t.Fatal(err)
			}
			if got := c.SDK().Options().Region; got != tt.want {
				t.Fatalf("region = %q, want %q", got, tt.want)
			}
		})
	}
}

// BenchmarkPackageFunctionsVsClient measures GetUser through the
// package-level function against the same call on one reused Client, in
// the same loop (alternating which goes first), and reports the ratio.
func BenchmarkPackageFunctionsVsClient(b *testing.B) {
	srv := cognitotest.NewServer(b)
	cfg := configFor(srv)
	ctx := context.Background()
	c, err := cognito.New(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Register(ctx, "bench@example.com", password, nil); err != nil {
		b.Fatal(err)
	}
	if err := c.Confirm(ctx, "bench@example.com", srv.LastCode("bench@example.com")); err != nil {
		b.Fatal(err)
	}
	tokens, err := c.Authenticate(ctx, "bench@example.com", password)
	if err != nil {
		b.Fatal(err)
	}
	viaClient := func() {
		if _, err := c.GetUser(ctx, tokens.AccessToken); err != nil {
			b.Fatal(err)
		}
	}
	viaFunction := func() {
		if _, err := cognito.GetUser(ctx, cfg, tokens.AccessToken); err != nil {
			b.Fatal(err)
		}
	}
	var clientTime, functionTime time.Duration
	timed := func(f func()) time.Duration {
		start := time.Now()
		f()
		return time.Since(start)
	}
	i := 0
	for b.Loop() {
		if i%2 == 0 {
			clientTime += timed(viaClient)
			functionTime += timed(viaFunction)
		} else {
			functionTime += timed(viaFunction)
			clientTime += timed(viaClient)
		}
		i++
	}
	b.ReportMetric(float64(clientTime.Nanoseconds())/float64(i), "client-ns/call")
	b.ReportMetric(float64(functionTime.Nanoseconds())/float64(i), "func-ns/call")
	b.ReportMetric(float64(functionTime)/float64(clientTime), "func/client")
}

func TestIssuer(t *testing.T) {
	clearAWSEnvironment(t)
	t.Setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "")
	t.Setenv("AWS_ENDPOINT_URL", "")
	ctx := context.Background()
	aws, err := cognito.New(ctx, cognito.Config{ClientID: "x", UserPoolID: "eu-central-1_abc"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.Issuer(), "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_abc"; got != want {
		t.Errorf("AWS issuer = %q, want %q", got, want)
	}
	local, err := cognito.New(ctx, cognito.Config{ClientID: "x", UserPoolID: "eu-west-1_abc", Endpoint: "http://127.0.0.1:9229/"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := local.Issuer(), "http://127.0.0.1:9229/eu-west-1_abc"; got != want {
		t.Errorf("local issuer = %q, want %q", got, want)
	}
	t.Setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "http://127.0.0.1:9000")
	fromEnv, err := cognito.New(ctx, cognito.Config{ClientID: "x", UserPoolID: "eu-west-1_abc"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fromEnv.Issuer(), "http://127.0.0.1:9000/eu-west-1_abc"; got != want {
		t.Errorf("issuer from the SDK's endpoint variable = %q, want %q", got, want)
	}
}

// TestPackageFunctionsFollowTheEnvironment starts two local Cognitos one
// after the other in this process, configures each only through the
// environment, as a program would, and reaches each with the package-level
// functions: the shared SDK client of the first is not used for the
// second.
func TestPackageFunctionsFollowTheEnvironment(t *testing.T) {
	clearAWSEnvironment(t)
	ctx := context.Background()
	for i := range 2 {
		srv, err := cognitotest.Start(cognitotest.WithClientSecret())
		if err != nil {
			t.Fatal(err)
		}
		t.Setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", srv.Endpoint)
		t.Setenv("AWS_REGION", srv.Region)
		t.Setenv("COGNITO_USER_POOL_ID", srv.UserPoolID)
		t.Setenv("COGNITO_CLIENT_ID", srv.ClientID)
		t.Setenv("COGNITO_CLIENT_SECRET", srv.ClientSecret)
		cfg := cognito.ConfigFromEnv()
		email := "ana@example.com"
		if _, err := cognito.RegisterUser(ctx, cfg, email, password, nil); err != nil {
			t.Fatalf("server %d: RegisterUser: %v", i+1, err)
		}
		if err := cognito.ConfirmUser(ctx, cfg, email, srv.LastCode(email)); err != nil {
			t.Fatalf("server %d: ConfirmUser: %v", i+1, err)
		}
		tokens, err := cognito.AuthenticateUser(ctx, cfg, email, password)
		if err != nil {
			t.Fatalf("server %d: AuthenticateUser: %v", i+1, err)
		}
		if u, err := cognito.GetUser(ctx, cfg, tokens.AccessToken); err != nil || u.Attributes["email"] != email {
			t.Fatalf("server %d: GetUser = %+v, %v", i+1, u, err)
		}
		srv.Close()
	}
}

// TestPackageAttributeVerificationAndRevocation verifies a changed email
// and revokes a refresh token through the package-level functions.
func TestPackageAttributeVerificationAndRevocation(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.WithClientSecret())
	cfg := srv.Config()
	ctx := context.Background()
	registered(t, srv, newClient(t, srv), "ana@example.com")
	tokens, err := cognito.AuthenticateUser(ctx, cfg, "ana@example.com", password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cognito.UpdateUserAttributes(ctx, cfg, tokens.AccessToken, map[string]string{"email": "ana@example.org"}); err != nil {
		t.Fatal(err)
	}
	if _, err := cognito.SendAttributeCode(ctx, cfg, tokens.AccessToken, "email"); err != nil {
		t.Fatalf("SendAttributeCode: %v", err)
	}
	if err := cognito.VerifyUserAttribute(ctx, cfg, tokens.AccessToken, "email", srv.LastCode("ana@example.org")); err != nil {
		t.Fatalf("VerifyUserAttribute: %v", err)
	}
	if err := cognito.RevokeToken(ctx, cfg, tokens.RefreshToken); err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}
	if _, err := cognito.RefreshTokens(ctx, cfg, tokens); !errors.Is(err, cognito.ErrNotAuthorized) {
		t.Fatalf("refreshing with a revoked token: %v", err)
	}
}
