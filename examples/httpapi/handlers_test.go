package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/jwtverify"
)

const password = "Sup3r-secret!"

// TestFlow is a user's whole life through the API, against the local
// Cognito, with an app client without and with a secret.
func TestFlow(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		secret bool
	}{{"public client", false}, {"client with a secret", true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var opts []cognitotest.Option
			if tc.secret {
				opts = append(opts, cognitotest.WithClientSecret())
			}
			a := newTestAPI(t, opts...)
			const email = "ana@example.com"

			r := a.post("/register", map[string]string{"email": email, "password": password, "name": "Ana"})
			r.want(t, http.StatusCreated, "")
			if r.body["user_sub"] == "" || r.body["confirmation_required"] != true || r.body["code_delivery_destination"] != "a***@e***.com" {
				t.Errorf("register = %v", r.body)
			}
			a.post("/login", map[string]string{"email": email, "password": password}).want(t, http.StatusForbidden, "user_not_confirmed")
			a.post("/confirm", map[string]string{"email": email, "code": a.code(email)}).want(t, http.StatusOK, "")

			r = a.post("/login", map[string]string{"email": email, "password": password})
			r.want(t, http.StatusOK, "")
			tokens := a.tokens(r)
			if tokens.ExpiresIn != 3600 || tokens.TokenType != "Bearer" || tokens.RefreshToken == "" {
				t.Errorf("login = %+v", tokens)
			}

			r = a.get("/profile", tokens.IDToken)
			r.want(t, http.StatusOK, "")
			if r.body["username"] != email || r.body["email"] != email || r.body["name"] != "Ana" ||
				r.body["email_verified"] != true || r.body["sub"] == "" {
				t.Errorf("profile = %v", r.body)
			}
			// /profile takes the ID token: the access token has no email.
			r = a.get("/profile", tokens.AccessToken)
			r.want(t, http.StatusUnauthorized, "invalid_token")
			if !strings.Contains(r.header.Get("WWW-Authenticate"), `error="invalid_token"`) {
				t.Errorf("WWW-Authenticate = %q", r.header.Get("WWW-Authenticate"))
			}
			a.get("/profile", "").want(t, http.StatusUnauthorized, "missing_token")
			// A real user is in no group (the local Cognito has none yet).
			a.get("/admin", tokens.AccessToken).want(t, http.StatusForbidden, "insufficient_scope")

			r = a.post("/refresh", map[string]string{"refresh_token": tokens.RefreshToken, "id_token": tokens.IDToken})
			r.want(t, http.StatusOK, "")
			fresh := a.tokens(r)
			if fresh.AccessToken == "" || fresh.AccessToken == tokens.AccessToken || fresh.RefreshToken != tokens.RefreshToken {
				t.Error("refresh with the ID token did not give a new access token with the same refresh token")
			}
			a.post("/refresh", map[string]string{"refresh_token": tokens.RefreshToken, "username": email}).want(t, http.StatusOK, "")
			r = a.post("/refresh", map[string]string{"refresh_token": tokens.RefreshToken})
			if tc.secret {
				r.want(t, http.StatusBadRequest, "invalid_request") // who the user is must be said
			} else {
				r.want(t, http.StatusOK, "")
			}
			a.get("/profile", fresh.IDToken).want(t, http.StatusOK, "")

			a.post("/logout", nil).want(t, http.StatusUnauthorized, "missing_token")
			a.postAs("/logout", fresh.AccessToken).want(t, http.StatusOK, "")
			// Cognito has revoked the refresh token...
			a.post("/refresh", map[string]string{"refresh_token": tokens.RefreshToken, "id_token": tokens.IDToken}).
				want(t, http.StatusUnauthorized, "not_authorized")
			// ...and refuses the access token...
			a.postAs("/logout", fresh.AccessToken).want(t, http.StatusUnauthorized, "not_authorized")
			// ...but local verification cannot know: the ID token is good
			// until it expires.
			a.get("/profile", fresh.IDToken).want(t, http.StatusOK, "")
		})
	}
}

