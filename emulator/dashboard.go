package emulator

import (
	"cmp"
	"embed"
	"errors"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cognitokit/cognito/emulator/store"
)

// The dashboard: server-rendered pages under /_local/ for a developer
// testing against the local Cognito, to look rather than read —
//
//	GET  /_local/                                   the pools and their clients
//	GET  /_local/pools/{pool}                       a pool: settings, clients, groups, users
//	POST /_local/pools/{pool}/clients/{client}/secret   reveals a client's secrets
//	POST /_local/pools/{pool}/users                 creates a user
//	POST /_local/pools/{pool}/groups                creates a group
//	GET  /_local/pools/{pool}/users/{user}          a user: attributes, groups, MFA, devices, messages
//	POST /_local/pools/{pool}/users/{user}/{action} confirm, disable, enable, reset, delete, group
//	GET  /_local/outbox                             the outbox, newest first, refreshing itself
//	GET|POST /_local/token                          a token decoder (dashboard_token.go)
//
// Pages read through the state layer; actions (dashboard_actions.go) run
// the API's own typed functions with their input validated, so every rule
// and limit of the API applies (the dashboard acts as the administrator).
//
// Safety: every value is escaped by html/template; no page has a script;
// pages forbid framing and caching; every POST must come from the
// dashboard's own origin (its Origin, or else its Referer, is the
// server's) and carry the CSRF double-submit token (webpage.go). A client
// secret is in no page until a POST reveals it. When the server checks
// IAM signatures (WithIAMCredentials) the dashboard is read-only: it has
// no credentials to offer, and must not be a way around them.

// dashboardPath is the prefix of the dashboard's pages.
const dashboardPath = "/_local/"

// Bounds of the dashboard's lists.
const (
	maxDashboardUsers    = 500
	maxDashboardMessages = 500
	// outboxRefresh is how often the outbox page reloads itself, in
	// seconds.
	outboxRefresh = 3
)

//go:embed pages/dashboard*.html
var dashboardFiles embed.FS

// dashboardFuncs are the templates' helpers.
var dashboardFuncs = template.FuncMap{
	"seg":     url.PathEscape,
	"when":    formatTime,
	"dur":     formatDuration,
	"join":    strings.Join,
	"purpose": func(p string) string { return cmp.Or(messagePurposes[p], p) },
}

// messagePurposes say what each purpose of message carries.
var messagePurposes = map[string]string{
	PurposeSignUp:          "Sign-up confirmation code",
	PurposeForgotPassword:  "Password-reset code",
	PurposeVerifyAttribute: "Attribute verification code",
	PurposeInvitation:      "Invitation: temporary password",
	PurposeMFA:             "Sign-in code (MFA or one-time password)",
}

// dashboardTemplates are the dashboard's pages, each the layout
// (dashboard.html) with its content; "error" is the layout alone.
var dashboardTemplates = func() map[string]*template.Template {
	m := make(map[string]*template.Template)
	for _, name := range []string{"home", "pool", "user", "outbox", "token", "secret"} {
		m[name] = template.Must(template.New("dashboard.html").Funcs(dashboardFuncs).ParseFS(dashboardFiles, "pages/dashboard.html", "pages/dashboard_"+name+".html"))
	}
	m["error"] = template.Must(template.New("dashboard.html").Funcs(dashboardFuncs).ParseFS(dashboardFiles, "pages/dashboard.html"))
	return m
}()

// dashPage is what every dashboard page shows, Data being the page's own.
type dashPage struct {
	Title         string
	Nav           string // the current section: pools, outbox or token
	CSRF          string
	Error, Notice string
	// ReadOnly: the server checks IAM signatures, and the dashboard
	// offers no action.
	ReadOnly bool
	// Refresh is the seconds after which the page reloads (0: never).
	Refresh int
	Data    any

	template string
	status   int
}

