package emulator_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator/store"
)

// App-client management: UpdateUserPoolClient, client secrets, attribute
// permissions, token revocation and the legacy auth flows.

// describeClient returns srv's app client as DescribeUserPoolClient shows
// it.
func describeClient(t *testing.T, srv *cognitotest.Server) *types.UserPoolClientType {
	t.Helper()
	out, err := sdk(srv).DescribeUserPoolClient(t.Context(), &cip.DescribeUserPoolClientInput{
		UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID),
	})
	if err != nil {
		t.Fatalf("DescribeUserPoolClient: %v", err)
	}
	return out.UserPoolClient
}

// updateClient runs UpdateUserPoolClient on srv's app client.
func updateClient(t *testing.T, srv *cognitotest.Server, in *cip.UpdateUserPoolClientInput) (*cip.UpdateUserPoolClientOutput, error) {
	t.Helper()
	in.UserPoolId, in.ClientId = aws.String(srv.UserPoolID), aws.String(srv.ClientID)
	return sdk(srv).UpdateUserPoolClient(t.Context(), in)
}

// withSecret returns a copy of srv that computes SECRET_HASH with secret.
func withSecret(srv *cognitotest.Server, secret string) *cognitotest.Server {
	cp := *srv
	cp.ClientSecret = secret
	return &cp
}

func TestUpdateUserPoolClient(t *testing.T) {
	t.Parallel()
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		cl := addClient(t, srv, &cip.CreateUserPoolClientInput{
			ClientName: aws.String("configured"), GenerateSecret: true,
			AccessTokenValidity: aws.Int32(2), IdTokenValidity: aws.Int32(3), RefreshTokenValidity: 7,
			ReadAttributes: []string{"email"}, WriteAttributes: []string{"email"},
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
				types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
			},
			PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled,
			EnableTokenRevocation:      aws.Bool(false), AuthSessionValidity: aws.Int32(10),
		})
		before := describeClient(t, cl)
		signUpConfirmed(t, srv, "ana", password)
		signIn(t, cl, "ana", password)

		// Members left out go back to their defaults; the secret, the ID
		// and the creation date stay.
		out, err := updateClient(t, cl, &cip.UpdateUserPoolClientInput{ClientName: aws.String("renamed")})
		if err != nil {
			t.Fatal(err)
		}
		got := out.UserPoolClient
		flows := slices.Clone(got.ExplicitAuthFlows)
		slices.Sort(flows)
		wantFlows := []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowCustomAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
		}
		switch {
		case aws.ToString(got.ClientName) != "renamed":
			t.Errorf("ClientName = %q, want renamed", aws.ToString(got.ClientName))
		case aws.ToString(got.ClientId) != cl.ClientID || aws.ToString(got.ClientSecret) != cl.ClientSecret:
			t.Error("the client's ID or secret changed")
		case !aws.ToTime(got.CreationDate).Equal(aws.ToTime(before.CreationDate)):
			t.Errorf("CreationDate changed: %v → %v", before.CreationDate, got.CreationDate)
		case aws.ToInt32(got.AccessTokenValidity) != 1 || aws.ToInt32(got.IdTokenValidity) != 1 || got.RefreshTokenValidity != 30:
			t.Errorf("validities = %d %d %d, want the defaults 1 1 30", aws.ToInt32(got.AccessTokenValidity), aws.ToInt32(got.IdTokenValidity), got.RefreshTokenValidity)
		case got.ReadAttributes != nil || got.WriteAttributes != nil:
			t.Errorf("Read/WriteAttributes = %v %v, want none", got.ReadAttributes, got.WriteAttributes)
		case !slices.Equal(flows, wantFlows):
			t.Errorf("ExplicitAuthFlows = %v, want the default %v", flows, wantFlows)
		case got.PreventUserExistenceErrors != types.PreventUserExistenceErrorTypesLegacy:
			t.Errorf("PreventUserExistenceErrors = %q, want LEGACY", got.PreventUserExistenceErrors)
		case !aws.ToBool(got.EnableTokenRevocation) || aws.ToInt32(got.AuthSessionValidity) != 3:
			t.Errorf("EnableTokenRevocation, AuthSessionValidity = %v, %d, want true, 3", aws.ToBool(got.EnableTokenRevocation), aws.ToInt32(got.AuthSessionValidity))
		}
		if d := describeClient(t, cl); aws.ToString(d.ClientName) != "renamed" || aws.ToInt32(d.AccessTokenValidity) != 1 {
			t.Errorf("DescribeUserPoolClient after the update = %+v", *d)
		}
		// The reset flows no longer allow USER_PASSWORD_AUTH.
		_, err = trySignIn(t, cl, "ana", password)
		expectErr[*types.InvalidParameterException](t, err, "")

		// Members given are set; a request without ClientName keeps the name.
		out, err = updateClient(t, cl, &cip.UpdateUserPoolClientInput{
			AccessTokenValidity: aws.Int32(30), RefreshTokenValidity: 120,
			TokenValidityUnits: &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeMinutes, RefreshToken: types.TimeUnitsTypeMinutes},
			ExplicitAuthFlows:  []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth},
		})
		if err != nil {
			t.Fatal(err)
		}
		got = out.UserPoolClient
		if aws.ToString(got.ClientName) != "renamed" || aws.ToInt32(got.AccessTokenValidity) != 30 || got.RefreshTokenValidity != 120 {
			t.Errorf("after the second update: name %q, validities %d %d", aws.ToString(got.ClientName), aws.ToInt32(got.AccessTokenValidity), got.RefreshTokenValidity)
		}
		if res := signIn(t, cl, "ana", password); res.ExpiresIn != 30*60 {
			t.Errorf("ExpiresIn = %d, want 1800", res.ExpiresIn)
		}

		// Bad requests change nothing.
		for _, tc := range []struct {
			name string
			in   cip.UpdateUserPoolClientInput
		}{
			{"ALLOW_ and legacy flows", cip.UpdateUserPoolClientInput{ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
				types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeUserPasswordAuth}}},
			{"access token 25 hours", cip.UpdateUserPoolClientInput{AccessTokenValidity: aws.Int32(25)}},
			{"read attribute not in the schema", cip.UpdateUserPoolClientInput{ReadAttributes: []string{"custom:nope"}}},
			{"auth session validity 16", cip.UpdateUserPoolClientInput{AuthSessionValidity: aws.Int32(16)}},
			{"bad client name", cip.UpdateUserPoolClientInput{ClientName: aws.String("no/slash")}},
		} {
			_, err := updateClient(t, cl, &tc.in)
			if err == nil {
				t.Errorf("%s: no error", tc.name)
				continue
			}
			expectErr[*types.InvalidParameterException](t, err, "")
		}
		if d := describeClient(t, cl); aws.ToInt32(d.AccessTokenValidity) != 30 || aws.ToString(d.ClientName) != "renamed" {
			t.Errorf("a refused update changed the client: %+v", *d)
		}

		c := sdk(srv)
		_, err = c.UpdateUserPoolClient(t.Context(), &cip.UpdateUserPoolClientInput{
			UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String("nosuchclient"),
		})
		expectErr[*types.ResourceNotFoundException](t, err, "")
		_, err = c.UpdateUserPoolClient(t.Context(), &cip.UpdateUserPoolClientInput{
			UserPoolId: aws.String("eu-west-1_nosuchpool"), ClientId: aws.String(cl.ClientID),
		})
		expectErr[*types.ResourceNotFoundException](t, err, "")
		// A client of another pool is not found through this one.
		other := withPool(t, srv, &cip.CreateUserPoolInput{PoolName: aws.String("other")}, nil)
		_, err = c.UpdateUserPoolClient(t.Context(), &cip.UpdateUserPoolClientInput{
			UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(other.ClientID),
		})
		expectErr[*types.ResourceNotFoundException](t, err, "")
		status, body := rawCall(t, srv, "UpdateUserPoolClient", `{"UserPoolId": "`+srv.UserPoolID+`"}`, true)
		if status != 400 || errorType(t, body) != "InvalidParameterException" {
			t.Errorf("without ClientId: %d %s", status, body)
		}
	})
}

