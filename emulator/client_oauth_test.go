package emulator_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator/store"
)

// The OAuth 2.0 settings of app clients: validated on CreateUserPoolClient
// and UpdateUserPoolClient as AWS validates them, stored and described.

var (
	codeFlow              = []types.OAuthFlowType{types.OAuthFlowTypeCode}
	clientCredentialsFlow = []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials}
)

// createClient creates an app client in srv's pool from in.
func createClient(t *testing.T, srv *cognitotest.Server, in *cip.CreateUserPoolClientInput) (*cip.CreateUserPoolClientOutput, error) {
	t.Helper()
	in.UserPoolId = aws.String(srv.UserPoolID)
	if in.ClientName == nil {
		in.ClientName = aws.String("oauth")
	}
	return sdk(srv).CreateUserPoolClient(t.Context(), in)
}

// TestClientOAuthSettingsDescribed: valid OAuth settings are described as
// given.
func TestClientOAuthSettingsDescribed(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		createResourceServer(t, srv, "https://api.example.com", scopes("read", "Read", "write", "Write"))
		callbacks := []string{
			"https://app.example.com/cb", "http://localhost:3000/cb", "http://127.0.0.1/cb", "http://[::1]:8080/cb", "myapp://signed-in",
		}
		in := &cip.CreateUserPoolClientInput{
			AllowedOAuthFlows:               []types.OAuthFlowType{types.OAuthFlowTypeCode, types.OAuthFlowTypeImplicit},
			AllowedOAuthFlowsUserPoolClient: true,
			AllowedOAuthScopes:              []string{"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin", "https://api.example.com/read"},
			CallbackURLs:                    callbacks,
			LogoutURLs:                      []string{"https://app.example.com/", "http://localhost:3000/"},
			DefaultRedirectURI:              aws.String("http://localhost:3000/cb"),
			SupportedIdentityProviders:      []string{"COGNITO"},
		}
		created, err := createClient(t, srv, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := sdk(srv).DescribeUserPoolClient(t.Context(), &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(srv.UserPoolID), ClientId: created.UserPoolClient.ClientId})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []*types.UserPoolClientType{created.UserPoolClient, got.UserPoolClient} {
			if !slices.Equal(d.AllowedOAuthFlows, in.AllowedOAuthFlows) || !aws.ToBool(d.AllowedOAuthFlowsUserPoolClient) ||
				!slices.Equal(d.AllowedOAuthScopes, in.AllowedOAuthScopes) || !slices.Equal(d.CallbackURLs, callbacks) ||
				!slices.Equal(d.LogoutURLs, in.LogoutURLs) || aws.ToString(d.DefaultRedirectURI) != "http://localhost:3000/cb" ||
				!slices.Equal(d.SupportedIdentityProviders, []string{"COGNITO"}) {
				t.Errorf("client = %+v, want the OAuth settings it was created with", d)
			}
		}

		// A client without OAuth settings describes none.
		plain := describeClient(t, srv)
		if len(plain.AllowedOAuthFlows) != 0 || aws.ToBool(plain.AllowedOAuthFlowsUserPoolClient) || plain.DefaultRedirectURI != nil || len(plain.CallbackURLs) != 0 {
			t.Errorf("plain client = %+v, want no OAuth settings", plain)
		}
	})
}