// routeDashboard registers the dashboard's pages on mux.
func (s *Server) routeDashboard(mux *http.ServeMux) {
	mux.HandleFunc("GET "+dashboardPath+"{$}", s.serveDashboardHome)
	mux.HandleFunc("GET "+dashboardPath+"pools/{pool}", s.serveDashboardPool)
	mux.HandleFunc("POST "+dashboardPath+"pools/{pool}/clients/{client}/secret", s.serveDashboardSecret)
	mux.HandleFunc("POST "+dashboardPath+"pools/{pool}/users", s.serveDashboardCreateUser)
	mux.HandleFunc("POST "+dashboardPath+"pools/{pool}/groups", s.serveDashboardCreateGroup)
	mux.HandleFunc("GET "+dashboardPath+"pools/{pool}/users/{user}", s.serveDashboardUser)
	mux.HandleFunc("POST "+dashboardPath+"pools/{pool}/users/{user}/{action}", s.serveDashboardUserAction)
	mux.HandleFunc("GET "+dashboardPath+"outbox", s.serveDashboardOutbox)
	mux.HandleFunc("GET "+dashboardPath+"token", s.serveDashboardToken)
	mux.HandleFunc("POST "+dashboardPath+"token", s.serveDashboardToken)
}

// renderDashboard writes a dashboard page.
func (s *Server) renderDashboard(w http.ResponseWriter, r *http.Request, page *dashPage) {
	page.CSRF = csrfToken(w, r)
	page.ReadOnly = s.iam != nil
	// same-origin: the dashboard's forms send their Origin and Referer to
	// the dashboard itself (which checks them), and no other site learns
	// a dashboard URL.
	setPageHeaders(w.Header(), "same-origin")
	status := page.status
	if status == 0 {
		status = http.StatusOK
	}
	tmpl := dashboardTemplates[page.template]
	if tmpl == nil {
		tmpl = dashboardTemplates["error"]
	}
	w.WriteHeader(status)
	if err := tmpl.Execute(w, page); err != nil {
		s.log.Error("rendering a dashboard page failed", "page", page.template, "err", err)
	}
}

// dashboardError answers with an error page: a *pageError's message, an
// API error's (Cognito's words, never a secret; a missing pool or user is
// a 404), or a generic one for any other failure, which is logged.
func (s *Server) dashboardError(w http.ResponseWriter, r *http.Request, err error) {
	page := &dashPage{Title: "Something went wrong", template: "error"}
	page.status, page.Error = s.dashboardFailure(r, err)
	s.renderDashboard(w, r, page)
}

// dashboardFailure is the status and message a page shows for err.
func (s *Server) dashboardFailure(r *http.Request, err error) (int, string) {
	var pe *pageError
	var apiErr *apiError
	switch {
	case errors.As(err, &pe):
		return pe.status, pe.message
	case errors.As(err, &apiErr):
		if apiErr.Type == excResourceNotFound || apiErr.Type == excUserNotFound {
			return http.StatusNotFound, apiErr.Message
		}
		return http.StatusBadRequest, apiErr.Message
	case isNotFound(err):
		return http.StatusNotFound, "Not found."
	}
	s.log.Error("dashboard failed", "path", r.URL.Path, "err", err)
	return http.StatusInternalServerError, "Internal server error."
}

// formatTime is how the dashboard writes a time: UTC, to the second; the
// zero time is a dash.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// formatDuration writes a token validity in its largest whole unit.
func formatDuration(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d > 0 && d%day == 0:
		return strconv.FormatInt(int64(d/day), 10) + " d"
	case d > 0 && d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + " h"
	case d > 0 && d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + " min"
	}
	return d.String()
}

// The home page.

// dashPoolRow is a pool in the list of pools.
type dashPoolRow struct {
	ID, Name, SignInWith, MFA, Domain string
	Users                             int
	Created                           time.Time
	Clients                           []dashClient
}

