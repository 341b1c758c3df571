package main

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/examples/internal/exampletest"
	"github.com/cognitokit/cognito/internal/htmlform"
)

// testApp is the app served on a loopback port, for a local Cognito's pool
// with the demo user.
type testApp struct {
	*app
	t     *testing.T
	srv   *cognitotest.Server
	url   string
	logMu sync.Mutex
	log   bytes.Buffer
}

// newTestApp starts a local Cognito (opts configure it), the demo user in
// its pool, and the app, configuring the app client for it as
// --configure-client does.
func newTestApp(t *testing.T, opts ...cognitotest.Option) *testApp {
	t.Helper()
	srv := cognitotest.NewServer(t, append([]cognitotest.Option{cognitotest.WithEmailAsUsername()}, opts...)...)
	local := &localCognito{srv}
	ctx := t.Context()
	if err := local.addDemoUser(ctx); err != nil {
		t.Fatal(err)
	}
	cfg := local.config()
	client, err := cognito.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })

	hs := httptest.NewUnstartedServer(nil) // on 127.0.0.1
	ta := &testApp{t: t, srv: srv, url: "http://" + hs.Listener.Addr().String()}
	logger := slog.New(slog.NewTextHandler(lockedWriter{ta}, nil))
	if ta.app, err = newAppFor(ctx, client, cfg, ta.url, true, logger); err != nil {
		t.Fatal(err)
	}
	hs.Config.Handler = ta.app
	hs.Start()
	t.Cleanup(hs.Close)
	return ta
}

// lockedWriter writes to the test app's log.
type lockedWriter struct{ a *testApp }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.a.logMu.Lock()
	defer w.a.logMu.Unlock()
	return w.a.log.Write(p)
}

// checkLog fails the test if the app's log shows any of secrets.
func (a *testApp) checkLog(secrets ...string) {
	a.t.Helper()
	a.logMu.Lock()
	defer a.logMu.Unlock()
	exampletest.NoSecrets(a.t, a.log.String(), secrets...)
}

// browser is an HTTP client with a cookie jar, as a browser is. It follows
// redirects unless stop says to return one unfollowed.
func browser(t *testing.T, stop func(*url.URL) bool) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if stop != nil && stop(req.URL) {
			return http.ErrUseLastResponse
		}
		if len(via) >= 10 {
			return errors.New("too many redirects")
		}
		return nil
	}}
}

// get fetches u with b, reads the page and closes it.
func get(t *testing.T, b *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := b.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	return resp, readBody(t, resp)
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// submit fills the form of page with fields and sends it with b, then
// reads the answer.
func submit(t *testing.T, b *http.Client, page *http.Response, fields map[string]string) (*http.Response, string) {
	t.Helper()
	resp, err := htmlform.SubmitPage(t.Context(), b, page, fields)
	if err != nil {
		t.Fatal(err)
	}
	return resp, readBody(t, resp)
}

// signIn starts a sign-in at the app at base with b and signs in on the
// managed login page as email with password; it returns the last answer
// (b follows redirects: the profile page, unless b stops earlier).
func signIn(t *testing.T, b *http.Client, base, email, password string) (*http.Response, string) {
	t.Helper()
	page, err := b.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	return submit(t, b, page, map[string]string{"username": email, "password": password})
}

// through returns the response of the redirect chain that led to resp
// whose request was for path on host, or nil.
func through(resp *http.Response, host, path string) *http.Response {
	for r := resp; r != nil; r = r.Request.Response {
		if r.Request.URL.Host == host && r.Request.URL.Path == path {
			return r
		}
	}
	return nil
}

// cookie returns the cookie name resp sets, or nil.
func cookie(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}
