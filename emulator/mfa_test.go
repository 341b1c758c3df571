package emulator_test

import (
	"encoding/base32"
	"errors"
	"maps"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/internal/totp"
)

// MFA through the official SDK: the pool's configuration, software tokens,
// preferences and the MFA challenges of a sign-in.

// mfaPoolInput is a pool that can offer every MFA factor: an SMS
// configuration and email sent through Amazon SES.
func mfaPoolInput(tier types.UserPoolTierType) *cip.CreateUserPoolInput {
	return &cip.CreateUserPoolInput{
		PoolName:               aws.String("mfa"),
		UserPoolTier:           tier,
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		EmailConfiguration: &types.EmailConfigurationType{
			EmailSendingAccount: types.EmailSendingAccountTypeDeveloper,
			SourceArn:           aws.String("arn:aws:ses:eu-west-1:123456789012:identity/no-reply@example.com"),
		},
		SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sms")},
	}
}

// mfaServer returns a copy of srv on a new pool configured with cfg (its
// UserPoolId filled in) and a client allowing the password flows, the
// administrator's included; with a client secret when secret is set.
func mfaServer(t *testing.T, srv *cognitotest.Server, cfg *cip.SetUserPoolMfaConfigInput, secret bool) *cognitotest.Server {
	t.Helper()
	out := withPool(t, srv, mfaPoolInput(""), &cip.CreateUserPoolClientInput{
		ClientName: aws.String("mfa"), GenerateSecret: secret,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
		},
	})
	cfg.UserPoolId = aws.String(out.UserPoolID)
	if _, err := sdk(out).SetUserPoolMfaConfig(t.Context(), cfg); err != nil {
		t.Fatalf("SetUserPoolMfaConfig: %v", err)
	}
	return out
}

// totpConfig is an MFA configuration offering software tokens only.
func totpConfig(mode types.UserPoolMfaType) *cip.SetUserPoolMfaConfigInput {
	return &cip.SetUserPoolMfaConfigInput{
		MfaConfiguration:              mode,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
	}
}

// allFactorsConfig offers every factor.
func allFactorsConfig(mode types.UserPoolMfaType) *cip.SetUserPoolMfaConfigInput {
	cfg := totpConfig(mode)
	cfg.SmsMfaConfiguration = &types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String("Your code is {####}")}
	cfg.EmailMfaConfiguration = &types.EmailMfaConfigType{Message: aws.String("Your sign-in code is {####}"), Subject: aws.String("Sign-in code")}
	return cfg
}

// totpCode computes the code an authenticator app shows for secret (as
// SecretCode gives it) at t.
func totpCode(t testing.TB, secret string, at time.Time) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatalf("SecretCode is not base32: %v", err)
	}
	return totp.Now(key, at)
}

// respond answers a challenge of srv's client for name, with its
// SECRET_HASH when the client has a secret.
func respond(t testing.TB, srv *cognitotest.Server, name string, challenge types.ChallengeNameType, session *string, answers map[string]string) (*cip.RespondToAuthChallengeOutput, error) {
	t.Helper()
	responses := map[string]string{"USERNAME": name}
	maps.Copy(responses, answers)
	withSecretHash(srv, name, responses)
	return sdk(srv).RespondToAuthChallenge(t.Context(), &cip.RespondToAuthChallengeInput{
		ClientId: aws.String(srv.ClientID), ChallengeName: challenge, Session: session, ChallengeResponses: responses,
	})
}

// expectChallenge fails the test unless out asks challenge, and returns
// its session.
func expectChallenge(t testing.TB, out *cip.InitiateAuthOutput, err error, challenge types.ChallengeNameType) *string {
	t.Helper()
	if err != nil {
		t.Fatalf("InitiateAuth: %v", err)
	}
	if out.ChallengeName != challenge || aws.ToString(out.Session) == "" {
		t.Fatalf("challenge = %q (session %q), want %s", out.ChallengeName, aws.ToString(out.Session), challenge)
	}
	return out.Session
}

// expectTokens fails the test unless a challenge answer gave tokens.
func expectTokens(t testing.TB, out *cip.RespondToAuthChallengeOutput, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("RespondToAuthChallenge: %v", err)
	}
	if out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.AccessToken) == "" {
		t.Fatalf("no tokens: challenge %q", out.ChallengeName)
	}
}