func TestClientSecrets(t *testing.T) {
	t.Parallel()
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		cl := addClient(t, srv, &cip.CreateUserPoolClientInput{
			GenerateSecret: true,
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
				types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
			},
		})
		ids := func(in *cip.ListUserPoolClientSecretsInput) []types.ClientSecretDescriptorType {
			t.Helper()
			out, err := c.ListUserPoolClientSecrets(t.Context(), in)
			if err != nil {
				t.Fatalf("ListUserPoolClientSecrets: %v", err)
			}
			for _, d := range out.ClientSecrets {
				if d.ClientSecretValue != nil {
					t.Error("ListUserPoolClientSecrets shows a secret's value")
				}
			}
			return out.ClientSecrets
		}
		list := &cip.ListUserPoolClientSecretsInput{UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(cl.ClientID)}

		// A client created with GenerateSecret has that one secret.
		first := ids(list)
		if len(first) != 1 || !strings.HasPrefix(aws.ToString(first[0].ClientSecretId), cl.ClientID+"--") || first[0].ClientSecretCreateDate == nil {
			t.Fatalf("secrets of a new client = %+v", first)
		}
		firstID := aws.ToString(first[0].ClientSecretId)

		// A second, generated: its value is returned once.
		added, err := c.AddUserPoolClientSecret(t.Context(), &cip.AddUserPoolClientSecretInput{
			UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(cl.ClientID),
		})
		if err != nil {
			t.Fatal(err)
		}
		d := added.ClientSecretDescriptor
		second := aws.ToString(d.ClientSecretValue)
		secondID := aws.ToString(d.ClientSecretId)
		if len(second) < 24 || second == cl.ClientSecret || secondID == firstID || !strings.HasPrefix(secondID, cl.ClientID+"--") || d.ClientSecretCreateDate == nil {
			t.Fatalf("added secret = %q (id %q), first %q", second, secondID, firstID)
		}
		if got := ids(list); len(got) != 2 || aws.ToString(got[0].ClientSecretId) != firstID || aws.ToString(got[1].ClientSecretId) != secondID {
			t.Errorf("secrets = %+v, want %s then %s", got, firstID, secondID)
		}
		// DescribeUserPoolClient still shows the first (primary) secret.
		if aws.ToString(describeClient(t, cl).ClientSecret) != cl.ClientSecret {
			t.Error("DescribeUserPoolClient shows another secret than the first")
		}

		// A SECRET_HASH made with either secret is accepted everywhere.
		signUpConfirmed(t, withSecret(cl, second), "ana", password)
		withFirst := signIn(t, cl, "ana", password)
		withSecond := signIn(t, withSecret(cl, second), "ana", password)
		if _, err := tryRefresh(t, withSecret(cl, second), aws.ToString(withFirst.RefreshToken), "ana"); err != nil {
			t.Errorf("refresh with the second secret: %v", err)
		}
		_, err = trySignIn(t, withSecret(cl, strings.Repeat("x", 52)), "ana", password)
		expectErr[*types.NotAuthorizedException](t, err, "Unable to verify secret hash for client "+cl.ClientID)
		// So is either secret itself, for RevokeToken.
		for _, tc := range []struct {
			secret string
			tokens *types.AuthenticationResultType
		}{{second, withFirst}, {cl.ClientSecret, withSecond}} {
			if _, err := c.RevokeToken(t.Context(), &cip.RevokeTokenInput{
				ClientId: aws.String(cl.ClientID), ClientSecret: aws.String(tc.secret), Token: tc.tokens.RefreshToken,
			}); err != nil {
				t.Errorf("RevokeToken: %v", err)
			}
		}
		_, err = c.RevokeToken(t.Context(), &cip.RevokeTokenInput{
			ClientId: aws.String(cl.ClientID), ClientSecret: aws.String(strings.Repeat("x", 52)), Token: withFirst.RefreshToken,
		})
		expectErr[*types.UnauthorizedException](t, err, "")

		// Two is the limit.
		_, err = c.AddUserPoolClientSecret(t.Context(), &cip.AddUserPoolClientSecretInput{
			UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(cl.ClientID),
		})
		expectErr[*types.LimitExceededException](t, err, "")

		// Retiring the first secret: the second becomes the primary, and
		// the first no longer works.
		if _, err := c.DeleteUserPoolClientSecret(t.Context(), &cip.DeleteUserPoolClientSecretInput{
			UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(cl.ClientID), ClientSecretId: aws.String(firstID),
		}); err != nil {
			t.Fatal(err)
		}
		if got := ids(list); len(got) != 1 || aws.ToString(got[0].ClientSecretId) != secondID {
			t.Errorf("secrets after deleting the first = %+v", got)
		}
		if aws.ToString(describeClient(t, cl).ClientSecret) != second {
			t.Error("DescribeUserPoolClient does not show the remaining secret")
		}
		_, err = trySignIn(t, cl, "ana", password)
		expectErr[*types.NotAuthorizedException](t, err, "Unable to verify secret hash for client "+cl.ClientID)
		signIn(t, withSecret(cl, second), "ana", password)

		// The last secret cannot be deleted; an unknown one is not found.
		del := func(id string) error {
			_, err := c.DeleteUserPoolClientSecret(t.Context(), &cip.DeleteUserPoolClientSecretInput{
				UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(cl.ClientID), ClientSecretId: aws.String(id),
			})
			return err
		}
		expectErr[*types.InvalidParameterException](t, del(secondID), "")
		expectErr[*types.ResourceNotFoundException](t, del(firstID), "")
		expectErr[*types.ResourceNotFoundException](t, del("nosuch--1"), "")

		// A secret of the caller's choosing: its value is not returned.
		custom := "MyOwnSecretOfTwentyFourPlus"
		added, err = c.AddUserPoolClientSecret(t.Context(), &cip.AddUserPoolClientSecretInput{
			UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(cl.ClientID), ClientSecret: aws.String(custom),
		})
		if err != nil {
			t.Fatal(err)
		}
		if added.ClientSecretDescriptor.ClientSecretValue != nil || added.ClientSecretDescriptor.ClientSecretId == nil {
			t.Errorf("descriptor of a custom secret = %+v", *added.ClientSecretDescriptor)
		}
		signIn(t, withSecret(cl, custom), "ana", password)
		if err := del(secondID); err != nil {
			t.Fatal(err)
		}
		if aws.ToString(describeClient(t, cl).ClientSecret) != custom {
			t.Error("DescribeUserPoolClient does not show the custom secret")
		}

		// Custom secrets AWS's model refuses; the secret is never echoed.
		for _, bad := range []string{"short", strings.Repeat("a", 65), "has spaces in it, twenty four+", ""} {
			_, err := c.AddUserPoolClientSecret(t.Context(), &cip.AddUserPoolClientSecretInput{
				UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(cl.ClientID), ClientSecret: aws.String(bad),
			})
			e := expectErr[*types.InvalidParameterException](t, err, "")
			if bad != "" && strings.Contains(e.ErrorMessage(), bad) {
				t.Errorf("message %q echoes the secret", e.ErrorMessage())
			}
		}

		// A public client has no secrets and gets none.
		public := &cip.ListUserPoolClientSecretsInput{UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID)}
		if got := ids(public); len(got) != 0 {
			t.Errorf("secrets of a public client = %+v", got)
		}
		_, err = c.AddUserPoolClientSecret(t.Context(), &cip.AddUserPoolClientSecretInput{
			UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID),
		})
		expectErr[*types.InvalidParameterException](t, err, "")
		if describeClient(t, srv).ClientSecret != nil {
			t.Error("the public client got a secret")
		}

		// Unknown clients and pools.
		for _, in := range []struct{ pool, client string }{
			{srv.UserPoolID, "nosuchclient"}, {"eu-west-1_nosuchpool", cl.ClientID},
		} {
			_, err := c.ListUserPoolClientSecrets(t.Context(), &cip.ListUserPoolClientSecretsInput{UserPoolId: aws.String(in.pool), ClientId: aws.String(in.client)})
			expectErr[*types.ResourceNotFoundException](t, err, "")
			_, err = c.AddUserPoolClientSecret(t.Context(), &cip.AddUserPoolClientSecretInput{UserPoolId: aws.String(in.pool), ClientId: aws.String(in.client)})
			expectErr[*types.ResourceNotFoundException](t, err, "")
			_, err = c.DeleteUserPoolClientSecret(t.Context(), &cip.DeleteUserPoolClientSecretInput{
				UserPoolId: aws.String(in.pool), ClientId: aws.String(in.client), ClientSecretId: aws.String(secondID),
			})
			expectErr[*types.ResourceNotFoundException](t, err, "")
		}
		status, body := rawCall(t, srv, "DeleteUserPoolClientSecret", `{"UserPoolId": "`+srv.UserPoolID+`", "ClientId": "`+cl.ClientID+`"}`, true)
		if status != 400 || errorType(t, body) != "InvalidParameterException" {
			t.Errorf("without ClientSecretId: %d %s", status, body)
		}
	})
}

