package emulator

import (
	"fmt"
	"net/http"
)

// apiError is a failure answered in Cognito's own format: an HTTP status, a
// body {"__type": Type, "message": Message} and the x-amzn-ErrorType header.
// Messages are for people and never carry a secret.
type apiError struct {
	Status  int
	Type    string
	Message string
}

func (e *apiError) Error() string { return e.Type + ": " + e.Message }

func newError(typ, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Type: typ, Message: fmt.Sprintf(format, args...)}
}

// Cognito's exception names, as the SDKs map them to typed errors.
const (
	excAliasExists           = "AliasExistsException"
	excCodeMismatch          = "CodeMismatchException"
	excExpiredCode           = "ExpiredCodeException"
	excGroupExists           = "GroupExistsException"
	excInternal              = "InternalErrorException"
	excInvalidParameter      = "InvalidParameterException"
	excInvalidPassword       = "InvalidPasswordException"
	excInvalidOAuthFlow      = "InvalidOAuthFlowException"
	excScopeDoesNotExist     = "ScopeDoesNotExistException"
	excLimitExceeded         = "LimitExceededException"
	excMissingAuthToken      = "MissingAuthenticationTokenException"
	excNotAuthorized         = "NotAuthorizedException"
	excPasswordResetRequired = "PasswordResetRequiredException"
	excResourceNotFound      = "ResourceNotFoundException"
	excSerialization         = "SerializationException"
	excTooManyFailedAttempts = "TooManyFailedAttemptsException"
	excUnauthorized          = "UnauthorizedException"
	excUnknownOperation      = "UnknownOperationException"
	excUnsupportedMediaType  = "UnsupportedMediaTypeException"
	excUserNotConfirmed      = "UserNotConfirmedException"
	excUserNotFound          = "UserNotFoundException"
	excUsernameExists        = "UsernameExistsException"
	excUnsupportedUserState  = "UnsupportedUserStateException"
	excUnsupportedOperation  = "UnsupportedOperationException"
	excIncompleteSignature   = "IncompleteSignatureException"
	excInvalidSignature      = "InvalidSignatureException"
	excUnrecognizedClient    = "UnrecognizedClientException"
)

func invalidParameter(format string, args ...any) *apiError {
	return newError(excInvalidParameter, format, args...)
}

func notAuthorized(format string, args ...any) *apiError {
	return newError(excNotAuthorized, format, args...)
}

// Messages Cognito itself uses, so programs matching on them behave the same.
var (
	errIncorrectCredentials = notAuthorized("Incorrect username or password.")
	errMissingScope         = notAuthorized("Access Token does not have required scopes")
	errUserNotFound         = newError(excUserNotFound, "User does not exist.")
	errUserNotConfirmed     = newError(excUserNotConfirmed, "User is not confirmed.")
	errUserDisabled         = notAuthorized("User is disabled.")
	errPasswordAttempts     = notAuthorized("Password attempts exceeded")
	errCodeMismatch         = newError(excCodeMismatch, "Invalid verification code provided, please try again.")
	errCodeExpired          = newError(excExpiredCode, "Invalid code provided, please request a code again.")
	errAttemptLimit         = newError(excLimitExceeded, "Attempt limit exceeded, please try after some time.")
	errInvalidAccessToken   = notAuthorized("Invalid Access Token")
	errExpiredAccessToken   = notAuthorized("Access Token has expired")
	errRevokedAccessToken   = notAuthorized("Access Token has been revoked")
	errInvalidRefreshToken  = notAuthorized("Invalid Refresh Token")
	errRevokedRefreshToken  = notAuthorized("Refresh Token has been revoked")
	errExpiredRefreshToken  = notAuthorized("Refresh Token has expired")
	errInternal             = &apiError{Status: http.StatusInternalServerError, Type: excInternal, Message: "Internal server error."}
)

func poolNotFound(poolID string) *apiError {
	return newError(excResourceNotFound, "User pool %s does not exist.", poolID)
}

func clientNotFound(clientID string) *apiError {
	return newError(excResourceNotFound, "User pool client %s does not exist.", clientID)
}
