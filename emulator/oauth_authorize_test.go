package emulator_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/internal/htmlform"
)

// The app a web client of the tests sends its users back to.
const (
	appCallback = "http://localhost:3000/callback"
	appLogout   = "http://localhost:3000/signed-out"
	// verifier is a PKCE code verifier (RFC 7636 appendix B's).
	verifier = "dBjftJeZ4CVP-mJ92K1uSmuMQXTTEjE3pP9ZIpX-6Bk"
)

// challengeOf is the S256 code challenge of a verifier.
func challengeOf(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// webApp returns a copy of srv naming a new app client of its pool with
// the given OAuth flows, the standard scopes, appCallback and appLogout;
// with a secret when secret is set.
func webApp(t testing.TB, srv *cognitotest.Server, secret bool, flows ...types.OAuthFlowType) *cognitotest.Server {
	t.Helper()
	return addClient(t, srv, &cip.CreateUserPoolClientInput{
		ClientName: aws.String("web"), GenerateSecret: secret,
		ExplicitAuthFlows:               []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: flows,
		AllowedOAuthScopes:         []string{"openid", "email", "profile", "aws.cognito.signin.user.admin"},
		CallbackURLs:               []string{appCallback},
		LogoutURLs:                 []string{appLogout},
		SupportedIdentityProviders: []string{"COGNITO"},
	})
}

// authorizeURL is an authorization request of srv's client for the code
// flow with PKCE, with the parameters of extra replacing or (when empty)
// removing the defaults.
func authorizeURL(srv *cognitotest.Server, extra url.Values) string {
	q := url.Values{
		"response_type": {"code"}, "client_id": {srv.ClientID}, "redirect_uri": {appCallback},
		"scope": {"openid email"}, "state": {"st-123"}, "nonce": {"n-456"},
		"code_challenge": {challengeOf(verifier)}, "code_challenge_method": {"S256"},
	}
	for k, v := range extra {
		if len(v) == 1 && v[0] == "" {
			q.Del(k)
		} else {
			q[k] = v
		}
	}
	return srv.Endpoint + "/oauth2/authorize?" + q.Encode()
}

// browser is an HTTP client with a cookie jar that follows redirects
// within the local Cognito and stops at any other address (the app's).
type browser struct {
	t   testing.TB
	srv *cognitotest.Server
	c   *http.Client
}

func newBrowser(t testing.TB, srv *cognitotest.Server) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, srv: srv, c: &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if !strings.HasPrefix(req.URL.String(), srv.Endpoint) {
			return http.ErrUseLastResponse
		}
		return nil
	}}}
}

// page is a response the browser got: a page of the local Cognito, or a
// redirect out of it.
type page struct {
	status   int
	url      string // the URL that answered
	header   http.Header
	body     string
	location string // where a redirect out of the local Cognito goes
}

func (b *browser) do(req *http.Request) *page {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return &page{status: resp.StatusCode, url: resp.Request.URL.String(), header: resp.Header, body: string(raw), location: resp.Header.Get("Location")}
}

