package emulator_test

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
)

// TestManagedLoginNewPassword: a user with a temporary password chooses a
// new one on the login page, then lands at the app.
func TestManagedLoginNewPassword(t *testing.T) {
	srv := cognitotest.NewServer(t)
	app := webApp(t, srv, true, types.OAuthFlowTypeCode)
	if _, err := sdk(srv).AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{
		UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("bob"),
		TemporaryPassword: aws.String("Temp-Pass-123"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: attrs("email", emailFor("bob")),
	}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, app)
	p := b.submit(b.get(authorizeURL(app, nil)), map[string]string{"username": "bob", "password": "Temp-Pass-123"})
	if p.status != http.StatusOK || !strings.Contains(p.body, `id="password_confirm"`) {
		t.Fatalf("after a temporary password: %d %s", p.status, p.body)
	}
	again := b.submit(p, map[string]string{"password": "New-Pass-456", "password_confirm": "Other-Pass-456"})
	if again.status != http.StatusBadRequest || !strings.Contains(again.pageError(), "not the same") {
		t.Fatalf("mismatched passwords: %d %q", again.status, again.pageError())
	}
	weak := b.submit(again, map[string]string{"password": "short", "password_confirm": "short"})
	if weak.status != http.StatusBadRequest || weak.pageError() == "" || !strings.Contains(weak.body, `id="password_confirm"`) {
		t.Fatalf("weak password: %d %q", weak.status, weak.pageError())
	}
	b.submit(weak, map[string]string{"password": "New-Pass-456", "password_confirm": "New-Pass-456"}).redirect(t, appCallback)
	if _, err := trySignIn(t, srv, "bob", "New-Pass-456"); err != nil {
		t.Errorf("the new password does not sign in: %v", err)
	}
}

// TestManagedLoginMFA: a user with a software token answers its code on
// the login page; a wrong code is refused and may be tried again.
func TestManagedLoginMFA(t *testing.T) {
	clk := newClock()
	srv := mfaServer(t, cognitotest.NewServer(t, cognitotest.WithClock(clk.Now)), totpConfig(types.UserPoolMfaTypeOptional), false)
	signUpConfirmed(t, srv, "ana", password)
	secret := setUpTOTP(t, srv, clk, signIn(t, srv, "ana", password).AccessToken)
	clk.Advance(30 * time.Second)

	app := webApp(t, srv, false, types.OAuthFlowTypeCode)
	b := newBrowser(t, app)
	p := b.submit(b.get(authorizeURL(app, nil)), map[string]string{"username": "ana", "password": password})
	if p.status != http.StatusOK || !strings.Contains(p.body, "authenticator app") {
		t.Fatalf("after the password: %d %s", p.status, p.body)
	}
	wrong := b.submit(p, map[string]string{"code": wrongCode(totpCode(t, secret, clk.Now()))})
	if wrong.status != http.StatusBadRequest || wrong.pageError() == "" {
		t.Fatalf("wrong code: %d %q", wrong.status, wrong.pageError())
	}
	b.submit(wrong, map[string]string{"code": totpCode(t, secret, clk.Now())}).redirect(t, appCallback)
}

