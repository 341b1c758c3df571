package emulator_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator/store"
)

// GetTokensFromRefreshToken and refresh-token rotation, through the
// official SDK, on both stores.

// tryGetTokens calls GetTokensFromRefreshToken on srv's client with its
// secret (if it has one).
func tryGetTokens(t testing.TB, srv *cognitotest.Server, refreshToken string) (*types.AuthenticationResultType, error) {
	t.Helper()
	in := &cip.GetTokensFromRefreshTokenInput{ClientId: aws.String(srv.ClientID), RefreshToken: aws.String(refreshToken)}
	if srv.ClientSecret != "" {
		in.ClientSecret = aws.String(srv.ClientSecret)
	}
	out, err := sdk(srv).GetTokensFromRefreshToken(t.Context(), in)
	if err != nil {
		return nil, err
	}
	if out.AuthenticationResult == nil {
		t.Fatal("GetTokensFromRefreshToken: no AuthenticationResult")
	}
	return out.AuthenticationResult, nil
}

// getTokens is tryGetTokens that fails the test on an error.
func getTokens(t testing.TB, srv *cognitotest.Server, refreshToken string) *types.AuthenticationResultType {
	t.Helper()
	res, err := tryGetTokens(t, srv, refreshToken)
	if err != nil {
		t.Fatalf("GetTokensFromRefreshToken: %v", err)
	}
	return res
}

// rotatingClient adds to srv's pool a client that rotates refresh tokens
// with the given grace period, and returns a copy of srv that uses it.
// It lists ALLOW_REFRESH_TOKEN_AUTH, so that REFRESH_TOKEN_AUTH is refused
// for the rotation, not for the flow.
func rotatingClient(t testing.TB, srv *cognitotest.Server, graceSeconds int32) *cognitotest.Server {
	t.Helper()
	return addClient(t, srv, &cip.CreateUserPoolClientInput{
		ClientName: aws.String("rotating"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
			types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth,
		},
		RefreshTokenRotation: &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(graceSeconds)},
	})
}

// getUser calls GetUser with an access token.
func getUser(t testing.TB, srv *cognitotest.Server, accessToken *string) error {
	t.Helper()
	_, err := sdk(srv).GetUser(t.Context(), &cip.GetUserInput{AccessToken: accessToken})
	return err
}

// Without rotation GetTokensFromRefreshToken gives new access and ID
// tokens of the same sign-in and no refresh token; the refresh token keeps
// working.
func TestGetTokensFromRefreshToken(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		signUpConfirmed(t, srv, "ana", password)
		first := signIn(t, srv, "ana", password)
		rt := aws.ToString(first.RefreshToken)
		for range 2 {
			res := getTokens(t, srv, rt)
			if aws.ToString(res.AccessToken) == "" || aws.ToString(res.IdToken) == "" || res.ExpiresIn != 3600 || aws.ToString(res.TokenType) != "Bearer" {
				t.Fatalf("result = %+v, want access and ID tokens", res)
			}
			if res.RefreshToken != nil {
				t.Error("a refresh token without rotation")
			}
			if err := getUser(t, srv, res.AccessToken); err != nil {
				t.Fatalf("GetUser with the refreshed access token: %v", err)
			}
			if got, want := unverifiedClaims(t, aws.ToString(res.AccessToken))["origin_jti"], unverifiedClaims(t, aws.ToString(first.AccessToken))["origin_jti"]; got != want {
				t.Errorf("origin_jti = %v, want the sign-in's %v", got, want)
			}
		}
		_, err := tryGetTokens(t, srv, "not-a-refresh-token")
		expectErr[*types.NotAuthorizedException](t, err, "Invalid Refresh Token")
	})
}

