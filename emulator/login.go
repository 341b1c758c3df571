package emulator

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/internal/secrethash"
)

// The managed login (Cognito's hosted UI) of the local Cognito: the pages
// /oauth2/authorize sends a browser to, at the paths of the pool's domain.
// Each works under an authorization request, carried in its URL's query:
//
//   - /login: username and password, then the steps the sign-in needs
//     (a new password for a temporary one, an MFA code or the choice of
//     MFA); a proven sign-in starts a managed-login session (a cookie) and
//     answers the authorization (oauth_authorize.go);
//   - /signup and /confirm: sign-up and its confirmation code;
//   - /forgotPassword and /confirmForgotPassword: a password reset;
//   - /logout: ends the managed-login session and returns to a registered
//     sign-out URL (or to /login, for another sign-in).
//
// The pages are Cognito's own client of the API: they run the same
// actions an app does (their checks, limits and lockouts included),
// sending the SECRET_HASH themselves, as Cognito's own pages know the
// client's secret. They sign in whatever the client's ExplicitAuthFlows
// (AWS's managed login does not depend on them; the assumption is that
// the flow settings govern the API only).
//
// Safety: every value from a request is escaped by html/template; every
// form carries a CSRF token that must match the XSRF-TOKEN cookie (a
// double-submit token; the cookie is HttpOnly and SameSite=Strict); the
// session cookie is HttpOnly, SameSite=Lax (so that the app's link to
// /oauth2/authorize carries it) and Secure over TLS; the only redirects
// are to the client's registered URLs and to the server's own pages; the
// pages forbid framing.

// Paths of the managed login.
const (
	loginPath                 = "/login"
	signUpPath                = "/signup"
	confirmSignUpPath         = "/confirm"
	forgotPasswordPath        = "/forgotPassword"
	confirmForgotPasswordPath = "/confirmForgotPassword"
	logoutPath                = "/logout"
)

// Bounds of the managed login.
const (
	// loginSessionLife is how long a managed-login session signs the user
	// in again without a form. AWS: the session cookie "is valid for one
	// hour".
	loginSessionLife = time.Hour
	// maxLoginField bounds a username, code or password from a form, as
	// the API bounds them (usernames and passwords: 128 and 256).
	maxLoginField = 256
)

// loginCookie is the name of the managed-login session cookie of pool
// p. On AWS each pool's pages are on its own domain; here every pool
// shares the server's address, so each has its own cookie.
func loginCookie(p *pool) string { return "cognito-login-" + p.ID }

//go:embed pages/login.html
var pageFiles embed.FS

var loginTemplate = template.Must(template.ParseFS(pageFiles, "pages/login.html"))

// loginPage is what a managed-login page shows.
type loginPage struct {
	Title, Error, Notice string
	// Form names the form shown ("" for none): signin, newPassword,
	// code, selectMFA, signup, confirm, forgot or confirmForgot.
	Form          string
	Action        string // the URL the form posts to
	CSRF          string
	Username      string
	UsernameLabel string
	// Challenge and Session are a pending sign-in step's, with Prompt
	// saying what a code form asks and Options the choices of selectMFA.
	Challenge, Session, Prompt string
	Options                    []string
	// AskUsername and Attributes are the sign-up form's fields.
	AskUsername bool
	Attributes  []signUpField
	Links       []pageLink
	PoolID      string
	status      int
}

// signUpField is an attribute the sign-up form asks for.
type signUpField struct {
	Name, Label, Value string
	Required           bool
}

// pageLink is a link under a form.
type pageLink struct{ URL, ID, Text string }

// loginFlow is one request to a managed-login page: its authorization and
// the caller the pages act as.
type loginFlow struct {
	w    http.ResponseWriter
	r    *http.Request
	a    *authorization
	csrf string
}

