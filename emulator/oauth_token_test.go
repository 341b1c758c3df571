package emulator_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/jwtverify"
)

// The OAuth 2.0 token endpoint, POST /oauth2/token, for the
// client-credentials grant: through golang.org/x/oauth2's clientcredentials
// package, as a Go service would call Cognito, and raw for what that
// client never sends.

// machineClient is an app client allowed the client-credentials grant.
type machineClient struct {
	id, secret string
}

// newMachineClient gives srv's pool a resource server "orders" with the
// scopes read, write and admin, and a client allowed the
// client_credentials flow with orders/read and orders/write.
func newMachineClient(t *testing.T, srv *cognitotest.Server) machineClient {
	t.Helper()
	createResourceServer(t, srv, "orders", scopes("read", "Read", "write", "Write", "admin", "Admin"))
	out, err := createClient(t, srv, &cip.CreateUserPoolClientInput{
		ClientName: aws.String("machine"), GenerateSecret: true, AllowedOAuthFlows: clientCredentialsFlow,
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"orders/read", "orders/write"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return machineClient{id: aws.ToString(out.UserPoolClient.ClientId), secret: aws.ToString(out.UserPoolClient.ClientSecret)}
}

// tokenURL is srv's token endpoint.
func tokenURL(srv *cognitotest.Server) string { return srv.Endpoint + "/oauth2/token" }

// ccConfig is the clientcredentials configuration of mc against srv.
func ccConfig(srv *cognitotest.Server, mc machineClient, style oauth2.AuthStyle, scopes ...string) *clientcredentials.Config {
	return &clientcredentials.Config{ClientID: mc.id, ClientSecret: mc.secret, TokenURL: tokenURL(srv), Scopes: scopes, AuthStyle: style}
}

// oauthErrorCode is the RFC 6749 error code of a failed Token call.
func oauthErrorCode(t *testing.T, err error) string {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want an *oauth2.RetrieveError", err)
	}
	return re.ErrorCode
}

// TestOAuthTokenClientCredentials: a client gets a token for the scopes it
// asks, by HTTP Basic and by form authentication, which jwtverify accepts
// as a machine's token with those scopes.
func TestOAuthTokenClientCredentials(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		mc := newMachineClient(t, srv)
		issuer := srv.Endpoint + "/" + srv.UserPoolID
		verifier, err := jwtverify.New(jwtverify.Config{
			Issuer: issuer, ClientIDs: []string{mc.id}, TokenUse: jwtverify.AccessToken,
			Callers: jwtverify.Clients, Scopes: []string{"orders/read"},
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, style := range []struct {
			name  string
			style oauth2.AuthStyle
		}{{"basic", oauth2.AuthStyleInHeader}, {"form", oauth2.AuthStyleInParams}} {
			t.Run(style.name, func(t *testing.T) {
				tok, err := ccConfig(srv, mc, style.style, "orders/read").Token(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				if tok.TokenType != "Bearer" || tok.RefreshToken != "" || time.Until(tok.Expiry) < 59*time.Minute {
					t.Errorf("token = type %q, refresh %q, expiry %v; want a Bearer access token for an hour", tok.TokenType, tok.RefreshToken, tok.Expiry)
				}
				c, err := verifier.Verify(t.Context(), tok.AccessToken)
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if !c.IsClient() || c.Subject != mc.id || c.ClientID != mc.id || c.Username() != "" || !slices.Equal(c.Scopes(), []string{"orders/read"}) || c.Issuer != issuer || c.JTI == "" {
					t.Errorf("claims = %+v, want a machine's token with orders/read", c)
				}
				raw := verifiedClaims(t, srv, tok.AccessToken, time.Now)
				if raw["version"] != float64(2) || raw["token_use"] != "access" || raw["auth_time"] == nil {
					t.Errorf("claims = %v, want version 2, token_use access and auth_time", raw)
				}
				if _, ok := raw["username"]; ok {
					t.Errorf("claims = %v, want no username", raw)
				}
			})
		}

		// No scope asked: every scope the client is allowed.
		tok, err := ccConfig(srv, mc, oauth2.AuthStyleInHeader).Token(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if got := unverifiedClaims(t, tok.AccessToken)["scope"]; got != "orders/read orders/write" {
			t.Errorf("scope = %v, want every allowed scope", got)
		}
		// A machine's token is not a user's: the user API refuses it.
		_, err = sdk(srv).GetUser(t.Context(), &cip.GetUserInput{AccessToken: aws.String(tok.AccessToken)})
		expectCode(t, err, "NotAuthorizedException")
	})
}

// TestOAuthTokenErrors: each refusal answers its RFC 6749 error code.
func TestOAuthTokenErrors(t *testing.T) {
	srv := cognitotest.NewServer(t)
	mc := newMachineClient(t, srv)
	userClient := addClient(t, srv, &cip.CreateUserPoolClientInput{GenerateSecret: true})
	for _, tc := range []struct {
		name string
		conf *clientcredentials.Config
		want string
	}{
		{"wrong secret, basic", &clientcredentials.Config{ClientID: mc.id, ClientSecret: "wrong", TokenURL: tokenURL(srv), AuthStyle: oauth2.AuthStyleInHeader}, "invalid_client"},
		{"wrong secret, form", &clientcredentials.Config{ClientID: mc.id, ClientSecret: "wrong", TokenURL: tokenURL(srv), AuthStyle: oauth2.AuthStyleInParams}, "invalid_client"},
		{"unknown client", &clientcredentials.Config{ClientID: "nosuchclient", ClientSecret: "x", TokenURL: tokenURL(srv), AuthStyle: oauth2.AuthStyleInHeader}, "invalid_client"},
		{"client without the flow", &clientcredentials.Config{ClientID: userClient.ClientID, ClientSecret: userClient.ClientSecret, TokenURL: tokenURL(srv), AuthStyle: oauth2.AuthStyleInHeader}, "unauthorized_client"},
		{"scope not allowed", ccConfig(srv, mc, oauth2.AuthStyleInHeader, "orders/read", "orders/admin"), "invalid_scope"},
		{"unknown scope", ccConfig(srv, mc, oauth2.AuthStyleInHeader, "openid"), "invalid_scope"},
		{"another grant type", &clientcredentials.Config{ClientID: mc.id, ClientSecret: mc.secret, TokenURL: tokenURL(srv), AuthStyle: oauth2.AuthStyleInHeader,
			EndpointParams: url.Values{"grant_type": {"password"}}}, "unsupported_grant_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.conf.Token(t.Context())
			if got := oauthErrorCode(t, err); got != tc.want {
				t.Errorf("error = %q (%v), want %q", got, err, tc.want)
			}
		})
	}
}

// tokenPost sends a raw request to srv's token endpoint.
func tokenPost(t *testing.T, srv *cognitotest.Server, method, contentType, authorization, body string) (int, http.Header, map[string]string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, tokenURL(srv), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]string
	if len(raw) > 0 {
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("body %q is not JSON: %v", raw, err)
		}
		out = map[string]string{}
		for k, v := range doc {
			s, _ := v.(string)
			out[k] = s
		}
	}
	return resp.StatusCode, resp.Header, out
}

