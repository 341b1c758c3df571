package emulator_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"golang.org/x/net/html"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator"
)

// dashboard is a browser of the dashboard without JavaScript: a cookie
// jar, redirects not followed (a test sees the POST-redirect-GET), and
// forms posted as a browser posts them from a dashboard page, with the
// server's Origin.
type dashboard struct {
	t      testing.TB
	srv    *cognitotest.Server
	client *http.Client
}

func newDashboard(t testing.TB, srv *cognitotest.Server) *dashboard {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &dashboard{t: t, srv: srv, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// dashResponse is a response of the dashboard.
type dashResponse struct {
	status int
	header http.Header
	body   string
}

func (d *dashboard) do(req *http.Request) *dashResponse {
	d.t.Helper()
	resp, err := d.client.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		d.t.Fatal(err)
	}
	return &dashResponse{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

// get fetches a page by its path.
func (d *dashboard) get(path string) *dashResponse {
	d.t.Helper()
	req, err := http.NewRequest(http.MethodGet, d.srv.Endpoint+path, nil)
	if err != nil {
		d.t.Fatal(err)
	}
	return d.do(req)
}

// page fetches a page that must answer 200.
func (d *dashboard) page(path string) *dashResponse {
	d.t.Helper()
	p := d.get(path)
	if p.status != http.StatusOK {
		d.t.Fatalf("GET %s: %d\n%s", path, p.status, p.body)
	}
	return p
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf is the CSRF token of the dashboard's forms (the cookie's, which a
// first page sets).
func (d *dashboard) csrf() string {
	d.t.Helper()
	m := csrfInput.FindStringSubmatch(d.page("/_local/token").body)
	if m == nil {
		d.t.Fatal("the token page has no CSRF field")
	}
	return m[1]
}

// postWith posts form to path with the given headers (Origin, Referer).
func (d *dashboard) postWith(path string, form url.Values, headers map[string]string) *dashResponse {
	d.t.Helper()
	req, err := http.NewRequest(http.MethodPost, d.srv.Endpoint+path, strings.NewReader(form.Encode()))
	if err != nil {
		d.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return d.do(req)
}

// post submits a dashboard form: the CSRF token and the server's Origin,
// with fields as name, value pairs.
func (d *dashboard) post(path string, fields ...string) *dashResponse {
	d.t.Helper()
	form := url.Values{"_csrf": {d.csrf()}}
	for i := 0; i+1 < len(fields); i += 2 {
		form.Set(fields[i], fields[i+1])
	}
	return d.postWith(path, form, map[string]string{"Origin": d.srv.Endpoint})
}

// redirect checks that r is the redirect of a POST-redirect-GET to path
// (with its notice) and follows it.
func (r *dashResponse) redirect(t testing.TB, d *dashboard, path string) *dashResponse {
	t.Helper()
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(loc, path+"?done=") {
		t.Fatalf("want a 303 to %s, got %d to %q\n%s", path, r.status, loc, r.body)
	}
	return d.page(loc)
}

// text is the page's text content, as a person reads it (values
// unescaped), for assertions on what it shows.
func (r *dashResponse) text(t testing.TB) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for n := range doc.Descendants() {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func (r *dashResponse) mustShow(t testing.TB, what ...string) {
	t.Helper()
	text := r.text(t)
	for _, w := range what {
		if !strings.Contains(text, w) {
			t.Errorf("the page does not show %q:\n%s", w, r.body)
		}
	}
}

func poolPage(srv *cognitotest.Server) string { return "/_local/pools/" + srv.UserPoolID }

func userPage(srv *cognitotest.Server, name string) string {
	return poolPage(srv) + "/users/" + url.PathEscape(name)
}

// TestDashboardPages: each page shows the data: the pools and their
// clients, a pool's settings, clients, groups and users, a user's
// attributes, groups, MFA, devices and last sign-in, the outbox newest
// first and refreshing itself; with the security headers of the pages.
func TestDashboardPages(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t, cognitotest.WithClientSecret())
	ctx, c := t.Context(), sdk(srv)
	signUpConfirmed(t, srv, "ana", password)
	signIn(t, srv, "ana", password)
	signUp(t, srv, "bob", password)
	if _, err := c.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: aws.String(srv.ClientID), SecretHash: srv.SecretHash("bob"), Username: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String(srv.UserPoolID), GroupName: aws.String("editors"), Description: aws.String("They edit")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana"), GroupName: aws.String("editors")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana"), UserAttributes: attrs("name", "Ana Lima")}); err != nil {
		t.Fatal(err)
	}
	web := addClient(t, srv, &cip.CreateUserPoolClientInput{
		ClientName: aws.String("web"), AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthScopes: []string{"openid", "email"},
		CallbackURLs: []string{"https://app.example/callback"}, LogoutURLs: []string{"https://app.example/bye"},
		SupportedIdentityProviders: []string{"COGNITO"},
	})
	d := newDashboard(t, srv)

	home := d.page("/_local/")
	home.mustShow(t, srv.UserPoolID, "cognitotest", srv.ClientID)
	for name, want := range map[string]string{
		"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
		"X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
	} {
		if got := home.header.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	if csp := home.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy: %q", csp)
	}

	pool := d.page(poolPage(srv))
	pool.mustShow(t, srv.UserPoolID, srv.ClientID, "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "access 1 h", "refresh 30 d",
		"ana", "bob", "CONFIRMED", "UNCONFIRMED", "editors", "They edit", "Reveal secret", srv.Endpoint+"/"+srv.UserPoolID)
	card, _, _ := strings.Cut(pool.body[strings.Index(pool.body, `id="client-`+web.ClientID+`"`)+1:], "</article>")
	for _, want := range []string{">web <", ">code<", ">openid<", ">email<", "https://app.example/callback", "https://app.example/bye", "COGNITO", "none (a public client)"} {
		if !strings.Contains(card, want) {
			t.Errorf("the web client's card does not show %q:\n%s", want, card)
		}
	}

	user := d.page(userPage(srv, "ana"))
	user.mustShow(t, "ana", "CONFIRMED", "enabled", "ana@example.com", "email_verified", "Ana Lima", "editors", "1 live sign-in")
	if last := regexp.MustCompile(`id="last-sign-in">([^<]*)`).FindStringSubmatch(user.body); last == nil || strings.HasPrefix(last[1], "—") {
		t.Errorf("no last sign-in: %v", last)
	}
	if strings.Contains(user.body, `id="confirm"`) {
		t.Error("a confirmed user is offered a confirmation")
	}
	if !strings.Contains(d.page(userPage(srv, "bob")).body, `id="confirm"`) {
		t.Error("an unconfirmed user is not offered a confirmation")
	}

	outbox := d.page("/_local/outbox")
	if !strings.Contains(outbox.body, `<meta http-equiv="refresh" content="3">`) {
		t.Error("the outbox does not refresh itself")
	}
	if strings.Contains(d.page("/_local/outbox?pause=1").body, `http-equiv="refresh"`) {
		t.Error("the paused outbox refreshes itself")
	}
	msgs := srv.Messages("bob")
	first, resent := msgs[0].Code, msgs[len(msgs)-1].Code
	i, j := strings.Index(outbox.body, resent), strings.Index(outbox.body, first)
	if i < 0 || j < 0 || (first != resent && i > j) {
		t.Errorf("the outbox does not list bob's codes newest first (%s at %d, then %s at %d)", resent, i, first, j)
	}
	outbox.mustShow(t, srv.LastCode("ana"), "Sign-up confirmation code", "bob@example.com")

	for _, path := range []string{"/_local/", poolPage(srv), userPage(srv, "ana"), "/_local/outbox", "/_local/token"} {
		if p := d.page(path); strings.Contains(p.body, srv.ClientSecret) {
			t.Errorf("%s shows the client secret", path)
		}
	}
}

// TestDashboardNotFound: an unknown pool, user or action is a 404 page.
func TestDashboardNotFound(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	signUp(t, srv, "ana", password)
	d := newDashboard(t, srv)
	for _, path := range []string{"/_local/pools/eu-west-1_nope", userPage(srv, "nobody"), "/_local/pools/eu-west-1_nope/users/ana"} {
		if p := d.get(path); p.status != http.StatusNotFound || !strings.Contains(p.body, `id="error"`) {
			t.Errorf("GET %s: %d\n%s", path, p.status, p.body)
		}
	}
	if p := d.post(userPage(srv, "ana") + "/explode"); p.status != http.StatusNotFound {
		t.Errorf("an unknown action: %d", p.status)
	}
	if p := d.post(poolPage(srv) + "/clients/nope/secret"); p.status != http.StatusNotFound {
		t.Errorf("the secret of an unknown client: %d", p.status)
	}
}

// userState describes a user as the API sees it, for comparing before and
// after an action.
func userState(t testing.TB, srv *cognitotest.Server, name string) string {
	t.Helper()
	out, err := sdk(srv).AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String(name)})
	var notFound *types.UserNotFoundException
	if errors.As(err, &notFound) {
		return "gone"
	}
	if err != nil {
		t.Fatal(err)
	}
	groups, err := sdk(srv).AdminListGroupsForUser(t.Context(), &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range groups.Groups {
		names = append(names, aws.ToString(g.GroupName))
	}
	return fmt.Sprintf("%s enabled=%v groups=%v", out.UserStatus, out.Enabled, names)
}

// TestDashboardActions: each action works through the API's own rules
// and ends in a redirect to a page with its notice; each is refused, with
// nothing changed, without the CSRF token, with a wrong one, from another
// origin, and with no origin at all.
func TestDashboardActions(t *testing.T) {
	t.Parallel()
	confirmedAna := func(t testing.TB, srv *cognitotest.Server) { signUpConfirmed(t, srv, "ana", password) }
	groupState := func(t testing.TB, srv *cognitotest.Server) string {
		_, err := sdk(srv).GetGroup(t.Context(), &cip.GetGroupInput{UserPoolId: aws.String(srv.UserPoolID), GroupName: aws.String("admins")})
		return fmt.Sprint(err == nil)
	}
	for _, tc := range []struct {
		name   string
		setup  func(t testing.TB, srv *cognitotest.Server)
		path   func(srv *cognitotest.Server) string
		fields []string
		// state is what the action changes; want its value after.
		state    func(t testing.TB, srv *cognitotest.Server) string
		want     string
		redirect func(srv *cognitotest.Server) string
	}{
		{
			name:  "confirm",
			setup: func(t testing.TB, srv *cognitotest.Server) { signUp(t, srv, "ana", password) },
			want:  "CONFIRMED enabled=true groups=[]",
		},
		{
			name:  "disable",
			setup: confirmedAna,
			want:  "CONFIRMED enabled=false groups=[]",
		},
		{
			name: "enable",
			setup: func(t testing.TB, srv *cognitotest.Server) {
				confirmedAna(t, srv)
				if _, err := sdk(srv).AdminDisableUser(t.Context(), &cip.AdminDisableUserInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana")}); err != nil {
					t.Fatal(err)
				}
			},
			want: "CONFIRMED enabled=true groups=[]",
		},
		{
			name:  "reset",
			setup: confirmedAna,
			want:  "RESET_REQUIRED enabled=true groups=[]",
		},
		{
			name:     "delete",
			setup:    confirmedAna,
			want:     "gone",
			redirect: poolPage,
		},
		{
			name: "group",
			setup: func(t testing.TB, srv *cognitotest.Server) {
				confirmedAna(t, srv)
				if _, err := sdk(srv).CreateGroup(t.Context(), &cip.CreateGroupInput{UserPoolId: aws.String(srv.UserPoolID), GroupName: aws.String("admins")}); err != nil {
					t.Fatal(err)
				}
			},
			fields: []string{"group", "admins"},
			want:   "CONFIRMED enabled=true groups=[admins]",
		},
		{
			name:   "create user",
			path:   func(srv *cognitotest.Server) string { return poolPage(srv) + "/users" },
			fields: []string{"username", "ana", "email", "ana@example.com", "email_verified", "1", "password", password, "permanent", "1"},
			want:   "CONFIRMED enabled=true groups=[]",
		},
		{
			name:     "create group",
			path:     func(srv *cognitotest.Server) string { return poolPage(srv) + "/groups" },
			fields:   []string{"name", "admins", "description", "Administrators"},
			state:    groupState,
			want:     "true",
			redirect: poolPage,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := cognitotest.NewServer(t)
			if tc.setup != nil {
				tc.setup(t, srv)
			}
			path := userPage(srv, "ana") + "/" + tc.name
			if tc.path != nil {
				path = tc.path(srv)
			}
			state := func(t testing.TB, srv *cognitotest.Server) string { return userState(t, srv, "ana") }
			if tc.state != nil {
				state = tc.state
			}
			redirect := func(srv *cognitotest.Server) string { return userPage(srv, "ana") }
			if tc.redirect != nil {
				redirect = tc.redirect
			}
			d := newDashboard(t, srv)
			token := d.csrf()
			form := func(csrf string) url.Values {
				v := url.Values{}
				if csrf != "" {
					v.Set("_csrf", csrf)
				}
				for i := 0; i+1 < len(tc.fields); i += 2 {
					v.Set(tc.fields[i], tc.fields[i+1])
				}
				return v
			}
			before := state(t, srv)
			for _, refused := range []struct {
				name    string
				form    url.Values
				headers map[string]string
			}{
				{"no CSRF token", form(""), map[string]string{"Origin": srv.Endpoint}},
				{"a wrong CSRF token", form(strings.Repeat("a", 64)), map[string]string{"Origin": srv.Endpoint}},
				{"another origin", form(token), map[string]string{"Origin": "http://evil.example"}},
				{"another site's Referer", form(token), map[string]string{"Referer": "http://evil.example/page"}},
				{"no origin", form(token), nil},
			} {
				if p := d.postWith(path, refused.form, refused.headers); p.status != http.StatusForbidden {
					t.Errorf("with %s: %d, want 403", refused.name, p.status)
				}
				if got := state(t, srv); got != before {
					t.Fatalf("with %s the action ran: %q, was %q", refused.name, got, before)
				}
			}
			p := d.postWith(path, form(token), map[string]string{"Origin": srv.Endpoint}).redirect(t, d, redirect(srv))
			if !strings.Contains(p.body, `id="notice"`) {
				t.Errorf("no notice after the action:\n%s", p.body)
			}
			if got := state(t, srv); got != tc.want {
				t.Errorf("after the action: %q, want %q", got, tc.want)
			}
		})
	}
}