// TestAdmin: /admin lets users of the group "admin" in, with groups made
// in the local Cognito as an administrator would.
func TestAdmin(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	admin := a.srv.Client()
	ctx := t.Context()
	for _, g := range []string{"admin", "users"} {
		if _, err := admin.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String(a.srv.UserPoolID), GroupName: aws.String(g)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		email  string
		groups []string
		status int
		code   string
	}{
		{"ana@example.com", []string{"users", "admin"}, http.StatusOK, ""},
		{"bo@example.com", []string{"users"}, http.StatusForbidden, "insufficient_scope"},
		{"cy@example.com", nil, http.StatusForbidden, "insufficient_scope"},
	} {
		a.signUp(tc.email)
		for _, g := range tc.groups {
			_, err := admin.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{
				UserPoolId: aws.String(a.srv.UserPoolID), Username: aws.String(tc.email), GroupName: aws.String(g),
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		r := a.post("/login", map[string]string{"email": tc.email, "password": password})
		r.want(t, http.StatusOK, "")
		r = a.get("/admin", a.tokens(r).AccessToken)
		r.want(t, tc.status, tc.code)
		if tc.status == http.StatusOK && r.body["username"] != tc.email {
			t.Errorf("%s: %v", tc.email, r.body)
		}
		if tc.status == http.StatusForbidden && !strings.Contains(r.header.Get("WWW-Authenticate"), `error="insufficient_scope"`) {
			t.Errorf("%s: WWW-Authenticate = %q", tc.email, r.header.Get("WWW-Authenticate"))
		}
	}
}

// TestErrors: every failure has its status, code and message, each from a
// saysWhy are the cases of TestErrors whose message is Cognito's reason,
// in the library's words, rather than their kind's.
var saysWhy = map[string]string{
	"invalid email": "The email address is not valid.",
	"weak password": "The password does not meet the policy: it is too short.",
}

// real answer of the local Cognito where Cognito is involved.
func TestErrors(t *testing.T) {
	t.Parallel()
	creds := func(email, pw string) map[string]string { return map[string]string{"email": email, "password": pw} }
	for _, tc := range []struct {
		name   string
		status int
		code   string
		kind   error // the library's kind, whose message the body carries
		run    func(a *testAPI) response
	}{
		{"malformed JSON", 400, "invalid_json", nil, func(a *testAPI) response { return a.postRaw("/login", "application/json", `{"email":`) }},
		{"not an object", 400, "invalid_json", nil, func(a *testAPI) response { return a.postRaw("/login", "application/json", `["a"]`) }},
		{"unknown field", 400, "invalid_json", nil, func(a *testAPI) response {
			return a.post("/login", map[string]string{"email": "a@example.com", "pasword": password})
		}},
		{"two objects", 400, "invalid_json", nil, func(a *testAPI) response {
			return a.postRaw("/login", "application/json", `{"email":"a@example.com","password":"x"} {}`)
		}},
		{"missing password", 400, "invalid_request", nil, func(a *testAPI) response { return a.post("/login", map[string]string{"email": "a@example.com"}) }},
		{"missing code", 400, "invalid_request", nil, func(a *testAPI) response { return a.post("/confirm", map[string]string{"email": "a@example.com"}) }},
		{"missing refresh token", 400, "invalid_request", nil, func(a *testAPI) response { return a.post("/refresh", map[string]string{"id_token": "x"}) }},
		{"no body", 400, "invalid_json", nil, func(a *testAPI) response { return a.postRaw("/register", "application/json", "") }},
		{"form instead of JSON", 415, "unsupported_media_type", nil, func(a *testAPI) response {
			return a.postRaw("/login", "application/x-www-form-urlencoded", "email=a&password=b")
		}},
		{"body too large", 413, "body_too_large", nil, func(a *testAPI) response {
			return a.post("/register", map[string]string{"email": "a@example.com", "password": password, "name": strings.Repeat("x", maxBodySize)})
		}},
		{"invalid email", 400, "invalid_parameter", cognito.ErrInvalidParameter, func(a *testAPI) response {
			return a.post("/register", creds("not-an-email", password))
		}},
		{"weak password", 400, "invalid_password", cognito.ErrInvalidPassword, func(a *testAPI) response {
			return a.post("/register", creds("a@example.com", "short"))
		}},
		{"wrong code", 400, "code_mismatch", cognito.ErrCodeMismatch, func(a *testAPI) response {
			a.register("a@example.com")
			return a.post("/confirm", map[string]string{"email": "a@example.com", "code": wrongCode(a.code("a@example.com"))})
		}},
		{"expired code", 400, "code_expired", cognito.ErrCodeExpired, func(a *testAPI) response {
			a.register("a@example.com")
			a.clock.Advance(25 * time.Hour)
			return a.post("/confirm", map[string]string{"email": "a@example.com", "code": a.code("a@example.com")})
		}},
		{"wrong password", 401, "invalid_credentials", cognito.ErrInvalidCredentials, func(a *testAPI) response {
			a.signUp("a@example.com")
			return a.post("/login", creds("a@example.com", "Wr0ng-secret!"))
		}},
		{"unknown refresh token", 401, "not_authorized", cognito.ErrNotAuthorized, func(a *testAPI) response {
			return a.post("/refresh", map[string]string{"refresh_token": "not-a-refresh-token", "username": "a@example.com"})
		}},
		{"expired refresh token", 401, "token_expired", cognito.ErrTokenExpired, func(a *testAPI) response {
			tokens := a.signIn("a@example.com")
			a.clock.Advance(31 * 24 * time.Hour)
			return a.post("/refresh", map[string]string{"refresh_token": tokens.RefreshToken, "id_token": tokens.IDToken})
		}},
		{"not confirmed", 403, "user_not_confirmed", cognito.ErrUserNotConfirmed, func(a *testAPI) response {
			a.register("a@example.com")
			return a.post("/login", creds("a@example.com", password))
		}},
		{"unknown user", 404, "user_not_found", cognito.ErrUserNotFound, func(a *testAPI) response {
			return a.post("/login", creds("nobody@example.com", password))
		}},
		{"email taken", 409, "user_exists", cognito.ErrUserExists, func(a *testAPI) response {
			a.register("a@example.com")
			return a.post("/register", creds("a@example.com", password))
		}},
		{"locked out", 429, "too_many_requests", cognito.ErrTooManyRequests, func(a *testAPI) response {
			a.signUp("a@example.com")
			for range 5 {
				a.post("/login", creds("a@example.com", "Wr0ng-secret!")).want(a.t, 401, "invalid_credentials")
			}
			return a.post("/login", creds("a@example.com", password))
		}},
		{"Cognito unreachable", 503, "unavailable", cognito.ErrUnavailable, func(a *testAPI) response {
			a.useClient(a.t, cognito.Config{ClientID: a.srv.ClientID, Endpoint: closedEndpoint(a.t)})
			return a.post("/login", creds("a@example.com", password))
		}},
		{"misconfigured app client", 500, "internal_error", nil, func(a *testAPI) response {
			a.useClient(a.t, cognito.Config{ClientID: "nosuchclient", Endpoint: a.srv.Endpoint})
			return a.post("/login", creds("a@example.com", password))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := newTestAPI(t)
			r := tc.run(a)
			r.want(t, tc.status, tc.code)
			if tc.kind != nil {
				want, ok := saysWhy[tc.name]
				if !ok {
					want = (&cognito.Error{Kind: tc.kind}).Message()
				}
				if r.body["message"] != want {
					t.Errorf("message = %q, want %q", r.body["message"], want)
				}
			}
			if got := r.header.Get("WWW-Authenticate"); (tc.status == 401) != (got != "") {
				t.Errorf("status %d with WWW-Authenticate %q", tc.status, got)
			}
		})
	}
}

// TestRoutes: methods and paths the API does not serve.
func TestRoutes(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t)
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/health", 200},
		{"GET", "/login", 405},
		{"POST", "/profile", 405},
		{"GET", "/nowhere", 404},
	} {
		req := httptest.NewRequest(tc.method, tc.path, nil)
		rec := httptest.NewRecorder()
		a.handler.ServeHTTP(rec, req)
		if rec.Code != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, rec.Code, tc.status)
		}
	}
}

