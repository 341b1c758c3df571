package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

const (
	targetPrefix  = "AWSCognitoIdentityProviderService."
	jsonMediaType = "application/x-amz-json-1.1"
	// maxBodyBytes bounds a request body; Cognito's largest inputs are far
	// smaller.
	maxBodyBytes = 1 << 20
)

// The adapter between HTTP and the actions. Every action is a typed
// function
//
//	func (s *Server) adminGetUser(ctx context.Context, c *caller, in *cip.AdminGetUserInput) (*cip.AdminGetUserOutput, error)
//
// registered in the table (actions.go) with how its caller is identified.
// Before it runs, the adapter decodes the body into the input shape, checks
// the members Cognito requires and constrains (validate.go, Cognito's own
// wording) and resolves the caller; afterwards it encodes the output shape
// (codec.go) or the error in Cognito's format.

// access is how an action's caller is identified.
type access int

const (
	// byIAM: the administrator's actions, IAM-authorized on AWS: the
	// request must carry a SigV4 Authorization header (whose signature is
	// checked when the server has IAM credentials, see WithIAMCredentials).
	byIAM access = iota
	// byClient: public actions that name an app client (ClientId). The
	// adapter loads the client and its pool and, for inputs with a
	// SecretHash and a Username, checks the SECRET_HASH over that username.
	byClient
	// byToken: a user acting on themself with an access token
	// (AccessToken), verified completely before the action runs.
	byToken
)

// caller is who makes a request, as the adapter resolved it.
type caller struct {
	// baseURL is the server's public URL as the request reached it, for
	// token issuers.
	baseURL string
	// client and pool are the app client a byClient action names, and its
	// pool; for byToken actions, the client the token's sign-in was made
	// through and its pool.
	client *appClient
	pool   *pool
	// subject is the verified access token of a byToken action, with the
	// user and sign-in it belongs to (as read before the action runs).
	subject *authorized
	// admin marks an administrator's sign-in (AdminInitiateAuth,
	// AdminRespondToAuthChallenge), whose challenges only the
	// administrator's calls answer.
	admin bool
	// metadata is the call's ClientMetadata, for the triggers it calls.
	metadata map[string]string
	// managedLogin marks a sign-in through the managed login's pages
	// (login.go): once every factor is proven it ends in an
	// authorization, not in tokens.
	managedLogin bool
}

// action is the server side of one Cognito API operation. serve is nil for
// an operation the local Cognito does not support yet.
type action struct {
	access access
	serve  func(s *Server, ctx context.Context, c *caller, body []byte) (any, error)
}

// handle makes the table entry of a typed action.
func handle[In, Out any](acc access, fn func(s *Server, ctx context.Context, c *caller, in *In) (*Out, error)) action {
	return action{access: acc, serve: func(s *Server, ctx context.Context, c *caller, body []byte) (any, error) {
		in := new(In)
		if err := decodeInput(body, in); err != nil {
			return nil, err
		}
		out, err := callAction(s, ctx, acc, c, fn, in)
		if err != nil {
			return nil, err
		}
		return out, nil
	}}
}

// notYet is the table entry of an operation the local Cognito does not
// support yet.
var notYet = action{}