func TestCreateUserPoolClientWithCustomSecret(t *testing.T) {
	t.Parallel()
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		custom := "ChosenByTheAdministrator24"
		out, err := c.CreateUserPoolClient(t.Context(), &cip.CreateUserPoolClientInput{
			UserPoolId: aws.String(srv.UserPoolID), ClientName: aws.String("custom"), ClientSecret: aws.String(custom),
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth},
		})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.UserPoolClient.ClientSecret) != custom {
			t.Errorf("ClientSecret = %q, want the custom one", aws.ToString(out.UserPoolClient.ClientSecret))
		}
		cl := *srv
		cl.ClientID, cl.ClientSecret = aws.ToString(out.UserPoolClient.ClientId), custom
		signUpConfirmed(t, &cl, "ana", password)
		signIn(t, &cl, "ana", password)

		for name, in := range map[string]*cip.CreateUserPoolClientInput{
			"GenerateSecret and ClientSecret": {GenerateSecret: true, ClientSecret: aws.String(custom)},
			"secret too short":                {ClientSecret: aws.String("short")},
		} {
			in.UserPoolId, in.ClientName = aws.String(srv.UserPoolID), aws.String("bad")
			_, err := c.CreateUserPoolClient(t.Context(), in)
			if err == nil {
				t.Errorf("%s: no error", name)
				continue
			}
			expectErr[*types.InvalidParameterException](t, err, "")
		}
	})
}