// TestClientOAuthClientCredentials: a confidential client may use the
// client-credentials grant with custom scopes.
func TestClientOAuthClientCredentials(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		createResourceServer(t, srv, "orders", scopes("read", "Read", "write", "Write"))
		out, err := createClient(t, srv, &cip.CreateUserPoolClientInput{
			GenerateSecret: true, AllowedOAuthFlows: clientCredentialsFlow, AllowedOAuthFlowsUserPoolClient: true,
			AllowedOAuthScopes: []string{"orders/read", "orders/write"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if d := out.UserPoolClient; !slices.Equal(d.AllowedOAuthFlows, clientCredentialsFlow) || !slices.Equal(d.AllowedOAuthScopes, []string{"orders/read", "orders/write"}) {
			t.Errorf("client = %+v", d)
		}
	})
}

// TestClientOAuthInvalid sends OAuth settings AWS refuses.
func TestClientOAuthInvalid(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		createResourceServer(t, srv, "orders", scopes("read", "Read"))
		many := make([]string, 101)
		for i := range many {
			many[i] = fmt.Sprintf("https://app.example.com/%d", i)
		}
		type oauth = cip.CreateUserPoolClientInput
		for _, tc := range []struct {
			name    string
			in      oauth
			errType string
			msg     string // the exact message, or a part of it
		}{
			{"unknown flow", oauth{AllowedOAuthFlows: []types.OAuthFlowType{"password"}, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"openid"}},
				"InvalidParameterException", "enum value set: [implicit, client_credentials, code]"},
			{"enabled without flows", oauth{AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"openid"}},
				"InvalidParameterException", "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows."},
			{"enabled without scopes", oauth{AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: codeFlow},
				"InvalidParameterException", "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows."},
			{"flows without being enabled", oauth{AllowedOAuthFlows: codeFlow, AllowedOAuthScopes: []string{"openid"}},
				"InvalidParameterException", "AllowedOAuthFlowsUserPoolClient must be true"},
			{"callback URLs without being enabled", oauth{CallbackURLs: []string{"https://app.example.com/cb"}},
				"InvalidParameterException", "AllowedOAuthFlowsUserPoolClient must be true"},
			{"client credentials without a secret", oauth{AllowedOAuthFlows: clientCredentialsFlow, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"orders/read"}},
				"InvalidOAuthFlowException", "client_credentials flow can not be selected if client does not have a client secret."},
			{"client credentials with code", oauth{GenerateSecret: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials, types.OAuthFlowTypeCode}, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"orders/read"}},
				"InvalidOAuthFlowException", "client_credentials flow can not be selected along with code flow or implicit flow."},
			{"client credentials with openid", oauth{GenerateSecret: true, AllowedOAuthFlows: clientCredentialsFlow, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"orders/read", "openid"}},
				"InvalidParameterException", "openid is not supported with client_credentials flow"},
			{"unknown custom scope", oauth{AllowedOAuthFlows: codeFlow, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"orders/write"}, CallbackURLs: []string{"https://app.example.com/cb"}},
				"ScopeDoesNotExistException", "orders/write"},
			{"unknown scope", oauth{AllowedOAuthFlows: codeFlow, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"admin"}},
				"ScopeDoesNotExistException", "admin"},
			{"http callback", oauth{AllowedOAuthFlows: codeFlow, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"openid"}, CallbackURLs: []string{"http://app.example.com/cb"}},
				"InvalidParameterException", "must use HTTPS"},
			{"http localhost look-alike", oauth{AllowedOAuthFlows: codeFlow, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"openid"}, CallbackURLs: []string{"http://localhost.example.com/cb"}},
				"InvalidParameterException", "must use HTTPS"},
			{"relative callback", oauth{AllowedOAuthFlows: codeFlow, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"openid"}, CallbackURLs: []string{"/cb"}},
				"InvalidParameterException", "absolute"},
			{"callback with a fragment", oauth{AllowedOAuthFlows: codeFlow, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"openid"}, CallbackURLs: []string{"https://app.example.com/cb#x"}},
				"InvalidParameterException", "fragment"},
			{"http logout URL", oauth{AllowedOAuthFlows: codeFlow, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"openid"}, LogoutURLs: []string{"http://app.example.com/"}},
				"InvalidParameterException", "LogoutURLs must use HTTPS"},
			{"too many callback URLs", oauth{AllowedOAuthFlows: codeFlow, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"openid"}, CallbackURLs: many},
				"InvalidParameterException", "less than or equal to 100"},
			{"default redirect not a callback", oauth{AllowedOAuthFlows: codeFlow, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"openid"}, CallbackURLs: []string{"https://app.example.com/cb"}, DefaultRedirectURI: aws.String("https://app.example.com/other")},
				"InvalidParameterException", "must be in the CallbackURLs list"},
			{"unknown identity provider", oauth{AllowedOAuthFlows: codeFlow, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"openid"}, SupportedIdentityProviders: []string{"COGNITO", "Google"}},
				"InvalidParameterException", "The provider Google does not exist for User Pool " + srv.UserPoolID},
		} {
			t.Run(tc.name, func(t *testing.T) {
				in := tc.in
				_, err := createClient(t, srv, &in)
				expectCode(t, err, tc.errType)
				if msg := err.Error(); !strings.Contains(msg, tc.msg) {
					t.Errorf("error %q, want it to contain %q", msg, tc.msg)
				}
			})
		}
		// UpdateUserPoolClient validates them the same way.
		_, err := updateClient(t, srv, &cip.UpdateUserPoolClientInput{
			AllowedOAuthFlows: clientCredentialsFlow, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"orders/read"},
		})
		expectErr[*types.InvalidOAuthFlowException](t, err, "client_credentials flow can not be selected if client does not have a client secret.")
		_, err = updateClient(t, srv, &cip.UpdateUserPoolClientInput{
			AllowedOAuthFlows: codeFlow, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"orders/nope"},
		})
		expectErr[*types.ScopeDoesNotExistException](t, err, "")
	})
}

