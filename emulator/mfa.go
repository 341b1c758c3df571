package emulator

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/internal/totp"
)

// MFA: the pool's MFA configuration, a user's TOTP software token and MFA
// preferences, and the MFA challenges of a sign-in.
//
// The pool's settings have one home: pool.MFAConfiguration (OFF, ON,
// OPTIONAL), shared with CreateUserPool and UpdateUserPool, and
// pool.MFAFactors, the factors it offers (SMS also from those two actions,
// with the pool's SmsConfiguration and SmsAuthenticationMessage). A user's
// MFA is user.MFA.
//
// TOTP is RFC 6238 as authenticator apps compute it (HMAC-SHA1, six
// digits, 30-second steps), in internal/totp: a few lines of crypto/hmac,
// checked against the RFC's test vectors, rather than a dependency. A code
// is accepted for the current step and one step either side, once: the
// last step used is recorded and a code of that step or an earlier one is
// refused.

// MFA factors, as Cognito names them in challenges, in UserMFASettingList
// and in PreferredMfaSetting.
const (
	factorSMS   = "SMS_MFA"
	factorTOTP  = "SOFTWARE_TOKEN_MFA"
	factorEmail = "EMAIL_OTP"
)

// factorOrder is the order factors are listed in (MFAS_CAN_CHOOSE,
// MFAS_CAN_SETUP, UserMFASettingList).
var factorOrder = []string{factorSMS, factorTOTP, factorEmail}

// mfaFactors are the MFA factors a pool offers.
type mfaFactors struct {
	SMS           bool `json:"sms,omitempty"`
	SoftwareToken bool `json:"softwareToken,omitempty"`
	Email         bool `json:"email,omitempty"`
	// EmailMessage and EmailSubject are EmailMfaConfiguration's template
	// (kept and described; the outbox holds the code itself).
	EmailMessage string `json:"emailMessage,omitempty"`
	EmailSubject string `json:"emailSubject,omitempty"`
}

// offers reports whether the pool offers factor.
func (f mfaFactors) offers(factor string) bool {
	switch factor {
	case factorSMS:
		return f.SMS
	case factorTOTP:
		return f.SoftwareToken
	case factorEmail:
		return f.Email
	}
	return false
}

// list names the factors offered, in factorOrder.
func (f mfaFactors) list() []string {
	var out []string
	for _, factor := range factorOrder {
		if f.offers(factor) {
			out = append(out, factor)
		}
	}
	return out
}

// userMFA is a user's MFA: a software token and the factors enabled.
type userMFA struct {
	// TOTPSecret is the secret of the user's verified software token — a
	// secret: never logged, never in an error. TOTPLastStep is the last
	// time step a code of it was accepted at (each code is good once);
	// TOTPDeviceName is VerifySoftwareToken's FriendlyDeviceName.
	TOTPSecret     []byte `json:"totpSecret,omitempty"`
	TOTPLastStep   int64  `json:"totpLastStep,omitempty"`
	TOTPDeviceName string `json:"totpDeviceName,omitempty"`
	// PendingSecret is the secret AssociateSoftwareToken gave, waiting for
	// VerifySoftwareToken; PendingFailures counts the wrong codes given
	// for it with an access token (a setup Session counts its own).
	PendingSecret   []byte `json:"pendingSecret,omitempty"`
	PendingFailures int    `json:"pendingFailures,omitempty"`
	// Enabled are the factors the user enabled (SetUserMFAPreference), in
	// factorOrder; Preferred is the one preferred, or "".
	Enabled   []string `json:"enabled,omitempty"`
	Preferred string   `json:"preferred,omitempty"`
}

// Cognito's exceptions of software-token setup.
const (
	excEnableSoftwareTokenMFA   = "EnableSoftwareTokenMFAException"
	excSoftwareTokenMFANotFound = "SoftwareTokenMFANotFoundException"
)

// Errors of MFA, in Cognito's words where they are known.
var (
	errSoftwareTokenNotEnabled      = newError(excSoftwareTokenMFANotFound, "Software Token MFA has not been enabled by the userPool")
	errSoftwareTokenMismatch        = newError(excEnableSoftwareTokenMFA, "Code mismatch and fail enable Software Token MFA")
	errTOTPCodeMismatch             = newError(excCodeMismatch, "Invalid code received for user")
	errTOTPCodeReused               = newError(excExpiredCode, "Your software token has already been used once.")
	errMFACodeMismatch              = newError(excCodeMismatch, "Invalid code or auth state for the user.")
	errTokenOrSession               = invalidParameter("Give either an AccessToken or a Session, not both.")
	errNoTokenOrSession             = invalidParameter("An AccessToken or a Session is required.")
	errSoftwareTokenNotAssociated   = invalidParameter("No software token is associated with the user: call AssociateSoftwareToken first.")
	errMFASetupNotVerified          = invalidParameter("Set up a software token first: answer MFA_SETUP with the Session that VerifySoftwareToken returned.")
	errMFARequiresFactor            = invalidParameter("SMS configuration and Auto verification for phone_number are required when MFA is required/optional")
	errSetUserPoolMfaConfigNoFactor = invalidParameter("At least one MFA factor (SMS, software token or email) must be enabled when MfaConfiguration is ON or OPTIONAL.")
)