// setUpTOTP gives the user of accessToken a verified software token,
// enabled and preferred, and returns its secret. The code is the one of
// clk's time step.
func setUpTOTP(t *testing.T, srv *cognitotest.Server, clk *clock, accessToken *string) string {
	t.Helper()
	c := sdk(srv)
	assoc, err := c.AssociateSoftwareToken(t.Context(), &cip.AssociateSoftwareTokenInput{AccessToken: accessToken})
	if err != nil {
		t.Fatalf("AssociateSoftwareToken: %v", err)
	}
	secret := aws.ToString(assoc.SecretCode)
	if len(secret) != 32 {
		t.Errorf("SecretCode has %d characters, want 32 (160 bits in base32)", len(secret))
	}
	verified, err := c.VerifySoftwareToken(t.Context(), &cip.VerifySoftwareTokenInput{
		AccessToken: accessToken, UserCode: aws.String(totpCode(t, secret, clk.Now())), FriendlyDeviceName: aws.String("phone"),
	})
	if err != nil || verified.Status != types.VerifySoftwareTokenResponseTypeSuccess {
		t.Fatalf("VerifySoftwareToken: %+v, %v", verified, err)
	}
	_, err = c.SetUserMFAPreference(t.Context(), &cip.SetUserMFAPreferenceInput{
		AccessToken: accessToken, SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true},
	})
	if err != nil {
		t.Fatalf("SetUserMFAPreference: %v", err)
	}
	return secret
}

// addPhone gives name a phone number, as an administrator.
func addPhone(t *testing.T, srv *cognitotest.Server, name, phone string) {
	t.Helper()
	_, err := sdk(srv).AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{
		UserPoolId: aws.String(srv.UserPoolID), Username: aws.String(name), UserAttributes: attrs("phone_number", phone),
	})
	if err != nil {
		t.Fatalf("AdminUpdateUserAttributes: %v", err)
	}
}

// SetUserPoolMfaConfig and GetUserPoolMfaConfig, with AWS's rules between
// the settings; CreateUserPool and UpdateUserPool share the configuration.
func TestMFAPoolConfig(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		out := mfaServer(t, srv, allFactorsConfig(types.UserPoolMfaTypeOptional), false)
		got, err := c.GetUserPoolMfaConfig(t.Context(), &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String(out.UserPoolID)})
		if err != nil {
			t.Fatal(err)
		}
		if got.MfaConfiguration != types.UserPoolMfaTypeOptional || got.SoftwareTokenMfaConfiguration == nil || !got.SoftwareTokenMfaConfiguration.Enabled {
			t.Errorf("MfaConfiguration %q, software token %+v", got.MfaConfiguration, got.SoftwareTokenMfaConfiguration)
		}
		if s := got.SmsMfaConfiguration; s == nil || aws.ToString(s.SmsAuthenticationMessage) != "Your code is {####}" || s.SmsConfiguration == nil {
			t.Errorf("SmsMfaConfiguration = %+v", s)
		}
		if e := got.EmailMfaConfiguration; e == nil || aws.ToString(e.Subject) != "Sign-in code" {
			t.Errorf("EmailMfaConfiguration = %+v", e)
		}
		// One source of truth: DescribeUserPool shows the same.
		pool, err := c.DescribeUserPool(t.Context(), &cip.DescribeUserPoolInput{UserPoolId: aws.String(out.UserPoolID)})
		if err != nil {
			t.Fatal(err)
		}
		if pool.UserPool.MfaConfiguration != types.UserPoolMfaTypeOptional || aws.ToString(pool.UserPool.SmsAuthenticationMessage) != "Your code is {####}" {
			t.Errorf("DescribeUserPool: MFA %q, SMS message %q", pool.UserPool.MfaConfiguration, aws.ToString(pool.UserPool.SmsAuthenticationMessage))
		}
		// UpdateUserPool sets the mode and keeps the factors it cannot set.
		in := mfaPoolInput("")
		_, err = c.UpdateUserPool(t.Context(), &cip.UpdateUserPoolInput{
			UserPoolId: aws.String(out.UserPoolID), MfaConfiguration: types.UserPoolMfaTypeOn,
			EmailConfiguration: in.EmailConfiguration, SmsConfiguration: in.SmsConfiguration,
		})
		if err != nil {
			t.Fatalf("UpdateUserPool MFA ON: %v", err)
		}
		got, _ = c.GetUserPoolMfaConfig(t.Context(), &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String(out.UserPoolID)})
		if got.MfaConfiguration != types.UserPoolMfaTypeOn || !got.SoftwareTokenMfaConfiguration.Enabled || got.EmailMfaConfiguration == nil {
			t.Errorf("after UpdateUserPool: %q, software token %+v, email %+v", got.MfaConfiguration, got.SoftwareTokenMfaConfiguration, got.EmailMfaConfiguration)
		}

		set := func(poolID string, cfg *cip.SetUserPoolMfaConfigInput) error {
			cfg.UserPoolId = aws.String(poolID)
			_, err := c.SetUserPoolMfaConfig(t.Context(), cfg)
			return err
		}
		// ON needs a factor.
		err = set(out.UserPoolID, &cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOn})
		expectErr[*types.InvalidParameterException](t, err, "")
		err = set(out.UserPoolID, &cip.SetUserPoolMfaConfigInput{MfaConfiguration: "SOMETIMES"})
		expectErr[*types.InvalidParameterException](t, err, "")
		// Email MFA needs the ESSENTIALS tier or higher, and Amazon SES.
		lite := withPool(t, srv, mfaPoolInput(types.UserPoolTierTypeLite), nil)
		err = set(lite.UserPoolID, allFactorsConfig(types.UserPoolMfaTypeOptional))
		expectCode(t, err, "FeatureUnavailableInTierException")
		cognitoMail := withPool(t, srv, &cip.CreateUserPoolInput{PoolName: aws.String("default-mail")}, nil)
		err = set(cognitoMail.UserPoolID, &cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOptional, EmailMfaConfiguration: &types.EmailMfaConfigType{}})
		expectErr[*types.InvalidParameterException](t, err, "")
		// SMS MFA needs an SMS configuration.
		err = set(cognitoMail.UserPoolID, &cip.SetUserPoolMfaConfigInput{MfaConfiguration: types.UserPoolMfaTypeOptional, SmsMfaConfiguration: &types.SmsMfaConfigType{}})
		expectErr[*types.InvalidParameterException](t, err, "")
		// CreateUserPool with MFA ON and nothing to send a code with.
		_, err = c.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("on"), MfaConfiguration: types.UserPoolMfaTypeOn})
		expectErr[*types.InvalidParameterException](t, err, "SMS configuration and Auto verification for phone_number are required when MFA is required/optional")
		_, err = c.GetUserPoolMfaConfig(t.Context(), &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String("eu-west-1_nope")})
		expectErr[*types.ResourceNotFoundException](t, err, "")
	})
}

