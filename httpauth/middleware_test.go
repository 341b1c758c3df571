package httpauth_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/httpauth"
	"github.com/cognitokit/cognito/jwtverify"
)

const password = "Sup3r-secret!"

// TestRequire runs real and forged tokens through the middleware: what
// reaches the handler, and what is answered instead.
func TestRequire(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	tokens := signIn(t, srv, "ana@example.com")
	access := localVerifier(t, srv, jwtverify.AccessToken, nil)
	other := signIn(t, cognitotest.NewServer(t), "ana@example.com") // the same user in another pool

	f := newForge(t)
	forged := f.verifier(t, nil)
	forgedAdminsOnly := f.verifier(t, func(c *jwtverify.Config) { c.Groups = []string{"admin"} })
	inGroups := func(groups ...string) string { return f.sign(t, jwt.MapClaims{"cognito:groups": groups}) }
	withScope := func(scope string) string { return f.sign(t, jwt.MapClaims{"scope": scope}) }

	down := newForge(t)
	down.jwks.Close() // the key set cannot be fetched
	unavailable := down.verifier(t, nil)

	const (
		noToken = `Bearer realm="api"`
		badReq  = `Bearer realm="api", error="invalid_request", error_description="The Authorization header must be Bearer followed by exactly one token."`
	)
	invalid := func(desc string) string {
		return `Bearer realm="api", error="invalid_token", error_description="` + desc + `"`
	}
	insufficient := func(desc string) string {
		return `Bearer realm="api", error="insufficient_scope", error_description="` + desc + `"`
	}
	notInGroup := insufficient("The user is not in a group this resource requires.")
	lacksScope := insufficient("The token lacks a scope this resource requires.")

	for _, tc := range []struct {
		name      string
		v         *jwtverify.Verifier
		opts      []httpauth.Option
		auth      []string // Authorization header values
		status    int
		challenge string // WWW-Authenticate
		code      string // the body's error
	}{
		{"valid access token", access, nil, []string{"Bearer " + tokens.AccessToken}, 200, "", ""},
		{"scheme in lower case", access, nil, []string{"bearer " + tokens.AccessToken}, 200, "", ""},
		{"scheme in upper case, spaces around", access, nil, []string{"  BEARER   " + tokens.AccessToken + " "}, 200, "", ""},
		{"no header", access, nil, nil, 401, noToken, "missing_token"},
		{"empty header", access, nil, []string{""}, 401, noToken, "missing_token"},
		{"Basic", access, nil, []string{"Basic YW5hOlN1cDNyLXNlY3JldCE="}, 401, noToken, "missing_token"},
		{"token without a scheme", access, nil, []string{tokens.AccessToken}, 401, noToken, "missing_token"},
		{"Bearer without a token", access, nil, []string{"Bearer"}, 400, badReq, "invalid_request"},
		{"Bearer and spaces", access, nil, []string{"Bearer    "}, 400, badReq, "invalid_request"},
		{"two tokens", access, nil, []string{"Bearer " + tokens.AccessToken + " " + tokens.AccessToken}, 400, badReq, "invalid_request"},
		{"two headers", access, nil, []string{"Bearer " + tokens.AccessToken, "Bearer " + tokens.AccessToken}, 400, badReq, "invalid_request"},
		{"garbage", access, nil, []string{"Bearer garbage"}, 401, invalid("The token is malformed."), "invalid_token"},
		{"the refresh token", access, nil, []string{"Bearer " + tokens.RefreshToken}, 401, invalid("The token is malformed."), "invalid_token"},
		{"ID token where access is required", access, nil, []string{"Bearer " + tokens.IDToken}, 401, invalid("The token is of the wrong type (access or ID)."), "invalid_token"},
		{"token of another pool", access, nil, []string{"Bearer " + other.AccessToken}, 401, invalid("The token was issued by another user pool."), "invalid_token"},
		{"tampered token", access, nil, []string{"Bearer " + tamper(t, tokens.AccessToken)}, 401, invalid("The token signature is invalid."), "invalid_token"},
		{"real scope required", access, []httpauth.Option{httpauth.RequireScopes("aws.cognito.signin.user.admin")}, []string{"Bearer " + tokens.AccessToken}, 200, "", ""},
		{"scope missing", access, []httpauth.Option{httpauth.RequireScopes("orders/read")}, []string{"Bearer " + tokens.AccessToken}, 403, lacksScope, "insufficient_scope"},
		{"no group for a real user", access, []httpauth.Option{httpauth.RequireGroups("admin")}, []string{"Bearer " + tokens.AccessToken}, 403, notInGroup, "insufficient_scope"},
		{"group required and held", forged, []httpauth.Option{httpauth.RequireGroups("admin")}, []string{"Bearer " + inGroups("users", "admin")}, 200, "", ""},
		{"one of the groups", forged, []httpauth.Option{httpauth.RequireGroups("admin", "owners")}, []string{"Bearer " + inGroups("owners")}, 200, "", ""},
		{"group missing", forged, []httpauth.Option{httpauth.RequireGroups("admin")}, []string{"Bearer " + inGroups("users")}, 403, notInGroup, "insufficient_scope"},
		{"no groups at all", forged, []httpauth.Option{httpauth.RequireGroups("admin")}, []string{"Bearer " + inGroups()}, 403, notInGroup, "insufficient_scope"},
		{"group name is case-sensitive", forged, []httpauth.Option{httpauth.RequireGroups("admin")}, []string{"Bearer " + inGroups("Admin")}, 403, notInGroup, "insufficient_scope"},
		{"two group requirements, one held", forged, []httpauth.Option{httpauth.RequireGroups("a"), httpauth.RequireGroups("b")}, []string{"Bearer " + inGroups("a")}, 403, notInGroup, "insufficient_scope"},
		{"two group requirements, both held", forged, []httpauth.Option{httpauth.RequireGroups("a"), httpauth.RequireGroups("b")}, []string{"Bearer " + inGroups("b", "a")}, 200, "", ""},
		{"the verifier's group missing", forgedAdminsOnly, nil, []string{"Bearer " + inGroups("users")}, 403, notInGroup, "insufficient_scope"},
		{"the verifier's group held", forgedAdminsOnly, nil, []string{"Bearer " + inGroups("admin")}, 200, "", ""},
		{"all the scopes", forged, []httpauth.Option{httpauth.RequireScopes("orders/read", "orders/write")}, []string{"Bearer " + withScope("openid orders/write orders/read")}, 200, "", ""},
		{"one scope of two", forged, []httpauth.Option{httpauth.RequireScopes("orders/read", "orders/write")}, []string{"Bearer " + withScope("openid orders/read")}, 403, lacksScope, "insufficient_scope"},
		{"scope and group", forged, []httpauth.Option{httpauth.RequireScopes("orders/read"), httpauth.RequireGroups("admin")}, []string{"Bearer " + f.sign(t, jwt.MapClaims{"scope": "orders/read", "cognito:groups": []string{"admin"}})}, 200, "", ""},
		{"another key, unknown kid", forged, nil, []string{"Bearer " + f.signer(1, "other-key").sign(t, nil)}, 401, invalid("The token is signed with an unknown key."), "invalid_token"},
		{"another key under the known kid", forged, nil, []string{"Bearer " + f.signer(1, f.kid).sign(t, nil)}, 401, invalid("The token signature is invalid."), "invalid_token"},
		{"forged for another client", forged, nil, []string{"Bearer " + f.sign(t, jwt.MapClaims{"client_id": "someoneelse"})}, 401, invalid("The token was issued to another app client."), "invalid_token"},
		{"not valid yet", forged, nil, []string{"Bearer " + f.sign(t, jwt.MapClaims{"nbf": time.Now().Add(time.Hour).Unix()})}, 401, invalid("The token is not valid yet."), "invalid_token"},
		{"keys unavailable", unavailable, nil, []string{"Bearer " + down.sign(t, nil)}, 503, "", "temporarily_unavailable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec, claims := serve(httpauth.Require(tc.v, tc.opts...), tc.auth...)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d; body %s", rec.Code, tc.status, rec.Body)
			}
			if got := rec.Header().Get("WWW-Authenticate"); got != tc.challenge {
				t.Errorf("WWW-Authenticate:\n got %s\nwant %s", got, tc.challenge)
			}
			if tc.status == 200 {
				if claims == nil || claims.Subject == "" || rec.Body.String() != "ok" {
					t.Fatalf("handler saw claims %+v and wrote %q", claims, rec.Body)
				}
				if tc.v == access && (claims.Username() != "ana@example.com" || claims.TokenUse != jwtverify.AccessToken || claims.ClientID != srv.ClientID) {
					t.Errorf("claims: username %q, token_use %q, client %q", claims.Username(), claims.TokenUse, claims.ClientID)
				}
				return
			}
			if claims != nil {
				t.Fatal("the protected handler ran")
			}
			checkBody(t, rec, tc.code)
			for _, a := range tc.auth {
				for _, part := range strings.Split(strings.TrimPrefix(strings.TrimSpace(a), "Bearer "), ".") {
					if len(part) > 8 && (strings.Contains(rec.Header().Get("WWW-Authenticate"), part) || strings.Contains(rec.Body.String(), part)) {
						t.Errorf("the answer quotes the token")
					}
				}
			}
		})
	}
}

