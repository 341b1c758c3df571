package cognito_test

import (
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"
	"time"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/internal/htmlform"
	"github.com/cognitokit/cognito/jwtverify"
)

// The app's URLs the code-flow tests register with the app client. Nothing
// serves them: the tests stop at the redirect.
const (
	callbackURL = "https://app.example.com/callback"
	signedOut   = "https://app.example.com/signed-out"
)

// allowCodeFlow lets srv's app client sign users in with the
// authorization-code flow, redirecting to callbackURL and, after sign-out,
// to signedOut.
func allowCodeFlow(t *testing.T, srv *cognitotest.Server) {
	t.Helper()
	updateClient(t, srv, &cip.UpdateUserPoolClientInput{
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{ // cognitotest's, kept
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
			types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
		},
		AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthFlows:               []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes:              []string{"openid", "email", "profile"},
		CallbackURLs:                    []string{callbackURL},
		LogoutURLs:                      []string{signedOut},
		SupportedIdentityProviders:      []string{"COGNITO"},
	})
}

// browser is an HTTP client with a cookie jar, as a browser is, that
// follows redirects until one leads to the app (callbackURL, signedOut):
// that response is returned unfollowed.
func browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Host == "app.example.com" {
			return http.ErrUseLastResponse
		}
		if len(via) >= 10 {
			return errors.New("too many redirects")
		}
		return nil
	}}
}

// redirectToApp reads the response that leads the browser back to the app:
// a 302 to want (without its query), whose query it returns.
func redirectToApp(t *testing.T, resp *http.Response, want string) url.Values {
	t.Helper()
	defer resp.Body.Close()
	loc, err := resp.Location()
	if resp.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("%s %s: %s, want a redirect to %s", resp.Request.Method, resp.Request.URL.Path, resp.Status, want)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != want {
		t.Fatalf("redirected to %s, want %s", got, want)
	}
	return loc.Query()
}

// signInAtLogin opens authURL in b, signs in on the managed login page as
// username with password, and returns the query of the redirect to the
// callback (code, state).
func signInAtLogin(t *testing.T, b *http.Client, authURL, username, password string) url.Values {
	t.Helper()
	page, err := b.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := htmlform.SubmitPage(t.Context(), b, page, map[string]string{"username": username, "password": password})
	if err != nil {
		t.Fatal(err)
	}
	return redirectToApp(t, resp, callbackURL)
}