// TestDashboardActionFailures: an action the API refuses shows the page
// again with Cognito's message; a failed creation keeps the username and
// email, never the password.
func TestDashboardActionFailures(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	signUpConfirmed(t, srv, "ana", password)
	d := newDashboard(t, srv)

	p := d.post(userPage(srv, "ana") + "/confirm")
	if p.status != http.StatusBadRequest {
		t.Fatalf("confirming a confirmed user: %d", p.status)
	}
	p.mustShow(t, "User cannot be confirmed. Current status is CONFIRMED")

	p = d.post(userPage(srv, "ana")+"/group", "group", "nope")
	if p.status != http.StatusNotFound || !strings.Contains(p.body, `id="error"`) {
		t.Errorf("adding to an unknown group: %d", p.status)
	}

	const weak = "weakpass"
	p = d.post(poolPage(srv)+"/users", "username", "zoe", "email", "zoe@example.com", "password", weak, "permanent", "1")
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, `id="error"`) {
		t.Fatalf("a weak password: %d\n%s", p.status, p.body)
	}
	if !strings.Contains(p.body, `value="zoe"`) || !strings.Contains(p.body, `value="zoe@example.com"`) || strings.Contains(p.body, weak) {
		t.Errorf("the form after a failure:\n%s", p.body)
	}
	if got := userState(t, srv, "zoe"); got != "gone" {
		t.Errorf("a refused user exists: %s", got)
	}

	p = d.post(poolPage(srv)+"/users", "email", "zoe@example.com", "permanent", "1")
	if p.status != http.StatusBadRequest {
		t.Errorf("a permanent password without a password: %d", p.status)
	}
	p = d.post(poolPage(srv)+"/users", "username", "", "email", "")
	if p.status != http.StatusBadRequest || !strings.Contains(p.text(t), "username") {
		t.Errorf("no username: %d\n%s", p.status, p.body)
	}
}

