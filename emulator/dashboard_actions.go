package emulator

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// The dashboard's actions (dashboard.go): each a POST from a dashboard
// page, checked (origin, CSRF token) by dashboardForm, that runs the API's
// own typed function as the administrator, with its input validated as
// the API validates it. A success redirects to a page (POST-redirect-GET)
// whose ?done= names a fixed notice; a failure Cognito explains shows the
// page again with Cognito's message.

// dashboardNotices are the notices of the redirects after an action:
// fixed texts, never a value from a request.
var dashboardNotices = map[string]string{
	"created":      "The user was created.",
	"confirm":      "The user's sign-up is confirmed.",
	"disable":      "The user is disabled: its sign-ins are revoked and it cannot sign in.",
	"enable":       "The user is enabled.",
	"reset":        "The password is reset: the user must choose a new one with the code now in the outbox.",
	"delete":       "The user was deleted.",
	"group":        "The user was added to the group.",
	"groupCreated": "The group was created.",
}

// poolPageURL and userPageURL are the paths of a pool's and a user's
// pages.
func poolPageURL(poolID string) string { return dashboardPath + "pools/" + url.PathEscape(poolID) }

func userPageURL(poolID, username string) string {
	return poolPageURL(poolID) + "/users/" + url.PathEscape(username)
}

// dashboardCaller is the caller the dashboard's actions run as: the
// administrator.
func (s *Server) dashboardCaller(r *http.Request) *caller {
	return &caller{baseURL: s.requestBaseURL(r)}
}

// actionDone redirects after a successful action to target, with the
// notice done.
func (s *Server) actionDone(w http.ResponseWriter, r *http.Request, action, target, done string) {
	s.log.Info("dashboard action", "action", action, "userPoolId", r.PathValue("pool"))
	http.Redirect(w, r, target+"?done="+done, http.StatusSeeOther)
}

// actionFailed answers an action that failed: for a failure Cognito
// explains (or the dashboard does), the page again with the message, shown
// by show; for any other, the error page.
func (s *Server) actionFailed(w http.ResponseWriter, r *http.Request, err error, show func(page *dashPage)) {
	var apiErr *apiError
	var pe *pageError
	if !errors.As(err, &apiErr) && !errors.As(err, &pe) {
		s.dashboardError(w, r, err)
		return
	}
	page := &dashPage{}
	page.status, page.Error = s.dashboardFailure(r, err)
	show(page)
}

// serveDashboardCreateUser creates a user of the pool: a username (none,
// in a pool whose users sign in with their email: the email), an email
// (verified when the box says so), and a password — temporary, sent to
// the outbox as an invitation, unless "permanent" is ticked; with no
// password Cognito draws a temporary one, which the invitation carries.
func (s *Server) serveDashboardCreateUser(w http.ResponseWriter, r *http.Request) {
	if !s.dashboardForm(w, r, true) {
		return
	}
	form := &createUserForm{Username: strings.TrimSpace(r.PostForm.Get("username")), Email: strings.TrimSpace(r.PostForm.Get("email"))}
	username, err := s.dashboardCreateUser(r, form, r.PostForm.Get("password"), r.PostForm.Get("permanent") != "", r.PostForm.Get("email_verified") != "")
	if err != nil {
		s.actionFailed(w, r, err, func(page *dashPage) { s.showPool(w, r, page, form) })
		return
	}
	s.actionDone(w, r, "create user", userPageURL(r.PathValue("pool"), username), "created")
}