// basicAuth is an HTTP Basic header with each part form-urlencoded.
func basicAuth(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}

// TestOAuthTokenRawRequests: what a well-behaved client never sends.
func TestOAuthTokenRawRequests(t *testing.T) {
	srv := cognitotest.NewServer(t)
	mc := newMachineClient(t, srv)
	const form = "application/x-www-form-urlencoded"
	basic := basicAuth(mc.id, mc.secret)
	for _, tc := range []struct {
		name                      string
		contentType, auth, body   string
		status                    int
		want                      string
		wwwAuthenticate, noSecret bool
	}{
		{"missing grant_type", form, basic, "scope=orders/read", 400, "invalid_request", false, true},
		{"repeated parameter", form, basic, "grant_type=client_credentials&scope=orders/read&scope=orders/write", 400, "invalid_request", false, true},
		{"repeated grant_type", form, basic, "grant_type=client_credentials&grant_type=client_credentials", 400, "invalid_request", false, true},
		{"both auth methods", form, basic, "grant_type=client_credentials&client_id=" + mc.id + "&client_secret=" + url.QueryEscape(mc.secret), 400, "invalid_request", false, true},
		{"basic with another form client_id", form, basic, "grant_type=client_credentials&client_id=other", 400, "invalid_request", false, true},
		{"wrong content type", "application/json", basic, `{"grant_type":"client_credentials"}`, 400, "invalid_request", false, true},
		{"no content type", "", basic, "grant_type=client_credentials", 400, "invalid_request", false, true},
		{"bad form", form, basic, "grant_type=%zz", 400, "invalid_request", false, true},
		{"too large", form, basic, "grant_type=client_credentials&x=" + strings.Repeat("a", 70<<10), 400, "invalid_request", false, true},
		{"no client authentication", form, "", "grant_type=client_credentials", 401, "invalid_client", false, true},
		{"wrong secret by basic", form, basicAuth(mc.id, "wrong"), "grant_type=client_credentials", 401, "invalid_client", true, true},
		{"bearer authorization", form, "Bearer abc", "grant_type=client_credentials", 401, "invalid_client", true, true},
		{"malformed basic", form, "Basic !!!", "grant_type=client_credentials", 401, "invalid_client", true, true},
		{"public client", form, "", "grant_type=client_credentials&client_id=" + srv.ClientID, 400, "unauthorized_client", false, true},
		{"authorization_code for a machine client", form, basic, "grant_type=authorization_code&code=x", 400, "unauthorized_client", false, true},
		{"unknown grant type", form, basic, "grant_type=password&username=u&password=p", 400, "unsupported_grant_type", false, true},
		{"basic and the same form client_id", form, basic, "grant_type=client_credentials&client_id=" + mc.id, 200, "", false, false},
		{"form secret", form, "", "grant_type=client_credentials&client_id=" + mc.id + "&client_secret=" + url.QueryEscape(mc.secret) + "&scope=orders/write+orders/write", 200, "", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, h, body := tokenPost(t, srv, http.MethodPost, tc.contentType, tc.auth, tc.body)
			if status != tc.status || body["error"] != tc.want {
				t.Fatalf("answer = %d %v, want %d %q", status, body, tc.status, tc.want)
			}
			if h.Get("Cache-Control") != "no-store" || h.Get("Pragma") != "no-cache" || h.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("headers = %v, want no-store, no-cache and the wildcard origin", h)
			}
			if got := h.Get("WWW-Authenticate") != ""; got != tc.wwwAuthenticate {
				t.Errorf("WWW-Authenticate = %q, want it %v", h.Get("WWW-Authenticate"), tc.wwwAuthenticate)
			}
			if tc.want == "" {
				if body["access_token"] == "" || body["token_type"] != "Bearer" {
					t.Errorf("body = %v, want a token", body)
				}
				return
			}
			if strings.Contains(body["error_description"], mc.secret) {
				t.Errorf("description %q holds the secret", body["error_description"])
			}
		})
	}

	// A form scope asked twice is granted once.
	_, _, body := tokenPost(t, srv, http.MethodPost, form, basic, "grant_type=client_credentials&scope=orders/write+orders/write")
	if got := unverifiedClaims(t, body["access_token"])["scope"]; got != "orders/write" {
		t.Errorf("scope = %v, want orders/write once", got)
	}
}