// Clients stored before they had several secrets hold one "secret": it
// reads as the client's only secret, with an ID.
func TestClientSecretStoredInTheOldFormat(t *testing.T) {
	t.Parallel()
	for _, tc := range testStores {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			st := tc.Open(t)
			t.Cleanup(func() { st.Close() })
			srv := cognitotest.NewServer(t, cognitotest.WithStore(st), cognitotest.WithClientSecret())
			signUpConfirmed(t, srv, "ana", password)

			// Rewrite the client record as the previous version wrote it:
			// the secret alone, and legacy flows with the
			// ALLOW_REFRESH_TOKEN_AUTH that version added to them.
			key := srv.UserPoolID + "/" + srv.ClientID
			err := st.Update(t.Context(), func(tx store.Tx) error {
				raw, err := tx.Get("client", key)
				if err != nil {
					return err
				}
				var rec map[string]any
				if err := json.Unmarshal(raw, &rec); err != nil {
					return err
				}
				delete(rec, "secrets")
				rec["secret"] = srv.ClientSecret
				rec["explicitAuthFlows"] = []string{"USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
				raw, err = json.Marshal(rec)
				if err != nil {
					return err
				}
				return tx.Put("client", key, raw)
			})
			if err != nil {
				t.Fatal(err)
			}

			srv = restarted(t, srv, st)
			d := describeClient(t, srv)
			if aws.ToString(d.ClientSecret) != srv.ClientSecret {
				t.Error("DescribeUserPoolClient does not show the stored secret")
			}
			if !slices.Equal(d.ExplicitAuthFlows, []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeUserPasswordAuth}) {
				t.Errorf("ExplicitAuthFlows = %v, want the legacy value alone", d.ExplicitAuthFlows)
			}
			res := signIn(t, srv, "ana", password)
			if _, err := tryRefresh(t, srv, aws.ToString(res.RefreshToken), "ana"); err != nil {
				t.Errorf("refresh: %v", err)
			}
			c := sdk(srv)
			list, err := c.ListUserPoolClientSecrets(t.Context(), &cip.ListUserPoolClientSecretsInput{
				UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID),
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(list.ClientSecrets) != 1 || !strings.HasPrefix(aws.ToString(list.ClientSecrets[0].ClientSecretId), srv.ClientID+"--") {
				t.Fatalf("secrets = %+v", list.ClientSecrets)
			}
			// It rotates like any other.
			added, err := c.AddUserPoolClientSecret(t.Context(), &cip.AddUserPoolClientSecretInput{
				UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID),
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.DeleteUserPoolClientSecret(t.Context(), &cip.DeleteUserPoolClientSecretInput{
				UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID), ClientSecretId: list.ClientSecrets[0].ClientSecretId,
			}); err != nil {
				t.Fatal(err)
			}
			_, err = trySignIn(t, srv, "ana", password)
			expectErr[*types.NotAuthorizedException](t, err, "")
			signIn(t, withSecret(srv, aws.ToString(added.ClientSecretDescriptor.ClientSecretValue)), "ana", password)
		})
	}
}