// A software token set up with an access token, then sign-in with
// SOFTWARE_TOKEN_MFA: wrong codes, reused codes, replayed answers.
func TestMFASoftwareTokenSignIn(t *testing.T) {
	onEachStoreWithClock(t, func(t *testing.T, srv *cognitotest.Server, clk *clock) {
		srv = mfaServer(t, srv, totpConfig(types.UserPoolMfaTypeOptional), false)
		c := sdk(srv)
		signUpConfirmed(t, srv, "ana", password)
		tokens := signIn(t, srv, "ana", password) // OPTIONAL, nothing set up: no MFA

		// The setup's bad paths first.
		_, err := c.VerifySoftwareToken(t.Context(), &cip.VerifySoftwareTokenInput{AccessToken: tokens.AccessToken, UserCode: aws.String("123456")})
		expectErr[*types.InvalidParameterException](t, err, "") // nothing associated yet
		_, err = c.SetUserMFAPreference(t.Context(), &cip.SetUserMFAPreferenceInput{
			AccessToken: tokens.AccessToken, SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true},
		})
		expectErr[*types.InvalidParameterException](t, err, "User has not verified software token mfa")
		assoc, err := c.AssociateSoftwareToken(t.Context(), &cip.AssociateSoftwareTokenInput{AccessToken: tokens.AccessToken})
		if err != nil {
			t.Fatal(err)
		}
		wrong := wrongCode(totpCode(t, aws.ToString(assoc.SecretCode), clk.Now()))
		_, err = c.VerifySoftwareToken(t.Context(), &cip.VerifySoftwareTokenInput{AccessToken: tokens.AccessToken, UserCode: aws.String(wrong)})
		expectErr[*types.EnableSoftwareTokenMFAException](t, err, "Code mismatch and fail enable Software Token MFA")
		_, err = c.VerifySoftwareToken(t.Context(), &cip.VerifySoftwareTokenInput{AccessToken: tokens.AccessToken, UserCode: aws.String("12ab56")})
		expectErr[*types.InvalidParameterException](t, err, "")

		clk.Advance(30 * time.Second)
		secret := setUpTOTP(t, srv, clk, tokens.AccessToken)
		me, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: tokens.AccessToken})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(me.UserMFASettingList, []string{"SOFTWARE_TOKEN_MFA"}) || aws.ToString(me.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" {
			t.Errorf("GetUser: UserMFASettingList %v, PreferredMfaSetting %q", me.UserMFASettingList, aws.ToString(me.PreferredMfaSetting))
		}
		if admin := adminGetUser(t, srv, "ana"); !slices.Equal(admin.UserMFASettingList, []string{"SOFTWARE_TOKEN_MFA"}) || admin.MFAOptions != nil {
			t.Errorf("AdminGetUser: UserMFASettingList %v, MFAOptions %v", admin.UserMFASettingList, admin.MFAOptions)
		}

		// The code of the step the token was verified at is used up.
		out, err := trySignIn(t, srv, "ana", password)
		session := expectChallenge(t, out, err, types.ChallengeNameTypeSoftwareTokenMfa)
		if out.ChallengeParameters["USER_ID_FOR_SRP"] != "ana" || out.ChallengeParameters["FRIENDLY_DEVICE_NAME"] != "phone" {
			t.Errorf("ChallengeParameters = %v", out.ChallengeParameters)
		}
		_, err = respond(t, srv, "ana", types.ChallengeNameTypeSoftwareTokenMfa, session, map[string]string{"SOFTWARE_TOKEN_MFA_CODE": totpCode(t, secret, clk.Now())})
		expectErr[*types.ExpiredCodeException](t, err, "Your software token has already been used once.")
		// A wrong code is refused; the session stays good for another try.
		_, err = respond(t, srv, "ana", types.ChallengeNameTypeSoftwareTokenMfa, session, map[string]string{"SOFTWARE_TOKEN_MFA_CODE": "12345"})
		expectErr[*types.CodeMismatchException](t, err, "Invalid code received for user")
		clk.Advance(30 * time.Second)
		answer := map[string]string{"SOFTWARE_TOKEN_MFA_CODE": totpCode(t, secret, clk.Now())}
		res, err := respond(t, srv, "ana", types.ChallengeNameTypeSoftwareTokenMfa, session, answer)
		expectTokens(t, res, err)
		// The answer is single use, and so is the code.
		_, err = respond(t, srv, "ana", types.ChallengeNameTypeSoftwareTokenMfa, session, answer)
		expectErr[*types.NotAuthorizedException](t, err, "Invalid session for the user.")
		out, err = trySignIn(t, srv, "ana", password)
		session = expectChallenge(t, out, err, types.ChallengeNameTypeSoftwareTokenMfa)
		_, err = respond(t, srv, "ana", types.ChallengeNameTypeSoftwareTokenMfa, session, answer)
		expectErr[*types.ExpiredCodeException](t, err, "")
		// The code of the next step works (a window of one step either side).
		res, err = respond(t, srv, "ana", types.ChallengeNameTypeSoftwareTokenMfa, session, map[string]string{"SOFTWARE_TOKEN_MFA_CODE": totpCode(t, secret, clk.Now().Add(30*time.Second))})
		expectTokens(t, res, err)

		// Turning the factor off ends MFA for this OPTIONAL pool.
		_, err = c.SetUserMFAPreference(t.Context(), &cip.SetUserMFAPreferenceInput{
			AccessToken: res.AuthenticationResult.AccessToken, SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: false},
		})
		if err != nil {
			t.Fatal(err)
		}
		signIn(t, srv, "ana", password)
	})
}

