package cognito

import (
	"context"
	"errors"
	"net"
	"regexp"
	"strings"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Kinds of failure, for errors.Is. Every error this package returns is an
// *Error whose Kind is one of these.
var (
	// ErrInvalidCredentials: wrong username or password.
	ErrInvalidCredentials = errors.New("invalid credentials")
	// ErrUserNotConfirmed: the user has not confirmed their account yet.
	ErrUserNotConfirmed = errors.New("user not confirmed")
	// ErrAlreadyConfirmed: the account is already confirmed, so there is
	// nothing to confirm (Confirm) or to send a code for (ResendCode); the
	// user can sign in.
	ErrAlreadyConfirmed = errors.New("user already confirmed")
	// ErrUserExists: the username, email or phone number is taken.
	ErrUserExists = errors.New("user already exists")
	// ErrUserNotFound: no such user.
	ErrUserNotFound = errors.New("user not found")
	// ErrInvalidPassword: the new password breaks the pool's policy.
	ErrInvalidPassword = errors.New("password does not meet the policy")
	// ErrCodeMismatch: the confirmation or reset code is wrong.
	ErrCodeMismatch = errors.New("code mismatch")
	// ErrCodeExpired: the code is too old, or was already used.
	ErrCodeExpired = errors.New("code expired")
	// ErrTooManyRequests: throttling, a limit, or a lockout after too many
	// failed attempts; wait before trying again.
	ErrTooManyRequests = errors.New("too many requests")
	// ErrTokenExpired: the access or refresh token has expired.
	ErrTokenExpired = errors.New("token expired")
	// ErrNotAuthorized: Cognito refused the call for another reason (a
	// revoked token, a disabled user, a client not allowed the flow...).
	ErrNotAuthorized = errors.New("not authorized")
	// ErrWrongClient: Cognito refused tokens that were issued to another
	// app client, or by another user pool or endpoint, than the Client's —
	// a session saved by one configuration and used with another. Sign in
	// again with this one.
	ErrWrongClient = errors.New("tokens of another client")
	// ErrSecretHashRequired: the app client has a secret and the call
	// lacked a correct SECRET_HASH (or ClientSecret): the secret is not
	// configured, or it is wrong — the message says which.
	ErrSecretHashRequired = errors.New("client secret required")
	// ErrPasswordResetRequired: an administrator requires the user to reset
	// their password (ForgotPassword, then ConfirmForgotPassword).
	ErrPasswordResetRequired = errors.New("password reset required")
	// ErrPoolNotFound: the user pool or app client does not exist (check
	// the IDs and the region).
	ErrPoolNotFound = errors.New("user pool or client not found")
	// ErrInvalidParameter: Cognito rejected an input.
	ErrInvalidParameter = errors.New("invalid parameter")
	// ErrNoCredentials: the call needs AWS credentials and none were
	// found.
	ErrNoCredentials = errors.New("no AWS credentials")
	// ErrChallengeRequired: sign-in needs another step; Error.Challenge
	// says which.
	ErrChallengeRequired = errors.New("challenge required")
	// ErrSignInExpired: a sign-in's step was answered after its session
	// expired (a few minutes) or was already answered; start the sign-in
	// again.
	ErrSignInExpired = errors.New("sign-in session expired")
	// ErrDeviceNotRemembered: a sign-in named a device Cognito does not
	// remember (forgotten, or of another user); sign in without it.
	ErrDeviceNotRemembered = errors.New("device not remembered")
	// ErrSessionEnded: a Session can no longer refresh its tokens (signed
	// out, refresh token expired, user gone); sign in again. The cause's
	// kind matches too.
	ErrSessionEnded = errors.New("session ended")
	// ErrTriggerFailed: one of the user pool's Lambda triggers refused the
	// request or failed (Cognito's UserLambdaValidationException,
	// UnexpectedLambdaException, InvalidLambdaResponseException). The
	// message ends with Cognito's reason, which quotes the function's own
	// error message.
	ErrTriggerFailed = errors.New("lambda trigger failed")
	// ErrUnavailable: Cognito could not be reached (network, endpoint,
	// timeout).
	ErrUnavailable = errors.New("cognito unavailable")
	// ErrUnexpected: any other failure.
	ErrUnexpected = errors.New("unexpected error")
	// ErrGroupNotFound: no group of the user pool has that name.
	ErrGroupNotFound = errors.New("group not found")
	// ErrGroupExists: the user pool already has a group of that name.
	ErrGroupExists = errors.New("group already exists")
)

// Error is a failed operation: which one, what kind of failure, Cognito's
// error code, and the underlying SDK error, which stays reachable with
// errors.As (smithy.APIError, the SDK's typed exceptions).
//
// It has two texts. Message is for people, in the client's language, and
// keeps Cognito's reason when it is about the input: which password rule
// failed, which attribute the pool does not have, an invalid email
// address, no verified email or phone to reset a password with. Error is
// the same in English, with the operation and Cognito's code, stable for
// logs. Neither contains a password, token, code or client secret (an
// ErrTriggerFailed's ends with the reason the pool's own function gave).
type Error struct {
	// Op is the operation, e.g. "Authenticate".
	Op string
	// Kind is one of the Err* sentinels; errors.Is(err, Kind) is true.
	Kind error
	// Code is Cognito's error code (e.g. "NotAuthorizedException"), empty
	// when the failure did not come from Cognito.
	Code string
	// Challenge is set when Kind is ErrChallengeRequired.
	Challenge *Challenge
	// Err is the underlying error.
	Err error

	lang string
	// why is what Cognito said was wrong, when the catalog has words for
	// it, and detail its argument (an attribute's name, a client ID):
	// never a secret.
	why    reason
	detail string
}

// Challenge is a step Cognito asks for before it issues tokens, such as
// NEW_PASSWORD_REQUIRED. Answer it with the SDK's RespondToAuthChallenge,
// passing Session back.
type Challenge struct {
	Name       string
	Session    string
	Parameters map[string]string
}

// Error returns the operation, the message in English and Cognito's
// error code, e.g. "cognito: authenticate: Incorrect email or password.
// (NotAuthorizedException)": the same whatever the client's language.
func (e *Error) Error() string {
	msg := "cognito: " + strings.ToLower(e.Op[:1]) + e.Op[1:] + ": " + e.text("en")
	if e.Code != "" {
		msg += " (" + e.Code + ")"
	}
	return msg
}

// Message returns the message for people alone, in the client's language.
// When Cognito's reason is about the input it says it (e.g. "The password
// does not meet the policy: it needs a number."); for ErrTriggerFailed it
// ends with Cognito's reason, e.g. "PreSignUp failed with error <the
// function's message>.".
func (e *Error) Message() string { return e.text(e.lang) }

// text is the message in lang: the reason's words when there is one, else
// the kind's, followed by Cognito's own words for the kinds about the
// input that the catalog has no words for.
func (e *Error) text(lang string) string {
	if e.why != noReason {
		return reasonText(e.why, e.detail, lang)
	}
	m := message(e.Kind, lang)
	var api smithy.APIError
	if !errors.As(e.Err, &api) || api.ErrorMessage() == "" {
		return m
	}
	switch e.Kind {
	case ErrTriggerFailed, ErrInvalidPassword:
		return strings.TrimSuffix(m, ".") + ": " + api.ErrorMessage()
	case ErrInvalidParameter:
		// A validation message may quote the value it refused
		// ("Value 'x' at 'username' ..."): the value is left out.
		return strings.TrimSuffix(m, ".") + ": " + quotedValue.ReplaceAllString(api.ErrorMessage(), "Value at")
	}
	return m
}

// quotedValue is the quoted value in an AWS validation message.
var quotedValue = regexp.MustCompile(`Value '.*?' at`)

// Is reports whether target is the error's Kind.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// newError classifies err, a failure of op, into an *Error.
func newError(op, lang string, err error) *Error {
	e := &Error{Op: op, Kind: ErrUnexpected, Err: err, lang: lang}
	var api smithy.APIError
	switch {
	case errors.As(err, &api):
		e.Code = api.ErrorCode()
		c := classify(e.Code, api.ErrorMessage())
		e.Kind, e.why, e.detail = c.kind, c.why, c.detail
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		e.Kind = ErrUnavailable
	default:
		var sendErr *smithyhttp.RequestSendError
		var netErr net.Error
		if errors.As(err, &sendErr) || errors.As(err, &netErr) {
			e.Kind = ErrUnavailable
		}
	}
	return e
}

// cause is what a failure of Cognito means: a Kind and, when Cognito's
// message says more precisely what was wrong, a reason and its detail.
type cause struct {
	kind   error
	why    reason
	detail string
}

// classify maps Cognito's error code and message to its cause. Cognito
// uses one code for several causes, and says which in its message.
func classify(code, msg string) cause {
	switch code {
	case "NotAuthorizedException":
		switch {
		case strings.Contains(msg, "Unable to verify secret"):
			return cause{ErrSecretHashRequired, reasonSecretWrong, ""}
		case strings.Contains(msg, "SECRET_HASH"), strings.Contains(msg, "secret hash"), strings.Contains(msg, "configured with secret"):
			return cause{ErrSecretHashRequired, noReason, ""}
		case strings.Contains(msg, "Incorrect username or password"):
			return cause{ErrInvalidCredentials, noReason, ""}
		case strings.Contains(msg, "Password attempts exceeded"):
			return cause{ErrTooManyRequests, noReason, ""}
		case strings.Contains(msg, "Invalid session for the user"):
			return cause{ErrSignInExpired, noReason, ""}
		case strings.Contains(msg, "has expired"):
			return cause{ErrTokenExpired, noReason, ""}
		case strings.Contains(msg, "Current status is CONFIRMED"), strings.Contains(msg, "status is not UNCONFIRMED"):
			return cause{ErrAlreadyConfirmed, noReason, ""}
		}
		return cause{ErrNotAuthorized, noReason, ""}
	case "UnauthorizedException": // RevokeToken's NotAuthorizedException
		switch {
		case strings.Contains(msg, "secret"):
			return cause{ErrSecretHashRequired, reasonSecretUnsure, ""}
		case strings.Contains(msg, "another client"):
			return cause{ErrWrongClient, noReason, ""}
		}
		return cause{ErrNotAuthorized, noReason, ""}
	case "UnsupportedOperationException":
		if strings.Contains(msg, "revocation") {
			return cause{ErrNotAuthorized, reasonRevocationDisabled, ""}
		}
		return cause{ErrUnexpected, noReason, ""}
	case "UserLambdaValidationException", "UnexpectedLambdaException", "InvalidLambdaResponseException":
		return cause{ErrTriggerFailed, noReason, ""}
	case "RefreshTokenReuseException":
		return cause{ErrNotAuthorized, noReason, ""}
	case "UserNotConfirmedException":
		return cause{ErrUserNotConfirmed, noReason, ""}
	case "UsernameExistsException", "AliasExistsException":
		return cause{ErrUserExists, noReason, ""}
	case "UserNotFoundException":
		return cause{ErrUserNotFound, noReason, ""}
	case "InvalidPasswordException":
		return cause{ErrInvalidPassword, passwordRule(msg), ""}
	case "PasswordHistoryPolicyViolationException":
		return cause{ErrInvalidPassword, reasonPasswordReused, ""}
	case "CodeMismatchException", "EnableSoftwareTokenMFAException":
		return cause{ErrCodeMismatch, noReason, ""}
	case "ExpiredCodeException":
		return cause{ErrCodeExpired, noReason, ""}
	case "TooManyRequestsException", "LimitExceededException", "TooManyFailedAttemptsException",
		"ThrottlingException", "CodeDeliveryFailureException":
		return cause{ErrTooManyRequests, noReason, ""}
	case "PasswordResetRequiredException":
		return cause{ErrPasswordResetRequired, noReason, ""}
	case "ResourceNotFoundException":
		switch {
		case strings.Contains(msg, "Device"):
			return cause{ErrDeviceNotRemembered, noReason, ""}
		case strings.Contains(msg, "Group"):
			return cause{ErrGroupNotFound, noReason, ""}
		}
		return cause{ErrPoolNotFound, noReason, ""}
	case "GroupExistsException":
		return cause{ErrGroupExists, noReason, ""}
	case "InvalidParameterException":
		return invalidParameter(msg)
	case "SerializationException", "ValidationException":
		return cause{ErrInvalidParameter, noReason, ""}
	case "UnrecognizedClientException", "MissingAuthenticationTokenException", "InvalidSignatureException",
		"ExpiredTokenException", "AccessDeniedException":
		return cause{ErrNoCredentials, noReason, ""}
	}
	return cause{ErrUnexpected, noReason, ""}
}

// invalidParameter reads an InvalidParameterException's message: most are
// about an input, which the message names.
func invalidParameter(msg string) cause {
	switch {
	case strings.Contains(msg, "User is already confirmed"):
		return cause{ErrAlreadyConfirmed, noReason, ""}
	case strings.Contains(msg, "Invalid email address format"):
		return cause{ErrInvalidParameter, reasonInvalidEmail, ""}
	case strings.Contains(msg, "Invalid phone number format"):
		return cause{ErrInvalidParameter, reasonInvalidPhone, ""}
	case strings.Contains(msg, "no registered/verified email or phone_number"):
		return cause{ErrInvalidParameter, reasonNoVerifiedContact, ""}
	case strings.Contains(msg, "Attribute does not exist in the schema"):
		if names := schemaAttributes(msg, "Attribute does not exist in the schema"); names != "" {
			return cause{ErrInvalidParameter, reasonUnknownAttribute, names}
		}
	case strings.Contains(msg, "The attribute is required"):
		if names := schemaAttributes(msg, "The attribute is required"); names != "" {
			return cause{ErrInvalidParameter, reasonRequiredAttribute, names}
		}
	case strings.HasPrefix(msg, "The user has no ") && strings.HasSuffix(msg, " to verify."):
		return cause{ErrInvalidParameter, reasonNothingToVerify, strings.TrimSuffix(strings.TrimPrefix(msg, "The user has no "), " to verify.")}
	case strings.Contains(msg, "assword' failed to satisfy constraint: Member must have length greater than or equal to"):
		// 'password', 'proposedPassword': shorter than the API's own minimum.
		return cause{ErrInvalidPassword, reasonPasswordTooShort, ""}
	}
	return cause{ErrInvalidParameter, noReason, ""}
}

// schemaAttributes returns the attributes a schema message names, one per
// line as "Attributes did not conform to the schema: NAME: <problem>",
// joined with ", "; "" if it names none.
func schemaAttributes(msg, problem string) string {
	msg = strings.TrimPrefix(msg, "Attributes did not conform to the schema:")
	var names []string
	for _, line := range strings.Split(msg, "\n") {
		name, rest, ok := strings.Cut(strings.TrimSpace(line), ": ")
		if ok && strings.HasPrefix(rest, problem) && name != "" && !strings.ContainsAny(name, " \t") {
			names = append(names, name)
		}
	}
	return strings.Join(names, ", ")
}

// passwordRule is the rule of the pool's password policy an
// InvalidPasswordException's message says the password breaks.
func passwordRule(msg string) reason {
	for _, r := range []struct {
		words string
		why   reason
	}{
		{"not long enough", reasonPasswordTooShort},
		{"uppercase", reasonPasswordNoUppercase},
		{"lowercase", reasonPasswordNoLowercase},
		{"numeric", reasonPasswordNoNumber},
		{"symbol", reasonPasswordNoSymbol},
		{"previously", reasonPasswordReused},
	} {
		if strings.Contains(msg, r.words) {
			return r.why
		}
	}
	return noReason
}
