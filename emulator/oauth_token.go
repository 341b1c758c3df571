package emulator

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// POST /oauth2/token: the OAuth 2.0 token endpoint (RFC 6749 §3.2) as
// Cognito serves it on a pool's domain, here on the local server's own
// address; the pool is found from the client ID. It grants:
//
//   - authorization_code (RFC 6749 §4.1.3, with PKCE, RFC 7636): the code
//     /oauth2/authorize gave, for a new sign-in's tokens;
//   - refresh_token (§6): new tokens for a sign-in, from the code flow or
//     the API;
//   - client_credentials (§4.4): an app client with a secret and the
//     client_credentials flow gets an access token for custom scopes.
//
// Failures are RFC 6749 §5.2 JSON errors, {"error": "...",
// "error_description": "..."}, with HTTP 400, or 401 for invalid_client
// (with WWW-Authenticate: Basic when the client used HTTP Basic, as §5.2
// requires). Every answer carries Cache-Control: no-store and Pragma:
// no-cache (§5.1), and the CORS headers of cors.go:
// Access-Control-Allow-Origin: * by default, as AWS documents for its
// token endpoint ("The token endpoint returns an
// Access-Control-Allow-Origin: * response header"); OPTIONS answers a
// browser's preflight.

// Bounds of a token request.
const (
	// maxTokenRequestBody bounds the form: the largest legitimate one
	// (a client ID, a secret and 50 scopes of 256 characters) is far
	// smaller.
	maxTokenRequestBody = 64 << 10
	// maxClientIDLength is ClientIdType's bound in AWS's model.
	maxClientIDLength = 128
)

// The grant types the token endpoint grants.
const (
	grantAuthorizationCode = "authorization_code"
	grantRefreshToken      = "refresh_token"
	grantClientCredentials = "client_credentials"
)

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

// The token endpoint's path and methods (OPTIONS: the CORS preflight,
// answered in cors.go).
const (
	tokenEndpointPath         = "/oauth2/token"
	tokenEndpointAllowMethods = "POST, OPTIONS"
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
// §5.1, with OpenID Connect's id_token); the client-credentials grant has
// neither an ID nor a refresh token.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	IDToken      string `json:"id_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	ExpiresIn    int64  `json:"expires_in"`
	TokenType    string `json:"token_type"`
}

// serveOAuthToken is the token endpoint: POST grants a token, any other
// method is refused (OPTIONS never gets here: see serveCORS).
func (s *Server) serveOAuthToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", tokenEndpointAllowMethods)
		writeOAuth(w, http.StatusMethodNotAllowed, map[string]string{"error": oauthInvalidRequest, "error_description": "The token endpoint accepts POST only."})
		return
	}
	resp, err := s.tokenRequest(w, r)
	var (
		oe     *oauthError
		apiErr *apiError
	)
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
	case errors.As(err, &apiErr):
		// A Lambda trigger's failure (PreTokenGeneration): said as
		// AWS's API says it, in the description.
		s.log.Info("token request refused by a trigger", "error", apiErr.Type)
		writeOAuth(w, http.StatusBadRequest, map[string]string{"error": oauthInvalidRequest, "error_description": apiErr.Type + ": " + apiErr.Message})
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
	case grantClientCredentials, grantAuthorizationCode, grantRefreshToken:
	default:
		return nil, &oauthError{status: http.StatusBadRequest, code: oauthUnsupportedGrantType,
			description: "The grant type " + truncate(grant, 64) + " is not supported: use authorization_code, refresh_token or client_credentials."}
	}
	id, secret, basic, err := clientAuthentication(r, form)
	if err != nil {
		return nil, err
	}
	cl, p, err := s.authenticateClient(r.Context(), id, secret, basic)
	if err != nil {
		return nil, err
	}
	switch grant {
	case grantAuthorizationCode:
		return s.authorizationCodeGrant(r, cl, p, form)
	case grantRefreshToken:
		return s.refreshTokenGrant(r, cl, p, secret, form.Get("refresh_token"))
	}
	return s.clientCredentialsGrant(r, cl, p, form.Get("scope"))
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

