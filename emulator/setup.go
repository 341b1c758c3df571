package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// The declarative setup: user pools with fixed IDs and what is in them —
// their settings and domain, resource servers, app clients with fixed IDs
// and secrets, groups and users — declared in one document, applied
// idempotently by Apply (setup_apply.go), written back from the state by
// Export (setup_export.go), read and written as YAML or JSON by
// ParseSetup and Setup.YAML / Setup.JSON (setup_file.go).
//
// Members are named as the Cognito API names them (CreateUserPool,
// CreateUserPoolClient, CreateGroup, CreateResourceServer,
// CreateUserPoolDomain, SetUserPoolMfaConfig, AdminGetUser), so the API
// reference documents them; the settings are the SDK's own input shapes,
// validated by the same code as the API's actions.

// Setup declares user pools and everything in them. Apply makes the state
// match it and Export writes the state in this form.
type Setup struct {
	// Pools are the user pools, each with its fixed ID.
	Pools []PoolSetup `json:"Pools,omitempty"`
}

// PoolSetup declares one user pool.
//
// Its settings — the embedded CreateUserPoolInput — are those of a
// CreateUserPool request (PoolName, Policies, Schema, UsernameAttributes,
// AliasAttributes, AutoVerifiedAttributes, MfaConfiguration, LambdaConfig,
// ...), with the same defaults: as with UpdateUserPool, a setting left out
// of the document takes its default again when the pool exists. What
// Cognito fixes at creation (UsernameAttributes, AliasAttributes,
// UsernameConfiguration and the schema, to which custom attributes may
// only be added) cannot change once the pool exists. PoolName defaults to
// the part of the ID after the underscore; UserPoolId is left out.
type PoolSetup struct {
	// ID is the pool's ID, of the form Cognito gives them: the server's
	// region, an underscore, then letters and digits
	// ("eu-west-1_Local123").
	ID string `json:"Id"`
	cip.CreateUserPoolInput

	// SoftwareTokenMfaConfiguration, SmsMfaConfiguration and
	// EmailMfaConfiguration are the MFA factors the pool offers, as
	// SetUserPoolMfaConfig takes them (its MfaConfiguration is the
	// pool's). When none is given, SMS MFA follows MfaConfiguration and
	// SmsConfiguration as CreateUserPool sets it.
	SoftwareTokenMfaConfiguration *types.SoftwareTokenMfaConfigType `json:"SoftwareTokenMfaConfiguration,omitempty"`
	SmsMfaConfiguration           *types.SmsMfaConfigType           `json:"SmsMfaConfiguration,omitempty"`
	EmailMfaConfiguration         *types.EmailMfaConfigType         `json:"EmailMfaConfiguration,omitempty"`

	// Domain is the pool's domain, as CreateUserPoolDomain takes it: a
	// prefix ("myapp") or, with CustomDomainConfig, a custom domain
	// ("auth.example.com"). ManagedLoginVersion is 1 (the classic hosted
	// UI, the default) or 2 (managed login). No domain removes the pool's.
	Domain              string                        `json:"Domain,omitempty"`
	CustomDomainConfig  *types.CustomDomainConfigType `json:"CustomDomainConfig,omitempty"`
	ManagedLoginVersion *int32                        `json:"ManagedLoginVersion,omitempty"`

	// ResourceServers are the pool's OAuth 2.0 resource servers, as
	// CreateResourceServer takes them (UserPoolId left out).
	ResourceServers []cip.CreateResourceServerInput `json:"ResourceServers,omitempty"`
	// Clients are the pool's app clients.
	Clients []ClientSetup `json:"Clients,omitempty"`
	// Groups are the pool's groups, as CreateGroup takes them (UserPoolId
	// left out).
	Groups []cip.CreateGroupInput `json:"Groups,omitempty"`
	// Users are the pool's users.
	Users []UserSetup `json:"Users,omitempty"`
}

// ClientSetup declares one app client: the members of a
// CreateUserPoolClient request (ClientName, ExplicitAuthFlows, token
// validities, OAuth 2.0 settings, ...) with the client's fixed ID. Its
// secret is ClientSecret when given, else with GenerateSecret one that is
// generated once and kept; with neither the client is public. Settings
// left out take their defaults, as with UpdateUserPoolClient.
type ClientSetup struct {
	// ClientID is the client's ID: letters, digits, underscores and plus
	// signs, up to 128 of them. Client IDs are unique across pools.
	ClientID string `json:"ClientId"`
	cip.CreateUserPoolClientInput
}

