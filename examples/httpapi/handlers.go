package main

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/examples/internal/serve"
	"github.com/cognitokit/cognito/httpauth"
	"github.com/cognitokit/cognito/jwtverify"
)

// realm names this API in WWW-Authenticate.
const realm = "httpapi"

// maxBodySize bounds a request body: the largest, a refresh with an ID
// token, is a few kilobytes.
const maxBodySize = 64 << 10

// api holds what the handlers share.
type api struct {
	client *cognito.Client
	logger *slog.Logger
}

// newAPI returns the API's handler. access verifies access tokens (for
// /admin and /logout), id verifies ID tokens (for /profile); both must be
// for the client's pool and app client.
//
// Why /profile takes the ID token: it answers from the token's claims,
// with no call to Cognito, and only the ID token carries the user's
// profile (email, email_verified, name); Cognito's access tokens carry
// none of the user's attributes, only sub, username, groups, scopes and
// the like. Clients send the ID token to /profile and the access token
// everywhere else. (An API that must see attributes changed since sign-in
// calls GetUser with the access token instead.)
//
// Both are verified locally, against the pool's keys: a token signed out
// with /logout stays valid here until it expires (an hour by default).
// What /logout ends at once is the refresh token — /refresh then fails —
// and every call the API makes to Cognito with the access token.
func newAPI(client *cognito.Client, access, id *jwtverify.Verifier, logger *slog.Logger) http.Handler {
	a := &api{client: client, logger: logger}
	opts := []httpauth.Option{httpauth.WithRealm(realm), httpauth.WithErrorHandler(a.authFailed)}
	withAccess := httpauth.Require(access, opts...)
	withID := httpauth.Require(id, opts...)
	adminsOnly := httpauth.Require(access, append(opts, httpauth.RequireGroups("admin"))...)

	mux := http.NewServeMux()
	mux.HandleFunc("POST /register", a.register)
	mux.HandleFunc("POST /confirm", a.confirm)
	mux.HandleFunc("POST /login", a.login)
	mux.HandleFunc("POST /refresh", a.refresh)
	mux.Handle("GET /profile", withID(http.HandlerFunc(a.profile)))
	mux.Handle("GET /admin", adminsOnly(http.HandlerFunc(a.admin)))
	mux.Handle("POST /logout", withAccess(http.HandlerFunc(a.logout)))
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	return serve.LogRequests(a.logger, mux)
}

// A request is a JSON request body that knows its required fields.
type request interface {
	// missing returns what is missing, for the client, or "".
	missing() string
}

type credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (in *credentials) missing() string {
	if in.Email == "" || in.Password == "" {
		return "Email and password are required."
	}
	return ""
}

type registerRequest struct {
	credentials
	Name string `json:"name"`
}

// register signs a user up; Cognito sends them a code to confirm with.
func (a *api) register(w http.ResponseWriter, r *http.Request) {
	var in registerRequest
	if !decode(w, r, &in) {
		return
	}
	var attrs map[string]string
	if in.Name != "" {
		attrs = map[string]string{"name": in.Name}
	}
	res, err := a.client.Register(r.Context(), in.Email, in.Password, attrs)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, res)
}

type confirmRequest struct {
	Email string `json:"email"`
	Code  string `json:"code"`
}

func (in *confirmRequest) missing() string {
	if in.Email == "" || in.Code == "" {
		return "Email and code are required."
	}
	return ""
}

// confirm confirms a registration with the code the user received.
func (a *api) confirm(w http.ResponseWriter, r *http.Request) {
	var in confirmRequest
	if !decode(w, r, &in) {
		return
	}
	if err := a.client.Confirm(r.Context(), in.Email, in.Code); err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"confirmed": true})
}

// login signs a user in and returns their tokens.
func (a *api) login(w http.ResponseWriter, r *http.Request) {
	var in credentials
	if !decode(w, r, &in) {
		return
	}
	tokens, err := a.client.Authenticate(r.Context(), in.Email, in.Password)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, tokens)
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
	// IDToken or Username name the user, which Cognito needs when the app
	// client has a secret. The ID token may have expired: only its
	// cognito:username is read.
	IDToken  string `json:"id_token"`
	Username string `json:"username"`
}

func (in *refreshRequest) missing() string {
	if in.RefreshToken == "" {
		return "refresh_token is required."
	}
	return ""
}

// refresh returns new access and ID tokens for a refresh token.
func (a *api) refresh(w http.ResponseWriter, r *http.Request) {
	var in refreshRequest
	if !decode(w, r, &in) {
		return
	}
	var (
		tokens *cognito.Tokens
		err    error
	)
	if in.IDToken != "" {
		tokens, err = a.client.RefreshTokens(r.Context(), &cognito.Tokens{RefreshToken: in.RefreshToken, IDToken: in.IDToken})
	} else {
		tokens, err = a.client.Refresh(r.Context(), in.RefreshToken, in.Username)
	}
	if err != nil {
		// With a client secret, Cognito needs the user's internal
		// username: missing or wrong in the request, since /login works.
		if errors.Is(err, cognito.ErrSecretHashRequired) {
			writeError(w, http.StatusBadRequest, "invalid_request", "Send the user's id_token (or username) with the refresh_token.")
			return
		}
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, tokens)
}

// profileResponse is the signed-in user, from their ID token.
type profileResponse struct {
	Sub           string   `json:"sub"`
	Username      string   `json:"username"`
	Email         string   `json:"email"`
	Name          string   `json:"name,omitempty"`
	EmailVerified bool     `json:"email_verified"`
	Groups        []string `json:"groups,omitempty"`
}

