package emulator_test

import (
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator"
	"github.com/cognitokit/cognito/emulator/store"
)

const accessToken = "Xq3v9-local-access-token-for-tests-0123456789"

// tokenServer serves a local Cognito with WithAccessToken(accessToken) (and
// opts) on a loopback port, and returns its URL and its log.
func tokenServer(t *testing.T, opts ...emulator.Option) (string, *logBuffer) {
	t.Helper()
	st := store.NewMemory()
	t.Cleanup(func() { st.Close() })
	log := &logBuffer{}
	opts = append([]emulator.Option{emulator.WithAccessToken(accessToken), emulator.WithLogger(slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug})))}, opts...)
	em, err := emulator.New(t.Context(), st, opts...)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(em)
	t.Cleanup(hs.Close)
	return hs.URL, log
}

// adminSDK is an SDK client of endpoint signing with the secret key secret.
func adminSDK(endpoint, keyID, secret string) *cip.Client {
	return cip.NewFromConfig(aws.Config{
		Region: "eu-west-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(keyID, secret, ""),
	}, func(o *cip.Options) { o.RetryMaxAttempts = 1 })
}

// get sends a GET to u with the optional Authorization header through c
// (nil: one that does not follow redirects) and returns the answer and its
// body.
func get(t *testing.T, c *http.Client, u, authorization string) (*http.Response, string) {
	t.Helper()
	if c == nil {
		c = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	var headers map[string]string
	if authorization != "" {
		headers = map[string]string{"Authorization": authorization}
	}
	resp, body := send(t, c, http.MethodGet, u, headers, "")
	return resp, string(body)
}

func TestLocalAccessTokenGuardsLocalPages(t *testing.T) {
	t.Parallel()
	base, log := tokenServer(t)

	for _, path := range []string{"/_local/messages", "/_local/", "/_local", "/_local/anything", "/x/../_local/messages", "/%5Flocal/messages", "//_local/messages"} {
		for _, auth := range []string{"", "Bearer wrong", "Bearer " + accessToken + "x", "Basic " + accessToken, accessToken} {
			resp, body := get(t, nil, base+path, auth)
			if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "NotAuthorizedException") || resp.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("GET %s with Authorization %q = %d %s, want 401", path, auth, resp.StatusCode, body)
			}
		}
	}
	for _, auth := range []string{"Bearer " + accessToken, "bearer  " + accessToken} {
		if resp, body := get(t, nil, base+"/_local/messages", auth); resp.StatusCode != http.StatusOK || !strings.Contains(body, `"messages"`) {
			t.Errorf("GET /_local/messages with the token (%q) = %d %s", auth[:7], resp.StatusCode, body)
		}
	}
	if resp, body := get(t, nil, base+"/_local/", "Bearer "+accessToken); resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("the dashboard with the token = %d %s: %.200s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	// The other endpoints stay open.
	for path, want := range map[string]int{"/health": http.StatusOK, "/eu-west-1_nope/.well-known/jwks.json": http.StatusNotFound, "/oauth2/userInfo": http.StatusBadRequest} {
		if resp, _ := get(t, nil, base+path, ""); resp.StatusCode != want {
			t.Errorf("GET %s without the token = %d, want %d", path, resp.StatusCode, want)
		}
	}
	if strings.Contains(log.String(), accessToken) {
		t.Error("the log holds the access token")
	}
}

func TestLocalAccessTokenFromTheBrowser(t *testing.T) {
	t.Parallel()
	base, _ := tokenServer(t)

	// ?token= once: a cookie, and a redirect to the URL without the token.
	resp, _ := get(t, nil, base+"/_local/messages?username=ana&token="+accessToken, "")
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || loc != "/_local/messages?username=ana" {
		t.Fatalf("GET ?token= = %d, Location %q, want 303 to /_local/messages?username=ana", resp.StatusCode, loc)
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "cognito_local_token" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/_local" {
		t.Fatalf("cookie = %+v, want an HttpOnly, SameSite=Lax cookie for /_local", cookie)
	}

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar}
	if resp, body := get(t, browser, base+"/_local/messages?token="+accessToken, ""); resp.StatusCode != http.StatusOK || resp.Request.URL.RawQuery != "" || !strings.Contains(body, `"messages"`) {
		t.Errorf("a browser following the redirect: %d at %s: %s", resp.StatusCode, resp.Request.URL, body)
	}
	if resp, _ := get(t, browser, base+"/_local/messages", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("with the cookie: %d, want 200", resp.StatusCode)
	}

	// A path that would make the redirect leave the server.
	resp, _ = get(t, nil, base+"//evil.example/../_local/?token="+accessToken, "")
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/_local") {
		t.Errorf("redirect of //evil.example/../_local/ = %d to %q, want /_local...", resp.StatusCode, loc)
	}
	if resp, _ := get(t, nil, base+"/_local/messages?token=wrong", ""); resp.StatusCode != http.StatusUnauthorized || len(resp.Cookies()) != 0 {
		t.Errorf("a wrong ?token= = %d with cookies %v, want 401 and none", resp.StatusCode, resp.Cookies())
	}
}