// UserSetup declares one user. Unlike a pool's or a client's settings, a
// member left out leaves an existing user's value as it is (users change
// as they use the pool: they confirm, change their password, set up MFA);
// a new user takes the default.
type UserSetup struct {
	// Username is the name the user signs in with. In a pool whose
	// UsernameAttributes make users sign in with their email or phone
	// number, it is that email or phone number (the username itself is
	// then the user's sub, as Cognito makes it).
	Username string `json:"Username"`
	// UserAttributes are the user's attributes, by name. sub may be given,
	// as a UUID, to fix the user's sub (a user found with another sub is
	// replaced).
	UserAttributes UserAttributes `json:"UserAttributes,omitempty"`
	// Password is the user's password. It is kept, as always, only as
	// Cognito's SRP verifier; a new user without Password or
	// PasswordVerifier gets a random password no one knows.
	Password string `json:"Password,omitempty"`
	// PasswordVerifier is the password in its stored form, as Export
	// writes it with ExportOptions.PasswordHashes, instead of Password.
	PasswordVerifier *PasswordVerifier `json:"PasswordVerifier,omitempty"`
	// UserStatus is CONFIRMED (the default), UNCONFIRMED,
	// FORCE_CHANGE_PASSWORD (Password is then a temporary password to
	// change at the first sign-in) or RESET_REQUIRED.
	UserStatus types.UserStatusType `json:"UserStatus,omitempty"`
	// Enabled is whether the user may sign in (default true).
	Enabled *bool `json:"Enabled,omitempty"`
	// Groups are the names of the groups the user is in, from the pool's
	// Groups.
	Groups []string `json:"Groups,omitempty"`
	// SoftwareTokenSecret is the secret of the user's verified software
	// token (TOTP), base32 as AssociateSoftwareToken shows it.
	SoftwareTokenSecret string `json:"SoftwareTokenSecret,omitempty"`
	// UserMFASettingList are the MFA factors the user enabled (SMS_MFA,
	// SOFTWARE_TOKEN_MFA, EMAIL_OTP; an empty list, none) and
	// PreferredMfaSetting the one preferred, as AdminGetUser shows them.
	UserMFASettingList  []string `json:"UserMFASettingList,omitempty"`
	PreferredMfaSetting string   `json:"PreferredMfaSetting,omitempty"`
}

// PasswordVerifier is a password as the local Cognito keeps it: the salt
// and the SRP verifier computed from it (base64 in YAML and JSON).
type PasswordVerifier struct {
	Salt     []byte `json:"Salt"`
	Verifier []byte `json:"Verifier"`
}

// UserAttributes are a user's attributes, by name. In a document they are
// a mapping of names to values — where booleans and numbers (email_verified:
// true) stand for their text — or, as the API lists them, a list of
// {Name, Value}.
type UserAttributes map[string]string

// UnmarshalJSON reads attributes from a JSON object or a list of
// {Name, Value}.
func (a *UserAttributes) UnmarshalJSON(raw []byte) error {
	if trimmed := bytes.TrimSpace(raw); len(trimmed) > 0 && trimmed[0] == '[' {
		var list []struct{ Name, Value string }
		if err := json.Unmarshal(raw, &list); err != nil {
			return fmt.Errorf("reading UserAttributes: %w", err)
		}
		*a = make(UserAttributes, len(list))
		for _, e := range list {
			(*a)[e.Name] = e.Value
		}
		return nil
	}
	var values map[string]json.RawMessage
	if err := json.Unmarshal(raw, &values); err != nil {
		return fmt.Errorf("reading UserAttributes: %w", err)
	}
	*a = make(UserAttributes, len(values))
	for name, v := range values {
		text, err := attributeText(v)
		if err != nil {
			return fmt.Errorf("reading UserAttributes: attribute %s: %w", strconv.Quote(name), err)
		}
		(*a)[name] = text
	}
	return nil
}

// attributeText is a JSON value of an attribute as text: a string as it
// is, a boolean or a number as written.
func attributeText(v json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return s, nil
	}
	var scalar any
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	if err := dec.Decode(&scalar); err != nil {
		return "", err
	}
	switch x := scalar.(type) {
	case bool:
		return strconv.FormatBool(x), nil
	case json.Number:
		return x.String(), nil
	}
	return "", fmt.Errorf("a value must be a string, a boolean or a number")
}
