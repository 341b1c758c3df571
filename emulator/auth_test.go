package emulator_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/golang-jwt/jwt/v5"

	"github.com/cognitokit/cognito/cognitotest"
)

func TestInitiateAuthTokens(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	sub := signUpConfirmed(t, srv, "ana", password)
	before := time.Now().Add(-time.Minute).Unix()
	res := signIn(t, srv, "ana", password)

	if res.ExpiresIn != 3600 || aws.ToString(res.TokenType) != "Bearer" {
		t.Errorf("ExpiresIn, TokenType = %d, %q, want 3600, Bearer", res.ExpiresIn, aws.ToString(res.TokenType))
	}
	if aws.ToString(res.RefreshToken) == "" {
		t.Error("no refresh token")
	}
	issuer := srv.Endpoint + "/" + srv.UserPoolID
	access := verifiedClaims(t, srv, aws.ToString(res.AccessToken), time.Now)
	id := verifiedClaims(t, srv, aws.ToString(res.IdToken), time.Now)

	for _, name := range []string{"sub", "iss", "client_id", "origin_jti", "event_id", "token_use", "scope", "auth_time", "exp", "iat", "jti", "username"} {
		if _, ok := access[name]; !ok {
			t.Errorf("access token has no %s claim", name)
		}
	}
	for _, name := range []string{"sub", "aud", "email", "email_verified", "cognito:username", "token_use", "auth_time", "exp", "iat", "jti", "origin_jti", "event_id", "iss"} {
		if _, ok := id[name]; !ok {
			t.Errorf("ID token has no %s claim", name)
		}
	}
	for _, tc := range []struct {
		token string
		claim string
		got   any
		want  any
	}{
		{"access", "sub", access["sub"], sub},
		{"access", "iss", access["iss"], issuer},
		{"access", "client_id", access["client_id"], srv.ClientID},
		{"access", "token_use", access["token_use"], "access"},
		{"access", "scope", access["scope"], "aws.cognito.signin.user.admin"},
		{"access", "username", access["username"], "ana"},
		{"ID", "sub", id["sub"], sub},
		{"ID", "iss", id["iss"], issuer},
		{"ID", "aud", id["aud"], srv.ClientID},
		{"ID", "token_use", id["token_use"], "id"},
		{"ID", "email", id["email"], "ana@example.com"},
		{"ID", "email_verified", id["email_verified"], true},
		{"ID", "cognito:username", id["cognito:username"], "ana"},
		{"ID", "origin_jti", id["origin_jti"], access["origin_jti"]},
	} {
		if tc.got != tc.want {
			t.Errorf("%s token %s = %#v, want %#v", tc.token, tc.claim, tc.got, tc.want)
		}
	}
	for name, claims := range map[string]jwt.MapClaims{"access": access, "ID": id} {
		iat, _ := claims["iat"].(float64)
		exp, _ := claims["exp"].(float64)
		authTime, _ := claims["auth_time"].(float64)
		if exp-iat != 3600 {
			t.Errorf("%s token lives %v s, want 3600", name, exp-iat)
		}
		if int64(iat) < before || authTime != iat {
			t.Errorf("%s token iat %v, auth_time %v: want now, equal", name, iat, authTime)
		}
		for _, c := range []string{"jti", "origin_jti", "event_id"} {
			if s, _ := claims[c].(string); s == "" {
				t.Errorf("%s token %s = %#v, want a non-empty string", name, c, claims[c])
			}
		}
	}
	if access["jti"] == id["jti"] {
		t.Error("access and ID tokens share a jti")
	}

	// The kid of both tokens is in the JWKS, as an RS256 signing key.
	set := jwks(t, srv)
	for _, raw := range []string{aws.ToString(res.AccessToken), aws.ToString(res.IdToken)} {
		tok, _, err := jwt.NewParser().ParseUnverified(raw, jwt.MapClaims{})
		if err != nil {
			t.Fatal(err)
		}
		kid, _ := tok.Header["kid"].(string)
		keys := set.Key(kid)
		if kid == "" || len(keys) != 1 {
			t.Fatalf("kid %q not in the JWKS", kid)
		}
		if keys[0].Algorithm != "RS256" || keys[0].Use != "sig" || !keys[0].IsPublic() {
			t.Errorf("JWK = alg %q use %q public %v", keys[0].Algorithm, keys[0].Use, keys[0].IsPublic())
		}
	}

	// The OpenID configuration names the issuer and the JWKS.
	var oidc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if status := getJSON(t, issuer+"/.well-known/openid-configuration", &oidc); status != http.StatusOK {
		t.Fatalf("openid-configuration: status %d", status)
	}
	if oidc.Issuer != issuer || oidc.JWKSURI != issuer+"/.well-known/jwks.json" {
		t.Errorf("openid-configuration = %+v, want issuer %s", oidc, issuer)
	}
	if status := getJSON(t, srv.Endpoint+"/eu-west-1_NoSuchPoo/.well-known/openid-configuration", nil); status != http.StatusNotFound {
		t.Errorf("openid-configuration of an unknown pool: status %d, want 404", status)
	}
}