// Five wrong codes kill a session; an expired one is refused.
func TestMFAWrongCodesAndExpiry(t *testing.T) {
	onEachStoreWithClock(t, func(t *testing.T, srv *cognitotest.Server, clk *clock) {
		srv = mfaServer(t, srv, totpConfig(types.UserPoolMfaTypeOptional), false)
		signUpConfirmed(t, srv, "ana", password)
		secret := setUpTOTP(t, srv, clk, signIn(t, srv, "ana", password).AccessToken)
		clk.Advance(30 * time.Second)

		out, err := trySignIn(t, srv, "ana", password)
		session := expectChallenge(t, out, err, types.ChallengeNameTypeSoftwareTokenMfa)
		for range 5 {
			_, err = respond(t, srv, "ana", types.ChallengeNameTypeSoftwareTokenMfa, session, map[string]string{"SOFTWARE_TOKEN_MFA_CODE": "99999x"})
			expectErr[*types.CodeMismatchException](t, err, "")
		}
		_, err = respond(t, srv, "ana", types.ChallengeNameTypeSoftwareTokenMfa, session, map[string]string{"SOFTWARE_TOKEN_MFA_CODE": totpCode(t, secret, clk.Now())})
		expectErr[*types.NotAuthorizedException](t, err, "Invalid session for the user.")

		out, err = trySignIn(t, srv, "ana", password)
		session = expectChallenge(t, out, err, types.ChallengeNameTypeSoftwareTokenMfa)
		clk.Advance(3*time.Minute + time.Second) // past the client's AuthSessionValidity (3 minutes)
		_, err = respond(t, srv, "ana", types.ChallengeNameTypeSoftwareTokenMfa, session, map[string]string{"SOFTWARE_TOKEN_MFA_CODE": totpCode(t, secret, clk.Now())})
		expectErr[*types.NotAuthorizedException](t, err, "Invalid session for the user, session is expired.")
	})
}