// applyPoolMFA brings a pool's MFA factors in line with what CreateUserPool
// or UpdateUserPool set (prev is the pool before an update, nil at
// creation). Those actions set the MFA configuration and the SMS settings;
// the software-token and email factors are SetUserPoolMfaConfig's and an
// update keeps them. SMS MFA needs the pool's SmsConfiguration: an update
// that removes it turns SMS MFA off, and MFA ON or OPTIONAL with an
// SmsConfiguration and no other factor offers SMS, as AWS's CreateUserPool
// does. MFA ON or OPTIONAL without any factor is refused with AWS's
// message (which also names phone_number's auto verification; the local
// Cognito does not require it). An update that leaves email MFA without
// the feature plan or the DEVELOPER email configuration it needs is
// refused rather than turning it off silently.
func applyPoolMFA(p *pool, prev *pool) error {
	p.MFAFactors = mfaFactors{}
	if prev != nil {
		p.MFAFactors = prev.MFAFactors
	}
	if p.SmsConfiguration == nil {
		p.MFAFactors.SMS = false
	} else if p.MFAConfiguration != string(types.UserPoolMfaTypeOff) && len(p.MFAFactors.list()) == 0 {
		p.MFAFactors.SMS = true
	}
	if p.MFAConfiguration != string(types.UserPoolMfaTypeOff) && len(p.MFAFactors.list()) == 0 {
		return errMFARequiresFactor
	}
	if p.MFAFactors.Email {
		return checkEmailMFAAllowed(p)
	}
	return nil
}

// checkEmailMFAAllowed checks what AWS documents email MFA to need: the
// ESSENTIALS or PLUS feature plan and email sent through Amazon SES
// (EmailSendingAccount DEVELOPER).
func checkEmailMFAAllowed(p *pool) error {
	if p.Tier == string(types.UserPoolTierTypeLite) {
		return newError(excFeatureUnavailableInTier, "Email MFA (EmailMfaConfiguration) requires the ESSENTIALS or PLUS feature plan.")
	}
	if p.EmailConfiguration == nil || p.EmailConfiguration.EmailSendingAccount != types.EmailSendingAccountTypeDeveloper {
		return invalidParameter("Email MFA requires an EmailConfiguration with EmailSendingAccount DEVELOPER (Amazon SES).")
	}
	return nil
}