func (b *browser) get(u string) *page {
	b.t.Helper()
	req, err := http.NewRequestWithContext(b.t.Context(), http.MethodGet, u, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// post posts form to u.
func (b *browser) post(u string, form url.Values) *page {
	b.t.Helper()
	req, err := http.NewRequestWithContext(b.t.Context(), http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// errorMessage is the error paragraph of a managed-login page.
var errorMessage = regexp.MustCompile(`<p class="error" id="error" role="alert">([^<]*)</p>`)

// submit posts p's form with its inputs' values (the hidden ones: the
// CSRF token, a challenge's session) and fields.
func (b *browser) submit(p *page, fields map[string]string) *page {
	b.t.Helper()
	base, err := url.Parse(p.url)
	if err != nil {
		b.t.Fatal(err)
	}
	form, err := htmlform.Parse(strings.NewReader(p.body), base)
	if err != nil {
		b.t.Fatalf("page %d %s: %v\n%s", p.status, p.url, err, p.body)
	}
	values := form.Values
	for k, v := range fields {
		values.Set(k, v)
	}
	return b.post(form.Action.String(), values)
}

// pageError is the error a page shows ("" for none).
func (p *page) pageError() string {
	if m := errorMessage.FindStringSubmatch(p.body); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

// redirect is the app URL p redirects to, which must start with prefix.
func (p *page) redirect(t testing.TB, prefix string) *url.URL {
	t.Helper()
	if p.status != http.StatusFound || !strings.HasPrefix(p.location, prefix) {
		t.Fatalf("answer = %d to %q, want a redirect to %s; page %s: %s\n%s", p.status, p.location, prefix, p.url, p.pageError(), p.body)
	}
	u, err := url.Parse(p.location)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// signInAt opens u (an authorization request) in b, signs in on the login
// page as name, and returns the app URL it is sent back to.
func signInAt(t testing.TB, b *browser, u, name, pw string) *url.URL {
	t.Helper()
	login := b.get(u)
	if login.status != http.StatusOK || !strings.Contains(login.url, "/login?") {
		t.Fatalf("authorize = %d at %s, want the login page:\n%s", login.status, login.url, login.body)
	}
	return b.submit(login, map[string]string{"username": name, "password": pw}).redirect(t, appCallback)
}

// exchange posts a token request to srv's token endpoint, authenticating
// srv's client in the form, and returns the status and JSON answer.
func exchange(t testing.TB, srv *cognitotest.Server, form url.Values) (int, map[string]any) {
	t.Helper()
	if _, ok := form["client_id"]; !ok {
		form.Set("client_id", srv.ClientID)
	}
	if srv.ClientSecret != "" {
		if _, ok := form["client_secret"]; !ok {
			form.Set("client_secret", srv.ClientSecret)
		}
	}
	resp, err := http.PostForm(srv.Endpoint+"/oauth2/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("token answer is not JSON: %v", err)
	}
	return resp.StatusCode, out
}

// codeGrant is the form exchanging code with the test's verifier.
func codeGrant(code string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {appCallback}, "code_verifier": {verifier}}
}

// TestAuthorizationCodeFlow: the code flow with PKCE through the login
// page, the tokens as AWS issues them for it, their refresh through the
// token endpoint and InitiateAuth, userInfo, the managed-login session and
// the sign-out.
func TestAuthorizationCodeFlow(t *testing.T) {
	for _, secret := range []bool{false, true} {
		name := map[bool]string{false: "public client", true: "confidential client"}[secret]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := cognitotest.NewServer(t)
			app := webApp(t, srv, secret, types.OAuthFlowTypeCode)
			signUpConfirmed(t, srv, "ana", password)
			b := newBrowser(t, app)

			back := signInAt(t, b, authorizeURL(app, nil), "ana", password)
			code := back.Query().Get("code")
			if code == "" || back.Query().Get("state") != "st-123" {
				t.Fatalf("callback = %s, want a code and the state", back)
			}
			status, tokens := exchange(t, app, codeGrant(code))
			if status != http.StatusOK {
				t.Fatalf("exchange = %d %v", status, tokens)
			}
			access, _ := tokens["access_token"].(string)
			idToken, _ := tokens["id_token"].(string)
			refresh, _ := tokens["refresh_token"].(string)
			if access == "" || idToken == "" || refresh == "" || tokens["token_type"] != "Bearer" || tokens["expires_in"] != float64(3600) {
				t.Fatalf("tokens = %v", tokens)
			}
			ac := verifiedClaims(t, srv, access, time.Now)
			if ac["scope"] != "openid email" || ac["client_id"] != app.ClientID || ac["username"] != "ana" || ac["token_use"] != "access" {
				t.Errorf("access token claims = %v", ac)
			}
			ic := verifiedClaims(t, srv, idToken, time.Now)
			if ic["nonce"] != "n-456" || ic["aud"] != app.ClientID || ic["iss"] != srv.Endpoint+"/"+srv.UserPoolID || ic["email"] != emailFor("ana") {
				t.Errorf("ID token claims = %v", ic)
			}
			sum := sha256.Sum256([]byte(access))
			if ic["at_hash"] != base64.RawURLEncoding.EncodeToString(sum[:16]) {
				t.Errorf("at_hash = %v, want the left half of the access token's SHA-256", ic["at_hash"])
			}

			// The access token has no aws.cognito.signin.user.admin: it
			// calls no API operation.
			_, err := sdk(app).GetUser(t.Context(), &cip.GetUserInput{AccessToken: aws.String(access)})
			expectErr[*types.NotAuthorizedException](t, err, "Access Token does not have required scopes")

			// userInfo answers the email scope's attributes.
			var info map[string]string
			if status := bearerGet(t, srv, access, &info); status != http.StatusOK ||
				info["email"] != emailFor("ana") || info["email_verified"] != "true" || info["username"] != "ana" || info["sub"] == "" {
				t.Errorf("userInfo = %d %v", status, info)
			}

			// Refreshed through the token endpoint: the same scopes, an
			// ID token without the nonce, no new refresh token.
			status, again := exchange(t, app, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}})
			if status != http.StatusOK || again["refresh_token"] != nil {
				t.Fatalf("refresh = %d %v", status, again)
			}
			if rc := verifiedClaims(t, srv, again["access_token"].(string), time.Now); rc["scope"] != "openid email" {
				t.Errorf("refreshed access token's scope = %v", rc["scope"])
			}
			if rc := verifiedClaims(t, srv, again["id_token"].(string), time.Now); rc["nonce"] != nil || rc["at_hash"] == nil {
				t.Errorf("refreshed ID token = %v, want at_hash and no nonce", rc)
			}
			// ... and through InitiateAuth, which keeps them too.
			out, err := tryRefresh(t, app, refresh, "ana")
			if err != nil {
				t.Fatal(err)
			}
			if rc := verifiedClaims(t, srv, aws.ToString(out.AuthenticationResult.AccessToken), time.Now); rc["scope"] != "openid email" {
				t.Errorf("REFRESH_TOKEN_AUTH access token's scope = %v", rc["scope"])
			}

			// The managed-login session signs the user in again without
			// the form, with another code.
			p := b.get(authorizeURL(app, url.Values{"state": {"second"}}))
			again2 := p.redirect(t, appCallback)
			if again2.Query().Get("code") == "" || again2.Query().Get("code") == code || again2.Query().Get("state") != "second" {
				t.Errorf("second authorization = %s", again2)
			}

			// Signing out ends it: the next authorization shows the form.
			b.get(srv.Endpoint+"/logout?"+url.Values{"client_id": {app.ClientID}, "logout_uri": {appLogout}}.Encode()).redirect(t, appLogout)
			if p := b.get(authorizeURL(app, nil)); p.status != http.StatusOK || !strings.Contains(p.body, `id="password"`) {
				t.Errorf("after /logout, authorize = %d %s, want the login form", p.status, p.location)
			}
		})
	}
}

// bearerGet GETs srv's userInfo with token and decodes the answer into v.
func bearerGet(t testing.TB, srv *cognitotest.Server, token string, v any) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.Endpoint+"/oauth2/userInfo", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("userInfo answer is not JSON: %v", err)
	}
	return resp.StatusCode
}

