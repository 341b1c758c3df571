package emulator_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/internal/srp"
)

// Choice-based sign-in (USER_AUTH) and its passwordless first factors,
// through the official SDK.

// uaPoolInput is a pool that allows every one-time-password first factor:
// email through Amazon SES, an SMS configuration, email verified at
// sign-up.
func uaPoolInput() *cip.CreateUserPoolInput {
	in := mfaPoolInput("")
	in.PoolName = aws.String("passwordless")
	in.Policies = &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
		AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp, types.AuthFactorTypeSmsOtp},
	}}
	return in
}

// uaClientInput is an app client allowing USER_AUTH (and refresh), with a
// secret when secret is set.
func uaClientInput(secret bool) *cip.CreateUserPoolClientInput {
	return &cip.CreateUserPoolClientInput{
		ClientName: aws.String("choice"), GenerateSecret: secret,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	}
}

// uaServer returns a copy of srv on a new pool from poolIn (uaPoolInput
// when nil) with a USER_AUTH client.
func uaServer(t *testing.T, srv *cognitotest.Server, poolIn *cip.CreateUserPoolInput, secret bool) *cognitotest.Server {
	t.Helper()
	if poolIn == nil {
		poolIn = uaPoolInput()
	}
	return withPool(t, srv, poolIn, uaClientInput(secret))
}

// uaParams are AuthParameters naming name (with its SECRET_HASH) plus
// extra.
func uaParams(srv *cognitotest.Server, name string, extra map[string]string) map[string]string {
	params := map[string]string{"USERNAME": name}
	withSecretHash(srv, name, params)
	maps.Copy(params, extra)
	return params
}

// userAuth starts a USER_AUTH sign-in of name with extra AuthParameters
// (PREFERRED_CHALLENGE and what goes with it).
func userAuth(t testing.TB, srv *cognitotest.Server, name string, extra map[string]string) (*cip.InitiateAuthOutput, error) {
	t.Helper()
	return sdk(srv).InitiateAuth(t.Context(), &cip.InitiateAuthInput{
		ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeUserAuth, AuthParameters: uaParams(srv, name, extra),
	})
}

// uaUser signs name up with a password and confirms it (its email is then
// verified); with a phone number, that is set and verified too.
func uaUser(t *testing.T, srv *cognitotest.Server, name, phone string) {
	t.Helper()
	signUpConfirmed(t, srv, name, password)
	if phone == "" {
		return
	}
	_, err := sdk(srv).AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{
		UserPoolId: aws.String(srv.UserPoolID), Username: aws.String(name),
		UserAttributes: attrs("phone_number", phone, "phone_number_verified", "true"),
	})
	if err != nil {
		t.Fatalf("AdminUpdateUserAttributes: %v", err)
	}
}

// srpStart draws an SRP client secret a and its public A (hex).
func srpStart() (a []byte, srpA string) {
	a = make([]byte, 32)
	rand.Read(a)
	return a, hex.EncodeToString(srp.ClientPublic(a))
}

// srpVerifierAnswer answers the PASSWORD_VERIFIER challenge whose
// parameters are cp, for a client of secret a that knows pw.
func srpVerifierAnswer(t *testing.T, srv *cognitotest.Server, cp map[string]string, a []byte, pw string) map[string]string {
	t.Helper()
	salt, _ := hex.DecodeString(cp["SALT"])
	B, _ := hex.DecodeString(cp["SRP_B"])
	userID := cp["USER_ID_FOR_SRP"]
	key, err := srp.ClientKey(srp.PoolName(srv.UserPoolID), userID, pw, salt, a, srp.ClientPublic(a), B)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := base64.StdEncoding.DecodeString(cp["SECRET_BLOCK"])
	timestamp := time.Now().UTC().Format(srp.TimestampLayout)
	return map[string]string{
		"PASSWORD_CLAIM_SECRET_BLOCK": cp["SECRET_BLOCK"],
		"TIMESTAMP":                   timestamp,
		"PASSWORD_CLAIM_SIGNATURE":    base64.StdEncoding.EncodeToString(srp.Signature(key, srp.PoolName(srv.UserPoolID), userID, block, timestamp)),
	}
}

