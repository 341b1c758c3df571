package emulator

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// GET /oauth2/authorize: the authorization endpoint of the pool's domain
// (RFC 6749 §3.1), here on the local server's own address; the pool is
// found from the client ID. It checks the authorization request and sends
// the browser on to the managed login (/login, login.go) with the same
// parameters — or, when the browser holds a live managed-login session of
// the pool, straight back to the app with what it asked for: an
// authorization code (response_type code, RFC 6749 §4.1) or tokens in the
// fragment (response_type token, the implicit grant, §4.2).
//
// As RFC 6749 §4.1.2.1 requires, a request whose client or redirect_uri is
// wrong is answered with an error page, never redirected (no open
// redirect: only a URI registered in the client's CallbackURLs, compared
// exactly, is ever redirected to); the other errors are redirected to the
// app with error, error_description and state.

// Paths and lifetimes of the authorization flow.
const (
	authorizePath = "/oauth2/authorize"
	// authorizationCodeLife is how long a code may be exchanged. AWS
	// documents no lifetime; RFC 6749 §4.1.2 recommends at most ten
	// minutes, and five is the conservative choice.
	authorizationCodeLife = 5 * time.Minute
	// maxAuthorizationParam bounds each parameter of an authorization
	// request: redirect URIs are at most 1024 characters, states and
	// nonces are small.
	maxAuthorizationParam = 2048
)

// Response types and the flows of AllowedOAuthFlows they need.
const (
	responseTypeCode  = "code"
	responseTypeToken = "token"
)

// RFC 6749 §4.1.2.1 error codes of the authorization endpoint that the
// token endpoint does not share.
const (
	oauthUnsupportedResponseType = "unsupported_response_type"
	oauthInvalidGrant            = "invalid_grant"
)

// authorizationRequest is an authorization request (RFC 6749 §4.1.1 and
// §4.2.1, with OpenID Connect's nonce and RFC 7636's PKCE) as
// /oauth2/authorize receives it; the login pages carry it from one step
// to the next in their URLs.
type authorizationRequest struct {
	ResponseType        string
	ClientID            string
	RedirectURI         string
	Scope               string
	State               string
	Nonce               string
	CodeChallenge       string
	CodeChallengeMethod string
	IdentityProvider    string
}

// fields pairs each parameter name with its member.
func (a *authorizationRequest) fields() []struct {
	name  string
	value *string
} {
	return []struct {
		name  string
		value *string
	}{
		{"response_type", &a.ResponseType},
		{"client_id", &a.ClientID},
		{"redirect_uri", &a.RedirectURI},
		{"scope", &a.Scope},
		{"state", &a.State},
		{"nonce", &a.Nonce},
		{"code_challenge", &a.CodeChallenge},
		{"code_challenge_method", &a.CodeChallengeMethod},
		{"identity_provider", &a.IdentityProvider},
	}
}

// readAuthorizationRequest reads the request's parameters from q: each at
// most once (RFC 6749 §3.1: "Request and response parameters MUST NOT be
// included more than once") and bounded. Unknown parameters are ignored,
// as §3.1 requires.
func readAuthorizationRequest(q url.Values) (*authorizationRequest, error) {
	a := new(authorizationRequest)
	for _, f := range a.fields() {
		values := q[f.name]
		switch {
		case len(values) > 1:
			return nil, badPage("The parameter " + f.name + " is repeated.")
		case len(values) == 0:
			continue
		case len(values[0]) > maxAuthorizationParam:
			return nil, badPage("The parameter " + f.name + " is too long.")
		}
		*f.value = values[0]
	}
	return a, nil
}

// values are the request's parameters, for the URLs of the login pages.
func (a *authorizationRequest) values() url.Values {
	q := url.Values{}
	for _, f := range a.fields() {
		if *f.value != "" {
			q.Set(f.name, *f.value)
		}
	}
	return q
}

// authorization is a checked authorization request: its client, pool and
// the scopes it grants.
type authorization struct {
	req    *authorizationRequest
	client *appClient
	pool   *pool
	scopes []string
}