// TestImplicitGrant: response_type token answers in the fragment, with
// the nonce in the ID token and no refresh token.
func TestImplicitGrant(t *testing.T) {
	srv := cognitotest.NewServer(t)
	app := webApp(t, srv, false, types.OAuthFlowTypeImplicit)
	signUpConfirmed(t, srv, "ana", password)
	back := signInAt(t, newBrowser(t, app), authorizeURL(app, url.Values{"response_type": {"token"}, "code_challenge": {""}, "code_challenge_method": {""}}), "ana", password)
	if back.RawQuery != "" {
		t.Errorf("implicit answer has a query: %s", back)
	}
	frag, err := url.ParseQuery(back.Fragment)
	if err != nil {
		t.Fatal(err)
	}
	if frag.Get("state") != "st-123" || frag.Get("token_type") != "Bearer" || frag.Get("expires_in") != "3600" || frag.Has("refresh_token") || frag.Has("code") {
		t.Errorf("fragment = %v", frag)
	}
	if ic := verifiedClaims(t, srv, frag.Get("id_token"), time.Now); ic["nonce"] != "n-456" || ic["at_hash"] == nil {
		t.Errorf("ID token = %v", ic)
	}
	var info map[string]string
	if status := bearerGet(t, srv, frag.Get("access_token"), &info); status != http.StatusOK || info["email"] != emailFor("ana") {
		t.Errorf("userInfo = %d %v", status, info)
	}
}

