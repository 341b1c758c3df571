package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
)

// TestSignInFlow is a user's visit: home, sign-in through the managed
// login, profile, sign-out, with an app client without and with a secret.
func TestSignInFlow(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts []cognitotest.Option
	}{{"public client", nil}, {"client with a secret", []cognitotest.Option{cognitotest.WithClientSecret()}}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := newTestApp(t, tc.opts...)
			b := browser(t, nil)
			app, _ := url.Parse(a.url)
			cognitoHost := strings.TrimPrefix(a.srv.Endpoint, "http://")

			resp, body := get(t, b, a.url+"/")
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `href="/login"`) || strings.Contains(body, "Signed in") {
				t.Fatalf("home: %s\n%s", resp.Status, body)
			}
			for h, want := range map[string]string{
				"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
				"Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff",
			} {
				if got := resp.Header.Get(h); got != want {
					t.Errorf("%s: %q, want %q", h, got, want)
				}
			}
			if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") {
				t.Errorf("Content-Security-Policy: %q", resp.Header.Get("Content-Security-Policy"))
			}

			// /login: the managed login page, after a cookie for /callback.
			page, err := b.Get(a.url + "/login")
			if err != nil {
				t.Fatal(err)
			}
			if page.StatusCode != http.StatusOK || page.Request.URL.Host != cognitoHost || page.Request.URL.Path != "/login" {
				t.Fatalf("/login led to %s %s", page.Status, page.Request.URL.Redacted())
			}
			start := through(page, app.Host, "/login")
			if c := cookie(start, loginCookie); c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/callback" || c.Secure {
				t.Errorf("the sign-in cookie: %+v", c)
			}
			auth, _ := start.Location()
			q := auth.Query()
			for k, want := range map[string]string{
				"response_type": "code", "client_id": a.srv.ClientID, "redirect_uri": a.url + "/callback",
				"scope": "openid email profile", "code_challenge_method": "S256",
			} {
				if q.Get(k) != want {
					t.Errorf("the authorization request's %s: %q, want %q", k, q.Get(k), want)
				}
			}
			if q.Get("state") == "" || q.Get("nonce") == "" || q.Get("code_challenge") == "" {
				t.Errorf("the authorization request lacks state, nonce or code_challenge: %v", q)
			}

			resp, body = submit(t, b, page, map[string]string{"username": demoEmail, "password": demoPassword})
			if resp.StatusCode != http.StatusOK || resp.Request.URL.Host != app.Host || resp.Request.URL.Path != "/profile" {
				t.Fatalf("signing in led to %s %s\n%s", resp.Status, resp.Request.URL.Redacted(), body)
			}
			for _, want := range []string{`<dd id="email">` + demoEmail + `</dd>`, `<dd id="name">` + demoName + `</dd>`, `id="signout"`} {
				if !strings.Contains(body, want) {
					t.Errorf("the profile lacks %q:\n%s", want, body)
				}
			}
			callback := through(resp, app.Host, "/callback")
			code := callback.Request.URL.Query().Get("code")
			session := cookie(callback, sessionCookie)
			if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/" || session.Expires.IsZero() {
				t.Errorf("the session cookie: %+v", session)
			}
			if c := cookie(callback, loginCookie); c == nil || c.MaxAge >= 0 {
				t.Errorf("the callback did not clear the sign-in cookie: %+v", c)
			}
			if _, body := get(t, b, a.url+"/"); !strings.Contains(body, "Signed in as "+demoEmail) {
				t.Errorf("home, signed in:\n%s", body)
			}

			// Sign out: the session ends, and the managed login's too.
			profile, err := b.Get(a.url + "/profile")
			if err != nil {
				t.Fatal(err)
			}
			resp, body = submit(t, b, profile, nil)
			if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/signed-out" || !strings.Contains(body, "You are signed out") {
				t.Fatalf("signing out led to %s %s\n%s", resp.Status, resp.Request.URL.Redacted(), body)
			}
			if through(resp, cognitoHost, "/logout") == nil {
				t.Error("signing out did not go through the managed login's /logout")
			}
			resp, _ = get(t, b, a.url+"/profile")
			if resp.Request.URL.Path != "/" {
				t.Errorf("the profile after sign-out: %s", resp.Request.URL.Path)
			}
			resp, _ = get(t, b, a.url+"/login")
			if resp.Request.URL.Host != cognitoHost || resp.Request.URL.Path != "/login" {
				t.Errorf("after sign-out, signing in again skipped the login page: %s", resp.Request.URL.Redacted())
			}
			a.checkLog(demoPassword, code, session.Value, a.srv.ClientSecret)
		})
	}
}

