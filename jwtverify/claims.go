package jwtverify

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	fastjson "github.com/goccy/go-json"
)

// Claims are a verified token's claims, typed. A Claims is the caller's own:
// changing it changes nothing in the Verifier.
type Claims struct {
	// Subject is the user's sub, stable for the user's life.
	Subject string
	// Issuer is the pool's issuer URL.
	Issuer string
	// Audience is an ID token's aud: its app client.
	Audience []string
	// TokenUse is "access" or "id".
	TokenUse string
	// ClientID is an access token's app client.
	ClientID string
	// Email, EmailVerified and Name come from ID tokens.
	Email         string
	EmailVerified bool
	Name          string
	// Groups are the user's cognito:groups.
	Groups []string
	// Scope is an access token's space-separated scopes.
	Scope string
	// The token's times: exp, iat, nbf (zero when absent), auth_time.
	ExpiresAt, IssuedAt, NotBefore, AuthTime time.Time
	// JTI identifies the token, OriginJTI the sign-in it comes from,
	// EventID the authentication event.
	JTI, OriginJTI, EventID string
	// Nonce is the nonce an ID token from the OAuth 2.0 authorization
	// endpoint carries (see VerifyIDToken).
	Nonce string

	username string // "username" (access) or "cognito:username" (ID)
	raw      string // the payload segment, for Raw
}

// Username returns the user's username: "username" in access tokens,
// "cognito:username" in ID tokens.
func (c *Claims) Username() string { return c.username }

// IsClient reports whether the token is a machine's: an access token of
// the OAuth 2.0 client-credentials grant, which names no user (its sub is
// the app client's ID).
func (c *Claims) IsClient() bool { return c.TokenUse == AccessToken && c.username == "" }

// Scopes returns the access token's scopes.
func (c *Claims) Scopes() []string { return strings.Fields(c.Scope) }

// HasScope reports whether the token grants scope.
func (c *Claims) HasScope(scope string) bool {
	return slices.Contains(strings.Fields(c.Scope), scope)
}

// InGroup reports whether the user is in group.
func (c *Claims) InGroup(group string) bool { return slices.Contains(c.Groups, group) }

// Raw decodes every claim of the token into a map, custom attributes
// ("custom:plan") included.
func (c *Claims) Raw() (map[string]any, error) {
	payload, err := base64.RawURLEncoding.DecodeString(c.raw)
	if err != nil {
		return nil, fmt.Errorf("jwtverify: decoding claims: %w", err)
	}
	out := make(map[string]any)
	if err := json.Unmarshal(payload, &out); err != nil {
		return nil, fmt.Errorf("jwtverify: decoding claims: %w", err)
	}
	return out, nil
}

// clone returns a deep copy.
func (c *Claims) clone() *Claims {
	cp := *c
	cp.Audience = slices.Clone(c.Audience)
	cp.Groups = slices.Clone(c.Groups)
	return &cp
}

// wireClaims is the payload as decoded: plain numbers for the times (what
// jwt.NumericDate costs — a nested decode per date — is a large share of
// a cold verification).
type wireClaims struct {
	Iss             string   `json:"iss"`
	Sub             string   `json:"sub"`
	Aud             audience `json:"aud"`
	Exp             float64  `json:"exp"`
	Iat             float64  `json:"iat"`
	Nbf             float64  `json:"nbf"`
	AuthTime        float64  `json:"auth_time"`
	Jti             string   `json:"jti"`
	TokenUse        string   `json:"token_use"`
	ClientID        string   `json:"client_id"`
	Username        string   `json:"username"`
	CognitoUsername string   `json:"cognito:username"`
	Email           string   `json:"email"`
	EmailVerified   flexBool `json:"email_verified"`
	Name            string   `json:"name"`
	Groups          []string `json:"cognito:groups"`
	Scope           string   `json:"scope"`
	OriginJTI       string   `json:"origin_jti"`
	EventID         string   `json:"event_id"`
	Nonce           string   `json:"nonce"`
}

