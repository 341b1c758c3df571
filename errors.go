package cognito

import (
	"context"
	"errors"
	"net"
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
	// ErrSecretHashRequired: the app client has a secret and the call
	// lacked a correct SECRET_HASH; configure the client secret.
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
// errors.As (smithy.APIError, the SDK's typed exceptions). Its message is
// for people, in the client's language; it never contains a password,
// token, code or client secret (an ErrTriggerFailed's ends with the
// reason the pool's own function gave).
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
}

// Challenge is a step Cognito asks for before it issues tokens, such as
// NEW_PASSWORD_REQUIRED. Answer it with the SDK's RespondToAuthChallenge,
// passing Session back.
type Challenge struct {
	Name       string
	Session    string
	Parameters map[string]string
}

// Error returns the operation and the message for people.
func (e *Error) Error() string {
	msg := "cognito: " + strings.ToLower(e.Op[:1]) + e.Op[1:] + ": " + e.Message()
	if e.Code != "" {
		msg += " (" + e.Code + ")"
	}
	return msg
}

// Message returns the message for people alone, in the client's language.
// For ErrTriggerFailed it ends with Cognito's reason, e.g. "PreSignUp
// failed with error <the function's message>.".
func (e *Error) Message() string {
	m := message(e.Kind, e.lang)
	var api smithy.APIError
	if e.Kind == ErrTriggerFailed && errors.As(e.Err, &api) && api.ErrorMessage() != "" {
		m = strings.TrimSuffix(m, ".") + ": " + api.ErrorMessage()
	}
	return m
}

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
		e.Kind = kindOf(e.Code, api.ErrorMessage())
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

// kindOf maps Cognito's error code (and, for the codes Cognito uses for
// several causes, its message) to a Kind.
func kindOf(code, msg string) error {
	switch code {
	case "NotAuthorizedException":
		switch {
		case strings.Contains(msg, "SECRET_HASH"), strings.Contains(msg, "secret hash"):
			return ErrSecretHashRequired
		case strings.Contains(msg, "Incorrect username or password"):
			return ErrInvalidCredentials
		case strings.Contains(msg, "Password attempts exceeded"):
			return ErrTooManyRequests
		case strings.Contains(msg, "Invalid session for the user"):
			return ErrSignInExpired
		case strings.Contains(msg, "has expired"):
			return ErrTokenExpired
		}
		return ErrNotAuthorized
	case "UserLambdaValidationException", "UnexpectedLambdaException", "InvalidLambdaResponseException":
		return ErrTriggerFailed
	case "RefreshTokenReuseException":
		return ErrNotAuthorized
	case "UserNotConfirmedException":
		return ErrUserNotConfirmed
	case "UsernameExistsException", "AliasExistsException":
		return ErrUserExists
	case "UserNotFoundException":
		return ErrUserNotFound
	case "InvalidPasswordException":
		return ErrInvalidPassword
	case "CodeMismatchException", "EnableSoftwareTokenMFAException":
		return ErrCodeMismatch
	case "ExpiredCodeException":
		return ErrCodeExpired
	case "TooManyRequestsException", "LimitExceededException", "TooManyFailedAttemptsException",
		"ThrottlingException", "CodeDeliveryFailureException":
		return ErrTooManyRequests
	case "PasswordResetRequiredException":
		return ErrPasswordResetRequired
	case "ResourceNotFoundException":
		switch {
		case strings.Contains(msg, "Device"):
			return ErrDeviceNotRemembered
		case strings.Contains(msg, "Group"):
			return ErrGroupNotFound
		}
		return ErrPoolNotFound
	case "GroupExistsException":
		return ErrGroupExists
	case "InvalidParameterException", "SerializationException", "ValidationException":
		return ErrInvalidParameter
	case "UnrecognizedClientException", "MissingAuthenticationTokenException", "InvalidSignatureException",
		"ExpiredTokenException", "AccessDeniedException":
		return ErrNoCredentials
	}
	return ErrUnexpected
}