// With rotation each use returns a new refresh token; the one used stays
// valid for the grace period (a retry with it gets yet another token, and
// the one the first use returned is dropped); after the grace period its
// use is RefreshTokenReuseException, and the sign-in goes on with its
// newest token. The sign-in is one throughout (one origin_jti), and its
// refresh tokens expire when its first one would have.
func TestRefreshTokenRotation(t *testing.T) {
	onEachStoreWithClock(t, func(t *testing.T, srv *cognitotest.Server, clk *clock) {
		rot := rotatingClient(t, srv, 10)
		signUpConfirmed(t, rot, "ana", password)
		first := signIn(t, rot, "ana", password)
		origin := unverifiedClaims(t, aws.ToString(first.AccessToken))["origin_jti"]
		r0 := aws.ToString(first.RefreshToken)

		res := getTokens(t, rot, r0)
		r1 := aws.ToString(res.RefreshToken)
		if r1 == "" || r1 == r0 {
			t.Fatalf("rotation returned refresh token %q, want a new one", r1)
		}
		if got := unverifiedClaims(t, aws.ToString(res.AccessToken))["origin_jti"]; got != origin {
			t.Errorf("origin_jti after rotation = %v, want the sign-in's %v", got, origin)
		}
		r2 := aws.ToString(getTokens(t, rot, r1).RefreshToken)

		// Within r1's grace period a retry with it succeeds, with another
		// new token that replaces r2.
		clk.Advance(5 * time.Second)
		retry := getTokens(t, rot, r1)
		r3 := aws.ToString(retry.RefreshToken)
		if r3 == "" || r3 == r1 || r3 == r2 {
			t.Fatalf("a retry within the grace period returned %q, want another new token", r3)
		}
		_, err := tryGetTokens(t, rot, r2)
		expectErr[*types.NotAuthorizedException](t, err, "Invalid Refresh Token")

		// After it, r1 is a reused token; r0, retired before it, is unknown.
		clk.Advance(5 * time.Second)
		_, err = tryGetTokens(t, rot, r1)
		expectErr[*types.RefreshTokenReuseException](t, err, "")
		_, err = tryGetTokens(t, rot, r0)
		expectErr[*types.NotAuthorizedException](t, err, "Invalid Refresh Token")

		last := getTokens(t, rot, r3)
		if err := getUser(t, rot, last.AccessToken); err != nil {
			t.Fatalf("GetUser after the reuse was refused: %v", err)
		}
		r4 := aws.ToString(last.RefreshToken)

		// A rotated token lives as long as the sign-in's first one.
		clk.Advance(30*24*time.Hour - 10*time.Second)
		r5 := aws.ToString(getTokens(t, rot, r4).RefreshToken)
		clk.Advance(time.Second)
		_, err = tryGetTokens(t, rot, r5)
		expectErr[*types.NotAuthorizedException](t, err, "Refresh Token has expired")
	})
}

// With a grace period of 0 a refresh token is retired by its use at once.
func TestRefreshTokenRotationWithoutGracePeriod(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		rot := rotatingClient(t, srv, 0)
		signUpConfirmed(t, rot, "ana", password)
		r0 := aws.ToString(signIn(t, rot, "ana", password).RefreshToken)
		r1 := aws.ToString(getTokens(t, rot, r0).RefreshToken)
		_, err := tryGetTokens(t, rot, r0)
		expectErr[*types.RefreshTokenReuseException](t, err, "")
		getTokens(t, rot, r1)
	})
}

// REFRESH_TOKEN_AUTH is refused on a client that rotates refresh tokens,
// by InitiateAuth and AdminInitiateAuth alike.
func TestRefreshTokenAuthRefusedWhenRotating(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		rot := rotatingClient(t, srv, 10)
		signUpConfirmed(t, rot, "ana", password)
		rt := aws.ToString(signIn(t, rot, "ana", password).RefreshToken)
		const msg = "REFRESH_TOKEN_AUTH flow is not supported for a client with refresh token rotation enabled; use GetTokensFromRefreshToken"
		_, err := tryRefresh(t, rot, rt, "ana")
		expectErr[*types.InvalidParameterException](t, err, msg)
		_, err = sdk(rot).AdminInitiateAuth(t.Context(), &cip.AdminInitiateAuthInput{
			UserPoolId: aws.String(rot.UserPoolID), ClientId: aws.String(rot.ClientID),
			AuthFlow: types.AuthFlowTypeRefreshTokenAuth, AuthParameters: map[string]string{"REFRESH_TOKEN": rt},
		})
		expectErr[*types.InvalidParameterException](t, err, msg)
		getTokens(t, rot, rt) // the token was not used up
	})
}

// A confidential client sends its secret — either of its active ones;
// without it, or with a wrong one, no tokens.
func TestGetTokensFromRefreshTokenClientSecret(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		signUpConfirmed(t, srv, "ana", password)
		rt := aws.ToString(signIn(t, srv, "ana", password).RefreshToken)
		for _, tc := range []struct {
			name, secret, msg string
		}{
			{"missing", "", "Client " + srv.ClientID + " is configured with secret but ClientSecret was not received"},
			{"wrong", "wrong" + srv.ClientSecret[5:], "Unable to verify secret for client " + srv.ClientID},
		} {
			in := &cip.GetTokensFromRefreshTokenInput{ClientId: aws.String(srv.ClientID), RefreshToken: aws.String(rt)}
			if tc.secret != "" {
				in.ClientSecret = aws.String(tc.secret)
			}
			_, err := sdk(srv).GetTokensFromRefreshToken(t.Context(), in)
			expectErr[*types.NotAuthorizedException](t, err, tc.msg)
		}
		getTokens(t, srv, rt)
		added, err := sdk(srv).AddUserPoolClientSecret(t.Context(), &cip.AddUserPoolClientSecretInput{
			UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID),
		})
		if err != nil {
			t.Fatal(err)
		}
		second := *srv
		second.ClientSecret = aws.ToString(added.ClientSecretDescriptor.ClientSecretValue)
		getTokens(t, &second, rt)
	}, cognitotest.WithClientSecret())
}

