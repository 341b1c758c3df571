package emulator_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
)

// The Amplify checks run AWS Amplify JS v6 Auth (aws-amplify from npm,
// unmodified) against the local Cognito, one flow of
// testdata/jssdk/amplify.mjs each: Amplify is what most web and mobile
// front ends sign in with, and it calls Cognito its own way (USER_SRP_AUTH
// by default, ConfirmDevice by itself, refresh only through
// GetTokensFromRefreshToken).

// amplify runs `node amplify.mjs <flow> [args]` for name against srv and
// fails the test unless it printed "ok".
func amplify(t *testing.T, srv *cognitotest.Server, name string, flow ...string) {
	t.Helper()
	if got, err := nodeScript(t, srv, "amplify.mjs", name, password, flow...); err != nil || got != "ok" {
		t.Fatalf("node amplify.mjs %s: %v, printed %q", strings.Join(flow, " "), err, got)
	}
}

// TestAmplifyTOTP: in a pool that requires MFA by software token, the
// first signIn answers CONTINUE_SIGN_IN_WITH_TOTP_SETUP and confirmSignIn
// with a code of the shared secret finishes it (AssociateSoftwareToken,
// VerifySoftwareToken and MFA_SETUP with the sign-in's Session); the next
// signIn answers CONFIRM_SIGN_IN_WITH_TOTP_CODE (SOFTWARE_TOKEN_MFA).
func TestAmplifyTOTP(t *testing.T) {
	srv := mfaServer(t, cognitotest.NewServer(t), totpConfig(types.UserPoolMfaTypeOn), false)
	signUpConfirmed(t, srv, "ana", password)
	amplify(t, srv, "ana", "totp")
	if out := adminGetUser(t, srv, "ana"); !slices.Contains(out.UserMFASettingList, "SOFTWARE_TOKEN_MFA") {
		t.Errorf("UserMFASettingList = %v after the set-up, want SOFTWARE_TOKEN_MFA in it", out.UserMFASettingList)
	}
}

// TestAmplifyRefresh: fetchAuthSession({forceRefresh: true}) refreshes
// through GetTokensFromRefreshToken, twice; on a client that rotates
// refresh tokens (with no grace period, so the retired one stops working)
// Amplify must keep the new refresh token for the second refresh.
func TestAmplifyRefresh(t *testing.T) {
	t.Run("no rotation", func(t *testing.T) {
		srv := cognitotest.NewServer(t)
		signUpConfirmed(t, srv, "ana", password)
		amplify(t, srv, "ana", "refresh")
	})
	t.Run("rotation", func(t *testing.T) {
		srv := cognitotest.NewServer(t)
		signUpConfirmed(t, srv, "ana", password)
		rot := addClient(t, srv, &cip.CreateUserPoolClientInput{
			ClientName:           aws.String("rotating"),
			ExplicitAuthFlows:    []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth},
			RefreshTokenRotation: &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(0)},
		})
		amplify(t, rot, "ana", "refresh", "rotate")
	})
}

// TestAmplifyDevice: in a pool that remembers devices when the user says
// so, Amplify confirms the device of the first sign-in itself;
// rememberDevice remembers it, the next sign-in authenticates it
// (DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER), fetchDevices lists it and
// forgetDevice forgets it.
func TestAmplifyDevice(t *testing.T) {
	srv := devicePool(t, cognitotest.NewServer(t), &types.DeviceConfigurationType{
		ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true,
	}, false)
	signUpConfirmed(t, srv, "ana", password)
	amplify(t, srv, "ana", "device")
	out, err := sdk(srv).AdminListDevices(t.Context(), &cip.AdminListDevicesInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana")})
	if err != nil {
		t.Fatalf("AdminListDevices: %v", err)
	}
	if len(out.Devices) != 0 {
		t.Errorf("after forgetDevice the user has %d devices, want none", len(out.Devices))
	}
}

// TestAmplifyEmailOTP: passwordless sign-in, signIn with authFlowType
// USER_AUTH and preferredChallenge EMAIL_OTP, answered with the code the
// local outbox holds, in a pool whose sign-in policy allows EMAIL_OTP as a
// first factor and a client allowing ALLOW_USER_AUTH.
func TestAmplifyEmailOTP(t *testing.T) {
	in := mfaPoolInput("")
	in.PoolName = aws.String("passwordless")
	in.Schema = []types.SchemaAttributeType{{Name: aws.String("email"), Required: aws.Bool(true), Mutable: aws.Bool(true)}}
	in.Policies = &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
		AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp},
	}}
	srv := withPool(t, cognitotest.NewServer(t), in, &cip.CreateUserPoolClientInput{
		ClientName: aws.String("passwordless"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
		},
	})
	signUpConfirmed(t, srv, "ana", password)
	amplify(t, srv, "ana", "email-otp")
}
