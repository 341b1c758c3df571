package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator"
	"github.com/cognitokit/cognito/jwtverify"
)

// TestVerify verifies real tokens of the local Cognito, from stdin and from
// the session, with the CLI configured by flags and by the environment.
func TestVerify(t *testing.T) {
	for _, tc := range []struct {
		name  string
		byEnv bool
	}{{"flags", false}, {"environment", true}} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t, secretEnv)
			if tc.byEnv {
				c.configureByEnv()
			}
			const email = "ana@example.com"
			c.signUp(email, "Sup3r-secret!")
			c.login(email, "Sup3r-secret!")
			tokens := c.tokens()

			out := c.ok(tokens.AccessToken+"\n", "verify").stdout
			for _, want := range []string{
				"Valid access token.", "username   " + email, "token_use  access", "client     " + c.srv.ClientID,
				"scopes     aws.cognito.signin.user.admin", "groups     -", "email      -", "expires    ", "(in ",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("verify printed\n%s\nwithout %q", out, want)
				}
			}

			claims := decodeJSON(t, c.ok(tokens.AccessToken+"\n", "verify", "--json"))
			if claims["token_use"] != "access" || claims["client_id"] != c.srv.ClientID || claims["username"] != email ||
				claims["iss"] != c.srv.Endpoint+"/"+c.srv.UserPoolID || !slices.Contains(keys(claims), "origin_jti") {
				t.Errorf("verify --json = %v", claims)
			}

			if out := c.ok("", "verify", "--from-session").stdout; !strings.HasPrefix(out, "Valid access token.") {
				t.Errorf("verify --from-session printed %q", out)
			}
			out = c.ok("", "verify", "--from-session", "--id-token").stdout
			if !strings.HasPrefix(out, "Valid ID token.") || !strings.Contains(out, "email      "+email) || !strings.Contains(out, "scopes     -") {
				t.Errorf("verify --from-session --id-token printed\n%s", out)
			}
			claims = decodeJSON(t, c.ok(tokens.IDToken+"\n", "verify", "--token-use", "id", "--json"))
			if claims["token_use"] != "id" || claims["email"] != email || claims["aud"] != c.srv.ClientID {
				t.Errorf("verify --token-use id --json = %v", claims)
			}
			for _, raw := range []string{tokens.AccessToken, tokens.IDToken} {
				c.ok(" "+raw+" \r\n", "verify", "--token-use", "any")
			}
		})
	}
}

// TestVerifyRefusals: a token that does not verify is one line on stderr
// saying why, exit status 1, and never the token.
func TestVerifyRefusals(t *testing.T) {
	c := newCLI(t, noSecret)
	const email = "bo@example.com"
	c.signUp(email, "Sup3r-secret!")
	if line := c.fail("", "verify", "--from-session"); !strings.Contains(line, "not signed in") {
		t.Errorf("verify --from-session without a session: %q", line)
	}
	c.login(email, "Sup3r-secret!")
	tokens := c.tokens()

	other := newCLI(t, noSecret) // another pool
	other.signUp(email, "Sup3r-secret!")
	other.login(email, "Sup3r-secret!")
	foreign := other.tokens()
	c.remember(foreign.AccessToken, foreign.IDToken, foreign.RefreshToken)

	parts := strings.Split(tokens.AccessToken, ".")
	sig := []byte(parts[2])
	if i := len(sig) / 2; sig[i] == 'A' {
		sig[i] = 'B'
	} else {
		sig[i] = 'A'
	}
	tampered := parts[0] + "." + parts[1] + "." + string(sig)
	c.remember(tampered, parts[1], parts[2])
	withoutPool := slices.DeleteFunc(slices.Clone(c.config), func(s string) bool {
		return s == "--user-pool-id" || s == c.srv.UserPoolID
	})

	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		want  []string // parts of the line on stderr
	}{
		{"garbage", "garbage\n", nil, []string{"the token is not valid", "malformed"}},
		{"nothing on stdin", "", nil, []string{"no token on stdin"}},
		{"empty line", "\n", nil, []string{"token read from stdin is empty"}},
		{"refresh token", tokens.RefreshToken + "\n", nil, []string{"malformed"}},
		{"ID token where access is wanted", tokens.IDToken + "\n", nil, []string{"wrong token use", "an id token, want access"}},
		{"access token where ID is wanted", tokens.AccessToken + "\n", []string{"--token-use", "id"}, []string{"wrong token use"}},
		{"session's access token as ID", "", []string{"--from-session", "--token-use", "id"}, []string{"wrong token use"}},
		{"tampered", tampered + "\n", nil, []string{"bad signature"}},
		{"another pool", foreign.AccessToken + "\n", nil, []string{"wrong issuer", other.srv.Endpoint, "want \"" + c.srv.Endpoint + "/" + c.srv.UserPoolID}},
		{"bad --token-use", tokens.AccessToken + "\n", []string{"--token-use", "refresh"}, []string{"--token-use must be access, id or any"}},
		{"--id-token without --from-session", tokens.IDToken + "\n", []string{"--id-token"}, []string{"--from-session"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			line := c.fail(tc.stdin, append([]string{"verify"}, tc.args...)...)
			for _, want := range tc.want {
				if !strings.Contains(line, want) {
					t.Errorf("stderr %q lacks %q", line, want)
				}
			}
		})
	}

	saved := c.config
	c.config = withoutPool
	if line := c.fail(tokens.AccessToken+"\n", "verify"); !strings.Contains(line, "user pool ID") {
		t.Errorf("without a pool ID: %q", line)
	}
	c.config = saved
}