// TestRequireExpiry: a token is let through until it expires, then
// refused, with both the local Cognito's clock and the verifier's moved.
func TestRequireExpiry(t *testing.T) {
	t.Parallel()
	clk := cognitotest.NewClock(time.Now())
	srv := cognitotest.NewServer(t, cognitotest.WithClock(clk.Now))
	tokens := signIn(t, srv, "bo@example.com")
	mw := httpauth.Require(localVerifier(t, srv, jwtverify.AccessToken, clk.Now))
	for _, step := range []struct {
		advance time.Duration
		status  int
	}{{0, 200}, {59 * time.Minute, 200}, {time.Minute, 401}} {
		clk.Advance(step.advance)
		rec, _ := serve(mw, "Bearer "+tokens.AccessToken)
		if rec.Code != step.status {
			t.Fatalf("after %v: status %d, want %d", step.advance, rec.Code, step.status)
		}
	}
	rec, _ := serve(mw, "Bearer "+tokens.AccessToken)
	want := `Bearer realm="api", error="invalid_token", error_description="The token has expired."`
	if got := rec.Header().Get("WWW-Authenticate"); got != want {
		t.Errorf("WWW-Authenticate = %s, want %s", got, want)
	}
	checkBody(t, rec, "invalid_token")
}

// TestHeaderInjection: whatever the Authorization header holds, the answer's
// headers are the fixed ones.
func TestHeaderInjection(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	mw := httpauth.Require(f.verifier(t, nil), httpauth.WithRealm("orders"))
	for _, auth := range []string{
		"Bearer abc\r\nX-Injected: 1",
		"Bearer abc\nX-Injected: 1",
		`Bearer a"b\c`,
		`Bearer ", error="none`,
		"Bearer \x00\x7f\xff",
		"Bearer " + strings.Repeat("A", 64*1024),
		"Bearer eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJcIlxyXG5YLUluamVjdGVkOiAxIn0.c2ln",
		"Bearer " + f.sign(t, jwt.MapClaims{"iss": "\"\r\nX-Injected: 1"}),
		"Bearer " + f.sign(t, jwt.MapClaims{"token_use": "id\r\nX-Injected: 1"}),
	} {
		rec, claims := serve(mw, auth)
		if claims != nil || (rec.Code != 400 && rec.Code != 401) {
			t.Fatalf("%q: status %d", auth, rec.Code)
		}
		for name, values := range rec.Header() {
			if !slices.Contains([]string{"Www-Authenticate", "Content-Type", "Cache-Control"}, name) {
				t.Errorf("%q: unexpected header %s", auth, name)
			}
			for _, v := range values {
				if strings.ContainsAny(v, "\r\n\x00") || strings.Contains(v, "Injected") || strings.Contains(v, "abc") {
					t.Errorf("%q: header %s: %q", auth, name, v)
				}
			}
		}
		challenge := rec.Header().Get("WWW-Authenticate")
		if !strings.HasPrefix(challenge, `Bearer realm="orders", error="`) || strings.Count(challenge, `"`) != 6 {
			t.Errorf("%q: WWW-Authenticate = %s", auth, challenge)
		}
	}
}

