package emulator

import (
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// POST /oauth2/token: the OAuth 2.0 token endpoint (RFC 6749 §3.2) as
// Cognito serves it on a pool's domain, here on the local server's own
// address; the pool is found from the client ID. It grants the
// client-credentials grant (RFC 6749 §4.4): an app client with a secret and
// the client_credentials flow gets an access token for custom scopes. The
// authorization_code and refresh_token grants come with the authorization
// endpoint and managed login, in a later slice; until then they answer
// unsupported_grant_type like any other grant type.
//
// Failures are RFC 6749 §5.2 JSON errors, {"error": "...",
// "error_description": "..."}, with HTTP 400, or 401 for invalid_client
// (with WWW-Authenticate: Basic when the client used HTTP Basic, as §5.2
// requires). Every answer carries Cache-Control: no-store and Pragma:
// no-cache (§5.1), and Access-Control-Allow-Origin: *, as AWS documents
// for its token endpoint ("The token endpoint returns an
// Access-Control-Allow-Origin: * response header"; it supports no custom
// CORS policy). OPTIONS answers a browser's preflight.

// Bounds of a token request.
const (
	// maxTokenRequestBody bounds the form: the largest legitimate one
	// (a client ID, a secret and 50 scopes of 256 characters) is far
	// smaller.
	maxTokenRequestBody = 64 << 10
	// maxClientIDLength is ClientIdType's bound in AWS's model.
	maxClientIDLength = 128
)

// grantClientCredentials is the one grant type the token endpoint grants
// so far.
const grantClientCredentials = "client_credentials"

// RFC 6749 §5.2 error codes (server_error is §4.1.2.1's, for a fault of
// the server itself).
const (
	oauthInvalidRequest       = "invalid_request"
	oauthInvalidClient        = "invalid_client"
	oauthUnauthorizedClient   = "unauthorized_client"
	oauthUnsupportedGrantType = "unsupported_grant_type"
	oauthInvalidScope         = "invalid_scope"
	oauthServerError          = "server_error"
)

// The token endpoint's path and its CORS answers. AWS documents only the
// wildcard origin; the preflight allows what a browser's token request
// sends (POST with Authorization and Content-Type) and may be cached a day.
const (
	tokenEndpointPath          = "/oauth2/token"
	tokenEndpointAllowMethods  = "POST, OPTIONS"
	tokenEndpointAllowHeaders  = "Authorization, Content-Type"
	tokenEndpointPreflightLife = "86400"
)

// oauthError is an RFC 6749 §5.2 error answer. Its description never holds
// a secret.
type oauthError struct {
	status      int
	code        string
	description string
	// basic is set when the client authenticated with HTTP Basic: an
	// invalid_client answer then names the scheme in WWW-Authenticate.
	basic bool
}

// Error is the error's code and description, for logs and tests.
func (e *oauthError) Error() string { return e.code + ": " + e.description }

// badRequest is an invalid_request error.
func badRequest(description string) *oauthError {
	return &oauthError{status: http.StatusBadRequest, code: oauthInvalidRequest, description: description}
}

// tokenResponse is the successful answer of the token endpoint (RFC 6749
// §5.1); the client-credentials grant has no refresh token.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
	TokenType   string `json:"token_type"`
}

// serveOAuthToken is the token endpoint: POST grants a token, OPTIONS
// answers a CORS preflight, any other method is refused.
func (s *Server) serveOAuthToken(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	switch r.Method {
	case http.MethodPost:
	case http.MethodOptions:
		h := w.Header()
		h.Set("Access-Control-Allow-Methods", tokenEndpointAllowMethods)
		h.Set("Access-Control-Allow-Headers", tokenEndpointAllowHeaders)
		h.Set("Access-Control-Max-Age", tokenEndpointPreflightLife)
		w.WriteHeader(http.StatusNoContent)
		return
	default:
		w.Header().Set("Allow", tokenEndpointAllowMethods)
		writeOAuth(w, http.StatusMethodNotAllowed, map[string]string{"error": oauthInvalidRequest, "error_description": "The token endpoint accepts POST only."})
		return
	}
	resp, err := s.tokenRequest(w, r)
	var oe *oauthError
	switch {
	case errors.As(err, &oe):
		s.log.Info("token request refused", "error", oe.code, "description", oe.description)
		if oe.status == http.StatusUnauthorized && oe.basic {
			w.Header().Set("WWW-Authenticate", `Basic realm="`+tokenEndpointPath+`"`)
		}
		body := map[string]string{"error": oe.code}
		if oe.description != "" {
			body["error_description"] = oe.description
		}
		writeOAuth(w, oe.status, body)
	case err != nil:
		// A store or signing failure: the server's fault, said as RFC
		// 6749 says it.
		s.log.Error("token request failed", "err", err)
		writeOAuth(w, http.StatusInternalServerError, map[string]string{"error": oauthServerError})
	default:
		writeOAuth(w, http.StatusOK, resp)
	}
}

