package emulator

import (
	"net/url"
	"slices"
	"strings"
)

// An app client's OAuth 2.0 settings: validated as AWS validates them on
// CreateUserPoolClient and UpdateUserPoolClient, stored and described, for
// the OAuth 2.0 endpoints of the pool's domain: the authorization endpoint
// and managed login (oauth_authorize.go, login.go) and the token endpoint
// (oauth_token.go).

// clientOAuth are the OAuth 2.0 settings of an app client, as the API
// names them.
type clientOAuth struct {
	AllowedOAuthFlows               []string `json:"allowedOAuthFlows,omitempty"`
	AllowedOAuthFlowsUserPoolClient bool     `json:"allowedOAuthFlowsUserPoolClient,omitempty"`
	AllowedOAuthScopes              []string `json:"allowedOAuthScopes,omitempty"`
	CallbackURLs                    []string `json:"callbackURLs,omitempty"`
	LogoutURLs                      []string `json:"logoutURLs,omitempty"`
	DefaultRedirectURI              string   `json:"defaultRedirectURI,omitempty"`
	SupportedIdentityProviders      []string `json:"supportedIdentityProviders,omitempty"`
}

// OAuth flows and the scopes every pool knows.
var (
	oauthFlows = []string{"code", "implicit", "client_credentials"}
	// standardScopes are the OpenID Connect scopes and Cognito's own,
	// which any client using user flows may allow.
	standardScopes = []string{"phone", "email", "openid", "profile", "aws.cognito.signin.user.admin"}
)

// Constraints AWS's model puts on the members of the OAuth lists.
var (
	redirectURLConstraint  = newConstraint(1, 1024, `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`, false)
	oauthScopeConstraint   = newConstraint(1, 256, `[\x21\x23-\x5B\x5D-\x7E]+`, false)
	providerNameConstraint = newConstraint(1, 32, `[\p{L}\p{M}\p{S}\p{N}\p{P}\p{Z}]+`, false)
)

// List bounds of AWS's model: OAuthFlowsType, ScopeListType,
// CallbackURLsListType and LogoutURLsListType.
const (
	maxOAuthFlows  = 3
	maxOAuthScopes = 50
	maxClientURLs  = 100
)

// check validates the settings for a client of p (confidential when
// hasSecret), in AWS's wording where AWS's is known. st gives the pool's
// resource-server scopes.
func (o *clientOAuth) check(st *state, p *pool, hasSecret bool) error {
	if err := o.checkLists(); err != nil {
		return err
	}
	flows := o.AllowedOAuthFlows
	for _, f := range flows {
		if !slices.Contains(oauthFlows, f) {
			return invalidParameter("1 validation error detected: Value '[%s]' at 'allowedOAuthFlows' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [implicit, client_credentials, code]]", truncate(strings.Join(flows, ", "), 64))
		}
	}
	configured := len(flows) > 0 || len(o.AllowedOAuthScopes) > 0 || len(o.CallbackURLs) > 0 || len(o.LogoutURLs) > 0
	switch {
	case o.AllowedOAuthFlowsUserPoolClient && (len(flows) == 0 || len(o.AllowedOAuthScopes) == 0):
		return invalidParameter("AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.")
	case !o.AllowedOAuthFlowsUserPoolClient && configured:
		// AWS: AllowedOAuthFlowsUserPoolClient "must have a value of true
		// before you can configure" callback and sign-out URLs, scopes and
		// flows. AWS documents no message; refusing them is the
		// conservative reading.
		return invalidParameter("AllowedOAuthFlowsUserPoolClient must be true to configure AllowedOAuthFlows, AllowedOAuthScopes, CallbackURLs or LogoutURLs.")
	}
	machine := slices.Contains(flows, "client_credentials")
	if machine {
		// AWS: "To create an app client that generates client credentials
		// grants, you must add client_credentials as the only allowed
		// OAuth flow", and the grant is authorized by the client secret.
		if len(flows) > 1 {
			return newError(excInvalidOAuthFlow, "client_credentials flow can not be selected along with code flow or implicit flow.")
		}
		if !hasSecret {
			return newError(excInvalidOAuthFlow, "client_credentials flow can not be selected if client does not have a client secret.")
		}
	}
	custom, err := poolScopes(st, p)
	if err != nil {
		return err
	}
	for _, sc := range o.AllowedOAuthScopes {
		switch {
		case slices.Contains(standardScopes, sc) && machine:
			// A client-credentials grant has no user: only custom scopes
			// apply. The message is AWS's; its exception type is not
			// documented, InvalidParameterException is the general one.
			return invalidParameter("%s is not supported with client_credentials flow", sc)
		case slices.Contains(standardScopes, sc), custom[sc]:
		default:
			// AWS names ScopeDoesNotExistException ("the specified scope
			// doesn't exist") but documents no message.
			return newError(excScopeDoesNotExist, "Invalid scope requested: %s", truncate(sc, 64))
		}
	}
	for _, list := range []struct {
		name string
		urls []string
	}{{"CallbackURLs", o.CallbackURLs}, {"LogoutURLs", o.LogoutURLs}} {
		for _, u := range list.urls {
			if err := checkRedirectURL(list.name, u); err != nil {
				return err
			}
		}
	}
	if o.DefaultRedirectURI != "" {
		if why := redirectURLConstraint.check(o.DefaultRedirectURI); why != "" {
			return invalidParameter("1 validation error detected: Value '%s' at 'defaultRedirectURI' failed to satisfy constraint: %s", truncate(o.DefaultRedirectURI, 64), why)
		}
		if !slices.Contains(o.CallbackURLs, o.DefaultRedirectURI) {
			return invalidParameter("DefaultRedirectURI %s must be in the CallbackURLs list.", truncate(o.DefaultRedirectURI, 64))
		}
	}
	for _, name := range o.SupportedIdentityProviders {
		// COGNITO is the pool's own directory; any other name must be an
		// identity provider of the pool, and the local Cognito has none
		// yet (CreateIdentityProvider is not supported).
		if name != "COGNITO" {
			return invalidParameter("The provider %s does not exist for User Pool %s", truncate(name, 32), p.ID)
		}
	}
	return nil
}

