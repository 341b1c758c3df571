package cognito

import "time"

// SignUpResult is the outcome of Register.
type SignUpResult struct {
	// UserSub is the new user's sub, the stable ID in its tokens.
	UserSub string `json:"user_sub"`
	// ConfirmationRequired says the user must confirm (with the code sent
	// to CodeDeliveryDestination) before signing in.
	ConfirmationRequired bool `json:"confirmation_required"`
	// CodeDeliveryDestination is where the code went, masked
	// ("a***@e***.com"); empty when no code was sent.
	CodeDeliveryDestination string `json:"code_delivery_destination,omitempty"`
}

// CodeDelivery says where Cognito sent a code.
type CodeDelivery struct {
	// Destination is masked, e.g. "a***@e***.com".
	Destination string `json:"destination"`
	// Medium is EMAIL or SMS.
	Medium string `json:"medium"`
	// Attribute is the attribute the code verifies, e.g. "email".
	Attribute string `json:"attribute"`
}

// Tokens are a signed-in user's tokens.
type Tokens struct {
	AccessToken string `json:"access_token"`
	IDToken     string `json:"id_token"`
	// RefreshToken gets new access and ID tokens (Refresh). Cognito does
	// not return a new one on refresh, so Refresh keeps the old one here.
	RefreshToken string `json:"refresh_token,omitempty"`
	// ExpiresIn is the access token's lifetime in seconds, as Cognito
	// said it (0 from a server that did not say).
	ExpiresIn int32 `json:"expires_in"`
	// TokenType is "Bearer".
	TokenType string `json:"token_type"`
	// Expiry is when the access token expires, computed from ExpiresIn
	// when the tokens were received, or read from the token's exp claim
	// when the server did not send ExpiresIn.
	Expiry time.Time `json:"expiry"`
	// NewDevice is the device Cognito offers to remember after this
	// sign-in (the pool tracks devices); RememberDevice remembers it.
	NewDevice *NewDevice `json:"new_device,omitempty"`
	// DeviceKey is the remembered device these tokens were obtained with,
	// sent along when they are refreshed.
	DeviceKey string `json:"device_key,omitempty"`
}

// User is a user's profile, as GetUser returns it to the user and Admin's
// operations to an administrator.
type User struct {
	// Username is the user's username: on pools where users sign in with
	// their email, Cognito's internal username (the sub).
	Username string `json:"username"`
	// Sub is the user's stable ID, the "sub" of its tokens (also
	// Attributes["sub"]).
	Sub string `json:"sub,omitempty"`
	// Status is Cognito's status of the user: UNCONFIRMED, CONFIRMED,
	// FORCE_CHANGE_PASSWORD (created by an administrator, must choose a
	// password), RESET_REQUIRED, EXTERNAL_PROVIDER... Only Admin's
	// operations report it; empty from GetUser.
	Status string `json:"status,omitempty"`
	// Enabled is false for a user an administrator disabled (who cannot
	// sign in). GetUser's user is always enabled: a disabled user's tokens
	// are refused.
	Enabled bool `json:"enabled"`
	// CreationDate and LastModifiedDate are when the user was created and
	// last changed; only Admin's operations report them.
	CreationDate     time.Time `json:"creation_date,omitzero"`
	LastModifiedDate time.Time `json:"last_modified_date,omitzero"`
	// Attributes are the user's attributes by name ("email",
	// "email_verified", "custom:plan", ...).
	Attributes map[string]string `json:"attributes"`
	// MFAOptions are the legacy SMS MFA settings.
	MFAOptions []MFAOption `json:"mfa_options,omitempty"`
	// PreferredMFA is the preferred MFA method, if any.
	PreferredMFA string `json:"preferred_mfa,omitempty"`
	// UserMFASettings lists the MFA methods the user has enabled.
	UserMFASettings []string `json:"user_mfa_settings,omitempty"`
}

// MFAOption is one legacy MFA setting.
type MFAOption struct {
	DeliveryMedium string `json:"delivery_medium"`
	AttributeName  string `json:"attribute_name"`
}

// PoolInfo describes a user pool, as TestConnection returns it. (Cognito
// no longer reports a pool status: a pool that answers is active.)
type PoolInfo struct {
	UserPoolID     string    `json:"user_pool_id"`
	UserPoolName   string    `json:"user_pool_name"`
	EstimatedUsers int32     `json:"estimated_users"`
	MFA            string    `json:"mfa_configuration,omitempty"`
	Deletion       string    `json:"deletion_protection,omitempty"`
	CreationDate   time.Time `json:"creation_date"`
	Region         string    `json:"region"`
}

// Group is a group of a user pool's users, as Admin's group operations
// return it. Its members' access and ID tokens list it in cognito:groups.
type Group struct {
	// Name is the group's name, e.g. "admin".
	Name string `json:"name"`
	// Description is free text, if the group has one.
	Description string `json:"description,omitempty"`
	// Precedence orders a user's groups (lowest first) in their tokens and
	// decides which group's role applies; nil when the group has none.
	Precedence *int32 `json:"precedence,omitempty"`
	// RoleARN is the IAM role of the group's members in an identity pool,
	// if any.
	RoleARN string `json:"role_arn,omitempty"`
	// CreationDate and LastModifiedDate are when the group was created and
	// last changed.
	CreationDate     time.Time `json:"creation_date,omitzero"`
	LastModifiedDate time.Time `json:"last_modified_date,omitzero"`
}
