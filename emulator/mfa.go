package emulator

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// MFA: the pool's MFA configuration and a user's MFA preferences. The
// software token (TOTP) is in mfa_totp.go, the MFA stage and challenges of
// a sign-in in mfa_challenges.go.
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
		if err := applyMfaConfig(p, in); err != nil {
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

// applyMfaConfig sets the MFA configuration of a SetUserPoolMfaConfig
// request on p (see setUserPoolMfaConfig); the caller stores p. The
// declarative setup (setup.go) configures its pools' MFA with it too.
func applyMfaConfig(p *pool, in *cip.SetUserPoolMfaConfigInput) error {
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
	return checkSignInPolicy(p) // MFA required and passwordless sign-in (pool_settings.go)
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

// storeMFAPreference is the update of (Admin)SetUserMFAPreference: it
// sets prefs on the user and stores it.
func (s *Server) storeMFAPreference(prefs []factorPreference) func(st *state, p *pool, u *user) error {
	return func(st *state, p *pool, u *user) error {
		if err := setMFAPreference(p, u, prefs); err != nil {
			return err
		}
		u.Modified = s.now()
		return st.putUser(p, u)
	}
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
	err := s.withSubject(ctx, c, s.storeMFAPreference(mfaPreferences(in.SMSMfaSettings, in.SoftwareTokenMfaSettings, in.EmailMfaSettings)))
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
	err := s.withAdminUser(ctx, in.UserPoolId, in.Username, true, s.storeMFAPreference(mfaPreferences(in.SMSMfaSettings, in.SoftwareTokenMfaSettings, in.EmailMfaSettings)))
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