func TestClientAttributePermissions(t *testing.T) {
	t.Parallel()
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		pool := withPool(t, srv, &cip.CreateUserPoolInput{
			PoolName:               aws.String("permissions"),
			AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
			Schema: []types.SchemaAttributeType{
				{Name: aws.String("email"), Required: aws.Bool(true), Mutable: aws.Bool(true)},
				{Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)},
			},
		}, nil)
		flows := []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}
		limited := addClient(t, pool, &cip.CreateUserPoolClientInput{
			ClientName: aws.String("limited"), ExplicitAuthFlows: flows,
			ReadAttributes:  []string{"email", "custom:plan"},
			WriteAttributes: []string{"email", "name"},
		})
		noEmail := addClient(t, pool, &cip.CreateUserPoolClientInput{
			ClientName: aws.String("noemail"), ExplicitAuthFlows: flows, WriteAttributes: []string{"name"},
		})
		c := sdk(srv)

		// SignUp writes the attributes through the client.
		_, err := trySignUp(t, noEmail, "bob", password, attrs("email", "bob@example.com"))
		expectErr[*types.NotAuthorizedException](t, err, "A client attempted to write unauthorized attribute")
		_, err = trySignUp(t, limited, "bob", password, attrs("email", "bob@example.com", "custom:plan", "pro"))
		expectErr[*types.NotAuthorizedException](t, err, "A client attempted to write unauthorized attribute")

		if _, err := trySignUp(t, limited, "ana", password, attrs("email", "ana@example.com", "name", "Ana")); err != nil {
			t.Fatal(err)
		}
		if err := tryConfirm(t, limited, "ana", pool.LastCode("ana")); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{
			UserPoolId: aws.String(pool.UserPoolID), Username: aws.String("ana"), UserAttributes: attrs("custom:plan", "pro"),
		}); err != nil {
			t.Fatal(err)
		}

		// GetUser and the ID token show what the client may read, and sub.
		res := signIn(t, limited, "ana", password)
		got, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: res.AccessToken})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, a := range got.UserAttributes {
			names = append(names, aws.ToString(a.Name))
		}
		slices.Sort(names)
		if want := []string{"custom:plan", "email", "sub"}; !slices.Equal(names, want) {
			t.Errorf("GetUser attributes = %v, want %v", names, want)
		}
		if aws.ToString(got.Username) != "ana" {
			t.Errorf("Username = %q", aws.ToString(got.Username))
		}
		id := verifiedClaims(t, pool, aws.ToString(res.IdToken), time.Now)
		for _, claim := range []string{"sub", "email", "custom:plan", "cognito:username", "aud"} {
			if _, ok := id[claim]; !ok {
				t.Errorf("ID token has no %s claim", claim)
			}
		}
		for _, claim := range []string{"name", "email_verified"} {
			if _, ok := id[claim]; ok {
				t.Errorf("ID token has the unreadable %s claim", claim)
			}
		}
		if access := verifiedClaims(t, pool, aws.ToString(res.AccessToken), time.Now); access["client_id"] != limited.ClientID {
			t.Errorf("access token client_id = %v, want %s", access["client_id"], limited.ClientID)
		}

		// UpdateUserAttributes writes only what the client may write.
		if _, err := c.UpdateUserAttributes(t.Context(), &cip.UpdateUserAttributesInput{
			AccessToken: res.AccessToken, UserAttributes: attrs("name", "Ana B"),
		}); err != nil {
			t.Errorf("writing a writable attribute: %v", err)
		}
		for _, a := range [][]types.AttributeType{
			attrs("custom:plan", "free"),
			attrs("name", "Ana C", "custom:plan", "free"),
			attrs("email_verified", "true"),
		} {
			_, err := c.UpdateUserAttributes(t.Context(), &cip.UpdateUserAttributesInput{AccessToken: res.AccessToken, UserAttributes: a})
			expectErr[*types.NotAuthorizedException](t, err, "A client attempted to write unauthorized attribute")
		}
		user := adminGetUser(t, pool, "ana")
		if v, _ := attr(user.UserAttributes, "name"); v != "Ana B" {
			t.Errorf("name = %q, want Ana B (a refused write changed it)", v)
		}
		if v, _ := attr(user.UserAttributes, "custom:plan"); v != "pro" {
			t.Errorf("custom:plan = %q, want pro", v)
		}

		// Listing email_verified makes it readable.
		if _, err := updateClient(t, limited, &cip.UpdateUserPoolClientInput{
			ExplicitAuthFlows: flows, ReadAttributes: []string{"email", "email_verified"},
		}); err != nil {
			t.Fatal(err)
		}
		res = signIn(t, limited, "ana", password)
		id = verifiedClaims(t, pool, aws.ToString(res.IdToken), time.Now)
		if id["email_verified"] != true || id["custom:plan"] != nil {
			t.Errorf("ID token email_verified, custom:plan = %v, %v", id["email_verified"], id["custom:plan"])
		}

		// A client without ReadAttributes and WriteAttributes reads and
		// writes everything.
		res = signIn(t, pool, "ana", password)
		got, err = c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: res.AccessToken})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"sub", "email", "email_verified", "name", "custom:plan"} {
			if _, ok := attr(got.UserAttributes, name); !ok {
				t.Errorf("the unrestricted client does not see %s", name)
			}
		}
		if _, err := c.UpdateUserAttributes(t.Context(), &cip.UpdateUserAttributesInput{
			AccessToken: res.AccessToken, UserAttributes: attrs("custom:plan", "free"),
		}); err != nil {
			t.Errorf("the unrestricted client writing custom:plan: %v", err)
		}
	})
}

