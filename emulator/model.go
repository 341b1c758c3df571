package emulator

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
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
	MFAFactors          mfaFactors        `json:"mfaFactors,omitzero"` // the MFA factors offered (mfa.go)
	DeletionProtection  string            `json:"deletionProtection,omitempty"`
	Tags                map[string]string `json:"tags,omitempty"`
	AdminCreateUserOnly bool              `json:"adminCreateUserOnly,omitempty"`
	// Domain is the pool's domain prefix (or custom domain), if any;
	// DomainSettings describe it.
	Domain         string          `json:"domain,omitempty"`
	DomainSettings *domainSettings `json:"domainSettings,omitempty"`

	// The settings below are kept as CreateUserPool and UpdateUserPool
	// give them (the SDK's own shapes where there is one) and are shown by
	// DescribeUserPool; applyPoolSettings (pools.go) fills in defaults.
	// Records written before they existed read as the defaults.

	// Tier is the feature plan: LITE, ESSENTIALS or PLUS ("" reads as
	// ESSENTIALS).
	Tier string `json:"tier,omitempty"`
	// VerificationTemplate is the VerificationMessageTemplate as given (nil:
	// Cognito's defaults); the legacy members below are kept only when a
	// caller set them, as AWS shows them separately then.
	VerificationTemplate     *types.VerificationMessageTemplateType `json:"verificationTemplate,omitempty"`
	EmailVerificationMessage string                                 `json:"emailVerificationMessage,omitempty"`
	EmailVerificationSubject string                                 `json:"emailVerificationSubject,omitempty"`
	SmsVerificationMessage   string                                 `json:"smsVerificationMessage,omitempty"`
	SmsAuthenticationMessage string                                 `json:"smsAuthenticationMessage,omitempty"`
	// UnusedAccountValidityDays is the legacy validity of AdminCreateUser's
	// temporary passwords (0: not set); TemporaryPasswordValiditySet records
	// that Policy.TemporaryPasswordValidityDays was once set, which makes it
	// the one that counts from then on (see temporaryPasswordDays).
	UnusedAccountValidityDays    int32                      `json:"unusedAccountValidityDays,omitempty"`
	TemporaryPasswordValiditySet bool                       `json:"temporaryPasswordValiditySet,omitempty"`
	InviteMessageTemplate        *types.MessageTemplateType `json:"inviteMessageTemplate,omitempty"`
	// AccountRecovery is AccountRecoverySetting.RecoveryMechanisms, sorted
	// by priority (nil: Cognito's legacy choice, a verified phone first).
	AccountRecovery     []types.RecoveryOptionType     `json:"accountRecovery,omitempty"`
	DeviceConfiguration *types.DeviceConfigurationType `json:"deviceConfiguration,omitempty"`
	EmailConfiguration  *types.EmailConfigurationType  `json:"emailConfiguration,omitempty"`
	SmsConfiguration    *types.SmsConfigurationType    `json:"smsConfiguration,omitempty"`
	// AttributesRequireVerificationBeforeUpdate is
	// UserAttributeUpdateSettings' list (email, phone_number).
	AttributesRequireVerificationBeforeUpdate []string                  `json:"attributesRequireVerificationBeforeUpdate,omitempty"`
	UserPoolAddOns                            *types.UserPoolAddOnsType `json:"userPoolAddOns,omitempty"`
	// AllowedFirstAuthFactors is Policies.SignInPolicy's list (nil reads as
	// PASSWORD alone).
	AllowedFirstAuthFactors []string `json:"allowedFirstAuthFactors,omitempty"`
	// PasswordHistorySize is Policies.PasswordPolicy.PasswordHistorySize
	// (stored, not enforced yet).
	PasswordHistorySize int32 `json:"passwordHistorySize,omitempty"`
	// LambdaConfig holds the pool's triggers (triggers.go).
	LambdaConfig *types.LambdaConfigType `json:"lambdaConfig,omitempty"`
}

// domainSettings describe a pool's domain.
type domainSettings struct {
	// CertificateARN is the ACM certificate of a custom domain ("" for a
	// prefix domain).
	CertificateARN      string `json:"certificateArn,omitempty"`
	ManagedLoginVersion int32  `json:"managedLoginVersion"`
	// Version is the domain's app version, as AWS stamps it (a time).
	Version string `json:"version"`
}

// clone is a deep copy of p, for a handler to change: pools read from the
// state layer are shared (see state.pool).
func (p *pool) clone() (*pool, error) {
	raw, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("copying pool %s: %w", p.ID, err)
	}
	cp := new(pool)
	if err := json.Unmarshal(raw, cp); err != nil {
		return nil, fmt.Errorf("copying pool %s: %w", p.ID, err)
	}
	return cp, nil
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
	ID     string `json:"id"`
	PoolID string `json:"poolId"`
	Name   string `json:"name"`
	// Secrets are the client's active secrets, oldest (the primary, which
	// DescribeUserPoolClient shows) first: none for a public client, at
	// most maxClientSecrets.
	Secrets []clientSecret `json:"secrets,omitempty"`
	// Secret is the primary secret as records written before clients had
	// several secrets hold it. Reading such a record moves it into Secrets
	// (see UnmarshalJSON); setSecrets keeps it equal to the primary, so
	// that an older version reading a newer record still checks it.
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
	// RefreshTokenRotation is the client's refresh-token rotation as set
	// (nil when never set: disabled); see rotates and retryGracePeriod.
	// Records written while it was an inert setting hold it in Inert
	// (see UnmarshalJSON).
	RefreshTokenRotation *types.RefreshTokenRotationType `json:"refreshTokenRotation,omitempty"`
	// OAuth are the client's OAuth 2.0 settings (client_oauth.go); records
	// written before they were validated have none (OAuth settings those
	// kept under "inert" are not read).
	OAuth clientOAuth `json:"oauth,omitzero"`
	// Inert are the settings stored and described but not acted on yet.
	Inert clientInertSettings `json:"inert,omitzero"`
}

