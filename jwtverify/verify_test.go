package jwtverify_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/golang-jwt/jwt/v5"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/jwtverify"
)

const password = "Sup3r-secret!"

// signIn registers, confirms and signs in email on srv with the library's
// client, and returns its tokens.
func signIn(t *testing.T, srv *cognitotest.Server, email string, attrs map[string]string) *cognito.Tokens {
	t.Helper()
	awsCfg := srv.AWSConfig()
	ctx := context.Background()
	c, err := cognito.New(ctx, cognito.Config{
		UserPoolID: srv.UserPoolID, ClientID: srv.ClientID, ClientSecret: srv.ClientSecret,
		Endpoint: srv.Endpoint, AWSConfig: &awsCfg,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := c.Register(ctx, email, password, attrs); err != nil {
		t.Fatalf("Register: %v", err)
	}
	if err := c.Confirm(ctx, email, srv.LastCode(email)); err != nil {
		t.Fatalf("Confirm: %v", err)
	}
	tokens, err := c.Authenticate(ctx, email, password)
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	return tokens
}

// localConfig is the Config for srv's pool.
func localConfig(srv *cognitotest.Server, use string) jwtverify.Config {
	return jwtverify.Config{
		Issuer:    srv.Endpoint + "/" + srv.UserPoolID,
		ClientIDs: []string{srv.ClientID},
		TokenUse:  use,
	}
}

func newVerifier(t *testing.T, cfg jwtverify.Config) *jwtverify.Verifier {
	t.Helper()
	v, err := jwtverify.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return v
}

// TestVerifyLocalCognito verifies the tokens the local Cognito issues, on
// each kind of pool and client.
func TestVerifyLocalCognito(t *testing.T) {
	for _, tc := range []struct {
		name            string
		opts            []cognitotest.Option
		emailIsUsername bool
	}{
		{"public client", nil, false},
		{"client with secret", []cognitotest.Option{cognitotest.WithClientSecret()}, false},
		{"email as username", []cognitotest.Option{cognitotest.WithEmailAsUsername()}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := cognitotest.NewServer(t, tc.opts...)
			const email = "ana@example.com"
			before := time.Now().Add(-time.Second)
			tokens := signIn(t, srv, email, map[string]string{"name": "Ana"})
			ctx := context.Background()

			access, err := newVerifier(t, localConfig(srv, jwtverify.AccessToken)).Verify(ctx, tokens.AccessToken)
			if err != nil {
				t.Fatalf("Verify(access token): %v", err)
			}
			id, err := newVerifier(t, localConfig(srv, jwtverify.IDToken)).Verify(ctx, tokens.IDToken)
			if err != nil {
				t.Fatalf("Verify(ID token): %v", err)
			}

			if access.Subject == "" || access.Subject != id.Subject {
				t.Errorf("Subject = %q (access), %q (id)", access.Subject, id.Subject)
			}
			wantUser := email
			if tc.emailIsUsername {
				wantUser = access.Subject // such pools name users by their sub
			}
			if access.Username() != wantUser || id.Username() != wantUser {
				t.Errorf("Username() = %q (access), %q (id), want %q", access.Username(), id.Username(), wantUser)
			}
			if access.TokenUse != jwtverify.AccessToken || id.TokenUse != jwtverify.IDToken {
				t.Errorf("TokenUse = %q, %q", access.TokenUse, id.TokenUse)
			}
			if access.ClientID != srv.ClientID {
				t.Errorf("ClientID = %q, want %q", access.ClientID, srv.ClientID)
			}
			if !slices.Equal(id.Audience, []string{srv.ClientID}) {
				t.Errorf("Audience = %q, want [%s]", id.Audience, srv.ClientID)
			}
			if got := access.Scopes(); !slices.Equal(got, []string{"aws.cognito.signin.user.admin"}) {
				t.Errorf("Scopes() = %q", got)
			}
			if !access.HasScope("aws.cognito.signin.user.admin") || access.HasScope("aws.cognito") || access.HasScope("") {
				t.Errorf("HasScope is wrong for scope %q", access.Scope)
			}
			if id.Email != email || !id.EmailVerified || id.Name != "Ana" {
				t.Errorf("ID token: Email %q, EmailVerified %v, Name %q", id.Email, id.EmailVerified, id.Name)
			}
			if len(access.Groups) != 0 || access.InGroup("admin") {
				t.Errorf("Groups = %q for a user in no group", access.Groups)
			}
			for _, c := range []*jwtverify.Claims{access, id} {
				if c.Issuer != srv.Endpoint+"/"+srv.UserPoolID {
					t.Errorf("Issuer = %q", c.Issuer)
				}
				if c.IssuedAt.IsZero() || c.ExpiresAt.IsZero() || c.IssuedAt.Before(before.Truncate(time.Second)) || c.ExpiresAt.Sub(c.IssuedAt) != time.Hour {
					t.Errorf("%s token: IssuedAt %v, ExpiresAt %v", c.TokenUse, c.IssuedAt, c.ExpiresAt)
				}
				if c.JTI == "" || c.OriginJTI == "" || c.EventID == "" || c.AuthTime.IsZero() {
					t.Errorf("%s token: jti %q, origin_jti %q, event_id %q, auth_time %v", c.TokenUse, c.JTI, c.OriginJTI, c.EventID, c.AuthTime)
				}
			}

			raw, err := id.Raw()
			if err != nil {
				t.Fatalf("Raw: %v", err)
			}
			if raw["email"] != email || raw["cognito:username"] != wantUser || raw["token_use"] != "id" || raw["email_verified"] != true {
				t.Errorf("Raw() = %v", raw)
			}
			raw, err = access.Raw()
			if err != nil {
				t.Fatalf("Raw: %v", err)
			}
			if raw["client_id"] != srv.ClientID || raw["username"] != wantUser {
				t.Errorf("Raw() = %v", raw)
			}

			anyTok := newVerifier(t, localConfig(srv, jwtverify.AnyToken))
			for _, raw := range []string{tokens.AccessToken, tokens.IDToken} {
				if _, err := anyTok.Verify(ctx, raw); err != nil {
					t.Errorf("AnyToken verifier: %v", err)
				}
			}
			skip := localConfig(srv, jwtverify.AnyToken)
			skip.ClientIDs, skip.SkipClientIDCheck = nil, true
			for _, raw := range []string{tokens.AccessToken, tokens.IDToken} {
				if _, err := newVerifier(t, skip).Verify(ctx, raw); err != nil {
					t.Errorf("SkipClientIDCheck verifier: %v", err)
				}
			}
		})
	}
}

// TestVerifyLocalCognitoRefusals: the real tokens are refused where they do
// not belong.
func TestVerifyLocalCognitoRefusals(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := cognitotest.NewServer(t, cognitotest.WithClock(clk.Now))
	tokens := signIn(t, srv, "bo@example.com", nil)
	ctx := context.Background()

	withClock := func(cfg jwtverify.Config) jwtverify.Config { cfg.Now = clk.Now; return cfg }
	accessV := newVerifier(t, withClock(localConfig(srv, jwtverify.AccessToken)))
	idV := newVerifier(t, withClock(localConfig(srv, jwtverify.IDToken)))
	other := localConfig(srv, jwtverify.AnyToken)
	other.ClientIDs = []string{"someotherclient"}
	otherV := newVerifier(t, withClock(other))
	otherPool := localConfig(srv, jwtverify.AnyToken)
	otherPool.Issuer = srv.Endpoint + "/eu-west-1_Another1"
	otherPool.JWKSURL = srv.Endpoint + "/" + srv.UserPoolID + "/.well-known/jwks.json"
	otherPoolV := newVerifier(t, withClock(otherPool))

	for _, tc := range []struct {
		name string
		v    *jwtverify.Verifier
		raw  string
		want error
	}{
		{"ID token where access is wanted", accessV, tokens.IDToken, jwtverify.ErrWrongTokenUse},
		{"access token where ID is wanted", idV, tokens.AccessToken, jwtverify.ErrWrongTokenUse},
		{"access token of another client", otherV, tokens.AccessToken, jwtverify.ErrWrongAudience},
		{"ID token of another client", otherV, tokens.IDToken, jwtverify.ErrWrongAudience},
		{"token of another pool", otherPoolV, tokens.AccessToken, jwtverify.ErrWrongIssuer},
		{"the refresh token", accessV, tokens.RefreshToken, jwtverify.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.v.Verify(ctx, tc.raw)
			checkErr(t, err, tc.want, tc.raw)
		})
	}

	// The tokens are good for an hour, then expired for both verifiers,
	// including the one that has them in its cache.
	if _, err := accessV.Verify(ctx, tokens.AccessToken); err != nil {
		t.Fatal(err)
	}
	clk.Advance(59 * time.Minute)
	if _, err := accessV.Verify(ctx, tokens.AccessToken); err != nil {
		t.Fatalf("after 59 minutes: %v", err)
	}
	clk.Advance(time.Minute)
	_, err := accessV.Verify(ctx, tokens.AccessToken)
	checkErr(t, err, jwtverify.ErrExpired, tokens.AccessToken)
	_, err = idV.Verify(ctx, tokens.IDToken)
	checkErr(t, err, jwtverify.ErrExpired, tokens.IDToken)
}

