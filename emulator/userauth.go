package emulator

import (
	"cmp"
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Choice-based sign-in (AuthFlow USER_AUTH) and its passwordless first
// factors, as AWS documents them ("Manage authentication methods in AWS
// SDKs", the InitiateAuth and RespondToAuthChallenge references):
//
//   - InitiateAuth or AdminInitiateAuth names the user (USERNAME, with
//     SECRET_HASH) and, optionally, PREFERRED_CHALLENGE. A preferred factor
//     the user, the pool and the client allow starts at once: PASSWORD with
//     PASSWORD signs in, PASSWORD_SRP with SRP_A answers PASSWORD_VERIFIER
//     (srp.go), EMAIL_OTP and SMS_OTP send a code and ask it. Otherwise the
//     answer is SELECT_CHALLENGE, with AvailableChallenges.
//   - SELECT_CHALLENGE is answered with ANSWER (and PASSWORD or SRP_A for
//     those factors), or directly with the challenge names PASSWORD and
//     PASSWORD_SRP on its Session.
//   - The code of EMAIL_OTP (EMAIL_OTP_CODE) and SMS_OTP (SMS_OTP_CODE) is
//     checked as an MFA code is (mfa.go): single use, wrong answers counted.
//   - After a password the sign-in goes on as any password sign-in (MFA
//     included); after a one-time password it asks no MFA: AWS documents
//     MFA as a second factor for users "who have passwords as their
//     primary authentication factor", and passwordless sign-in as not
//     available to users with MFA (see firstFactors).
//   - SignUp and ConfirmSignUp give a Session (signUpSession) that
//     InitiateAuth USER_AUTH takes instead of a factor: the confirmation
//     code was the first factor.
//
// Passkeys (WEB_AUTHN) are not supported: never offered, refused when
// asked for.

// First factors of USER_AUTH, as AvailableChallenges and ANSWER name them.
const (
	firstPassword    = "PASSWORD"
	firstPasswordSRP = "PASSWORD_SRP"
	firstEmailOTP    = "EMAIL_OTP"
	firstSMSOTP      = "SMS_OTP"
	firstWebAuthn    = "WEB_AUTHN"
)

// Names of the records that carry a sign-up's Session: the one SignUp
// gives (for ConfirmSignUp) and the one ConfirmSignUp gives (for
// InitiateAuth). They are challenge records no RespondToAuthChallenge
// answers.
const (
	recSignUp          = "SIGN_UP"
	recSignUpConfirmed = "SIGN_UP_CONFIRMED"
)

var errNoPasskeySignIn = invalidParameter("The local Cognito does not support passkeys (WEB_AUTHN) yet.")

// checkFirstFactorName refuses a PREFERRED_CHALLENGE or ANSWER that names
// no first factor of USER_AUTH, and passkeys.
func checkFirstFactorName(member, factor string) error {
	switch factor {
	case firstPassword, firstPasswordSRP, firstEmailOTP, firstSMSOTP:
		return nil
	case firstWebAuthn:
		return errNoPasskeySignIn
	}
	return invalidParameter("Invalid %s %q: use PASSWORD, PASSWORD_SRP, EMAIL_OTP or SMS_OTP.", member, truncate(factor, 32))
}

// allowsFirstFactor reports whether p's SignInPolicy allows factor (an
// AuthFactorType) as a first factor; PASSWORD always.
func (p *pool) allowsFirstFactor(factor string) bool {
	return factor == firstPassword || slices.Contains(p.AllowedFirstAuthFactors, factor)
}

// firstFactors are the first factors u can sign in with through USER_AUTH
// in p, in the order AvailableChallenges lists them: PASSWORD and
// PASSWORD_SRP for a user with a password; EMAIL_OTP and SMS_OTP when the
// pool allows them, to a verified email address or phone number (AWS does
// not say the attribute must be verified; a code sent to an address nobody
// proved is no proof of identity, so the conservative choice is to
// require it), for a user without MFA (Amplify's documentation of Cognito:
// "If a user has MFA configured, passwordless sign-in options will not be
// available"), in a pool that does not require MFA (which pool_settings.go
// refuses alongside passwordless factors).
func firstFactors(p *pool, u *user) []string {
	var out []string
	if len(u.Verifier) > 0 {
		out = append(out, firstPassword, firstPasswordSRP)
	}
	if len(u.MFA.Enabled) > 0 || p.MFAConfiguration == string(types.UserPoolMfaTypeOn) {
		return out
	}
	if p.allowsFirstFactor(firstEmailOTP) && u.Attributes["email"] != "" && u.Attributes["email_verified"] == "true" {
		out = append(out, firstEmailOTP)
	}
	if p.allowsFirstFactor(firstSMSOTP) && u.Attributes["phone_number"] != "" && u.Attributes["phone_number_verified"] == "true" {
		out = append(out, firstSMSOTP)
	}
	return out
}

// userAuth is USER_AUTH: the preferred first factor when the user may use
// it, else SELECT_CHALLENGE with the factors the user may use. A preferred
// factor the user may not use falls back to SELECT_CHALLENGE, as AWS
// describes ("this challenge either verifies that the requested option is
// available or provides a list of available choices"). A user with no
// factor at all is refused as a wrong password would be.
func (s *Server) userAuth(ctx context.Context, c *caller, params map[string]string) (*authStep, error) {
	name, preferred := params["USERNAME"], params["PREFERRED_CHALLENGE"]
	if name == "" {
		return nil, invalidParameter("Missing required parameter USERNAME")
	}
	if preferred != "" {
		if err := checkFirstFactorName("PREFERRED_CHALLENGE", preferred); err != nil {
			return nil, err
		}
	}
	u, err := s.signingInUser(ctx, c, name, params["SECRET_HASH"], "")
	if err != nil {
		return nil, err
	}
	available := firstFactors(c.pool, u)
	if len(available) == 0 {
		return nil, errIncorrectCredentials
	}
	prog := progress{Admin: c.admin, DeviceKey: params["DEVICE_KEY"]}
	if slices.Contains(available, preferred) {
		return s.startFirstFactor(ctx, c, u.Username, preferred, params, prog, nil)
	}
	var step *authStep
	err = s.update(ctx, func(st *state) error {
		rec := &challengeRecord{Name: string(types.ChallengeNameTypeSelectChallenge), UsernameKey: c.pool.usernameKey(u.Username), Progress: prog}
		session, err := s.newChallenge(st, c.client, c.pool, rec)
		step = &authStep{
			challenge: types.ChallengeNameTypeSelectChallenge, session: session,
			params:    map[string]string{"USER_ID_FOR_SRP": u.Username},
			available: enumsOf[types.ChallengeNameType](available),
		}
		return err
	})
	return step, err
}

// startFirstFactor starts factor for the user named username: params are
// the members that go with it (PASSWORD, SRP_A, and the USERNAME,
// SECRET_HASH and DEVICE_KEY they came with). take, if set, runs first —
// in a transaction of its own before a password attempt is reserved, in
// the one that sends a code: it consumes the SELECT_CHALLENGE answered and
// checks that the user may still use factor; it returns the progress that
// challenge recorded.
func (s *Server) startFirstFactor(ctx context.Context, c *caller, username, factor string, params map[string]string, prog progress, take func(st *state) (progress, error)) (*authStep, error) {
	p := c.pool
	before := func(st *state) error {
		if take == nil {
			return nil
		}
		var err error
		prog, err = take(st)
		return err
	}
	switch factor {
	case firstPassword:
		password := params["PASSWORD"]
		if password == "" {
			return nil, invalidParameter("Missing required parameter PASSWORD")
		}
		if take != nil {
			if err := s.update(ctx, before); err != nil {
				return nil, err
			}
		}
		a, err := s.reserveAttempt(ctx, p, username)
		if err != nil {
			return nil, err
		}
		defer a.release()
		deviceKey := prog.DeviceKey
		if params["DEVICE_KEY"] != "" {
			deviceKey = params["DEVICE_KEY"]
		}
		return s.signIn(ctx, c, a, passwordMatches(p.ID, a.user, password), deviceKey, nil)
	case firstPasswordSRP:
		srpA, err := readSRPA(params) // before a SELECT_CHALLENGE is taken
		if err != nil {
			return nil, err
		}
		if take != nil {
			if err := s.update(ctx, before); err != nil {
				return nil, err
			}
		}
		// The user was found (and PreAuthentication called) when the
		// sign-in started; it is read again for its verifier.
		var u *user
		err = s.view(ctx, func(st *state) (err error) {
			u, err = st.userByKey(p, p.usernameKey(username))
			return err
		})
		switch {
		case isNotFound(err):
			return nil, errIncorrectCredentials
		case err != nil:
			return nil, err
		case s.lockedOut(u):
			return nil, errPasswordAttempts
		}
		return s.verifierChallenge(ctx, c, username, srpA, cmp.Or(params["DEVICE_KEY"], prog.DeviceKey), u, nil)
	}
	var step *authStep
	err := s.update(ctx, func(st *state) error {
		if err := before(st); err != nil {
			return err
		}
		u, err := st.userByKey(p, p.usernameKey(username))
		if isNotFound(err) {
			return errIncorrectCredentials
		}
		if err != nil {
			return err
		}
		step, err = s.otpChallenge(st, c, u, factor, prog)
		return err
	})
	if err == nil {
		err = s.deliverPending(ctx, c, step)
	}
	if err != nil {
		return nil, err
	}
	return step, nil
}

// otpChallenge sends u a one-time password for factor (EMAIL_OTP or
// SMS_OTP) as the first factor of a sign-in and asks it. The code lives in
// its challenge, as an MFA code does (mfa.go), and goes to the outbox as a
// sign-in code (PurposeMFA).
func (s *Server) otpChallenge(st *state, c *caller, u *user, factor string, prog progress) (*authStep, error) {
	attr := "email"
	if factor == firstSMSOTP {
		attr = "phone_number"
	}
	rec := &challengeRecord{
		Name: factor, UsernameKey: c.pool.usernameKey(u.Username), Progress: prog,
		Code: randomString("0123456789", 6), FirstFactor: true,
	}
	d, pending, err := s.deliverSignInCode(st, c, u, attr, rec.Code)
	if err != nil {
		return nil, err
	}
	session, err := s.newChallenge(st, c.client, c.pool, rec)
	if err != nil {
		return nil, err
	}
	return &authStep{
		challenge: types.ChallengeNameType(factor), session: session, pending: pending,
		params: map[string]string{
			"USER_ID_FOR_SRP":               u.Username,
			"CODE_DELIVERY_DELIVERY_MEDIUM": string(d.DeliveryMedium),
			"CODE_DELIVERY_DESTINATION":     aws.ToString(d.Destination),
		},
	}, nil
}

// selectChallenge answers SELECT_CHALLENGE: ANSWER names the first factor
// chosen, with the members that go with it.
func (s *Server) selectChallenge(ctx context.Context, c *caller, a *challengeAnswer) (*authStep, error) {
	factor := a.responses["ANSWER"]
	if factor == "" {
		return nil, invalidParameter("Missing required parameter ANSWER")
	}
	return s.answerSelected(ctx, c, a, factor)
}

// passwordChallenge answers the Session of a SELECT_CHALLENGE with the
// challenge name PASSWORD (USERNAME, PASSWORD).
func (s *Server) passwordChallenge(ctx context.Context, c *caller, a *challengeAnswer) (*authStep, error) {
	return s.answerSelected(ctx, c, a, firstPassword)
}

// passwordSRPChallenge answers the Session of a SELECT_CHALLENGE with the
// challenge name PASSWORD_SRP (USERNAME, SRP_A): PASSWORD_VERIFIER follows.
func (s *Server) passwordSRPChallenge(ctx context.Context, c *caller, a *challengeAnswer) (*authStep, error) {
	return s.answerSelected(ctx, c, a, firstPasswordSRP)
}

// smsOTP answers SMS_OTP, the first factor (SMS_OTP_CODE).
func (s *Server) smsOTP(ctx context.Context, c *caller, a *challengeAnswer) (*authStep, error) {
	return s.answerMFACode(ctx, c, a, firstSMSOTP, "SMS_OTP_CODE")
}

// answerSelected starts factor on the SELECT_CHALLENGE a's Session names.
// The Session is consumed in the transaction that starts the factor; a
// factor the user may not use is refused and leaves the Session usable.
func (s *Server) answerSelected(ctx context.Context, c *caller, a *challengeAnswer, factor string) (*authStep, error) {
	if err := checkFirstFactorName("ANSWER", factor); err != nil {
		return nil, err
	}
	named, err := s.answeringUser(ctx, c, a)
	if err != nil {
		return nil, err
	}
	p := c.pool
	take := func(st *state) (progress, error) {
		u, err := st.userByKey(p, p.usernameKey(named.Username))
		if isNotFound(err) {
			return progress{}, errInvalidSession
		}
		if err != nil {
			return progress{}, err
		}
		rec, err := s.takeChallenge(st, c, string(types.ChallengeNameTypeSelectChallenge), a.session, u)
		if err != nil {
			return progress{}, err
		}
		if !slices.Contains(firstFactors(p, u), factor) {
			return progress{}, invalidParameter("Invalid ANSWER %q: choose one of AvailableChallenges.", truncate(factor, 32))
		}
		return rec.Progress, nil
	}
	return s.startFirstFactor(ctx, c, named.Username, factor, a.responses, progress{Admin: c.admin}, take)
}

// afterPasswordless goes on, in st, from a proven one-time password: the
// user's state is checked as after a password (signIn), then the sign-in
// proceeds without MFA (prog.MFADone).
func (s *Server) afterPasswordless(st *state, c *caller, u *user, prog progress) (*outcome, error) {
	if err := signInStatus(u); err != nil {
		return nil, &commitThen{err}
	}
	prog.MFADone = true
	return s.proceed(st, c, u, prog)
}

// signUpSession gives the Session that SignUp returns, in st, when c's
// client allows USER_AUTH: ConfirmSignUp exchanges it for the Session that
// signs the confirmed user in. AWS: "A session Id that you can pass to
// ConfirmSignUp when you want to immediately sign in your user with the
// USER_AUTH flow after they complete sign-up." It lasts the client's
// AuthSessionValidity, as the sessions of challenges do.
func (s *Server) signUpSession(st *state, c *caller, u *user) (string, error) {
	if !c.client.allowsFlow("ALLOW_USER_AUTH") {
		return "", nil
	}
	return s.newChallenge(st, c.client, c.pool, &challengeRecord{Name: recSignUp, UsernameKey: c.pool.usernameKey(u.Username)})
}

// confirmedSession exchanges, in st, the Session SignUp gave u (token) for
// the one ConfirmSignUp returns, when c's client allows USER_AUTH. The
// SignUp Session is consumed. An unknown, expired or foreign one gives no
// Session and does not fail the confirmation (AWS documents the Session as
// optional; failing a confirmation whose code was right would be worse
// than not signing the user in at once).
func (s *Server) confirmedSession(st *state, c *caller, u *user, token string) (string, error) {
	if token == "" || !c.client.allowsFlow("ALLOW_USER_AUTH") {
		return "", nil
	}
	rec, err := st.takeChallenge(c.pool, hashToken(token))
	if isNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if rec.Name != recSignUp || rec.ClientID != c.client.ID || rec.UsernameKey != c.pool.usernameKey(u.Username) || s.now().After(rec.Expires) {
		return "", nil
	}
	return s.newChallenge(st, c.client, c.pool, &challengeRecord{Name: recSignUpConfirmed, UsernameKey: rec.UsernameKey})
}

// signUpSessionAuth is USER_AUTH with the Session of a ConfirmSignUp: AWS
// "assumes the SMS or email message one-time verification password from
// ConfirmSignUp as the primary authentication factor", for a user who
// confirmed the sign-up, within the Session's duration. The Session is
// single use and only good for its user and client; InitiateAuth and
// AdminInitiateAuth both take it (AWS documents the member on both), so
// it is not bound to either. PREFERRED_CHALLENGE, if given, is not used.
// As after any one-time password, no MFA follows (and AWS: "the first
// time that a new user signs in to your app, Amazon Cognito issues OAuth
// 2.0 tokens, even if your user pool requires MFA").
func (s *Server) signUpSessionAuth(ctx context.Context, c *caller, params map[string]string, token string) (*authStep, error) {
	name := params["USERNAME"]
	if name == "" {
		return nil, invalidParameter("Missing required parameter USERNAME")
	}
	named, err := s.signingInUser(ctx, c, name, params["SECRET_HASH"], "")
	if err != nil {
		return nil, err
	}
	p := c.pool
	var next *outcome
	err = s.update(ctx, func(st *state) error {
		u, err := st.userByKey(p, p.usernameKey(named.Username))
		if isNotFound(err) {
			return errInvalidSession
		}
		if err != nil {
			return err
		}
		rec, err := st.takeChallenge(p, hashToken(token))
		if isNotFound(err) {
			return errInvalidSession
		}
		if err != nil {
			return err
		}
		if rec.Name != recSignUpConfirmed || rec.ClientID != c.client.ID || rec.UsernameKey != p.usernameKey(u.Username) {
			return errInvalidSession
		}
		if s.now().After(rec.Expires) {
			return &commitThen{errExpiredSession}
		}
		next, err = s.afterPasswordless(st, c, u, progress{Admin: c.admin, DeviceKey: params["DEVICE_KEY"]})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.finish(ctx, c, next)
}

// getUserAuthFactors is GetUserAuthFactors: the token's user's MFA
// settings, as GetUser shows them, and ConfiguredUserAuthFactors, the
// first factors of USER_AUTH the user can sign in with now (firstFactors,
// with PASSWORD for both password factors, as AuthFactorType names it).
func (s *Server) getUserAuthFactors(_ context.Context, c *caller, _ *cip.GetUserAuthFactorsInput) (*cip.GetUserAuthFactorsOutput, error) {
	u := c.subject.user
	var configured []types.AuthFactorType
	for _, f := range firstFactors(c.pool, u) {
		if f != firstPasswordSRP {
			configured = append(configured, types.AuthFactorType(f))
		}
	}
	return &cip.GetUserAuthFactorsOutput{
		Username: aws.String(u.Username), PreferredMfaSetting: optional(u.MFA.Preferred),
		UserMFASettingList: u.mfaSettingList(), ConfiguredUserAuthFactors: configured,
	}, nil
}