// expectVerifier fails the test unless out asks PASSWORD_VERIFIER (whose
// session is its SECRET_BLOCK).
func expectVerifier(t testing.TB, out *cip.InitiateAuthOutput, err error) {
	t.Helper()
	if err != nil || out.ChallengeName != types.ChallengeNameTypePasswordVerifier || out.ChallengeParameters["SECRET_BLOCK"] == "" {
		t.Fatalf("InitiateAuth: %+v, %v; want PASSWORD_VERIFIER", out, err)
	}
}

// TestUserAuthPreferredPassword: PREFERRED_CHALLENGE PASSWORD with the
// password signs in at once, with SECRET_HASH; a wrong or missing password
// is refused.
func TestUserAuthPreferredPassword(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		srv = uaServer(t, srv, nil, true)
		uaUser(t, srv, "ana", "")
		out, err := userAuth(t, srv, "ana", map[string]string{"PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": password})
		if err != nil || out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.AccessToken) == "" {
			t.Fatalf("USER_AUTH PASSWORD: %+v, %v", out, err)
		}
		if aws.ToString(out.AuthenticationResult.RefreshToken) == "" {
			t.Error("no refresh token")
		}
		_, err = userAuth(t, srv, "ana", map[string]string{"PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Wr0ng-password"})
		expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
		_, err = userAuth(t, srv, "ana", map[string]string{"PREFERRED_CHALLENGE": "PASSWORD"})
		expectErr[*types.InvalidParameterException](t, err, "Missing required parameter PASSWORD")
		_, err = sdk(srv).InitiateAuth(t.Context(), &cip.InitiateAuthInput{
			ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeUserAuth,
			AuthParameters: map[string]string{"USERNAME": "ana", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": password},
		})
		expectErr[*types.NotAuthorizedException](t, err, "")
	})
}

// TestUserAuthPreferredSRP: PREFERRED_CHALLENGE PASSWORD_SRP with SRP_A
// answers PASSWORD_VERIFIER, whose right answer gives tokens.
func TestUserAuthPreferredSRP(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		srv = uaServer(t, srv, nil, false)
		uaUser(t, srv, "ana", "")
		a, srpA := srpStart()
		out, err := userAuth(t, srv, "ana", map[string]string{"PREFERRED_CHALLENGE": "PASSWORD_SRP", "SRP_A": srpA})
		expectVerifier(t, out, err)
		res, err := respond(t, srv, "ana", types.ChallengeNameTypePasswordVerifier, nil, srpVerifierAnswer(t, srv, out.ChallengeParameters, a, password))
		expectTokens(t, res, err)

		_, err = userAuth(t, srv, "ana", map[string]string{"PREFERRED_CHALLENGE": "PASSWORD_SRP"})
		expectErr[*types.InvalidParameterException](t, err, "Missing or invalid parameter SRP_A")
		// A wrong password fails the verifier.
		a, srpA = srpStart()
		out, err = userAuth(t, srv, "ana", map[string]string{"PREFERRED_CHALLENGE": "PASSWORD_SRP", "SRP_A": srpA})
		expectVerifier(t, out, err)
		_, err = respond(t, srv, "ana", types.ChallengeNameTypePasswordVerifier, nil, srpVerifierAnswer(t, srv, out.ChallengeParameters, a, "Wr0ng-password"))
		expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
	})
}

