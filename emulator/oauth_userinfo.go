package emulator

import (
	"errors"
	"net/http"
	"slices"
	"strings"
)

// GET and POST /oauth2/userInfo: the OpenID Connect UserInfo endpoint
// (OIDC Core §5.3) of the pool's domain. Given an access token from the
// token or authorization endpoint with the openid scope (Authorization:
// Bearer), it answers the user's attributes that the token's scopes and
// the client's read permissions allow, as AWS documents them:
//
//   - openid alone: every attribute the client can read;
//   - profile: the OIDC profile attributes and the custom ones;
//   - email: email and email_verified; phone: phone_number and
//     phone_number_verified;
//
// with sub and username always. Values are strings, as AWS sends them
// ("email_verified": "true"). Errors are AWS's: 400 invalid_request for
// a request without a bearer token, 401 invalid_token for a token that
// does not verify (expired, revoked, another server's), and, for a token
// without the openid scope (the API's), RFC 6750's 403 insufficient_scope.
// It sends the CORS headers of cors.go, as the token endpoint does.

const (
	userInfoPath         = "/oauth2/userInfo"
	userInfoAllowMethods = "GET, POST, OPTIONS"
)

// profileAttributes are the standard attributes of the profile scope.
var profileAttributes = []string{"name", "family_name", "given_name", "middle_name", "nickname", "preferred_username",
	"profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at", "address"}

// scopeAttributes are the attributes the email and phone scopes add.
var scopeAttributes = map[string][]string{
	"email": {"email", "email_verified"},
	"phone": {"phone_number", "phone_number_verified"},
}

func (s *Server) serveUserInfo(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", userInfoAllowMethods)
		writeOAuth(w, http.StatusMethodNotAllowed, map[string]string{"error": oauthInvalidRequest, "error_description": "The userInfo endpoint accepts GET and POST only."})
		return
	}
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		bearerError(w, http.StatusBadRequest, oauthInvalidRequest, "Bad OAuth2 request at UserInfo Endpoint")
		return
	}
	var claims map[string]string
	var missingScope bool
	err := s.view(r.Context(), func(st *state) error {
		a, err := s.authorize(st, strings.TrimSpace(token))
		if err != nil {
			return err
		}
		if !slices.Contains(a.scopes, scopeOpenID) {
			missingScope = true
			return nil
		}
		cl, err := subjectClient(st, a)
		if err != nil {
			return err
		}
		claims = userInfoClaims(cl, a.user, a.scopes)
		return nil
	})
	var apiErr *apiError
	switch {
	case errors.As(err, &apiErr):
		bearerError(w, http.StatusUnauthorized, "invalid_token", "Access token is expired, disabled, or deleted, or the user has globally signed out.")
	case err != nil:
		s.log.Error("userInfo failed", "err", err)
		writeOAuth(w, http.StatusInternalServerError, map[string]string{"error": oauthServerError})
	case missingScope:
		bearerError(w, http.StatusForbidden, "insufficient_scope", "The access token does not have the openid scope.")
	default:
		writeOAuth(w, http.StatusOK, claims)
	}
}

// bearerError answers a failed bearer-token request as RFC 6750 §3 does:
// the error in WWW-Authenticate and, as AWS also does, in the body.
func bearerError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("WWW-Authenticate", `Bearer error="`+code+`", error_description="`+description+`"`)
	writeOAuth(w, status, map[string]string{"error": code, "error_description": description})
}

// userInfoClaims are the attributes of u the scopes let the client cl see.
func userInfoClaims(cl *appClient, u *user, scopes []string) map[string]string {
	readable := cl.readable(u.Attributes)
	all := !slices.ContainsFunc(scopes, func(sc string) bool { return sc == "profile" || scopeAttributes[sc] != nil })
	claims := map[string]string{"sub": u.Attributes["sub"], "username": u.Username}
	for name, value := range readable {
		shown := all
		if slices.Contains(scopes, "profile") && (slices.Contains(profileAttributes, name) || strings.HasPrefix(name, "custom:")) {
			shown = true
		}
		for _, sc := range scopes {
			if slices.Contains(scopeAttributes[sc], name) {
				shown = true
			}
		}
		if shown {
			claims[name] = value
		}
	}
	return claims
}
