package cognito_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
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
	out, err := admin.CreateUserPoolClient(t.Context(), &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(srv.UserPoolID), ClientName: aws.String("billing-service"), GenerateSecret: true,
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials},
		AllowedOAuthScopes: []string{"orders/read", "orders/write"},
	})
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	cfg := configFor(srv)
	cfg.ClientID, cfg.ClientSecret = aws.ToString(out.UserPoolClient.ClientId), aws.ToString(out.UserPoolClient.ClientSecret)
	c, err := cognito.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, cfg.ClientID
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