// TestUserAuthEmailOTP: PREFERRED_CHALLENGE EMAIL_OTP sends a code to the
// outbox and asks it; a wrong code is counted and the Session stays
// usable; the right one signs in, once.
func TestUserAuthEmailOTP(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		srv = uaServer(t, srv, nil, true)
		uaUser(t, srv, "ana", "")
		out, err := userAuth(t, srv, "ana", map[string]string{"PREFERRED_CHALLENGE": "EMAIL_OTP"})
		session := expectChallenge(t, out, err, types.ChallengeNameTypeEmailOtp)
		if p := out.ChallengeParameters; p["CODE_DELIVERY_DELIVERY_MEDIUM"] != "EMAIL" || p["CODE_DELIVERY_DESTINATION"] == "" || p["CODE_DELIVERY_DESTINATION"] == "ana@example.com" {
			t.Errorf("ChallengeParameters = %v, want a masked email delivery", p)
		}
		code := srv.LastCode("ana")
		if len(code) != 6 {
			t.Fatalf("outbox code %q, want six digits", code)
		}
		wrong := wrongCode(code)
		_, err = respond(t, srv, "ana", types.ChallengeNameTypeEmailOtp, session, map[string]string{"EMAIL_OTP_CODE": wrong})
		expectErr[*types.CodeMismatchException](t, err, "")
		answer := map[string]string{"EMAIL_OTP_CODE": code}
		res, err := respond(t, srv, "ana", types.ChallengeNameTypeEmailOtp, session, answer)
		expectTokens(t, res, err)
		// Replayed: the Session was used.
		_, err = respond(t, srv, "ana", types.ChallengeNameTypeEmailOtp, session, answer)
		expectErr[*types.NotAuthorizedException](t, err, "Invalid session for the user.")

		// Five wrong codes end the Session: even the right one fails then.
		out, err = userAuth(t, srv, "ana", map[string]string{"PREFERRED_CHALLENGE": "EMAIL_OTP"})
		session = expectChallenge(t, out, err, types.ChallengeNameTypeEmailOtp)
		code = srv.LastCode("ana")
		wrong = wrongCode(code)
		for range 5 {
			_, err = respond(t, srv, "ana", types.ChallengeNameTypeEmailOtp, session, map[string]string{"EMAIL_OTP_CODE": wrong})
			expectErr[*types.CodeMismatchException](t, err, "")
		}
		_, err = respond(t, srv, "ana", types.ChallengeNameTypeEmailOtp, session, map[string]string{"EMAIL_OTP_CODE": code})
		expectErr[*types.NotAuthorizedException](t, err, "Invalid session for the user.")
	})
}