// pageError is a failure shown on an error page rather than redirected to
// the app: a request whose client or redirect URI cannot be trusted, or a
// broken form. Its message never holds a secret.
type pageError struct {
	status  int
	message string
}

func (e *pageError) Error() string { return e.message }

func badPage(message string) *pageError {
	return &pageError{status: http.StatusBadRequest, message: message}
}

// checkAuthorization checks an authorization request as Cognito's
// authorization endpoint does. A *pageError is returned without an
// authorization; an *oauthError comes with one, to be redirected to its
// redirect URI.
func (s *Server) checkAuthorization(ctx context.Context, req *authorizationRequest) (*authorization, error) {
	if req.ClientID == "" {
		return nil, badPage("The client_id parameter is missing.")
	}
	a := &authorization{req: req}
	err := s.view(ctx, func(st *state) (err error) {
		a.client, a.pool, err = st.client(req.ClientID)
		return err
	})
	var apiErr *apiError
	switch {
	case errors.As(err, &apiErr) || isNotFound(err):
		return nil, badPage("The app client " + truncate(req.ClientID, 128) + " does not exist.")
	case err != nil:
		return nil, err
	case req.RedirectURI == "":
		return nil, badPage("The redirect_uri parameter is missing.")
	case !slices.Contains(a.client.OAuth.CallbackURLs, req.RedirectURI):
		// Cognito's error for it is redirect_mismatch.
		return nil, badPage("redirect_mismatch: the redirect_uri is not one of the app client's callback URLs.")
	}
	return a, a.check()
}

// check checks what an authorization request asks for, once its redirect
// URI is known to be the client's, and sets the scopes it grants.
func (a *authorization) check() error {
	o, req := &a.client.OAuth, a.req
	flow := map[string]string{responseTypeCode: "code", responseTypeToken: "implicit"}[req.ResponseType]
	switch {
	case !o.AllowedOAuthFlowsUserPoolClient:
		return &oauthError{code: oauthUnauthorizedClient, description: "The app client is not allowed OAuth 2.0 flows."}
	case req.ResponseType == "":
		return &oauthError{code: oauthInvalidRequest, description: "The response_type parameter is missing."}
	case flow == "":
		return &oauthError{code: oauthUnsupportedResponseType, description: "The response_type must be code or token."}
	case !slices.Contains(o.AllowedOAuthFlows, flow):
		return &oauthError{code: oauthUnauthorizedClient, description: "The app client is not allowed the " + flow + " flow."}
	case req.IdentityProvider != "" && req.IdentityProvider != "COGNITO":
		return &oauthError{code: oauthInvalidRequest, description: "The local Cognito has no identity provider but COGNITO."}
	}
	scopes, err := grantedScopes(o.AllowedOAuthScopes, req.Scope)
	if err != nil {
		return err
	}
	a.scopes = scopes
	return checkCodeChallenge(req)
}

// grantedScopes are the scopes an authorization request grants: those it
// asks for, each allowed to the client, or all the client's allowed
// scopes when it asks for none (AWS: "If you don't request any scopes,
// the authorization server assigns all scopes that are associated with
// the client"). AWS: "The phone, email, and profile scopes can only be
// requested if openid scope is also requested"; asking for one without it
// is invalid_scope.
func grantedScopes(allowed []string, requested string) ([]string, error) {
	asked := strings.Fields(requested)
	if len(asked) == 0 {
		return slices.Clone(allowed), nil
	}
	var granted []string
	for _, sc := range asked {
		if !slices.Contains(allowed, sc) {
			return nil, &oauthError{code: oauthInvalidScope, description: "The scope " + truncate(sc, 64) + " is not allowed for the app client."}
		}
		if !slices.Contains(granted, sc) {
			granted = append(granted, sc)
		}
	}
	for _, sc := range []string{"email", "phone", "profile"} {
		if slices.Contains(granted, sc) && !slices.Contains(granted, scopeOpenID) {
			return nil, &oauthError{code: oauthInvalidScope, description: "The " + sc + " scope can only be requested with the openid scope."}
		}
	}
	return granted, nil
}