// dashboardCreateUser runs AdminCreateUser (and, for a permanent
// password, AdminSetUserPassword) and returns the new user's username.
func (s *Server) dashboardCreateUser(r *http.Request, form *createUserForm, password string, permanent, verified bool) (string, error) {
	if permanent && password == "" {
		return "", invalidParameter("A permanent password needs a password: enter one, or untick the box for a temporary password sent to the outbox.")
	}
	ctx, c, poolID := r.Context(), s.dashboardCaller(r), aws.String(r.PathValue("pool"))
	username := form.Username
	if username == "" {
		username = form.Email // a pool whose users sign in with their email
	}
	in := &cip.AdminCreateUserInput{UserPoolId: poolID, Username: aws.String(username), TemporaryPassword: optional(password)}
	if form.Email != "" {
		in.UserAttributes = append(in.UserAttributes, types.AttributeType{Name: aws.String("email"), Value: aws.String(form.Email)})
		if verified {
			in.UserAttributes = append(in.UserAttributes, types.AttributeType{Name: aws.String("email_verified"), Value: aws.String("true")})
		}
	}
	if permanent {
		in.MessageAction = types.MessageActionTypeSuppress
	}
	out, err := callAction(s, ctx, byIAM, c, (*Server).adminCreateUser, in)
	if err != nil {
		return "", err
	}
	created := aws.ToString(out.User.Username)
	if permanent {
		_, err = callAction(s, ctx, byIAM, c, (*Server).adminSetUserPassword, &cip.AdminSetUserPasswordInput{
			UserPoolId: poolID, Username: aws.String(created), Password: aws.String(password), Permanent: true,
		})
	}
	return created, err
}

// serveDashboardCreateGroup creates a group of the pool.
func (s *Server) serveDashboardCreateGroup(w http.ResponseWriter, r *http.Request) {
	if !s.dashboardForm(w, r, true) {
		return
	}
	_, err := callAction(s, r.Context(), byIAM, s.dashboardCaller(r), (*Server).createGroup, &cip.CreateGroupInput{
		UserPoolId: aws.String(r.PathValue("pool")), GroupName: aws.String(strings.TrimSpace(r.PostForm.Get("name"))),
		Description: optional(strings.TrimSpace(r.PostForm.Get("description"))),
	})
	if err != nil {
		s.actionFailed(w, r, err, func(page *dashPage) { s.showPool(w, r, page, nil) })
		return
	}
	s.actionDone(w, r, "create group", poolPageURL(r.PathValue("pool")), "groupCreated")
}

// serveDashboardUserAction runs an action on a user: confirm its
// sign-up, disable or enable it, reset its password, delete it, or add it
// to a group (the form's "group").
func (s *Server) serveDashboardUserAction(w http.ResponseWriter, r *http.Request) {
	if !s.dashboardForm(w, r, true) {
		return
	}
	ctx, c, action := r.Context(), s.dashboardCaller(r), r.PathValue("action")
	poolID, username := aws.String(r.PathValue("pool")), aws.String(r.PathValue("user"))
	var err error
	switch action {
	case "confirm":
		_, err = callAction(s, ctx, byIAM, c, (*Server).adminConfirmSignUp, &cip.AdminConfirmSignUpInput{UserPoolId: poolID, Username: username})
	case "disable":
		_, err = callAction(s, ctx, byIAM, c, (*Server).adminDisableUser, &cip.AdminDisableUserInput{UserPoolId: poolID, Username: username})
	case "enable":
		_, err = callAction(s, ctx, byIAM, c, (*Server).adminEnableUser, &cip.AdminEnableUserInput{UserPoolId: poolID, Username: username})
	case "reset":
		_, err = callAction(s, ctx, byIAM, c, (*Server).adminResetUserPassword, &cip.AdminResetUserPasswordInput{UserPoolId: poolID, Username: username})
	case "delete":
		_, err = callAction(s, ctx, byIAM, c, (*Server).adminDeleteUser, &cip.AdminDeleteUserInput{UserPoolId: poolID, Username: username})
	case "group":
		_, err = callAction(s, ctx, byIAM, c, (*Server).adminAddUserToGroup, &cip.AdminAddUserToGroupInput{
			UserPoolId: poolID, Username: username, GroupName: aws.String(r.PostForm.Get("group")),
		})
	default:
		s.dashboardError(w, r, &pageError{status: http.StatusNotFound, message: "The dashboard has no action " + truncate(action, 32) + "."})
		return
	}
	if err != nil {
		s.actionFailed(w, r, err, func(page *dashPage) { s.showUser(w, r, page) })
		return
	}
	target := userPageURL(*poolID, *username)
	if action == "delete" {
		target = poolPageURL(*poolID)
	}
	s.actionDone(w, r, action, target, action)
}