// startLoginFlow checks the authorization request of a managed-login
// page and, for a POST, its form and CSRF token; on failure it has
// answered and returns nil.
func (s *Server) startLoginFlow(w http.ResponseWriter, r *http.Request) *loginFlow {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		s.showError(w, r, &pageError{status: http.StatusMethodNotAllowed, message: "This page accepts GET and POST only."})
		return nil
	}
	a := s.authorizationOf(w, r, r.URL.Query())
	if a == nil {
		return nil
	}
	f := &loginFlow{w: w, r: r, a: a}
	if r.Method == http.MethodPost {
		if err := readPageForm(w, r); err != nil {
			s.showError(w, r, err)
			return nil
		}
	}
	f.csrf = csrfToken(w, r)
	return f
}

// url is a page's URL under the flow's authorization request.
func (f *loginFlow) url(path string) string { return path + "?" + f.a.req.values().Encode() }

// caller is the API caller the pages act as: the app client, signing in
// for the managed login (a proven sign-in ends in an authorization).
func (f *loginFlow) caller(s *Server) *caller {
	return &caller{baseURL: s.requestBaseURL(f.r), client: f.a.client, pool: f.a.pool, managedLogin: true}
}

// secretHash is the SECRET_HASH the pages send for username.
func (f *loginFlow) secretHash(username string) string {
	cl := f.a.client
	if !cl.hasSecret() {
		return ""
	}
	return secrethash.Compute(cl.primarySecret(), username, cl.ID)
}

// field is a value of the posted form, bounded.
func (f *loginFlow) field(name string) (string, error) {
	v := f.r.PostForm.Get(name)
	if len(v) > maxLoginField {
		return "", badPage("The field " + name + " is too long.")
	}
	return v, nil
}

// usernameLabel names what the pool's users sign in with.
func usernameLabel(p *pool) string {
	switch {
	case slices.Equal(p.UsernameAttributes, []string{"email"}):
		return "Email address"
	case slices.Equal(p.UsernameAttributes, []string{"phone_number"}):
		return "Phone number"
	case len(p.UsernameAttributes) > 0:
		return "Email address or phone number"
	}
	return "Username"
}

// show renders page with the flow's common parts.
func (s *Server) show(f *loginFlow, page *loginPage) {
	page.CSRF = f.csrf
	page.PoolID = f.a.pool.ID
	if page.Action == "" {
		page.Action = f.url(f.r.URL.Path)
	}
	if page.UsernameLabel == "" {
		page.UsernameLabel = usernameLabel(f.a.pool)
	}
	if page.Form == "signin" || page.Form == "forgot" || page.Form == "signup" {
		page.Links = f.links(page.Form)
	}
	s.render(f.w, page)
}

// links are the links under a form: to the other first pages.
func (f *loginFlow) links(form string) []pageLink {
	var links []pageLink
	if form != "signin" {
		links = append(links, pageLink{f.url(loginPath), "signin-link", "Sign in"})
	}
	if form != "signup" && !f.a.pool.AdminCreateUserOnly {
		links = append(links, pageLink{f.url(signUpPath), "signup-link", "Need an account? Sign up"})
	}
	if form != "forgot" {
		links = append(links, pageLink{f.url(forgotPasswordPath), "forgot-link", "Forgot your password?"})
	}
	return links
}

// render writes a page with the headers every managed-login page has.
func (s *Server) render(w http.ResponseWriter, page *loginPage) {
	setPageHeaders(w.Header(), "no-referrer")
	status := page.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	if err := loginTemplate.Execute(w, page); err != nil {
		s.log.Error("rendering a managed-login page failed", "err", err)
	}
}

// showError answers with an error page: a *pageError's message, an API
// error's, or (for any other failure, which is logged) a generic one.
func (s *Server) showError(w http.ResponseWriter, r *http.Request, err error) {
	page := &loginPage{Title: "Something went wrong", status: http.StatusBadRequest}
	var pe *pageError
	var apiErr *apiError
	switch {
	case errors.As(err, &pe):
		page.status, page.Error = pe.status, pe.message
	case errors.As(err, &apiErr):
		page.Error = apiErr.Message
	default:
		s.log.Error("managed login failed", "path", r.URL.Path, "err", err)
		page.status, page.Error = http.StatusInternalServerError, "Internal server error."
	}
	s.render(w, page)
}