// TestUserAuthSelectChallenge: without PREFERRED_CHALLENGE the answer is
// SELECT_CHALLENGE with the factors the user can use, each of which then
// signs in.
func TestUserAuthSelectChallenge(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		srv = uaServer(t, srv, nil, true)
		uaUser(t, srv, "ana", "+15555550100")
		uaUser(t, srv, "bo", "")
		selectFor := func(name string, extra map[string]string) *string {
			t.Helper()
			out, err := userAuth(t, srv, name, extra)
			session := expectChallenge(t, out, err, types.ChallengeNameTypeSelectChallenge)
			want := []types.ChallengeNameType{"PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP"}
			if name == "bo" {
				want = want[:3]
			}
			if !slices.Equal(out.AvailableChallenges, want) {
				t.Errorf("AvailableChallenges of %s = %v, want %v", name, out.AvailableChallenges, want)
			}
			return session
		}

		t.Run("PASSWORD", func(t *testing.T) {
			res, err := respond(t, srv, "ana", types.ChallengeNameTypeSelectChallenge, selectFor("ana", nil), map[string]string{"ANSWER": "PASSWORD", "PASSWORD": password})
			expectTokens(t, res, err)
		})
		t.Run("PASSWORD as the challenge name", func(t *testing.T) {
			res, err := respond(t, srv, "ana", types.ChallengeNameTypePassword, selectFor("ana", nil), map[string]string{"PASSWORD": password})
			expectTokens(t, res, err)
		})
		t.Run("wrong PASSWORD", func(t *testing.T) {
			_, err := respond(t, srv, "ana", types.ChallengeNameTypeSelectChallenge, selectFor("ana", nil), map[string]string{"ANSWER": "PASSWORD", "PASSWORD": "Wr0ng-password"})
			expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
		})
		t.Run("PASSWORD_SRP", func(t *testing.T) {
			a, srpA := srpStart()
			res, err := respond(t, srv, "ana", types.ChallengeNameTypeSelectChallenge, selectFor("ana", nil), map[string]string{"ANSWER": "PASSWORD_SRP", "SRP_A": srpA})
			if err != nil || res.ChallengeName != types.ChallengeNameTypePasswordVerifier {
				t.Fatalf("SELECT_CHALLENGE PASSWORD_SRP: %+v, %v", res, err)
			}
			res, err = respond(t, srv, "ana", types.ChallengeNameTypePasswordVerifier, nil, srpVerifierAnswer(t, srv, res.ChallengeParameters, a, password))
			expectTokens(t, res, err)
		})
		t.Run("PASSWORD_SRP as the challenge name", func(t *testing.T) {
			a, srpA := srpStart()
			res, err := respond(t, srv, "ana", types.ChallengeNameTypePasswordSrp, selectFor("ana", nil), map[string]string{"SRP_A": srpA})
			if err != nil || res.ChallengeName != types.ChallengeNameTypePasswordVerifier {
				t.Fatalf("PASSWORD_SRP: %+v, %v", res, err)
			}
			res, err = respond(t, srv, "ana", types.ChallengeNameTypePasswordVerifier, nil, srpVerifierAnswer(t, srv, res.ChallengeParameters, a, password))
			expectTokens(t, res, err)
		})
		t.Run("EMAIL_OTP", func(t *testing.T) {
			res, err := respond(t, srv, "ana", types.ChallengeNameTypeSelectChallenge, selectFor("ana", nil), map[string]string{"ANSWER": "EMAIL_OTP"})
			if err != nil || res.ChallengeName != types.ChallengeNameTypeEmailOtp || res.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"] != "EMAIL" {
				t.Fatalf("SELECT_CHALLENGE EMAIL_OTP: %+v, %v", res, err)
			}
			res, err = respond(t, srv, "ana", types.ChallengeNameTypeEmailOtp, res.Session, map[string]string{"EMAIL_OTP_CODE": srv.LastCode("ana")})
			expectTokens(t, res, err)
		})
		t.Run("SMS_OTP", func(t *testing.T) {
			res, err := respond(t, srv, "ana", types.ChallengeNameTypeSelectChallenge, selectFor("ana", nil), map[string]string{"ANSWER": "SMS_OTP"})
			if err != nil || res.ChallengeName != types.ChallengeNameTypeSmsOtp || res.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"] != "SMS" {
				t.Fatalf("SELECT_CHALLENGE SMS_OTP: %+v, %v", res, err)
			}
			msgs := srv.Messages("ana")
			if last := msgs[len(msgs)-1]; last.Medium != "SMS" || last.Destination != "+15555550100" {
				t.Errorf("last message = %+v, want an SMS to the phone number", last)
			}
			session := res.Session
			_, err = respond(t, srv, "ana", types.ChallengeNameTypeSmsOtp, session, map[string]string{"SMS_OTP_CODE": "12345x"})
			expectErr[*types.CodeMismatchException](t, err, "")
			res, err = respond(t, srv, "ana", types.ChallengeNameTypeSmsOtp, session, map[string]string{"SMS_OTP_CODE": srv.LastCode("ana")})
			expectTokens(t, res, err)
		})
		t.Run("a factor the user cannot use", func(t *testing.T) {
			session := selectFor("bo", nil)
			_, err := respond(t, srv, "bo", types.ChallengeNameTypeSelectChallenge, session, map[string]string{"ANSWER": "SMS_OTP"})
			expectErr[*types.InvalidParameterException](t, err, "")
			_, err = respond(t, srv, "bo", types.ChallengeNameTypeSelectChallenge, session, map[string]string{"ANSWER": "WEB_AUTHN"})
			expectErr[*types.InvalidParameterException](t, err, "The local Cognito does not support passkeys (WEB_AUTHN) yet.")
			// The Session is still good for a factor the user has.
			res, err := respond(t, srv, "bo", types.ChallengeNameTypeSelectChallenge, session, map[string]string{"ANSWER": "PASSWORD", "PASSWORD": password})
			expectTokens(t, res, err)
			// And single use.
			_, err = respond(t, srv, "bo", types.ChallengeNameTypeSelectChallenge, session, map[string]string{"ANSWER": "PASSWORD", "PASSWORD": password})
			expectErr[*types.NotAuthorizedException](t, err, "Invalid session for the user.")
		})
		t.Run("a preferred factor the user cannot use", func(t *testing.T) {
			selectFor("bo", map[string]string{"PREFERRED_CHALLENGE": "SMS_OTP"})
		})
	})
}

