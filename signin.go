package cognito

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/internal/srp"
)

// A sign-in step by step: SignIn (or AdminSignIn) starts it, and each
// Answer answers the step Cognito asks for — a new password, an MFA code,
// a choice — until the tokens.
//
//	s, err := client.SignIn(ctx, "ana@example.com", password, cognito.WithSRP())
//	for err == nil && s.Tokens == nil {
//		s, err = client.Answer(ctx, s, ask(s.Step)) // the code, the new password...
//	}
//
// SignInCustom (or AdminSignInCustom) starts a custom sign-in instead,
// whose steps the user pool's own Lambda functions decide; each of their
// challenges is a StepCustomChallenge, answered with Answer too.

// StepKind is a step Cognito asks for before it issues tokens; its value
// is the name of Cognito's challenge.
type StepKind string

// The steps a sign-in can ask for, and what Answer takes for each.
const (
	// StepNewPassword: the user signed in with a temporary password and
	// must choose a new one. Answer: the new password.
	StepNewPassword StepKind = "NEW_PASSWORD_REQUIRED"
	// StepTOTPCode: the code of the user's authenticator app. Answer: the
	// six digits.
	StepTOTPCode StepKind = "SOFTWARE_TOKEN_MFA"
	// StepSMSCode: the code Cognito sent by SMS (Step.CodeDelivery says
	// where). Answer: the code.
	StepSMSCode StepKind = "SMS_MFA"
	// StepEmailCode: the code Cognito sent by email. Answer: the code.
	StepEmailCode StepKind = "EMAIL_OTP"
	// StepSMSOTP: the one-time code of a passwordless sign-in by SMS.
	// Answer: the code.
	StepSMSOTP StepKind = "SMS_OTP"
	// StepSelectMFA: the user has several MFA methods and chooses one.
	// Answer: one of Step.Options (StepTOTPCode, StepSMSCode or
	// StepEmailCode, as strings).
	StepSelectMFA StepKind = "SELECT_MFA_TYPE"
	// StepSetUpTOTP: MFA is required and the user has none: add
	// Step.TOTP to an authenticator app. Answer: the code it shows.
	StepSetUpTOTP StepKind = "MFA_SETUP"
	// StepSelectFactor: a choice-based sign-in offers several first
	// factors. Answer: one of Step.Options.
	StepSelectFactor StepKind = "SELECT_CHALLENGE"
	// StepCustomChallenge: a challenge of the user pool's own functions,
	// in a custom sign-in (SignInCustom): Step.Parameters are the public
	// parameters its CreateAuthChallenge function set, and Cognito's
	// USERNAME. Answer: the user's answer, which its
	// VerifyAuthChallengeResponse function checks. A wrong answer is not
	// an error: the DefineAuthChallenge function decides what follows —
	// another StepCustomChallenge, or ErrInvalidCredentials.
	StepCustomChallenge StepKind = "CUSTOM_CHALLENGE"
)

// Step is what a sign-in waits for.
type Step struct {
	Kind StepKind
	// CodeDelivery says where Cognito sent a code (SMS and email steps).
	CodeDelivery *CodeDelivery
	// Options are the choices of StepSelectMFA and StepSelectFactor.
	Options []string
	// TOTP is the secret to add to an authenticator app (StepSetUpTOTP).
	TOTP *TOTPSecret
	// Parameters are the challenge's parameters as Cognito sent them (for
	// StepCustomChallenge, the function's public challenge parameters).
	Parameters map[string]string
}

// TOTPSecret is a new authenticator-app (TOTP) secret.
type TOTPSecret struct {
	// Secret is the base32 secret, for typing into an app.
	Secret string
	// URI is the otpauth:// URI that carries it, for a QR code.
	URI string
}