// TestManagedLoginSignUpAndReset: the sign-up, confirmation and password
// reset pages, each ending at the sign-in form that leads to the app.
func TestManagedLoginSignUpAndReset(t *testing.T) {
	srv := cognitotest.NewServer(t)
	app := webApp(t, srv, true, types.OAuthFlowTypeCode)
	b := newBrowser(t, app)
	login := b.get(authorizeURL(app, nil))
	if !strings.Contains(login.body, `id="signup-link"`) || !strings.Contains(login.body, `id="forgot-link"`) {
		t.Fatalf("the login page has no sign-up and forgot-password links:\n%s", login.body)
	}

	signup := b.get(srv.Endpoint + link(t, login, "signup-link"))
	confirm := b.submit(signup, map[string]string{"username": "carla", "attr:email": emailFor("carla"), "password": password})
	if confirm.status != http.StatusOK || !strings.Contains(confirm.body, `id="code"`) || !strings.Contains(confirm.body, "c***@e***") {
		t.Fatalf("after sign-up: %d %q\n%s", confirm.status, confirm.pageError(), confirm.body)
	}
	wrong := b.submit(confirm, map[string]string{"code": wrongCode(app.LastCode("carla"))})
	if wrong.status != http.StatusBadRequest || wrong.pageError() == "" {
		t.Fatalf("wrong confirmation code: %d %q", wrong.status, wrong.pageError())
	}
	signin := b.submit(wrong, map[string]string{"code": app.LastCode("carla")})
	if !strings.Contains(signin.body, "confirmed") || !strings.Contains(signin.body, `id="signin"`) {
		t.Fatalf("after confirmation:\n%s", signin.body)
	}
	b.submit(signin, map[string]string{"username": "carla", "password": password}).redirect(t, appCallback)

	b = newBrowser(t, app) // no managed-login session
	forgot := b.get(srv.Endpoint + link(t, b.get(authorizeURL(app, nil)), "forgot-link"))
	reset := b.submit(forgot, map[string]string{"username": "carla"})
	if reset.status != http.StatusOK || !strings.Contains(reset.body, `id="password_confirm"`) {
		t.Fatalf("after forgot password: %d %q", reset.status, reset.pageError())
	}
	const newPassword = "Another-Pass-789"
	signin = b.submit(reset, map[string]string{"code": app.LastCode("carla"), "password": newPassword, "password_confirm": newPassword})
	if !strings.Contains(signin.body, "password is changed") {
		t.Fatalf("after the reset: %d %q", signin.status, signin.pageError())
	}
	bad := b.submit(signin, map[string]string{"username": "carla", "password": password})
	if bad.status != http.StatusBadRequest || bad.pageError() != "Incorrect username or password." {
		t.Errorf("old password: %d %q", bad.status, bad.pageError())
	}
	b.submit(bad, map[string]string{"username": "carla", "password": newPassword}).redirect(t, appCallback)
}

// link is the URL of the link with the given id on p.
func link(t testing.TB, p *page, id string) string {
	t.Helper()
	i := strings.Index(p.body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no link %s on the page", id)
	}
	start := strings.LastIndex(p.body[:i], `href="`)
	end := strings.Index(p.body[start+6:], `"`)
	return html.UnescapeString(p.body[start+6 : start+6+end])
}