// TestErrorHandler: a custom handler writes the body, gets the status and
// the error to branch on, and finds WWW-Authenticate already set.
func TestErrorHandler(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	var (
		gotStatus int
		gotErr    error
	)
	mw := httpauth.Require(f.verifier(t, nil), httpauth.RequireGroups("admin"),
		httpauth.WithErrorHandler(func(w http.ResponseWriter, r *http.Request, status int, err error) {
			gotStatus, gotErr = status, err
			w.WriteHeader(status)
			w.Write([]byte(httpauth.Message(err)))
		}))
	for _, tc := range []struct {
		auth   string
		status int
		want   error
	}{
		{"", 401, httpauth.ErrNoToken},
		{"Bearer a b", 400, httpauth.ErrInvalidRequest},
		{"Bearer " + f.sign(t, jwt.MapClaims{"exp": time.Now().Add(-time.Minute).Unix()}), 401, jwtverify.ErrExpired},
		{"Bearer " + f.sign(t, nil), 403, jwtverify.ErrMissingGroup},
	} {
		rec, _ := serve(mw, tc.auth)
		if rec.Code != tc.status || gotStatus != tc.status || !errors.Is(gotErr, tc.want) {
			t.Errorf("%.20q: status %d (handler got %d), err %v; want %d, %v", tc.auth, rec.Code, gotStatus, gotErr, tc.status, tc.want)
		}
		if rec.Body.String() != httpauth.Message(tc.want) || rec.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("%.20q: body %q, WWW-Authenticate %q", tc.auth, rec.Body, rec.Header().Get("WWW-Authenticate"))
		}
	}
}