// SignIn is where a sign-in stands: done (Tokens set) or waiting for the
// answer to Step. It is a value to pass back to Answer, valid for the few
// minutes Cognito keeps a sign-in session (the app client's
// AuthSessionValidity).
type SignIn struct {
	// Tokens are the user's tokens, once the sign-in is done.
	Tokens *Tokens
	// Step is what Cognito asks for next, while it is not.
	Step *Step

	challenge types.ChallengeNameType
	session   string
	username  string // the username Cognito names (USER_ID_FOR_SRP)
	admin     bool   // started by AdminSignIn
	issuer    string // for TOTP URIs
	// device is the remembered device the sign-in is made with, and
	// deviceSecret the SRP secret of its proof under way.
	device       *RememberedDevice
	deviceSecret []byte
	// available are the first factors a choice-based sign-in offers
	// (AvailableChallenges).
	available []string
}

// SignInOption configures SignIn.
type SignInOption func(*signInOptions)

type signInOptions struct {
	srp        bool
	totpIssuer string
	device     *RememberedDevice
	// passwordFirst: a custom sign-in proves password first (WithPassword).
	passwordFirst bool
	password      string
}

// WithSRP proves the password with Cognito's SRP (USER_SRP_AUTH): the
// password never leaves the process. The app client must allow
// ALLOW_USER_SRP_AUTH; without this option SignIn sends the password
// (USER_PASSWORD_AUTH, over TLS), which the client must allow instead.
func WithSRP() SignInOption { return func(o *signInOptions) { o.srp = true } }

// WithPassword makes a custom sign-in (SignInCustom, AdminSignInCustom)
// start with the user's password, before the pool's own challenges:
// Cognito's custom authentication with SRP first. The password is proved
// with SRP, as with WithSRP — it never leaves the process — and a wrong
// one is ErrInvalidCredentials before any custom challenge. The
// DefineAuthChallenge function sees it as the SRP_A and PASSWORD_VERIFIER
// challenges of its session. SignIn and AdminSignIn, which take the
// password as an argument, ignore this option.
func WithPassword(password string) SignInOption {
	return func(o *signInOptions) { o.passwordFirst, o.password = true, password }
}

// WithTOTPIssuer names the service in the otpauth:// URI of a TOTP set-up
// (what the authenticator app shows); the default is "Cognito".
func WithTOTPIssuer(name string) SignInOption {
	return func(o *signInOptions) { o.totpIssuer = name }
}

