package emulator_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
)

// adminClient adds an app client allowing the administrator's password
// flow (and refresh) to srv's pool, with a secret when secret is set.
func adminClient(t *testing.T, srv *cognitotest.Server, secret bool) *cognitotest.Server {
	t.Helper()
	return addClient(t, srv, &cip.CreateUserPoolClientInput{
		ClientName: aws.String("back-end"), GenerateSecret: secret,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
		},
	})
}

// adminSignIn runs AdminInitiateAuth with ADMIN_USER_PASSWORD_AUTH.
func adminSignIn(t *testing.T, srv *cognitotest.Server, name, pw string) (*cip.AdminInitiateAuthOutput, error) {
	t.Helper()
	params := map[string]string{"USERNAME": name, "PASSWORD": pw}
	withSecretHash(srv, name, params)
	return sdk(srv).AdminInitiateAuth(t.Context(), &cip.AdminInitiateAuthInput{
		UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID),
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: params,
	})
}

func TestAdminInitiateAuth(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		signUpConfirmed(t, srv, "ana", password)
		for _, secret := range []bool{false, true} {
			back := adminClient(t, srv, secret)
			out, err := adminSignIn(t, back, "ana", password)
			if err != nil {
				t.Fatalf("AdminInitiateAuth (secret %v): %v", secret, err)
			}
			res := out.AuthenticationResult
			if res == nil || aws.ToString(res.AccessToken) == "" || aws.ToString(res.RefreshToken) == "" {
				t.Fatalf("no tokens: %+v", out)
			}
			if claims := unverifiedClaims(t, aws.ToString(res.AccessToken)); claims["client_id"] != back.ClientID {
				t.Errorf("client_id = %v, want %s", claims["client_id"], back.ClientID)
			}
			if _, err := sdk(back).GetUser(t.Context(), &cip.GetUserInput{AccessToken: res.AccessToken}); err != nil {
				t.Errorf("GetUser with the admin sign-in's token: %v", err)
			}
			// Refresh through the administrator's call too.
			params := map[string]string{"REFRESH_TOKEN": aws.ToString(res.RefreshToken)}
			withSecretHash(back, "ana", params)
			refreshed, err := sdk(back).AdminInitiateAuth(t.Context(), &cip.AdminInitiateAuthInput{
				UserPoolId: aws.String(back.UserPoolID), ClientId: aws.String(back.ClientID),
				AuthFlow: types.AuthFlowTypeRefreshTokenAuth, AuthParameters: params,
			})
			if err != nil || refreshed.AuthenticationResult == nil {
				t.Errorf("AdminInitiateAuth REFRESH_TOKEN_AUTH: %v", err)
			}
		}

		back := adminClient(t, srv, true)
		_, err := sdk(back).AdminInitiateAuth(t.Context(), &cip.AdminInitiateAuthInput{
			UserPoolId: aws.String(back.UserPoolID), ClientId: aws.String(back.ClientID),
			AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "ana", "PASSWORD": password},
		})
		expectErr[*types.NotAuthorizedException](t, err, "Client "+back.ClientID+" is configured with secret but SECRET_HASH was not received")
		_, err = adminSignIn(t, adminClient(t, srv, false), "ana", "Wr0ng-password")
		expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.")

		// The client must allow the flow, and the flows are each call's own.
		_, err = adminSignIn(t, srv, "ana", password) // srv's client allows USER_PASSWORD_AUTH only
		expectErr[*types.InvalidParameterException](t, err, "Auth flow not enabled for this client")
		_, err = sdk(srv).AdminInitiateAuth(t.Context(), &cip.AdminInitiateAuthInput{
			UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID),
			AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "ana", "PASSWORD": password},
		})
		expectErr[*types.InvalidParameterException](t, err, "Initiate Auth method not supported.")
		admin := adminClient(t, srv, false)
		_, err = sdk(admin).InitiateAuth(t.Context(), &cip.InitiateAuthInput{
			ClientId: aws.String(admin.ClientID), AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "ana", "PASSWORD": password},
		})
		expectErr[*types.InvalidParameterException](t, err, "Initiate Auth method not supported.")

		// The client must be of the pool the call names.
		other := withPool(t, srv, &cip.CreateUserPoolInput{PoolName: aws.String("other")}, nil)
		_, err = sdk(srv).AdminInitiateAuth(t.Context(), &cip.AdminInitiateAuthInput{
			UserPoolId: aws.String(other.UserPoolID), ClientId: aws.String(admin.ClientID),
			AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "ana", "PASSWORD": password},
		})
		expectErr[*types.ResourceNotFoundException](t, err, "")
	})
}