func TestTokenRevocationDisabled(t *testing.T) {
	t.Parallel()
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		cl := addClient(t, srv, &cip.CreateUserPoolClientInput{
			EnableTokenRevocation: aws.Bool(false),
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
				types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
			},
		})
		signUpConfirmed(t, srv, "ana", password)
		res := signIn(t, cl, "ana", password)

		// The tokens carry no origin_jti and no jti.
		access := verifiedClaims(t, srv, aws.ToString(res.AccessToken), time.Now)
		id := verifiedClaims(t, srv, aws.ToString(res.IdToken), time.Now)
		for name, claims := range map[string]map[string]any{"access": access, "ID": id} {
			for _, claim := range []string{"origin_jti", "jti"} {
				if _, ok := claims[claim]; ok {
					t.Errorf("%s token of a client without revocation has %s", name, claim)
				}
			}
		}
		if access["client_id"] != cl.ClientID {
			t.Errorf("client_id = %v, want %s", access["client_id"], cl.ClientID)
		}
		// They work, and refresh works.
		if _, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: res.AccessToken}); err != nil {
			t.Fatalf("GetUser: %v", err)
		}
		refreshed, err := tryRefresh(t, cl, aws.ToString(res.RefreshToken), "ana")
		if err != nil {
			t.Fatalf("refresh: %v", err)
		}
		if _, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: refreshed.AuthenticationResult.AccessToken}); err != nil {
			t.Errorf("GetUser with a refreshed token: %v", err)
		}

		// RevokeToken is refused with the exception its model declares.
		_, err = c.RevokeToken(t.Context(), &cip.RevokeTokenInput{ClientId: aws.String(cl.ClientID), Token: res.RefreshToken})
		expectErr[*types.UnsupportedOperationException](t, err, "")
		if _, err := tryRefresh(t, cl, aws.ToString(res.RefreshToken), "ana"); err != nil {
			t.Errorf("refresh after a refused RevokeToken: %v", err)
		}

		// A token of the default client is unaffected by the other sign-in.
		other := signIn(t, srv, "ana", password)

		// GlobalSignOut still ends every sign-in, these included.
		if _, err := c.GlobalSignOut(t.Context(), &cip.GlobalSignOutInput{AccessToken: res.AccessToken}); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []*string{res.AccessToken, refreshed.AuthenticationResult.AccessToken, other.AccessToken} {
			_, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: tok})
			expectErr[*types.NotAuthorizedException](t, err, "Access Token has been revoked")
		}
		_, err = tryRefresh(t, cl, aws.ToString(res.RefreshToken), "ana")
		expectErr[*types.NotAuthorizedException](t, err, "")

		// So does AdminUserGlobalSignOut (and, below, deleting the client).
		res = signIn(t, cl, "ana", password)
		if _, err := c.AdminUserGlobalSignOut(t.Context(), &cip.AdminUserGlobalSignOutInput{
			UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana"),
		}); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: res.AccessToken})
		expectErr[*types.NotAuthorizedException](t, err, "")

		// Turning revocation on: new tokens carry origin_jti and can be
		// revoked; a token issued before keeps working until its sign-in
		// ends.
		before := signIn(t, cl, "ana", password)
		if _, err := updateClient(t, cl, &cip.UpdateUserPoolClientInput{
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
				types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
			},
		}); err != nil {
			t.Fatal(err)
		}
		after := signIn(t, cl, "ana", password)
		if _, ok := verifiedClaims(t, srv, aws.ToString(after.AccessToken), time.Now)["origin_jti"]; !ok {
			t.Error("a token of a client with revocation has no origin_jti")
		}
		if _, err := c.RevokeToken(t.Context(), &cip.RevokeTokenInput{ClientId: aws.String(cl.ClientID), Token: after.RefreshToken}); err != nil {
			t.Fatalf("RevokeToken once revocation is on: %v", err)
		}
		_, err = c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: after.AccessToken})
		expectErr[*types.NotAuthorizedException](t, err, "Access Token has been revoked")
		if _, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: before.AccessToken}); err != nil {
			t.Errorf("token issued before revocation was turned on: %v", err)
		}
		if _, err := c.DeleteUserPoolClient(t.Context(), &cip.DeleteUserPoolClientInput{
			UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(cl.ClientID),
		}); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: before.AccessToken})
		expectErr[*types.NotAuthorizedException](t, err, "")
	})
}