// TestAuthorizationRequestErrors: what RFC 6749 §4.1.2.1 and RFC 7636
// make of a bad authorization request: an error page, never a redirect,
// when the client or redirect URI cannot be trusted; otherwise the error
// redirected to the app with the state.
func TestAuthorizationRequestErrors(t *testing.T) {
	srv := cognitotest.NewServer(t)
	app := webApp(t, srv, false, types.OAuthFlowTypeCode)
	implicitOnly := webApp(t, srv, false, types.OAuthFlowTypeImplicit)
	for _, tc := range []struct {
		name  string
		url   string
		error string // "" for an error page
	}{
		{"unknown client", authorizeURL(app, url.Values{"client_id": {"nosuchclient"}}), ""},
		{"no client", authorizeURL(app, url.Values{"client_id": {""}}), ""},
		{"unregistered redirect_uri", authorizeURL(app, url.Values{"redirect_uri": {"https://evil.example/cb"}}), ""},
		{"redirect_uri differs by a slash", authorizeURL(app, url.Values{"redirect_uri": {appCallback + "/"}}), ""},
		{"no redirect_uri", authorizeURL(app, url.Values{"redirect_uri": {""}}), ""},
		{"repeated parameter", authorizeURL(app, nil) + "&state=again", ""},
		{"scope not allowed", authorizeURL(app, url.Values{"scope": {"openid phone"}}), "invalid_scope"},
		{"email without openid", authorizeURL(app, url.Values{"scope": {"email"}}), "invalid_scope"},
		{"flow not allowed", authorizeURL(implicitOnly, nil), "unauthorized_client"},
		{"no response_type", authorizeURL(app, url.Values{"response_type": {""}}), "invalid_request"},
		{"unknown response_type", authorizeURL(app, url.Values{"response_type": {"id_token"}}), "unsupported_response_type"},
		{"plain PKCE", authorizeURL(app, url.Values{"code_challenge": {verifier}, "code_challenge_method": {"plain"}}), "invalid_request"},
		{"PKCE without method", authorizeURL(app, url.Values{"code_challenge_method": {""}}), "invalid_request"},
		{"method without challenge", authorizeURL(app, url.Values{"code_challenge": {""}}), "invalid_request"},
		{"short challenge", authorizeURL(app, url.Values{"code_challenge": {"abc"}}), "invalid_request"},
		{"other identity provider", authorizeURL(app, url.Values{"identity_provider": {"Google"}}), "invalid_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newBrowser(t, app).get(tc.url)
			if tc.error == "" {
				if p.status != http.StatusBadRequest || p.location != "" || p.pageError() == "" {
					t.Errorf("answer = %d to %q (%q), want an error page and no redirect", p.status, p.location, p.pageError())
				}
				return
			}
			back := p.redirect(t, appCallback)
			if back.Query().Get("error") != tc.error || back.Query().Get("state") != "st-123" || back.Query().Get("code") != "" {
				t.Errorf("redirect = %s, want error=%s with the state", back, tc.error)
			}
		})
	}
}

// TestTokenEndpointCodeErrors: the token endpoint's answers to a bad code
// exchange, each with RFC 6749's (and RFC 7636's) error.
func TestTokenEndpointCodeErrors(t *testing.T) {
	onEachStoreWithClock(t, func(t *testing.T, srv *cognitotest.Server, clk *clock) {
		app := webApp(t, srv, true, types.OAuthFlowTypeCode)
		other := webApp(t, srv, false, types.OAuthFlowTypeCode)
		signUpConfirmed(t, srv, "ana", password)
		b := newBrowser(t, app)
		newCode := func() string {
			t.Helper()
			return b.get(authorizeURL(app, nil)).redirect(t, appCallback).Query().Get("code")
		}
		signInAt(t, b, authorizeURL(app, nil), "ana", password) // starts the managed-login session

		for _, tc := range []struct {
			name   string
			form   func(code string) url.Values
			status int
			error  string
		}{
			{"wrong code verifier", func(code string) url.Values {
				f := codeGrant(code)
				f.Set("code_verifier", strings.Repeat("x", 43))
				return f
			}, 400, "invalid_grant"},
			{"no code verifier", func(code string) url.Values { f := codeGrant(code); f.Del("code_verifier"); return f }, 400, "invalid_grant"},
			{"other redirect_uri", func(code string) url.Values { f := codeGrant(code); f.Set("redirect_uri", appLogout); return f }, 400, "invalid_grant"},
			{"unknown code", func(string) url.Values { return codeGrant("nosuchcode") }, 400, "invalid_grant"},
			{"no code", func(string) url.Values { f := codeGrant(""); f.Del("code"); return f }, 400, "invalid_request"},
			{"wrong client secret", func(code string) url.Values { f := codeGrant(code); f.Set("client_secret", "wrong"); return f }, 401, "invalid_client"},
			{"no client secret", func(code string) url.Values { f := codeGrant(code); f.Set("client_secret", ""); return f }, 401, "invalid_client"},
		} {
			status, body := exchange(t, app, tc.form(newCode()))
			if status != tc.status || body["error"] != tc.error {
				t.Errorf("%s: answer = %d %v, want %d %s", tc.name, status, body, tc.status, tc.error)
			}
		}

		// Another client's code.
		status, body := exchange(t, other, codeGrant(newCode()))
		if status != 400 || body["error"] != "invalid_grant" {
			t.Errorf("another client's code: %d %v", status, body)
		}
		// A code is spent by a failed exchange, and used once.
		code := newCode()
		exchange(t, app, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {appLogout}, "code_verifier": {verifier}})
		if status, body := exchange(t, app, codeGrant(code)); status != 400 || body["error"] != "invalid_grant" {
			t.Errorf("a code after a failed exchange: %d %v", status, body)
		}
		code = newCode()
		if status, body := exchange(t, app, codeGrant(code)); status != 200 {
			t.Fatalf("exchange: %d %v", status, body)
		}
		if status, body := exchange(t, app, codeGrant(code)); status != 400 || body["error"] != "invalid_grant" {
			t.Errorf("reused code: %d %v", status, body)
		}
		// A code lives five minutes.
		code = newCode()
		clk.Advance(5*time.Minute + time.Second)
		if status, body := exchange(t, app, codeGrant(code)); status != 400 || body["error"] != "invalid_grant" {
			t.Errorf("expired code: %d %v", status, body)
		}
	})
}