// A web app signs a user in with golang.org/x/oauth2's authorization-code
// flow and PKCE, configured by OAuth2Config, through the managed login
// page; go-oidc discovers the pool and verifies the ID token; the token
// source refreshes an expired access token; the logout URL ends the
// managed login's session.
func TestAuthorizationCodeFlow(t *testing.T) {
	t.Parallel()
	for _, kind := range poolKinds[:2] { // a public client and one with a secret
		t.Run(kind.name, func(t *testing.T) {
			t.Parallel()
			srv := cognitotest.NewServer(t, kind.opts...)
			allowCodeFlow(t, srv)
			c := newClient(t, srv)
			const email = "ana@example.com"
			registered(t, srv, c, email)
			ctx := t.Context()

			conf, err := c.OAuth2Config(ctx, callbackURL, "openid", "email")
			if err != nil {
				t.Fatalf("OAuth2Config: %v", err)
			}
			verifier, state, nonce := oauth2.GenerateVerifier(), oauth2.GenerateVerifier(), oauth2.GenerateVerifier()
			authURL := conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce))
			b := browser(t)

			// A wrong password: the page again, no redirect.
			page, err := b.Get(authURL)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := htmlform.SubmitPage(ctx, b, page, map[string]string{"username": email, "password": "Wr0ng-password!"})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusFound {
				t.Fatalf("a wrong password redirected to %s", resp.Header.Get("Location"))
			}

			got := signInAtLogin(t, b, authURL, email, password)
			if got.Get("state") != state || got.Get("code") == "" {
				t.Fatalf("the callback's state and code: %q, %t", got.Get("state"), got.Get("code") != "")
			}
			code := got.Get("code")
			if _, err := conf.Exchange(ctx, code); err == nil {
				t.Error("the code was exchanged without its PKCE verifier")
			}
			// (The refused exchange may have spent the code, as Cognito's
			// would: sign in again, now with the managed login's session.)
			got = redirectToApp(t, mustGet(t, b, authURL), callbackURL)
			tok, err := conf.Exchange(ctx, got.Get("code"), oauth2.VerifierOption(verifier))
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			if _, err := conf.Exchange(ctx, got.Get("code"), oauth2.VerifierOption(verifier)); err == nil {
				t.Error("a code was exchanged twice")
			}
			rawID, _ := tok.Extra("id_token").(string)
			if tok.AccessToken == "" || tok.RefreshToken == "" || rawID == "" || tok.TokenType != "Bearer" {
				t.Fatalf("the tokens: access %t, refresh %t, id %t, type %q", tok.AccessToken != "", tok.RefreshToken != "", rawID != "", tok.TokenType)
			}

			provider, err := oidc.NewProvider(ctx, c.Issuer())
			if err != nil {
				t.Fatalf("oidc.NewProvider: %v", err)
			}
			if ep := provider.Endpoint(); ep.AuthURL != conf.Endpoint.AuthURL || ep.TokenURL != conf.Endpoint.TokenURL {
				t.Errorf("go-oidc's endpoints %+v, OAuth2Config's %+v", ep, conf.Endpoint)
			}
			idToken, err := provider.Verifier(&oidc.Config{ClientID: srv.ClientID}).Verify(ctx, rawID)
			if err != nil {
				t.Fatalf("go-oidc Verify: %v", err)
			}
			var claims struct {
				Email    string `json:"email"`
				Username string `json:"cognito:username"`
			}
			if err := idToken.Claims(&claims); err != nil || claims.Email != email || idToken.Nonce != nonce {
				t.Errorf("the ID token: %+v, nonce %t, %v", claims, idToken.Nonce == nonce, err)
			}
			if err := idToken.VerifyAccessToken(tok.AccessToken); err != nil {
				t.Errorf("at_hash: %v", err)
			}
			if _, err := provider.Verifier(&oidc.Config{ClientID: "another-client"}).Verify(ctx, rawID); err == nil {
				t.Error("go-oidc accepted the ID token for another client")
			}

			// An expired access token: the token source refreshes it.
			expired := *tok
			expired.Expiry = time.Now().Add(-time.Minute)
			fresh, err := conf.TokenSource(ctx, &expired).Token()
			if err != nil {
				t.Fatalf("refresh: %v", err)
			}
			if fresh.AccessToken == "" || fresh.AccessToken == tok.AccessToken || !fresh.Expiry.After(time.Now()) {
				t.Errorf("the refreshed token: new %t, expiry %v", fresh.AccessToken != tok.AccessToken, fresh.Expiry)
			}
			// (GetUser would refuse it, as Cognito does: it needs the
			// aws.cognito.signin.user.admin scope, not asked for here.)
			access, err := jwtverify.New(jwtverify.Config{
				Issuer: c.Issuer(), ClientIDs: []string{srv.ClientID}, TokenUse: jwtverify.AccessToken,
				Callers: jwtverify.Users, Scopes: []string{"openid", "email"},
			})
			if err != nil {
				t.Fatal(err)
			}
			if claims, err := access.Verify(ctx, fresh.AccessToken); err != nil || claims.Username() == "" {
				t.Errorf("the refreshed access token: %+v, %v", claims, err)
			}

			// Signing out ends the managed login's session: the next
			// sign-in shows the login page again.
			logout, err := c.LogoutURL(ctx, signedOut)
			if err != nil {
				t.Fatalf("LogoutURL: %v", err)
			}
			redirectToApp(t, mustGet(t, b, logout), signedOut)
			page = mustGet(t, b, authURL)
			page.Body.Close()
			if page.StatusCode != http.StatusOK || page.Request.URL.Path != "/login" {
				t.Errorf("after sign-out, the authorization request answered %s at %s", page.Status, page.Request.URL.Path)
			}
		})
	}
}

// The authorization endpoint refuses what the app client does not allow.
func TestAuthorizationCodeFlowRefused(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	allowCodeFlow(t, srv)
	c := newClient(t, srv)
	ctx := t.Context()
	conf, err := c.OAuth2Config(ctx, "https://app.example.com/elsewhere", "openid")
	if err != nil {
		t.Fatal(err)
	}
	// A redirect URL that is not one of the client's callback URLs: no
	// redirect there, and no login page.
	resp := mustGet(t, browser(t), conf.AuthCodeURL("st", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
	resp.Body.Close()
	if resp.StatusCode < 400 {
		t.Errorf("an unregistered redirect URL: %s at %s", resp.Status, resp.Request.URL.Path)
	}
	// A logout URI that is not one of the client's sign-out URLs: the
	// URL is built, and the end-session endpoint does not redirect there.
	logout, err := c.LogoutURL(ctx, "https://app.example.com/not-registered")
	if err != nil {
		t.Fatal(err)
	}
	resp = mustGet(t, browser(t), logout)
	resp.Body.Close()
	if resp.StatusCode < 400 {
		t.Errorf("an unregistered logout URI: %s, Location %q", resp.Status, resp.Header.Get("Location"))
	}
}

// mustGet fetches u with b.
func mustGet(t *testing.T, b *http.Client, u string) *http.Response {
	t.Helper()
	resp, err := b.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}