func (s *Server) serveDashboardHome(w http.ResponseWriter, r *http.Request) {
	var rows []dashPoolRow
	err := s.view(r.Context(), func(st *state) error {
		return st.scanPools("", func(p *pool) error {
			n, err := st.countUsers(p)
			if err != nil {
				return err
			}
			row := dashPoolRow{ID: p.ID, Name: p.Name, SignInWith: usernameLabel(p), MFA: p.MFAConfiguration, Domain: p.Domain, Users: n, Created: p.Created}
			row.Clients, err = dashClients(st, p)
			rows = append(rows, row)
			return err
		})
	})
	if err != nil {
		s.dashboardError(w, r, err)
		return
	}
	s.renderDashboard(w, r, &dashPage{Title: "User pools", Nav: "pools", Data: rows, template: "home"})
}

// The pool page.

// dashClient is an app client as the dashboard shows it: never its
// secrets' values, only how many it has.
type dashClient struct {
	ID, Name string
	Flows    []string
	OAuth    clientOAuth
	Secrets  int
	// The validities of the client's access, ID and refresh tokens.
	AccessValidity, IDValidity, RefreshValidity time.Duration
	PreventUserExistenceErrors                  string
	TokenRevocation, Rotation                   bool
}

// dashClients are p's app clients.
func dashClients(st *state, p *pool) ([]dashClient, error) {
	var out []dashClient
	err := st.scanClients(p, "", func(cl *appClient) error {
		out = append(out, dashClient{
			ID: cl.ID, Name: cl.Name, Flows: cl.ExplicitAuthFlows, OAuth: cl.OAuth, Secrets: len(cl.Secrets),
			AccessValidity: cl.AccessTokenValidity, IDValidity: cl.IDTokenValidity, RefreshValidity: cl.RefreshTokenValidity,
			PreventUserExistenceErrors: cl.PreventUserExistenceErrors, TokenRevocation: cl.EnableTokenRevocation, Rotation: cl.rotates(),
		})
		return nil
	})
	return out, err
}

// dashPoolView is the pool page: the pool, its clients, groups and users,
// and the create-user form's values after a failure.
type dashPoolView struct {
	Pool       *pool
	MFAFactors []string
	SignInWith string
	Issuer     string
	Clients    []dashClient
	Groups     []*group
	Users      []*dashUser
	// More: the pool has more users than the page lists.
	More bool
	Form createUserForm
}

// createUserForm are the values the create-user form keeps after a
// failure (never the password).
type createUserForm struct{ Username, Email string }

func (s *Server) serveDashboardPool(w http.ResponseWriter, r *http.Request) {
	page := &dashPage{Notice: dashboardNotices[r.URL.Query().Get("done")]}
	s.showPool(w, r, page, nil)
}

// showPool renders the page of the pool the request names, with form
// values (nil: none) kept from a failed creation.
func (s *Server) showPool(w http.ResponseWriter, r *http.Request, page *dashPage, form *createUserForm) {
	v := &dashPoolView{}
	err := s.view(r.Context(), func(st *state) error {
		p, err := st.pool(r.PathValue("pool"))
		if err != nil {
			return err
		}
		v.Pool, v.MFAFactors, v.SignInWith, v.Issuer = p, p.MFAFactors.list(), usernameLabel(p), s.Issuer(s.requestBaseURL(r), p.ID)
		if v.Clients, err = dashClients(st, p); err != nil {
			return err
		}
		if err := st.scanGroups(p, "", func(g *group) error { v.Groups = append(v.Groups, g); return nil }); err != nil {
			return err
		}
		return st.scanUsers(p, "", func(_ string, u *user) error {
			if len(v.Users) == maxDashboardUsers {
				v.More = true
				return store.ErrStopScan
			}
			du, err := dashUserOf(st, p, u, false)
			v.Users = append(v.Users, du)
			return err
		})
	})
	if err != nil {
		s.dashboardError(w, r, err)
		return
	}
	if form != nil {
		v.Form = *form
	}
	page.Title, page.Nav, page.Data, page.template = v.Pool.Name, "pools", v, "pool"
	s.renderDashboard(w, r, page)
}

// The user page.