// TestDashboardTemporaryPassword: a user created without a password gets
// a temporary one, drawn by the API and shown in the outbox (the one place
// a password is ever shown).
func TestDashboardTemporaryPassword(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	d := newDashboard(t, srv)
	user := d.post(poolPage(srv)+"/users", "username", "zoe", "email", "zoe@example.com", "email_verified", "1").redirect(t, d, userPage(srv, "zoe"))
	user.mustShow(t, "FORCE_CHANGE_PASSWORD", "Invitation: temporary password")
	temp := srv.LastCode("zoe")
	d.page("/_local/outbox").mustShow(t, temp)
	if _, err := trySignIn(t, srv, "zoe", temp); err != nil {
		t.Errorf("the temporary password in the outbox does not sign in: %v", err)
	}
}

// TestDashboardEmailPool: in a pool whose users sign in with their email,
// a user is created from its email alone, and its page is found by the
// username the pool gives it.
func TestDashboardEmailPool(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t, cognitotest.WithEmailAsUsername())
	d := newDashboard(t, srv)
	d.page(poolPage(srv)).mustShow(t, "Email address")
	p := d.post(poolPage(srv)+"/users", "email", "eva@example.com", "email_verified", "1", "password", password, "permanent", "1")
	if p.status != http.StatusSeeOther {
		t.Fatalf("creating a user by email: %d\n%s", p.status, p.body)
	}
	d.page(p.header.Get("Location")).mustShow(t, "eva@example.com", "CONFIRMED")
	signIn(t, srv, "eva@example.com", password)
}