// writeOAuth writes a token endpoint's JSON answer with the headers RFC
// 6749 §5.1 requires of it.
func writeOAuth(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeDocument(w, status, v)
}

// tokenRequest reads, authenticates and grants one token request.
func (s *Server) tokenRequest(w http.ResponseWriter, r *http.Request) (*tokenResponse, error) {
	form, err := readTokenForm(w, r)
	if err != nil {
		return nil, err
	}
	grant := form.Get("grant_type")
	switch grant {
	case "":
		return nil, badRequest("The grant_type parameter is missing.")
	case grantClientCredentials:
	default:
		return nil, &oauthError{status: http.StatusBadRequest, code: oauthUnsupportedGrantType,
			description: "The grant type " + truncate(grant, 64) + " is not supported by the local Cognito (it grants client_credentials)."}
	}
	id, secret, basic, err := clientAuthentication(r, form)
	if err != nil {
		return nil, err
	}
	return s.clientCredentialsGrant(r, id, secret, basic, form.Get("scope"))
}

// readTokenForm reads the request's form: application/x-www-form-urlencoded,
// bounded, each parameter at most once (RFC 6749 §3.2: "Request and
// response parameters MUST NOT be included more than once"). Parameters of
// the URL's query are not read: the token endpoint takes its parameters in
// the body.
func readTokenForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, badRequest("The request must be application/x-www-form-urlencoded.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxTokenRequestBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, badRequest("The request body is too large.")
		}
		return nil, badRequest("The request body could not be read.")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, badRequest("The request body is not a valid form.")
	}
	for name, values := range form {
		if len(values) > 1 {
			return nil, badRequest("The parameter " + truncate(name, 64) + " is repeated.")
		}
	}
	return form, nil
}

// clientAuthentication returns the client's ID and secret, given by HTTP
// Basic (client_secret_basic: each part form-urlencoded, RFC 6749 §2.3.1)
// or in the form (client_secret_post); basic says which. One method only:
// a secret in both is invalid_request (RFC 6749 §2.3: "The client MUST NOT
// use more than one authentication method in each request"). A form
// client_id beside Basic is tolerated when it names the same client (some
// clients send it), refused when it names another. A client_id without a
// secret is a public client identifying itself.
func clientAuthentication(r *http.Request, form url.Values) (id, secret string, basic bool, err error) {
	header := r.Header.Get("Authorization")
	if header == "" {
		id = form.Get("client_id")
		if id == "" {
			return "", "", false, &oauthError{status: http.StatusUnauthorized, code: oauthInvalidClient, description: "The request has no client authentication."}
		}
		return id, form.Get("client_secret"), false, nil
	}
	if _, ok := form["client_secret"]; ok {
		return "", "", true, badRequest("The client authenticated both with HTTP Basic and with client_secret in the body: use one method only.")
	}
	invalid := &oauthError{status: http.StatusUnauthorized, code: oauthInvalidClient, description: "The Authorization header is not valid HTTP Basic client authentication.", basic: true}
	scheme, encoded, _ := strings.Cut(header, " ")
	if !strings.EqualFold(scheme, "Basic") {
		return "", "", true, invalid
	}
	raw, decodeErr := base64.StdEncoding.DecodeString(strings.TrimSpace(encoded))
	if decodeErr != nil {
		return "", "", true, invalid
	}
	escapedID, escapedSecret, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", "", true, invalid
	}
	if id, err = url.QueryUnescape(escapedID); err != nil {
		return "", "", true, invalid
	}
	if secret, err = url.QueryUnescape(escapedSecret); err != nil {
		return "", "", true, invalid
	}
	if formID, ok := form["client_id"]; ok && formID[0] != id {
		return "", "", true, badRequest("The client_id parameter names another client than the Authorization header.")
	}
	if id == "" {
		return "", "", true, invalid
	}
	return id, secret, true, nil
}