// dashUser is a user as the dashboard shows it: never its password
// verifier or MFA secrets.
type dashUser struct {
	PoolID, Username, Sub, Email, Phone, Status string
	Enabled                                     bool
	Groups                                      []string
	MFA                                         []string
	PreferredMFA, TOTPDevice                    string
	TOTP                                        bool
	Created, Modified, TemporaryPasswordExpires time.Time
	FailedSignIns                               int
	LockedUntil                                 time.Time
	// LastSignIn is the newest of the user's live sign-ins (the model
	// keeps sign-ins until they end), Sessions their number.
	LastSignIn time.Time
	Sessions   int
	// The user page's details.
	Attributes, Pending []attributeRow
	Devices             []*device
	Messages            []Message
}

// attributeRow is one attribute of a user.
type attributeRow struct{ Name, Value string }

// dashUserOf is u as the dashboard shows it; with details, its attributes
// and devices too.
func dashUserOf(st *state, p *pool, u *user, details bool) (*dashUser, error) {
	du := &dashUser{
		PoolID: p.ID, Username: u.Username, Sub: u.Attributes["sub"], Email: u.Attributes["email"], Phone: u.Attributes["phone_number"],
		Status: u.Status, Enabled: u.Enabled, Groups: u.Groups, MFA: u.MFA.Enabled, PreferredMFA: u.MFA.Preferred,
		TOTP: len(u.MFA.TOTPSecret) > 0, TOTPDevice: u.MFA.TOTPDeviceName,
		Created: u.Created, Modified: u.Modified, TemporaryPasswordExpires: u.TemporaryPasswordExpires,
		FailedSignIns: u.FailedSignIns, LockedUntil: u.LockedUntil,
	}
	err := st.scanUserSessions(p, p.usernameKey(u.Username), func(sess *session) error {
		du.Sessions++
		if sess.AuthTime.After(du.LastSignIn) {
			du.LastSignIn = sess.AuthTime
		}
		return nil
	})
	if err != nil || !details {
		return du, err
	}
	for _, name := range slices.Sorted(maps.Keys(u.Attributes)) {
		du.Attributes = append(du.Attributes, attributeRow{name, u.Attributes[name]})
	}
	for _, name := range slices.Sorted(maps.Keys(u.Pending)) {
		du.Pending = append(du.Pending, attributeRow{name, u.Pending[name]})
	}
	return du, st.scanDevices(p, u, func(d *device) error {
		if d.Confirmed {
			du.Devices = append(du.Devices, d)
		}
		return nil
	})
}

// dashUserView is the user page.
type dashUserView struct {
	User *dashUser
	// Groups are the pool's groups the user is not in, for "add to a
	// group".
	Groups []string
}

func (s *Server) serveDashboardUser(w http.ResponseWriter, r *http.Request) {
	s.showUser(w, r, &dashPage{Notice: dashboardNotices[r.URL.Query().Get("done")]})
}

// showUser renders the page of the user the request names.
func (s *Server) showUser(w http.ResponseWriter, r *http.Request, page *dashPage) {
	v := &dashUserView{}
	err := s.view(r.Context(), func(st *state) error {
		p, err := st.pool(r.PathValue("pool"))
		if err != nil {
			return err
		}
		u, err := st.adminUser(p, r.PathValue("user"))
		if err != nil {
			return err
		}
		if v.User, err = dashUserOf(st, p, u, true); err != nil {
			return err
		}
		return st.scanGroups(p, "", func(g *group) error {
			if !u.inGroup(g.Name) {
				v.Groups = append(v.Groups, g.Name)
			}
			return nil
		})
	})
	if err == nil {
		v.User.Messages, err = s.userMessages(r, v.User)
	}
	if err != nil {
		s.dashboardError(w, r, err)
		return
	}
	page.Title, page.Nav, page.Data, page.template = v.User.Username, "pools", v, "user"
	s.renderDashboard(w, r, page)
}

