package httpauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/cognitokit/cognito/jwtverify"
)

// Why a request carries no usable bearer token, for errors.Is. The other
// failures are jwtverify's errors (jwtverify.ErrExpired, ...); a group or
// scope a route requires matches jwtverify.ErrMissingGroup or
// jwtverify.ErrMissingScope, like the verifier's own.
var (
	// ErrNoToken: no Authorization header, or one with another scheme
	// (Basic, ...).
	ErrNoToken = errors.New("httpauth: no bearer token")
	// ErrInvalidRequest: the Authorization header is malformed: "Bearer"
	// without a token, more than one token, or more than one header.
	ErrInvalidRequest = errors.New("httpauth: malformed Authorization header")
)

// DefaultRealm is the realm named in WWW-Authenticate unless WithRealm
// says otherwise.
const DefaultRealm = "api"

// ErrorHandler writes the answer to a refused request: status is 400, 401,
// 403 or 503, and err says why (errors.Is with ErrNoToken,
// ErrInvalidRequest or jwtverify's errors). When it runs, the
// WWW-Authenticate header is already set (except for 503); the handler
// writes the status and the body. err is for logs and decisions: its text
// may quote parts of the token's claims, so do not echo it to clients —
// Message(err) is the phrase for them.
type ErrorHandler func(w http.ResponseWriter, r *http.Request, status int, err error)

// Option configures Require.
type Option func(*config)

type config struct {
	realm   string
	groups  [][]string // each: the user must be in at least one of them
	scopes  []string   // the token must grant all of them
	onError ErrorHandler
}

// RequireGroups requires the user to be in at least one of groups
// (cognito:groups), on top of the verifier's own Config.Groups. Each
// RequireGroups option is a requirement of its own: RequireGroups("a",
// "b") with RequireGroups("c") means (a or b) and c. It panics without a
// group, or with an empty one: an empty list would protect nothing.
func RequireGroups(groups ...string) Option {
	if len(groups) == 0 || slices.Contains(groups, "") {
		panic("httpauth: RequireGroups needs one or more non-empty groups")
	}
	groups = slices.Clone(groups)
	return func(c *config) { c.groups = append(c.groups, groups) }
}

// RequireScopes requires the access token to grant every one of scopes,
// on top of the verifier's own Config.Scopes. (ID tokens carry no
// scopes.) It panics without a scope, or with an empty one.
func RequireScopes(scopes ...string) Option {
	if len(scopes) == 0 || slices.Contains(scopes, "") {
		panic("httpauth: RequireScopes needs one or more non-empty scopes")
	}
	scopes = slices.Clone(scopes)
	return func(c *config) { c.scopes = append(c.scopes, scopes...) }
}

// WithRealm sets the realm named in WWW-Authenticate (default
// DefaultRealm). It panics if realm is empty or has a character that
// cannot appear in a quoted header value (a double quote, a backslash, a
// control character or a non-ASCII one).
func WithRealm(realm string) Option {
	if realm == "" || !safeForHeader(realm) {
		panic("httpauth: WithRealm needs a non-empty realm of printable ASCII without quotes or backslashes")
	}
	return func(c *config) { c.realm = realm }
}

// WithErrorHandler replaces the default body of refused requests
// (WriteError's JSON) with h's.
func WithErrorHandler(h ErrorHandler) Option {
	if h == nil {
		panic("httpauth: WithErrorHandler needs a handler")
	}
	return func(c *config) { c.onError = h }
}

// Require returns middleware that lets a request through only with a bearer
// token v accepts and, if the options say so, the groups and scopes the
// route requires. The handler it wraps finds the token's claims with
// ClaimsFrom. It panics if v is nil.
func Require(v *jwtverify.Verifier, opts ...Option) func(http.Handler) http.Handler {
	if v == nil {
		panic("httpauth: Require needs a Verifier")
	}
	cfg := config{realm: DefaultRealm, onError: WriteError}
	for _, opt := range opts {
		opt(&cfg)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			claims, err := cfg.authorize(r, v)
			if err != nil {
				cfg.refuse(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), claimsKey{}, claims)))
		})
	}
}

// claimsKey is the context key of the verified claims.
type claimsKey struct{}

// ClaimsFrom returns the claims Require put in a request's context, and
// whether there are any.
func ClaimsFrom(ctx context.Context) (*jwtverify.Claims, bool) {
	c, ok := ctx.Value(claimsKey{}).(*jwtverify.Claims)
	return c, ok && c != nil
}