// TestDashboardSecret: a client's secret is in no page until a POST from
// the dashboard reveals it, and never in the log.
func TestDashboardSecret(t *testing.T) {
	t.Parallel()
	srv, log := serverWithLog(t, cognitotest.WithClientSecret())
	d := newDashboard(t, srv)
	pool := d.page(poolPage(srv))
	if strings.Contains(pool.body, srv.ClientSecret) {
		t.Fatal("the pool page shows the secret")
	}
	path := poolPage(srv) + "/clients/" + srv.ClientID + "/secret"
	if !strings.Contains(pool.body, `action="`+path+`"`) {
		t.Fatalf("the pool page has no reveal form:\n%s", pool.body)
	}
	if p := d.get(path); p.status == http.StatusOK || strings.Contains(p.body, srv.ClientSecret) {
		t.Errorf("GET of the reveal: %d", p.status)
	}
	token := d.csrf()
	for name, refused := range map[string]*dashResponse{
		"no token":       d.postWith(path, url.Values{}, map[string]string{"Origin": srv.Endpoint}),
		"another origin": d.postWith(path, url.Values{"_csrf": {token}}, map[string]string{"Origin": "http://evil.example"}),
	} {
		if refused.status != http.StatusForbidden || strings.Contains(refused.body, srv.ClientSecret) {
			t.Errorf("with %s: %d", name, refused.status)
		}
	}
	revealed := d.post(path)
	if revealed.status != http.StatusOK || revealed.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("revealing: %d %q", revealed.status, revealed.header.Get("Cache-Control"))
	}
	revealed.mustShow(t, srv.ClientSecret)
	if strings.Contains(log.String(), srv.ClientSecret) {
		t.Error("the secret is in the log")
	}
	if !strings.Contains(log.String(), "revealed") {
		t.Error("the reveal is not logged")
	}
}

