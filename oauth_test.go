package cognito_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"golang.org/x/oauth2"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator"
	"github.com/cognitokit/cognito/jwtverify"
)

// machineClient adds to srv's pool a resource server "orders" (scopes
// read, write) and an app client with a secret allowed the
// client-credentials grant for them, and returns a library Client for it.
func machineClient(t *testing.T, srv *cognitotest.Server) (*cognito.Client, string) {
	t.Helper()
	admin := srv.Client()
	_, err := admin.CreateResourceServer(t.Context(), &cip.CreateResourceServerInput{
		UserPoolId: aws.String(srv.UserPoolID), Identifier: aws.String("orders"), Name: aws.String("Orders"),
		Scopes: []types.ResourceServerScopeType{
			{ScopeName: aws.String("read"), ScopeDescription: aws.String("read orders")},
			{ScopeName: aws.String("write"), ScopeDescription: aws.String("write orders")},
		},
	})
	if err != nil {
		t.Fatalf("CreateResourceServer: %v", err)
	}
	return appClient(t, srv, &cip.CreateUserPoolClientInput{
		ClientName: aws.String("billing-service"), GenerateSecret: true,
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials},
		AllowedOAuthScopes: []string{"orders/read", "orders/write"},
	})
}

// A service gets a machine-to-machine token through x/oauth2's
// clientcredentials, configured from the pool's discovery document; an
// API verifies it as a machine's token with its scopes.
func TestClientCredentials(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c, clientID := machineClient(t, srv)
	d, err := c.Discover(t.Context())
	if err != nil || d.Issuer != c.Issuer() || !strings.HasSuffix(d.TokenEndpoint, "/oauth2/token") {
		t.Fatalf("Discover = %+v, %v", d, err)
	}
	cc, err := c.ClientCredentials(t.Context(), "orders/read")
	if err != nil {
		t.Fatalf("ClientCredentials: %v", err)
	}
	tok, err := cc.Token(t.Context())
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	v, err := jwtverify.New(jwtverify.Config{
		Issuer: c.Issuer(), ClientIDs: []string{clientID}, TokenUse: jwtverify.AccessToken,
		Callers: jwtverify.Clients, Scopes: []string{"orders/read"},
	})
	if err != nil {
		t.Fatal(err)
	}
	claims, err := v.Verify(t.Context(), tok.AccessToken)
	if err != nil || !claims.IsClient() || claims.Subject != clientID || claims.HasScope("orders/write") {
		t.Fatalf("the machine token's claims: %+v, %v", claims, err)
	}

	// The user's app client has no secret: no client-credentials grant.
	user := newClient(t, srv)
	if _, err := user.ClientCredentials(t.Context()); !errors.Is(err, cognito.ErrSecretHashRequired) {
		t.Errorf("ClientCredentials without a secret: %v", err)
	}
	// A scope the client is not allowed: the endpoint refuses.
	bad, err := c.ClientCredentials(t.Context(), "orders/delete")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bad.Token(t.Context()); err == nil || !strings.Contains(err.Error(), "invalid_scope") {
		t.Errorf("a scope not allowed: %v, want invalid_scope", err)
	}
}