func TestLegacyExplicitAuthFlows(t *testing.T) {
	t.Parallel()
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		signUpConfirmed(t, srv, "ana", password)
		legacy := func(flows ...types.ExplicitAuthFlowsType) *cognitotest.Server {
			cl := addClient(t, srv, &cip.CreateUserPoolClientInput{ExplicitAuthFlows: flows})
			if got := describeClient(t, cl).ExplicitAuthFlows; !slices.Equal(got, flows) {
				t.Errorf("ExplicitAuthFlows = %v, want %v as given", got, flows)
			}
			return cl
		}
		refreshes := func(t *testing.T, cl *cognitotest.Server, refreshToken *string) {
			t.Helper()
			if _, err := tryRefresh(t, cl, aws.ToString(refreshToken), "ana"); err != nil {
				t.Errorf("refresh: %v", err)
			}
		}

		t.Run("USER_PASSWORD_AUTH", func(t *testing.T) {
			cl := legacy(types.ExplicitAuthFlowsTypeUserPasswordAuth)
			res := signIn(t, cl, "ana", password)
			refreshes(t, cl, res.RefreshToken)
			out, err := srpSignIn(t, cl, "ana", password, nil)
			if err != nil || out.AuthenticationResult == nil {
				t.Errorf("USER_SRP_AUTH: %v", err)
			}
		})
		t.Run("ADMIN_NO_SRP_AUTH", func(t *testing.T) {
			cl := legacy(types.ExplicitAuthFlowsTypeAdminNoSrpAuth)
			_, err := trySignIn(t, cl, "ana", password)
			expectErr[*types.InvalidParameterException](t, err, "")
			out, err := srpSignIn(t, cl, "ana", password, nil)
			if err != nil || out.AuthenticationResult == nil {
				t.Fatalf("USER_SRP_AUTH: %v", err)
			}
			refreshes(t, cl, out.AuthenticationResult.RefreshToken)
		})
		t.Run("CUSTOM_AUTH_FLOW_ONLY", func(t *testing.T) {
			cl := legacy(types.ExplicitAuthFlowsTypeCustomAuthFlowOnly)
			_, err := trySignIn(t, cl, "ana", password)
			expectErr[*types.InvalidParameterException](t, err, "")
			_, err = srpSignIn(t, cl, "ana", password, nil)
			expectErr[*types.InvalidParameterException](t, err, "")
		})
		t.Run("ALLOW_ values mean what they say", func(t *testing.T) {
			cl := addClient(t, srv, &cip.CreateUserPoolClientInput{
				ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth},
			})
			res := signIn(t, cl, "ana", password)
			_, err := tryRefresh(t, cl, aws.ToString(res.RefreshToken), "ana")
			expectErr[*types.InvalidParameterException](t, err, "")
			_, err = srpSignIn(t, cl, "ana", password, nil)
			expectErr[*types.InvalidParameterException](t, err, "")
		})
	})
}