// failed shows page again with the error an action answered: an API
// error's message (Cognito's words, which never hold a secret), or the
// error page for any other failure.
func (s *Server) failed(f *loginFlow, page *loginPage, err error) {
	var apiErr *apiError
	if !errors.As(err, &apiErr) {
		s.showError(f.w, f.r, err)
		return
	}
	page.Error, page.status = apiErr.Message, http.StatusBadRequest
	s.show(f, page)
}

// serveLogin is /login: the sign-in form and the steps after it.
func (s *Server) serveLogin(w http.ResponseWriter, r *http.Request) {
	f := s.startLoginFlow(w, r)
	switch {
	case f == nil:
	case r.Method == http.MethodGet:
		s.show(f, &loginPage{Title: "Sign in", Form: "signin"})
	case f.r.PostForm.Get("challenge") != "":
		s.answerLoginChallenge(f)
	default:
		s.passwordSignIn(f)
	}
}

// passwordSignIn checks the sign-in form's username and password.
func (s *Server) passwordSignIn(f *loginFlow) {
	page := &loginPage{Title: "Sign in", Form: "signin"}
	username, err := f.field("username")
	if err == nil {
		page.Username = username
		var password string
		if password, err = f.field("password"); err == nil && (username == "" || password == "") {
			err = invalidParameter("Enter your username and password.")
		}
		if err == nil {
			var step *authStep
			step, err = s.passwordAuth(f.r.Context(), f.caller(s), map[string]string{
				"USERNAME": username, "PASSWORD": password, "SECRET_HASH": f.secretHash(username),
			})
			if err == nil {
				s.nextLoginStep(f, username, step)
				return
			}
		}
	}
	var apiErr *apiError
	if errors.As(err, &apiErr) {
		switch apiErr.Type {
		case excUserNotConfirmed:
			s.show(f, &loginPage{Title: "Confirm your account", Form: "confirm", Action: f.url(confirmSignUpPath), Username: username,
				Notice: "Your account is not confirmed yet: enter the code you were sent, or ask for a new one."})
			return
		case excPasswordResetRequired:
			s.show(f, &loginPage{Title: "Reset your password", Form: "forgot", Action: f.url(forgotPasswordPath), Username: username,
				Notice: "Your password must be reset before you sign in."})
			return
		}
	}
	s.failed(f, page, err)
}

// loginChallenges are the steps of a sign-in the pages can answer, with
// the form each needs and what it posts as the challenge's answer.
var loginChallenges = map[types.ChallengeNameType]struct {
	form, prompt, answer string
}{
	"NEW_PASSWORD_REQUIRED": {"newPassword", "", "NEW_PASSWORD"},
	"SOFTWARE_TOKEN_MFA":    {"code", "Enter the code from your authenticator app.", "SOFTWARE_TOKEN_MFA_CODE"},
	"SMS_MFA":               {"code", "Enter the code we sent you by SMS.", "SMS_MFA_CODE"},
	"EMAIL_OTP":             {"code", "Enter the code we sent you by email.", "EMAIL_OTP_CODE"},
	"SELECT_MFA_TYPE":       {"selectMFA", "", "ANSWER"},
}