// TestManagedLoginSafety: no value from a request reaches a page
// unescaped, forms need their CSRF token, cookies are HttpOnly and
// SameSite, pages cannot be framed, and only registered URLs are
// redirected to.
func TestManagedLoginSafety(t *testing.T) {
	srv := cognitotest.NewServer(t)
	app := webApp(t, srv, false, types.OAuthFlowTypeCode)
	signUpConfirmed(t, srv, "ana", password)
	const script = `"><script>alert(1)</script>`

	t.Run("escaping", func(t *testing.T) {
		b := newBrowser(t, app)
		login := b.get(authorizeURL(app, url.Values{"state": {script}, "nonce": {script}}))
		failed := b.submit(login, map[string]string{"username": script, "password": "wrong"})
		for _, p := range []*page{
			login, failed,
			b.get(authorizeURL(app, url.Values{"client_id": {script}})),
			b.get(authorizeURL(app, url.Values{"redirect_uri": {"https://evil.example/" + script}})),
			b.get(srv.Endpoint + "/login?" + url.Values{"client_id": {app.ClientID}, "redirect_uri": {appCallback}, "response_type": {"code"}, "scope": {script}}.Encode()),
		} {
			if strings.Contains(p.body, "<script>") || strings.Contains(p.location, "<script>") {
				t.Errorf("%s shows the value unescaped:\n%s", p.url, p.body)
			}
		}
		if !strings.Contains(failed.body, "&lt;script&gt;") || failed.pageError() != "User does not exist." {
			t.Errorf("the failed sign-in does not show the username escaped with the error %q", failed.pageError())
		}
		// The state comes back to the app exactly, as data.
		back := b.submit(failed, map[string]string{"username": "ana", "password": password}).redirect(t, appCallback)
		if back.Query().Get("state") != script {
			t.Errorf("state = %q", back.Query().Get("state"))
		}
	})

	t.Run("CSRF", func(t *testing.T) {
		b := newBrowser(t, app)
		login := b.get(authorizeURL(app, nil))
		for name, form := range map[string]url.Values{
			"no token":    {"username": {"ana"}, "password": {password}},
			"wrong token": {"username": {"ana"}, "password": {password}, "_csrf": {strings.Repeat("a", 64)}},
		} {
			if p := b.post(login.url, form); p.status != http.StatusForbidden || p.location != "" {
				t.Errorf("%s: %d to %q, want 403 and no redirect", name, p.status, p.location)
			}
		}
		// The token of another browser's page: this one's cookie differs.
		stranger := newBrowser(t, app)
		p := stranger.submit(login, map[string]string{"username": "ana", "password": password})
		if p.status != http.StatusForbidden {
			t.Errorf("a form posted with another browser's token: %d", p.status)
		}
	})

	t.Run("cookies and headers", func(t *testing.T) {
		b := newBrowser(t, app)
		login := b.get(authorizeURL(app, nil))
		if h := login.header; h.Get("X-Frame-Options") != "DENY" || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
			h.Get("Cache-Control") != "no-store" || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			t.Errorf("login page headers = %v", h)
		}
		csrf := cookieNamed(login.header, "XSRF-TOKEN")
		if csrf == nil || !csrf.HttpOnly || csrf.SameSite != http.SameSiteStrictMode {
			t.Errorf("XSRF-TOKEN cookie = %+v, want HttpOnly and SameSite=Strict", csrf)
		}
		done := b.submit(login, map[string]string{"username": "ana", "password": password})
		session := cookieNamed(done.header, "cognito-login-"+srv.UserPoolID)
		if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.MaxAge != 3600 {
			t.Errorf("session cookie = %+v, want HttpOnly, SameSite=Lax, an hour", session)
		}
	})

	t.Run("no open redirect", func(t *testing.T) {
		b := newBrowser(t, app)
		for _, u := range []string{
			srv.Endpoint + "/logout?" + url.Values{"client_id": {app.ClientID}, "logout_uri": {"https://evil.example/"}}.Encode(),
			srv.Endpoint + "/logout?" + url.Values{"client_id": {app.ClientID}, "redirect_uri": {"https://evil.example/"}, "response_type": {"code"}}.Encode(),
			srv.Endpoint + "/logout?" + url.Values{"client_id": {"nosuchclient"}, "logout_uri": {appLogout}}.Encode(),
			authorizeURL(app, url.Values{"redirect_uri": {"https://evil.example/"}}),
		} {
			if p := b.get(u); p.status != http.StatusBadRequest || p.location != "" {
				t.Errorf("%s: %d to %q, want an error page", u, p.status, p.location)
			}
		}
		// A sign-out with an authorization request goes to a new sign-in.
		p := b.get(srv.Endpoint + "/logout?" + url.Values{"client_id": {app.ClientID}, "redirect_uri": {appCallback}, "response_type": {"code"}}.Encode())
		if p.status != http.StatusOK || !strings.Contains(p.url, "/login?") {
			t.Errorf("logout to a new sign-in: %d at %s", p.status, p.url)
		}
	})
}