// SMS_MFA and EMAIL_OTP send a code to the outbox; SELECT_MFA_TYPE lets
// a user with several factors and no preference choose.
func TestMFACodesAndSelect(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		srv = mfaServer(t, srv, allFactorsConfig(types.UserPoolMfaTypeOptional), false)
		c := sdk(srv)
		signUpConfirmed(t, srv, "ana", password)
		_, err := c.SetUserMFAPreference(t.Context(), &cip.SetUserMFAPreferenceInput{
			AccessToken: signIn(t, srv, "ana", password).AccessToken, SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true},
		})
		expectErr[*types.InvalidParameterException](t, err, "User does not have delivery config set to turn on SMS_MFA")
		addPhone(t, srv, "ana", "+34600111222")
		setPref := func(in *cip.AdminSetUserMFAPreferenceInput) {
			t.Helper()
			in.UserPoolId, in.Username = aws.String(srv.UserPoolID), aws.String("ana")
			if _, err := c.AdminSetUserMFAPreference(t.Context(), in); err != nil {
				t.Fatalf("AdminSetUserMFAPreference: %v", err)
			}
		}

		// SMS, preferred.
		setPref(&cip.AdminSetUserMFAPreferenceInput{SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}})
		if got := adminGetUser(t, srv, "ana"); len(got.MFAOptions) != 1 || got.MFAOptions[0].DeliveryMedium != types.DeliveryMediumTypeSms || aws.ToString(got.PreferredMfaSetting) != "SMS_MFA" {
			t.Errorf("AdminGetUser: MFAOptions %+v, PreferredMfaSetting %q", got.MFAOptions, aws.ToString(got.PreferredMfaSetting))
		}
		out, err := trySignIn(t, srv, "ana", password)
		session := expectChallenge(t, out, err, types.ChallengeNameTypeSmsMfa)
		if p := out.ChallengeParameters; p["CODE_DELIVERY_DELIVERY_MEDIUM"] != "SMS" || p["CODE_DELIVERY_DESTINATION"] != "+*******1222" || p["USER_ID_FOR_SRP"] != "ana" {
			t.Errorf("SMS_MFA ChallengeParameters = %v", p)
		}
		code := srv.LastCode("ana")
		msgs := srv.Messages("ana")
		if m := msgs[len(msgs)-1]; m.Purpose != "MFA" || m.Medium != "SMS" || m.Destination != "+34600111222" {
			t.Errorf("outbox message = %+v", m)
		}
		_, err = respond(t, srv, "ana", types.ChallengeNameTypeSmsMfa, session, map[string]string{"SMS_MFA_CODE": "x" + code[1:]})
		expectErr[*types.CodeMismatchException](t, err, "")
		res, err := respond(t, srv, "ana", types.ChallengeNameTypeSmsMfa, session, map[string]string{"SMS_MFA_CODE": code})
		expectTokens(t, res, err)

		// Email, preferred.
		setPref(&cip.AdminSetUserMFAPreferenceInput{EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true, PreferredMfa: true}})
		out, err = trySignIn(t, srv, "ana", password)
		session = expectChallenge(t, out, err, types.ChallengeNameTypeEmailOtp)
		if p := out.ChallengeParameters; p["CODE_DELIVERY_DELIVERY_MEDIUM"] != "EMAIL" || p["CODE_DELIVERY_DESTINATION"] != "a***@e***.com" {
			t.Errorf("EMAIL_OTP ChallengeParameters = %v", p)
		}
		res, err = respond(t, srv, "ana", types.ChallengeNameTypeEmailOtp, session, map[string]string{"EMAIL_OTP_CODE": srv.LastCode("ana")})
		expectTokens(t, res, err)

		// Both enabled, none preferred: the user chooses.
		setPref(&cip.AdminSetUserMFAPreferenceInput{
			SMSMfaSettings:   &types.SMSMfaSettingsType{Enabled: true},
			EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true, PreferredMfa: false},
		})
		if got := adminGetUser(t, srv, "ana"); !slices.Equal(got.UserMFASettingList, []string{"SMS_MFA", "EMAIL_OTP"}) || got.PreferredMfaSetting != nil {
			t.Errorf("UserMFASettingList %v, PreferredMfaSetting %v", got.UserMFASettingList, got.PreferredMfaSetting)
		}
		out, err = trySignIn(t, srv, "ana", password)
		session = expectChallenge(t, out, err, types.ChallengeNameTypeSelectMfaType)
		if got := out.ChallengeParameters["MFAS_CAN_CHOOSE"]; got != `["SMS_MFA","EMAIL_OTP"]` {
			t.Errorf("MFAS_CAN_CHOOSE = %s", got)
		}
		_, err = respond(t, srv, "ana", types.ChallengeNameTypeSelectMfaType, session, map[string]string{"ANSWER": "SOFTWARE_TOKEN_MFA"})
		expectErr[*types.InvalidParameterException](t, err, "") // not offered; the session stays good
		chosen, err := respond(t, srv, "ana", types.ChallengeNameTypeSelectMfaType, session, map[string]string{"ANSWER": "SMS_MFA"})
		if err != nil || chosen.ChallengeName != types.ChallengeNameTypeSmsMfa || chosen.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"] != "SMS" {
			t.Fatalf("SELECT_MFA_TYPE SMS_MFA: %+v, %v", chosen, err)
		}
		res, err = respond(t, srv, "ana", types.ChallengeNameTypeSmsMfa, chosen.Session, map[string]string{"SMS_MFA_CODE": srv.LastCode("ana")})
		expectTokens(t, res, err)

		// Preferences that cannot be.
		err = func() error {
			_, err := c.AdminSetUserMFAPreference(t.Context(), &cip.AdminSetUserMFAPreferenceInput{
				UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana"),
				SMSMfaSettings:   &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true},
				EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true, PreferredMfa: true},
			})
			return err
		}()
		expectErr[*types.InvalidParameterException](t, err, "")
	})
}