// clientCredentialsGrant grants the client-credentials grant to the client
// id authenticated by secret, for the space-separated scopes requested (all
// the client's allowed scopes when none are, as AWS documents for
// GetClientToken, its API twin: "If you don't specify any scopes, Amazon
// Cognito authorizes the scopes that are configured for the app client").
//
// The client is authenticated before its settings are looked at, so a
// caller without its secret learns nothing of them. Nothing is written:
// the token is signed outside any transaction.
func (s *Server) clientCredentialsGrant(r *http.Request, id, secret string, basic bool, scope string) (*tokenResponse, error) {
	unknown := &oauthError{status: http.StatusUnauthorized, code: oauthInvalidClient, description: "Client authentication failed.", basic: basic}
	if len(id) > maxClientIDLength {
		return nil, unknown
	}
	var (
		cl  *appClient
		p   *pool
		key *signingKey
	)
	err := s.view(r.Context(), func(st *state) (err error) {
		cl, p, err = st.client(id)
		if err != nil {
			return err
		}
		key, err = s.poolKey(st, p.ID)
		return err
	})
	var apiErr *apiError
	switch {
	case errors.As(err, &apiErr) || isNotFound(err):
		return nil, unknown
	case err != nil:
		return nil, err
	}
	// A public client (no secret) cannot have the client_credentials flow
	// (client_oauth.go); a secret sent to it authenticates nothing.
	if len(cl.Secrets) > 0 || secret != "" {
		if !cl.secretMatches(secret) {
			return nil, unknown
		}
	}
	if !cl.OAuth.AllowedOAuthFlowsUserPoolClient || !slices.Contains(cl.OAuth.AllowedOAuthFlows, grantClientCredentials) {
		return nil, &oauthError{status: http.StatusBadRequest, code: oauthUnauthorizedClient, description: "The client is not allowed the client_credentials grant."}
	}
	granted := cl.OAuth.AllowedOAuthScopes
	if requested := strings.Fields(scope); len(requested) > 0 {
		granted = nil
		for _, sc := range requested {
			if !slices.Contains(cl.OAuth.AllowedOAuthScopes, sc) {
				return nil, &oauthError{status: http.StatusBadRequest, code: oauthInvalidScope, description: "The scope " + truncate(sc, 64) + " is not allowed for the client."}
			}
			if !slices.Contains(granted, sc) {
				granted = append(granted, sc)
			}
		}
	}
	token, err := s.issueClientToken(key, s.requestBaseURL(r)+"/"+p.ID, cl, granted)
	if err != nil {
		return nil, err
	}
	s.log.Info("client credentials token issued", "userPoolId", p.ID, "clientId", cl.ID, "scopes", granted)
	return &tokenResponse{AccessToken: token, ExpiresIn: int64(cl.AccessTokenValidity / time.Second), TokenType: "Bearer"}, nil
}

// issueClientToken signs the access token of a client-credentials grant as
// AWS issues one: it names no user (sub is the client's ID, there is no
// username), carries the granted scopes and the client's access-token
// validity.
func (s *Server) issueClientToken(key *signingKey, issuer string, cl *appClient, scopes []string) (string, error) {
	now := s.now()
	return sign(key, jwt.MapClaims{
		"sub":       cl.ID,
		"token_use": "access",
		"scope":     strings.Join(scopes, " "),
		"auth_time": now.Unix(),
		"iss":       issuer,
		"exp":       now.Add(cl.AccessTokenValidity).Unix(),
		"iat":       now.Unix(),
		"version":   2,
		"jti":       uuid.NewString(),
		"client_id": cl.ID,
	})
}