// TestVerifyCustomAttributes makes a pool with a custom attribute through
// the SDK and reads it back with Claims.Raw.
func TestVerifyCustomAttributes(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	sdk := srv.Client()
	ctx := context.Background()
	pool, err := sdk.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName: aws.String("custom"),
		Schema: []types.SchemaAttributeType{
			{Name: aws.String("email"), Required: aws.Bool(true), Mutable: aws.Bool(true)},
			{Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)},
		},
	})
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	client, err := sdk.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(poolID), ClientName: aws.String("custom"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth},
	})
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	clientID := aws.ToString(client.UserPoolClient.ClientId)
	const name = "cy@example.com"
	if _, err := sdk.SignUp(ctx, &cip.SignUpInput{
		ClientId: aws.String(clientID), Username: aws.String(name), Password: aws.String(password),
		UserAttributes: []types.AttributeType{
			{Name: aws.String("email"), Value: aws.String(name)},
			{Name: aws.String("custom:plan"), Value: aws.String("pro")},
		},
	}); err != nil {
		t.Fatalf("SignUp: %v", err)
	}
	if _, err := sdk.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(poolID), Username: aws.String(name)}); err != nil {
		t.Fatalf("AdminConfirmSignUp: %v", err)
	}
	auth, err := sdk.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password},
	})
	if err != nil {
		t.Fatalf("InitiateAuth: %v", err)
	}

	v := newVerifier(t, jwtverify.Config{
		Issuer: srv.Endpoint + "/" + poolID, ClientIDs: []string{clientID}, TokenUse: jwtverify.IDToken,
	})
	claims, err := v.Verify(ctx, aws.ToString(auth.AuthenticationResult.IdToken))
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	raw, err := claims.Raw()
	if err != nil {
		t.Fatalf("Raw: %v", err)
	}
	if raw["custom:plan"] != "pro" || raw["email"] != name {
		t.Errorf("Raw() = %v, want custom:plan pro", raw)
	}
	// The token of this pool is not one of the first pool's.
	first := newVerifier(t, localConfig(srv, jwtverify.AnyToken))
	_, err = first.Verify(ctx, aws.ToString(auth.AuthenticationResult.IdToken))
	checkErr(t, err, jwtverify.ErrWrongIssuer, aws.ToString(auth.AuthenticationResult.IdToken))
}