// TestVerifyExpired: tokens of a local Cognito whose clock is two hours
// behind expired an hour ago.
func TestVerifyExpired(t *testing.T) {
	c := newCLI(t, noSecret, cognitotest.WithClock(func() time.Time { return time.Now().Add(-2 * time.Hour) }))
	const email = "cy@example.com"
	c.signUp(email, "Sup3r-secret!")
	c.login(email, "Sup3r-secret!")
	for _, args := range [][]string{{"--from-session"}, {"--from-session", "--id-token"}} {
		line := c.fail("", append([]string{"verify"}, args...)...)
		if !strings.HasPrefix(line, "the token is not valid: jwtverify: token expired at ") {
			t.Errorf("verify %v: %q", args, line)
		}
	}
	line := c.fail(c.tokens().AccessToken+"\n", "verify")
	if !strings.Contains(line, "token expired") {
		t.Errorf("verify of an expired token on stdin: %q", line)
	}
}

// TestVerifierConfig: the issuer is the endpoint's, from the configuration
// or from the SDK's environment variable, else AWS's.
func TestVerifierConfig(t *testing.T) {
	const pool = "eu-west-1_AbC123xyz"
	for _, tc := range []struct {
		name, endpoint, env, want string
	}{
		{"AWS", "", "", "https://cognito-idp.eu-west-1.amazonaws.com/" + pool},
		{"--endpoint", "http://127.0.0.1:9229", "", "http://127.0.0.1:9229/" + pool},
		{"--endpoint over the environment", "http://127.0.0.1:9229/", "http://127.0.0.1:1", "http://127.0.0.1:9229/" + pool},
		{"environment", "", "http://localhost:9229/", "http://localhost:9229/" + pool},
	} {
		t.Run(tc.name, func(t *testing.T) {
			isolateEnv(t)
			t.Setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", tc.env)
			cfg := cognito.Config{UserPoolID: pool, ClientID: "1example23456789", Endpoint: tc.endpoint}
			c, err := cognito.New(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			v, err := jwtverify.New(c.VerifierConfig(t.Context(), jwtverify.AccessToken))
			if err != nil {
				t.Fatal(err)
			}
			if v.Issuer() != tc.want {
				t.Errorf("Issuer() = %q, want %q", v.Issuer(), tc.want)
			}
		})
	}
}

// TestVerifyAWSIssuer: against a local Cognito that gives its tokens AWS's
// issuer (cognito local --issuer aws), verify takes the issuer and the keys
// from its discovery document.
func TestVerifyAWSIssuer(t *testing.T) {
	c := newCLI(t, noSecret, cognitotest.WithServerOptions(emulator.WithAWSIssuer()))
	const email = "ana@example.com"
	c.signUp(email, "Sup3r-secret!")
	c.login(email, "Sup3r-secret!")
	claims := decodeJSON(t, c.ok(c.tokens().AccessToken+"\n", "verify", "--json"))
	if want := "https://cognito-idp." + c.srv.Region + ".amazonaws.com/" + c.srv.UserPoolID; claims["iss"] != want {
		t.Errorf("iss = %v, want %s", claims["iss"], want)
	}
}