// TestUserAuthRefusals: a client without ALLOW_USER_AUTH, a pool that
// allows only passwords, passkeys and unknown factors.
func TestUserAuthRefusals(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		ua := uaServer(t, srv, nil, false)
		uaUser(t, ua, "ana", "")
		other := addClient(t, ua, &cip.CreateUserPoolClientInput{
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
		})
		_, err := userAuth(t, other, "ana", map[string]string{"PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": password})
		expectErr[*types.InvalidParameterException](t, err, "USER_AUTH flow not enabled for this client")
		_, err = sdk(ua).AdminInitiateAuth(t.Context(), &cip.AdminInitiateAuthInput{
			UserPoolId: aws.String(other.UserPoolID), ClientId: aws.String(other.ClientID), AuthFlow: types.AuthFlowTypeUserAuth,
			AuthParameters: map[string]string{"USERNAME": "ana"},
		})
		expectErr[*types.InvalidParameterException](t, err, "USER_AUTH flow not enabled for this client")

		_, err = userAuth(t, ua, "ana", map[string]string{"PREFERRED_CHALLENGE": "WEB_AUTHN"})
		expectErr[*types.InvalidParameterException](t, err, "The local Cognito does not support passkeys (WEB_AUTHN) yet.")
		_, err = userAuth(t, ua, "ana", map[string]string{"PREFERRED_CHALLENGE": "CARRIER_PIGEON"})
		expectErr[*types.InvalidParameterException](t, err, "")
		_, err = userAuth(t, ua, "nobody", nil)
		expectErr[*types.UserNotFoundException](t, err, "")

		// A pool that allows only passwords offers no one-time password,
		// even when preferred.
		in := uaPoolInput()
		in.Policies = nil
		pw := uaServer(t, srv, in, false)
		uaUser(t, pw, "bo", "+15555550101")
		for _, preferred := range []string{"", "EMAIL_OTP", "SMS_OTP"} {
			out, err := userAuth(t, pw, "bo", map[string]string{"PREFERRED_CHALLENGE": preferred})
			expectChallenge(t, out, err, types.ChallengeNameTypeSelectChallenge)
			if want := []types.ChallengeNameType{"PASSWORD", "PASSWORD_SRP"}; !slices.Equal(out.AvailableChallenges, want) {
				t.Errorf("preferred %q: AvailableChallenges = %v, want %v", preferred, out.AvailableChallenges, want)
			}
			_, err = respond(t, pw, "bo", types.ChallengeNameTypeSelectChallenge, out.Session, map[string]string{"ANSWER": "EMAIL_OTP"})
			expectErr[*types.InvalidParameterException](t, err, "")
		}
		// An unverified email address gets no code either.
		unverified := uaServer(t, srv, nil, false)
		if _, err := trySignUp(t, unverified, "cy", password, attrs("email", "cy@example.com")); err != nil {
			t.Fatal(err)
		}
		if _, err := sdk(unverified).AdminConfirmSignUp(t.Context(), &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(unverified.UserPoolID), Username: aws.String("cy")}); err != nil {
			t.Fatal(err)
		}
		out, err := userAuth(t, unverified, "cy", map[string]string{"PREFERRED_CHALLENGE": "EMAIL_OTP"})
		expectChallenge(t, out, err, types.ChallengeNameTypeSelectChallenge)
		if want := []types.ChallengeNameType{"PASSWORD", "PASSWORD_SRP"}; !slices.Equal(out.AvailableChallenges, want) {
			t.Errorf("unverified email: AvailableChallenges = %v, want %v", out.AvailableChallenges, want)
		}
	})
}