// TestMessages: every phrase fits in a quoted header value.
func TestMessages(t *testing.T) {
	t.Parallel()
	for _, err := range []error{
		httpauth.ErrNoToken, httpauth.ErrInvalidRequest, errors.New("other"),
		jwtverify.ErrMalformed, jwtverify.ErrBadSignature, jwtverify.ErrUnknownKey, jwtverify.ErrExpired,
		jwtverify.ErrNotYetValid, jwtverify.ErrWrongIssuer, jwtverify.ErrWrongAudience, jwtverify.ErrWrongTokenUse,
		jwtverify.ErrMissingGroup, jwtverify.ErrMissingScope, jwtverify.ErrJWKSUnavailable,
	} {
		m := httpauth.Message(err)
		if m == "" || strings.ContainsAny(m, "\"\\\r\n") || !strings.HasSuffix(m, ".") {
			t.Errorf("Message(%v) = %q", err, m)
		}
	}
}

func TestBearerToken(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		auth []string
		want string
		err  error
	}{
		{nil, "", httpauth.ErrNoToken},
		{[]string{"Bearer abc"}, "abc", nil},
		{[]string{"bEaReR\tabc"}, "abc", nil},
		{[]string{"Bearer abc "}, "abc", nil},
		{[]string{"Basic abc"}, "", httpauth.ErrNoToken},
		{[]string{"Bearerabc"}, "", httpauth.ErrNoToken},
		{[]string{"Bearer"}, "", httpauth.ErrInvalidRequest},
		{[]string{"Bearer a b"}, "", httpauth.ErrInvalidRequest},
		{[]string{"Bearer a", "Bearer a"}, "", httpauth.ErrInvalidRequest},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		for _, a := range tc.auth {
			r.Header.Add("Authorization", a)
		}
		got, err := httpauth.BearerToken(r)
		if got != tc.want || !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
			t.Errorf("BearerToken(%q) = %q, %v; want %q, %v", tc.auth, got, err, tc.want, tc.err)
		}
	}
}