// TestDashboardOrigin: a form counts as the dashboard's when its Origin —
// or, without one, its Referer — is the server's own.
func TestDashboardOrigin(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	d := newDashboard(t, srv)
	token := d.csrf()
	u, err := url.Parse(srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		headers map[string]string
		want    int
	}{
		{map[string]string{"Origin": srv.Endpoint}, http.StatusOK},
		{map[string]string{"Origin": strings.ToUpper(srv.Endpoint)}, http.StatusOK},
		{map[string]string{"Referer": srv.Endpoint + "/_local/token"}, http.StatusOK},
		{map[string]string{"Origin": "null"}, http.StatusForbidden},
		{map[string]string{"Origin": "http://evil.example"}, http.StatusForbidden},
		{map[string]string{"Origin": "https://" + u.Host}, http.StatusForbidden},
		{map[string]string{"Origin": "http://" + u.Hostname() + ":1"}, http.StatusForbidden},
		{map[string]string{"Origin": srv.Endpoint + ".evil.example"}, http.StatusForbidden},
		{map[string]string{"Origin": "http://evil.example", "Referer": srv.Endpoint + "/_local/token"}, http.StatusForbidden},
		{map[string]string{"Referer": "http://evil.example/?" + srv.Endpoint}, http.StatusForbidden},
		{map[string]string{"Referer": "not a url"}, http.StatusForbidden},
		{nil, http.StatusForbidden},
	} {
		if p := d.postWith("/_local/token", url.Values{"_csrf": {token}, "token": {"x"}}, tc.headers); p.status != tc.want {
			t.Errorf("%v: %d, want %d", tc.headers, p.status, tc.want)
		}
	}
}

