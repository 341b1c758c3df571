package jwtverify_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/jwtverify"
)

// The pool and app client the forged tokens are for.
const (
	testPoolID   = "eu-west-1_TestPool1"
	testClientID = "1example23456789abcdefghij"
	otherClient  = "9another87654321zyxwvutsrq"
)

// sentinels are every error Verify may return, for errors.Is.
var sentinels = []error{
	jwtverify.ErrMalformed, jwtverify.ErrBadSignature, jwtverify.ErrUnknownKey,
	jwtverify.ErrExpired, jwtverify.ErrNotYetValid, jwtverify.ErrWrongIssuer,
	jwtverify.ErrWrongAudience, jwtverify.ErrWrongTokenUse, jwtverify.ErrMissingGroup,
	jwtverify.ErrMissingScope, jwtverify.ErrJWKSUnavailable,
}

// signer is an RSA key and the kid it is published under.
type signer struct {
	key *rsa.PrivateKey
	kid string
}

var (
	keysOnce sync.Once
	testKeys [3]*rsa.PrivateKey
)

// rsaKey returns one of three 2048-bit keys shared by the tests (generating
// keys is slow).
func rsaKey(t testing.TB, i int) *rsa.PrivateKey {
	t.Helper()
	keysOnce.Do(func() {
		var wg sync.WaitGroup
		for i := range testKeys {
			wg.Go(func() {
				k, err := rsa.GenerateKey(rand.Reader, 2048)
				if err != nil {
					panic(err)
				}
				testKeys[i] = k
			})
		}
		wg.Wait()
	})
	return testKeys[i]
}

// sign signs claims with RS256 under s's kid.
func (s signer) sign(t testing.TB, claims jwt.MapClaims) string {
	t.Helper()
	return signWith(t, jwt.SigningMethodRS256, s.key, map[string]any{"kid": s.kid}, claims)
}

// signWith signs claims with any method and key, header merged over the
// default one.
func signWith(t testing.TB, method jwt.SigningMethod, key any, header map[string]any, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	for k, v := range header {
		tok.Header[k] = v
	}
	raw, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("signing: %v", err)
	}
	return raw
}

// b64 is base64url without padding, of v's JSON (or of v itself if it is
// a string).
func b64(t testing.TB, v any) string {
	t.Helper()
	if s, ok := v.(string); ok {
		return base64.RawURLEncoding.EncodeToString([]byte(s))
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// unsigned builds header.payload.signature by hand.
func unsigned(t testing.TB, header map[string]any, claims jwt.MapClaims, sig string) string {
	return b64(t, header) + "." + b64(t, claims) + "." + sig
}

// jwksServer serves a JSON Web Key Set at <issuer>/.well-known/jwks.json
// and counts the requests; tests swap what it serves.
type jwksServer struct {
	srv     *httptest.Server
	issuer  string
	fetches atomic.Int64

	mu      sync.Mutex
	status  int
	body    []byte
	handler http.HandlerFunc // replaces the default answer if set
}

// newJWKSServer starts a key-set server publishing keys.
func newJWKSServer(t testing.TB, keys ...signer) *jwksServer {
	t.Helper()
	s := &jwksServer{status: http.StatusOK}
	s.publish(t, keys...)
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/"+testPoolID+"/.well-known/jwks.json" {
			http.NotFound(w, r)
			return
		}
		s.fetches.Add(1)
		s.mu.Lock()
		h, status, body := s.handler, s.status, s.body
		s.mu.Unlock()
		if h != nil {
			h(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(body)
	}))
	t.Cleanup(s.srv.Close)
	s.issuer = s.srv.URL + "/" + testPoolID
	return s
}

// publish makes the server serve keys from now on.
func (s *jwksServer) publish(t testing.TB, keys ...signer) {
	t.Helper()
	var set jose.JSONWebKeySet
	for _, k := range keys {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: &k.key.PublicKey, KeyID: k.kid, Algorithm: "RS256", Use: "sig"})
	}
	s.publishSet(t, set)
}

// publishSet serves any key set.
func (s *jwksServer) publishSet(t testing.TB, set jose.JSONWebKeySet) {
	t.Helper()
	body, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	s.answer(http.StatusOK, body)
}