// TestOAuthTokenCORSAndDiscovery: the preflight, other methods, and the
// pool's OpenID configuration naming the endpoint.
func TestOAuthTokenCORSAndDiscovery(t *testing.T) {
	srv := cognitotest.NewServer(t)
	status, h, _ := tokenPost(t, srv, http.MethodOptions, "", "", "")
	if status != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") ||
		!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight = %d %v", status, h)
	}
	status, h, body := tokenPost(t, srv, http.MethodGet, "", "", "")
	if status != http.StatusMethodNotAllowed || body["error"] != "invalid_request" || h.Get("Allow") == "" {
		t.Errorf("GET = %d %v %v, want 405 invalid_request", status, h, body)
	}

	var doc struct {
		TokenEndpoint string   `json:"token_endpoint"`
		Grants        []string `json:"grant_types_supported"`
		AuthMethods   []string `json:"token_endpoint_auth_methods_supported"`
		Authorization string   `json:"authorization_endpoint"`
		UserInfo      string   `json:"userinfo_endpoint"`
		Revocation    string   `json:"revocation_endpoint"`
		EndSession    string   `json:"end_session_endpoint"`
		PKCE          []string `json:"code_challenge_methods_supported"`
		ResponseTypes []string `json:"response_types_supported"`
	}
	getJSON(t, srv.Endpoint+"/"+srv.UserPoolID+"/.well-known/openid-configuration", &doc)
	if doc.TokenEndpoint != tokenURL(srv) || !slices.Equal(doc.Grants, []string{"authorization_code", "implicit", "refresh_token", "client_credentials"}) ||
		!slices.Equal(doc.AuthMethods, []string{"client_secret_basic", "client_secret_post"}) || doc.Authorization != srv.Endpoint+"/oauth2/authorize" ||
		doc.UserInfo != srv.Endpoint+"/oauth2/userInfo" || doc.Revocation != srv.Endpoint+"/oauth2/revoke" || doc.EndSession != srv.Endpoint+"/logout" ||
		!slices.Equal(doc.PKCE, []string{"S256"}) || !slices.Equal(doc.ResponseTypes, []string{"code", "token"}) {
		t.Errorf("openid-configuration = %+v", doc)
	}
}