func signInOptionsOf(opts []SignInOption) signInOptions {
	o := signInOptions{totpIssuer: "Cognito"}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// SignIn starts signing username (or an alias such as the email) in with
// a password and returns the tokens or the step Cognito asks for next.
// Wrong credentials are ErrInvalidCredentials, as for Authenticate.
func (c *Client) SignIn(ctx context.Context, username, password string, opts ...SignInOption) (*SignIn, error) {
	o := signInOptionsOf(opts)
	s := o.signIn(username, false)
	if o.srp {
		return c.srpSignIn(ctx, "SignIn", s, types.AuthFlowTypeUserSrpAuth, password, o)
	}
	return c.start(ctx, "SignIn", s, types.AuthFlowTypeUserPasswordAuth, c.authParameters(username, o, "PASSWORD", password))
}

// SignInWithCode starts a passwordless sign-in (Cognito's choice-based
// USER_AUTH flow): Cognito sends the user a one-time code — by email for
// StepEmailCode, by SMS for StepSMSOTP — and the step it returns asks for
// it. The pool must allow that first factor and the app client
// ALLOW_USER_AUTH. If the user cannot use it (no verified email, say), the
// step is StepSelectFactor with the factors they can use in Options.
func (c *Client) SignInWithCode(ctx context.Context, username string, by StepKind, opts ...SignInOption) (*SignIn, error) {
	if by != StepEmailCode && by != StepSMSOTP {
		return nil, &Error{Op: "SignInWithCode", Kind: ErrInvalidParameter, lang: c.lang,
			Err: errors.New("cognito: a passwordless code comes by email (StepEmailCode) or SMS (StepSMSOTP), not " + string(by))}
	}
	o := signInOptionsOf(opts)
	return c.start(ctx, "SignInWithCode", o.signIn(username, false), types.AuthFlowTypeUserAuth,
		c.authParameters(username, o, "PREFERRED_CHALLENGE", string(by)))
}

// SignInCustom starts a custom sign-in of username (Cognito's CUSTOM_AUTH
// flow), whose steps the user pool's own Lambda functions decide: its
// DefineAuthChallenge function says what comes next, CreateAuthChallenge
// makes each challenge — a one-time code it sends, a question — and
// VerifyAuthChallengeResponse checks the answer. Each challenge is a
// StepCustomChallenge, answered with Answer. With WithPassword the
// password is proved first, with SRP.
//
// The app client must allow ALLOW_CUSTOM_AUTH and the pool have the three
// triggers; otherwise the error is ErrInvalidParameter. When the functions
// end the sign-in (too many wrong answers, say) it is
// ErrInvalidCredentials; when one of them fails or refuses, it is
// ErrTriggerFailed, whose message carries the function's reason.
func (c *Client) SignInCustom(ctx context.Context, username string, opts ...SignInOption) (*SignIn, error) {
	return c.signInCustom(ctx, "SignInCustom", username, false, opts)
}

// AdminSignInCustom is SignInCustom from a back end (AdminInitiateAuth
// with CUSTOM_AUTH): it needs AWS credentials allowed to call Cognito's
// administrator's operations and Config.UserPoolID, as AdminSignIn does,
// and an app client that allows ALLOW_CUSTOM_AUTH. Its steps are answered
// with Answer.
func (c *Client) AdminSignInCustom(ctx context.Context, username string, opts ...SignInOption) (*SignIn, error) {
	return c.signInCustom(ctx, "AdminSignInCustom", username, true, opts)
}

// signInCustom starts CUSTOM_AUTH, with SRP_A first when the options carry
// the password.
func (c *Client) signInCustom(ctx context.Context, op, username string, admin bool, opts []SignInOption) (*SignIn, error) {
	o := signInOptionsOf(opts)
	s := o.signIn(username, admin)
	if o.passwordFirst {
		return c.srpSignIn(ctx, op, s, types.AuthFlowTypeCustomAuth, o.password, o)
	}
	return c.start(ctx, op, s, types.AuthFlowTypeCustomAuth, c.authParameters(username, o, "", ""))
}

// enumNames is a list of SDK enum values as strings.
func enumNames[E ~string](in []E) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}

// AdminSignIn signs a user in from a back end (AdminInitiateAuth with
// ADMIN_USER_PASSWORD_AUTH): it needs AWS credentials allowed to call
// Cognito's administrator's operations, Config.UserPoolID, and an app
// client that allows ALLOW_ADMIN_USER_PASSWORD_AUTH. Its steps are
// answered with Answer, as SignIn's are.
func (c *Client) AdminSignIn(ctx context.Context, username, password string, opts ...SignInOption) (*SignIn, error) {
	o := signInOptionsOf(opts)
	return c.start(ctx, "AdminSignIn", o.signIn(username, true), types.AuthFlowTypeAdminUserPasswordAuth,
		c.authParameters(username, o, "PASSWORD", password))
}

// authStart is Cognito's answer to the start of a sign-in.
type authStart struct {
	result    *types.AuthenticationResultType
	challenge types.ChallengeNameType
	session   *string
	params    map[string]string
	available []types.ChallengeNameType
}

// initiate starts a sign-in with flow: InitiateAuth, or AdminInitiateAuth
// for a sign-in started by an administrator's call.
func (c *Client) initiate(ctx context.Context, op string, admin bool, flow types.AuthFlowType, params map[string]string) (*authStart, error) {
	if admin {
		out, err := c.sdk.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{
			UserPoolId: aws.String(c.cfg.UserPoolID), ClientId: aws.String(c.cfg.ClientID), AuthFlow: flow, AuthParameters: params,
		})
		if err != nil {
			return nil, c.fail(op, err)
		}
		return &authStart{out.AuthenticationResult, out.ChallengeName, out.Session, out.ChallengeParameters, out.AvailableChallenges}, nil
	}
	out, err := c.sdk.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(c.cfg.ClientID), AuthFlow: flow, AuthParameters: params})
	if err != nil {
		return nil, c.fail(op, err)
	}
	return &authStart{out.AuthenticationResult, out.ChallengeName, out.Session, out.ChallengeParameters, out.AvailableChallenges}, nil
}

