package emulator_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
)

// revoke posts form to the revocation endpoint, with HTTP Basic when
// basicID is set, and returns the status and the RFC 6749 error code.
func revoke(t *testing.T, srv *cognitotest.Server, form url.Values, basicID, basicSecret string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.Endpoint+"/oauth2/revoke", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicID != "" {
		req.SetBasicAuth(url.QueryEscape(basicID), url.QueryEscape(basicSecret))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Error string }
	json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body.Error
}

// The revocation endpoint revokes a refresh token and the sign-in it
// belongs to; an unknown token is fine; a confidential client must
// authenticate; a client with revocation disabled cannot revoke.
func TestOAuthRevoke(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		signUpConfirmed(t, srv, "ana", password)
		tokens := signIn(t, srv, "ana", password)
		if status, code := revoke(t, srv, url.Values{"token": {"not-a-token"}, "client_id": {srv.ClientID}}, "", ""); status != http.StatusOK {
			t.Errorf("an unknown token: %d %s, want 200", status, code)
		}
		if status, code := revoke(t, srv, url.Values{"token": {aws.ToString(tokens.RefreshToken)}, "client_id": {srv.ClientID}}, "", ""); status != http.StatusOK {
			t.Fatalf("revoking: %d %s", status, code)
		}
		_, err := sdk(srv).GetUser(t.Context(), &cip.GetUserInput{AccessToken: tokens.AccessToken})
		expectErr[*types.NotAuthorizedException](t, err, "")
		if _, err := tryRefresh(t, srv, aws.ToString(tokens.RefreshToken), "ana"); err == nil {
			t.Error("the revoked refresh token still refreshes")
		}
		if status, code := revoke(t, srv, url.Values{"client_id": {srv.ClientID}}, "", ""); status != http.StatusBadRequest || code != "invalid_request" {
			t.Errorf("no token: %d %s", status, code)
		}

		confidential := addClient(t, srv, &cip.CreateUserPoolClientInput{GenerateSecret: true, ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
		secretTokens := signIn(t, confidential, "ana", password)
		refresh := aws.ToString(secretTokens.RefreshToken)
		if status, code := revoke(t, confidential, url.Values{"token": {refresh}, "client_id": {confidential.ClientID}}, "", ""); status != http.StatusUnauthorized || code != "invalid_client" {
			t.Errorf("a confidential client without its secret: %d %s", status, code)
		}
		if status, code := revoke(t, confidential, url.Values{"token": {refresh}}, confidential.ClientID, "wrong"); status != http.StatusUnauthorized || code != "invalid_client" {
			t.Errorf("a wrong secret: %d %s", status, code)
		}
		if status, code := revoke(t, confidential, url.Values{"token": {refresh}}, confidential.ClientID, confidential.ClientSecret); status != http.StatusOK {
			t.Errorf("Basic with the secret: %d %s", status, code)
		}

		off := addClient(t, srv, &cip.CreateUserPoolClientInput{EnableTokenRevocation: aws.Bool(false), ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
		offTokens := signIn(t, off, "ana", password)
		if status, code := revoke(t, off, url.Values{"token": {aws.ToString(offTokens.RefreshToken)}, "client_id": {off.ClientID}}, "", ""); status != http.StatusBadRequest || code != "unsupported_token_type" {
			t.Errorf("a client with revocation disabled: %d %s", status, code)
		}
		if status, code := revoke(t, srv, url.Values{"token": {"x"}, "client_id": {"nosuchclient"}}, "", ""); status != http.StatusUnauthorized || code != "invalid_client" {
			t.Errorf("an unknown client: %d %s", status, code)
		}
	})
}
