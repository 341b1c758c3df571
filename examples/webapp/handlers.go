package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/cognitokit/cognito/examples/internal/serve"
	"github.com/cognitokit/cognito/jwtverify"
)

// The cookies: each holds only the random ID of a server-side record.
const (
	loginCookie   = "webapp_login"   // the sign-in in progress, for /callback only
	sessionCookie = "webapp_session" // the signed-in user
)

// loginTTL is how long a sign-in may take, from /login to /callback.
const loginTTL = 10 * time.Minute

// maxRecords bounds the sign-ins in progress, and the sessions, the app
// keeps in memory.
const maxRecords = 10_000

//go:embed pages.html
var pagesFS embed.FS

// pages are the app's HTML pages; html/template escapes every value.
var pages = template.Must(template.ParseFS(pagesFS, "pages.html"))

// pendingLogin is a sign-in between /login and /callback: what the
// callback checks and sends back.
type pendingLogin struct {
	state    string // returned by the managed login: the callback is this sign-in's
	nonce    string // carried by the ID token: the token is this sign-in's
	verifier string // PKCE: only this app can exchange the code
}

// profile is a session's user, from their verified ID token.
type profile struct {
	Subject, Email, Username, Name string
}

// app is the web app: an http.Handler, and what its handlers share.
type app struct {
	http.Handler
	oauth      *oauth2.Config
	logoutURL  string
	ids        *jwtverify.Verifier
	logins     *records[pendingLogin]
	sessions   *records[profile]
	secure     bool         // the app is served over https: cookies too
	httpClient *http.Client // reaches the token endpoint
	now        func() time.Time
	logger     *slog.Logger
}

// newApp returns the app's handler. oauth is the app client's
// authorization-code configuration (cognito.Client.OAuth2Config, with the
// app's /callback as its redirect URL), logoutURL where signing out sends
// the browser (cognito.Client.LogoutURL, coming back to /signed-out), and
// ids a verifier of the app client's ID tokens.
func newApp(oauth *oauth2.Config, logoutURL string, ids *jwtverify.Verifier, logger *slog.Logger) *app {
	a := &app{
		oauth:      oauth,
		logoutURL:  logoutURL,
		ids:        ids,
		logins:     newRecords[pendingLogin](maxRecords, time.Now),
		sessions:   newRecords[profile](maxRecords, time.Now),
		secure:     strings.HasPrefix(oauth.RedirectURL, "https:"),
		httpClient: &http.Client{Timeout: 10 * time.Second},
		now:        time.Now,
		logger:     logger,
	}
	a.Handler = a.routes()
	return a
}

func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.home)
	mux.HandleFunc("GET /login", a.login)
	mux.HandleFunc("GET /callback", a.callback)
	mux.HandleFunc("GET /profile", a.profile)
	mux.HandleFunc("POST /logout", a.logout)
	mux.HandleFunc("GET /signed-out", func(w http.ResponseWriter, _ *http.Request) {
		a.render(w, http.StatusOK, "signed-out", nil)
	})
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	return serve.LogRequests(a.logger, securityHeaders(mux))
}

// home offers to sign in, or says who is signed in.
func (a *app) home(w http.ResponseWriter, r *http.Request) {
	var who *profile
	if p, ok := a.session(r); ok {
		who = &p
	}
	a.render(w, http.StatusOK, "home", who)
}

// login starts a sign-in: it keeps a new state, nonce and PKCE verifier
// server-side, behind a cookie for /callback, and sends the browser to the
// managed login.
func (a *app) login(w http.ResponseWriter, r *http.Request) {
	p := pendingLogin{state: rand.Text(), nonce: rand.Text(), verifier: oauth2.GenerateVerifier()}
	expires := a.now().Add(loginTTL)
	id, err := a.logins.put(p, expires)
	if err != nil {
		a.logger.Warn("sign-in refused", "reason", err)
		a.renderError(w, http.StatusServiceUnavailable, "Too many sign-ins are in progress; try again in a few minutes.")
		return
	}
	a.setCookie(w, loginCookie, id, "/callback", expires)
	http.Redirect(w, r, a.oauth.AuthCodeURL(p.state,
		oauth2.S256ChallengeOption(p.verifier),
		oauth2.SetAuthURLParam("nonce", p.nonce)), http.StatusFound)
}