// TestUserAuthPoolSettings: the pool's SignInPolicy checked as AWS
// documents it, on CreateUserPool, UpdateUserPool and SetUserPoolMfaConfig.
func TestUserAuthPoolSettings(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		create := func(mod func(in *cip.CreateUserPoolInput)) error {
			in := uaPoolInput()
			mod(in)
			_, err := c.CreateUserPool(t.Context(), in)
			return err
		}
		factors := func(in *cip.CreateUserPoolInput, fs ...types.AuthFactorType) {
			in.Policies.SignInPolicy.AllowedFirstAuthFactors = fs
		}
		expectErr[*types.InvalidParameterException](t, create(func(in *cip.CreateUserPoolInput) { in.EmailConfiguration = nil }), "")
		expectErr[*types.InvalidParameterException](t, create(func(in *cip.CreateUserPoolInput) { in.SmsConfiguration = nil }), "")
		expectErr[*types.InvalidParameterException](t, create(func(in *cip.CreateUserPoolInput) { factors(in, "EMAIL_OTP") }), "AllowedFirstAuthFactors must include PASSWORD.")
		expectErr[*types.InvalidParameterException](t, create(func(in *cip.CreateUserPoolInput) { in.MfaConfiguration = types.UserPoolMfaTypeOn }), "")
		expectCode(t, create(func(in *cip.CreateUserPoolInput) { in.UserPoolTier = types.UserPoolTierTypeLite }), "FeatureUnavailableInTierException")
		// Without SES, email OTP is refused but SMS OTP is fine.
		if err := create(func(in *cip.CreateUserPoolInput) { in.EmailConfiguration = nil; factors(in, "PASSWORD", "SMS_OTP") }); err != nil {
			t.Errorf("SMS_OTP without SES: %v", err)
		}

		out, err := c.CreateUserPool(t.Context(), uaPoolInput())
		if err != nil {
			t.Fatal(err)
		}
		id := out.UserPool.Id
		// MFA can be optional, not required, with passwordless sign-in.
		_, err = c.SetUserPoolMfaConfig(t.Context(), &cip.SetUserPoolMfaConfigInput{
			UserPoolId: id, MfaConfiguration: types.UserPoolMfaTypeOn, SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
		})
		expectErr[*types.InvalidParameterException](t, err, "")
		_, err = c.SetUserPoolMfaConfig(t.Context(), &cip.SetUserPoolMfaConfigInput{
			UserPoolId: id, MfaConfiguration: types.UserPoolMfaTypeOptional, SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
		})
		if err != nil {
			t.Errorf("MFA OPTIONAL with passwordless sign-in: %v", err)
		}
		// An update that drops SES while EMAIL_OTP stays is refused.
		in := uaPoolInput()
		_, err = c.UpdateUserPool(t.Context(), &cip.UpdateUserPoolInput{UserPoolId: id, Policies: in.Policies, SmsConfiguration: in.SmsConfiguration})
		expectErr[*types.InvalidParameterException](t, err, "")
	})
}

// TestUserAuthSignUpSession: with a USER_AUTH client, SignUp's Session
// given to ConfirmSignUp gives a Session that signs the new user in
// without a password, once.
func TestUserAuthSignUpSession(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		srv = uaServer(t, srv, nil, true)
		c := sdk(srv)
		up, err := trySignUp(t, srv, "ana", password, attrs("email", "ana@example.com"))
		if err != nil || aws.ToString(up.Session) == "" {
			t.Fatalf("SignUp: no Session (%+v, %v)", up, err)
		}
		confirmed, err := c.ConfirmSignUp(t.Context(), &cip.ConfirmSignUpInput{
			ClientId: aws.String(srv.ClientID), SecretHash: srv.SecretHash("ana"), Username: aws.String("ana"),
			ConfirmationCode: aws.String(srv.LastCode("ana")), Session: up.Session,
		})
		if err != nil || aws.ToString(confirmed.Session) == "" {
			t.Fatalf("ConfirmSignUp: no Session (%+v, %v)", confirmed, err)
		}
		signInWith := func(session *string) (*cip.InitiateAuthOutput, error) {
			return c.InitiateAuth(t.Context(), &cip.InitiateAuthInput{
				ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeUserAuth,
				AuthParameters: uaParams(srv, "ana", nil), Session: session,
			})
		}
		// SignUp's own Session does not sign in.
		_, err = signInWith(up.Session)
		expectErr[*types.NotAuthorizedException](t, err, "Invalid session for the user.")
		out, err := signInWith(confirmed.Session)
		if err != nil || out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.AccessToken) == "" {
			t.Fatalf("InitiateAuth with ConfirmSignUp's Session: %+v, %v", out, err)
		}
		_, err = signInWith(confirmed.Session)
		expectErr[*types.NotAuthorizedException](t, err, "Invalid session for the user.")

		// Without SignUp's Session, ConfirmSignUp gives none.
		signUp(t, srv, "bo", password)
		confirmed, err = c.ConfirmSignUp(t.Context(), &cip.ConfirmSignUpInput{
			ClientId: aws.String(srv.ClientID), SecretHash: srv.SecretHash("bo"), Username: aws.String("bo"), ConfirmationCode: aws.String(srv.LastCode("bo")),
		})
		if err != nil || confirmed.Session != nil {
			t.Errorf("ConfirmSignUp without SignUp's Session: %+v, %v", confirmed, err)
		}
		// A client without USER_AUTH gives no Session.
		if up := signUp(t, passwordClient(t, srv), "cy", password); up.Session != nil {
			t.Error("SignUp through a client without USER_AUTH gave a Session")
		}
	})
}