// TestDashboardReadOnly: when the server checks IAM signatures the
// dashboard shows everything but offers, and runs, no action, and reveals
// no secret.
func TestDashboardReadOnly(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t, cognitotest.WithClientSecret(), cognitotest.WithServerOptions(emulatorIAM()))
	signUp(t, srv, "ana", password)
	d := newDashboard(t, srv)
	pool := d.page(poolPage(srv))
	pool.mustShow(t, "ana", "read-only")
	if strings.Contains(pool.body, `id="create-user"`) || strings.Contains(pool.body, "/secret") {
		t.Error("a read-only pool page offers actions")
	}
	if strings.Contains(d.page(userPage(srv, "ana")).body, `id="confirm"`) {
		t.Error("a read-only user page offers actions")
	}
	for _, path := range []string{userPage(srv, "ana") + "/confirm", poolPage(srv) + "/clients/" + srv.ClientID + "/secret", poolPage(srv) + "/users"} {
		if p := d.post(path, "username", "zoe", "password", password); p.status != http.StatusForbidden || strings.Contains(p.body, srv.ClientSecret) {
			t.Errorf("POST %s: %d", path, p.status)
		}
	}
	if got := userState(t, srv, "ana"); got != "UNCONFIRMED enabled=true groups=[]" {
		t.Errorf("a read-only dashboard changed the user: %s", got)
	}
	if p := d.post("/_local/token", "token", "x"); p.status != http.StatusOK {
		t.Errorf("the token decoder, read-only: %d", p.status)
	}
}

// injected reports the elements and attributes a value smuggled into a
// page would add: any script or img element, any on* attribute.
func injected(t testing.TB, body string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		if n.Data == "script" || n.Data == "img" {
			found = append(found, "<"+n.Data+">")
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(strings.ToLower(a.Key), "on") {
				found = append(found, n.Data+" "+a.Key)
			}
		}
	}
	return found
}