// TestClaimsAccessors covers the accessors on forged claims, groups and all.
func TestClaimsAccessors(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	ctx := context.Background()
	c, err := f.verifier(t, nil).Verify(ctx, f.sign(t, f.access()))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Groups, []string{"users", "editors"}) || !c.InGroup("editors") || c.InGroup("admin") {
		t.Errorf("Groups = %q", c.Groups)
	}
	if got := c.Scopes(); !slices.Equal(got, []string{"aws.cognito.signin.user.admin", "openid", "profile"}) {
		t.Errorf("Scopes() = %q", got)
	}
	if !c.HasScope("openid") || c.HasScope("email") {
		t.Errorf("HasScope is wrong for %q", c.Scope)
	}
	if c.Username() != "ana" {
		t.Errorf("Username() = %q", c.Username())
	}
	if !c.IssuedAt.Equal(f.clock.Now()) || !c.ExpiresAt.Equal(f.clock.Now().Add(time.Hour)) || c.AuthTime.Unix() != f.clock.Now().Unix() {
		t.Errorf("IssuedAt %v, ExpiresAt %v, AuthTime %v", c.IssuedAt, c.ExpiresAt, c.AuthTime)
	}

	idc, err := f.verifier(t, func(cfg *jwtverify.Config) { cfg.TokenUse = jwtverify.IDToken }).
		Verify(ctx, f.sign(t, with(f.id(), map[string]any{"cognito:username": "ana-id", "email_verified": false})))
	if err != nil {
		t.Fatal(err)
	}
	if idc.Username() != "ana-id" || idc.EmailVerified || idc.Email != "ana@example.com" || len(idc.Scopes()) != 0 {
		t.Errorf("ID token claims: %+v", idc)
	}
}

