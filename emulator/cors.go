package emulator

import (
	"net/http"
	"regexp"
	"strings"
)

// CORS: a browser app on another origin (a React or Vite dev server, with
// the AWS SDK for JavaScript, amazon-cognito-identity-js or Amplify) calls
// the API, the JWKS, the discovery document and the OAuth 2.0 endpoints
// with fetch, so those answer CORS preflights and carry
// Access-Control-Allow-Origin. The browser's own pages (the authorization
// endpoint, the managed login, /confirmUser) are navigations and need no
// CORS; the outbox and anything else under /_local/ get none, so that a
// page of another origin cannot read the codes.
//
// By default any origin is allowed, with Access-Control-Allow-Origin: *,
// as AWS does (its token endpoint documents "Access-Control-Allow-Origin:
// *"): it is a local server, and none of these endpoints reads a cookie, so
// nothing is gained by echoing the origin and Access-Control-Allow-
// Credentials is never sent. WithCORSOrigins restricts the headers to the
// origins listed: the request's Origin is echoed (with Vary: Origin) when
// it is one of them; any other origin gets no CORS header, and its
// preflight a 403. CORS is not access control: requests are served
// whatever their origin; a refused origin's page just cannot read the
// answer.

// WithCORSOrigins restricts CORS to the listed origins
// (scheme://host[:port], as browsers send them in Origin, e.g.
// http://localhost:5173; compared case-insensitively, a trailing slash
// ignored). None, or "*" among them, allows any origin, the default.
func WithCORSOrigins(origins ...string) Option {
	return func(s *Server) {
		s.corsOrigins = nil
		for _, o := range origins {
			o = normalizeOrigin(o)
			if o == "*" {
				s.corsOrigins = nil
				return
			}
			if o != "" {
				s.corsOrigins = append(s.corsOrigins, o)
			}
		}
	}
}

func normalizeOrigin(o string) string {
	return strings.ToLower(strings.TrimRight(strings.TrimSpace(o), "/"))
}

const (
	// corsDefaultAllowHeaders answers a preflight that names no request
	// header (or only invalid ones): what the AWS SDKs (JavaScript v3,
	// Go), amazon-cognito-identity-js and Amplify send — the protocol's
	// Content-Type and X-Amz-Target, the SDKs' user agent and retry
	// headers, SigV4's headers for the administrator's calls,
	// amazon-cognito-identity-js's Cache-Control, and Authorization (the
	// userInfo endpoint's bearer token, the token endpoint's Basic
	// credentials, SigV4).
	corsDefaultAllowHeaders = "Authorization, Content-Type, X-Amz-Target, X-Amz-User-Agent, X-Amz-Date, " +
		"X-Amz-Security-Token, X-Amz-Content-Sha256, Amz-Sdk-Invocation-Id, Amz-Sdk-Request, Cache-Control"
	// corsExposeHeaders are the response headers the SDKs read: the
	// request ID (x-amzn-RequestId, or x-amz-request-id) for their
	// metadata, the error type and message of a failure without a body,
	// and Date, for the clock-skew correction of signed calls.
	corsExposeHeaders = "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, x-amz-request-id, Date"
	// corsMaxAge lets a browser cache a preflight for a day.
	corsMaxAge = "86400"
	// maxEchoedHeaders bounds the request headers a preflight's answer
	// echoes.
	maxEchoedHeaders = 64
)

// headerName is an RFC 9110 field name (a token) of at most 128
// characters.
var headerName = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+.^_\x60|~-]{1,128}$")

// corsMethods are the methods of a path that answers CORS, or "" for a
// path that does not.
func corsMethods(path string) string {
	switch path {
	case "/", tokenEndpointPath, revocationPath:
		return tokenEndpointAllowMethods
	case userInfoPath:
		return userInfoAllowMethods
	}
	// /<poolId>/.well-known/jwks.json and .../openid-configuration.
	rest, ok := strings.CutPrefix(path, "/")
	if !ok {
		return ""
	}
	_, doc, ok := strings.Cut(rest, "/")
	if ok && (doc == ".well-known/jwks.json" || doc == ".well-known/openid-configuration") {
		return "GET, OPTIONS"
	}
	return ""
}

// serveCORS adds the CORS headers to the answer of a path that has them
// and answers any OPTIONS request to it (a preflight) itself, in which case
// it reports true and the request is done.
func (s *Server) serveCORS(w http.ResponseWriter, r *http.Request) bool {
	methods := corsMethods(r.URL.Path)
	if methods == "" {
		return false
	}
	h := w.Header()
	allowed := true
	if s.corsOrigins == nil {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		h.Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		allowed = origin != "" && s.corsAllows(origin)
		if allowed {
			h.Set("Access-Control-Allow-Origin", origin)
		}
	}
	if allowed {
		h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
	}
	if r.Method != http.MethodOptions {
		return false
	}
	h.Set("Allow", methods)
	if !allowed {
		writeRaw(w, "text/plain; charset=utf-8", http.StatusForbidden, []byte("This origin is not among the local Cognito's CORS origins.\n"))
		return true
	}
	h.Add("Vary", "Access-Control-Request-Headers")
	h.Set("Access-Control-Allow-Methods", methods)
	h.Set("Access-Control-Allow-Headers", corsAllowHeaders(r.Header.Values("Access-Control-Request-Headers")))
	h.Set("Access-Control-Max-Age", corsMaxAge)
	w.WriteHeader(http.StatusNoContent)
	return true
}

// corsAllows reports whether origin is one of the allowed ones.
func (s *Server) corsAllows(origin string) bool {
	origin = normalizeOrigin(origin)
	for _, o := range s.corsOrigins {
		if o == origin {
			return true
		}
	}
	return false
}

// corsAllowHeaders is a preflight's Access-Control-Allow-Headers: the
// headers the browser asked for (Access-Control-Request-Headers), echoed.
//
// Echoing rather than a fixed list is deliberate: the server authorizes
// nothing by a request header's presence (it checks Authorization and the
// body itself), so allowing what the browser asks loses nothing, while a
// fixed list breaks a browser app, with only "Network error" to show for
// it, as soon as a new SDK version sends one more header (the JavaScript
// SDK v3 added amz-sdk-request and amz-sdk-invocation-id; Amplify and
// amazon-cognito-identity-js send x-amz-user-agent and cache-control).
// The wildcard "*" is no substitute: the Fetch standard never lets it
// cover Authorization. Only well-formed header names (of at most 128 characters) are echoed, at most
// maxEchoedHeaders; a preflight that names none gets
// corsDefaultAllowHeaders.
func corsAllowHeaders(requested []string) string {
	var names []string
	for _, v := range requested {
		for name := range strings.SplitSeq(v, ",") {
			name = strings.TrimSpace(name)
			if headerName.MatchString(name) && len(names) < maxEchoedHeaders {
				names = append(names, name)
			}
		}
	}
	if len(names) == 0 {
		return corsDefaultAllowHeaders
	}
	return strings.Join(names, ", ")
}