// nextLoginStep goes on from a step of the sign-in of username: the form
// of its next challenge, or the end of the sign-in.
func (s *Server) nextLoginStep(f *loginFlow, username string, step *authStep) {
	if step.signedIn != nil {
		s.finishLogin(f, step.signedIn)
		return
	}
	ch, ok := loginChallenges[step.challenge]
	if !ok {
		// MFA_SETUP and the passwordless steps need more than a form
		// of the local pages.
		s.show(f, &loginPage{Title: "Sign in", Form: "signin", Username: username, status: http.StatusBadRequest,
			Error: "The local managed login cannot take the " + string(step.challenge) + " step of this sign-in; sign in through the API instead."})
		return
	}
	if id := step.params["USER_ID_FOR_SRP"]; id != "" {
		username = id // the challenges name the user by username
	}
	page := &loginPage{Title: "Sign in", Form: ch.form, Prompt: ch.prompt, Username: username, Challenge: string(step.challenge), Session: step.session}
	if step.challenge == "SELECT_MFA_TYPE" {
		json.Unmarshal([]byte(step.params["MFAS_CAN_CHOOSE"]), &page.Options)
	}
	if step.challenge == "NEW_PASSWORD_REQUIRED" {
		page.Title = "Change your password"
	}
	s.show(f, page)
}

// answerLoginChallenge answers the pending step of a sign-in a form
// posted.
func (s *Server) answerLoginChallenge(f *loginFlow) {
	form := f.r.PostForm
	name := types.ChallengeNameType(form.Get("challenge"))
	ch, ok := loginChallenges[name]
	if !ok {
		s.showError(f.w, f.r, badPage("The form names no step of a sign-in."))
		return
	}
	username, session := form.Get("username"), form.Get("session")
	page := &loginPage{Title: "Sign in", Form: ch.form, Prompt: ch.prompt, Username: username, Challenge: string(name), Session: session}
	field := map[string]string{"newPassword": "password", "code": "code", "selectMFA": "answer"}[ch.form]
	value, err := f.field(field)
	if err == nil && len(username) > maxLoginField {
		err = badPage("The username is too long.")
	}
	if err == nil && ch.form == "newPassword" && value != form.Get("password_confirm") {
		err = invalidParameter("The two passwords are not the same.")
	}
	if err == nil {
		var step *authStep
		step, err = s.answer(f.r.Context(), f.caller(s), &challengeAnswer{name: name, session: session, responses: map[string]string{
			"USERNAME": username, "SECRET_HASH": f.secretHash(username), ch.answer: value,
		}})
		if err == nil {
			s.nextLoginStep(f, username, step)
			return
		}
	}
	var apiErr *apiError
	if errors.As(err, &apiErr) && apiErr.Type == excUnauthorized {
		// The step's session is spent or expired: the sign-in starts
		// over.
		s.show(f, &loginPage{Title: "Sign in", Form: "signin", status: http.StatusBadRequest, Error: apiErr.Message + " Sign in again."})
		return
	}
	s.failed(f, page, err)
}

// loginSession is a managed-login session, found by the hash of its
// cookie: the user it signed in, and when. /logout ends it; GlobalSignOut
// and AdminUserGlobalSignOut do not (AWS: "This operation doesn't clear
// the managed login session cookie"), while a user disabled or deleted
// can no longer use it.
type loginSession struct {
	UsernameKey string    `json:"usernameKey"`
	Sub         string    `json:"sub"`
	AuthTime    time.Time `json:"authTime"`
	Expires     time.Time `json:"expires"`
}

// user is the user ls signed in, if it still may sign in: the same user
// (not one deleted and created again under the name), enabled and
// confirmed.
func (ls *loginSession) user(st *state, p *pool) (*user, error) {
	return signedInUser(st, p, ls.UsernameKey, ls.Sub)
}

// errSignedInUserGone answers a managed-login session or authorization
// code whose user was deleted.
var errSignedInUserGone = notAuthorized("The user who signed in no longer exists.")

// signedInUser is the user keyed ukey with the sub given, if it may still
// sign in.
func signedInUser(st *state, p *pool, ukey, sub string) (*user, error) {
	u, err := st.userByKey(p, ukey)
	switch {
	case isNotFound(err):
		return nil, errSignedInUserGone
	case err != nil:
		return nil, err
	case u.Attributes["sub"] != sub:
		return nil, errSignedInUserGone
	}
	if err := signInStatus(u); err != nil {
		return nil, err
	}
	return u, nil
}