// checkLists checks the lengths of the lists and of their members, as
// AWS's model bounds them.
func (o *clientOAuth) checkLists() error {
	for _, l := range []struct {
		member string
		n, max int
	}{
		{"allowedOAuthFlows", len(o.AllowedOAuthFlows), maxOAuthFlows},
		{"allowedOAuthScopes", len(o.AllowedOAuthScopes), maxOAuthScopes},
		{"callbackURLs", len(o.CallbackURLs), maxClientURLs},
		{"logoutURLs", len(o.LogoutURLs), maxClientURLs},
	} {
		if l.n > l.max {
			return invalidParameter("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", l.member, l.max)
		}
	}
	for _, l := range []struct {
		member string
		values []string
		c      constraint
	}{
		{"allowedOAuthScopes", o.AllowedOAuthScopes, oauthScopeConstraint},
		{"callbackURLs", o.CallbackURLs, redirectURLConstraint},
		{"logoutURLs", o.LogoutURLs, redirectURLConstraint},
		{"supportedIdentityProviders", o.SupportedIdentityProviders, providerNameConstraint},
	} {
		for _, v := range l.values {
			if why := l.c.check(v); why != "" {
				return invalidParameter("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy constraint: [%s]", truncate(v, 64), l.member, why)
			}
		}
	}
	return nil
}

// checkRedirectURL checks a callback or sign-out URL as AWS documents: an
// absolute URI without a fragment; HTTPS, except http://localhost,
// http://127.0.0.1 and http://[::1] (on any port) for testing; app URLs
// such as myapp://example are accepted. AWS documents the rule for
// callback URLs; sign-out URLs are held to the same one (the conservative
// choice).
func checkRedirectURL(member, raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || !u.IsAbs():
		return invalidParameter("%s must be absolute URIs: %s is not.", member, truncate(raw, 64))
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return invalidParameter("%s must not include a fragment component: %s does.", member, truncate(raw, 64))
	case strings.EqualFold(u.Scheme, "http"):
		switch u.Hostname() {
		case "localhost", "127.0.0.1", "::1":
			return nil
		}
		return invalidParameter("%s must use HTTPS, except http://localhost, http://127.0.0.1 and http://[::1] for testing: %s does not.", member, truncate(raw, 64))
	case strings.EqualFold(u.Scheme, "https") && u.Host == "":
		return invalidParameter("%s must be absolute URIs: %s has no host.", member, truncate(raw, 64))
	}
	return nil
}
