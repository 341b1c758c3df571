package cognito

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/cognitokit/cognito/jwtverify"
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

// VerifierConfig returns the configuration of package jwtverify that
// accepts this app client's tokens of tokenUse (jwtverify.AccessToken or
// jwtverify.IDToken). On AWS that is the issuer Issuer returns. On another
// endpoint (a local Cognito) the issuer and key set are the ones the pool's
// discovery document names, so that the tokens of `cognito local --issuer
// aws` — AWS's issuer, keys served locally — verify too; when the document
// cannot be read, the issuer is Issuer's.
func (c *Client) VerifierConfig(ctx context.Context, tokenUse string) jwtverify.Config {
	vc := jwtverify.Config{Issuer: c.Issuer(), ClientIDs: []string{c.cfg.ClientID}, TokenUse: tokenUse}
	if ep := c.sdk.Options().BaseEndpoint; ep != nil && *ep != "" {
		if d, err := c.Discover(ctx); err == nil && d.Issuer != "" && d.JWKSURI != "" {
			vc.Issuer, vc.JWKSURL = d.Issuer, d.JWKSURI
		}
	}
	return vc
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
	d, err := c.discoverOAuth(ctx, "ClientCredentials", tokenEndpoint)
	if err != nil {
		return nil, err
	}
	return &clientcredentials.Config{
		ClientID:     c.cfg.ClientID,
		ClientSecret: c.cfg.ClientSecret,
		TokenURL:     d.TokenEndpoint,
		Scopes:       scopes,
		AuthStyle:    oauth2.AuthStyleInHeader,
	}, nil
}

// OAuth2Config returns the configuration of golang.org/x/oauth2 for this
// app client's authorization-code flow — a web app signing users in through
// the pool's managed login: the authorization and token endpoints (from
// Discover), the client ID and, if the Config has one, the secret (then
// sent with HTTP Basic, else the client ID goes in the form), redirectURL
// (one of the app client's callback URLs, exactly) and the scopes asked
// for ("openid", "email", "profile", custom ones; none asks for all the
// client's allowed scopes, as Cognito does). The app client must allow
// the "code" flow.
//
// PKCE is x/oauth2's own: keep a verifier per sign-in, send its S256
// challenge with the authorization request and the verifier with the
// exchange (Cognito accepts only S256):
//
//	conf, err := client.OAuth2Config(ctx, "https://app.example.com/callback", "openid", "email")
//	verifier := oauth2.GenerateVerifier() // kept with state and nonce until the callback
//	http.Redirect(w, r, conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("nonce", nonce)), http.StatusFound)
//	// at the callback, once state is checked:
//	tok, err := conf.Exchange(ctx, r.FormValue("code"), oauth2.VerifierOption(verifier))
//	idToken, _ := tok.Extra("id_token").(string) // verify it, e.g. with jwtverify's VerifyIDToken
//
// conf.TokenSource(ctx, tok) refreshes the tokens with the refresh token
// when the access token expires.
func (c *Client) OAuth2Config(ctx context.Context, redirectURL string, scopes ...string) (*oauth2.Config, error) {
	if redirectURL == "" {
		return nil, &Error{Op: "OAuth2Config", Kind: ErrInvalidParameter, lang: c.lang,
			Err: errors.New("cognito: the authorization-code flow needs a redirect URL")}
	}
	d, err := c.discoverOAuth(ctx, "OAuth2Config", authorizationEndpoint, tokenEndpoint)
	if err != nil {
		return nil, err
	}
	style := oauth2.AuthStyleInParams
	if c.cfg.ClientSecret != "" {
		style = oauth2.AuthStyleInHeader
	}
	return &oauth2.Config{
		ClientID:     c.cfg.ClientID,
		ClientSecret: c.cfg.ClientSecret,
		Endpoint:     oauth2.Endpoint{AuthURL: d.AuthorizationEndpoint, TokenURL: d.TokenEndpoint, AuthStyle: style},
		RedirectURL:  redirectURL,
		Scopes:       scopes,
	}, nil
}

// LogoutURL returns where to send a user's browser to sign out of the
// pool's managed login: its end-session endpoint (Cognito's /logout, from
// Discover) with this app client's ID and logoutURI, which must be one of
// the app client's sign-out URLs, exactly; Cognito ends its session and
// redirects the browser there. The app's own session and tokens are the
// app's to drop (and SignOut revokes the tokens).
func (c *Client) LogoutURL(ctx context.Context, logoutURI string) (string, error) {
	if logoutURI == "" {
		return "", &Error{Op: "LogoutURL", Kind: ErrInvalidParameter, lang: c.lang,
			Err: errors.New("cognito: signing out of the managed login needs a logout URI")}
	}
	d, err := c.discoverOAuth(ctx, "LogoutURL", endSessionEndpoint)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(d.EndSessionEndpoint)
	if err != nil {
		return "", &Error{Op: "LogoutURL", Kind: ErrUnexpected, lang: c.lang,
			Err: fmt.Errorf("cognito: the discovery document's end_session_endpoint: %w", err)}
	}
	q := u.Query()
	q.Set("client_id", c.cfg.ClientID)
	q.Set("logout_uri", logoutURI)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// oauthEndpoint is an endpoint of the discovery document an OAuth helper
// needs: its name, for the error, and how to read it.
type oauthEndpoint struct {
	name string
	of   func(*Discovery) string
}

var (
	authorizationEndpoint = oauthEndpoint{"authorization endpoint", func(d *Discovery) string { return d.AuthorizationEndpoint }}
	tokenEndpoint         = oauthEndpoint{"token endpoint", func(d *Discovery) string { return d.TokenEndpoint }}
	endSessionEndpoint    = oauthEndpoint{"end-session endpoint", func(d *Discovery) string { return d.EndSessionEndpoint }}
)

// discoverOAuth fetches the discovery document for op and checks that it
// names every endpoint op needs: a pool without a domain names none.
func (c *Client) discoverOAuth(ctx context.Context, op string, needs ...oauthEndpoint) (*Discovery, error) {
	d, err := c.Discover(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range needs {
		if e.of(d) == "" {
			return nil, &Error{Op: op, Kind: ErrNotAuthorized, lang: c.lang,
				Err: fmt.Errorf("cognito: the pool names no %s (does it have a domain?)", e.name)}
		}
	}
	return d, nil
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