// A refresh token is good only with the client it was issued to.
func TestGetTokensFromRefreshTokenOtherClient(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		rot := rotatingClient(t, srv, 10)
		signUpConfirmed(t, srv, "ana", password)
		rt := aws.ToString(signIn(t, srv, "ana", password).RefreshToken)
		_, err := tryGetTokens(t, rot, rt)
		expectErr[*types.NotAuthorizedException](t, err, "Invalid Refresh Token")
		rotated := aws.ToString(signIn(t, rot, "ana", password).RefreshToken)
		_, err = tryGetTokens(t, srv, rotated)
		expectErr[*types.NotAuthorizedException](t, err, "Invalid Refresh Token")
		getTokens(t, srv, rt)
		getTokens(t, rot, rotated)
	})
}

// Revoking any refresh token of a rotated sign-in — the newest or the one
// it replaced — ends the sign-in: its refresh tokens and the access tokens
// issued from them are refused. GlobalSignOut ends it too.
func TestRevokeRotatedRefreshToken(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		rot := rotatingClient(t, srv, 10)
		signUpConfirmed(t, rot, "ana", password)
		revoke := func(t *testing.T, token string) {
			t.Helper()
			_, err := sdk(rot).RevokeToken(t.Context(), &cip.RevokeTokenInput{ClientId: aws.String(rot.ClientID), Token: aws.String(token)})
			if err != nil {
				t.Fatalf("RevokeToken: %v", err)
			}
		}
		for _, tc := range []struct {
			name string
			end  func(t *testing.T, first *types.AuthenticationResultType, r0, r1 string)
		}{
			{"the new token", func(t *testing.T, _ *types.AuthenticationResultType, _, r1 string) { revoke(t, r1) }},
			{"the old token", func(t *testing.T, _ *types.AuthenticationResultType, r0, _ string) { revoke(t, r0) }},
			{"GlobalSignOut", func(t *testing.T, first *types.AuthenticationResultType, _, _ string) {
				if _, err := sdk(rot).GlobalSignOut(t.Context(), &cip.GlobalSignOutInput{AccessToken: first.AccessToken}); err != nil {
					t.Fatalf("GlobalSignOut: %v", err)
				}
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				first := signIn(t, rot, "ana", password)
				r0 := aws.ToString(first.RefreshToken)
				res := getTokens(t, rot, r0)
				r1 := aws.ToString(res.RefreshToken)
				tc.end(t, first, r0, r1)
				for _, access := range []*string{first.AccessToken, res.AccessToken} {
					expectErr[*types.NotAuthorizedException](t, getUser(t, rot, access), "")
				}
				for _, rt := range []string{r0, r1} {
					_, err := tryGetTokens(t, rot, rt)
					expectErr[*types.NotAuthorizedException](t, err, "")
				}
			})
		}
	})
}

// Of N concurrent uses of one refresh token on a client that rotates with
// no grace period, exactly one gets tokens; the others find it reused.
func TestRefreshTokenRotationConcurrentUse(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		rot := rotatingClient(t, srv, 0)
		signUpConfirmed(t, rot, "ana", password)
		rt := aws.ToString(signIn(t, rot, "ana", password).RefreshToken)
		const uses = 20
		results := make([]*types.AuthenticationResultType, uses)
		errs := parallel(uses, func(i int) (err error) {
			results[i], err = tryGetTokens(t, rot, rt)
			return err
		})
		var won *types.AuthenticationResultType
		for i, err := range errs {
			var reused *types.RefreshTokenReuseException
			switch {
			case err == nil && won == nil:
				won = results[i]
			case err == nil:
				t.Error("a second concurrent use got tokens")
			case !errors.As(err, &reused):
				t.Errorf("use: %v, want tokens or RefreshTokenReuseException", err)
			}
		}
		if won == nil {
			t.Fatal("no concurrent use got tokens")
		}
		getTokens(t, rot, aws.ToString(won.RefreshToken))
	})
}