// stubDiscovery serves doc as the discovery document of pool "eu-west-1_Stub"
// (404 for any other pool) and returns a Client of that pool, with secret as
// its client secret.
func stubDiscovery(t *testing.T, doc map[string]any, secret string) *cognito.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/eu-west-1_Stub/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		json.NewEncoder(w).Encode(doc)
	}))
	t.Cleanup(srv.Close)
	c, err := cognito.New(t.Context(), cognito.Config{
		UserPoolID: "eu-west-1_Stub", ClientID: "stubclient", ClientSecret: secret,
		Endpoint: srv.URL, AWSConfig: &aws.Config{Region: "eu-west-1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// OAuth2Config and LogoutURL take the endpoints the discovery document
// names, and the client's ID and secret; the secret goes in a Basic header.
func TestOAuth2ConfigFromDiscovery(t *testing.T) {
	t.Parallel()
	doc := map[string]any{
		"issuer":                 "https://idp.example.com/eu-west-1_Stub",
		"authorization_endpoint": "https://auth.example.com/oauth2/authorize",
		"token_endpoint":         "https://auth.example.com/oauth2/token",
		"end_session_endpoint":   "https://auth.example.com/logout?lang=es",
	}
	for _, tc := range []struct {
		secret string
		style  oauth2.AuthStyle
	}{{"", oauth2.AuthStyleInParams}, {"s3cr3t-value", oauth2.AuthStyleInHeader}} {
		c := stubDiscovery(t, doc, tc.secret)
		conf, err := c.OAuth2Config(t.Context(), "https://app.example.com/callback", "openid", "email")
		if err != nil {
			t.Fatalf("OAuth2Config: %v", err)
		}
		want := oauth2.Config{
			ClientID: "stubclient", ClientSecret: tc.secret, RedirectURL: "https://app.example.com/callback",
			Scopes: []string{"openid", "email"},
			Endpoint: oauth2.Endpoint{
				AuthURL: "https://auth.example.com/oauth2/authorize", TokenURL: "https://auth.example.com/oauth2/token",
				AuthStyle: tc.style,
			},
		}
		if !reflect.DeepEqual(*conf, want) {
			t.Errorf("OAuth2Config = %+v, want %+v", *conf, want)
		}
		if conf, _ := c.OAuth2Config(t.Context(), "https://app.example.com/callback"); conf.Scopes != nil {
			t.Errorf("no scopes asked for, but Scopes = %q", conf.Scopes)
		}
		logout, err := c.LogoutURL(t.Context(), "https://app.example.com/?signed-out=1")
		if err != nil {
			t.Fatalf("LogoutURL: %v", err)
		}
		if want := "https://auth.example.com/logout?client_id=stubclient&lang=es&logout_uri=https%3A%2F%2Fapp.example.com%2F%3Fsigned-out%3D1"; logout != want {
			t.Errorf("LogoutURL = %s, want %s", logout, want)
		}
	}
}

// The OAuth helpers' failures are the library's errors, with no secret in
// their text.
func TestOAuthHelpersRefuse(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-value"
	bare := stubDiscovery(t, map[string]any{"issuer": "https://idp.example.com/eu-west-1_Stub"}, secret)
	cases := []struct {
		name string
		call func() error
		kind error
	}{
		{"OAuth2Config without a redirect URL", func() error { _, err := bare.OAuth2Config(t.Context(), ""); return err }, cognito.ErrInvalidParameter},
		{"LogoutURL without a logout URI", func() error { _, err := bare.LogoutURL(t.Context(), ""); return err }, cognito.ErrInvalidParameter},
		{"OAuth2Config, no endpoints", func() error {
			_, err := bare.OAuth2Config(t.Context(), "https://app.example.com/callback")
			return err
		}, cognito.ErrNotAuthorized},
		{"LogoutURL, no end-session endpoint", func() error {
			_, err := bare.LogoutURL(t.Context(), "https://app.example.com/")
			return err
		}, cognito.ErrNotAuthorized},
		{"ClientCredentials, no token endpoint", func() error { _, err := bare.ClientCredentials(t.Context()); return err }, cognito.ErrNotAuthorized},
	}
	for _, tc := range cases {
		err := tc.call()
		var ce *cognito.Error
		if !errors.Is(err, tc.kind) || !errors.As(err, &ce) || strings.Contains(err.Error(), secret) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.kind)
		}
	}
	// Another pool: the discovery document is not found.
	other, err := cognito.New(t.Context(), cognito.Config{
		UserPoolID: "eu-west-1_Other", ClientID: "stubclient",
		Endpoint: strings.TrimSuffix(bare.Issuer(), "/eu-west-1_Stub"), AWSConfig: &aws.Config{Region: "eu-west-1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.OAuth2Config(t.Context(), "https://app.example.com/callback"); !errors.Is(err, cognito.ErrPoolNotFound) {
		t.Errorf("OAuth2Config of an unknown pool: %v", err)
	}
}

// VerifierConfig follows the pool's discovery document: against a local
// Cognito that gives its tokens AWS's issuer, the tokens verify with the
// configuration it returns.
func TestVerifierConfigAWSIssuer(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.WithServerOptions(emulator.WithAWSIssuer()))
	c, err := cognito.New(t.Context(), srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	vc := c.VerifierConfig(t.Context(), jwtverify.AccessToken)
	if want := "https://cognito-idp." + srv.Region + ".amazonaws.com/" + srv.UserPoolID; vc.Issuer != want || vc.JWKSURL != srv.Endpoint+"/"+srv.UserPoolID+"/.well-known/jwks.json" {
		t.Fatalf("VerifierConfig = issuer %q, keys %q", vc.Issuer, vc.JWKSURL)
	}
	registered(t, srv, c, "ana@example.com")
	tokens, err := c.Authenticate(t.Context(), "ana@example.com", password)
	if err != nil {
		t.Fatal(err)
	}
	v, err := jwtverify.New(vc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(t.Context(), tokens.AccessToken); err != nil {
		t.Errorf("the AWS-style token does not verify: %v", err)
	}
}
