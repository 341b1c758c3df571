package emulator

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// App clients: creation, description, update, listing and deletion, their
// secrets, and what a client's settings allow (attribute permissions).

var validAuthFlows = []string{
	"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH",
	"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_USER_PASSWORD_AUTH",
	"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_AUTH",
}

var tokenUnitDurations = map[string]time.Duration{
	"seconds": time.Second, "minutes": time.Minute, "hours": time.Hour, "days": 24 * time.Hour,
}

// validity turns a (value, unit) pair into a duration, applying Cognito's
// default unit and value and its allowed range.
func validity(name string, value *int32, unit, defaultUnit string, def, lo, hi time.Duration) (time.Duration, string, error) {
	if unit == "" {
		unit = defaultUnit
	}
	per, ok := tokenUnitDurations[unit]
	if !ok {
		return 0, "", invalidParameter("Invalid TokenValidityUnits value %q for %s.", truncate(unit, 16), name)
	}
	if value == nil {
		return def, unit, nil
	}
	// Bound the value before multiplying: 213505 days would overflow
	// time.Duration and wrap around into the allowed range.
	if *value <= 0 || time.Duration(*value) > hi/per {
		return 0, "", invalidParameter("Invalid %s: must be between %s and %s.", name, lo, hi)
	}
	d := time.Duration(*value) * per
	if d < lo {
		return 0, "", invalidParameter("Invalid %s: must be between %s and %s.", name, lo, hi)
	}
	return d, unit, nil
}

// clientSettings are the members CreateUserPoolClient and
// UpdateUserPoolClient share: what an app client is configured with.
type clientSettings struct {
	AccessTokenValidity        *int32
	IdTokenValidity            *int32
	RefreshTokenValidity       int32
	TokenValidityUnits         *types.TokenValidityUnitsType
	ReadAttributes             []string
	WriteAttributes            []string
	ExplicitAuthFlows          []types.ExplicitAuthFlowsType
	PreventUserExistenceErrors types.PreventUserExistenceErrorTypes
	EnableTokenRevocation      *bool
	AuthSessionValidity        *int32
	RefreshTokenRotation       *types.RefreshTokenRotationType
	oauth                      clientOAuth
	inert                      clientInertSettings
}

// clientInertSettings are the settings of an app client that the local
// Cognito stores and describes but does not act on yet: analytics and the
// propagation of user context data. Setting any of them logs a warning
// (see Server.warnInertClientSettings). The OAuth 2.0 settings are
// validated and kept in clientOAuth (client_oauth.go).
type clientInertSettings struct {
	AnalyticsConfiguration                   *types.AnalyticsConfigurationType `json:"analyticsConfiguration,omitempty"`
	EnablePropagateAdditionalUserContextData bool                              `json:"enablePropagateAdditionalUserContextData,omitempty"`
}