// start starts the sign-in s with flow and returns where it stands.
func (c *Client) start(ctx context.Context, op string, s *SignIn, flow types.AuthFlowType, params map[string]string) (*SignIn, error) {
	out, err := c.initiate(ctx, op, s.admin, flow, params)
	if err != nil {
		return nil, err
	}
	return c.started(ctx, op, s, out)
}

// started fills the sign-in s from Cognito's answer to its start.
func (c *Client) started(ctx context.Context, op string, s *SignIn, out *authStart) (*SignIn, error) {
	s.available = enumNames(out.available)
	return c.signInState(ctx, op, s, out.result, out.challenge, out.session, out.params)
}

// authParameters are the AuthParameters of a sign-in of username: its
// factor (name and value; none for an empty name), the SECRET_HASH and the
// remembered device.
func (c *Client) authParameters(username string, o signInOptions, factor, value string) map[string]string {
	params := map[string]string{"USERNAME": username}
	if factor != "" {
		params[factor] = value
	}
	if h := c.secretHash(username); h != nil {
		params["SECRET_HASH"] = *h
	}
	if o.device != nil {
		params["DEVICE_KEY"] = o.device.Key
	}
	return params
}

// signIn is a new sign-in of username as the options say.
func (o signInOptions) signIn(username string, admin bool) *SignIn {
	return &SignIn{username: username, admin: admin, issuer: o.totpIssuer, device: o.device}
}

// srpSignIn starts the sign-in s with SRP: A to Cognito, then the proof of
// the password over its PASSWORD_VERIFIER challenge, computed here. flow
// is USER_SRP_AUTH, or CUSTOM_AUTH for custom authentication with SRP
// first (CHALLENGE_NAME SRP_A).
func (c *Client) srpSignIn(ctx context.Context, op string, s *SignIn, flow types.AuthFlowType, password string, o signInOptions) (*SignIn, error) {
	a, A, err := srp.NewClientSecret()
	if err != nil {
		return nil, &Error{Op: op, Kind: ErrUnexpected, Err: err, lang: c.lang}
	}
	params := c.authParameters(s.username, o, "SRP_A", hexString(A))
	if flow == types.AuthFlowTypeCustomAuth {
		params["CHALLENGE_NAME"] = "SRP_A"
	}
	out, err := c.initiate(ctx, op, s.admin, flow, params)
	if err != nil {
		return nil, err
	}
	if out.challenge != types.ChallengeNameTypePasswordVerifier {
		return c.started(ctx, op, s, out)
	}
	userID := out.params["USER_ID_FOR_SRP"]
	poolName := srp.PoolName(c.cfg.UserPoolID)
	if poolName == "" {
		return nil, &Error{Op: op, Kind: ErrInvalidParameter, lang: c.lang,
			Err: errors.New("cognito: SRP sign-in needs Config.UserPoolID (its part after the underscore is in the proof)")}
	}
	proof, err := srpProof(poolName, userID, password, a, out.params)
	if err != nil {
		return nil, &Error{Op: op, Kind: ErrUnexpected, Err: err, lang: c.lang}
	}
	proof["USERNAME"] = userID
	if o.device != nil {
		proof["DEVICE_KEY"] = o.device.Key
	}
	s.username, s.challenge, s.session = userID, types.ChallengeNameTypePasswordVerifier, aws.ToString(out.session)
	return c.respond(ctx, op, s, proof)
}

