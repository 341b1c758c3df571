package cognito

import (
	"strings"
	"testing"
)

func TestCatalogCoversEveryKindInEveryLanguage(t *testing.T) {
	kinds := []error{
		ErrInvalidCredentials, ErrUserNotConfirmed, ErrUserExists, ErrUserNotFound, ErrInvalidPassword,
		ErrCodeMismatch, ErrCodeExpired, ErrTooManyRequests, ErrTokenExpired, ErrNotAuthorized,
		ErrSecretHashRequired, ErrPasswordResetRequired, ErrPoolNotFound, ErrInvalidParameter,
		ErrNoCredentials, ErrChallengeRequired, ErrSignInExpired, ErrDeviceNotRemembered, ErrSessionEnded, ErrTriggerFailed, ErrUnavailable, ErrUnexpected,
		ErrGroupNotFound, ErrGroupExists,
	}
	for _, lang := range Languages() {
		if len(catalog[lang]) != len(kinds) {
			t.Errorf("%s catalog has %d messages for %d kinds", lang, len(catalog[lang]), len(kinds))
		}
		for _, k := range kinds {
			if catalog[lang][k] == "" {
				t.Errorf("%s has no message for %v", lang, k)
			}
		}
	}
	for kind, want := range map[error]string{
		ErrInvalidCredentials: "Email o contraseña incorrectos",
		ErrUserNotConfirmed:   "El usuario no ha confirmado su email",
		ErrTooManyRequests:    "Demasiados intentos",
		ErrTokenExpired:       "expirado",
	} {
		if !strings.Contains(message(kind, "es"), want) {
			t.Errorf("Spanish message for %v = %q, want it to contain %q", kind, message(kind, "es"), want)
		}
	}
	if message(ErrUserExists, "fr") != message(ErrUserExists, "en") {
		t.Error("an unknown language does not fall back to English")
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		code, msg string
		want      error
	}{
		{"NotAuthorizedException", "Incorrect username or password.", ErrInvalidCredentials},
		{"NotAuthorizedException", "Client abc is configured with secret but SECRET_HASH was not received", ErrSecretHashRequired},
		{"NotAuthorizedException", "Unable to verify secret hash for client abc", ErrSecretHashRequired},
		{"NotAuthorizedException", "Access Token has expired", ErrTokenExpired},
		{"NotAuthorizedException", "Refresh Token has expired", ErrTokenExpired},
		{"NotAuthorizedException", "Password attempts exceeded", ErrTooManyRequests},
		{"NotAuthorizedException", "User is disabled.", ErrNotAuthorized},
		{"LimitExceededException", "Attempt limit exceeded", ErrTooManyRequests},
		{"TooManyRequestsException", "", ErrTooManyRequests},
		{"AliasExistsException", "", ErrUserExists},
		{"UserLambdaValidationException", "PreSignUp failed with error no.", ErrTriggerFailed},
		{"UnexpectedLambdaException", "", ErrTriggerFailed},
		{"InvalidLambdaResponseException", "Unrecognizable lambda output", ErrTriggerFailed},
		{"SomethingNewException", "", ErrUnexpected},
	}
	for _, tt := range tests {
		if got := kindOf(tt.code, tt.msg); got != tt.want {
			t.Errorf("kindOf(%q, %q) = %v, want %v", tt.code, tt.msg, got, tt.want)
		}
	}
}