// TestRouters: the middleware is plain func(http.Handler) http.Handler, so
// it wraps a mux, a handler chain, or one route, behind a real server.
func TestRouters(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	mw := httpauth.Require(f.verifier(t, nil))
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := httpauth.ClaimsFrom(r.Context())
		w.Write([]byte("hello " + c.Username()))
	})
	mux := http.NewServeMux()
	mux.Handle("GET /hello", hello)
	perRoute := http.NewServeMux()
	perRoute.Handle("GET /hello", mw(hello))
	perRoute.HandleFunc("GET /public", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("public")) })
	token := f.sign(t, nil)
	for _, tc := range []struct {
		name    string
		h       http.Handler
		path    string
		auth    string
		status  int
		body    string
		noToken bool
	}{
		{"whole mux", mw(mux), "/hello", token, 200, "hello ana", false},
		{"whole mux, no token", mw(mux), "/hello", "", 401, "", true},
		{"one route", perRoute, "/hello", token, 200, "hello ana", false},
		{"one route, no token", perRoute, "/hello", "", 401, "", true},
		{"public route", perRoute, "/public", "", 200, "public", false},
	} {
		srv := httptest.NewServer(tc.h)
		req, _ := http.NewRequest(http.MethodGet, srv.URL+tc.path, nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", "Bearer "+tc.auth)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		body := string(raw)
		resp.Body.Close()
		srv.Close()
		if resp.StatusCode != tc.status || (tc.body != "" && body != tc.body) {
			t.Errorf("%s: %d %q", tc.name, resp.StatusCode, body)
		}
		if tc.noToken && resp.Header.Get("WWW-Authenticate") != `Bearer realm="api"` {
			t.Errorf("%s: WWW-Authenticate %q", tc.name, resp.Header.Get("WWW-Authenticate"))
		}
	}
}

func TestClaimsFromEmptyContext(t *testing.T) {
	t.Parallel()
	if c, ok := httpauth.ClaimsFrom(context.Background()); ok || c != nil {
		t.Errorf("ClaimsFrom(background) = %v, %v", c, ok)
	}
}

// TestMisuse: mistakes in setting the middleware up panic at once.
func TestMisuse(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	v := f.verifier(t, nil)
	for name, fn := range map[string]func(){
		"nil verifier":       func() { httpauth.Require(nil) },
		"no groups":          func() { httpauth.Require(v, httpauth.RequireGroups()) },
		"empty group":        func() { httpauth.RequireGroups("admin", "") },
		"no scopes":          func() { httpauth.RequireScopes() },
		"empty scope":        func() { httpauth.RequireScopes("") },
		"empty realm":        func() { httpauth.WithRealm("") },
		"realm with a quote": func() { httpauth.WithRealm(`a"b`) },
		"realm with a CRLF":  func() { httpauth.WithRealm("a\r\nb") },
		"realm non-ASCII":    func() { httpauth.WithRealm("café") },
		"nil error handler":  func() { httpauth.WithErrorHandler(nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			fn()
		}()
	}
}

// serve sends a GET with the given Authorization headers through mw to a
// handler that records the claims it finds and writes "ok".
func serve(mw func(http.Handler) http.Handler, auth ...string) (*httptest.ResponseRecorder, *jwtverify.Claims) {
	var claims *jwtverify.Claims
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := httpauth.ClaimsFrom(r.Context())
		if !ok {
			panic("no claims in the context")
		}
		claims = c
		w.Write([]byte("ok"))
	}))
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, a := range auth {
		r.Header.Add("Authorization", a)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec, claims
}