// answer makes the server answer status and body.
func (s *jwksServer) answer(status int, body []byte) {
	s.mu.Lock()
	s.status, s.body, s.handler = status, body, nil
	s.mu.Unlock()
}

// handle makes the server answer with h.
func (s *jwksServer) handle(h http.HandlerFunc) {
	s.mu.Lock()
	s.handler = h
	s.mu.Unlock()
}

// clock is a clock the test moves by hand.
type clock = cognitotest.Clock

func newClock() *clock { return cognitotest.NewClock(time.Now().Truncate(time.Second)) }

// forge is a pool of one's own: a key, its key-set server and a clock, to
// sign any claims a test needs.
type forge struct {
	signer
	other signer // a key the server does not publish
	jwks  *jwksServer
	clock *clock
}

func newForge(t testing.TB) *forge {
	t.Helper()
	f := &forge{
		signer: signer{key: rsaKey(t, 0), kid: "key-1"},
		other:  signer{key: rsaKey(t, 1), kid: "key-2"},
		clock:  newClock(),
	}
	f.jwks = newJWKSServer(t, f.signer)
	return f
}

// config is the Config for the forge's pool: access tokens of testClientID.
func (f *forge) config() jwtverify.Config {
	return jwtverify.Config{
		Issuer:    f.jwks.issuer,
		ClientIDs: []string{testClientID},
		TokenUse:  jwtverify.AccessToken,
		Now:       f.clock.Now,
	}
}

// verifier builds a Verifier from the forge's config, edited by edit.
func (f *forge) verifier(t testing.TB, edit func(*jwtverify.Config)) *jwtverify.Verifier {
	t.Helper()
	cfg := f.config()
	if edit != nil {
		edit(&cfg)
	}
	v, err := jwtverify.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return v
}

var jtiCounter atomic.Int64

// access returns the claims of a Cognito access token for the forge's pool,
// issued now.
func (f *forge) access() jwt.MapClaims {
	now := f.clock.Now()
	n := jtiCounter.Add(1)
	return jwt.MapClaims{
		"sub":            "7d8ca528-4931-4254-9273-ea5ee853f271",
		"cognito:groups": []string{"users", "editors"},
		"iss":            f.jwks.issuer,
		"client_id":      testClientID,
		"origin_jti":     fmt.Sprintf("8a3e7c6e-0000-4000-8000-%012d", n),
		"event_id":       fmt.Sprintf("b4b2a8e1-0000-4000-8000-%012d", n),
		"token_use":      "access",
		"scope":          "aws.cognito.signin.user.admin openid profile",
		"auth_time":      now.Unix(),
		"exp":            now.Add(time.Hour).Unix(),
		"iat":            now.Unix(),
		"jti":            fmt.Sprintf("c0ffee00-0000-4000-8000-%012d", n),
		"username":       "ana",
	}
}

// id returns the claims of a Cognito ID token for the forge's pool.
func (f *forge) id() jwt.MapClaims {
	c := f.access()
	for _, k := range []string{"client_id", "scope", "username"} {
		delete(c, k)
	}
	c["token_use"] = "id"
	c["aud"] = testClientID
	c["email"] = "ana@example.com"
	c["email_verified"] = true
	c["cognito:username"] = "ana"
	return c
}

// with returns a copy of c with changes (a nil value deletes the claim).
func with(c jwt.MapClaims, changes jwt.MapClaims) jwt.MapClaims {
	out := make(jwt.MapClaims, len(c)+len(changes))
	for k, v := range c {
		out[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// checkErr fails the test unless err matches want and says nothing of raw.
func checkErr(t testing.TB, err, want error, raw string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want %v", err, want)
	}
	checkNoLeak(t, err, raw)
}

// checkNoLeak fails the test if err's text contains the token or one of
// its long segments.
func checkNoLeak(t testing.TB, err error, raw string) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	if len(raw) >= 16 && strings.Contains(msg, raw) {
		t.Fatalf("the error contains the token: %q", msg)
	}
	for seg := range strings.SplitSeq(raw, ".") {
		if len(seg) >= 24 && strings.Contains(msg, seg) {
			t.Fatalf("the error contains a segment of the token: %q", msg)
		}
	}
}