// The legacy ADMIN_NO_SRP_AUTH flow is the administrator's password flow,
// allowed by the legacy value of the same name.
func TestAdminNoSRPAuth(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	signUpConfirmed(t, srv, "ana", password)
	legacy := addClient(t, srv, &cip.CreateUserPoolClientInput{ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAdminNoSrpAuth}})
	out, err := sdk(legacy).AdminInitiateAuth(t.Context(), &cip.AdminInitiateAuthInput{
		UserPoolId: aws.String(legacy.UserPoolID), ClientId: aws.String(legacy.ClientID),
		AuthFlow: types.AuthFlowTypeAdminNoSrpAuth, AuthParameters: map[string]string{"USERNAME": "ana", "PASSWORD": password},
	})
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("ADMIN_NO_SRP_AUTH: %+v, %v", out, err)
	}
}

// A user created by an administrator signs in through the administrator's
// flow and answers NEW_PASSWORD_REQUIRED with AdminRespondToAuthChallenge;
// a session of one kind of call is no good to the other.
func TestAdminRespondToAuthChallenge(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		back := adminClient(t, srv, true)
		const temporary = "Temp0rary-pass"
		_, err := sdk(back).AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{
			UserPoolId: aws.String(back.UserPoolID), Username: aws.String("bo"), TemporaryPassword: aws.String(temporary),
			MessageAction: types.MessageActionTypeSuppress, UserAttributes: attrs("email", "bo@example.com"),
		})
		if err != nil {
			t.Fatal(err)
		}
		start := func() *cip.AdminInitiateAuthOutput {
			t.Helper()
			out, err := adminSignIn(t, back, "bo", temporary)
			if err != nil {
				t.Fatal(err)
			}
			if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired || aws.ToString(out.Session) == "" {
				t.Fatalf("challenge = %q, session %q; want NEW_PASSWORD_REQUIRED", out.ChallengeName, aws.ToString(out.Session))
			}
			return out
		}
		answers := map[string]string{"USERNAME": "bo", "NEW_PASSWORD": newPassword, "SECRET_HASH": aws.ToString(back.SecretHash("bo"))}

		// The public call cannot answer the administrator's challenge.
		_, err = sdk(back).RespondToAuthChallenge(t.Context(), &cip.RespondToAuthChallengeInput{
			ClientId: aws.String(back.ClientID), ChallengeName: types.ChallengeNameTypeNewPasswordRequired,
			Session: start().Session, ChallengeResponses: answers,
		})
		expectErr[*types.NotAuthorizedException](t, err, "Invalid session for the user.")

		session := start().Session
		out, err := sdk(back).AdminRespondToAuthChallenge(t.Context(), &cip.AdminRespondToAuthChallengeInput{
			UserPoolId: aws.String(back.UserPoolID), ClientId: aws.String(back.ClientID),
			ChallengeName: types.ChallengeNameTypeNewPasswordRequired, Session: session, ChallengeResponses: answers,
		})
		if err != nil || out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.AccessToken) == "" {
			t.Fatalf("AdminRespondToAuthChallenge: %+v, %v", out, err)
		}
		if got := adminGetUser(t, back, "bo").UserStatus; got != types.UserStatusTypeConfirmed {
			t.Errorf("status after the new password = %s, want CONFIRMED", got)
		}
		// Single use.
		_, err = sdk(back).AdminRespondToAuthChallenge(t.Context(), &cip.AdminRespondToAuthChallengeInput{
			UserPoolId: aws.String(back.UserPoolID), ClientId: aws.String(back.ClientID),
			ChallengeName: types.ChallengeNameTypeNewPasswordRequired, Session: session, ChallengeResponses: answers,
		})
		expectErr[*types.NotAuthorizedException](t, err, "Invalid session for the user.")
		if _, err := adminSignIn(t, back, "bo", newPassword); err != nil {
			t.Errorf("sign-in with the new password: %v", err)
		}
	})
}