// finishLogin starts the managed-login session of u, who proved every
// factor, and answers the authorization.
func (s *Server) finishLogin(f *loginFlow, u *user) {
	p := f.a.pool
	if err := s.postAuthentication(f.r.Context(), f.caller(s), u, false); err != nil {
		s.failed(f, &loginPage{Title: "Sign in", Form: "signin", Username: u.Username}, err)
		return
	}
	now := s.now()
	ls := &loginSession{UsernameKey: p.usernameKey(u.Username), Sub: u.Attributes["sub"], AuthTime: now, Expires: now.Add(loginSessionLife)}
	token, hash := newRefreshToken()
	err := s.update(f.r.Context(), func(st *state) error {
		if old, err := f.r.Cookie(loginCookie(p)); err == nil {
			if err := st.deleteLoginSession(p, hashToken(old.Value)); err != nil {
				return err
			}
		}
		return st.putLoginSession(p, hash, ls)
	})
	if err != nil {
		s.showError(f.w, f.r, err)
		return
	}
	http.SetCookie(f.w, &http.Cookie{
		Name: loginCookie(p), Value: token, Path: "/", MaxAge: int(loginSessionLife / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: f.r.TLS != nil,
	})
	s.log.Info("managed login signed in", "userPoolId", p.ID, "clientId", f.a.client.ID, "sub", ls.Sub)
	s.answerAuthorization(f.w, f.r, f.a, ls)
}

// liveLoginSession is the browser's managed-login session of p, if it has
// one that is live and whose user may still sign in; nil otherwise.
func (s *Server) liveLoginSession(r *http.Request, p *pool) (*loginSession, error) {
	c, err := r.Cookie(loginCookie(p))
	if err != nil || len(c.Value) > maxLoginField {
		return nil, nil
	}
	var ls *loginSession
	err = s.view(r.Context(), func(st *state) (err error) {
		if ls, err = st.loginSession(p, hashToken(c.Value)); err != nil {
			return err
		}
		_, err = ls.user(st, p)
		return err
	})
	var apiErr *apiError
	switch {
	case isNotFound(err) || errors.As(err, &apiErr):
		return nil, nil
	case err != nil:
		return nil, err
	case !s.now().Before(ls.Expires):
		return nil, nil
	}
	return ls, nil
}

// callAPI runs a client action for the pages, with its input validated
// and its caller resolved as the API does both.
func callAPI[In, Out any](s *Server, ctx context.Context, c *caller, fn func(*Server, context.Context, *caller, *In) (*Out, error), in *In) (*Out, error) {
	return callAction(s, ctx, byClient, c, fn, in)
}

// serveSignUp is /signup: a new account, confirmed next on /confirm.
func (s *Server) serveSignUp(w http.ResponseWriter, r *http.Request) {
	f := s.startLoginFlow(w, r)
	if f == nil {
		return
	}
	p := f.a.pool
	if p.AdminCreateUserOnly {
		s.show(f, &loginPage{Title: "Sign up", status: http.StatusForbidden, Error: "This user pool does not let users sign themselves up.",
			Links: []pageLink{{f.url(loginPath), "signin-link", "Sign in"}}})
		return
	}
	page := &loginPage{Title: "Sign up", Form: "signup", AskUsername: len(p.UsernameAttributes) == 0}
	for _, a := range p.Schema {
		if (a.Required || a.Name == "email") && a.Name != "sub" && !a.DeveloperOnly {
			page.Attributes = append(page.Attributes, signUpField{Name: a.Name, Label: attributeLabel(a.Name), Required: a.Required || len(p.UsernameAttributes) > 0 && a.Name == "email"})
		}
	}
	if r.Method == http.MethodGet {
		s.show(f, page)
		return
	}
	in := &cip.SignUpInput{ClientId: aws.String(f.a.client.ID), Password: aws.String(f.r.PostForm.Get("password"))}
	username := f.r.PostForm.Get("username")
	for i, field := range page.Attributes {
		v := strings.TrimSpace(f.r.PostForm.Get("attr:" + field.Name))
		page.Attributes[i].Value = v
		if v != "" {
			in.UserAttributes = append(in.UserAttributes, types.AttributeType{Name: aws.String(field.Name), Value: aws.String(v)})
		}
		if !page.AskUsername && field.Name == "email" {
			username = v // the pool's users sign up with their email
		}
	}
	page.Username = username
	in.Username, in.SecretHash = aws.String(username), optional(f.secretHash(username))
	out, err := callAPI(s, f.r.Context(), f.caller(s), (*Server).signUp, in)
	if err != nil {
		s.failed(f, page, err)
		return
	}
	if out.UserConfirmed {
		s.show(f, &loginPage{Title: "Sign in", Form: "signin", Action: f.url(loginPath), Username: username, Notice: "Your account is ready: sign in."})
		return
	}
	notice := "We sent you a confirmation code."
	if d := out.CodeDeliveryDetails; d != nil && d.Destination != nil {
		notice = "We sent a confirmation code to " + *d.Destination + "."
	}
	s.show(f, &loginPage{Title: "Confirm your account", Form: "confirm", Action: f.url(confirmSignUpPath), Username: username, Notice: notice})
}

// attributeLabel is how the sign-up form names an attribute.
func attributeLabel(name string) string {
	label := strings.ReplaceAll(strings.TrimPrefix(name, "custom:"), "_", " ")
	return strings.ToUpper(label[:1]) + label[1:]
}

// serveConfirmSignUp is /confirm: a sign-up's confirmation code, or a new
// one sent.
func (s *Server) serveConfirmSignUp(w http.ResponseWriter, r *http.Request) {
	f := s.startLoginFlow(w, r)
	if f == nil {
		return
	}
	username := f.r.FormValue("username")
	page := &loginPage{Title: "Confirm your account", Form: "confirm", Username: username}
	if r.Method == http.MethodGet {
		s.show(f, page)
		return
	}
	ctx, c, hash := f.r.Context(), f.caller(s), optional(f.secretHash(username))
	if f.r.PostForm.Get("resend") != "" {
		out, err := callAPI(s, ctx, c, (*Server).resendConfirmationCode, &cip.ResendConfirmationCodeInput{
			ClientId: aws.String(f.a.client.ID), Username: aws.String(username), SecretHash: hash,
		})
		if err != nil {
			s.failed(f, page, err)
			return
		}
		page.Notice = "We sent you a new code."
		if d := out.CodeDeliveryDetails; d != nil && d.Destination != nil {
			page.Notice = "We sent a new code to " + *d.Destination + "."
		}
		s.show(f, page)
		return
	}
	_, err := callAPI(s, ctx, c, (*Server).confirmSignUp, &cip.ConfirmSignUpInput{
		ClientId: aws.String(f.a.client.ID), Username: aws.String(username), SecretHash: hash,
		ConfirmationCode: aws.String(f.r.PostForm.Get("code")),
	})
	if err != nil {
		s.failed(f, page, err)
		return
	}
	s.show(f, &loginPage{Title: "Sign in", Form: "signin", Action: f.url(loginPath), Username: username, Notice: "Your account is confirmed: sign in."})
}

// serveForgotPassword is /forgotPassword: a reset code sent.
func (s *Server) serveForgotPassword(w http.ResponseWriter, r *http.Request) {
	f := s.startLoginFlow(w, r)
	if f == nil {
		return
	}
	page := &loginPage{Title: "Reset your password", Form: "forgot"}
	if r.Method == http.MethodGet {
		s.show(f, page)
		return
	}
	username := f.r.PostForm.Get("username")
	page.Username = username
	out, err := callAPI(s, f.r.Context(), f.caller(s), (*Server).forgotPassword, &cip.ForgotPasswordInput{
		ClientId: aws.String(f.a.client.ID), Username: aws.String(username), SecretHash: optional(f.secretHash(username)),
	})
	if err != nil {
		s.failed(f, page, err)
		return
	}
	notice := "We sent you a code."
	if d := out.CodeDeliveryDetails; d != nil && d.Destination != nil {
		notice = "We sent a code to " + *d.Destination + "."
	}
	s.show(f, &loginPage{Title: "Reset your password", Form: "confirmForgot", Action: f.url(confirmForgotPasswordPath), Username: username, Notice: notice})
}

// serveConfirmForgotPassword is /confirmForgotPassword: the reset code
// and the new password.
func (s *Server) serveConfirmForgotPassword(w http.ResponseWriter, r *http.Request) {
	f := s.startLoginFlow(w, r)
	if f == nil {
		return
	}
	username := f.r.FormValue("username")
	page := &loginPage{Title: "Reset your password", Form: "confirmForgot", Username: username}
	if r.Method == http.MethodGet {
		s.show(f, page)
		return
	}
	password := f.r.PostForm.Get("password")
	if password != f.r.PostForm.Get("password_confirm") {
		s.failed(f, page, invalidParameter("The two passwords are not the same."))
		return
	}
	_, err := callAPI(s, f.r.Context(), f.caller(s), (*Server).confirmForgotPassword, &cip.ConfirmForgotPasswordInput{
		ClientId: aws.String(f.a.client.ID), Username: aws.String(username), SecretHash: optional(f.secretHash(username)),
		ConfirmationCode: aws.String(f.r.PostForm.Get("code")), Password: aws.String(password),
	})
	if err != nil {
		s.failed(f, page, err)
		return
	}
	s.show(f, &loginPage{Title: "Sign in", Form: "signin", Action: f.url(loginPath), Username: username, Notice: "Your password is changed: sign in."})
}

// serveLogout is /logout: it ends the browser's managed-login session of
// the client's pool and redirects to logout_uri, which must be one of the
// client's LogoutURLs exactly; or, given the parameters of an
// authorization request instead (redirect_uri, response_type...), to a
// new sign-in (AWS: "you can redirect your user to sign in again").
func (s *Server) serveLogout(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		s.showError(w, r, &pageError{status: http.StatusMethodNotAllowed, message: "The logout endpoint accepts GET only."})
		return
	}
	q := r.URL.Query()
	logoutURI := q.Get("logout_uri")
	var target string
	var p *pool
	if logoutURI == "" {
		a := s.authorizationOf(w, r, q)
		if a == nil {
			return
		}
		p, target = a.pool, loginPath+"?"+a.req.values().Encode()
	} else {
		var cl *appClient
		err := s.view(r.Context(), func(st *state) (err error) {
			cl, p, err = st.client(q.Get("client_id"))
			return err
		})
		var apiErr *apiError
		switch {
		case q.Get("client_id") == "":
			s.showError(w, r, badPage("The client_id parameter is missing."))
			return
		case errors.As(err, &apiErr) || isNotFound(err):
			s.showError(w, r, badPage("The app client "+truncate(q.Get("client_id"), 128)+" does not exist."))
			return
		case err != nil:
			s.showError(w, r, err)
			return
		case !slices.Contains(cl.OAuth.LogoutURLs, logoutURI):
			s.showError(w, r, badPage("The logout_uri is not one of the app client's sign-out URLs."))
			return
		}
		target = logoutURI
	}
	if c, err := r.Cookie(loginCookie(p)); err == nil {
		if err := s.update(r.Context(), func(st *state) error { return st.deleteLoginSession(p, hashToken(c.Value)) }); err != nil {
			s.showError(w, r, err)
			return
		}
		s.log.Info("managed login signed out", "userPoolId", p.ID)
	}
	http.SetCookie(w, &http.Cookie{Name: loginCookie(p), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(w, r, target, http.StatusFound)
}