// srpProof answers an SRP verifier challenge (PASSWORD_VERIFIER, or
// DEVICE_PASSWORD_VERIFIER with the device's group key, key and secret in
// place of the pool, user and password): from the client's secret a and
// the challenge's SALT, SRP_B and SECRET_BLOCK, the signature Cognito
// checks.
func srpProof(poolName, userID, password string, a []byte, params map[string]string) (map[string]string, error) {
	salt, err1 := hex.DecodeString(params["SALT"])
	B, err2 := hex.DecodeString(params["SRP_B"])
	block, err3 := base64.StdEncoding.DecodeString(params["SECRET_BLOCK"])
	if userID == "" || errors.Join(err1, err2, err3) != nil {
		return nil, errors.New("cognito: the SRP challenge lacks or garbles SALT, SRP_B, SECRET_BLOCK or the user")
	}
	key, err := srp.ClientKey(poolName, userID, password, salt, a, srp.ClientPublic(a), B)
	if err != nil {
		return nil, fmt.Errorf("cognito: SRP: %w", err)
	}
	timestamp := time.Now().UTC().Format(srp.TimestampLayout)
	return map[string]string{
		"PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
		"TIMESTAMP":                   timestamp,
		"PASSWORD_CLAIM_SIGNATURE":    base64.StdEncoding.EncodeToString(srp.Signature(key, poolName, userID, block, timestamp)),
	}, nil
}

func hexString(b []byte) string { return hex.EncodeToString(b) }

// Answer answers the step s waits for and returns where the sign-in
// stands then: the tokens, or the next step. A wrong code is
// ErrCodeMismatch (the same step may be answered again while its session
// lasts; a custom challenge's wrong answer is what the pool's functions
// make of it, see StepCustomChallenge); a session that expired or was already answered is
// ErrSignInExpired — start again.
func (c *Client) Answer(ctx context.Context, s *SignIn, answer string) (*SignIn, error) {
	if s == nil || s.Step == nil {
		return nil, &Error{Op: "Answer", Kind: ErrInvalidParameter, lang: c.lang, Err: errors.New("cognito: the sign-in waits for no step")}
	}
	var key string
	switch s.Step.Kind {
	case StepNewPassword:
		key = "NEW_PASSWORD"
	case StepTOTPCode:
		key = "SOFTWARE_TOKEN_MFA_CODE"
	case StepSMSCode:
		key = "SMS_MFA_CODE"
	case StepEmailCode:
		key = "EMAIL_OTP_CODE"
	case StepSMSOTP:
		key = "SMS_OTP_CODE"
	case StepSelectMFA, StepSelectFactor, StepCustomChallenge:
		key = "ANSWER"
	case StepSetUpTOTP:
		return c.verifyTOTPSetUp(ctx, s, answer)
	default:
		return nil, &Error{Op: "Answer", Kind: ErrUnexpected, lang: c.lang,
			Err: errors.New("cognito: this library cannot answer the " + string(s.Step.Kind) + " challenge")}
	}
	return c.respond(ctx, "Answer", s, map[string]string{"USERNAME": s.username, key: answer})
}

// verifyTOTPSetUp answers MFA_SETUP: the code proves the app holds the
// secret (VerifySoftwareToken), then the sign-in goes on.
func (c *Client) verifyTOTPSetUp(ctx context.Context, s *SignIn, code string) (*SignIn, error) {
	out, err := c.sdk.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: aws.String(s.session), UserCode: aws.String(code)})
	if err != nil {
		return nil, c.fail("Answer", err)
	}
	if out.Status != types.VerifySoftwareTokenResponseTypeSuccess {
		return nil, &Error{Op: "Answer", Kind: ErrCodeMismatch, lang: c.lang, Err: errors.New("cognito: the authenticator code was not accepted")}
	}
	next := *s
	next.session = aws.ToString(out.Session)
	return c.respond(ctx, "Answer", &next, map[string]string{"USERNAME": s.username})
}