func TestInitiateAuthRefused(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	signUpConfirmed(t, srv, "ana", password)
	signUp(t, srv, "uma", password) // unconfirmed

	t.Run("wrong password", func(t *testing.T) {
		_, err := trySignIn(t, srv, "ana", "Wr0ng-secret")
		expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
	})
	t.Run("unconfirmed", func(t *testing.T) {
		_, err := trySignIn(t, srv, "uma", password)
		expectErr[*types.UserNotConfirmedException](t, err, "User is not confirmed.")
	})
	t.Run("unconfirmed with a wrong password", func(t *testing.T) {
		_, err := trySignIn(t, srv, "uma", "Wr0ng-secret")
		expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
	})
	t.Run("unknown user", func(t *testing.T) {
		_, err := trySignIn(t, srv, "ghost", password)
		expectErr[*types.UserNotFoundException](t, err, "User does not exist.")
	})
	t.Run("unknown client", func(t *testing.T) {
		other := *srv
		other.ClientID = "nosuchclient0000000000000"
		_, err := trySignIn(t, &other, "ana", password)
		expectErr[*types.ResourceNotFoundException](t, err, "")
	})
	for _, tc := range []struct {
		name   string
		flow   types.AuthFlowType
		params map[string]string
	}{
		{"no password", types.AuthFlowTypeUserPasswordAuth, map[string]string{"USERNAME": "ana"}},
		{"no username", types.AuthFlowTypeUserPasswordAuth, map[string]string{"PASSWORD": password}},
		{"unknown flow", "MAGIC_AUTH", map[string]string{"USERNAME": "ana", "PASSWORD": password}},
		{"no refresh token", types.AuthFlowTypeRefreshTokenAuth, map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sdk(srv).InitiateAuth(t.Context(), &cip.InitiateAuthInput{
				ClientId: aws.String(srv.ClientID), AuthFlow: tc.flow, AuthParameters: tc.params,
			})
			expectErr[*types.InvalidParameterException](t, err, "")
		})
	}
	t.Run("flow not enabled for the client", func(t *testing.T) {
		srp := addClient(t, srv, &cip.CreateUserPoolClientInput{
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth},
		})
		_, err := trySignIn(t, srp, "ana", password)
		expectErr[*types.InvalidParameterException](t, err, "USER_PASSWORD_AUTH flow not enabled for this client")
	})
	t.Run("legacy USER_PASSWORD_AUTH flow", func(t *testing.T) {
		legacy := addClient(t, srv, &cip.CreateUserPoolClientInput{
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeUserPasswordAuth},
		})
		signIn(t, legacy, "ana", password)
	})
}

func TestInitiateAuthPreventUserExistenceErrors(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t, cognitotest.WithPreventUserExistenceErrors())
	signUpConfirmed(t, srv, "ana", password)
	for _, name := range []string{"ghost", "ana"} {
		_, err := trySignIn(t, srv, name, "Wr0ng-secret")
		expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
	}
	_, err := trySignIn(t, srv, "ghost", password)
	expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
}