// callback ends a sign-in: the state must be the one of the sign-in this
// browser started (used once), the code is exchanged with its PKCE
// verifier, and the ID token must verify and carry its nonce. Then a
// session starts, until the ID token expires.
func (a *app) callback(w http.ResponseWriter, r *http.Request) {
	a.clearCookie(w, loginCookie, "/callback")
	var p pendingLogin
	var started bool
	if c, err := r.Cookie(loginCookie); err == nil {
		p, started = a.logins.take(c.Value)
	}
	q := r.URL.Query()
	if !started || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(p.state)) != 1 {
		a.logger.Info("sign-in refused", "reason", "no sign-in of this browser in progress with that state")
		a.renderError(w, http.StatusBadRequest, "This sign-in was not started here, or it has expired. Please start again.")
		return
	}
	if e := q.Get("error"); e != "" || q.Get("code") == "" {
		a.logger.Info("sign-in refused by Cognito", "error", truncate(e))
		a.renderError(w, http.StatusBadRequest, "Cognito did not sign you in. Please start again.")
		return
	}
	ctx := context.WithValue(r.Context(), oauth2.HTTPClient, a.httpClient)
	tok, err := a.oauth.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(p.verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			a.logger.Info("code exchange refused", "status", re.Response.StatusCode, "error", re.ErrorCode)
			a.renderError(w, http.StatusBadGateway, "Cognito refused the sign-in. Please start again.")
			return
		}
		a.logger.Error("code exchange failed", "err", err) // x/oauth2 names the token endpoint, never the code
		a.renderError(w, http.StatusServiceUnavailable, "Cognito cannot be reached. Please try again later.")
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	claims, err := a.ids.VerifyIDToken(ctx, raw, p.nonce)
	if err != nil {
		a.logger.Warn("ID token refused", "reason", err) // jwtverify's errors never quote the token
		a.renderError(w, http.StatusUnauthorized, "The sign-in could not be verified. Please start again.")
		return
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		a.sessions.remove(c.Value) // a new session, never the old one's ID
	}
	id, err := a.sessions.put(profile{
		Subject: claims.Subject, Email: claims.Email, Username: claims.Username(), Name: claims.Name,
	}, claims.ExpiresAt)
	if err != nil {
		a.logger.Warn("session refused", "reason", err)
		a.renderError(w, http.StatusServiceUnavailable, "Too many sessions; try again in a few minutes.")
		return
	}
	a.setCookie(w, sessionCookie, id, "/", claims.ExpiresAt)
	a.logger.Info("signed in", "sub", claims.Subject)
	http.Redirect(w, r, "/profile", http.StatusSeeOther)
}

// profile shows the signed-in user, from their verified ID token.
func (a *app) profile(w http.ResponseWriter, r *http.Request) {
	p, ok := a.session(r)
	if !ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	a.render(w, http.StatusOK, "profile", p)
}

// logout ends the app's session and sends the browser to the managed
// login's /logout, which ends its own and comes back to /signed-out. It
// is a POST: SameSite=Lax keeps other sites from signing the user out.
func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		a.sessions.remove(c.Value)
	}
	a.clearCookie(w, sessionCookie, "/")
	http.Redirect(w, r, a.logoutURL, http.StatusSeeOther)
}

// session returns the user of the request's session.
func (a *app) session(r *http.Request) (profile, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return profile{}, false
	}
	return a.sessions.get(c.Value)
}

// setCookie sets the cookie name to value, for path, until expires: out of
// scripts' reach, sent on top-level navigations from other sites (the
// managed login's redirect back) but not on their other requests.
func (a *app) setCookie(w http.ResponseWriter, name, value, path string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: path, Expires: expires,
		HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode,
	})
}

// clearCookie deletes the cookie name of path.
func (a *app) clearCookie(w http.ResponseWriter, name, path string) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Path: path, MaxAge: -1,
		HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode,
	})
}

// render writes the page name with data, or a bare 500 if it fails.
func (a *app) render(w http.ResponseWriter, status int, name string, data any) {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		a.logger.Error("rendering a page", "page", name, "err", err)
		http.Error(w, "Internal server error.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// renderError writes the error page with message.
func (a *app) renderError(w http.ResponseWriter, status int, message string) {
	a.render(w, status, "error", message)
}

// truncate bounds a value from the request before it is logged.
func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// securityHeaders keeps the pages out of caches, frames and other sites'
// referrers (the callback's URL holds the code), and lets them load
// nothing but their own inline style.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}