// FuzzOAuthToken sends fuzzed token requests: none may crash the server or
// answer 5xx, every refusal is an RFC 6749 JSON error that does not repeat
// the secret. $CLIENT and $SECRET name the fixture's machine client.
func FuzzOAuthToken(f *testing.F) {
	em := newFuzzServer(f)
	var pool struct{ UserPool struct{ Id string } }
	fuzzMust(f, em, "CreateUserPool", map[string]any{"PoolName": "fuzz"}, &pool)
	fuzzMust(f, em, "CreateResourceServer", map[string]any{
		"UserPoolId": pool.UserPool.Id, "Identifier": "orders", "Name": "orders",
		"Scopes": []map[string]string{{"ScopeName": "read", "ScopeDescription": "Read"}, {"ScopeName": "write", "ScopeDescription": "Write"}},
	}, nil)
	var cl struct {
		UserPoolClient struct{ ClientId, ClientSecret string }
	}
	fuzzMust(f, em, "CreateUserPoolClient", map[string]any{
		"UserPoolId": pool.UserPool.Id, "ClientName": "machine", "GenerateSecret": true,
		"AllowedOAuthFlows": []string{"client_credentials"}, "AllowedOAuthFlowsUserPoolClient": true,
		"AllowedOAuthScopes": []string{"orders/read", "orders/write"},
	}, &cl)
	id, secret := cl.UserPoolClient.ClientId, cl.UserPoolClient.ClientSecret
	placeholders := strings.NewReplacer("$CLIENT", id, "$SECRET", secret,
		"$BASIC", base64.StdEncoding.EncodeToString([]byte(id+":"+secret)))

	const form = "application/x-www-form-urlencoded"
	for _, seed := range []struct{ contentType, auth, body string }{
		{form, "Basic $BASIC", "grant_type=client_credentials"},
		{form, "Basic $BASIC", "grant_type=client_credentials&scope=orders/read"},
		{form, "", "grant_type=client_credentials&client_id=$CLIENT&client_secret=$SECRET&scope=orders/write"},
		{form, "Basic $BASIC", "grant_type=client_credentials&client_secret=$SECRET"},
		{form, "Basic $BASIC", "grant_type=client_credentials&scope=a&scope=b"},
		{form, "Basic Og==", "grant_type=client_credentials"},
		{form, "basic", "grant_type=refresh_token&refresh_token=x"},
		{form + "; charset=utf-8", "", "client_id=$CLIENT&grant_type=client_credentials&scope=%20%20"},
		{"text/plain", "", "grant_type=client_credentials"},
		{form, "", "grant_type=%ZZ&;;&&=="},
	} {
		f.Add(seed.contentType, seed.auth, seed.body)
	}
	f.Fuzz(func(t *testing.T, contentType, auth, body string) {
		req := httptest.NewRequest(http.MethodPost, "/oauth2/token", strings.NewReader(placeholders.Replace(body)))
		req.Header.Set("Content-Type", contentType)
		if auth = placeholders.Replace(auth); auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		em.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		var doc map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
			t.Fatalf("body %q is not JSON: %v", rec.Body, err)
		}
		if rec.Code == http.StatusOK {
			if tok, _ := doc["access_token"].(string); tok == "" {
				t.Fatalf("200 without a token: %s", rec.Body)
			}
			return
		}
		if code, _ := doc["error"].(string); code == "" {
			t.Fatalf("status %d without an error code: %s", rec.Code, rec.Body)
		}
		if strings.Contains(rec.Body.String(), secret) && !echoable(placeholders.Replace(body), secret) {
			t.Fatalf("the answer holds the client secret: %s", rec.Body)
		}
	})
}

// echoable reports whether the form body carries secret where an answer
// may repeat what the caller sent (a scope, a grant type, a parameter's
// name) rather than only as client_secret.
func echoable(body, secret string) bool {
	form, err := url.ParseQuery(body)
	if err != nil {
		return strings.Contains(body, secret)
	}
	for name, values := range form {
		if strings.Contains(name, secret) {
			return true
		}
		for _, v := range values {
			if name != "client_secret" && strings.Contains(v, secret) {
				return true
			}
		}
	}
	return false
}

// TestOAuthTokenNoInertWarning: a client-credentials client is served, so
// creating one warns of nothing left inert.
func TestOAuthTokenNoInertWarning(t *testing.T) {
	srv, log := serverWithLog(t)
	newMachineClient(t, srv)
	if logged := log.String(); strings.Contains(logged, "not acted on yet") {
		t.Errorf("a client_credentials client was warned about; log:\n%s", logged)
	}
}