// testAPI is the API in-process, on a local Cognito whose clock the test
// moves. At the end of the test it checks that the log holds no secret.
type testAPI struct {
	t       *testing.T
	srv     *cognitotest.Server
	clock   *clock
	client  *cognito.Client
	id      *jwtverify.Verifier
	logger  *slog.Logger
	handler http.Handler

	mu      sync.Mutex
	log     bytes.Buffer
	secrets []string
}

func newTestAPI(t *testing.T, opts ...cognitotest.Option) *testAPI {
	t.Helper()
	a := &testAPI{t: t, clock: cognitotest.NewClock(time.Now())}
	a.srv = cognitotest.NewServer(t, append(opts, cognitotest.WithClock(a.clock.Now))...)
	a.logger = slog.New(slog.NewTextHandler(lockedWriter{a}, nil))
	a.useClient(t, cognito.Config{UserPoolID: a.srv.UserPoolID, ClientID: a.srv.ClientID, ClientSecret: a.srv.ClientSecret, Endpoint: a.srv.Endpoint})
	a.remember(a.srv.ClientSecret)
	t.Cleanup(a.checkLog)
	return a
}

// useClient rebuilds the API with a library client for cfg (with no
// retries) and verifiers derived from it, as main does.
func (a *testAPI) useClient(t *testing.T, cfg cognito.Config) {
	t.Helper()
	awsCfg := a.srv.AWSConfig()
	awsCfg.BaseEndpoint = nil // cfg.Endpoint says where
	awsCfg.RetryMaxAttempts = 1
	cfg.AWSConfig = &awsCfg
	if cfg.UserPoolID == "" {
		cfg.UserPoolID = a.srv.UserPoolID
	}
	c, err := cognito.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	access, err := jwtverify.New(c.VerifierConfig(t.Context(), jwtverify.AccessToken))
	if err != nil {
		t.Fatal(err)
	}
	id, err := jwtverify.New(c.VerifierConfig(t.Context(), jwtverify.IDToken))
	if err != nil {
		t.Fatal(err)
	}
	if want := a.srv.Endpoint + "/" + a.srv.UserPoolID; cfg.Endpoint == a.srv.Endpoint && (access.Issuer() != want || id.Issuer() != want) {
		t.Fatalf("issuers %q, %q; want %q", access.Issuer(), id.Issuer(), want)
	}
	a.client, a.id = c, id
	a.handler = newAPI(c, access, id, a.logger)
}