func TestInitiateAuthSecretHash(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t, cognitotest.WithClientSecret())
	signUpConfirmed(t, srv, "ana", password)
	for _, tc := range []struct{ name, hash, message string }{
		{"missing", "", "Client " + srv.ClientID + " is configured with secret but SECRET_HASH was not received"},
		{"of another user", aws.ToString(srv.SecretHash("bob")), "Unable to verify secret hash for client " + srv.ClientID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			params := map[string]string{"USERNAME": "ana", "PASSWORD": password}
			if tc.hash != "" {
				params["SECRET_HASH"] = tc.hash
			}
			_, err := sdk(srv).InitiateAuth(t.Context(), &cip.InitiateAuthInput{
				ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: params,
			})
			expectErr[*types.NotAuthorizedException](t, err, tc.message)
		})
	}
	signIn(t, srv, "ana", password)
}

func TestInitiateAuthLockout(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := cognitotest.NewServer(t, cognitotest.WithClock(clk.Now))
	signUpConfirmed(t, srv, "ana", password)
	for range 5 {
		_, err := trySignIn(t, srv, "ana", "Wr0ng-secret")
		expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
	}
	// Locked: even the right password is refused.
	_, err := trySignIn(t, srv, "ana", password)
	expectErr[*types.NotAuthorizedException](t, err, "Password attempts exceeded")

	// The first lockout lasts one second; each further failure doubles it.
	clk.Advance(1100 * time.Millisecond)
	_, err = trySignIn(t, srv, "ana", "Wr0ng-secret")
	expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
	clk.Advance(1900 * time.Millisecond)
	_, err = trySignIn(t, srv, "ana", password)
	expectErr[*types.NotAuthorizedException](t, err, "Password attempts exceeded")
	clk.Advance(200 * time.Millisecond)
	signIn(t, srv, "ana", password)

	// A success resets the count: one more wrong password does not lock.
	_, err = trySignIn(t, srv, "ana", "Wr0ng-secret")
	expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
	signIn(t, srv, "ana", password)
}

func TestInitiateAuthDisabledUser(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	signUpConfirmed(t, srv, "ana", password)
	if _, err := sdk(srv).AdminDisableUser(t.Context(), &cip.AdminDisableUserInput{
		UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana"),
	}); err != nil {
		t.Fatal(err)
	}
	_, err := trySignIn(t, srv, "ana", password)
	expectErr[*types.NotAuthorizedException](t, err, "User is disabled.")
}

func TestInitiateAuthCustomValidity(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	signUpConfirmed(t, srv, "ana", password)
	short := addClient(t, srv, &cip.CreateUserPoolClientInput{
		ExplicitAuthFlows:   []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
		AccessTokenValidity: aws.Int32(5), IdTokenValidity: aws.Int32(10),
		TokenValidityUnits: &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeMinutes, IdToken: types.TimeUnitsTypeMinutes},
	})
	res := signIn(t, short, "ana", password)
	if res.ExpiresIn != 300 {
		t.Errorf("ExpiresIn = %d, want 300", res.ExpiresIn)
	}
	for raw, want := range map[string]float64{aws.ToString(res.AccessToken): 300, aws.ToString(res.IdToken): 600} {
		c := verifiedClaims(t, short, raw, time.Now)
		if got := c["exp"].(float64) - c["iat"].(float64); got != want {
			t.Errorf("%s token lives %v s, want %v", c["token_use"], got, want)
		}
	}
}

