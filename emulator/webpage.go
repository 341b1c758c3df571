package emulator

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"
)

// What the server's HTML pages share — the managed login (login.go) and
// the dashboard (dashboard.go): their headers, the CSRF token every form
// carries, and how a page runs an action of the API.

// The CSRF double-submit token: a random value in an HttpOnly,
// SameSite=Strict cookie, repeated in a hidden field of every form; a
// form posted from another site has neither.
const (
	csrfCookie = "XSRF-TOKEN"
	csrfField  = "_csrf"
	// maxPageForm bounds a posted form's body.
	maxPageForm = 64 << 10
)

// setPageHeaders sets the headers of an HTML page: no caching, no
// sniffing, no framing, no script, no resource from anywhere; referrer is
// its Referrer-Policy.
func setPageHeaders(h http.Header, referrer string) {
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", referrer)
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
}

// readPageForm reads a POST's form and checks its CSRF token against the
// cookie.
func readPageForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxPageForm)
	if err := r.ParseForm(); err != nil {
		return badPage("The form could not be read.")
	}
	cookie, err := r.Cookie(csrfCookie)
	given := r.PostForm.Get(csrfField)
	if err != nil || cookie.Value == "" || given == "" || subtle.ConstantTimeCompare([]byte(cookie.Value), []byte(given)) != 1 {
		return &pageError{status: http.StatusForbidden, message: "The form has expired or did not come from this page: go back, reload the page and try again."}
	}
	return nil
}

// csrfToken is the page's CSRF token: the browser's XSRF-TOKEN cookie,
// or a new one, set here.
func csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 64 && strings.IndexFunc(c.Value, notUnreserved) < 0 {
		return c.Value
	}
	token, _ := newRefreshToken()
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	return token
}

// callAction runs a decoded action's input: validated (Cognito's
// constraints and wording), its caller resolved for acc (nothing to
// resolve for byIAM, whose checks are on the HTTP envelope), then the
// action. The API's adapter (handle) runs every action through it, and the
// pages theirs.
func callAction[In, Out any](s *Server, ctx context.Context, acc access, c *caller, fn func(*Server, context.Context, *caller, *In) (*Out, error), in *In) (*Out, error) {
	if err := validateInput(in); err != nil {
		return nil, err
	}
	if err := s.resolveCaller(ctx, acc, c, in); err != nil {
		return nil, err
	}
	return fn(s, ctx, c, in)
}