// userMessages are the messages sent to u, newest first.
func (s *Server) userMessages(r *http.Request, u *dashUser) ([]Message, error) {
	all, err := s.Messages(r.Context(), u.Username)
	if err != nil {
		return nil, err
	}
	var out []Message
	for _, m := range slices.Backward(all) {
		if m.UserPoolID == u.PoolID {
			out = append(out, m)
		}
	}
	return out, nil
}

// The outbox page.

// dashOutbox is the outbox page: the newest messages first.
type dashOutbox struct {
	Messages []Message
	Total    int
	Paused   bool
}

func (s *Server) serveDashboardOutbox(w http.ResponseWriter, r *http.Request) {
	all, err := s.Messages(r.Context(), "")
	if err != nil {
		s.dashboardError(w, r, err)
		return
	}
	v := &dashOutbox{Total: len(all), Paused: r.URL.Query().Get("pause") != ""}
	for _, m := range slices.Backward(all) {
		if len(v.Messages) == maxDashboardMessages {
			break
		}
		v.Messages = append(v.Messages, m)
	}
	page := &dashPage{Title: "Outbox", Nav: "outbox", Data: v, template: "outbox"}
	if !v.Paused {
		page.Refresh = outboxRefresh
	}
	s.renderDashboard(w, r, page)
}

// The secret of a client, revealed.

// dashSecret is the page of a client's secrets.
type dashSecret struct {
	PoolID, ClientID, ClientName string
	Secrets                      []clientSecret
}

// serveDashboardSecret reveals a client's secrets: in the answer to a
// POST from the dashboard, never in a page a GET gives.
func (s *Server) serveDashboardSecret(w http.ResponseWriter, r *http.Request) {
	if !s.dashboardForm(w, r, true) {
		return
	}
	v := &dashSecret{}
	err := s.view(r.Context(), func(st *state) error {
		cl, p, err := st.poolClient(r.PathValue("pool"), r.PathValue("client"))
		if err != nil {
			return err
		}
		v.PoolID, v.ClientID, v.ClientName, v.Secrets = p.ID, cl.ID, cl.Name, cl.Secrets
		return nil
	})
	if err != nil {
		s.dashboardError(w, r, err)
		return
	}
	s.log.Info("dashboard revealed a client's secrets", "userPoolId", v.PoolID, "clientId", v.ClientID)
	s.renderDashboard(w, r, &dashPage{Title: "Secrets of " + v.ClientName, Nav: "pools", Data: v, template: "secret"})
}

// The checks of a posted form.

// dashboardForm checks a POST to the dashboard: that it comes from the
// dashboard's own origin and carries its CSRF token, and, for an action
// (write), that the dashboard may act. On failure it has answered and
// returns false.
func (s *Server) dashboardForm(w http.ResponseWriter, r *http.Request, write bool) bool {
	var err error
	switch {
	case !s.sameOrigin(r):
		err = &pageError{status: http.StatusForbidden, message: "The form did not come from the dashboard: its origin is not this server's."}
	case write && s.iam != nil:
		err = &pageError{status: http.StatusForbidden, message: "The server checks IAM signatures (--iam): the dashboard is read-only. Use the API with the server's credentials."}
	default:
		err = readPageForm(w, r)
	}
	if err != nil {
		s.dashboardError(w, r, err)
		return false
	}
	return true
}

// sameOrigin reports whether a request comes from a page of this server:
// its Origin header (or, without one, its Referer) is the origin the
// request reached (scheme and Host) or that of the server's public URL.
func (s *Server) sameOrigin(r *http.Request) bool {
	from := r.Header.Get("Origin")
	if from == "" {
		ref, err := url.Parse(r.Header.Get("Referer"))
		if err != nil || ref.Host == "" {
			return false
		}
		from = ref.Scheme + "://" + ref.Host
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if strings.EqualFold(from, scheme+"://"+r.Host) {
		return true
	}
	base, err := url.Parse(s.requestBaseURL(r))
	return err == nil && base.Host != "" && strings.EqualFold(from, base.Scheme+"://"+base.Host)
}