// claims converts the wire form.
func (w *wireClaims) claims() *Claims {
	username := w.Username
	if username == "" {
		username = w.CognitoUsername
	}
	return &Claims{
		Subject: w.Sub, Issuer: w.Iss, Audience: w.Aud, TokenUse: w.TokenUse, ClientID: w.ClientID,
		Email: w.Email, EmailVerified: bool(w.EmailVerified), Name: w.Name, Groups: w.Groups, Scope: w.Scope,
		ExpiresAt: unixTime(w.Exp), IssuedAt: unixTime(w.Iat), NotBefore: unixTime(w.Nbf), AuthTime: unixTime(w.AuthTime),
		JTI: w.Jti, OriginJTI: w.OriginJTI, EventID: w.EventID, Nonce: w.Nonce, username: username,
	}
}

// unixTime converts NumericDate seconds; 0 (absent) is the zero time.
func unixTime(sec float64) time.Time {
	if sec == 0 || math.IsNaN(sec) || math.IsInf(sec, 0) {
		return time.Time{}
	}
	whole, frac := math.Modf(sec)
	return time.Unix(int64(whole), int64(frac*1e9))
}

// flexBool accepts true/false and "true"/"false": Cognito writes
// email_verified as a string for users from external identity providers.
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	switch string(data) {
	case "true", `"true"`:
		*b = true
	case "false", `"false"`, "null":
		*b = false
	default:
		return fmt.Errorf("email_verified is not a boolean")
	}
	return nil
}

// audience is aud: one string or a list of them (RFC 7519 §4.1.3).
type audience []string

func (a *audience) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '"' {
		var one string
		if err := json.Unmarshal(data, &one); err != nil {
			return err
		}
		*a = audience{one}
		return nil
	}
	var list []string
	if err := json.Unmarshal(data, &list); err != nil {
		return fmt.Errorf("aud is neither a string nor a list of strings")
	}
	*a = list
	return nil
}

// tokenHeader is the part of a JWS header Verify reads. alg may be of any
// JSON type: any but "RS256" is refused as a bad signature, not a
// malformed token.
type tokenHeader struct {
	Alg any    `json:"alg"`
	Kid string `json:"kid"`
}

// decodedToken is a compact JWS split and decoded, not yet verified.
type decodedToken struct {
	header    tokenHeader
	claims    wireClaims
	payload   string // the payload as sent (base64url), for Claims.Raw
	signed    string // header.payload, what the signature covers
	signature []byte
}

// strictBase64 decodes base64url without padding and refuses non-zero
// trailing bits, so that one token has one spelling (as golang-jwt's
// WithStrictDecoding does).
var strictBase64 = base64.RawURLEncoding.Strict()

// decodeToken splits raw into its three parts and decodes them: the
// header into the two members Verify reads, the payload into the claims
// it checks, the signature into bytes. It decodes what golang-jwt's
// ParseUnverified would, with less work: no map for the header, no
// jwt.Claims indirections.
func decodeToken(raw string) (*decodedToken, error) {
	head, rest, ok := strings.Cut(raw, ".")
	payload, sig, ok2 := strings.Cut(rest, ".")
	if !ok || !ok2 || strings.IndexByte(sig, '.') >= 0 {
		return nil, errors.New("a JWS has three parts")
	}
	t := &decodedToken{payload: payload, signed: raw[:len(head)+1+len(payload)]}
	headJSON, err := strictBase64.DecodeString(head)
	if err != nil {
		return nil, fmt.Errorf("the header is not base64url: %w", err)
	}
	if err := fastjson.Unmarshal(headJSON, &t.header); err != nil {
		return nil, fmt.Errorf("the header is not JSON: %w", err)
	}
	claimsJSON, err := strictBase64.DecodeString(payload)
	if err != nil {
		return nil, fmt.Errorf("the payload is not base64url: %w", err)
	}
	if err := fastjson.Unmarshal(claimsJSON, &t.claims); err != nil {
		return nil, fmt.Errorf("the claims are not valid: %w", err)
	}
	if t.signature, err = strictBase64.DecodeString(sig); err != nil {
		return nil, fmt.Errorf("the signature is not base64url: %w", err)
	}
	return t, nil
}