// The OAuth 2.0 settings of a client and those the local Cognito does not
// act on yet are kept and described (an update without them resets them,
// as for every client setting); the ones not acted on are logged as a
// warning, never dropped silently. The OAuth 2.0 settings and
// refresh-token rotation, acted on, are not warned about.
func TestInertClientSettingsKept(t *testing.T) {
	srv, log := serverWithLog(t)
	c := sdk(srv)
	created, err := c.CreateUserPoolClient(t.Context(), &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(srv.UserPoolID), ClientName: aws.String("web"),
		AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{"https://app.example.com/cb"},
		LogoutURLs: []string{"https://app.example.com/"}, SupportedIdentityProviders: []string{"COGNITO"},
		RefreshTokenRotation:                     &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(10)},
		EnablePropagateAdditionalUserContextData: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	id := created.UserPoolClient.ClientId
	got, err := c.DescribeUserPoolClient(t.Context(), &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(srv.UserPoolID), ClientId: id})
	if err != nil {
		t.Fatal(err)
	}
	d := got.UserPoolClient
	if !slices.Equal(d.AllowedOAuthFlows, []types.OAuthFlowType{types.OAuthFlowTypeCode}) || !aws.ToBool(d.AllowedOAuthFlowsUserPoolClient) ||
		!slices.Equal(d.AllowedOAuthScopes, []string{"openid", "email"}) || !slices.Equal(d.CallbackURLs, []string{"https://app.example.com/cb"}) ||
		!slices.Equal(d.LogoutURLs, []string{"https://app.example.com/"}) || !slices.Equal(d.SupportedIdentityProviders, []string{"COGNITO"}) ||
		d.RefreshTokenRotation == nil || d.RefreshTokenRotation.Feature != types.FeatureTypeEnabled {
		t.Errorf("described client = %+v, want the OAuth and rotation settings it was created with", d)
	}
	logged := log.String()
	if !strings.Contains(logged, "not acted on") || !strings.Contains(logged, "EnablePropagateAdditionalUserContextData") ||
		strings.Contains(logged, "CallbackURLs") || strings.Contains(logged, "RefreshTokenRotation") {
		t.Errorf("no warning naming the settings that are not acted on; log:\n%s", logged)
	}

	if _, err := c.UpdateUserPoolClient(t.Context(), &cip.UpdateUserPoolClientInput{UserPoolId: aws.String(srv.UserPoolID), ClientId: id}); err != nil {
		t.Fatal(err)
	}
	got, err = c.DescribeUserPoolClient(t.Context(), &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(srv.UserPoolID), ClientId: id})
	if err != nil {
		t.Fatal(err)
	}
	if d := got.UserPoolClient; len(d.CallbackURLs) != 0 || d.RefreshTokenRotation != nil || aws.ToBool(d.AllowedOAuthFlowsUserPoolClient) {
		t.Errorf("after an update without them: %+v, want the settings reset", d)
	}
}

// TestReadCacheExact: the read cache of pools and clients never serves a
// record older than a committed change, however many reads race with the
// writes (on both stores): once UpdateUserPoolClient has answered, every
// read sees its name.
func TestReadCacheExact(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		describe := &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID)}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					if _, err := c.DescribeUserPoolClient(t.Context(), describe); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		for i := range 40 {
			name := fmt.Sprintf("name-%d", i)
			if _, err := c.UpdateUserPoolClient(t.Context(), &cip.UpdateUserPoolClientInput{
				UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID), ClientName: aws.String(name),
				ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
			}); err != nil {
				t.Fatal(err)
			}
			got, err := c.DescribeUserPoolClient(t.Context(), describe)
			if err != nil {
				t.Fatal(err)
			}
			if n := aws.ToString(got.UserPoolClient.ClientName); n != name {
				t.Fatalf("after the update to %s, the client reads as %s", name, n)
			}
		}
		close(stop)
		wg.Wait()
	})
}

// TestReadCacheRevocation: a sign-in ended by a global sign-out is refused
// as soon as the sign-out has answered, however many GetUser calls race
// with it and fill the read cache (on both stores).
func TestReadCacheRevocation(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		signUpConfirmed(t, srv, "ana", password)
		for range 10 {
			token := signIn(t, srv, "ana", password).AccessToken
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for range 3 {
				wg.Go(func() {
					for {
						select {
						case <-stop:
							return
						default:
							c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: token})
						}
					}
				})
			}
			if _, err := c.AdminUserGlobalSignOut(t.Context(), &cip.AdminUserGlobalSignOutInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana")}); err != nil {
				t.Fatal(err)
			}
			_, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: token})
			close(stop)
			wg.Wait()
			expectErr[*types.NotAuthorizedException](t, err, "")
		}
	})
}