// TestNew checks the Config validation and the issuer New derives.
func TestNew(t *testing.T) {
	t.Parallel()
	base := jwtverify.Config{UserPoolID: "eu-west-1_AbC123xyz", ClientIDs: []string{testClientID}, TokenUse: jwtverify.AccessToken}
	for _, tc := range []struct {
		name       string
		edit       func(*jwtverify.Config)
		wantIssuer string
		wantErr    string // a part of the error; "" for success
	}{
		{"pool ID", nil, "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz", ""},
		{"region override", func(c *jwtverify.Config) { c.Region = "us-east-2" }, "https://cognito-idp.us-east-2.amazonaws.com/eu-west-1_AbC123xyz", ""},
		{"pool ID without region, with Region", func(c *jwtverify.Config) { c.UserPoolID, c.Region = "AbC123xyz", "ap-south-1" }, "https://cognito-idp.ap-south-1.amazonaws.com/AbC123xyz", ""},
		{"explicit issuer", func(c *jwtverify.Config) { c.Issuer = "http://127.0.0.1:9229/eu-west-1_X/" }, "http://127.0.0.1:9229/eu-west-1_X", ""},
		{"issuer without pool", func(c *jwtverify.Config) { c.UserPoolID, c.Issuer = "", "http://localhost/p" }, "http://localhost/p", ""},
		{"skip client check", func(c *jwtverify.Config) { c.ClientIDs, c.SkipClientIDCheck = nil, true }, "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz", ""},
		{"ID tokens", func(c *jwtverify.Config) { c.TokenUse = jwtverify.IDToken }, "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz", ""},
		{"any token", func(c *jwtverify.Config) { c.TokenUse = jwtverify.AnyToken }, "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz", ""},

		{"no pool, no issuer", func(c *jwtverify.Config) { c.UserPoolID = "" }, "", "UserPoolID or Issuer"},
		{"pool ID without region", func(c *jwtverify.Config) { c.UserPoolID = "AbC123xyz" }, "", "Region"},
		{"pool ID with empty region", func(c *jwtverify.Config) { c.UserPoolID = "_AbC123xyz" }, "", "Region"},
		{"no client IDs", func(c *jwtverify.Config) { c.ClientIDs = nil }, "", "ClientIDs"},
		{"empty client IDs", func(c *jwtverify.Config) { c.ClientIDs = []string{} }, "", "SkipClientIDCheck"},
		{"no token use", func(c *jwtverify.Config) { c.TokenUse = "" }, "", "TokenUse is empty"},
		{"refresh token use", func(c *jwtverify.Config) { c.TokenUse = "refresh" }, "", `"refresh"`},
		{"capitalised token use", func(c *jwtverify.Config) { c.TokenUse = "Access" }, "", "TokenUse"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base
			cfg.ClientIDs = slices.Clone(base.ClientIDs)
			if tc.edit != nil {
				tc.edit(&cfg)
			}
			v, err := jwtverify.New(cfg)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("New = %v, want an error about %q", err, tc.wantErr)
				}
				if v != nil {
					t.Errorf("New returned a Verifier with its error")
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if v.Issuer() != tc.wantIssuer {
				t.Errorf("Issuer() = %q, want %q", v.Issuer(), tc.wantIssuer)
			}
		})
	}
}

