package emulator

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// The access token of a server reachable beyond loopback. Anyone who can
// reach the server may use the user API, as on AWS (the app client, the
// user's password and tokens are its credentials), but the server's own
// pages — everything under /_local/: the outbox, which holds every code
// and temporary password, and the dashboard — and the administrator's
// actions, which AWS authorizes with IAM, then need the token:
//
//   - /_local/...: the header Authorization: Bearer <token>, for scripts
//     (curl -H "Authorization: Bearer $COGNITO_LOCAL_TOKEN"); or, for a
//     browser, the query parameter ?token=<token> once: the answer sets an
//     HttpOnly, SameSite=Lax cookie for /_local and redirects to the same
//     URL without the parameter, so the token leaves the address bar and
//     the dashboard's own links work.
//   - the administrator's actions (POST / signed with SigV4): the token is
//     the secret access key they must be signed with, under any access key
//     ID (AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=<token>), so every
//     AWS SDK and tool works unchanged. With WithIAMCredentials those
//     credentials rule instead.
//
// The token is compared in constant time and never logged.
//
// A server without a token (on loopback) guards the same parts against
// DNS rebinding — a hostile site whose name is made to resolve to
// 127.0.0.1, whose pages are then same-origin with the server: they are
// served only to a Host that is a loopback name or address, or the host
// of the server's public URL (WithBaseURL).

// WithAccessToken requires token for /_local/... (the outbox, the
// dashboard) and as the SigV4 secret access key of the administrator's
// actions, as described above; the user API stays open. `cognito local`
// sets it when it listens beyond loopback. An empty token turns the check
// off (the default).
func WithAccessToken(token string) Option { return func(s *Server) { s.accessToken = token } }

const (
	// localPrefix is the path of the server's own pages.
	localPrefix = "/_local"
	// accessCookie holds the access token of a browser that gave it once.
	accessCookie = "cognito_local_token"
	// accessQuery is the query parameter a browser gives the token in.
	accessQuery = "token"
)

var errAccessToken = &apiError{Status: http.StatusUnauthorized, Type: excNotAuthorized,
	Message: "This local Cognito needs its access token (printed at start) for " + localPrefix + "/: send Authorization: Bearer <token>, or open the URL with ?" + accessQuery + "=<token>."}

// checkAccess reports whether r may be served; when it may not, or when it
// carried the token as a query parameter of a browser's GET, it has
// answered (a 401, or a redirect that sets the cookie).
func (s *Server) checkAccess(w http.ResponseWriter, r *http.Request) bool {
	// The cleaned path, as the mux routes it (it redirects any other
	// spelling to this one).
	clean := path.Clean("/" + r.URL.Path)
	local := clean == localPrefix || strings.HasPrefix(clean, localPrefix+"/")
	if s.accessToken == "" {
		signed := strings.HasPrefix(r.Header.Get("Authorization"), sigV4Algorithm)
		if (local || signed) && s.foreignHost(r) {
			writeError(w, &apiError{Status: http.StatusForbidden, Type: excNotAuthorized,
				Message: "This local Cognito serves " + localPrefix + "/ and the administrator's actions only to a loopback Host or its public URL (--public-url); " + truncate(r.Host, 64) + " is neither."})
			return false
		}
		// A page of any site may call the API (CORS lets any origin by
		// default), and when no signature is verified a well-formed one
		// runs an administrator's action: so, unless signatures are
		// verified (--iam) or CORS names the origins it lets in, a signed
		// call from a browser page must come from a loopback origin or
		// the public URL's.
		if signed && s.iam == nil && s.corsOrigins == nil && s.foreignOrigin(r) {
			writeError(w, &apiError{Status: http.StatusForbidden, Type: excNotAuthorized,
				Message: "This local Cognito runs the administrator's actions for browser pages of a loopback origin or its public URL only (or those of --cors-origins); " + truncate(r.Header.Get("Origin"), 64) + " is neither."})
			return false
		}
		return true
	}
	if !local {
		return true
	}
	if scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " "); strings.EqualFold(scheme, "Bearer") && s.isAccessToken(strings.TrimSpace(token)) {
		return true
	}
	if c, err := r.Cookie(accessCookie); err == nil && s.isAccessToken(c.Value) {
		return true
	}
	q := r.URL.Query()
	if !s.isAccessToken(q.Get(accessQuery)) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="local Cognito"`)
		writeError(w, errAccessToken)
		return false
	}
	http.SetCookie(w, &http.Cookie{Name: accessCookie, Value: s.accessToken, Path: localPrefix, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return true
	}
	// The redirect is built from the cleaned path, which starts with
	// /_local: never another host's URL.
	if strings.HasSuffix(r.URL.Path, "/") && clean != "/" {
		clean += "/"
	}
	q.Del(accessQuery)
	target := &url.URL{Path: clean, RawQuery: q.Encode()}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target.RequestURI(), http.StatusSeeOther)
	return false
}

// foreignHost reports whether r's Host is neither a loopback name or
// address nor the host of the server's public URL: a request a page of a
// rebound DNS name could make.
func (s *Server) foreignHost(r *http.Request) bool {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return s.foreignHostname(strings.Trim(host, "[]"))
}

// foreignOrigin reports whether r comes from a browser page (it has an
// Origin) whose host is neither loopback nor the public URL's.
func (s *Server) foreignOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	return err != nil || s.foreignHostname(u.Hostname()) // "null" has no host
}

// foreignHostname reports whether host is neither a loopback name or
// address nor the host of the server's public URL.
func (s *Server) foreignHostname(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return false
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return false
	}
	if s.baseURL != "" {
		if u, err := url.Parse(s.baseURL); err == nil && strings.EqualFold(u.Hostname(), host) {
			return false
		}
	}
	return true
}

// isAccessToken reports, in constant time, whether token is the server's.
func (s *Server) isAccessToken(token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.accessToken)) == 1
}