func TestLocalAccessTokenGuardsAdminActions(t *testing.T) {
	t.Parallel()
	base, log := tokenServer(t)
	ctx := t.Context()

	for _, secret := range []string{"local", accessToken + "x", ""} {
		_, err := adminSDK(base, "local", secret).ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)})
		if secret == "" {
			// The SDK refuses to sign with an empty secret; unsigned
			// calls are refused by the server (TestProtocolErrors).
			continue
		}
		expectCode(t, err, "InvalidSignatureException")
	}
	// The token is the secret key, under any key ID.
	for _, keyID := range []string{"local", "AKIAANYTHING"} {
		if _, err := adminSDK(base, keyID, accessToken).ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)}); err != nil {
			t.Fatalf("ListUserPools signed with the token under %s: %v", keyID, err)
		}
	}
	admin := adminSDK(base, "local", accessToken)
	pool, err := admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("p")})
	if err != nil {
		t.Fatal(err)
	}
	cl, err := admin.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: pool.UserPool.Id, ClientName: aws.String("c"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	if err != nil {
		t.Fatal(err)
	}

	// The user API needs no credentials of the server's.
	user := adminSDK(base, "whoever", "whatever")
	if _, err := user.SignUp(ctx, &cip.SignUpInput{ClientId: cl.UserPoolClient.ClientId, Username: aws.String("ana"), Password: aws.String(password)}); err != nil {
		t.Fatalf("SignUp without the token: %v", err)
	}
	if strings.Contains(log.String(), accessToken) {
		t.Error("the log holds the access token")
	}
}

func TestLocalAccessTokenWithIAMCredentials(t *testing.T) {
	t.Parallel()
	iam := emulator.IAMCredentials{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "iam-secret-example"}
	base, _ := tokenServer(t, emulator.WithIAMCredentials(iam))
	ctx := t.Context()
	// The IAM credentials rule the administrator's actions; the token
	// still guards /_local/.
	_, err := adminSDK(base, "local", accessToken).ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)})
	expectCode(t, err, "UnrecognizedClientException")
	if _, err := adminSDK(base, iam.AccessKeyID, iam.SecretAccessKey).ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)}); err != nil {
		t.Fatal(err)
	}
	if resp, _ := get(t, nil, base+"/_local/messages", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /_local/messages without the token = %d, want 401", resp.StatusCode)
	}
}

// TestRebindingGuard: without an access token (on loopback), the outbox,
// the dashboard and the administrator's actions are served only to a
// loopback Host or the public URL's: a page of a rebound DNS name gets
// 403; the user API and the JWKS stay open.
func TestRebindingGuard(t *testing.T) {
	srv := cognitotest.NewServer(t)
	get := func(path, host string) int {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Host = host
		rec := httptest.NewRecorder()
		srv.Emulator.ServeHTTP(rec, req)
		return rec.Code
	}
	for _, host := range []string{"127.0.0.1:9229", "localhost:9229", "[::1]:9229", "app.localhost"} {
		if code := get("/_local/messages", host); code != http.StatusOK {
			t.Errorf("outbox for Host %s: %d", host, code)
		}
	}
	for _, path := range []string{"/_local/messages", "/_local/"} {
		if code := get(path, "evil.example:9229"); code != http.StatusForbidden {
			t.Errorf("%s for a foreign Host: %d, want 403", path, code)
		}
	}
	if code := get("/"+srv.UserPoolID+"/.well-known/jwks.json", "evil.example"); code != http.StatusOK {
		t.Errorf("JWKS for a foreign Host: %d", code)
	}
	// A signed (administrator's) call from a foreign Host is refused.
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"UserPoolId":"`+srv.UserPoolID+`"}`))
	req.Host = "evil.example"
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x/20261201/eu-west-1/cognito-idp/aws4_request, SignedHeaders=host, Signature="+strings.Repeat("0", 64))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.ListUsers")
	rec := httptest.NewRecorder()
	srv.Emulator.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("a signed call from a foreign Host: %d %s", rec.Code, rec.Body)
	}

	// A signed call from a page of another site is refused (CORS would
	// let the page send it, and no signature is verified), from a page
	// of a loopback origin or from no page at all it runs.
	for origin, want := range map[string]int{
		"https://evil.example": http.StatusForbidden, "null": http.StatusForbidden,
		"http://localhost:5173": http.StatusOK, "http://127.0.0.1:3000": http.StatusOK, "": http.StatusOK,
	} {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"UserPoolId":"`+srv.UserPoolID+`"}`))
		req.Host = "127.0.0.1:9229"
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x/20261201/eu-west-1/cognito-idp/aws4_request, SignedHeaders=host, Signature="+strings.Repeat("0", 64))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.ListUsers")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		rec := httptest.NewRecorder()
		srv.Emulator.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("a signed call from Origin %q: %d %s, want %d", origin, rec.Code, rec.Body, want)
		}
	}

	// The public URL's host is this server's.
	pub := cognitotest.NewServer(t, cognitotest.WithServerOptions(emulator.WithBaseURL("http://cognito.internal:9229")))
	req = httptest.NewRequest(http.MethodGet, "/_local/messages", nil)
	req.Host = "cognito.internal:9229"
	rec = httptest.NewRecorder()
	pub.Emulator.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("outbox for the public URL's Host: %d", rec.Code)
	}
}