// passwordClient is srv's pool with a client of the password flow
// only.
func passwordClient(t *testing.T, srv *cognitotest.Server) *cognitotest.Server {
	t.Helper()
	return addClient(t, srv, &cip.CreateUserPoolClientInput{
		GenerateSecret:    true,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
}

// TestUserAuthFactorsAndMFA: GetUserAuthFactors lists the first factors
// and MFA settings; a user with MFA is offered no one-time password, and
// MFA follows a password first factor.
func TestUserAuthFactorsAndMFA(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		srv = uaServer(t, srv, nil, false)
		c := sdk(srv)
		uaUser(t, srv, "ana", "+15555550100")
		out, err := userAuth(t, srv, "ana", map[string]string{"PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": password})
		if err != nil || out.AuthenticationResult == nil {
			t.Fatalf("USER_AUTH: %+v, %v", out, err)
		}
		factors, err := c.GetUserAuthFactors(t.Context(), &cip.GetUserAuthFactorsInput{AccessToken: out.AuthenticationResult.AccessToken})
		if err != nil {
			t.Fatal(err)
		}
		if want := []types.AuthFactorType{"PASSWORD", "EMAIL_OTP", "SMS_OTP"}; aws.ToString(factors.Username) != "ana" || !slices.Equal(factors.ConfiguredUserAuthFactors, want) || factors.PreferredMfaSetting != nil || factors.UserMFASettingList != nil {
			t.Errorf("GetUserAuthFactors = %+v, want %v and no MFA", factors, want)
		}
		_, err = c.GetUserAuthFactors(t.Context(), &cip.GetUserAuthFactorsInput{AccessToken: aws.String("not-a-token")})
		expectErr[*types.NotAuthorizedException](t, err, "")

		// Email MFA, optional in the pool, enabled and preferred by ana.
		_, err = c.SetUserPoolMfaConfig(t.Context(), &cip.SetUserPoolMfaConfigInput{
			UserPoolId: aws.String(srv.UserPoolID), MfaConfiguration: types.UserPoolMfaTypeOptional,
			EmailMfaConfiguration: &types.EmailMfaConfigType{Message: aws.String("Your code is {####}")},
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.SetUserMFAPreference(t.Context(), &cip.SetUserMFAPreferenceInput{
			AccessToken: out.AuthenticationResult.AccessToken, EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true, PreferredMfa: true},
		})
		if err != nil {
			t.Fatal(err)
		}
		factors, err = c.GetUserAuthFactors(t.Context(), &cip.GetUserAuthFactorsInput{AccessToken: out.AuthenticationResult.AccessToken})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(factors.ConfiguredUserAuthFactors, []types.AuthFactorType{"PASSWORD"}) || aws.ToString(factors.PreferredMfaSetting) != "EMAIL_OTP" || !slices.Equal(factors.UserMFASettingList, []string{"EMAIL_OTP"}) {
			t.Errorf("GetUserAuthFactors with email MFA = %+v", factors)
		}
		sel, err := userAuth(t, srv, "ana", map[string]string{"PREFERRED_CHALLENGE": "EMAIL_OTP"})
		expectChallenge(t, sel, err, types.ChallengeNameTypeSelectChallenge)
		if want := []types.ChallengeNameType{"PASSWORD", "PASSWORD_SRP"}; !slices.Equal(sel.AvailableChallenges, want) {
			t.Errorf("AvailableChallenges with MFA = %v, want %v", sel.AvailableChallenges, want)
		}
		// MFA follows the password.
		mfa, err := userAuth(t, srv, "ana", map[string]string{"PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": password})
		session := expectChallenge(t, mfa, err, types.ChallengeNameTypeEmailOtp)
		res, err := respond(t, srv, "ana", types.ChallengeNameTypeEmailOtp, session, map[string]string{"EMAIL_OTP_CODE": srv.LastCode("ana")})
		expectTokens(t, res, err)
		// And follows a password chosen on SELECT_CHALLENGE.
		res, err = respond(t, srv, "ana", types.ChallengeNameTypeSelectChallenge, sel.Session, map[string]string{"ANSWER": "PASSWORD", "PASSWORD": password})
		if err != nil || res.ChallengeName != types.ChallengeNameTypeEmailOtp {
			t.Fatalf("SELECT_CHALLENGE PASSWORD with MFA: %+v, %v", res, err)
		}
		res, err = respond(t, srv, "ana", types.ChallengeNameTypeEmailOtp, res.Session, map[string]string{"EMAIL_OTP_CODE": srv.LastCode("ana")})
		expectTokens(t, res, err)
	})
}

// TestUserAuthAdmin: AdminInitiateAuth USER_AUTH, its challenges answered
// by AdminRespondToAuthChallenge only.
func TestUserAuthAdmin(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		srv = uaServer(t, srv, nil, true)
		c := sdk(srv)
		uaUser(t, srv, "ana", "")
		initiate := func(extra map[string]string) (*cip.AdminInitiateAuthOutput, error) {
			return c.AdminInitiateAuth(t.Context(), &cip.AdminInitiateAuthInput{
				UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeUserAuth,
				AuthParameters: uaParams(srv, "ana", extra),
			})
		}
		adminRespond := func(name types.ChallengeNameType, session *string, answers map[string]string) (*cip.AdminRespondToAuthChallengeOutput, error) {
			return c.AdminRespondToAuthChallenge(t.Context(), &cip.AdminRespondToAuthChallengeInput{
				UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID), ChallengeName: name, Session: session,
				ChallengeResponses: uaParams(srv, "ana", answers),
			})
		}
		out, err := initiate(map[string]string{"PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": password})
		if err != nil || out.AuthenticationResult == nil {
			t.Fatalf("AdminInitiateAuth USER_AUTH PASSWORD: %+v, %v", out, err)
		}
		out, err = initiate(nil)
		if err != nil || out.ChallengeName != types.ChallengeNameTypeSelectChallenge || len(out.AvailableChallenges) != 3 {
			t.Fatalf("AdminInitiateAuth USER_AUTH: %+v, %v", out, err)
		}
		// The public call cannot answer it.
		_, err = respond(t, srv, "ana", types.ChallengeNameTypeSelectChallenge, out.Session, map[string]string{"ANSWER": "EMAIL_OTP"})
		expectErr[*types.NotAuthorizedException](t, err, "Invalid session for the user.")
		res, err := adminRespond(types.ChallengeNameTypeSelectChallenge, out.Session, map[string]string{"ANSWER": "EMAIL_OTP"})
		if err != nil || res.ChallengeName != types.ChallengeNameTypeEmailOtp {
			t.Fatalf("AdminRespondToAuthChallenge SELECT_CHALLENGE: %+v, %v", res, err)
		}
		res, err = adminRespond(types.ChallengeNameTypeEmailOtp, res.Session, map[string]string{"EMAIL_OTP_CODE": srv.LastCode("ana")})
		if err != nil || res.AuthenticationResult == nil || aws.ToString(res.AuthenticationResult.AccessToken) == "" {
			t.Fatalf("AdminRespondToAuthChallenge EMAIL_OTP: %+v, %v", res, err)
		}
	})
}