// The profile needs a session: without one, or with an unknown one, it
// sends the browser home.
func TestProfileWithoutSession(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	for _, c := range []*http.Cookie{nil, {Name: sessionCookie, Value: "made-up"}} {
		req, _ := http.NewRequest(http.MethodGet, a.url+"/profile", nil)
		if c != nil {
			req.AddCookie(c)
		}
		resp, err := browser(t, func(*url.URL) bool { return true }).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Errorf("profile with cookie %v: %s to %q", c, resp.Status, resp.Header.Get("Location"))
		}
	}
	// Signing out without a session goes to the managed login's sign-out
	// all the same.
	resp, err := browser(t, func(*url.URL) bool { return true }).Post(a.url+"/logout", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != a.logoutURL {
		t.Errorf("logout without a session: %s to %q", resp.Status, resp.Header.Get("Location"))
	}
}

// The callback refuses a sign-in that is not the browser's own, used
// twice, refused by Cognito, or whose ID token is not the sign-in's.
func TestCallbackRefuses(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	app, _ := url.Parse(a.url)
	atCallback := func(u *url.URL) bool { return u.Host == app.Host && u.Path == "/callback" }
	// callbackURL signs in with b up to the redirect to the callback, and
	// returns the callback's URL.
	callbackURL := func(b *http.Client) *url.URL {
		t.Helper()
		resp, _ := signIn(t, b, a.url, demoEmail, demoPassword)
		loc, err := resp.Location()
		if resp.StatusCode != http.StatusFound || err != nil || !atCallback(loc) {
			t.Fatalf("signing in did not redirect to the callback: %s %v", resp.Status, err)
		}
		return loc
	}
	refused := func(name string, b *http.Client, u string, status int) {
		t.Helper()
		resp, body := get(t, b, u)
		if resp.StatusCode != status || !strings.Contains(body, "Sign-in failed") || cookie(resp, sessionCookie) != nil {
			t.Errorf("%s: %s, want %d\n%s", name, resp.Status, status, body)
		}
	}
	with := func(u *url.URL, k, v string) string {
		c := *u
		q := c.Query()
		q.Set(k, v)
		c.RawQuery = q.Encode()
		return c.String()
	}

	b := browser(t, atCallback)
	cb := callbackURL(b)
	refused("another browser (no sign-in cookie)", browser(t, nil), cb.String(), http.StatusBadRequest)
	refused("a wrong state", b, with(cb, "state", "not-the-state"), http.StatusBadRequest)
	refused("the right state after a wrong one (a sign-in is tried once)", b, cb.String(), http.StatusBadRequest)

	b = browser(t, atCallback)
	cb = callbackURL(b)
	refused("Cognito's error", b, with(cb, "error", "access_denied"), http.StatusBadRequest)

	b = browser(t, atCallback)
	cb = callbackURL(b)
	refused("a made-up code", b, with(cb, "code", "made-up"), http.StatusBadGateway)

	// An ID token with another sign-in's nonce.
	b = browser(t, atCallback)
	cb = callbackURL(b)
	login := b.Jar.Cookies(cb)[0]
	a.logins.mu.Lock()
	e := a.logins.entries[login.Value]
	e.value.nonce = "another-sign-in"
	a.logins.entries[login.Value] = e
	a.logins.mu.Unlock()
	refused("another sign-in's nonce", b, cb.String(), http.StatusUnauthorized)

	// A good callback, then the same again.
	b = browser(t, atCallback)
	cb = callbackURL(b)
	resp, _ := get(t, b, cb.String())
	if r := through(resp, app.Host, "/callback"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/profile" || cookie(r, sessionCookie) == nil {
		t.Fatalf("the callback: %s to %q", r.Status, r.Header.Get("Location"))
	}
	refused("a callback replayed", b, cb.String(), http.StatusBadRequest)

	// A wrong password: the login page again, no redirect to the app.
	resp, _ = signIn(t, browser(t, atCallback), a.url, demoEmail, "Wr0ng-password!")
	if resp.StatusCode == http.StatusFound {
		t.Errorf("a wrong password redirected to %q", resp.Header.Get("Location"))
	}
	a.checkLog(demoPassword, cb.Query().Get("code"))
}

// The profile escapes what the user set: a name with markup is shown as
// text.
func TestProfileEscapes(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	_, err := a.srv.Client().AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{
		UserPoolId: aws.String(a.srv.UserPoolID), Username: aws.String(demoEmail),
		UserAttributes: []types.AttributeType{{Name: aws.String("name"), Value: aws.String(`<script>alert("x")</script>`)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, body := signIn(t, browser(t, nil), a.url, demoEmail, demoPassword)
	if strings.Contains(body, "<script>") || !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
		t.Errorf("the name is not escaped:\n%s", body)
	}
}