// With MFA ON a user who has no factor sets up a software token during
// sign-in: AssociateSoftwareToken and VerifySoftwareToken with the
// Session, then MFA_SETUP with the Session VerifySoftwareToken returned.
func TestMFASetupWhenRequired(t *testing.T) {
	onEachStoreWithClock(t, func(t *testing.T, srv *cognitotest.Server, clk *clock) {
		srv = mfaServer(t, srv, totpConfig(types.UserPoolMfaTypeOn), true)
		c := sdk(srv)
		signUpConfirmed(t, srv, "ana", password)
		out, err := trySignIn(t, srv, "ana", password)
		session := expectChallenge(t, out, err, types.ChallengeNameTypeMfaSetup)
		if got := out.ChallengeParameters["MFAS_CAN_SETUP"]; got != `["SOFTWARE_TOKEN_MFA"]` {
			t.Errorf("MFAS_CAN_SETUP = %s", got)
		}
		// MFA_SETUP cannot be answered before the token is verified.
		_, err = respond(t, srv, "ana", types.ChallengeNameTypeMfaSetup, session, nil)
		expectErr[*types.InvalidParameterException](t, err, "")

		assoc, err := c.AssociateSoftwareToken(t.Context(), &cip.AssociateSoftwareTokenInput{Session: session})
		if err != nil || aws.ToString(assoc.Session) == "" {
			t.Fatalf("AssociateSoftwareToken with the Session: %+v, %v", assoc, err)
		}
		_, err = c.AssociateSoftwareToken(t.Context(), &cip.AssociateSoftwareTokenInput{Session: session})
		expectErr[*types.NotAuthorizedException](t, err, "Invalid session for the user.") // single use
		secret := aws.ToString(assoc.SecretCode)
		_, err = c.VerifySoftwareToken(t.Context(), &cip.VerifySoftwareTokenInput{Session: assoc.Session, UserCode: aws.String(wrongCode(totpCode(t, secret, clk.Now())))})
		expectErr[*types.EnableSoftwareTokenMFAException](t, err, "")
		verified, err := c.VerifySoftwareToken(t.Context(), &cip.VerifySoftwareTokenInput{
			Session: assoc.Session, UserCode: aws.String(totpCode(t, secret, clk.Now())), FriendlyDeviceName: aws.String("phone"),
		})
		if err != nil || verified.Status != types.VerifySoftwareTokenResponseTypeSuccess || aws.ToString(verified.Session) == "" {
			t.Fatalf("VerifySoftwareToken with the Session: %+v, %v", verified, err)
		}
		res, err := respond(t, srv, "ana", types.ChallengeNameTypeMfaSetup, verified.Session, nil)
		expectTokens(t, res, err)
		me, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: res.AuthenticationResult.AccessToken})
		if err != nil || !slices.Equal(me.UserMFASettingList, []string{"SOFTWARE_TOKEN_MFA"}) {
			t.Errorf("GetUser after MFA_SETUP: %v, %v", me.UserMFASettingList, err)
		}

		// From now on the sign-in asks for the token.
		clk.Advance(30 * time.Second)
		out, err = trySignIn(t, srv, "ana", password)
		session = expectChallenge(t, out, err, types.ChallengeNameTypeSoftwareTokenMfa)
		res, err = respond(t, srv, "ana", types.ChallengeNameTypeSoftwareTokenMfa, session, map[string]string{"SOFTWARE_TOKEN_MFA_CODE": totpCode(t, secret, clk.Now())})
		expectTokens(t, res, err)

		// MFA is required: the token cannot be turned off.
		_, err = c.SetUserMFAPreference(t.Context(), &cip.SetUserMFAPreferenceInput{
			AccessToken: res.AuthenticationResult.AccessToken, SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: false},
		})
		expectErr[*types.InvalidParameterException](t, err, "")
		// A pool that stops offering software tokens: a verified one stays
		// in use, as AWS documents.
		_, err = c.SetUserPoolMfaConfig(t.Context(), &cip.SetUserPoolMfaConfigInput{
			UserPoolId: aws.String(srv.UserPoolID), MfaConfiguration: types.UserPoolMfaTypeOptional, SmsMfaConfiguration: &types.SmsMfaConfigType{},
		})
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(30 * time.Second)
		out, err = trySignIn(t, srv, "ana", password)
		session = expectChallenge(t, out, err, types.ChallengeNameTypeSoftwareTokenMfa)
		res, err = respond(t, srv, "ana", types.ChallengeNameTypeSoftwareTokenMfa, session, map[string]string{"SOFTWARE_TOKEN_MFA_CODE": totpCode(t, secret, clk.Now())})
		expectTokens(t, res, err)

		// Access token and Session together are refused; so is a token
		// when the pool does not offer software tokens.
		_, err = c.AssociateSoftwareToken(t.Context(), &cip.AssociateSoftwareTokenInput{AccessToken: res.AuthenticationResult.AccessToken, Session: session})
		expectErr[*types.InvalidParameterException](t, err, "")
		_, err = c.AssociateSoftwareToken(t.Context(), &cip.AssociateSoftwareTokenInput{Session: aws.String(srv.UserPoolID + ".no-such-session-token")})
		expectErr[*types.NotAuthorizedException](t, err, "")
		plain := withPool(t, srv, mfaPoolInput(""), nil) // software tokens not offered
		signUpConfirmed(t, plain, "bo", password)
		_, err = c.AssociateSoftwareToken(t.Context(), &cip.AssociateSoftwareTokenInput{AccessToken: signIn(t, plain, "bo", password).AccessToken})
		expectErr[*types.SoftwareTokenMFANotFoundException](t, err, "Software Token MFA has not been enabled by the userPool")
	})
}