// checkBody checks the default JSON body of a refused request.
func checkBody(t *testing.T, rec *httptest.ResponseRecorder, code string) {
	t.Helper()
	var body struct{ Error, Message string }
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %q: %v", rec.Body, err)
	}
	if body.Error != code || body.Message == "" {
		t.Errorf("body = %+v, want error %q", body, code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
}

// signIn registers, confirms and signs in email on srv with the library.
func signIn(t *testing.T, srv *cognitotest.Server, email string) *cognito.Tokens {
	t.Helper()
	ctx := context.Background()
	awsCfg := srv.AWSConfig()
	c, err := cognito.New(ctx, cognito.Config{UserPoolID: srv.UserPoolID, ClientID: srv.ClientID, AWSConfig: &awsCfg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := c.Register(ctx, email, password, map[string]string{"name": "Ana"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Confirm(ctx, email, srv.LastCode(email)); err != nil {
		t.Fatal(err)
	}
	tokens, err := c.Authenticate(ctx, email, password)
	if err != nil {
		t.Fatal(err)
	}
	return tokens
}

// localVerifier verifies srv's tokens of tokenUse; now is its clock (nil:
// time.Now).
func localVerifier(t *testing.T, srv *cognitotest.Server, tokenUse string, now func() time.Time) *jwtverify.Verifier {
	t.Helper()
	v, err := jwtverify.New(jwtverify.Config{
		Issuer: srv.Endpoint + "/" + srv.UserPoolID, ClientIDs: []string{srv.ClientID}, TokenUse: tokenUse, Now: now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// tamper changes a token's payload, keeping its signature.
func tamper(t *testing.T, raw string) string {
	t.Helper()
	parts := strings.Split(raw, ".")
	var claims map[string]any
	if err := json.Unmarshal(decodeSegment(t, parts[1]), &claims); err != nil {
		t.Fatal(err)
	}
	claims["username"] = "admin"
	payload, _ := json.Marshal(claims)
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + parts[2]
}

func decodeSegment(t *testing.T, seg string) []byte {
	t.Helper()
	b, err := jwt.NewParser().DecodeSegment(seg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The forge signs tokens with its own key, published by its own JWKS
// server, so a test can give a token any groups and scopes (the local
// Cognito issues only its own scope).
const (
	forgedPool   = "eu-west-1_Forged1"
	forgedClient = "forgedclient123"
)

type forge struct {
	key    *rsa.PrivateKey
	kid    string
	jwks   *httptest.Server
	issuer string
}

var (
	keyOnce sync.Once
	keys    [2]*rsa.PrivateKey
)

// newForge starts a JWKS server publishing the first of two keys shared by
// the tests (generating keys is slow).
func newForge(t *testing.T) *forge {
	t.Helper()
	keyOnce.Do(func() {
		for i := range keys {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			keys[i] = k
		}
	})
	f := &forge{key: keys[0], kid: "forged-key"}
	set, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &f.key.PublicKey, KeyID: f.kid, Algorithm: "RS256", Use: "sig"}}})
	if err != nil {
		t.Fatal(err)
	}
	f.jwks = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/"+forgedPool+"/.well-known/jwks.json" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(set)
	}))
	t.Cleanup(f.jwks.Close)
	f.issuer = f.jwks.URL + "/" + forgedPool
	return f
}

// sign signs a Cognito-like access token for "ana", with changes merged
// over its claims (a nil value removes a claim).
func (f *forge) sign(t *testing.T, changes jwt.MapClaims) string {
	t.Helper()
	now := time.Now()
	claims := jwt.MapClaims{
		"sub": "4f1c7a3e-0000-4000-8000-000000000001", "iss": f.issuer, "client_id": forgedClient,
		"token_use": "access", "scope": "aws.cognito.signin.user.admin", "username": "ana",
		"auth_time": now.Unix(), "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "jti": "jti-1",
	}
	for k, v := range changes {
		if v == nil {
			delete(claims, k)
		} else {
			claims[k] = v
		}
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = f.kid
	raw, err := tok.SignedString(f.key)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// signer returns a forge that signs with shared key i under kid, which
// its JWKS server does not publish unless they are the forge's own.
func (f *forge) signer(i int, kid string) *forge {
	g := *f
	g.key, g.kid = keys[i], kid
	return &g
}

// verifier accepts the forge's access tokens; edit changes its Config.
func (f *forge) verifier(t *testing.T, edit func(*jwtverify.Config)) *jwtverify.Verifier {
	t.Helper()
	cfg := jwtverify.Config{
		Issuer: f.issuer, JWKSURL: f.issuer + "/.well-known/jwks.json",
		ClientIDs: []string{forgedClient}, TokenUse: jwtverify.AccessToken,
	}
	if edit != nil {
		edit(&cfg)
	}
	v, err := jwtverify.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