func TestRefreshTokenAuth(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	signUpConfirmed(t, srv, "ana", password)
	first := signIn(t, srv, "ana", password)

	out, err := tryRefresh(t, srv, aws.ToString(first.RefreshToken), "ana")
	if err != nil {
		t.Fatal(err)
	}
	res := out.AuthenticationResult
	if res == nil || aws.ToString(res.AccessToken) == "" || aws.ToString(res.IdToken) == "" {
		t.Fatalf("refresh result = %+v", res)
	}
	if res.RefreshToken != nil {
		t.Error("REFRESH_TOKEN_AUTH returned a new refresh token")
	}
	if res.ExpiresIn != 3600 {
		t.Errorf("ExpiresIn = %d", res.ExpiresIn)
	}
	oldAccess := unverifiedClaims(t, aws.ToString(first.AccessToken))
	newAccess := verifiedClaims(t, srv, aws.ToString(res.AccessToken), time.Now)
	newID := verifiedClaims(t, srv, aws.ToString(res.IdToken), time.Now)
	if newAccess["origin_jti"] != oldAccess["origin_jti"] || newID["origin_jti"] != oldAccess["origin_jti"] {
		t.Errorf("origin_jti changed on refresh: %v → %v, %v", oldAccess["origin_jti"], newAccess["origin_jti"], newID["origin_jti"])
	}
	if newAccess["jti"] == oldAccess["jti"] {
		t.Error("refreshed access token has the old jti")
	}
	if newAccess["auth_time"] != oldAccess["auth_time"] {
		t.Errorf("auth_time changed on refresh: %v → %v", oldAccess["auth_time"], newAccess["auth_time"])
	}
	if _, err := sdk(srv).GetUser(t.Context(), &cip.GetUserInput{AccessToken: res.AccessToken}); err != nil {
		t.Errorf("GetUser with a refreshed token: %v", err)
	}
	// The refresh token can be used again.
	if _, err := tryRefresh(t, srv, aws.ToString(first.RefreshToken), "ana"); err != nil {
		t.Errorf("second refresh: %v", err)
	}
}

func TestRefreshTokenAuthSecretHashOverInternalUsername(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t, cognitotest.WithEmailAsUsername(), cognitotest.WithClientSecret())
	const email = "ana@example.com"
	sub := signUpConfirmed(t, srv, email, password)
	res := signIn(t, srv, email, password)
	rt := aws.ToString(res.RefreshToken)

	_, err := tryRefresh(t, srv, rt, email)
	expectErr[*types.NotAuthorizedException](t, err, "Unable to verify secret hash for client "+srv.ClientID)
	_, err = sdk(srv).InitiateAuth(t.Context(), &cip.InitiateAuthInput{
		ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": rt},
	})
	expectErr[*types.NotAuthorizedException](t, err, "Client "+srv.ClientID+" is configured with secret but SECRET_HASH was not received")
	out, err := tryRefresh(t, srv, rt, sub)
	if err != nil {
		t.Fatalf("refresh with SECRET_HASH over the sub: %v", err)
	}
	if got := unverifiedClaims(t, aws.ToString(out.AuthenticationResult.IdToken))["email"]; got != email {
		t.Errorf("refreshed ID token email = %v", got)
	}
}