// BearerToken returns the token of r's "Authorization: Bearer <token>"
// header (the scheme in any case), for handlers that pass it on to Cognito
// (SignOut, GetUser). It fails with ErrNoToken when there is no such
// header or it names another scheme, and with ErrInvalidRequest when the
// header is malformed.
func BearerToken(r *http.Request) (string, error) {
	values := r.Header.Values("Authorization")
	if len(values) == 0 {
		return "", ErrNoToken
	}
	if len(values) > 1 {
		return "", fmt.Errorf("%w: more than one Authorization header", ErrInvalidRequest)
	}
	fields := strings.Fields(values[0])
	if len(fields) == 0 || !strings.EqualFold(fields[0], "Bearer") {
		return "", ErrNoToken
	}
	if len(fields) != 2 {
		return "", fmt.Errorf("%w: Bearer needs exactly one token", ErrInvalidRequest)
	}
	return fields[1], nil
}

// authorize returns the claims of r's token if it passes every check.
func (c *config) authorize(r *http.Request, v *jwtverify.Verifier) (*jwtverify.Claims, error) {
	raw, err := BearerToken(r)
	if err != nil {
		return nil, err
	}
	claims, err := v.Verify(r.Context(), raw)
	if err != nil {
		return nil, err
	}
	for _, oneOf := range c.groups {
		if !slices.ContainsFunc(oneOf, claims.InGroup) {
			return nil, fmt.Errorf("%w: the route requires one of %v", jwtverify.ErrMissingGroup, oneOf)
		}
	}
	for _, s := range c.scopes {
		if !claims.HasScope(s) {
			return nil, fmt.Errorf("%w: the route requires %q", jwtverify.ErrMissingScope, s)
		}
	}
	return claims, nil
}

// refuse answers a request that failed authorize.
func (c *config) refuse(w http.ResponseWriter, r *http.Request, err error) {
	f := classify(err)
	if f.status != http.StatusServiceUnavailable {
		challenge := `Bearer realm="` + c.realm + `"`
		if f.code != "" {
			challenge += `, error="` + f.code + `", error_description="` + f.message + `"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
	}
	c.onError(w, r, f.status, err)
}

// WriteError is the default ErrorHandler: it writes status and the JSON
// body {"error": code, "message": Message(err)}, where code is the RFC 6750
// error code (invalid_request, invalid_token, insufficient_scope), or
// missing_token, or temporarily_unavailable for a 503. A custom handler
// may log and then call it.
func WriteError(w http.ResponseWriter, _ *http.Request, status int, err error) {
	f := classify(err)
	code := f.code
	switch {
	case errors.Is(err, ErrNoToken):
		code = "missing_token"
	case status == http.StatusServiceUnavailable:
		code = "temporarily_unavailable"
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}{code, f.message})
}

// Message returns the phrase for people about err, a failure Require
// reports: a fixed text per kind of failure ("The token has expired."),
// never anything from the request.
func Message(err error) string { return classify(err).message }

// failure is how a refused request is answered.
type failure struct {
	status  int
	code    string // RFC 6750 error code; "" when the request had no token
	message string // also the error_description: no quote, no backslash
}

// failures maps each error to its answer, most specific first; anything
// else is an invalid token.
var failures = []struct {
	err error
	failure
}{
	{ErrNoToken, failure{http.StatusUnauthorized, "", "Authentication required: send a token in an Authorization: Bearer header."}},
	{ErrInvalidRequest, failure{http.StatusBadRequest, "invalid_request", "The Authorization header must be Bearer followed by exactly one token."}},
	{jwtverify.ErrMissingGroup, failure{http.StatusForbidden, "insufficient_scope", "The user is not in a group this resource requires."}},
	{jwtverify.ErrMissingScope, failure{http.StatusForbidden, "insufficient_scope", "The token lacks a scope this resource requires."}},
	{jwtverify.ErrJWKSUnavailable, failure{http.StatusServiceUnavailable, "", "The token cannot be checked right now; try again later."}},
	{jwtverify.ErrExpired, invalidToken("The token has expired.")},
	{jwtverify.ErrNotYetValid, invalidToken("The token is not valid yet.")},
	{jwtverify.ErrMalformed, invalidToken("The token is malformed.")},
	{jwtverify.ErrBadSignature, invalidToken("The token signature is invalid.")},
	{jwtverify.ErrUnknownKey, invalidToken("The token is signed with an unknown key.")},
	{jwtverify.ErrWrongIssuer, invalidToken("The token was issued by another user pool.")},
	{jwtverify.ErrWrongAudience, invalidToken("The token was issued to another app client.")},
	{jwtverify.ErrWrongTokenUse, invalidToken("The token is of the wrong type (access or ID).")},
}

func invalidToken(message string) failure {
	return failure{http.StatusUnauthorized, "invalid_token", message}
}

// classify returns the answer to err.
func classify(err error) failure {
	for _, f := range failures {
		if errors.Is(err, f.err) {
			return f.failure
		}
	}
	return invalidToken("The token is not valid.")
}

// safeForHeader reports whether s can go between double quotes in a header
// (RFC 6750's error_description charset: printable ASCII but " and \).
func safeForHeader(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