// authenticateClient is the client id, authenticated by secret: a
// confidential client must send one of its secrets, a public client none.
// Any failure is the same invalid_client, so a caller without the secret
// learns nothing of the client.
func (s *Server) authenticateClient(ctx context.Context, id, secret string, basic bool) (*appClient, *pool, error) {
	unknown := &oauthError{status: http.StatusUnauthorized, code: oauthInvalidClient, description: "Client authentication failed.", basic: basic}
	if len(id) > maxClientIDLength {
		return nil, nil, unknown
	}
	var (
		cl *appClient
		p  *pool
	)
	err := s.view(ctx, func(st *state) (err error) {
		cl, p, err = st.client(id)
		return err
	})
	var apiErr *apiError
	switch {
	case errors.As(err, &apiErr) || isNotFound(err):
		return nil, nil, unknown
	case err != nil:
		return nil, nil, err
	case (cl.hasSecret() || secret != "") && !cl.secretMatches(secret):
		return nil, nil, unknown
	}
	return cl, p, nil
}

// allowsFlow reports whether the client may use the OAuth 2.0 flow named
// as AllowedOAuthFlows names it.
func (o *clientOAuth) allowsFlow(flow string) bool {
	return o.AllowedOAuthFlowsUserPoolClient && slices.Contains(o.AllowedOAuthFlows, flow)
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
func (s *Server) clientCredentialsGrant(r *http.Request, cl *appClient, p *pool, scope string) (*tokenResponse, error) {
	// A public client (no secret) cannot have the client_credentials flow
	// (client_oauth.go).
	if !cl.OAuth.allowsFlow(grantClientCredentials) {
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
	var key *signingKey
	err := s.view(r.Context(), func(st *state) (err error) {
		key, err = s.poolKey(st, p.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	token, err := s.issueClientToken(r.Context(), key, s.Issuer(s.requestBaseURL(r), p.ID), p, cl, granted)
	if err != nil {
		return nil, err
	}
	s.log.Info("client credentials token issued", "userPoolId", p.ID, "clientId", cl.ID, "scopes", granted)
	return &tokenResponse{AccessToken: token, ExpiresIn: int64(cl.AccessTokenValidity / time.Second), TokenType: "Bearer"}, nil
}

// invalidGrant is RFC 6749's invalid_grant: a code or refresh token that
// is invalid, expired, used or another client's.
func invalidGrant(description string) *oauthError {
	return &oauthError{status: http.StatusBadRequest, code: oauthInvalidGrant, description: description}
}

// authorizationCodeGrant exchanges an authorization code (RFC 6749
// §4.1.3, with RFC 7636's code_verifier) for a new sign-in's tokens: an
// access token with the granted scopes, an ID token (with the openid
// scope) carrying the authorization request's nonce, and a refresh token.
//
// The code is single use: the first presentation takes it, in one write
// transaction, whatever follows — a wrong verifier or redirect_uri spends
// it too (RFC 6749 §10.5: codes are short-lived and single-use; an
// attacker holding one gets one try). Of any number of concurrent
// exchanges, exactly one gets tokens.
func (s *Server) authorizationCodeGrant(r *http.Request, cl *appClient, p *pool, form url.Values) (*tokenResponse, error) {
	if !cl.OAuth.allowsFlow("code") {
		return nil, &oauthError{status: http.StatusBadRequest, code: oauthUnauthorizedClient, description: "The client is not allowed the authorization code grant."}
	}
	code, redirectURI, verifier := form.Get("code"), form.Get("redirect_uri"), form.Get("code_verifier")
	switch {
	case code == "":
		return nil, badRequest("The code parameter is missing.")
	case redirectURI == "":
		return nil, badRequest("The redirect_uri parameter is missing.")
	}
	var (
		rec  *authorizationCode
		u    *user
		sess *session
		g    *grant
	)
	err := s.update(r.Context(), func(st *state) (err error) {
		rec, err = st.takeAuthorizationCode(p, hashToken(code))
		if isNotFound(err) {
			return invalidGrant("The authorization code is invalid, expired or already used.")
		}
		if err != nil {
			return err
		}
		spent := func(description string) error { return &commitThen{invalidGrant(description)} }
		now := s.now()
		switch {
		case rec.ClientID != cl.ID:
			return spent("The authorization code was issued to another client.")
		case !now.Before(rec.Expires):
			return spent("The authorization code has expired.")
		case rec.RedirectURI != redirectURI:
			return spent("The redirect_uri is not the one of the authorization request.")
		case rec.CodeChallenge != "" && verifier == "":
			return spent("The code_verifier parameter is missing.")
		case rec.CodeChallenge != "" && !verifierMatches(verifier, rec.CodeChallenge):
			return spent("The code_verifier does not match the code_challenge.")
		}
		u, err = signedInUser(st, p, rec.UsernameKey, rec.Sub)
		var apiErr *apiError
		if errors.As(err, &apiErr) {
			return spent(apiErr.Message)
		}
		if err != nil {
			return err
		}
		if sess, err = startSession(st, now, rec.AuthTime, cl, p, u, rec.Scopes); err != nil {
			return err
		}
		g, err = s.grantFor(st, p, u)
		return err
	})
	if err != nil {
		return nil, err
	}
	tokens, err := s.issueTokens(r.Context(), &tokenIssue{
		pool: p, client: cl, user: u, session: sess, grant: g, issuer: s.Issuer(s.requestBaseURL(r), p.ID),
		nonce: rec.Nonce, source: sourceHostedAuth,
	})
	if err != nil {
		return nil, s.endSignIn(r.Context(), sess, err)
	}
	s.log.Info("authorization code exchanged", "userPoolId", p.ID, "clientId", cl.ID, "sub", u.Attributes["sub"], "scopes", rec.Scopes)
	resp := oauthTokens(tokens)
	resp.RefreshToken = sess.refreshToken
	return resp, nil
}

// verifierMatches reports whether an RFC 7636 code verifier gives the S256
// challenge: BASE64URL(SHA256(verifier)), compared in constant time.
func verifierMatches(verifier, challenge string) bool {
	if len(verifier) < minCodeChallenge || len(verifier) > maxCodeChallenge || strings.IndexFunc(verifier, notUnreserved) >= 0 {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) == 1
}

// refreshTokenGrant is the refresh_token grant (RFC 6749 §6): new access
// and ID tokens for a live sign-in, as GetTokensFromRefreshToken gives them
// (it runs the same code: a rotating client also gets a new refresh
// token). The tokens keep the scopes the sign-in was granted; a scope
// parameter, which may only narrow them, is not needed and ignored.
func (s *Server) refreshTokenGrant(r *http.Request, cl *appClient, p *pool, secret, refreshToken string) (*tokenResponse, error) {
	if refreshToken == "" {
		return nil, badRequest("The refresh_token parameter is missing.")
	}
	c := &caller{baseURL: s.requestBaseURL(r), client: cl, pool: p}
	out, err := s.getTokensFromRefreshToken(r.Context(), c, &cip.GetTokensFromRefreshTokenInput{
		ClientId: aws.String(cl.ID), ClientSecret: optional(secret), RefreshToken: aws.String(refreshToken),
	})
	var apiErr *apiError
	if errors.As(err, &apiErr) {
		return nil, invalidGrant(apiErr.Message)
	}
	if err != nil {
		return nil, err
	}
	resp := oauthTokens(out.AuthenticationResult)
	resp.RefreshToken = aws.ToString(out.AuthenticationResult.RefreshToken)
	return resp, nil
}

// oauthTokens is the token endpoint's answer with a sign-in's access and
// ID tokens.
func oauthTokens(t *types.AuthenticationResultType) *tokenResponse {
	return &tokenResponse{
		AccessToken: aws.ToString(t.AccessToken),
		IDToken:     aws.ToString(t.IdToken),
		ExpiresIn:   int64(t.ExpiresIn),
		TokenType:   "Bearer",
	}
}

// issueClientToken signs the access token of a client-credentials grant as
// AWS issues one: it names no user (sub is the client's ID, there is no
// username), carries the granted scopes and the client's access-token
// validity, after a PreTokenGeneration trigger of version V3_0 has changed
// it.
func (s *Server) issueClientToken(ctx context.Context, key *signingKey, issuer string, p *pool, cl *appClient, scopes []string) (string, error) {
	now := s.now()
	claims := jwt.MapClaims{
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
	}
	if err := s.preTokenClientCredentials(ctx, p, cl, claims); err != nil {
		return "", err
	}
	return sign(key, claims)
}