// An administrator's sign-in goes through the same MFA stage; its
// challenges are answered by AdminRespondToAuthChallenge only.
func TestMFAAdminSignIn(t *testing.T) {
	onEachStoreWithClock(t, func(t *testing.T, srv *cognitotest.Server, clk *clock) {
		srv = mfaServer(t, srv, totpConfig(types.UserPoolMfaTypeOptional), true)
		signUpConfirmed(t, srv, "ana", password)
		secret := setUpTOTP(t, srv, clk, signIn(t, srv, "ana", password).AccessToken)
		clk.Advance(30 * time.Second)

		out, err := adminSignIn(t, srv, "ana", password)
		if err != nil || out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
			t.Fatalf("AdminInitiateAuth: %+v, %v", out, err)
		}
		answer := map[string]string{"SOFTWARE_TOKEN_MFA_CODE": totpCode(t, secret, clk.Now())}
		_, err = respond(t, srv, "ana", types.ChallengeNameTypeSoftwareTokenMfa, out.Session, answer)
		expectErr[*types.NotAuthorizedException](t, err, "Invalid session for the user.")
		responses := map[string]string{"USERNAME": "ana", "SECRET_HASH": aws.ToString(srv.SecretHash("ana"))}
		maps.Copy(responses, answer)
		res, err := sdk(srv).AdminRespondToAuthChallenge(t.Context(), &cip.AdminRespondToAuthChallengeInput{
			UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID),
			ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa, Session: out.Session, ChallengeResponses: responses,
		})
		if err != nil || res.AuthenticationResult == nil {
			t.Fatalf("AdminRespondToAuthChallenge: %+v, %v", res, err)
		}
	})
}

// Of N concurrent answers with the same right code to one session exactly
// one gets tokens.
func TestMFAConcurrentAnswers(t *testing.T) {
	onEachStoreWithClock(t, func(t *testing.T, srv *cognitotest.Server, clk *clock) {
		srv = mfaServer(t, srv, totpConfig(types.UserPoolMfaTypeOptional), false)
		signUpConfirmed(t, srv, "ana", password)
		secret := setUpTOTP(t, srv, clk, signIn(t, srv, "ana", password).AccessToken)
		clk.Advance(30 * time.Second)
		out, err := trySignIn(t, srv, "ana", password)
		session := expectChallenge(t, out, err, types.ChallengeNameTypeSoftwareTokenMfa)
		answer := map[string]string{"SOFTWARE_TOKEN_MFA_CODE": totpCode(t, secret, clk.Now())}

		const n = 20
		errs := parallel(n, func(int) error {
			res, err := respond(t, srv, "ana", types.ChallengeNameTypeSoftwareTokenMfa, session, answer)
			if err == nil && res.AuthenticationResult == nil {
				return errors.New("no tokens")
			}
			return err
		})
		won := 0
		for _, err := range errs {
			var notAuth *types.NotAuthorizedException
			switch {
			case err == nil:
				won++
			case errors.As(err, &notAuth):
			default:
				t.Errorf("answer: %v, want tokens or an invalid session", err)
			}
		}
		if won != 1 {
			t.Errorf("%d of %d concurrent answers got tokens, want exactly 1", won, n)
		}
	})
}