// response is an answer of the API.
type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

// want checks the status and, if code is not empty, the body's error code
// and that it has a message.
func (r response) want(t *testing.T, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.raw)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if code != "" && (r.body["error"] != code || r.body["message"] == "") {
		t.Errorf("body %s, want error %q with a message", r.raw, code)
	}
}

func (a *testAPI) serve(req *http.Request) response {
	a.t.Helper()
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	r := response{status: rec.Code, header: rec.Header(), raw: rec.Body.Bytes()}
	if err := json.Unmarshal(r.raw, &r.body); err != nil {
		a.t.Fatalf("%s %s: body %q is not a JSON object", req.Method, req.URL.Path, r.raw)
	}
	return r
}

// post sends body as JSON (nil: no body); the values are remembered as
// secrets the log must not show.
func (a *testAPI) post(path string, body map[string]string) response {
	a.t.Helper()
	for k, v := range body {
		if k != "email" && k != "name" && k != "username" {
			a.remember(v)
		}
	}
	raw, _ := json.Marshal(body)
	if body == nil {
		raw = nil
	}
	return a.postRaw(path, "application/json", string(raw))
}

func (a *testAPI) postRaw(path, contentType, body string) response {
	a.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	return a.serve(req)
}

// postAs sends a POST with no body and a bearer token.
func (a *testAPI) postAs(path, token string) response {
	a.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return a.serve(req)
}

// get sends a GET with a bearer token, if any.
func (a *testAPI) get(path, token string) response {
	a.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return a.serve(req)
}

// tokens decodes a token answer and remembers the tokens as secrets.
func (a *testAPI) tokens(r response) *cognito.Tokens {
	a.t.Helper()
	var t cognito.Tokens
	if err := json.Unmarshal(r.raw, &t); err != nil || t.AccessToken == "" || t.IDToken == "" {
		a.t.Fatalf("not tokens: %v", err)
	}
	a.remember(t.AccessToken, t.IDToken, t.RefreshToken)
	return &t
}

// code returns the last code sent to email, remembered as a secret.
func (a *testAPI) code(email string) string {
	code := a.srv.LastCode(email)
	a.remember(code)
	return code
}

func (a *testAPI) register(email string) {
	a.t.Helper()
	a.post("/register", map[string]string{"email": email, "password": password}).want(a.t, http.StatusCreated, "")
}

func (a *testAPI) signUp(email string) {
	a.t.Helper()
	a.register(email)
	a.post("/confirm", map[string]string{"email": email, "code": a.code(email)}).want(a.t, http.StatusOK, "")
}

func (a *testAPI) signIn(email string) *cognito.Tokens {
	a.t.Helper()
	a.signUp(email)
	r := a.post("/login", map[string]string{"email": email, "password": password})
	r.want(a.t, http.StatusOK, "")
	return a.tokens(r)
}

func (a *testAPI) remember(secrets ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, s := range secrets {
		if s != "" && !slices.Contains(a.secrets, s) {
			a.secrets = append(a.secrets, s)
		}
	}
}

// checkLog fails the test if the log shows a secret, or shows nothing.
func (a *testAPI) checkLog() {
	a.mu.Lock()
	defer a.mu.Unlock()
	log := a.log.String()
	if !strings.Contains(log, "msg=request") {
		a.t.Errorf("no request was logged:\n%s", log)
	}
	for _, s := range a.secrets {
		if strings.Contains(log, s) {
			a.t.Errorf("the log shows a secret:\n%s", log)
		}
	}
}

// lockedWriter writes to the test API's log buffer.
type lockedWriter struct{ a *testAPI }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.a.mu.Lock()
	defer w.a.mu.Unlock()
	return w.a.log.Write(p)
}

// wrongCode returns a code that is not code.
func wrongCode(code string) string {
	b := []byte(code)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}

// closedEndpoint returns the URL of a port nothing listens on.
func closedEndpoint(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// clock is the local Cognito's clock, moved by the test.
type clock = cognitotest.Clock
