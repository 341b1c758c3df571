package emulator

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// The MFA stage of a sign-in and its challenges: SOFTWARE_TOKEN_MFA,
// SMS_MFA, EMAIL_OTP, SELECT_MFA_TYPE and MFA_SETUP.

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
		d, pending, err := s.deliverSignInCode(st, c, u, attr, rec.Code)
		if err != nil {
			return nil, err
		}
		params["CODE_DELIVERY_DELIVERY_MEDIUM"] = string(d.DeliveryMedium)
		params["CODE_DELIVERY_DESTINATION"] = aws.ToString(d.Destination)
		session, err := s.newChallenge(st, c.client, c.pool, rec)
		if err != nil {
			return nil, err
		}
		return &authStep{challenge: types.ChallengeNameType(factor), params: params, session: session, pending: pending}, nil
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
	return s.finish(ctx, c, next)
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