// With MFA ON a user who enabled no factor but has a phone number is asked
// SMS_MFA; with OPTIONAL the same user signs in without MFA. No secret or
// code reaches the log.
func TestMFARequiredUsesWhatTheUserHas(t *testing.T) {
	t.Parallel()
	base, log := serverWithLog(t)
	on := mfaServer(t, base, &cip.SetUserPoolMfaConfigInput{
		MfaConfiguration: types.UserPoolMfaTypeOn, SmsMfaConfiguration: &types.SmsMfaConfigType{},
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
	}, false)
	signUpConfirmed(t, on, "ana", password)
	addPhone(t, on, "ana", "+34600111222")
	out, err := trySignIn(t, on, "ana", password)
	session := expectChallenge(t, out, err, types.ChallengeNameTypeSmsMfa)
	code := on.LastCode("ana")
	res, err := respond(t, on, "ana", types.ChallengeNameTypeSmsMfa, session, map[string]string{"SMS_MFA_CODE": code})
	expectTokens(t, res, err)
	assoc, err := sdk(on).AssociateSoftwareToken(t.Context(), &cip.AssociateSoftwareTokenInput{AccessToken: res.AuthenticationResult.AccessToken})
	if err != nil {
		t.Fatal(err)
	}

	optional := mfaServer(t, base, &cip.SetUserPoolMfaConfigInput{
		MfaConfiguration: types.UserPoolMfaTypeOptional, SmsMfaConfiguration: &types.SmsMfaConfigType{},
	}, false)
	signUpConfirmed(t, optional, "bo", password)
	addPhone(t, optional, "bo", "+34600333444")
	signIn(t, optional, "bo", password)

	logged := log.String()
	for _, secret := range []string{code, aws.ToString(assoc.SecretCode), password} {
		if regexp.MustCompile(`\b` + regexp.QuoteMeta(secret) + `\b`).MatchString(logged) {
			t.Errorf("the log holds a secret:\n%s", logged)
		}
	}
}

// A remembered device spares MFA only where the pool's
// ChallengeRequiredOnNewDevice says so (AWS: "a remembered device can sign
// in with device authentication instead of" MFA); a sign-in without the
// device is still asked.
func TestMFARememberedDevice(t *testing.T) {
	onEachStoreWithClock(t, func(t *testing.T, srv *cognitotest.Server, clk *clock) {
		for _, spares := range []bool{true, false} {
			in := mfaPoolInput("")
			in.DeviceConfiguration = &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: spares}
			dev := withPool(t, srv, in, &cip.CreateUserPoolClientInput{
				ClientName: aws.String("devices"),
				ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
					types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
				},
			})
			cfg := totpConfig(types.UserPoolMfaTypeOptional)
			cfg.UserPoolId = aws.String(dev.UserPoolID)
			if _, err := sdk(dev).SetUserPoolMfaConfig(t.Context(), cfg); err != nil {
				t.Fatal(err)
			}
			signUpConfirmed(t, dev, "ana", password)
			device, res := rememberDevice(t, dev, "ana", "laptop")
			secret := setUpTOTP(t, dev, clk, res.AccessToken)
			clk.Advance(30 * time.Second)

			init, err := startDeviceSignIn(t, dev, "ana", device.key)
			session := expectChallenge(t, init, err, types.ChallengeNameTypeDeviceSrpAuth)
			responses, session := deviceProof(t, dev, session, "ana", device)
			out, err := deviceRespond(t, dev, types.ChallengeNameTypeDevicePasswordVerifier, session, responses)
			if err != nil {
				t.Fatalf("DEVICE_PASSWORD_VERIFIER: %v", err)
			}
			if spares && out.AuthenticationResult == nil {
				t.Errorf("ChallengeRequiredOnNewDevice: the remembered device did not spare MFA (challenge %q)", out.ChallengeName)
			}
			if !spares {
				if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
					t.Fatalf("without ChallengeRequiredOnNewDevice: challenge %q, want SOFTWARE_TOKEN_MFA", out.ChallengeName)
				}
				res, err := respond(t, dev, "ana", types.ChallengeNameTypeSoftwareTokenMfa, out.Session, map[string]string{"SOFTWARE_TOKEN_MFA_CODE": totpCode(t, secret, clk.Now())})
				expectTokens(t, res, err)
			}
			// Without the device, MFA is asked.
			signedIn, err := trySignIn(t, dev, "ana", password)
			expectChallenge(t, signedIn, err, types.ChallengeNameTypeSoftwareTokenMfa)
		}
	})
}

// TestJavaScriptMFA sets up a software token during sign-in and signs in
// with it through amazon-cognito-identity-js (testdata/jssdk/mfa.mjs), in
// a pool that requires MFA: the library's MFA_SETUP and
// SOFTWARE_TOKEN_MFA calls must work as on AWS.
func TestJavaScriptMFA(t *testing.T) {
	srv := mfaServer(t, cognitotest.NewServer(t), totpConfig(types.UserPoolMfaTypeOn), false)
	signUpConfirmed(t, srv, "ana", password)
	if got, err := nodeScript(t, srv, "mfa.mjs", "ana", password); err != nil || got != "ok" {
		t.Fatalf("node mfa.mjs: %v, printed %q", err, got)
	}
}