// RefreshTokenRotation is validated as AWS's model says, described as set,
// and reset by an update that leaves it out.
func TestRefreshTokenRotationSetting(t *testing.T) {
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	for _, tc := range []struct {
		name string
		rot  *types.RefreshTokenRotationType
	}{
		{"unknown feature", &types.RefreshTokenRotationType{Feature: "SOMETIMES"}},
		{"grace period too long", &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(61)}},
		{"negative grace period", &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(-1)}},
	} {
		_, err := c.CreateUserPoolClient(t.Context(), &cip.CreateUserPoolClientInput{
			UserPoolId: aws.String(srv.UserPoolID), ClientName: aws.String("bad"), RefreshTokenRotation: tc.rot,
		})
		expectErr[*types.InvalidParameterException](t, err, "")
		_, err = c.UpdateUserPoolClient(t.Context(), &cip.UpdateUserPoolClientInput{
			UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID), RefreshTokenRotation: tc.rot,
		})
		expectErr[*types.InvalidParameterException](t, err, "")
	}
	// Feature is required (the SDK checks it too, so the request is sent
	// as another SDK might send it).
	status, body := rawCall(t, srv, "CreateUserPoolClient", `{"UserPoolId":"`+srv.UserPoolID+`","ClientName":"bad","RefreshTokenRotation":{"RetryGracePeriodSeconds":10}}`, true)
	if status != 400 || errorType(t, body) != "InvalidParameterException" {
		t.Errorf("rotation without Feature: %d %s, want InvalidParameterException", status, body)
	}
	describe := func() *types.RefreshTokenRotationType {
		t.Helper()
		out, err := c.DescribeUserPoolClient(t.Context(), &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID)})
		if err != nil {
			t.Fatal(err)
		}
		return out.UserPoolClient.RefreshTokenRotation
	}
	flows := []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}
	_, err := c.UpdateUserPoolClient(t.Context(), &cip.UpdateUserPoolClientInput{
		UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID), ExplicitAuthFlows: flows,
		RefreshTokenRotation: &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(60)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := describe(); r == nil || r.Feature != types.FeatureTypeEnabled || aws.ToInt32(r.RetryGracePeriodSeconds) != 60 {
		t.Fatalf("described rotation = %+v, want ENABLED with 60 s", r)
	}
	signUpConfirmed(t, srv, "ana", password)
	rt := aws.ToString(signIn(t, srv, "ana", password).RefreshToken)
	if getTokens(t, srv, rt).RefreshToken == nil {
		t.Error("no new refresh token after rotation was turned on")
	}
	_, err = c.UpdateUserPoolClient(t.Context(), &cip.UpdateUserPoolClientInput{
		UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID), ExplicitAuthFlows: flows,
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := describe(); r != nil {
		t.Errorf("after an update without it, rotation = %+v, want none", r)
	}
	if getTokens(t, srv, rt).RefreshToken != nil {
		t.Error("a new refresh token after rotation was turned off")
	}
}

// A client record written while RefreshTokenRotation was an inert setting
// (kept under "inert") still reads, and its client rotates.
func TestRefreshTokenRotationOldClientRecord(t *testing.T) {
	st := store.NewMemory()
	srv := cognitotest.NewServer(t, cognitotest.WithStore(st))
	rot := rotatingClient(t, srv, 10)
	key := rot.UserPoolID + "/" + rot.ClientID
	err := st.Update(t.Context(), func(tx store.Tx) error {
		raw, err := tx.Get("client", key)
		if err != nil {
			return err
		}
		var rec map[string]json.RawMessage
		if err := json.Unmarshal(raw, &rec); err != nil {
			return err
		}
		inert := map[string]json.RawMessage{"refreshTokenRotation": rec["refreshTokenRotation"]}
		delete(rec, "refreshTokenRotation")
		if rec["inert"], err = json.Marshal(inert); err != nil {
			return err
		}
		if raw, err = json.Marshal(rec); err != nil {
			return err
		}
		return tx.Put("client", key, raw)
	})
	if err != nil {
		t.Fatal(err)
	}
	signUpConfirmed(t, rot, "ana", password)
	rt := aws.ToString(signIn(t, rot, "ana", password).RefreshToken)
	if getTokens(t, rot, rt).RefreshToken == nil {
		t.Error("a client record of the older layout does not rotate")
	}
}

// A rotating client's tokens carry origin_jti and jti even with token
// revocation turned off, as AWS documents for rotation, and the sign-in
// they come from is found by them after a rotation.
func TestRefreshTokenRotationClaims(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		rot := addClient(t, srv, &cip.CreateUserPoolClientInput{
			ExplicitAuthFlows:     []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth},
			EnableTokenRevocation: aws.Bool(false),
			RefreshTokenRotation:  &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled},
		})
		signUpConfirmed(t, rot, "ana", password)
		first := signIn(t, rot, "ana", password)
		res := getTokens(t, rot, aws.ToString(first.RefreshToken))
		for _, raw := range []*string{first.AccessToken, first.IdToken, res.AccessToken, res.IdToken} {
			claims := unverifiedClaims(t, aws.ToString(raw))
			if claims["origin_jti"] == nil || claims["jti"] == nil {
				t.Errorf("claims %v lack origin_jti or jti", claims)
			}
		}
		if err := getUser(t, rot, res.AccessToken); err != nil {
			t.Fatalf("GetUser after a rotation: %v", err)
		}
	})
}
