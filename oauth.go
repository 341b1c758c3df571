package cognito

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// OAuth 2.0 with the pool's domain: this package configures the well-kept
// clients of golang.org/x/oauth2 rather than replacing them.

// Discovery is what the pool's OpenID Connect discovery document
// (<issuer>/.well-known/openid-configuration) says of its endpoints.
type Discovery struct {
	Issuer                string   `json:"issuer"`
	JWKSURI               string   `json:"jwks_uri"`
	AuthorizationEndpoint string   `json:"authorization_endpoint,omitempty"`
	TokenEndpoint         string   `json:"token_endpoint,omitempty"`
	UserInfoEndpoint      string   `json:"userinfo_endpoint,omitempty"`
	RevocationEndpoint    string   `json:"revocation_endpoint,omitempty"`
	EndSessionEndpoint    string   `json:"end_session_endpoint,omitempty"`
	GrantTypesSupported   []string `json:"grant_types_supported,omitempty"`
	ScopesSupported       []string `json:"scopes_supported,omitempty"`
}

// maxDiscoverySize bounds the discovery document read.
const maxDiscoverySize = 1 << 20

// Discover fetches the pool's discovery document from its issuer (see
// Issuer). A pool without a domain names no OAuth endpoints.
func (c *Client) Discover(ctx context.Context) (*Discovery, error) {
	url := c.Issuer() + "/.well-known/openid-configuration"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, &Error{Op: "Discover", Kind: ErrInvalidParameter, lang: c.lang, Err: err}
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return nil, &Error{Op: "Discover", Kind: ErrUnavailable, lang: c.lang, Err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxDiscoverySize))
	if err != nil {
		return nil, &Error{Op: "Discover", Kind: ErrUnavailable, lang: c.lang, Err: err}
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, &Error{Op: "Discover", Kind: ErrPoolNotFound, lang: c.lang, Err: fmt.Errorf("cognito: %s: %s", url, resp.Status)}
	case resp.StatusCode != http.StatusOK:
		return nil, &Error{Op: "Discover", Kind: ErrUnavailable, lang: c.lang, Err: fmt.Errorf("cognito: %s: %s", url, resp.Status)}
	}
	var d Discovery
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, &Error{Op: "Discover", Kind: ErrUnexpected, lang: c.lang, Err: fmt.Errorf("cognito: the discovery document: %w", err)}
	}
	return &d, nil
}

// ClientCredentials returns the configuration of
// golang.org/x/oauth2/clientcredentials for this app client — a service's
// machine-to-machine tokens: the pool's token endpoint (from Discover), the
// client ID and secret (sent with HTTP Basic), and the custom scopes asked
// for ("<resource server>/<scope>"; none asks for all the client's). Its
// TokenSource caches the token and gets a new one when it expires. The app
// client must allow the client_credentials flow and have a secret.
func (c *Client) ClientCredentials(ctx context.Context, scopes ...string) (*clientcredentials.Config, error) {
	if c.cfg.ClientSecret == "" {
		return nil, &Error{Op: "ClientCredentials", Kind: ErrSecretHashRequired, lang: c.lang,
			Err: errors.New("cognito: the client-credentials grant needs the app client's secret")}
	}
	d, err := c.Discover(ctx)
	if err != nil {
		return nil, err
	}
	if d.TokenEndpoint == "" {
		return nil, &Error{Op: "ClientCredentials", Kind: ErrNotAuthorized, lang: c.lang,
			Err: errors.New("cognito: the pool names no token endpoint (does it have a domain?)")}
	}
	return &clientcredentials.Config{
		ClientID:     c.cfg.ClientID,
		ClientSecret: c.cfg.ClientSecret,
		TokenURL:     d.TokenEndpoint,
		Scopes:       scopes,
		AuthStyle:    oauth2.AuthStyleInHeader,
	}, nil
}

// httpClient is the HTTP client the Client's SDK uses, for the calls that
// are not Cognito's API (discovery).
func (c *Client) httpClient() interface {
	Do(*http.Request) (*http.Response, error)
} {
	if c.awsConfig.HTTPClient != nil {
		return c.awsConfig.HTTPClient
	}
	return http.DefaultClient
}