// TestClientOAuthUpdate: UpdateUserPoolClient replaces the OAuth settings.
func TestClientOAuthUpdate(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		createResourceServer(t, srv, "orders", scopes("read", "Read"))
		out, err := updateClient(t, srv, &cip.UpdateUserPoolClientInput{
			AllowedOAuthFlows: codeFlow, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"openid", "orders/read"},
			CallbackURLs: []string{"https://app.example.com/cb"}, DefaultRedirectURI: aws.String("https://app.example.com/cb"),
		})
		if err != nil {
			t.Fatal(err)
		}
		if d := out.UserPoolClient; !slices.Equal(d.AllowedOAuthScopes, []string{"openid", "orders/read"}) || aws.ToString(d.DefaultRedirectURI) != "https://app.example.com/cb" {
			t.Errorf("updated client = %+v", d)
		}
		// Members left out go back to their defaults: none.
		if _, err := updateClient(t, srv, &cip.UpdateUserPoolClientInput{}); err != nil {
			t.Fatal(err)
		}
		if d := describeClient(t, srv); len(d.AllowedOAuthFlows) != 0 || len(d.AllowedOAuthScopes) != 0 || aws.ToBool(d.AllowedOAuthFlowsUserPoolClient) || d.DefaultRedirectURI != nil {
			t.Errorf("after an update without them: %+v", d)
		}
	})
}

// TestClientOAuthScopesOfDeletedResourceServer: resource-server scopes a
// client allows are taken out of it when the server drops them or is
// deleted.
func TestClientOAuthScopesOfDeletedResourceServer(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		pool := aws.String(srv.UserPoolID)
		createResourceServer(t, srv, "orders", scopes("read", "Read", "write", "Write"))
		m2m, err := createClient(t, srv, &cip.CreateUserPoolClientInput{
			GenerateSecret: true, AllowedOAuthFlows: clientCredentialsFlow, AllowedOAuthFlowsUserPoolClient: true,
			AllowedOAuthScopes: []string{"orders/read", "orders/write"},
		})
		if err != nil {
			t.Fatal(err)
		}
		web, err := createClient(t, srv, &cip.CreateUserPoolClientInput{
			AllowedOAuthFlows: codeFlow, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: []string{"openid", "orders/read"},
			CallbackURLs: []string{"https://app.example.com/cb"},
		})
		if err != nil {
			t.Fatal(err)
		}
		scopesOf := func(id *string) []string {
			t.Helper()
			out, err := c.DescribeUserPoolClient(t.Context(), &cip.DescribeUserPoolClientInput{UserPoolId: pool, ClientId: id})
			if err != nil {
				t.Fatal(err)
			}
			return out.UserPoolClient.AllowedOAuthScopes
		}

		if _, err := c.UpdateResourceServer(t.Context(), &cip.UpdateResourceServerInput{
			UserPoolId: pool, Identifier: aws.String("orders"), Name: aws.String("orders"), Scopes: scopes("read", "Read"),
		}); err != nil {
			t.Fatal(err)
		}
		if got := scopesOf(m2m.UserPoolClient.ClientId); !slices.Equal(got, []string{"orders/read"}) {
			t.Errorf("after orders/write was dropped the machine client allows %v", got)
		}

		if _, err := c.DeleteResourceServer(t.Context(), &cip.DeleteResourceServerInput{UserPoolId: pool, Identifier: aws.String("orders")}); err != nil {
			t.Fatal(err)
		}
		if got := scopesOf(m2m.UserPoolClient.ClientId); len(got) != 0 {
			t.Errorf("after the deletion the machine client allows %v", got)
		}
		if got := scopesOf(web.UserPoolClient.ClientId); !slices.Equal(got, []string{"openid"}) {
			t.Errorf("after the deletion the web client allows %v, want [openid]", got)
		}
	})
}

// TestClientOAuthRecordWithout: client records written before the OAuth
// settings were validated have no
// "oauth" member (and may hold OAuth settings under "inert", which are not
// read): they stay readable and usable.
func TestClientOAuthRecordWithout(t *testing.T) {
	for _, tc := range testStores {
		t.Run(tc.Name, func(t *testing.T) {
			st := tc.Open(t)
			t.Cleanup(func() { st.Close() })
			srv := cognitotest.NewServer(t, cognitotest.WithStore(st))
			signUpConfirmed(t, srv, "ana", password)
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
				delete(rec, "oauth")
				rec["inert"] = map[string]any{
					"callbackURLs": []string{"https://app.example.com/cb"}, "allowedOAuthFlowsUserPoolClient": true,
					"enablePropagateAdditionalUserContextData": true,
				}
				if raw, err = json.Marshal(rec); err != nil {
					return err
				}
				return tx.Put("client", key, raw)
			})
			if err != nil {
				t.Fatal(err)
			}
			srv = restarted(t, srv, st)
			d := describeClient(t, srv)
			if len(d.CallbackURLs) != 0 || aws.ToBool(d.AllowedOAuthFlowsUserPoolClient) || !aws.ToBool(d.EnablePropagateAdditionalUserContextData) {
				t.Errorf("client = %+v, want no OAuth settings and the inert one kept", d)
			}
			signIn(t, srv, "ana", password)
		})
	}
}