func TestRefreshTokenAuthRefused(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	other := addClient(t, srv, &cip.CreateUserPoolClientInput{
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	for _, tc := range []struct {
		name string
		// refreshToken signs a new user in and returns a refresh token that
		// must not work with srv's client.
		refreshToken func(t *testing.T, name string) string
	}{
		{"garbage", func(*testing.T, string) string { return "garbage" }},
		{"truncated", func(t *testing.T, name string) string {
			rt := aws.ToString(signIn(t, srv, name, password).RefreshToken)
			return rt[:len(rt)-1]
		}},
		{"after GlobalSignOut", func(t *testing.T, name string) string {
			res := signIn(t, srv, name, password)
			if _, err := sdk(srv).GlobalSignOut(t.Context(), &cip.GlobalSignOutInput{AccessToken: res.AccessToken}); err != nil {
				t.Fatal(err)
			}
			return aws.ToString(res.RefreshToken)
		}},
		{"after AdminUserGlobalSignOut", func(t *testing.T, name string) string {
			res := signIn(t, srv, name, password)
			if _, err := sdk(srv).AdminUserGlobalSignOut(t.Context(), &cip.AdminUserGlobalSignOutInput{
				UserPoolId: aws.String(srv.UserPoolID), Username: aws.String(name),
			}); err != nil {
				t.Fatal(err)
			}
			return aws.ToString(res.RefreshToken)
		}},
		{"after RevokeToken", func(t *testing.T, name string) string {
			res := signIn(t, srv, name, password)
			if _, err := sdk(srv).RevokeToken(t.Context(), &cip.RevokeTokenInput{
				ClientId: aws.String(srv.ClientID), Token: res.RefreshToken,
			}); err != nil {
				t.Fatal(err)
			}
			return aws.ToString(res.RefreshToken)
		}},
		{"of another client", func(t *testing.T, name string) string {
			return aws.ToString(signIn(t, other, name, password).RefreshToken)
		}},
		{"of a deleted user", func(t *testing.T, name string) string {
			rt := aws.ToString(signIn(t, srv, name, password).RefreshToken)
			if _, err := sdk(srv).AdminDeleteUser(t.Context(), &cip.AdminDeleteUserInput{
				UserPoolId: aws.String(srv.UserPoolID), Username: aws.String(name),
			}); err != nil {
				t.Fatal(err)
			}
			return rt
		}},
		{"of a disabled user", func(t *testing.T, name string) string {
			rt := aws.ToString(signIn(t, srv, name, password).RefreshToken)
			if _, err := sdk(srv).AdminDisableUser(t.Context(), &cip.AdminDisableUserInput{
				UserPoolId: aws.String(srv.UserPoolID), Username: aws.String(name),
			}); err != nil {
				t.Fatal(err)
			}
			return rt
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := "u-" + strings.ReplaceAll(tc.name, " ", "-")
			signUpConfirmed(t, srv, name, password)
			_, err := tryRefresh(t, srv, tc.refreshToken(t, name), name)
			expectErr[*types.NotAuthorizedException](t, err, "")
		})
	}
}

func TestRefreshTokenExpiry(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := cognitotest.NewServer(t, cognitotest.WithClock(clk.Now))
	signUpConfirmed(t, srv, "ana", password)
	rt := aws.ToString(signIn(t, srv, "ana", password).RefreshToken)

	clk.Advance(30*24*time.Hour - time.Second)
	if _, err := tryRefresh(t, srv, rt, "ana"); err != nil {
		t.Fatalf("refresh just before 30 days: %v", err)
	}
	clk.Advance(2 * time.Second)
	_, err := tryRefresh(t, srv, rt, "ana")
	expectErr[*types.NotAuthorizedException](t, err, "Refresh Token has expired")
}

func TestRevokeToken(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t, cognitotest.WithClientSecret())
	signUpConfirmed(t, srv, "ana", password)
	first := signIn(t, srv, "ana", password)
	second := signIn(t, srv, "ana", password)
	c := sdk(srv)

	// A missing or wrong client secret is refused with the exception
	// RevokeToken's model declares for it.
	_, err := c.RevokeToken(t.Context(), &cip.RevokeTokenInput{ClientId: aws.String(srv.ClientID), Token: first.RefreshToken})
	expectErr[*types.UnauthorizedException](t, err, "")
	_, err = c.RevokeToken(t.Context(), &cip.RevokeTokenInput{
		ClientId: aws.String(srv.ClientID), ClientSecret: aws.String("wrong"), Token: first.RefreshToken,
	})
	expectErr[*types.UnauthorizedException](t, err, "")
	other := addClient(t, srv, &cip.CreateUserPoolClientInput{})
	_, err = c.RevokeToken(t.Context(), &cip.RevokeTokenInput{ClientId: aws.String(other.ClientID), Token: first.RefreshToken})
	expectErr[*types.UnauthorizedException](t, err, "")

	if _, err := c.RevokeToken(t.Context(), &cip.RevokeTokenInput{
		ClientId: aws.String(srv.ClientID), ClientSecret: aws.String(srv.ClientSecret), Token: first.RefreshToken,
	}); err != nil {
		t.Fatal(err)
	}
	// The refresh token and the access tokens of its sign-in are revoked;
	// the other sign-in is untouched.
	_, err = tryRefresh(t, srv, aws.ToString(first.RefreshToken), "ana")
	expectErr[*types.NotAuthorizedException](t, err, "")
	_, err = c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: first.AccessToken})
	expectErr[*types.NotAuthorizedException](t, err, "")
	if _, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: second.AccessToken}); err != nil {
		t.Errorf("other sign-in after RevokeToken: %v", err)
	}
	if _, err := tryRefresh(t, srv, aws.ToString(second.RefreshToken), "ana"); err != nil {
		t.Errorf("other refresh token after RevokeToken: %v", err)
	}
	// Revoking again succeeds, as on AWS.
	if _, err := c.RevokeToken(t.Context(), &cip.RevokeTokenInput{
		ClientId: aws.String(srv.ClientID), ClientSecret: aws.String(srv.ClientSecret), Token: first.RefreshToken,
	}); err != nil {
		t.Errorf("revoking a revoked token: %v", err)
	}
}

