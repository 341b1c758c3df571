package emulator

import (
	"errors"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// POST /oauth2/revoke: the revocation endpoint of the pool's domain (RFC
// 7009), here on the local server's own address. It revokes a refresh
// token and every token issued from it, as the RevokeToken action does
// (it runs the same code): the form has token (and, for a public client,
// client_id); a confidential client authenticates as at the token endpoint
// (HTTP Basic or client_id and client_secret in the form). An unknown or
// already revoked token is answered 200, as RFC 7009 §2.2 and AWS say.

const revocationPath = "/oauth2/revoke"

// serveOAuthRevoke is the revocation endpoint.
func (s *Server) serveOAuthRevoke(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeOAuth(w, http.StatusMethodNotAllowed, map[string]string{"error": oauthInvalidRequest, "error_description": "The revocation endpoint accepts POST only."})
		return
	}
	err := s.revokeRequest(w, r)
	var oe *oauthError
	switch {
	case err == nil:
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
	case errors.As(err, &oe):
		s.log.Info("revocation refused", "error", oe.code, "description", oe.description)
		if oe.status == http.StatusUnauthorized && oe.basic {
			w.Header().Set("WWW-Authenticate", `Basic realm="`+revocationPath+`"`)
		}
		body := map[string]string{"error": oe.code}
		if oe.description != "" {
			body["error_description"] = oe.description
		}
		writeOAuth(w, oe.status, body)
	default:
		s.log.Error("revocation failed", "err", err)
		writeOAuth(w, http.StatusInternalServerError, map[string]string{"error": oauthServerError})
	}
}

// revokeRequest reads, authenticates and carries out one revocation.
func (s *Server) revokeRequest(w http.ResponseWriter, r *http.Request) error {
	form, err := readTokenForm(w, r)
	if err != nil {
		return err
	}
	token := form.Get("token")
	if token == "" {
		return badRequest("The token parameter is missing.")
	}
	id, secret, basic, err := clientAuthentication(r, form)
	if err != nil {
		return err
	}
	cl, p, err := s.authenticateClient(r.Context(), id, secret, basic)
	if err != nil {
		return err
	}
	c := &caller{baseURL: s.requestBaseURL(r), client: cl, pool: p}
	_, err = s.revokeToken(r.Context(), c, &cip.RevokeTokenInput{ClientId: aws.String(id), ClientSecret: aws.String(secret), Token: aws.String(token)})
	var apiErr *apiError
	switch {
	case !errors.As(err, &apiErr):
		return err
	case apiErr.Type == excUnsupportedOperation:
		return &oauthError{status: http.StatusBadRequest, code: "unsupported_token_type", description: "Token revocation is not enabled for the client."}
	}
	return &oauthError{status: http.StatusBadRequest, code: oauthInvalidRequest, description: apiErr.Message}
}