// Bounds of an RFC 7636 code challenge: the base64url SHA-256 of a code
// verifier is 43 characters; §4.2 allows 43 to 128 of the unreserved set.
const (
	minCodeChallenge = 43
	maxCodeChallenge = 128
)

// checkCodeChallenge checks the PKCE parameters of req. Cognito supports
// only the S256 method (its guide: the app "must apply an SHA256 hash to
// the code verifier"; the authorization endpoint's reference: "Amazon
// Cognito authorization server supports only S256"), so a challenge
// without a method, which RFC 7636 §4.3 reads as plain, or with plain, is
// refused rather than accepted where AWS would refuse it.
func checkCodeChallenge(req *authorizationRequest) error {
	switch {
	case req.CodeChallenge == "" && req.CodeChallengeMethod == "":
		return nil
	case req.CodeChallenge == "":
		return &oauthError{code: oauthInvalidRequest, description: "The code_challenge_method parameter needs a code_challenge."}
	case req.ResponseType != responseTypeCode:
		return &oauthError{code: oauthInvalidRequest, description: "A code_challenge is only for response_type code."}
	case req.CodeChallengeMethod != "S256":
		return &oauthError{code: oauthInvalidRequest, description: "The code_challenge_method must be S256: Amazon Cognito supports only S256."}
	case len(req.CodeChallenge) < minCodeChallenge || len(req.CodeChallenge) > maxCodeChallenge || strings.IndexFunc(req.CodeChallenge, notUnreserved) >= 0:
		return &oauthError{code: oauthInvalidRequest, description: "The code_challenge must be " + strconv.Itoa(minCodeChallenge) + " to " + strconv.Itoa(maxCodeChallenge) + " characters of A-Z, a-z, 0-9, '-', '.', '_' and '~'."}
	}
	return nil
}

// notUnreserved reports whether r is outside RFC 3986's unreserved set,
// the alphabet of PKCE's verifiers and challenges.
func notUnreserved(r rune) bool {
	switch {
	case 'A' <= r && r <= 'Z', 'a' <= r && r <= 'z', '0' <= r && r <= '9':
		return false
	}
	return !strings.ContainsRune("-._~", r)
}