// TestAuthorizationCodeUsedOnce: of many concurrent exchanges of one code,
// exactly one gets tokens, on both stores.
func TestAuthorizationCodeUsedOnce(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		app := webApp(t, srv, false, types.OAuthFlowTypeCode)
		signUpConfirmed(t, srv, "ana", password)
		code := signInAt(t, newBrowser(t, app), authorizeURL(app, nil), "ana", password).Query().Get("code")
		const n = 20
		var wg sync.WaitGroup
		statuses := make(chan int, n)
		for range n {
			wg.Go(func() {
				status, _ := exchange(t, app, codeGrant(code))
				statuses <- status
			})
		}
		wg.Wait()
		close(statuses)
		ok := 0
		for s := range statuses {
			if s == http.StatusOK {
				ok++
			} else if s != http.StatusBadRequest {
				t.Errorf("status %d", s)
			}
		}
		if ok != 1 {
			t.Errorf("%d of %d concurrent exchanges got tokens, want 1", ok, n)
		}
	})
}

// TestUserInfoErrors: the userInfo endpoint's refusals and CORS.
func TestUserInfoErrors(t *testing.T) {
	srv := cognitotest.NewServer(t)
	signUpConfirmed(t, srv, "ana", password)
	apiToken := aws.ToString(signIn(t, srv, "ana", password).AccessToken)
	var body map[string]string
	for _, tc := range []struct {
		name, token string
		status      int
		error       string
	}{
		{"no token", "", 400, "invalid_request"},
		{"not a token", "abc", 401, "invalid_token"},
		{"the API's token, without openid", apiToken, 403, "insufficient_scope"},
	} {
		body = nil
		if status := bearerGet(t, srv, tc.token, &body); status != tc.status || body["error"] != tc.error {
			t.Errorf("%s: %d %v, want %d %s", tc.name, status, body, tc.status, tc.error)
		}
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodOptions, srv.Endpoint+"/oauth2/userInfo", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight = %d %v", resp.StatusCode, resp.Header)
	}
}

// TestAuthorizationCustomScope: a resource server's scope allowed to a
// code-flow client is granted to the user's access token (with no ID
// token when openid is not asked for).
func TestAuthorizationCustomScope(t *testing.T) {
	srv := cognitotest.NewServer(t)
	if _, err := sdk(srv).CreateResourceServer(t.Context(), &cip.CreateResourceServerInput{
		UserPoolId: aws.String(srv.UserPoolID), Identifier: aws.String("orders"), Name: aws.String("orders"),
		Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("Read")}},
	}); err != nil {
		t.Fatal(err)
	}
	app := addClient(t, srv, &cip.CreateUserPoolClientInput{
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "orders/read"}, CallbackURLs: []string{appCallback},
	})
	signUpConfirmed(t, srv, "ana", password)
	back := signInAt(t, newBrowser(t, app), authorizeURL(app, url.Values{"scope": {"orders/read"}}), "ana", password)
	status, tokens := exchange(t, app, codeGrant(back.Query().Get("code")))
	if status != http.StatusOK || tokens["id_token"] != nil {
		t.Fatalf("exchange = %d %v, want tokens without an ID token", status, tokens)
	}
	if ac := verifiedClaims(t, srv, tokens["access_token"].(string), time.Now); ac["scope"] != "orders/read" || ac["username"] != "ana" {
		t.Errorf("access token = %v", ac)
	}
}