// TestDashboardEscapes: a username, an attribute, a group, an outbox
// message and a pasted token holding markup are shown as text, never as
// markup.
func TestDashboardEscapes(t *testing.T) {
	t.Parallel()
	const (
		script = `<script>alert(1)</script>`
		img    = `"><img src=x onerror=alert(1)>`
	)
	srv := cognitotest.NewServer(t, cognitotest.WithTrigger(cognitotest.CustomMessage, cognitotest.Handler(func(_ context.Context, ev *events.CognitoEventUserPoolsCustomMessage) error {
		ev.Response.EmailSubject = script
		ev.Response.EmailMessage = img + " your code is " + ev.Request.CodeParameter
		return nil
	})))
	ctx, c := t.Context(), sdk(srv)
	if _, err := trySignUp(t, srv, script, password, attrs("email", "xss@example.com", "name", img)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String(srv.UserPoolID), GroupName: aws.String(script), Description: aws.String(img)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String(script), GroupName: aws.String(script)}); err != nil {
		t.Fatal(err)
	}
	d := newDashboard(t, srv)
	for _, path := range []string{"/_local/", poolPage(srv), userPage(srv, script), "/_local/outbox"} {
		p := d.page(path)
		if bad := injected(t, p.body); len(bad) > 0 {
			t.Errorf("%s: markup from values: %v\n%s", path, bad, p.body)
		}
		if path != "/_local/" {
			p.mustShow(t, script)
		}
	}
	d.page(userPage(srv, script)).mustShow(t, img)
	d.page("/_local/outbox").mustShow(t, img+" your code is")

	forged := unsignedJWT(map[string]any{"alg": "RS256", "kid": script}, map[string]any{"iss": "http://x/" + img, "sub": script})
	for _, pasted := range []string{forged, "</textarea>" + script + img} {
		p := d.post("/_local/token", "token", pasted)
		if p.status != http.StatusOK {
			t.Fatalf("decoding: %d", p.status)
		}
		if bad := injected(t, p.body); len(bad) > 0 {
			t.Errorf("a pasted token's markup: %v\n%s", bad, p.body)
		}
	}
	d.post("/_local/token", "token", forged).mustShow(t, script, "unknown pool")
}

// unsignedJWT is a JWT of header and claims with a signature of nothing.
func unsignedJWT(header, claims map[string]any) string {
	part := func(v any) string {
		var raw bytes.Buffer
		enc := json.NewEncoder(&raw)
		enc.SetEscapeHTML(false) // the markup as it is
		enc.Encode(v)
		return base64.RawURLEncoding.EncodeToString(bytes.TrimSpace(raw.Bytes()))
	}
	return part(header) + "." + part(claims) + "." + base64.RawURLEncoding.EncodeToString([]byte("not a signature"))
}

// emulatorIAM makes a server check IAM signatures, with the credentials
// cognitotest's clients sign with.
func emulatorIAM() emulator.Option {
	return emulator.WithIAMCredentials(emulator.IAMCredentials{AccessKeyID: "local", SecretAccessKey: "local"})
}

// TestDashboardUserMFAAndDevices: a user's page shows its authenticator
// app and MFA factors, and its remembered devices.
func TestDashboardUserMFAAndDevices(t *testing.T) {
	t.Parallel()
	clk := newClock()
	mfa := mfaServer(t, cognitotest.NewServer(t, cognitotest.WithClock(clk.Now)), totpConfig(types.UserPoolMfaTypeOptional), false)
	signUpConfirmed(t, mfa, "ana", password)
	setUpTOTP(t, mfa, clk, signIn(t, mfa, "ana", password).AccessToken)
	mfaPage := newDashboard(t, mfa).page(userPage(mfa, "ana"))
	mfaPage.mustShow(t, "SOFTWARE_TOKEN_MFA", "set up")
	if mfa := mfaPage.body[strings.Index(mfaPage.body, `id="mfa"`):]; strings.Contains(mfa[:strings.Index(mfa, "</section>")], "none") {
		t.Errorf("the MFA section shows none:\n%s", mfa)
	}

	devices := devicePool(t, cognitotest.NewServer(t), &types.DeviceConfigurationType{}, false)
	signUpConfirmed(t, devices, "ana", password)
	dev, _ := rememberDevice(t, devices, "ana", "Ana's laptop")
	page := newDashboard(t, devices).page(userPage(devices, "ana"))
	page.mustShow(t, dev.key, "Ana's laptop")
	if !strings.Contains(page.body, "<td>remembered</td>") {
		t.Errorf("the device is not shown remembered:\n%s", page.body)
	}
}
