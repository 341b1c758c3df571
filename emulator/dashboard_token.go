package emulator

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The dashboard's token decoder (dashboard.go): a JWT pasted in a form
// (posted, so that no token ends up in a URL or a history), its header and
// claims pretty-printed, and whether it verifies against the keys of the
// pool its issuer names — the pool's own signing key, read through the
// state layer as the JWKS is — at the server's time. An access token that
// verifies is also checked as the API checks it (its sign-in not revoked,
// its user enabled).

// maxDashboardToken bounds a pasted token, as the API bounds access
// tokens.
const maxDashboardToken = 16 * 1024

// Verdicts of the token decoder.
const (
	tokenValid       = "valid"
	tokenExpired     = "expired"
	tokenNotYetValid = "not yet valid"
	tokenBadSig      = "bad signature"
	tokenUnknownKid  = "unknown kid"
	tokenUnknownPool = "unknown pool"
	tokenRefused     = "refused"
	tokenMalformed   = "not a JWT"
)

// dashToken is the token decoder's page: the token pasted and what it
// says.
type dashToken struct {
	Raw            string
	Header, Claims string // pretty-printed JSON
	Times          []attributeRow
	PoolID, Use    string
	// Verdict is one of the verdicts above ("" before a token is
	// pasted), Detail says why.
	Verdict, Detail string
}

// Valid reports whether the token verifies.
func (t *dashToken) Valid() bool { return t.Verdict == tokenValid }

func (s *Server) serveDashboardToken(w http.ResponseWriter, r *http.Request) {
	v := &dashToken{}
	if r.Method == http.MethodPost {
		if !s.dashboardForm(w, r, false) {
			return
		}
		v.Raw = strings.TrimSpace(r.PostForm.Get("token"))
		if err := s.decodeToken(r, v); err != nil {
			s.dashboardError(w, r, err)
			return
		}
	}
	s.renderDashboard(w, r, &dashPage{Title: "Token decoder", Nav: "token", Data: v, template: "token"})
}

// decodeToken fills v in from v.Raw; it fails only when the store does.
func (s *Server) decodeToken(r *http.Request, v *dashToken) error {
	if v.Raw == "" {
		v.Verdict, v.Detail = tokenMalformed, "Paste an access or ID token."
		return nil
	}
	if len(v.Raw) > maxDashboardToken {
		v.Verdict, v.Detail = tokenMalformed, "The token is longer than any Cognito issues."
		v.Raw = v.Raw[:maxDashboardToken]
		return nil
	}
	parts := strings.Split(v.Raw, ".")
	if len(parts) != 3 {
		v.Verdict, v.Detail = tokenMalformed, "A JWT is three base64url parts separated by dots (refresh tokens are opaque)."
		return nil
	}
	var header struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	var claims map[string]any
	var ok bool
	if v.Header, ok = decodeJWTPart(parts[0], &header); ok {
		v.Claims, ok = decodeJWTPart(parts[1], &claims)
	}
	if !ok {
		v.Verdict, v.Detail = tokenMalformed, "The header or the claims are not base64url-encoded JSON objects."
		return nil
	}
	for _, name := range []string{"exp", "nbf", "iat", "auth_time"} {
		if at, ok := claimTime(claims, name); ok {
			v.Times = append(v.Times, attributeRow{name, formatTime(at)})
		}
	}
	v.Use, _ = claims["token_use"].(string)
	iss, _ := claims["iss"].(string)
	poolID, ours := s.issuerPool(iss)
	v.PoolID = poolID
	return s.view(r.Context(), func(st *state) error {
		v.Verdict, v.Detail = s.verifyPasted(st, v, header.Alg, header.Kid, claims)
		if v.Verdict == tokenValid && !ours {
			v.Verdict, v.Detail = tokenRefused, "Signed by the key of pool "+poolID+" and within its validity, but its issuer is not the one this server gives its tokens now."
		}
		return nil
	})
}

// claimTime is the time claim name of claims (decoded with UseNumber), if
// it is a whole number of seconds.
func claimTime(claims map[string]any, name string) (time.Time, bool) {
	n, ok := claims[name].(json.Number)
	sec, err := n.Int64()
	return time.Unix(sec, 0), ok && err == nil
}

// decodeJWTPart decodes a base64url part of a JWT, a JSON object, into v
// and returns it pretty-printed; false if it is not one.
func decodeJWTPart(part string, v any) (string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(part, "="))
	if err != nil {
		return "", false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var pretty bytes.Buffer
	if dec.Decode(v) != nil || json.Indent(&pretty, raw, "", "  ") != nil {
		return "", false
	}
	return pretty.String(), true
}

// verifyPasted is the verdict on a pasted token: its signature by the key
// of the pool its issuer names, then its times, then (for an access token)
// the API's own checks. Store failures are verdicts too, logged.
func (s *Server) verifyPasted(st *state, v *dashToken, alg, kid string, claims map[string]any) (string, string) {
	p, err := st.pool(v.PoolID)
	if err != nil {
		var apiErr *apiError
		if !errors.As(err, &apiErr) {
			s.log.Error("token decoder: reading the pool failed", "err", err)
		}
		v.PoolID = ""
		return tokenUnknownPool, "The issuer names no pool of this server."
	}
	key, err := s.poolKey(st, p.ID)
	switch {
	case err != nil:
		s.log.Error("token decoder: reading the signing key failed", "userPoolId", p.ID, "err", err)
		return tokenUnknownKid, "The pool's signing key could not be read."
	case alg != "RS256":
		return tokenBadSig, "The token is signed with " + truncate(alg, 16) + "; Cognito signs with RS256 only."
	case kid != key.kid:
		return tokenUnknownKid, "The pool's JWKS has no key " + truncate(kid, 64) + " (its key is " + key.kid + ")."
	}
	parser := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
	if _, err := parser.Parse(v.Raw, func(*jwt.Token) (any, error) { return &key.key.PublicKey, nil }); err != nil {
		return tokenBadSig, "The signature is not the pool's key's."
	}
	now := s.now()
	exp, hasExp := claimTime(claims, "exp")
	switch {
	case !hasExp:
		return tokenRefused, "The token has no exp claim: Cognito's always have one."
	case !now.Before(exp):
		return tokenExpired, "The token expired at " + formatTime(exp) + "."
	}
	if nbf, ok := claimTime(claims, "nbf"); ok && now.Before(nbf) {
		return tokenNotYetValid, "The token is valid from " + formatTime(nbf) + " (nbf)."
	}
	if iat, ok := claimTime(claims, "iat"); ok && now.Before(iat) {
		return tokenNotYetValid, "The token was issued in the future, at " + formatTime(iat) + " (iat)."
	}
	if v.Use == "access" {
		if _, err := s.authorize(st, v.Raw); err != nil {
			var apiErr *apiError
			if !errors.As(err, &apiErr) {
				s.log.Error("token decoder: checking an access token failed", "err", err)
				return tokenRefused, "The token could not be checked."
			}
			return tokenRefused, "The signature and times verify, but the API refuses it: " + apiErr.Message
		}
	}
	return tokenValid, "Signed by the key of pool " + p.ID + " and within its validity."
}