// A choice-based sign-in that goes straight to PASSWORD_SRP calls
// PreAuthentication once, as any sign-in does.
func TestUserAuthPasswordSRPPreAuthenticationOnce(t *testing.T) {
	var pre recorder
	srv := cognitotest.NewServer(t, cognitotest.WithTrigger(cognitotest.PreAuthentication,
		recorded(&pre, func(context.Context, *events.CognitoEventUserPoolsPreAuthentication) error { return nil })))
	poolIn := uaPoolInput()
	poolIn.LambdaConfig = &types.LambdaConfigType{PreAuthentication: aws.String(cognitotest.TriggerARN(cognitotest.PreAuthentication))}
	ua := uaServer(t, srv, poolIn, false)
	uaUser(t, ua, "ana", "")
	before := pre.count()
	a := make([]byte, 32)
	rand.Read(a)
	out, err := userAuth(t, ua, "ana", map[string]string{"PREFERRED_CHALLENGE": "PASSWORD_SRP", "SRP_A": hex.EncodeToString(srp.ClientPublic(a))})
	if err != nil {
		t.Fatal(err)
	}
	if out.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("challenge = %q, want PASSWORD_VERIFIER", out.ChallengeName)
	}
	if n := pre.count() - before; n != 1 {
		t.Errorf("PreAuthentication was called %d times, want 1", n)
	}
}
