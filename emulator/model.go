package emulator

import (
	"slices"
	"strings"
	"time"
)

// pool is a user pool and its settings.
type pool struct {
	ID                  string            `json:"id"`
	Name                string            `json:"name"`
	Created             time.Time         `json:"created"`
	Modified            time.Time         `json:"modified"`
	Policy              passwordPolicy    `json:"policy"`
	AutoVerified        []string          `json:"autoVerified,omitempty"`
	UsernameAttributes  []string          `json:"usernameAttributes,omitempty"`
	AliasAttributes     []string          `json:"aliasAttributes,omitempty"`
	CaseSensitive       bool              `json:"caseSensitive"`
	Schema              []schemaAttribute `json:"schema"`
	MFAConfiguration    string            `json:"mfa"`
	DeletionProtection  string            `json:"deletionProtection,omitempty"`
	Tags                map[string]string `json:"tags,omitempty"`
	AdminCreateUserOnly bool              `json:"adminCreateUserOnly,omitempty"`
	// Domain is the pool's domain prefix (or custom domain), if any.
	Domain string `json:"domain,omitempty"`
}

// schemaAttribute is one attribute of a pool's schema.
type schemaAttribute struct {
	Name            string `json:"name"` // "email", "custom:plan"
	DataType        string `json:"dataType"`
	Mutable         bool   `json:"mutable"`
	Required        bool   `json:"required"`
	DeveloperOnly   bool   `json:"developerOnly,omitempty"`
	StringMinLength string `json:"minLength,omitempty"`
	StringMaxLength string `json:"maxLength,omitempty"`
	NumberMinValue  string `json:"minValue,omitempty"`
	NumberMaxValue  string `json:"maxValue,omitempty"`
}

// appClient is a user pool app client.
type appClient struct {
	ID                         string        `json:"id"`
	PoolID                     string        `json:"poolId"`
	Name                       string        `json:"name"`
	Secret                     string        `json:"secret,omitempty"`
	Created                    time.Time     `json:"created"`
	Modified                   time.Time     `json:"modified"`
	ExplicitAuthFlows          []string      `json:"explicitAuthFlows"`
	AccessTokenValidity        time.Duration `json:"accessTokenValidity"`
	IDTokenValidity            time.Duration `json:"idTokenValidity"`
	RefreshTokenValidity       time.Duration `json:"refreshTokenValidity"`
	Units                      tokenUnits    `json:"units"`
	PreventUserExistenceErrors string        `json:"preventUserExistenceErrors"`
	ReadAttributes             []string      `json:"readAttributes,omitempty"`
	WriteAttributes            []string      `json:"writeAttributes,omitempty"`
	EnableTokenRevocation      bool          `json:"enableTokenRevocation"`
	AuthSessionValidity        int32         `json:"authSessionValidity"`
}

// tokenUnits is how a client's validities are expressed in its API shape.
type tokenUnits struct {
	AccessToken  string `json:"accessToken"`
	IDToken      string `json:"idToken"`
	RefreshToken string `json:"refreshToken"`
}

// allowsFlow reports whether the client enables an ALLOW_* auth flow.
func (c *appClient) allowsFlow(flow string) bool {
	for _, f := range c.ExplicitAuthFlows {
		if f == flow || "ALLOW_"+f == flow {
			return true
		}
	}
	return false
}

func (c *appClient) preventsExistenceErrors() bool {
	return c.PreventUserExistenceErrors == "ENABLED"
}

// User statuses, as Cognito names them.
const (
	statusUnconfirmed         = "UNCONFIRMED"
	statusConfirmed           = "CONFIRMED"
	statusForceChangePassword = "FORCE_CHANGE_PASSWORD"
	statusResetRequired       = "RESET_REQUIRED"
)

// user is one user of a pool. The password is kept only as Cognito's SRP
// verifier.
type user struct {
	PoolID     string            `json:"poolId"`
	Username   string            `json:"username"`
	Attributes map[string]string `json:"attributes"`
	Status     string            `json:"status"`
	Enabled    bool              `json:"enabled"`
	Created    time.Time         `json:"created"`
	Modified   time.Time         `json:"modified"`
	Salt       []byte            `json:"salt"`
	Verifier   []byte            `json:"verifier"`
	// TemporaryPasswordExpires bounds a FORCE_CHANGE_PASSWORD password.
	TemporaryPasswordExpires time.Time `json:"temporaryPasswordExpires,omitzero"`
	// FailedSignIns counts consecutive wrong passwords; LockedUntil is the
	// end of the current lockout.
	FailedSignIns int       `json:"failedSignIns,omitempty"`
	LockedUntil   time.Time `json:"lockedUntil,omitzero"`
	// Groups are the names of the groups the user is in, sorted.
	Groups []string `json:"groups,omitempty"`

	// indexed are the sign-in aliases the store's index holds for the
	// user (attribute → value), as the state layer read or last wrote it.
	indexed map[string]string
}

func (u *user) inGroup(name string) bool { return slices.Contains(u.Groups, name) }

// joinGroup adds u to a group, keeping Groups sorted.
func (u *user) joinGroup(name string) {
	if !u.inGroup(name) {
		u.Groups = append(u.Groups, name)
		slices.Sort(u.Groups)
	}
}

func (u *user) leaveGroup(name string) {
	u.Groups = slices.DeleteFunc(u.Groups, func(g string) bool { return g == name })
}

// code is a one-time code sent to a user.
type code struct {
	Value     string    `json:"value"`
	Attribute string    `json:"attribute,omitempty"` // for attribute verification
	Expires   time.Time `json:"expires"`
	Failures  int       `json:"failures,omitempty"`
}

// session is one sign-in: its refresh token (by hash) and the origin_jti
// that every access and ID token issued from it carries. Deleting it revokes
// them all.
type session struct {
	PoolID      string    `json:"poolId"`
	UsernameKey string    `json:"usernameKey"`
	ClientID    string    `json:"clientId"`
	OriginJTI   string    `json:"originJti"`
	RefreshHash string    `json:"refreshHash"`
	AuthTime    time.Time `json:"authTime"`
	Expires     time.Time `json:"expires"`

	// refreshToken is the token itself, known only when the session is
	// created; it is never stored.
	refreshToken string
}

// usernameKey is the form of a username the store is keyed by: as given in
// case-sensitive pools, lower-cased otherwise.
func (p *pool) usernameKey(username string) string {
	if p.CaseSensitive {
		return username
	}
	return strings.ToLower(username)
}
