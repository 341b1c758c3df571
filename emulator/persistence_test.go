package emulator_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/golang-jwt/jwt/v5"

	"github.com/cognitokit/cognito/emulator"
	"github.com/cognitokit/cognito/emulator/store"
	"github.com/cognitokit/cognito/internal/sdkhttp"
	"github.com/cognitokit/cognito/internal/secrethash"
)

// persistBaseURL is the public URL of every instance in the persistence
// test, so that the tokens' issuer does not depend on the port each
// instance happens to listen on.
const persistBaseURL = "http://cognito.persist.test"

// persistInstance is one run of the local Cognito on an SQLite file: its
// own store handle, server and SDK client, as a process restart would give.
type persistInstance struct {
	t      *testing.T
	st     store.Store
	em     *emulator.Server
	hs     *httptest.Server
	client *cip.Client
	closed bool
}

func persistOpen(t *testing.T, path string) *persistInstance {
	t.Helper()
	st, err := store.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	// The default key generator, on purpose: a signing key must come back
	// from the file, not from a key shared by the process.
	em, err := emulator.New(context.Background(), st,
		emulator.WithBaseURL(persistBaseURL),
		emulator.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	)
	if err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	hs := httptest.NewServer(em)
	inst := &persistInstance{t: t, st: st, em: em, hs: hs}
	inst.client = cip.NewFromConfig(aws.Config{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(hs.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
		HTTPClient:   sdkhttp.ReadOnlyBodies(awshttp.NewBuildableClient()),
	}, func(o *cip.Options) { o.RetryMaxAttempts = 1 })
	t.Cleanup(inst.close) // if the test stops early
	return inst
}

// close stops the server and closes the store, as a process exit would.
func (p *persistInstance) close() {
	if p.closed {
		return
	}
	p.closed = true
	p.hs.Close()
	if err := p.st.Close(); err != nil {
		p.t.Errorf("closing store: %v", err)
	}
}

// persistApp is the pool and secret client the test creates.
type persistApp struct {
	poolID, clientID, secret string
}

func (a persistApp) hash(username string) *string {
	return aws.String(secrethash.Compute(a.secret, username, a.clientID))
}

func (a persistApp) signUp(t *testing.T, c *cip.Client, name, pw string) {
	t.Helper()
	_, err := c.SignUp(context.Background(), &cip.SignUpInput{
		ClientId: aws.String(a.clientID), SecretHash: a.hash(name), Username: aws.String(name), Password: aws.String(pw),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(name + "@example.com")}},
	})
	if err != nil {
		t.Fatalf("SignUp %s: %v", name, err)
	}
}

func (a persistApp) confirm(c *cip.Client, name, code string) error {
	_, err := c.ConfirmSignUp(context.Background(), &cip.ConfirmSignUpInput{
		ClientId: aws.String(a.clientID), SecretHash: a.hash(name), Username: aws.String(name), ConfirmationCode: aws.String(code),
	})
	return err
}

func (a persistApp) signIn(c *cip.Client, name, pw string) (*types.AuthenticationResultType, error) {
	out, err := c.InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		ClientId: aws.String(a.clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": pw, "SECRET_HASH": aws.ToString(a.hash(name))},
	})
	if err != nil {
		return nil, err
	}
	return out.AuthenticationResult, nil
}

func (a persistApp) refresh(c *cip.Client, name, token string) (*types.AuthenticationResultType, error) {
	out, err := c.InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		ClientId: aws.String(a.clientID), AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": token, "SECRET_HASH": aws.ToString(a.hash(name))},
	})
	if err != nil {
		return nil, err
	}
	return out.AuthenticationResult, nil
}

// persistLastCode returns the newest code sent to name.
func persistLastCode(t *testing.T, em *emulator.Server, name string) string {
	t.Helper()
	msgs, err := em.Messages(context.Background(), name)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("no message for %s: %v", name, err)
	}
	return msgs[len(msgs)-1].Code
}

func persistGetUser(c *cip.Client, accessToken string) (string, error) {
	out, err := c.GetUser(context.Background(), &cip.GetUserInput{AccessToken: aws.String(accessToken)})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Username), nil
}