// tokenUnits is how a client's validities are expressed in its API shape.
type tokenUnits struct {
	AccessToken  string `json:"accessToken"`
	IDToken      string `json:"idToken"`
	RefreshToken string `json:"refreshToken"`
}

// clientSecret is one secret of an app client.
type clientSecret struct {
	// ID is "<client-id>--<epoch-create-time>", as AWS forms it.
	ID      string    `json:"id"`
	Value   string    `json:"value"`
	Created time.Time `json:"created"`
}

// UnmarshalJSON reads a client record, migrating the single secret of
// records written before clients had several into Secrets.
func (c *appClient) UnmarshalJSON(raw []byte) error {
	type record appClient // without the method, to decode the fields
	if err := json.Unmarshal(raw, (*record)(c)); err != nil {
		return err
	}
	if len(c.Secrets) == 0 && c.Secret != "" {
		c.Secrets = []clientSecret{{ID: secretID(c.ID, c.Created), Value: c.Secret, Created: c.Created}}
	}
	if c.RefreshTokenRotation == nil {
		var old struct {
			Inert struct {
				RefreshTokenRotation *types.RefreshTokenRotationType `json:"refreshTokenRotation"`
			} `json:"inert"`
		}
		if err := json.Unmarshal(raw, &old); err != nil {
			return err
		}
		c.RefreshTokenRotation = old.Inert.RefreshTokenRotation
	}
	return nil
}

// secretID names a secret of client created at t.
func secretID(clientID string, t time.Time) string {
	return clientID + "--" + strconv.FormatInt(t.UnixMilli(), 10)
}

// Legacy ExplicitAuthFlows values: a client configured with any of them
// (they cannot be mixed with ALLOW_ values) keeps the meaning they had
// before the ALLOW_ values existed — see allowsFlow.
var legacyAuthFlows = map[string]string{
	"ADMIN_NO_SRP_AUTH":     "ALLOW_ADMIN_USER_PASSWORD_AUTH",
	"CUSTOM_AUTH_FLOW_ONLY": "ALLOW_CUSTOM_AUTH",
	"USER_PASSWORD_AUTH":    "ALLOW_USER_PASSWORD_AUTH",
}

// usesLegacyFlows reports whether the client's flows are the legacy values.
func (c *appClient) usesLegacyFlows() bool {
	for _, f := range c.ExplicitAuthFlows {
		if _, ok := legacyAuthFlows[f]; ok {
			return true
		}
	}
	return false
}

// allowsFlow reports whether the client enables an ALLOW_* auth flow.
//
// With legacy values, each names the flow it enables (ADMIN_NO_SRP_AUTH
// the admin password flow, USER_PASSWORD_AUTH the password flow,
// CUSTOM_AUTH_FLOW_ONLY custom authentication), and the flows that were
// always on before the ALLOW_ values existed stay on: refresh tokens and
// custom authentication, and SRP — except with CUSTOM_AUTH_FLOW_ONLY,
// which the console offered as "Only allow custom authentication". AWS's
// API reference does not spell the legacy meaning out; this is the
// conservative reading of it.
func (c *appClient) allowsFlow(flow string) bool {
	for _, f := range c.ExplicitAuthFlows {
		if f == flow || legacyAuthFlows[f] == flow {
			return true
		}
	}
	if !c.usesLegacyFlows() {
		return false
	}
	switch flow {
	case "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH":
		return true
	case "ALLOW_USER_SRP_AUTH":
		return !slices.Contains(c.ExplicitAuthFlows, "CUSTOM_AUTH_FLOW_ONLY")
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
	// Pending holds changed values of email and phone_number that wait for
	// verification (attribute → new value), in pools whose
	// AttributesRequireVerificationBeforeUpdate names the attribute: until
	// then the old value stays, verified and a sign-in alias.
	Pending map[string]string `json:"pending,omitempty"`
	// MFA is the user's software token and MFA preferences (mfa.go).
	MFA userMFA `json:"mfa,omitzero"`

	// indexed are the sign-in aliases the store's index holds for the
	// user (attribute → value), as the state layer read or last wrote it.
	indexed map[string]string
	// searched are the values ListUsers' search index holds for the user
	// (filter attribute → value), likewise.
	searched map[string]string
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
	// PreviousHash is the refresh token the last rotation replaced (on a
	// client with refresh-token rotation), and PreviousUntil the end of its
	// retry grace period: until then it still refreshes, after it its use
	// is a reuse. Both are empty in records written before rotation.
	PreviousHash  string    `json:"previousHash,omitempty"`
	PreviousUntil time.Time `json:"previousUntil,omitzero"`
	// Scopes are the OAuth 2.0 scopes granted to a sign-in through the
	// authorization endpoint (oauth_authorize.go); every token issued for
	// it carries them, however it is refreshed. A sign-in through the API
	// has none: its access tokens carry aws.cognito.signin.user.admin.
	Scopes []string `json:"scopes,omitempty"`

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