// TestNewCopiesConfig: editing the Config's slices after New changes
// nothing.
func TestNewCopiesConfig(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	cfg := f.config()
	cfg.Groups = []string{"editors"}
	cfg.Scopes = []string{"openid"}
	v, err := jwtverify.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ClientIDs[0], cfg.Groups[0], cfg.Scopes[0] = "x", "x", "x"
	if _, err := v.Verify(context.Background(), f.sign(t, f.access())); err != nil {
		t.Fatalf("Verify after editing the Config: %v", err)
	}
}

// TestJWKSURL: the keys are fetched from <issuer>/.well-known/jwks.json
// unless JWKSURL says otherwise.
func TestJWKSURL(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	ctx := context.Background()
	raw := f.sign(t, f.access())
	if _, err := f.verifier(t, nil).Verify(ctx, raw); err != nil {
		t.Fatalf("default JWKS URL: %v", err)
	}
	// Another issuer, whose default key set does not exist; JWKSURL points
	// to the forge's.
	raw = f.sign(t, with(f.access(), map[string]any{"iss": "https://issuer.invalid/pool"}))
	v := f.verifier(t, func(c *jwtverify.Config) {
		c.Issuer = "https://issuer.invalid/pool"
		c.JWKSURL = f.jwks.issuer + "/.well-known/jwks.json"
	})
	if _, err := v.Verify(ctx, raw); err != nil {
		t.Fatalf("JWKSURL: %v", err)
	}
	v = f.verifier(t, func(c *jwtverify.Config) { c.JWKSURL = f.jwks.srv.URL + "/nowhere" })
	if err := v.Prefetch(ctx); !errors.Is(err, jwtverify.ErrJWKSUnavailable) || !strings.Contains(err.Error(), "404") {
		t.Fatalf("Prefetch from a wrong JWKSURL = %v", err)
	}
}

// TestEmailVerifiedAsString: Cognito writes email_verified as a string for
// users from external identity providers.
func TestEmailVerifiedAsString(t *testing.T) {
	f := newForge(t)
	v := f.verifier(t, func(c *jwtverify.Config) { c.TokenUse = jwtverify.IDToken })
	for _, tc := range []struct {
		value any
		want  bool
	}{{"true", true}, {"false", false}, {true, true}, {false, false}} {
		c, err := v.Verify(context.Background(), f.sign(t, with(f.id(), jwt.MapClaims{"email_verified": tc.value})))
		if err != nil {
			t.Fatalf("email_verified %#v: %v", tc.value, err)
		}
		if c.EmailVerified != tc.want {
			t.Errorf("email_verified %#v → %v", tc.value, c.EmailVerified)
		}
	}
	raw := f.sign(t, with(f.id(), jwt.MapClaims{"email_verified": "yes"}))
	_, err := v.Verify(context.Background(), raw)
	checkErr(t, err, jwtverify.ErrMalformed, raw)
}
