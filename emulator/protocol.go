package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
)

const (
	targetPrefix  = "AWSCognitoIdentityProviderService."
	jsonMediaType = "application/x-amz-json-1.1"
	// maxBodyBytes bounds a request body; Cognito's largest inputs are far
	// smaller.
	maxBodyBytes = 1 << 20
)

// call is one API request being served.
type call struct {
	ctx     context.Context
	body    []byte
	baseURL string // the server's public URL, for token issuers
}

// decode unmarshals the request body into in. Unknown fields are ignored,
// as on AWS (newer SDKs send members older servers do not know).
func (c *call) decode(in any) error {
	body := c.body
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, in); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return newError(excSerialization, "Unexpected value type for field %s", typeErr.Field)
		}
		return newError(excSerialization, "The request body is not valid JSON.")
	}
	return nil
}

// action is the server side of one Cognito API operation.
type action struct {
	// signed actions are IAM-authorized on AWS (the Admin* and pool
	// management operations): they require a SigV4 Authorization header.
	// The local server does not check the signature, only that there is one.
	signed bool
	serve  func(s *Server, c *call) (any, error)
}

// actions is the one table of operations the server answers.
var actions = map[string]action{
	// Pools and clients.
	"CreateUserPool":         {true, (*Server).createUserPool},
	"DescribeUserPool":       {true, (*Server).describeUserPool},
	"ListUserPools":          {true, (*Server).listUserPools},
	"DeleteUserPool":         {true, (*Server).deleteUserPool},
	"CreateUserPoolClient":   {true, (*Server).createUserPoolClient},
	"DescribeUserPoolClient": {true, (*Server).describeUserPoolClient},
	"ListUserPoolClients":    {true, (*Server).listUserPoolClients},
	"DeleteUserPoolClient":   {true, (*Server).deleteUserPoolClient},
	// Users, with a client ID or an access token.
	"SignUp":                 {false, (*Server).signUp},
	"ConfirmSignUp":          {false, (*Server).confirmSignUp},
	"ResendConfirmationCode": {false, (*Server).resendConfirmationCode},
	"InitiateAuth":           {false, (*Server).initiateAuth},
	"RespondToAuthChallenge": {false, (*Server).respondToAuthChallenge},
	"ForgotPassword":         {false, (*Server).forgotPassword},
	"ConfirmForgotPassword":  {false, (*Server).confirmForgotPassword},
	"GetUser":                {false, (*Server).getUser},
	"UpdateUserAttributes":   {false, (*Server).updateUserAttributes},
	"VerifyUserAttribute":    {false, (*Server).verifyUserAttribute},
	"DeleteUser":             {false, (*Server).deleteUser},
	"ChangePassword":         {false, (*Server).changePassword},
	"GlobalSignOut":          {false, (*Server).globalSignOut},
	"RevokeToken":            {false, (*Server).revokeToken},
	// Administration.
	"AdminCreateUser":           {true, (*Server).adminCreateUser},
	"AdminConfirmSignUp":        {true, (*Server).adminConfirmSignUp},
	"AdminGetUser":              {true, (*Server).adminGetUser},
	"AdminDeleteUser":           {true, (*Server).adminDeleteUser},
	"AdminSetUserPassword":      {true, (*Server).adminSetUserPassword},
	"AdminResetUserPassword":    {true, (*Server).adminResetUserPassword},
	"AdminUpdateUserAttributes": {true, (*Server).adminUpdateUserAttributes},
	"AdminDisableUser":          {true, (*Server).adminDisableUser},
	"AdminEnableUser":           {true, (*Server).adminEnableUser},
	"AdminUserGlobalSignOut":    {true, (*Server).adminUserGlobalSignOut},
	"ListUsers":                 {true, (*Server).listUsers},
	// Groups.
	"CreateGroup":              {true, (*Server).createGroup},
	"GetGroup":                 {true, (*Server).getGroup},
	"ListGroups":               {true, (*Server).listGroups},
	"DeleteGroup":              {true, (*Server).deleteGroup},
	"AdminAddUserToGroup":      {true, (*Server).adminAddUserToGroup},
	"AdminRemoveUserFromGroup": {true, (*Server).adminRemoveUserFromGroup},
	"AdminListGroupsForUser":   {true, (*Server).adminListGroupsForUser},
	"ListUsersInGroup":         {true, (*Server).listUsersInGroup},
}

// serveAction answers POST /: it checks the protocol envelope, dispatches on
// X-Amz-Target and writes the result or Cognito's error shape.
func (s *Server) serveAction(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	name, act, apiErr := s.route(r)
	var out any
	if apiErr == nil {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		if err != nil {
			apiErr = newError(excSerialization, "The request body could not be read or is larger than %d bytes.", maxBodyBytes)
		} else {
			out, apiErr = s.run(act, &call{ctx: r.Context(), body: body, baseURL: s.requestBaseURL(r)})
		}
	}
	if apiErr != nil {
		s.log.Info("action failed", "action", name, "error", apiErr.Type, "status", apiErr.Status, "duration", time.Since(start))
		writeError(w, apiErr)
		return
	}
	s.log.Debug("action", "action", name, "duration", time.Since(start))
	if out == nil {
		out = struct{}{}
	}
	writeJSON(w, http.StatusOK, out)
}

// route finds the action a request names and checks its envelope.
func (s *Server) route(r *http.Request) (string, action, *apiError) {
	target := r.Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, targetPrefix)
	act, known := actions[name]
	if !ok || !known {
		return "", action{}, newError(excUnknownOperation, "Unknown operation %q.", truncate(target, 128))
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || (mt != jsonMediaType && mt != "application/json") {
		return name, act, &apiError{Status: http.StatusUnsupportedMediaType, Type: excUnsupportedMediaType, Message: "Content-Type must be " + jsonMediaType + "."}
	}
	if act.signed && !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
		return name, act, &apiError{Status: http.StatusForbidden, Type: excMissingAuthToken, Message: "Missing Authentication Token"}
	}
	return name, act, nil
}

// run serves one action, turning any failure into an apiError: Cognito's
// own errors as they are, anything else (a store failure, a bug) into a 500
// that is logged.
func (s *Server) run(act action, c *call) (out any, apiErr *apiError) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("action panicked", "panic", p)
			out, apiErr = nil, errInternal
		}
	}()
	out, err := act.serve(s, c)
	if err == nil {
		return out, nil
	}
	if errors.As(err, &apiErr) {
		return nil, apiErr
	}
	if errors.Is(err, context.Canceled) {
		return nil, newError(excInternal, "The request was canceled.")
	}
	s.log.Error("action failed", "err", err)
	return nil, errInternal
}

func writeError(w http.ResponseWriter, e *apiError) {
	w.Header().Set("x-amzn-ErrorType", e.Type)
	writeJSON(w, e.Status, map[string]string{"__type": e.Type, "message": e.Message})
}

// writeJSON writes an API response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	writeBody(w, jsonMediaType, status, v)
}

// writeDocument writes a plain JSON document (JWKS, outbox, health).
func writeDocument(w http.ResponseWriter, status int, v any) {
	writeBody(w, "application/json", status, v)
}

func writeBody(w http.ResponseWriter, contentType string, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"__type":"` + excInternal + `","message":"Internal server error."}`)
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	w.Write(body)
}

// truncate shortens s to at most n bytes, for echoing input in messages.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
