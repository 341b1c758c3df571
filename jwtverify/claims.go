package jwtverify

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// Claims are a verified token's claims, typed. Times are
// jwt.NumericDate (embedding time.Time).
type Claims struct {
	jwt.RegisteredClaims
	// TokenUse is "access" or "id".
	TokenUse string `json:"token_use"`
	// ClientID is the app client of an access token (ID tokens name it in
	// Audience).
	ClientID string `json:"client_id,omitempty"`
	// AccessUsername is an access token's "username".
	AccessUsername string `json:"username,omitempty"`
	// CognitoUsername is an ID token's "cognito:username".
	CognitoUsername string `json:"cognito:username,omitempty"`
	// Email and EmailVerified come from ID tokens.
	Email         string `json:"email,omitempty"`
	EmailVerified bool   `json:"email_verified,omitempty"`
	// Name is the user's "name" attribute, in ID tokens.
	Name string `json:"name,omitempty"`
	// Groups are the user's cognito:groups.
	Groups []string `json:"cognito:groups,omitempty"`
	// Scope is the space-separated scope claim of access tokens.
	Scope string `json:"scope,omitempty"`
	// AuthTime is when the user authenticated (Unix seconds).
	AuthTime int64 `json:"auth_time,omitempty"`
	// OriginJTI identifies the sign-in the token comes from.
	OriginJTI string `json:"origin_jti,omitempty"`
	// EventID identifies the authentication event.
	EventID string `json:"event_id,omitempty"`

	raw string // the payload segment, for Raw
}

// Username returns the user's username: "username" in access tokens,
// "cognito:username" in ID tokens.
func (c *Claims) Username() string {
	if c.AccessUsername != "" {
		return c.AccessUsername
	}
	return c.CognitoUsername
}

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

// clone returns a copy of c that shares nothing a caller could change with
// it: the slices and the dates are copied too (the dates in the same
// allocation as the Claims).
func (c *Claims) clone() *Claims {
	b := &struct {
		c     Claims
		dates [3]jwt.NumericDate
	}{c: *c}
	b.c.Audience = slices.Clone(c.Audience)
	b.c.Groups = slices.Clone(c.Groups)
	for i, d := range []**jwt.NumericDate{&b.c.ExpiresAt, &b.c.NotBefore, &b.c.IssuedAt} {
		if *d != nil {
			b.dates[i] = **d
			*d = &b.dates[i]
		}
	}
	return &b.c
}