// profile answers from the ID token's claims, with no call to Cognito.
func (a *api) profile(w http.ResponseWriter, r *http.Request) {
	c, _ := httpauth.ClaimsFrom(r.Context())
	writeJSON(w, http.StatusOK, profileResponse{
		Sub: c.Subject, Username: c.Username(), Email: c.Email, Name: c.Name,
		EmailVerified: c.EmailVerified, Groups: c.Groups,
	})
}

// admin is for users in the group "admin" only.
func (a *api) admin(w http.ResponseWriter, r *http.Request) {
	c, _ := httpauth.ClaimsFrom(r.Context())
	writeJSON(w, http.StatusOK, map[string]string{"message": "Welcome to the admin area.", "username": c.Username()})
}

// logout signs the user out everywhere (GlobalSignOut): their refresh
// tokens stop working at once.
func (a *api) logout(w http.ResponseWriter, r *http.Request) {
	token, err := httpauth.BearerToken(r) // httpauth has already checked it
	if err == nil {
		err = a.client.SignOut(r.Context(), token)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"signed_out": true})
}

// decode reads the request's JSON body into in and answers the request
// itself, returning false, when it cannot be used: 415 for another content
// type, 413 for a body over maxBodySize, 400 for anything but one JSON
// object with known fields, or with a required field missing. The messages
// never quote the body.
func decode(w http.ResponseWriter, r *http.Request, in request) bool {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", "Send a JSON body with Content-Type: application/json.")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodySize))
	dec.DisallowUnknownFields()
	err := dec.Decode(in)
	if err == nil {
		if _, trailing := dec.Token(); trailing != io.EOF {
			err = errors.New("data after the JSON object")
		}
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, "body_too_large", "The request body is too large.")
	case err != nil:
		writeError(w, http.StatusBadRequest, "invalid_json", "The request body must be one JSON object with the documented fields.")
	case in.missing() != "":
		writeError(w, http.StatusBadRequest, "invalid_request", in.missing())
	default:
		return true
	}
	return false
}

// kinds maps the library's error kinds to HTTP statuses and the error
// codes of the JSON body. Anything else is a 500.
var kinds = []struct {
	kind   error
	status int
	code   string
}{
	{cognito.ErrInvalidParameter, http.StatusBadRequest, "invalid_parameter"},
	{cognito.ErrInvalidPassword, http.StatusBadRequest, "invalid_password"},
	{cognito.ErrCodeMismatch, http.StatusBadRequest, "code_mismatch"},
	{cognito.ErrCodeExpired, http.StatusBadRequest, "code_expired"},
	{cognito.ErrInvalidCredentials, http.StatusUnauthorized, "invalid_credentials"},
	{cognito.ErrNotAuthorized, http.StatusUnauthorized, "not_authorized"},
	{cognito.ErrTokenExpired, http.StatusUnauthorized, "token_expired"},
	// Tokens of another app client or pool: for this API, bad tokens.
	{cognito.ErrWrongClient, http.StatusUnauthorized, "wrong_client"},
	// The user is known and the password right, but they cannot sign in
	// yet: 403, with the message saying what to do.
	{cognito.ErrUserNotConfirmed, http.StatusForbidden, "user_not_confirmed"},
	{cognito.ErrPasswordResetRequired, http.StatusForbidden, "password_reset_required"},
	{cognito.ErrChallengeRequired, http.StatusForbidden, "challenge_required"},
	// The pool's own Lambda function refused (a PreSignUp rule, say): its
	// message is the app's, shown as is.
	{cognito.ErrTriggerFailed, http.StatusForbidden, "trigger_failed"},
	{cognito.ErrUserNotFound, http.StatusNotFound, "user_not_found"},
	{cognito.ErrUserExists, http.StatusConflict, "user_exists"},
	{cognito.ErrAlreadyConfirmed, http.StatusConflict, "already_confirmed"},
	{cognito.ErrTooManyRequests, http.StatusTooManyRequests, "too_many_requests"},
	{cognito.ErrUnavailable, http.StatusServiceUnavailable, "unavailable"},
}

// fail answers a failed call to Cognito: the status and code of its kind,
// and the library's message for people. A 500 (a misconfiguration: pool
// or app client not found, client secret missing...) says no more than
// that to the client; the log has the details.
func (a *api) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ce *cognito.Error
	if errors.As(err, &ce) {
		for _, k := range kinds {
			if !errors.Is(err, k.kind) {
				continue
			}
			if k.status == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", `Bearer realm="`+realm+`"`)
			}
			a.logger.Info("cognito refused the request", "path", r.URL.Path, "kind", ce.Kind, "code", ce.Code)
			writeError(w, k.status, k.code, ce.Message())
			return
		}
	}
	// A *cognito.Error's text names the operation, the kind and Cognito's
	// code, never a secret.
	a.logger.Error("request failed", "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, "internal_error", "Internal server error.")
}

// authFailed logs why httpauth refused a request (the reason never quotes
// the token), then writes httpauth's answer.
func (a *api) authFailed(w http.ResponseWriter, r *http.Request, status int, err error) {
	a.logger.Info("token refused", "path", r.URL.Path, "status", status, "reason", err)
	httpauth.WriteError(w, r, status, err)
}

// writeJSON writes v as the JSON body of a status answer.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store") // answers carry tokens
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError writes the body every error has: {"error", "message"}.
func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}{code, message})
}