// setUserPoolMfaConfig is SetUserPoolMfaConfig. Each factor's member
// decides it: given, the factor is offered (SoftwareTokenMfaConfiguration
// as its Enabled says); left out, it is not — AWS's reference does not say
// whether a left-out member keeps the factor, and turning it off is the
// reading that makes the request say the whole configuration. A left-out
// MfaConfiguration keeps the pool's. SmsMfaConfiguration's message and
// SmsConfiguration are the pool's own (shown by DescribeUserPool), as AWS
// documents; SMS MFA needs an SmsConfiguration, here or already the
// pool's. Passkeys (WebAuthnConfiguration) are not supported yet and are
// refused rather than ignored.
func (s *Server) setUserPoolMfaConfig(ctx context.Context, _ *caller, in *cip.SetUserPoolMfaConfigInput) (*cip.SetUserPoolMfaConfigOutput, error) {
	if in.WebAuthnConfiguration != nil {
		return nil, invalidParameter("The local Cognito does not support passkeys (WebAuthnConfiguration) yet.")
	}
	var out *cip.SetUserPoolMfaConfigOutput
	err := s.update(ctx, func(st *state) error {
		shared, err := st.pool(aws.ToString(in.UserPoolId))
		if err != nil {
			return err
		}
		p, err := shared.clone()
		if err != nil {
			return err
		}
		switch in.MfaConfiguration {
		case "":
		case types.UserPoolMfaTypeOff, types.UserPoolMfaTypeOn, types.UserPoolMfaTypeOptional:
			p.MFAConfiguration = string(in.MfaConfiguration)
		default:
			return invalidParameter("Invalid MfaConfiguration %q.", truncate(string(in.MfaConfiguration), 32))
		}
		factors := mfaFactors{}
		if t := in.SoftwareTokenMfaConfiguration; t != nil {
			factors.SoftwareToken = t.Enabled
		}
		if sms := in.SmsMfaConfiguration; sms != nil {
			if sms.SmsConfiguration != nil {
				if aws.ToString(sms.SmsConfiguration.SnsCallerArn) == "" {
					return invalidParameter("1 validation error detected: Value null at 'smsMfaConfiguration.smsConfiguration.snsCallerArn' failed to satisfy constraint: Member must not be null")
				}
				p.SmsConfiguration = sms.SmsConfiguration
			}
			if sms.SmsAuthenticationMessage != nil {
				p.SmsAuthenticationMessage = *sms.SmsAuthenticationMessage
			}
			if p.SmsConfiguration == nil {
				return invalidParameter("SMS MFA requires an SmsConfiguration, in SmsMfaConfiguration or the user pool's.")
			}
			factors.SMS = true
		}
		if e := in.EmailMfaConfiguration; e != nil {
			if m := aws.ToString(e.Message); e.Message != nil && (len(m) < 6 || len(m) > 20000 || !strings.Contains(m, "{####}")) {
				return invalidParameter("EmailMfaConfiguration.Message must be 6 to 20000 characters and contain the {####} placeholder.")
			}
			factors.Email, factors.EmailMessage, factors.EmailSubject = true, aws.ToString(e.Message), aws.ToString(e.Subject)
			if err := checkEmailMFAAllowed(p); err != nil {
				return err
			}
		}
		p.MFAFactors = factors
		if p.MFAConfiguration != string(types.UserPoolMfaTypeOff) && len(factors.list()) == 0 {
			return errSetUserPoolMfaConfigNoFactor
		}
		if err := checkSignInPolicy(p); err != nil { // MFA required and passwordless sign-in (pool_settings.go)
			return err
		}
		p.Modified = s.now()
		if err := st.putPool(p); err != nil {
			return err
		}
		cfg := poolMFAConfig(p)
		out = &cip.SetUserPoolMfaConfigOutput{
			MfaConfiguration: cfg.MfaConfiguration, SoftwareTokenMfaConfiguration: cfg.SoftwareTokenMfaConfiguration,
			SmsMfaConfiguration: cfg.SmsMfaConfiguration, EmailMfaConfiguration: cfg.EmailMfaConfiguration,
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("user pool MFA configured", "userPoolId", aws.ToString(in.UserPoolId), "mfaConfiguration", out.MfaConfiguration)
	return out, nil
}

// getUserPoolMfaConfig is GetUserPoolMfaConfig.
func (s *Server) getUserPoolMfaConfig(ctx context.Context, _ *caller, in *cip.GetUserPoolMfaConfigInput) (*cip.GetUserPoolMfaConfigOutput, error) {
	var out *cip.GetUserPoolMfaConfigOutput
	err := s.view(ctx, func(st *state) error {
		p, err := st.pool(aws.ToString(in.UserPoolId))
		if err != nil {
			return err
		}
		out = poolMFAConfig(p)
		return nil
	})
	return out, err
}

// poolMFAConfig is a pool's MFA configuration as GetUserPoolMfaConfig
// shows it: the software-token state always, the SMS and email
// configurations when those factors are offered.
func poolMFAConfig(p *pool) *cip.GetUserPoolMfaConfigOutput {
	out := &cip.GetUserPoolMfaConfigOutput{
		MfaConfiguration:              types.UserPoolMfaType(p.MFAConfiguration),
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: p.MFAFactors.SoftwareToken},
	}
	if p.MFAFactors.SMS {
		out.SmsMfaConfiguration = &types.SmsMfaConfigType{SmsAuthenticationMessage: optional(p.SmsAuthenticationMessage), SmsConfiguration: p.SmsConfiguration}
	}
	if p.MFAFactors.Email {
		out.EmailMfaConfiguration = &types.EmailMfaConfigType{Message: optional(p.MFAFactors.EmailMessage), Subject: optional(p.MFAFactors.EmailSubject)}
	}
	return out
}

// newTOTPSecret draws a software token's secret: 160 bits, RFC 4226's
// recommended length, shown base32-encoded (32 characters) as AWS shows
// SecretCode.
func newTOTPSecret() []byte {
	secret := make([]byte, 20)
	rand.Read(secret)
	return secret
}

// encodeTOTPSecret is a secret as SecretCode carries it.
func encodeTOTPSecret(secret []byte) string {
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret)
}

// associateSoftwareToken is AssociateSoftwareToken: a new TOTP secret for
// the user of an access token, or of the MFA_SETUP challenge a Session
// names (which answers a new Session for VerifySoftwareToken). The secret
// waits for VerifySoftwareToken; a software token the user already has
// stays in use until then, as AWS documents.
func (s *Server) associateSoftwareToken(ctx context.Context, c *caller, in *cip.AssociateSoftwareTokenInput) (*cip.AssociateSoftwareTokenOutput, error) {
	secret := newTOTPSecret()
	associate := func(p *pool, u *user) error {
		if !p.MFAFactors.SoftwareToken {
			return errSoftwareTokenNotEnabled
		}
		u.MFA.PendingSecret, u.MFA.PendingFailures = secret, 0
		u.Modified = s.now()
		return nil
	}
	if c.subject != nil {
		if in.Session != nil {
			return nil, errTokenOrSession
		}
		err := s.withSubject(ctx, c, func(st *state, p *pool, u *user) error {
			if err := associate(p, u); err != nil {
				return err
			}
			return st.putUser(p, u)
		})
		if err != nil {
			return nil, err
		}
		return &cip.AssociateSoftwareTokenOutput{SecretCode: aws.String(encodeTOTPSecret(secret))}, nil
	}
	var session string
	err := s.withSetupSession(ctx, c, aws.ToString(in.Session), func(st *state, u *user, rec *challengeRecord, _ string) (err error) {
		if err := associate(c.pool, u); err != nil {
			return err
		}
		if err := st.putUser(c.pool, u); err != nil {
			return err
		}
		prog := rec.Progress
		prog.MFADone = false // set up again: the new secret must be verified
		session, err = s.newSetupSession(st, c, u, prog)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cip.AssociateSoftwareTokenOutput{SecretCode: aws.String(encodeTOTPSecret(secret)), Session: aws.String(session)}, nil
}

// verifySoftwareToken is VerifySoftwareToken: a code of the secret
// AssociateSoftwareToken gave makes it the user's software token. With an
// access token that registers it (SetUserMFAPreference then enables it, as
// AWS's reference describes); with the Session of an MFA_SETUP challenge
// it also enables it and answers the Session that completes the sign-in
// (RespondToAuthChallenge MFA_SETUP). A wrong code is
// EnableSoftwareTokenMFAException and counted: after five, the secret (with
// an access token) or the Session is no longer good and setup starts
// again — AWS does not document the limit; five is the one of the other
// codes.
func (s *Server) verifySoftwareToken(ctx context.Context, c *caller, in *cip.VerifySoftwareTokenInput) (*cip.VerifySoftwareTokenOutput, error) {
	code, name := aws.ToString(in.UserCode), aws.ToString(in.FriendlyDeviceName)
	if c.subject != nil {
		if in.Session != nil {
			return nil, errTokenOrSession
		}
		err := s.withSubject(ctx, c, func(st *state, p *pool, u *user) error {
			err := s.verifyPending(p, u, code, name)
			if err == errSoftwareTokenMismatch {
				if u.MFA.PendingFailures++; u.MFA.PendingFailures >= maxCodeFailures {
					u.MFA.PendingSecret, u.MFA.PendingFailures = nil, 0
				}
				if err := st.putUser(p, u); err != nil {
					return err
				}
				return &commitThen{errSoftwareTokenMismatch}
			}
			if err != nil {
				return err
			}
			u.Modified = s.now()
			return st.putUser(p, u)
		})
		if err != nil {
			return nil, err
		}
		return &cip.VerifySoftwareTokenOutput{Status: types.VerifySoftwareTokenResponseTypeSuccess}, nil
	}
	var session string
	err := s.withSetupSession(ctx, c, aws.ToString(in.Session), func(st *state, u *user, rec *challengeRecord, token string) (err error) {
		err = s.verifyPending(c.pool, u, code, name)
		if err == errSoftwareTokenMismatch {
			return s.countWrongAnswer(st, c.pool, token, rec, errSoftwareTokenMismatch)
		}
		if err != nil {
			return err
		}
		enableFactor(u, factorTOTP)
		u.Modified = s.now()
		if err := st.putUser(c.pool, u); err != nil {
			return err
		}
		prog := rec.Progress
		prog.MFADone = true
		session, err = s.newSetupSession(st, c, u, prog)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cip.VerifySoftwareTokenOutput{Status: types.VerifySoftwareTokenResponseTypeSuccess, Session: aws.String(session)}, nil
}

// verifyPending checks code against u's pending secret and, if right,
// makes that secret u's software token (named name). The caller stores u.
func (s *Server) verifyPending(p *pool, u *user, code, name string) error {
	if !p.MFAFactors.SoftwareToken {
		return errSoftwareTokenNotEnabled
	}
	if len(u.MFA.PendingSecret) == 0 {
		return errSoftwareTokenNotAssociated
	}
	step, err := s.checkTOTP(u.MFA.PendingSecret, 0, code)
	if err != nil {
		return errSoftwareTokenMismatch
	}
	u.MFA.TOTPSecret, u.MFA.TOTPLastStep, u.MFA.TOTPDeviceName = u.MFA.PendingSecret, step, name
	u.MFA.PendingSecret, u.MFA.PendingFailures = nil, 0
	return nil
}

// checkTOTP checks a code of secret at the current time step or one step
// either side, later than last (the step of the last code accepted): it
// returns the step the code is of, or CodeMismatchException, or
// ExpiredCodeException for a code already used.
func (s *Server) checkTOTP(secret []byte, last int64, given string) (int64, error) {
	if len(secret) == 0 || len(given) != totp.Digits {
		return 0, errTOTPCodeMismatch
	}
	now, reused := totp.Step(s.now()), false
	for step := now - 1; step <= now+1; step++ {
		if !constantTimeEqual(given, totp.Code(secret, step, totp.Digits)) {
			continue
		}
		if step <= last {
			reused = true
			continue
		}
		return step, nil
	}
	if reused {
		return 0, errTOTPCodeReused
	}
	return 0, errTOTPCodeMismatch
}

// MFA_SETUP sessions are "<poolID>.<token>": AssociateSoftwareToken and
// VerifySoftwareToken take one alone, without a client or pool ID, so the
// Session names its pool. The challenge record is kept, as every
// challenge's, by the hash of the token.

// newSetupSession stores a pending MFA_SETUP challenge of u's sign-in and
// returns its Session.
func (s *Server) newSetupSession(st *state, c *caller, u *user, prog progress) (string, error) {
	rec := &challengeRecord{Name: string(types.ChallengeNameTypeMfaSetup), UsernameKey: c.pool.usernameKey(u.Username), Progress: prog}
	token, err := s.newChallenge(st, c.client, c.pool, rec)
	return c.pool.ID + "." + token, err
}

// splitSetupSession splits an MFA_SETUP Session into its pool and token.
func splitSetupSession(session string) (poolID, token string, ok bool) {
	poolID, token, ok = strings.Cut(session, ".")
	return poolID, token, ok && poolID != "" && token != ""
}

// withSetupSession takes, in a write transaction, the MFA_SETUP challenge
// a Session names, making c its sign-in's caller (the client, pool and
// kind of call it was started with), and runs fn on it: fn continues the
// setup, usually with a new session. A plain error from fn leaves the
// challenge as it was (the transaction is discarded).
func (s *Server) withSetupSession(ctx context.Context, c *caller, session string, fn func(st *state, u *user, rec *challengeRecord, token string) error) error {
	if session == "" {
		return errNoTokenOrSession
	}
	poolID, token, ok := splitSetupSession(session)
	if !ok {
		return errInvalidSession
	}
	return s.update(ctx, func(st *state) error {
		p, err := st.pool(poolID)
		if err != nil {
			return errInvalidSession
		}
		pending, err := st.challenge(p, hashToken(token))
		if isNotFound(err) {
			return errInvalidSession
		}
		if err != nil {
			return err
		}
		cl, _, err := st.poolClient(p.ID, pending.ClientID)
		if err != nil {
			return errInvalidSession
		}
		c.client, c.pool, c.admin = cl, p, pending.Progress.Admin
		u, err := st.userByKey(p, pending.UsernameKey)
		if isNotFound(err) {
			return errInvalidSession
		}
		if err != nil {
			return err
		}
		rec, err := s.takeChallenge(st, c, string(types.ChallengeNameTypeMfaSetup), token, u)
		if err != nil {
			return err
		}
		return fn(st, u, rec, token)
	})
}

// enableFactor enables factor for u.
func enableFactor(u *user, factor string) {
	if !slices.Contains(u.MFA.Enabled, factor) {
		u.MFA.Enabled = append(u.MFA.Enabled, factor)
		slices.SortFunc(u.MFA.Enabled, func(a, b string) int { return slices.Index(factorOrder, a) - slices.Index(factorOrder, b) })
	}
}

// factorPreference is one member of SetUserMFAPreference for a factor.
type factorPreference struct {
	factor             string
	given              bool
	enabled, preferred bool
}

// setMFAPreference applies the members of SetUserMFAPreference or
// AdminSetUserMFAPreference to u (the caller stores it). A member left out
// changes nothing. Only one factor can be preferred; a preferred factor
// must be enabled. Enabling needs the pool to offer the factor and the
// user to be able to answer it: a verified software token (AWS: "User has
// not verified software token mfa"), a phone number or an email address.
// In a pool that requires MFA software-token MFA cannot be turned off, as
// AWS documents (only the preference can change).
// AWS does not document every refusal's wording; these are
// InvalidParameterException.
func setMFAPreference(p *pool, u *user, prefs []factorPreference) error {
	preferred := 0
	for _, f := range prefs {
		if f.given && f.preferred {
			preferred++
			if !f.enabled {
				return invalidParameter("%s cannot be preferred without being enabled.", f.factor)
			}
		}
	}
	if preferred > 1 {
		return invalidParameter("Only one MFA method can be preferred.")
	}
	for _, f := range prefs {
		switch {
		case !f.given:
		case f.enabled:
			if !p.MFAFactors.offers(f.factor) && !usable(p, u, f.factor) {
				if f.factor == factorEmail && p.Tier == string(types.UserPoolTierTypeLite) {
					return newError(excFeatureUnavailableInTier, "Email MFA requires the ESSENTIALS or PLUS feature plan.")
				}
				return invalidParameter("%s is not enabled for the user pool.", f.factor)
			}
			if !canAnswer(u, f.factor) {
				if f.factor == factorTOTP {
					return invalidParameter("User has not verified software token mfa")
				}
				return invalidParameter("User does not have delivery config set to turn on %s", f.factor)
			}
			enableFactor(u, f.factor)
			if f.preferred {
				u.MFA.Preferred = f.factor
			} else if u.MFA.Preferred == f.factor {
				u.MFA.Preferred = ""
			}
		case f.factor == factorTOTP && p.MFAConfiguration == string(types.UserPoolMfaTypeOn) && slices.Contains(u.MFA.Enabled, factorTOTP):
			// AWS: "You can't turn off TOTP MFA for any of your users when
			// MFA is required in your user pool".
			return invalidParameter("Software token MFA cannot be turned off while MFA is required in the user pool.")
		default:
			u.MFA.Enabled = slices.DeleteFunc(u.MFA.Enabled, func(e string) bool { return e == f.factor })
			if u.MFA.Preferred == f.factor {
				u.MFA.Preferred = ""
			}
		}
	}
	if len(u.MFA.Enabled) == 0 {
		u.MFA.Enabled = nil
	}
	return nil
}

// mfaPreferences are the members of a SetUserMFAPreference request.
func mfaPreferences(sms *types.SMSMfaSettingsType, token *types.SoftwareTokenMfaSettingsType, email *types.EmailMfaSettingsType) []factorPreference {
	prefs := []factorPreference{{factor: factorSMS}, {factor: factorTOTP}, {factor: factorEmail}}
	if sms != nil {
		prefs[0] = factorPreference{factorSMS, true, sms.Enabled, sms.PreferredMfa}
	}
	if token != nil {
		prefs[1] = factorPreference{factorTOTP, true, token.Enabled, token.PreferredMfa}
	}
	if email != nil {
		prefs[2] = factorPreference{factorEmail, true, email.Enabled, email.PreferredMfa}
	}
	return prefs
}

// errNoPasskeys refuses WebAuthnMfaSettings: passkeys are not supported
// yet.
var errNoPasskeys = invalidParameter("The local Cognito does not support passkeys (WebAuthnMfaSettings) yet.")

// setUserMFAPreference is SetUserMFAPreference: the token's user sets
// which factors are enabled and preferred.
func (s *Server) setUserMFAPreference(ctx context.Context, c *caller, in *cip.SetUserMFAPreferenceInput) (*cip.SetUserMFAPreferenceOutput, error) {
	if in.WebAuthnMfaSettings != nil {
		return nil, errNoPasskeys
	}
	err := s.withSubject(ctx, c, func(st *state, p *pool, u *user) error {
		if err := setMFAPreference(p, u, mfaPreferences(in.SMSMfaSettings, in.SoftwareTokenMfaSettings, in.EmailMfaSettings)); err != nil {
			return err
		}
		u.Modified = s.now()
		return st.putUser(p, u)
	})
	if err != nil {
		return nil, err
	}
	return &cip.SetUserMFAPreferenceOutput{}, nil
}

// adminSetUserMFAPreference is AdminSetUserMFAPreference: the
// administrator sets a user's MFA preference.
func (s *Server) adminSetUserMFAPreference(ctx context.Context, _ *caller, in *cip.AdminSetUserMFAPreferenceInput) (*cip.AdminSetUserMFAPreferenceOutput, error) {
	if in.WebAuthnMfaSettings != nil {
		return nil, errNoPasskeys
	}
	err := s.withAdminUser(ctx, in.UserPoolId, in.Username, true, func(st *state, p *pool, u *user) error {
		if err := setMFAPreference(p, u, mfaPreferences(in.SMSMfaSettings, in.SoftwareTokenMfaSettings, in.EmailMfaSettings)); err != nil {
			return err
		}
		u.Modified = s.now()
		return st.putUser(p, u)
	})
	if err != nil {
		return nil, err
	}
	return &cip.AdminSetUserMFAPreferenceOutput{}, nil
}

// mfaSettingList is u's UserMFASettingList: the factors u enabled (nil
// for none, which the output leaves out).
func (u *user) mfaSettingList() []string {
	return slices.Clone(u.MFA.Enabled)
}

// mfaOptions is the legacy MFAOptions: SMS to the phone number while SMS
// MFA is enabled (the only option it can describe).
func (u *user) mfaOptions() []types.MFAOptionType {
	if !slices.Contains(u.MFA.Enabled, factorSMS) {
		return nil
	}
	return []types.MFAOptionType{{AttributeName: aws.String("phone_number"), DeliveryMedium: types.DeliveryMediumTypeSms}}
}

// canAnswer reports whether u can answer factor: with a verified software
// token, a phone number (SMS) or an email address. AWS does not say that a
// phone number or email address must be verified for MFA; it is not
// required here.
func canAnswer(u *user, factor string) bool {
	switch factor {
	case factorTOTP:
		return len(u.MFA.TOTPSecret) > 0
	case factorSMS:
		return u.Attributes["phone_number"] != ""
	case factorEmail:
		return u.Attributes["email"] != ""
	}
	return false
}

// usable reports whether u may use factor in p: the pool offers it and u
// can answer it. A verified software token stays usable when the pool
// stops offering software tokens, as AWS documents ("users who previously
// associated and verified a TOTP token can continue to use it for MFA").
func usable(p *pool, u *user, factor string) bool {
	if !canAnswer(u, factor) {
		return false
	}
	return p.MFAFactors.offers(factor) || factor == factorTOTP
}

// signInFactors are the factors u's sign-in may ask, in factorOrder: those
// u enabled that the pool offers and u can answer — only the preferred
// one when it is among them. In a pool that requires MFA, a user who
// enabled none is asked any factor the pool offers that u can answer (a
// verified software token, or a phone number or an email address to send
// a code to).
func signInFactors(p *pool, u *user) []string {
	var enabled, available []string
	for _, f := range factorOrder {
		if !usable(p, u, f) {
			continue
		}
		available = append(available, f)
		if slices.Contains(u.MFA.Enabled, f) {
			enabled = append(enabled, f)
		}
	}
	if slices.Contains(enabled, u.MFA.Preferred) {
		return []string{u.MFA.Preferred}
	}
	if len(enabled) == 0 && p.MFAConfiguration == string(types.UserPoolMfaTypeOn) {
		return available
	}
	return enabled
}

// rememberedDeviceSparesMFA is AWS's rule for remembered devices and MFA
// (DeviceConfigurationType): when the pool's ChallengeRequiredOnNewDevice
// is true, "a remembered device can sign in with device authentication
// instead of" an MFA factor; "whether or not ChallengeRequiredOnNewDevice
// is true, users who sign in with devices that have not been confirmed or
// remembered must still provide a second factor". So MFA is spared only
// when the sign-in proved its device (prog.DeviceProven, DEVICE_SRP_AUTH
// in devices.go), the pool says so, and the device is confirmed and
// remembered now.
func rememberedDeviceSparesMFA(st *state, p *pool, u *user, prog *progress) (bool, error) {
	if !prog.DeviceProven || prog.DeviceKey == "" || p.DeviceConfiguration == nil || !p.DeviceConfiguration.ChallengeRequiredOnNewDevice {
		return false, nil
	}
	d, err := st.device(p, u, prog.DeviceKey)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return d.Confirmed && d.Remembered, nil
}

// mfaStage is the sign-in stage of MFA: the challenge the pool's
// configuration and the user's MFA settings call for, or nil. OFF asks
// nothing; OPTIONAL asks users who enabled a factor; ON asks every user,
// and one who can answer no factor sets up a software token (MFA_SETUP).
// One factor is asked directly; several without a preferred one are
// offered to choose from (SELECT_MFA_TYPE).
//
// A pool that offers no factor at all cannot ask one: only pools stored
// by versions that did not enforce MFA can be so (CreateUserPool,
// UpdateUserPool and SetUserPoolMfaConfig refuse it). Their sign-ins go
// on without MFA, with a warning, until SetUserPoolMfaConfig names the
// factors.
func (s *Server) mfaStage(st *state, c *caller, u *user, prog *progress) (*authStep, error) {
	p := c.pool
	if prog.MFADone || p.MFAConfiguration == string(types.UserPoolMfaTypeOff) {
		return nil, nil
	}
	if spared, err := rememberedDeviceSparesMFA(st, p, u, prog); err != nil || spared {
		return nil, err
	}
	factors := signInFactors(p, u)
	if len(factors) == 0 && len(p.MFAFactors.list()) == 0 {
		s.log.Warn("MFA is configured but the user pool offers no MFA factor: call SetUserPoolMfaConfig", "userPoolId", p.ID, "mfaConfiguration", p.MFAConfiguration)
		return nil, nil
	}
	switch {
	case len(factors) == 1:
		return s.mfaChallenge(st, c, u, *prog, factors[0])
	case len(factors) > 1:
		return s.selectMFAChallenge(st, c, u, *prog, factors)
	case p.MFAConfiguration == string(types.UserPoolMfaTypeOn):
		return s.mfaSetupChallenge(st, c, u, *prog)
	}
	return nil, nil
}

// mfaChallenge asks u for factor: a code of the software token, or one
// sent now by SMS or email (kept in the challenge, valid as long as it).
func (s *Server) mfaChallenge(st *state, c *caller, u *user, prog progress, factor string) (*authStep, error) {
	rec := &challengeRecord{Name: factor, UsernameKey: c.pool.usernameKey(u.Username), Progress: prog}
	params := map[string]string{"USER_ID_FOR_SRP": u.Username}
	switch factor {
	case factorTOTP:
		if u.MFA.TOTPDeviceName != "" {
			params["FRIENDLY_DEVICE_NAME"] = u.MFA.TOTPDeviceName
		}
	case factorSMS, factorEmail:
		attr := "phone_number"
		if factor == factorEmail {
			attr = "email"
		}
		rec.Code = randomString("0123456789", 6)
		d, err := s.send(st, c.pool, u, PurposeMFA, attr, rec.Code, "")
		if err != nil {
			return nil, err
		}
		params["CODE_DELIVERY_DELIVERY_MEDIUM"] = string(d.DeliveryMedium)
		params["CODE_DELIVERY_DESTINATION"] = aws.ToString(d.Destination)
	}
	session, err := s.newChallenge(st, c.client, c.pool, rec)
	if err != nil {
		return nil, err
	}
	return &authStep{challenge: types.ChallengeNameType(factor), params: params, session: session}, nil
}

// factorList is a list of factors as Cognito's challenge parameters carry
// it: a JSON array in a string.
func factorList(factors []string) string {
	if factors == nil {
		factors = []string{}
	}
	raw, _ := json.Marshal(factors)
	return string(raw)
}

// selectMFAChallenge offers u the factors to choose from.
func (s *Server) selectMFAChallenge(st *state, c *caller, u *user, prog progress, factors []string) (*authStep, error) {
	rec := &challengeRecord{Name: string(types.ChallengeNameTypeSelectMfaType), UsernameKey: c.pool.usernameKey(u.Username), Progress: prog}
	session, err := s.newChallenge(st, c.client, c.pool, rec)
	if err != nil {
		return nil, err
	}
	return &authStep{
		challenge: types.ChallengeNameTypeSelectMfaType, session: session,
		params: map[string]string{"MFAS_CAN_CHOOSE": factorList(factors), "USER_ID_FOR_SRP": u.Username},
	}, nil
}

// mfaSetupChallenge asks u, who must use MFA and can answer no factor, to
// set one up: MFAS_CAN_SETUP lists the factors the pool offers. A software
// token is set up with the Session (AssociateSoftwareToken,
// VerifySoftwareToken, then RespondToAuthChallenge MFA_SETUP); for SMS or
// email AWS says to give the user a phone number or an email address and
// sign in again.
func (s *Server) mfaSetupChallenge(st *state, c *caller, u *user, prog progress) (*authStep, error) {
	session, err := s.newSetupSession(st, c, u, prog)
	if err != nil {
		return nil, err
	}
	return &authStep{
		challenge: types.ChallengeNameTypeMfaSetup, session: session,
		params: map[string]string{"MFAS_CAN_SETUP": factorList(c.pool.MFAFactors.list()), "USER_ID_FOR_SRP": u.Username},
	}, nil
}

// answeringUser is the user an answer to an MFA challenge names (USERNAME,
// which may be an alias), after the SECRET_HASH over that name is checked.
func (s *Server) answeringUser(ctx context.Context, c *caller, a *challengeAnswer) (*user, error) {
	name := a.responses["USERNAME"]
	if name == "" {
		return nil, invalidParameter("Missing required parameter USERNAME")
	}
	if err := checkSecretHash(c.client, a.responses["SECRET_HASH"], name); err != nil {
		return nil, err
	}
	var u *user
	err := s.view(ctx, func(st *state) (err error) {
		if u, err = st.user(c.pool, name); isNotFound(err) {
			return errInvalidSession
		}
		return err
	})
	return u, err
}

// answerInTx runs fn, in a write transaction, on the challenge of kind
// name that a's Session names, taken for the user a names; fn decides the
// sign-in's next step.
func (s *Server) answerInTx(ctx context.Context, c *caller, a *challengeAnswer, name, token string, fn func(st *state, u *user, rec *challengeRecord) (*outcome, error)) (*authStep, error) {
	named, err := s.answeringUser(ctx, c, a)
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
		rec, err := s.takeChallenge(st, c, name, token, u)
		if err != nil {
			return err
		}
		next, err = fn(st, u, rec)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.finish(c, next)
}

// countWrongAnswer counts a wrong code given to a taken challenge and
// puts the challenge back, so that the same Session can be answered again
// — until maxCodeFailures wrong codes, after which it stays taken and the
// sign-in starts over. AWS documents CodeMismatchException for a wrong
// code but not how many tries a session allows; five, as for the other
// codes, is the conservative choice. The count is kept (commitThen).
func (s *Server) countWrongAnswer(st *state, p *pool, token string, rec *challengeRecord, wrong error) error {
	rec.Failures++
	if rec.Failures < maxCodeFailures {
		if err := st.putChallenge(p, hashToken(token), rec); err != nil {
			return err
		}
	}
	return &commitThen{wrong}
}

// answerMFACode answers the challenge of factor with the code in member.
func (s *Server) answerMFACode(ctx context.Context, c *caller, a *challengeAnswer, factor, member string) (*authStep, error) {
	given := a.responses[member]
	if given == "" {
		return nil, invalidParameter("Missing required parameter %s", member)
	}
	return s.answerInTx(ctx, c, a, factor, a.session, func(st *state, u *user, rec *challengeRecord) (*outcome, error) {
		if factor == factorTOTP {
			step, err := s.checkTOTP(u.MFA.TOTPSecret, u.MFA.TOTPLastStep, given)
			if err != nil {
				return nil, s.countWrongAnswer(st, c.pool, a.session, rec, err)
			}
			u.MFA.TOTPLastStep = step
			if err := st.putUser(c.pool, u); err != nil {
				return nil, err
			}
		} else if rec.Code == "" || !constantTimeEqual(given, rec.Code) {
			return nil, s.countWrongAnswer(st, c.pool, a.session, rec, errMFACodeMismatch)
		}
		prog := rec.Progress
		prog.MFADone = true
		if rec.FirstFactor { // a passwordless first factor (userauth.go): MFA does not follow
			return s.afterPasswordless(st, c, u, prog)
		}
		return s.proceed(st, c, u, prog)
	})
}

// softwareTokenMFA answers SOFTWARE_TOKEN_MFA (SOFTWARE_TOKEN_MFA_CODE).
func (s *Server) softwareTokenMFA(ctx context.Context, c *caller, a *challengeAnswer) (*authStep, error) {
	return s.answerMFACode(ctx, c, a, factorTOTP, "SOFTWARE_TOKEN_MFA_CODE")
}

// smsMFA answers SMS_MFA (SMS_MFA_CODE).
func (s *Server) smsMFA(ctx context.Context, c *caller, a *challengeAnswer) (*authStep, error) {
	return s.answerMFACode(ctx, c, a, factorSMS, "SMS_MFA_CODE")
}

// emailMFA answers EMAIL_OTP (EMAIL_OTP_CODE), asked as MFA or as the
// first factor of USER_AUTH (userauth.go).
func (s *Server) emailMFA(ctx context.Context, c *caller, a *challengeAnswer) (*authStep, error) {
	return s.answerMFACode(ctx, c, a, factorEmail, "EMAIL_OTP_CODE")
}

// selectMFAType answers SELECT_MFA_TYPE: ANSWER names one of the factors
// offered (SOFTWARE_TOKEN_MFA, SMS_MFA or EMAIL_OTP; EMAIL_MFA, which
// AWS's reference also names, reads as EMAIL_OTP), which is asked next
// with a new Session. An answer naming another factor is refused and
// leaves the Session usable.
func (s *Server) selectMFAType(ctx context.Context, c *caller, a *challengeAnswer) (*authStep, error) {
	factor := a.responses["ANSWER"]
	if factor == "" {
		return nil, invalidParameter("Missing required parameter ANSWER")
	}
	if factor == "EMAIL_MFA" {
		factor = factorEmail
	}
	return s.answerInTx(ctx, c, a, string(types.ChallengeNameTypeSelectMfaType), a.session, func(st *state, u *user, rec *challengeRecord) (*outcome, error) {
		if !slices.Contains(signInFactors(c.pool, u), factor) {
			return nil, invalidParameter("Invalid ANSWER %q: choose one of MFAS_CAN_CHOOSE.", truncate(factor, 32))
		}
		step, err := s.mfaChallenge(st, c, u, rec.Progress, factor)
		return &outcome{step: step}, err
	})
}

// mfaSetup answers MFA_SETUP with the Session VerifySoftwareToken returned:
// the software token is set up and the sign-in continues. The Session of
// the challenge as asked, or of AssociateSoftwareToken, is refused (and
// stays usable): the token must be verified first.
func (s *Server) mfaSetup(ctx context.Context, c *caller, a *challengeAnswer) (*authStep, error) {
	poolID, token, ok := splitSetupSession(a.session)
	if !ok || poolID != c.pool.ID {
		return nil, errInvalidSession
	}
	return s.answerInTx(ctx, c, a, string(types.ChallengeNameTypeMfaSetup), token, func(st *state, u *user, rec *challengeRecord) (*outcome, error) {
		if !rec.Progress.MFADone {
			return nil, errMFASetupNotVerified
		}
		return s.proceed(st, c, u, rec.Progress)
	})
}