// decodeInput unmarshals a request body into an input shape. Unknown
// members are ignored, as on AWS (newer SDKs send members older servers do
// not know).
func decodeInput(body []byte, in any) error {
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

// resolveCaller identifies the caller of a byClient or byToken action from
// its input (byIAM callers are checked on the envelope, in route).
func (s *Server) resolveCaller(ctx context.Context, acc access, c *caller, in any) error {
	switch acc {
	case byClient:
		v := reflect.ValueOf(in).Elem()
		clientID := stringMember(v, "ClientId")
		err := s.view(ctx, func(st *state) (err error) {
			c.client, c.pool, err = st.client(clientID)
			return err
		})
		if err != nil {
			return err
		}
		if f := v.FieldByName("SecretHash"); f.IsValid() {
			return checkSecretHash(c.client, stringMember(v, "SecretHash"), stringMember(v, "Username"))
		}
		return nil
	case byToken:
		v := reflect.ValueOf(in).Elem()
		token := stringMember(v, "AccessToken")
		if token == "" && v.FieldByName("Session").IsValid() {
			// AssociateSoftwareToken and VerifySoftwareToken take an
			// access token or a sign-in Session: given only the Session,
			// the action resolves it (mfa.go).
			return nil
		}
		return s.view(ctx, func(st *state) (err error) {
			if c.subject, err = s.authorize(st, token); err != nil {
				return err
			}
			if !slices.Contains(c.subject.scopes, scopeCognitoAdmin) {
				// An access token from the authorization endpoint
				// without this scope calls no operation (AWS's
				// message).
				return errMissingScope
			}
			c.pool = c.subject.pool
			c.client, err = subjectClient(st, c.subject)
			return err
		})
	}
	return nil
}

// stringMember reads a *string or string member of an input shape.
func stringMember(v reflect.Value, name string) string {
	f := v.FieldByName(name)
	switch {
	case !f.IsValid():
		return ""
	case f.Kind() == reflect.Pointer:
		if f.IsNil() {
			return ""
		}
		return f.Elem().String()
	case f.Kind() == reflect.String:
		return f.String()
	}
	return ""
}

// serveAction answers POST /: it checks the protocol envelope, dispatches on
// X-Amz-Target and writes the result or Cognito's error shape.
func (s *Server) serveAction(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	// Every answer names its request, as AWS's do; the SDKs show it in
	// their errors (RequestID).
	w.Header().Set("x-amzn-RequestId", uuid.NewString())
	name, act, apiErr := s.route(r)
	var out any
	if apiErr == nil {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		switch {
		case err != nil:
			apiErr = newError(excSerialization, "The request body could not be read or is larger than %d bytes.", maxBodyBytes)
		case act.access == byIAM:
			apiErr = s.checkSignature(r, body)
		}
		if apiErr == nil {
			out, apiErr = s.run(r.Context(), act, &caller{baseURL: s.requestBaseURL(r)}, body)
		}
	}
	if apiErr == nil {
		var raw []byte
		var err error
		if raw, err = encodeShape(out); err == nil {
			s.log.Debug("action", "action", name, "duration", time.Since(start))
			writeRaw(w, jsonMediaType, http.StatusOK, raw)
			return
		}
		s.log.Error("encoding a response failed", "action", name, "err", err)
		apiErr = errInternal
	}
	s.log.Info("action failed", "action", name, "error", apiErr.Type, "status", apiErr.Status, "duration", time.Since(start))
	writeError(w, apiErr)
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
	if act.serve == nil {
		return name, act, newError(excUnsupportedOperation, "%s is not supported by the local Cognito yet.", name)
	}
	if act.access == byIAM && r.Header.Get("Authorization") == "" {
		return name, act, errMissingAuthToken
	}
	return name, act, nil
}

// run serves one action, turning any failure into an apiError: Cognito's
// own errors as they are, anything else (a store failure, a bug) into a 500
// that is logged.
func (s *Server) run(ctx context.Context, act action, c *caller, body []byte) (out any, apiErr *apiError) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("action panicked", "panic", p)
			out, apiErr = nil, errInternal
		}
	}()
	out, err := act.serve(s, ctx, c, body)
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
	writeBody(w, jsonMediaType, e.Status, map[string]string{"__type": e.Type, "message": e.Message})
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
	writeRaw(w, contentType, status, body)
}

func writeRaw(w http.ResponseWriter, contentType string, status int, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	w.Write(body)
}

// truncate shortens s to at most n bytes, for echoing input in messages,
// never splitting a character (a cut one is dropped whole).
func truncate(s string, n int) string {
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "") + "..."
	}
	return s
}
