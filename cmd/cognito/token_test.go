package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/golang-jwt/jwt/v5"
)

// cognito token --client-credentials prints a machine's access token with
// the scopes asked for, the secret coming from the environment.
func TestTokenClientCredentials(t *testing.T) {
	c := newCLI(t, noSecret)
	admin := c.srv.Client()
	_, err := admin.CreateResourceServer(t.Context(), &cip.CreateResourceServerInput{
		UserPoolId: aws.String(c.srv.UserPoolID), Identifier: aws.String("orders"), Name: aws.String("Orders"),
		Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("read")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := admin.CreateUserPoolClient(t.Context(), &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(c.srv.UserPoolID), ClientName: aws.String("billing"), GenerateSecret: true,
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials},
		AllowedOAuthScopes: []string{"orders/read"},
	})
	if err != nil {
		t.Fatal(err)
	}
	secret := aws.ToString(out.UserPoolClient.ClientSecret)
	c.remember(secret)
	t.Setenv("COGNITO_CLIENT_SECRET", secret)
	c.config = []string{"--endpoint", c.srv.Endpoint, "--region", c.srv.Region, "--user-pool-id", c.srv.UserPoolID, "--client-id", aws.ToString(out.UserPoolClient.ClientId)}

	r := c.ok("", "token", "--client-credentials", "--scope", "orders/read")
	raw := strings.TrimSpace(r.stdout)
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(raw, claims); err != nil {
		t.Fatalf("stdout is not a token: %q (%v)", r.stdout, err)
	}
	if claims["scope"] != "orders/read" || claims["client_id"] != aws.ToString(out.UserPoolClient.ClientId) || claims["username"] != nil {
		t.Errorf("claims = %v", claims)
	}
	var js map[string]any
	if err := json.Unmarshal([]byte(c.ok("", "token", "--client-credentials", "--json").stdout), &js); err != nil || js["token_type"] != "Bearer" {
		t.Errorf("--json: %v %v", js, err)
	}
	if msg := c.fail("", "token", "--client-credentials", "--scope", "orders/write"); !strings.Contains(msg, "invalid_scope") {
		t.Errorf("a scope not allowed: %q", msg)
	}
	if msg := c.fail("", "token"); !strings.Contains(msg, "--client-credentials") {
		t.Errorf("no grant: %q", msg)
	}
}