func persistExpectNotAuthorized(t *testing.T, what string, err error) {
	t.Helper()
	var na *types.NotAuthorizedException
	if !errors.As(err, &na) {
		t.Errorf("%s: %v, want NotAuthorizedException", what, err)
	}
}

// persistClaims returns a token's header kid and issuer, unverified.
func persistClaims(t *testing.T, raw string) (kid, issuer string) {
	t.Helper()
	var claims jwt.RegisteredClaims
	tok, _, err := jwt.NewParser().ParseUnverified(raw, &claims)
	if err != nil {
		t.Fatalf("parsing token: %v", err)
	}
	kid, _ = tok.Header["kid"].(string)
	return kid, claims.Issuer
}

// TestPersistenceAcrossRestarts runs the local Cognito on an SQLite file,
// stops it, starts a new instance on the same file and checks that
// everything a user or a test relies on survived: users, pending codes,
// tokens (so the signing key), the outbox, and a revocation.
func TestPersistenceAcrossRestarts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cognito.db")
	const (
		pwAlice = "Alic3-password"
		pwBob   = "B0b-password"
		pwCarol = "Car0l-password"
		pwNew   = "N3w-password"
	)

	// First run: a pool, a client with a secret, and three users in
	// different states.
	first := persistOpen(t, path)
	pool, err := first.client.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName:               aws.String("persist"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		Schema:                 []types.SchemaAttributeType{{Name: aws.String("email"), Required: aws.Bool(true), Mutable: aws.Bool(true)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	cl, err := first.client.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: pool.UserPool.Id, ClientName: aws.String("persist"), GenerateSecret: true,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	app := persistApp{
		poolID:   aws.ToString(pool.UserPool.Id),
		clientID: aws.ToString(cl.UserPoolClient.ClientId),
		secret:   aws.ToString(cl.UserPoolClient.ClientSecret),
	}

	// alice: confirmed and signed in.
	app.signUp(t, first.client, "alice", pwAlice)
	if err := app.confirm(first.client, "alice", persistLastCode(t, first.em, "alice")); err != nil {
		t.Fatal(err)
	}
	aliceTokens, err := app.signIn(first.client, "alice", pwAlice)
	if err != nil {
		t.Fatal(err)
	}
	kid, issuer := persistClaims(t, aws.ToString(aliceTokens.AccessToken))
	if want := persistBaseURL + "/" + app.poolID; issuer != want {
		t.Fatalf("issuer %q, want %q", issuer, want)
	}
	// bob: unconfirmed, with a sign-up code pending.
	app.signUp(t, first.client, "bob", pwBob)
	bobCode := persistLastCode(t, first.em, "bob")
	// carol: confirmed, with a forgot-password code pending.
	app.signUp(t, first.client, "carol", pwCarol)
	if err := app.confirm(first.client, "carol", persistLastCode(t, first.em, "carol")); err != nil {
		t.Fatal(err)
	}
	if _, err := first.client.ForgotPassword(ctx, &cip.ForgotPasswordInput{
		ClientId: aws.String(app.clientID), SecretHash: app.hash("carol"), Username: aws.String("carol"),
	}); err != nil {
		t.Fatal(err)
	}
	carolCode := persistLastCode(t, first.em, "carol")
	outbox, err := first.em.Messages(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	first.close()

	// Second run, a new server on the same file.
	second := persistOpen(t, path)

	t.Run("outbox", func(t *testing.T) {
		got, err := second.em.Messages(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(outbox) {
			t.Fatalf("%d messages after the restart, want %d", len(got), len(outbox))
		}
		for i := range got {
			g, w := got[i], outbox[i]
			if !g.SentAt.Equal(w.SentAt) || g.Code != w.Code || g.Username != w.Username ||
				g.Destination != w.Destination || g.Purpose != w.Purpose || g.UserPoolID != w.UserPoolID {
				t.Errorf("message %d = %+v, want %+v", i, g, w)
			}
		}
	})

	t.Run("users", func(t *testing.T) {
		for name, status := range map[string]types.UserStatusType{
			"alice": types.UserStatusTypeConfirmed,
			"bob":   types.UserStatusTypeUnconfirmed,
			"carol": types.UserStatusTypeConfirmed,
		} {
			u, err := second.client.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(app.poolID), Username: aws.String(name)})
			if err != nil {
				t.Errorf("AdminGetUser %s: %v", name, err)
				continue
			}
			if u.UserStatus != status {
				t.Errorf("%s: status %s, want %s", name, u.UserStatus, status)
			}
		}
	})

	t.Run("signing key", func(t *testing.T) {
		var set struct{ Keys []struct{ Kid string } }
		resp, err := http.Get(second.hs.URL + "/" + app.poolID + "/.well-known/jwks.json")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("JWKS: %s", resp.Status)
		}
		if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
			t.Fatal(err)
		}
		if len(set.Keys) != 1 || set.Keys[0].Kid != kid {
			t.Errorf("JWKS after the restart %+v, want the key %s that signed the old tokens", set.Keys, kid)
		}
	})

	t.Run("old access token", func(t *testing.T) {
		name, err := persistGetUser(second.client, aws.ToString(aliceTokens.AccessToken))
		if err != nil || name != "alice" {
			t.Errorf("GetUser with the old access token = %q, %v; want alice", name, err)
		}
	})

	t.Run("old refresh token", func(t *testing.T) {
		res, err := app.refresh(second.client, "alice", aws.ToString(aliceTokens.RefreshToken))
		if err != nil {
			t.Fatalf("refreshing with the old refresh token: %v", err)
		}
		if k, iss := persistClaims(t, aws.ToString(res.AccessToken)); k != kid || iss != issuer {
			t.Errorf("refreshed token kid %q issuer %q, want %q %q", k, iss, kid, issuer)
		}
		if name, err := persistGetUser(second.client, aws.ToString(res.AccessToken)); err != nil || name != "alice" {
			t.Errorf("GetUser with the refreshed token = %q, %v", name, err)
		}
	})

	t.Run("pending sign-up code", func(t *testing.T) {
		if err := app.confirm(second.client, "bob", bobCode); err != nil {
			t.Fatalf("ConfirmSignUp with the code sent before the restart: %v", err)
		}
		if _, err := app.signIn(second.client, "bob", pwBob); err != nil {
			t.Errorf("signing in after confirming: %v", err)
		}
	})

	t.Run("pending forgot-password code", func(t *testing.T) {
		_, err := second.client.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{
			ClientId: aws.String(app.clientID), SecretHash: app.hash("carol"), Username: aws.String("carol"),
			ConfirmationCode: aws.String(carolCode), Password: aws.String(pwNew),
		})
		if err != nil {
			t.Fatalf("ConfirmForgotPassword with the code sent before the restart: %v", err)
		}
		if _, err := app.signIn(second.client, "carol", pwNew); err != nil {
			t.Errorf("signing in with the new password: %v", err)
		}
		_, err = app.signIn(second.client, "carol", pwCarol)
		persistExpectNotAuthorized(t, "signing in with the old password", err)
	})

	// alice signs out everywhere; bob stays signed in.
	bobTokens, err := app.signIn(second.client, "bob", pwBob)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := second.client.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: aliceTokens.AccessToken}); err != nil {
		t.Fatalf("GlobalSignOut: %v", err)
	}
	second.close()

	// Third run: the revocation held, and only for alice.
	third := persistOpen(t, path)
	t.Run("revocation", func(t *testing.T) {
		_, err := persistGetUser(third.client, aws.ToString(aliceTokens.AccessToken))
		persistExpectNotAuthorized(t, "GetUser with a token revoked before the restart", err)
		_, err = app.refresh(third.client, "alice", aws.ToString(aliceTokens.RefreshToken))
		persistExpectNotAuthorized(t, "refreshing a token revoked before the restart", err)
		if name, err := persistGetUser(third.client, aws.ToString(bobTokens.AccessToken)); err != nil || name != "bob" {
			t.Errorf("GetUser for bob, who did not sign out = %q, %v", name, err)
		}
		if _, err := app.signIn(third.client, "alice", pwAlice); err != nil {
			t.Errorf("alice signing in again: %v", err)
		}
	})
	third.close()
}