// respond sends responses to the challenge s waits for, with the
// SECRET_HASH over the username Cognito named, through the call that
// started the sign-in.
func (c *Client) respond(ctx context.Context, op string, s *SignIn, responses map[string]string) (*SignIn, error) {
	if h := c.secretHash(s.username); h != nil {
		responses["SECRET_HASH"] = *h
	}
	next := &SignIn{username: s.username, admin: s.admin, issuer: s.issuer, device: s.device, deviceSecret: s.deviceSecret}
	if s.admin {
		out, err := c.sdk.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{
			UserPoolId: aws.String(c.cfg.UserPoolID), ClientId: aws.String(c.cfg.ClientID),
			ChallengeName: s.challenge, Session: optionalString(s.session), ChallengeResponses: responses,
		})
		if err != nil {
			return nil, c.fail(op, err)
		}
		return c.signInState(ctx, op, next, out.AuthenticationResult, out.ChallengeName, out.Session, out.ChallengeParameters)
	}
	out, err := c.sdk.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
		ClientId: aws.String(c.cfg.ClientID), ChallengeName: s.challenge, Session: optionalString(s.session), ChallengeResponses: responses,
	})
	if err != nil {
		return nil, c.fail(op, err)
	}
	return c.signInState(ctx, op, next, out.AuthenticationResult, out.ChallengeName, out.Session, out.ChallengeParameters)
}

// signInState fills s from Cognito's answer: the tokens, or the next step
// (for MFA_SETUP, after asking Cognito for the TOTP secret).
func (c *Client) signInState(ctx context.Context, op string, s *SignIn, result *types.AuthenticationResultType, challenge types.ChallengeNameType, session *string, params map[string]string) (*SignIn, error) {
	if result != nil {
		t, err := c.tokens(op, result, challenge, session, params)
		if err != nil {
			return nil, err
		}
		if s.device != nil {
			t.DeviceKey = s.device.Key
		}
		s.Tokens = t
		return s, nil
	}
	s.challenge, s.session = challenge, aws.ToString(session)
	if name := params["USER_ID_FOR_SRP"]; name != "" {
		s.username = name
	} else if name := params["USERNAME"]; name != "" {
		s.username = name
	}
	if challenge == types.ChallengeNameTypeDeviceSrpAuth || challenge == types.ChallengeNameTypeDevicePasswordVerifier {
		return c.answerDevice(ctx, op, s, params)
	}
	step := &Step{Kind: StepKind(challenge), Parameters: params}
	switch step.Kind {
	case StepSMSCode, StepEmailCode, StepSMSOTP:
		step.CodeDelivery = &CodeDelivery{
			Destination: params["CODE_DELIVERY_DESTINATION"],
			Medium:      params["CODE_DELIVERY_DELIVERY_MEDIUM"],
		}
	case StepSelectMFA:
		step.Options = jsonList(params["MFAS_CAN_CHOOSE"])
	case StepSelectFactor:
		step.Options = s.available
	case StepSetUpTOTP:
		out, err := c.sdk.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: session})
		if err != nil {
			return nil, c.fail(op, err)
		}
		s.session = aws.ToString(out.Session)
		step.TOTP = &TOTPSecret{Secret: aws.ToString(out.SecretCode), URI: totpURI(s.issuer, s.username, aws.ToString(out.SecretCode))}
	case StepNewPassword, StepTOTPCode, StepCustomChallenge:
	default:
		return nil, &Error{Op: op, Kind: ErrChallengeRequired, lang: c.lang,
			Err:       errors.New("cognito: Cognito answered with the " + string(challenge) + " challenge, which this library does not answer"),
			Challenge: &Challenge{Name: string(challenge), Session: s.session, Parameters: params}}
	}
	s.Step = step
	return s, nil
}

// totpURI is the otpauth:// URI of a TOTP secret (Google's Key Uri Format,
// which authenticator apps read from a QR code).
func totpURI(issuer, account, secret string) string {
	label := url.PathEscape(issuer) + ":" + url.PathEscape(account)
	q := url.Values{"secret": {secret}, "issuer": {issuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	return "otpauth://totp/" + label + "?" + q.Encode()
}

// jsonList reads a challenge parameter that is a JSON list of strings
// (MFAS_CAN_CHOOSE), tolerating a comma-separated one.
func jsonList(v string) []string {
	var out []string
	if err := json.Unmarshal([]byte(v), &out); err == nil {
		return out
	}
	for _, s := range strings.Split(v, ",") {
		if s = strings.Trim(strings.TrimSpace(s), `"[]`); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func optionalString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