// redirect is the URL that answers the authorization with params: in the
// query of the redirect URI for the code flow, in its fragment for the
// implicit grant (RFC 6749 §4.2.2), with the request's state.
func (a *authorization) redirect(params url.Values) string {
	if a.req.State != "" {
		params.Set("state", a.req.State)
	}
	u, err := url.Parse(a.req.RedirectURI)
	if err != nil {
		// CallbackURLs are checked to parse when they are registered.
		panic("emulator: a registered callback URL does not parse: " + err.Error())
	}
	if a.req.ResponseType == responseTypeToken {
		u.Fragment, u.RawFragment = "", ""
		return u.String() + "#" + params.Encode()
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// refuseAuthorization answers a failed authorization request: an error
// page, or the error redirected to the app.
func (s *Server) refuseAuthorization(w http.ResponseWriter, r *http.Request, a *authorization, err error) {
	var oe *oauthError
	if a != nil && errors.As(err, &oe) {
		s.log.Info("authorization refused", "clientId", a.client.ID, "error", oe.code, "description", oe.description)
		params := url.Values{"error": {oe.code}}
		if oe.description != "" {
			params.Set("error_description", oe.description)
		}
		http.Redirect(w, r, a.redirect(params), http.StatusFound)
		return
	}
	s.showError(w, r, err)
}

// authorizationOf reads and checks the authorization request in q; on
// failure it has answered (an error page, or the error redirected to the
// app) and returns nil.
func (s *Server) authorizationOf(w http.ResponseWriter, r *http.Request, q url.Values) *authorization {
	req, err := readAuthorizationRequest(q)
	if err != nil {
		s.showError(w, r, err)
		return nil
	}
	a, err := s.checkAuthorization(r.Context(), req)
	if err != nil {
		s.refuseAuthorization(w, r, a, err)
		return nil
	}
	return a
}

// serveAuthorize is the authorization endpoint.
func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	a := s.authorizationOf(w, r, r.URL.Query())
	if a == nil {
		return
	}
	signedIn, err := s.liveLoginSession(r, a.pool)
	if err != nil {
		s.showError(w, r, err)
		return
	}
	if signedIn == nil {
		http.Redirect(w, r, loginPath+"?"+a.req.values().Encode(), http.StatusFound)
		return
	}
	s.answerAuthorization(w, r, a, signedIn)
}

// answerAuthorization sends the browser of the user signedIn back to the
// app with what a asks for.
func (s *Server) answerAuthorization(w http.ResponseWriter, r *http.Request, a *authorization, signedIn *loginSession) {
	params, err := s.authorizationResponse(r.Context(), s.requestBaseURL(r), a, signedIn)
	if err != nil {
		s.refuseAuthorization(w, r, a, err)
		return
	}
	http.Redirect(w, r, a.redirect(params), http.StatusFound)
}

// authorizationCode is a pending authorization code, found by its hash;
// the code itself is never stored.
type authorizationCode struct {
	ClientID      string    `json:"clientId"`
	RedirectURI   string    `json:"redirectUri"`
	UsernameKey   string    `json:"usernameKey"`
	Sub           string    `json:"sub"`
	Scopes        []string  `json:"scopes"`
	Nonce         string    `json:"nonce,omitempty"`
	CodeChallenge string    `json:"codeChallenge,omitempty"`
	AuthTime      time.Time `json:"authTime"`
	Expires       time.Time `json:"expires"`
}

// authorizationResponse grants a to the user signedIn: a new
// authorization code, or (implicit grant) a new sign-in's access and ID
// tokens; the refresh token of the implicit grant is not handed out
// (RFC 6749 §4.2.2: "The authorization server MUST NOT issue a refresh
// token").
func (s *Server) authorizationResponse(ctx context.Context, baseURL string, a *authorization, signedIn *loginSession) (url.Values, error) {
	p, cl := a.pool, a.client
	if a.req.ResponseType == responseTypeCode {
		code, hash := newRefreshToken() // an opaque random token, kept as a hash
		rec := &authorizationCode{
			ClientID: cl.ID, RedirectURI: a.req.RedirectURI,
			UsernameKey: signedIn.UsernameKey, Sub: signedIn.Sub, Scopes: a.scopes,
			Nonce: a.req.Nonce, CodeChallenge: a.req.CodeChallenge,
			AuthTime: signedIn.AuthTime, Expires: s.now().Add(authorizationCodeLife),
		}
		if err := s.update(ctx, func(st *state) error { return st.putAuthorizationCode(p, hash, rec) }); err != nil {
			return nil, err
		}
		s.log.Info("authorization code issued", "userPoolId", p.ID, "clientId", cl.ID, "scopes", a.scopes)
		return url.Values{"code": {code}}, nil
	}
	var (
		u    *user
		sess *session
		g    *grant
	)
	err := s.update(ctx, func(st *state) (err error) {
		if u, err = signedIn.user(st, p); err != nil {
			return err
		}
		if sess, err = startSession(st, s.now(), signedIn.AuthTime, cl, p, u, a.scopes); err != nil {
			return err
		}
		g, err = s.grantFor(st, p, u)
		return err
	})
	if err != nil {
		return nil, err
	}
	tokens, err := s.issueTokens(ctx, &tokenIssue{
		pool: p, client: cl, user: u, session: sess, grant: g, issuer: s.Issuer(baseURL, p.ID),
		nonce: a.req.Nonce, source: sourceHostedAuth,
	})
	if err != nil {
		return nil, s.endSignIn(ctx, sess, err)
	}
	s.log.Info("implicit grant issued", "userPoolId", p.ID, "clientId", cl.ID, "sub", u.Attributes["sub"], "scopes", a.scopes)
	params := url.Values{
		"access_token": {*tokens.AccessToken},
		"token_type":   {"Bearer"},
		"expires_in":   {strconv.Itoa(int(tokens.ExpiresIn))},
	}
	if tokens.IdToken != nil {
		params.Set("id_token", *tokens.IdToken)
	}
	return params, nil
}