// set names the settings that are set, for the warning.
func (in *clientInertSettings) set() []string {
	var names []string
	for name, isSet := range map[string]bool{
		"AnalyticsConfiguration":                   in.AnalyticsConfiguration != nil,
		"EnablePropagateAdditionalUserContextData": in.EnablePropagateAdditionalUserContextData,
	} {
		if isSet {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// warnInertClientSettings logs the settings of cl the local Cognito keeps
// but does not act on yet.
func (s *Server) warnInertClientSettings(cl *appClient) {
	if names := cl.Inert.set(); len(names) > 0 {
		s.log.Warn("app client settings stored but not acted on by the local Cognito yet", "clientId", cl.ID, "settings", names)
	}
}

// apply validates settings and writes them to cl, as a new client gets
// them: members left out take Cognito's defaults. p is the client's pool,
// whose schema the read and write attributes must name.
func (set *clientSettings) apply(cl *appClient, p *pool) error {
	var units types.TokenValidityUnitsType
	if set.TokenValidityUnits != nil {
		units = *set.TokenValidityUnits
	}
	var err error
	if cl.AccessTokenValidity, cl.Units.AccessToken, err = validity("AccessTokenValidity", set.AccessTokenValidity, string(units.AccessToken), "hours", time.Hour, 5*time.Minute, 24*time.Hour); err != nil {
		return err
	}
	if cl.IDTokenValidity, cl.Units.IDToken, err = validity("IdTokenValidity", set.IdTokenValidity, string(units.IdToken), "hours", time.Hour, 5*time.Minute, 24*time.Hour); err != nil {
		return err
	}
	var refresh *int32
	if set.RefreshTokenValidity != 0 {
		refresh = aws.Int32(set.RefreshTokenValidity)
	}
	if cl.RefreshTokenValidity, cl.Units.RefreshToken, err = validity("RefreshTokenValidity", refresh, string(units.RefreshToken), "days", 30*24*time.Hour, time.Hour, 3650*24*time.Hour); err != nil {
		return err
	}
	if cl.RefreshTokenValidity < cl.AccessTokenValidity || cl.RefreshTokenValidity < cl.IDTokenValidity {
		return invalidParameter("The refresh token validity must be longer than the access and ID token validities.")
	}
	flows := enumStrings(set.ExplicitAuthFlows)
	legacy, modern := false, false
	for _, f := range flows {
		if !slices.Contains(validAuthFlows, f) {
			return invalidParameter("Invalid ExplicitAuthFlows value %q.", truncate(f, 64))
		}
		if strings.HasPrefix(f, "ALLOW_") {
			modern = true
		} else {
			legacy = true
		}
	}
	switch {
	case legacy && modern:
		return invalidParameter("ExplicitAuthFlows cannot have both ALLOW_ and legacy values.")
	case len(flows) == 0:
		flows = []string{"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"}
	}
	// Legacy values are kept as given: appClient.allowsFlow gives them
	// their legacy meaning (refresh and SRP stay on).
	cl.ExplicitAuthFlows = flows
	switch set.PreventUserExistenceErrors {
	case "":
		cl.PreventUserExistenceErrors = "LEGACY"
	case "ENABLED", "LEGACY":
		cl.PreventUserExistenceErrors = string(set.PreventUserExistenceErrors)
	default:
		return invalidParameter("Invalid PreventUserExistenceErrors value %q.", truncate(string(set.PreventUserExistenceErrors), 32))
	}
	cl.EnableTokenRevocation = set.EnableTokenRevocation == nil || *set.EnableTokenRevocation
	cl.AuthSessionValidity = 3
	if set.AuthSessionValidity != nil {
		if *set.AuthSessionValidity < 3 || *set.AuthSessionValidity > 15 {
			return invalidParameter("AuthSessionValidity must be between 3 and 15 minutes.")
		}
		cl.AuthSessionValidity = *set.AuthSessionValidity
	}
	for _, names := range [][]string{set.ReadAttributes, set.WriteAttributes} {
		for _, n := range names {
			if _, ok := p.schemaAttribute(n); !ok {
				return invalidParameter("Invalid read or write attribute %q: it is not in the schema.", truncate(n, 64))
			}
		}
	}
	// Without ReadAttributes (WriteAttributes) the client reads (writes)
	// every attribute. AWS documents the default as "the standard
	// attributes" (and, for reading, email_verified and
	// phone_number_verified); custom attributes stay readable and writable
	// here so that clients that do not list attributes keep working.
	cl.ReadAttributes, cl.WriteAttributes = nilIfEmpty(set.ReadAttributes), nilIfEmpty(set.WriteAttributes)
	if err := checkRotation(set.RefreshTokenRotation); err != nil {
		return err
	}
	cl.RefreshTokenRotation = set.RefreshTokenRotation
	cl.Inert = set.inert
	return nil
}

// applyOAuth validates the OAuth 2.0 settings and writes them to cl, whose
// secrets are already set; st gives the resource-server scopes of p.
// Members left out take their defaults (none), as with apply.
func (set *clientSettings) applyOAuth(st *state, cl *appClient, p *pool) error {
	if err := set.oauth.check(st, p, cl.hasSecret()); err != nil {
		return err
	}
	cl.OAuth = set.oauth
	return nil
}

// checkRotation validates a RefreshTokenRotation setting as AWS's model
// does (Feature is required — the adapter checks that — and ENABLED or
// DISABLED; RetryGracePeriodSeconds 0 to 60), in AWS's validation wording.
// AWS documents no rule tying rotation to ExplicitAuthFlows (its guide
// only says to turn REFRESH_TOKEN_AUTH off): a rotating client that lists
// ALLOW_REFRESH_TOKEN_AUTH is accepted, and REFRESH_TOKEN_AUTH is refused
// at sign-in (see refreshAuth).
func checkRotation(r *types.RefreshTokenRotationType) error {
	if r == nil {
		return nil
	}
	if r.Feature != types.FeatureTypeEnabled && r.Feature != types.FeatureTypeDisabled {
		return invalidParameter("1 validation error detected: Value '%s' at 'refreshTokenRotation.feature' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]", truncate(string(r.Feature), 32))
	}
	if g := r.RetryGracePeriodSeconds; g != nil && (*g < 0 || *g > 60) {
		bound := "greater than or equal to 0"
		if *g > 60 {
			bound = "less than or equal to 60"
		}
		return invalidParameter("1 validation error detected: Value '%d' at 'refreshTokenRotation.retryGracePeriodSeconds' failed to satisfy constraint: Member must have value %s", *g, bound)
	}
	return nil
}

// rotates reports whether the client rotates refresh tokens: each refresh
// (GetTokensFromRefreshToken) returns a new one and retires the one used.
func (cl *appClient) rotates() bool {
	return cl.RefreshTokenRotation != nil && cl.RefreshTokenRotation.Feature == types.FeatureTypeEnabled
}

// retryGracePeriod is how long a refresh token a rotation retired still
// refreshes (AWS: "can remain valid for a period of time of up to 60
// seconds. This allows for client-side retries"). AWS documents no default
// for an unset RetryGracePeriodSeconds; it is 0 here, the value that
// "disables the grace period" — the conservative choice.
func (cl *appClient) retryGracePeriod() time.Duration {
	if cl.RefreshTokenRotation == nil {
		return 0
	}
	return time.Duration(aws.ToInt32(cl.RefreshTokenRotation.RetryGracePeriodSeconds)) * time.Second
}

// nilIfEmpty makes an empty list nil: an empty ReadAttributes is no
// ReadAttributes, and DescribeUserPoolClient leaves it out.
func nilIfEmpty(names []string) []string {
	if len(names) == 0 {
		return nil
	}
	return names
}

// settingsOfCreate are the settings of a CreateUserPoolClient request.
func settingsOfCreate(in *cip.CreateUserPoolClientInput) clientSettings {
	return clientSettings{
		AccessTokenValidity: in.AccessTokenValidity, IdTokenValidity: in.IdTokenValidity,
		RefreshTokenValidity: in.RefreshTokenValidity, TokenValidityUnits: in.TokenValidityUnits,
		ReadAttributes: in.ReadAttributes, WriteAttributes: in.WriteAttributes,
		ExplicitAuthFlows: in.ExplicitAuthFlows, PreventUserExistenceErrors: in.PreventUserExistenceErrors,
		EnableTokenRevocation: in.EnableTokenRevocation, AuthSessionValidity: in.AuthSessionValidity,
		RefreshTokenRotation: in.RefreshTokenRotation,
		oauth: clientOAuth{
			AllowedOAuthFlows: enumStrings(in.AllowedOAuthFlows), AllowedOAuthFlowsUserPoolClient: in.AllowedOAuthFlowsUserPoolClient,
			AllowedOAuthScopes: nilIfEmpty(in.AllowedOAuthScopes), CallbackURLs: nilIfEmpty(in.CallbackURLs), LogoutURLs: nilIfEmpty(in.LogoutURLs),
			DefaultRedirectURI: aws.ToString(in.DefaultRedirectURI), SupportedIdentityProviders: nilIfEmpty(in.SupportedIdentityProviders),
		},
		inert: clientInertSettings{
			AnalyticsConfiguration:                   in.AnalyticsConfiguration,
			EnablePropagateAdditionalUserContextData: aws.ToBool(in.EnablePropagateAdditionalUserContextData),
		},
	}
}

// settingsOfUpdate are the settings of an UpdateUserPoolClient request.
func settingsOfUpdate(in *cip.UpdateUserPoolClientInput) clientSettings {
	return clientSettings{
		AccessTokenValidity: in.AccessTokenValidity, IdTokenValidity: in.IdTokenValidity,
		RefreshTokenValidity: in.RefreshTokenValidity, TokenValidityUnits: in.TokenValidityUnits,
		ReadAttributes: in.ReadAttributes, WriteAttributes: in.WriteAttributes,
		ExplicitAuthFlows: in.ExplicitAuthFlows, PreventUserExistenceErrors: in.PreventUserExistenceErrors,
		EnableTokenRevocation: in.EnableTokenRevocation, AuthSessionValidity: in.AuthSessionValidity,
		RefreshTokenRotation: in.RefreshTokenRotation,
		oauth: clientOAuth{
			AllowedOAuthFlows: enumStrings(in.AllowedOAuthFlows), AllowedOAuthFlowsUserPoolClient: in.AllowedOAuthFlowsUserPoolClient,
			AllowedOAuthScopes: nilIfEmpty(in.AllowedOAuthScopes), CallbackURLs: nilIfEmpty(in.CallbackURLs), LogoutURLs: nilIfEmpty(in.LogoutURLs),
			DefaultRedirectURI: aws.ToString(in.DefaultRedirectURI), SupportedIdentityProviders: nilIfEmpty(in.SupportedIdentityProviders),
		},
		inert: clientInertSettings{
			AnalyticsConfiguration:                   in.AnalyticsConfiguration,
			EnablePropagateAdditionalUserContextData: aws.ToBool(in.EnablePropagateAdditionalUserContextData),
		},
	}
}

func (s *Server) createUserPoolClient(ctx context.Context, _ *caller, in *cip.CreateUserPoolClientInput) (*cip.CreateUserPoolClientOutput, error) {
	var cl *appClient
	err := s.update(ctx, func(st *state) error {
		p, err := st.pool(aws.ToString(in.UserPoolId))
		if err != nil {
			return err
		}
		if cl, err = s.newClient(st, p, randomLowerAlphanumeric(26), in); err != nil {
			return err
		}
		return st.putClient(cl)
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("user pool client created", "userPoolId", cl.PoolID, "clientId", cl.ID, "withSecret", cl.hasSecret())
	s.warnInertClientSettings(cl)
	return &cip.CreateUserPoolClientOutput{UserPoolClient: cl.shape()}, nil
}

// newClient is the app client of p a CreateUserPoolClient request
// describes, with the ID id, its secret (generated or the request's own)
// and its settings validated; it is not stored. st gives the pool's
// resource servers, whose scopes the client may allow. The declarative
// setup (setup.go) makes its clients, whose IDs are fixed, with it too.
func (s *Server) newClient(st *state, p *pool, id string, in *cip.CreateUserPoolClientInput) (*appClient, error) {
	now := s.now()
	cl := &appClient{ID: id, PoolID: p.ID, Name: aws.ToString(in.ClientName), Created: now, Modified: now}
	switch {
	case in.GenerateSecret && in.ClientSecret != nil:
		return nil, invalidParameter("You cannot specify both GenerateSecret and ClientSecret.")
	case in.GenerateSecret:
		cl.setSecrets([]clientSecret{{ID: secretID(cl.ID, now), Value: newClientSecret(), Created: now}})
	case in.ClientSecret != nil:
		if err := checkCustomSecret(aws.ToString(in.ClientSecret)); err != nil {
			return nil, err
		}
		cl.setSecrets([]clientSecret{{ID: secretID(cl.ID, now), Value: aws.ToString(in.ClientSecret), Created: now}})
	}
	set := settingsOfCreate(in)
	if err := set.apply(cl, p); err != nil {
		return nil, err
	}
	if err := set.applyOAuth(st, cl, p); err != nil {
		return nil, err
	}
	return cl, nil
}

// shape is the client as DescribeUserPoolClient shows it.
func (cl *appClient) shape() *types.UserPoolClientType {
	in := func(d time.Duration, unit string) int32 { return int32(d / tokenUnitDurations[unit]) }
	out := &types.UserPoolClientType{
		UserPoolId:           aws.String(cl.PoolID),
		ClientName:           aws.String(cl.Name),
		ClientId:             aws.String(cl.ID),
		LastModifiedDate:     aws.Time(cl.Modified),
		CreationDate:         aws.Time(cl.Created),
		RefreshTokenValidity: in(cl.RefreshTokenValidity, cl.Units.RefreshToken),
		AccessTokenValidity:  aws.Int32(in(cl.AccessTokenValidity, cl.Units.AccessToken)),
		IdTokenValidity:      aws.Int32(in(cl.IDTokenValidity, cl.Units.IDToken)),
		TokenValidityUnits: &types.TokenValidityUnitsType{
			AccessToken:  types.TimeUnitsType(cl.Units.AccessToken),
			IdToken:      types.TimeUnitsType(cl.Units.IDToken),
			RefreshToken: types.TimeUnitsType(cl.Units.RefreshToken),
		},
		ReadAttributes:                           cl.ReadAttributes,
		WriteAttributes:                          cl.WriteAttributes,
		ExplicitAuthFlows:                        enumsOf[types.ExplicitAuthFlowsType](cl.shownFlows()),
		PreventUserExistenceErrors:               types.PreventUserExistenceErrorTypes(cl.PreventUserExistenceErrors),
		EnableTokenRevocation:                    aws.Bool(cl.EnableTokenRevocation),
		AuthSessionValidity:                      aws.Int32(cl.AuthSessionValidity),
		AllowedOAuthFlowsUserPoolClient:          aws.Bool(cl.OAuth.AllowedOAuthFlowsUserPoolClient),
		AllowedOAuthFlows:                        enumsOf[types.OAuthFlowType](cl.OAuth.AllowedOAuthFlows),
		AllowedOAuthScopes:                       cl.OAuth.AllowedOAuthScopes,
		CallbackURLs:                             cl.OAuth.CallbackURLs,
		LogoutURLs:                               cl.OAuth.LogoutURLs,
		DefaultRedirectURI:                       optional(cl.OAuth.DefaultRedirectURI),
		SupportedIdentityProviders:               cl.OAuth.SupportedIdentityProviders,
		AnalyticsConfiguration:                   cl.Inert.AnalyticsConfiguration,
		RefreshTokenRotation:                     cl.RefreshTokenRotation,
		EnablePropagateAdditionalUserContextData: aws.Bool(cl.Inert.EnablePropagateAdditionalUserContextData),
	}
	if cl.hasSecret() {
		out.ClientSecret = aws.String(cl.primarySecret())
	}
	return out
}

// shownFlows are the client's ExplicitAuthFlows as DescribeUserPoolClient
// shows them: as configured. (Clients with legacy values stored before
// allowsFlow gave them their meaning also hold ALLOW_REFRESH_TOKEN_AUTH,
// which is left out: ALLOW_ and legacy values never show together.)
func (cl *appClient) shownFlows() []string {
	if !cl.usesLegacyFlows() {
		return cl.ExplicitAuthFlows
	}
	var out []string
	for _, f := range cl.ExplicitAuthFlows {
		if !strings.HasPrefix(f, "ALLOW_") {
			out = append(out, f)
		}
	}
	return out
}

func (s *Server) describeUserPoolClient(ctx context.Context, _ *caller, in *cip.DescribeUserPoolClientInput) (*cip.DescribeUserPoolClientOutput, error) {
	var cl *appClient
	err := s.view(ctx, func(st *state) (err error) {
		cl, _, err = st.poolClient(aws.ToString(in.UserPoolId), aws.ToString(in.ClientId))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cip.DescribeUserPoolClientOutput{UserPoolClient: cl.shape()}, nil
}

func (s *Server) listUserPoolClients(ctx context.Context, _ *caller, in *cip.ListUserPoolClientsInput) (*cip.ListUserPoolClientsOutput, error) {
	pg, err := newPager[types.UserPoolClientDescription](in.MaxResults, false, in.NextToken)
	if err != nil {
		return nil, err
	}
	err = s.view(ctx, func(st *state) error {
		p, err := st.pool(aws.ToString(in.UserPoolId))
		if err != nil {
			return err
		}
		return st.scanClients(p, pg.after, func(cl *appClient) error {
			return pg.add(cl.ID, types.UserPoolClientDescription{
				ClientId: aws.String(cl.ID), UserPoolId: aws.String(cl.PoolID), ClientName: aws.String(cl.Name),
			})
		})
	})
	if err != nil {
		return nil, err
	}
	return &cip.ListUserPoolClientsOutput{UserPoolClients: pg.items, NextToken: pg.next}, nil
}

func (s *Server) deleteUserPoolClient(ctx context.Context, _ *caller, in *cip.DeleteUserPoolClientInput) (*cip.DeleteUserPoolClientOutput, error) {
	err := s.update(ctx, func(st *state) error {
		cl, _, err := st.poolClient(aws.ToString(in.UserPoolId), aws.ToString(in.ClientId))
		if err != nil {
			return err
		}
		return st.deleteClient(cl)
	})
	if err != nil {
		return nil, err
	}
	return &cip.DeleteUserPoolClientOutput{}, nil
}

// updateUserPoolClient replaces a client's settings, as AWS does: members
// the request leaves out take their defaults again (AWS: "If you don't
// provide a value for an attribute, Amazon Cognito sets it to its default
// value"). The client's secrets are kept, and so is its name when the
// request names none (a name has no default to go back to).
func (s *Server) updateUserPoolClient(ctx context.Context, _ *caller, in *cip.UpdateUserPoolClientInput) (*cip.UpdateUserPoolClientOutput, error) {
	set := settingsOfUpdate(in)
	var cl *appClient
	err := s.update(ctx, func(st *state) error {
		var p *pool
		var err error
		if cl, p, err = st.poolClient(aws.ToString(in.UserPoolId), aws.ToString(in.ClientId)); err != nil {
			return err
		}
		if err := set.apply(cl, p); err != nil {
			return err
		}
		if err := set.applyOAuth(st, cl, p); err != nil {
			return err
		}
		if in.ClientName != nil {
			cl.Name = aws.ToString(in.ClientName)
		}
		cl.Modified = s.now()
		return st.putClient(cl)
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("user pool client updated", "userPoolId", cl.PoolID, "clientId", cl.ID)
	s.warnInertClientSettings(cl)
	return &cip.UpdateUserPoolClientOutput{UserPoolClient: cl.shape()}, nil
}

// Client secrets. A confidential client has one or two active secrets
// (for rotation without downtime); a SECRET_HASH made with either, or
// either secret itself where a call sends it (RevokeToken), is accepted.

// maxClientSecrets is how many active secrets a client may have (AWS:
// "Supports up to 2 active secrets per app client").
const maxClientSecrets = 2

// customSecret is what AWS's model says of a secret the caller chooses.
var customSecret = newConstraint(24, 64, `[\w+]+`, true)

// newClientSecret generates a secret.
func newClientSecret() string { return randomLowerAlphanumeric(52) }

// checkCustomSecret validates a secret the caller chose (never echoing it).
func checkCustomSecret(secret string) error {
	if why := customSecret.check(secret); why != "" {
		return invalidParameter("1 validation error detected: Value at 'clientSecret' failed to satisfy constraint: %s", why)
	}
	return nil
}

// hasSecret reports whether the client is confidential: calls for it need
// its secret (or a SECRET_HASH made with it).
func (cl *appClient) hasSecret() bool { return len(cl.Secrets) > 0 }

// primarySecret is the secret DescribeUserPoolClient shows: the oldest
// active one, or "" for a public client.
func (cl *appClient) primarySecret() string {
	if len(cl.Secrets) == 0 {
		return ""
	}
	return cl.Secrets[0].Value
}

// setSecrets replaces the client's secrets, keeping Secret in line.
func (cl *appClient) setSecrets(secrets []clientSecret) {
	cl.Secrets = secrets
	cl.Secret = cl.primarySecret()
}

// secretMatches reports, in constant time for each, whether given is one
// of the client's active secrets.
func (cl *appClient) secretMatches(given string) bool {
	ok := false
	for _, sec := range cl.Secrets {
		if constantTimeEqual(given, sec.Value) {
			ok = true
		}
	}
	return ok
}

// descriptor is a secret as the secrets actions show it: never its value
// (AddUserPoolClientSecret adds the value of a secret it generated).
func (sec *clientSecret) descriptor() types.ClientSecretDescriptorType {
	return types.ClientSecretDescriptorType{ClientSecretId: aws.String(sec.ID), ClientSecretCreateDate: aws.Time(sec.Created)}
}

// addUserPoolClientSecret gives a confidential client another secret,
// generated or the caller's own. A public client is refused: AWS adds
// secrets to "an existing confidential user pool app client" only, and a
// public one cannot become confidential.
func (s *Server) addUserPoolClientSecret(ctx context.Context, _ *caller, in *cip.AddUserPoolClientSecretInput) (*cip.AddUserPoolClientSecretOutput, error) {
	value, generated := aws.ToString(in.ClientSecret), in.ClientSecret == nil
	if generated {
		value = newClientSecret()
	} else if err := checkCustomSecret(value); err != nil {
		return nil, err
	}
	var added clientSecret
	var cl *appClient
	err := s.update(ctx, func(st *state) (err error) {
		if cl, _, err = st.poolClient(aws.ToString(in.UserPoolId), aws.ToString(in.ClientId)); err != nil {
			return err
		}
		switch {
		case !cl.hasSecret():
			return invalidParameter("Client %s has no client secret: secrets can be added only to a confidential client.", cl.ID)
		case len(cl.Secrets) >= maxClientSecrets:
			return newError(excLimitExceeded, "Client %s already has %d client secrets; delete one before adding another.", cl.ID, maxClientSecrets)
		case cl.secretMatches(value):
			// Not documented by AWS; a second copy of a secret would
			// only take the place of a real rotation.
			return invalidParameter("The client secret is already a secret of client %s.", cl.ID)
		}
		now := s.now()
		id := secretID(cl.ID, now)
		for slices.ContainsFunc(cl.Secrets, func(sec clientSecret) bool { return sec.ID == id }) {
			now = now.Add(time.Millisecond) // two secrets added in one millisecond
			id = secretID(cl.ID, now)
		}
		added = clientSecret{ID: id, Value: value, Created: now}
		cl.setSecrets(append(slices.Clone(cl.Secrets), added))
		cl.Modified = s.now()
		return st.putClient(cl)
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("user pool client secret added", "userPoolId", cl.PoolID, "clientId", cl.ID, "clientSecretId", added.ID)
	d := added.descriptor()
	if generated {
		d.ClientSecretValue = aws.String(added.Value)
	}
	return &cip.AddUserPoolClientSecretOutput{ClientSecretDescriptor: &d}, nil
}

// listUserPoolClientSecrets lists a client's active secrets, without
// their values, oldest first; a public client has none.
func (s *Server) listUserPoolClientSecrets(ctx context.Context, _ *caller, in *cip.ListUserPoolClientSecretsInput) (*cip.ListUserPoolClientSecretsOutput, error) {
	var cl *appClient
	err := s.view(ctx, func(st *state) (err error) {
		cl, _, err = st.poolClient(aws.ToString(in.UserPoolId), aws.ToString(in.ClientId))
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &cip.ListUserPoolClientSecretsOutput{ClientSecrets: []types.ClientSecretDescriptorType{}}
	for i := range cl.Secrets {
		out.ClientSecrets = append(out.ClientSecrets, cl.Secrets[i].descriptor())
	}
	return out, nil
}

// deleteUserPoolClientSecret retires one of a client's secrets; the last
// one cannot be deleted (AWS: "You cannot delete the last remaining secret
// for an app client"; AWS does not name the error, and the refusal is an
// InvalidParameterException here).
func (s *Server) deleteUserPoolClientSecret(ctx context.Context, _ *caller, in *cip.DeleteUserPoolClientSecretInput) (*cip.DeleteUserPoolClientSecretOutput, error) {
	id := aws.ToString(in.ClientSecretId)
	var cl *appClient
	err := s.update(ctx, func(st *state) (err error) {
		if cl, _, err = st.poolClient(aws.ToString(in.UserPoolId), aws.ToString(in.ClientId)); err != nil {
			return err
		}
		i := slices.IndexFunc(cl.Secrets, func(sec clientSecret) bool { return sec.ID == id })
		switch {
		case i < 0:
			return newError(excResourceNotFound, "Client secret %s does not exist.", truncate(id, 128))
		case len(cl.Secrets) == 1:
			return invalidParameter("The last client secret of client %s cannot be deleted.", cl.ID)
		}
		cl.setSecrets(slices.Delete(slices.Clone(cl.Secrets), i, i+1))
		cl.Modified = s.now()
		return st.putClient(cl)
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("user pool client secret deleted", "userPoolId", cl.PoolID, "clientId", cl.ID, "clientSecretId", id)
	return &cip.DeleteUserPoolClientSecretOutput{}, nil
}

// Attribute permissions: which of a user's attributes a client may read
// (GetUser, the ID token) and write (SignUp, UpdateUserAttributes).

// canRead reports whether the client may read a user's attribute: every
// attribute when the client has no ReadAttributes (see
// clientSettings.apply), else those listed and sub, which identifies the
// user and is always readable. email_verified and phone_number_verified
// are attributes of their own: readable when listed.
func (cl *appClient) canRead(name string) bool {
	return len(cl.ReadAttributes) == 0 || name == "sub" || slices.Contains(cl.ReadAttributes, name)
}

// canWrite reports whether the client may write a user's attribute: every
// attribute when the client has no WriteAttributes, else those listed.
// (Which attributes a user may write at all is the pool schema's
// business: see pool.checkAttributes.)
func (cl *appClient) canWrite(name string) bool {
	return len(cl.WriteAttributes) == 0 || slices.Contains(cl.WriteAttributes, name)
}

// readable is the part of attrs the client may read.
func (cl *appClient) readable(attrs map[string]string) map[string]string {
	if len(cl.ReadAttributes) == 0 {
		return attrs
	}
	out := make(map[string]string, len(attrs))
	for name, v := range attrs {
		if cl.canRead(name) {
			out[name] = v
		}
	}
	return out
}

// errUnauthorizedAttribute is Cognito's answer to a write of an attribute
// the client may not write.
var errUnauthorizedAttribute = notAuthorized("A client attempted to write unauthorized attribute")

// checkWritable refuses attrs if the client may not write one of them.
func (cl *appClient) checkWritable(attrs []types.AttributeType) error {
	for _, a := range attrs {
		if !cl.canWrite(aws.ToString(a.Name)) {
			return errUnauthorizedAttribute
		}
	}
	return nil
}

// subjectClient reads the app client the sign-in of an access token was
// made through (deleting a client ends its sign-ins, so a missing one is a
// revoked token).
func subjectClient(st *state, a *authorized) (*appClient, error) {
	cl, _, err := st.poolClient(a.pool.ID, a.session.ClientID)
	var apiErr *apiError
	if errors.As(err, &apiErr) && apiErr.Type == excResourceNotFound {
		return nil, errRevokedAccessToken
	}
	return cl, err
}