func cookieNamed(h http.Header, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestManagedLoginDisabledUser: a managed-login session ends for a user
// who is disabled (or deleted): the next authorization asks for the form.
func TestManagedLoginDisabledUser(t *testing.T) {
	srv := cognitotest.NewServer(t)
	app := webApp(t, srv, false, types.OAuthFlowTypeCode)
	signUpConfirmed(t, srv, "ana", password)
	b := newBrowser(t, app)
	signInAt(t, b, authorizeURL(app, nil), "ana", password)
	if _, err := sdk(srv).AdminDisableUser(t.Context(), &cip.AdminDisableUserInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana")}); err != nil {
		t.Fatal(err)
	}
	if p := b.get(authorizeURL(app, nil)); p.status != http.StatusOK || !strings.Contains(p.body, `id="password"`) {
		t.Errorf("authorize for a disabled user = %d to %q, want the login form", p.status, p.location)
	}
}

// FuzzManagedLogin sends fuzzed authorization requests and login forms:
// none may crash the server or answer 5xx, and no page shows a tag from
// the request.
func FuzzManagedLogin(f *testing.F) {
	em := newFuzzServer(f)
	var pool struct{ UserPool struct{ Id string } }
	fuzzMust(f, em, "CreateUserPool", map[string]any{"PoolName": "fuzz"}, &pool)
	var cl struct{ UserPoolClient struct{ ClientId string } }
	fuzzMust(f, em, "CreateUserPoolClient", map[string]any{
		"UserPoolId": pool.UserPool.Id, "ClientName": "web",
		"AllowedOAuthFlows": []string{"code", "implicit"}, "AllowedOAuthFlowsUserPoolClient": true,
		"AllowedOAuthScopes": []string{"openid", "email"}, "CallbackURLs": []string{appCallback}, "LogoutURLs": []string{appLogout},
	}, &cl)
	placeholders := strings.NewReplacer("$CLIENT", cl.UserPoolClient.ClientId)
	for _, seed := range []struct{ path, query, form string }{
		{"/oauth2/authorize", "response_type=code&client_id=$CLIENT&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&state=<b>", ""},
		{"/login", "response_type=token&client_id=$CLIENT&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback", "username=a&password=b&_csrf=x"},
		{"/login", "response_type=code&client_id=$CLIENT&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback", "challenge=SMS_MFA&session=x&code=<i>"},
		{"/signup", "response_type=code&client_id=$CLIENT&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback", "attr:email=<u>&password=p"},
		{"/logout", "client_id=$CLIENT&logout_uri=%3Cx%3E", ""},
		{"/oauth2/authorize", "client_id=%ZZ&&;", ""},
	} {
		f.Add(seed.path, seed.query, seed.form)
	}
	f.Fuzz(func(t *testing.T, path, query, form string) {
		if !strings.HasPrefix(path, "/") {
			return
		}
		target := path + "?" + placeholders.Replace(query)
		if _, err := url.ParseRequestURI(target); err != nil || strings.ContainsFunc(target, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			return // not a request line a client can send
		}
		method := http.MethodGet
		if form != "" {
			method = http.MethodPost
		}
		req := httptest.NewRequest(method, target, strings.NewReader(placeholders.Replace(form)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		// A browser's CSRF cookie, so that the forms are acted on.
		token := strings.Repeat("t", 64)
		req.AddCookie(&http.Cookie{Name: "XSRF-TOKEN", Value: token})
		if form != "" {
			req.Body = io.NopCloser(strings.NewReader(placeholders.Replace(form) + "&_csrf=" + token))
		}
		rec := httptest.NewRecorder()
		em.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s: status %d: %s", method, target, rec.Code, rec.Body)
		}
		if strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			for _, tag := range []string{"<b>", "<i>", "<u>", "<x>"} {
				if strings.Contains(rec.Body.String(), tag) {
					t.Fatalf("the page shows %s from the request unescaped:\n%s", tag, rec.Body)
				}
			}
		}
		if loc := rec.Header().Get("Location"); loc != "" && !strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, appCallback) && !strings.HasPrefix(loc, appLogout) {
			t.Fatalf("redirect to an unregistered URL %q", loc)
		}
	})
}