// Every way an access token can be wrong is a NotAuthorizedException, with
// GetUser as the probe.
func TestAccessTokenRefused(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	otherServer := cognitotest.NewServer(t)
	signUpConfirmed(t, otherServer, "ana", password)
	forger, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	// admin runs an administrator's call on the named user.
	admin := func(t *testing.T, name string, call func(pool, username *string) error) {
		t.Helper()
		if err := call(aws.String(srv.UserPoolID), aws.String(name)); err != nil {
			t.Fatal(err)
		}
	}

	for _, tc := range []struct {
		name    string
		token   func(t *testing.T, name string, res *types.AuthenticationResultType) string
		message string
	}{
		{"garbage", func(*testing.T, string, *types.AuthenticationResultType) string { return "not-a-token" }, "Invalid Access Token"},
		{"three garbage parts", func(*testing.T, string, *types.AuthenticationResultType) string { return "a.b.c" }, "Invalid Access Token"},
		{"ID token", func(_ *testing.T, _ string, res *types.AuthenticationResultType) string {
			return aws.ToString(res.IdToken)
		}, "Invalid Access Token"},
		{"signed by another key with the real kid", func(t *testing.T, _ string, res *types.AuthenticationResultType) string {
			return resign(t, aws.ToString(res.AccessToken), jwt.SigningMethodRS256, forger, nil)
		}, "Invalid Access Token"},
		{"alg none", func(t *testing.T, _ string, res *types.AuthenticationResultType) string {
			return resign(t, aws.ToString(res.AccessToken), jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, nil)
		}, "Invalid Access Token"},
		{"HS256 keyed with the public key", func(t *testing.T, _ string, res *types.AuthenticationResultType) string {
			pub := jwks(t, srv).Keys[0].Key.(*rsa.PublicKey)
			der, err := x509.MarshalPKIXPublicKey(pub)
			if err != nil {
				t.Fatal(err)
			}
			return resign(t, aws.ToString(res.AccessToken), jwt.SigningMethodHS256, der, nil)
		}, "Invalid Access Token"},
		{"tampered payload", func(t *testing.T, _ string, res *types.AuthenticationResultType) string {
			victim := unverifiedClaims(t, aws.ToString(signIn(t, srv, "victim", password).AccessToken))
			return tamper(t, aws.ToString(res.AccessToken), map[string]any{"username": "victim", "sub": victim["sub"]})
		}, "Invalid Access Token"},
		{"extended expiry", func(t *testing.T, _ string, res *types.AuthenticationResultType) string {
			return tamper(t, aws.ToString(res.AccessToken), map[string]any{"exp": time.Now().Add(24 * time.Hour).Unix()})
		}, "Invalid Access Token"},
		{"from another server's pool", func(t *testing.T, _ string, _ *types.AuthenticationResultType) string {
			return aws.ToString(signIn(t, otherServer, "ana", password).AccessToken)
		}, "Invalid Access Token"},
		{"after GlobalSignOut", func(t *testing.T, _ string, res *types.AuthenticationResultType) string {
			if _, err := c.GlobalSignOut(t.Context(), &cip.GlobalSignOutInput{AccessToken: res.AccessToken}); err != nil {
				t.Fatal(err)
			}
			return aws.ToString(res.AccessToken)
		}, "Access Token has been revoked"},
		{"after AdminUserGlobalSignOut", func(t *testing.T, name string, res *types.AuthenticationResultType) string {
			admin(t, name, func(pool, username *string) error {
				_, err := c.AdminUserGlobalSignOut(t.Context(), &cip.AdminUserGlobalSignOutInput{UserPoolId: pool, Username: username})
				return err
			})
			return aws.ToString(res.AccessToken)
		}, "Access Token has been revoked"},
		{"after DeleteUser", func(t *testing.T, _ string, res *types.AuthenticationResultType) string {
			if _, err := c.DeleteUser(t.Context(), &cip.DeleteUserInput{AccessToken: res.AccessToken}); err != nil {
				t.Fatal(err)
			}
			return aws.ToString(res.AccessToken)
		}, "Access Token has been revoked"},
		{"after AdminDeleteUser", func(t *testing.T, name string, res *types.AuthenticationResultType) string {
			admin(t, name, func(pool, username *string) error {
				_, err := c.AdminDeleteUser(t.Context(), &cip.AdminDeleteUserInput{UserPoolId: pool, Username: username})
				return err
			})
			return aws.ToString(res.AccessToken)
		}, "Access Token has been revoked"},
		{"after AdminDisableUser", func(t *testing.T, name string, res *types.AuthenticationResultType) string {
			admin(t, name, func(pool, username *string) error {
				_, err := c.AdminDisableUser(t.Context(), &cip.AdminDisableUserInput{UserPoolId: pool, Username: username})
				return err
			})
			return aws.ToString(res.AccessToken)
		}, ""},
		{"after AdminDisableUser and AdminEnableUser", func(t *testing.T, name string, res *types.AuthenticationResultType) string {
			admin(t, name, func(pool, username *string) error {
				if _, err := c.AdminDisableUser(t.Context(), &cip.AdminDisableUserInput{UserPoolId: pool, Username: username}); err != nil {
					return err
				}
				_, err := c.AdminEnableUser(t.Context(), &cip.AdminEnableUserInput{UserPoolId: pool, Username: username})
				return err
			})
			return aws.ToString(res.AccessToken)
		}, "Access Token has been revoked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := "u-" + strings.ReplaceAll(tc.name, " ", "-")
			signUpConfirmed(t, srv, name, password)
			if tc.name == "tampered payload" {
				signUpConfirmed(t, srv, "victim", password)
			}
			res := signIn(t, srv, name, password)
			tok := tc.token(t, name, res)
			out, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: aws.String(tok)})
			if err == nil {
				t.Fatalf("GetUser accepted the token: user %q", aws.ToString(out.Username))
			}
			expectErr[*types.NotAuthorizedException](t, err, tc.message)
		})
	}
}

func TestAccessTokenExpired(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := cognitotest.NewServer(t, cognitotest.WithClock(clk.Now))
	signUpConfirmed(t, srv, "ana", password)
	res := signIn(t, srv, "ana", password)
	c := sdk(srv)

	clk.Advance(time.Hour - time.Second)
	if _, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: res.AccessToken}); err != nil {
		t.Fatalf("token just under an hour old: %v", err)
	}
	clk.Advance(2 * time.Second)
	_, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: res.AccessToken})
	expectErr[*types.NotAuthorizedException](t, err, "Access Token has expired")

	// A refresh gives a token that works again.
	out, err := tryRefresh(t, srv, aws.ToString(res.RefreshToken), "ana")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: out.AuthenticationResult.AccessToken}); err != nil {
		t.Errorf("refreshed token: %v", err)
	}
}

// resign re-signs raw's header and claims (changed by edit) with method and
// key, keeping its kid.
func resign(t *testing.T, raw string, method jwt.SigningMethod, key any, edit map[string]any) string {
	t.Helper()
	claims := jwt.MapClaims{}
	orig, _, err := jwt.NewParser().ParseUnverified(raw, claims)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range edit {
		claims[k] = v
	}
	tok := jwt.NewWithClaims(method, claims)
	tok.Header["kid"] = orig.Header["kid"]
	signed, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// tamper changes claims in raw's payload and keeps the original signature.
func tamper(t *testing.T, raw string, edit map[string]any) string {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	claims := map[string]any{}
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	for k, v := range edit {
		claims[k] = v
	}
	payload, err = json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString(payload)
	return strings.Join(parts, ".")
}
