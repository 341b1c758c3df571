package cognito

import (
	"strings"
	"testing"
)

func TestCatalogCoversEveryKindInEveryLanguage(t *testing.T) {
	kinds := []error{
		ErrInvalidCredentials, ErrUserNotConfirmed, ErrAlreadyConfirmed, ErrUserExists, ErrUserNotFound, ErrInvalidPassword,
		ErrCodeMismatch, ErrCodeExpired, ErrTooManyRequests, ErrTokenExpired, ErrNotAuthorized, ErrWrongClient,
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

// TestReasonsInEveryLanguage checks that every reason but the one the
// Client resolves has words in every language, and that each language has
// the same placeholders as English.
func TestReasonsInEveryLanguage(t *testing.T) {
	for why := reasonSecretWrong; why <= reasonRevocationDisabled; why++ {
		for _, lang := range Languages() {
			m := reasons[lang][why]
			if m == "" {
				t.Errorf("%s has no words for reason %d", lang, why)
			}
			if strings.Count(m, "%s") != strings.Count(reasons["en"][why], "%s") {
				t.Errorf("%s's words for reason %d have other placeholders than English's: %q", lang, why, m)
			}
		}
	}
	if len(reasons["en"]) != len(reasons["es"]) {
		t.Errorf("%d reasons in English, %d in Spanish", len(reasons["en"]), len(reasons["es"]))
	}
}

// TestClassify maps Cognito's codes and messages — as AWS words them, and
// as the local Cognito does where it differs — to kinds, reasons and
// their details.
func TestClassify(t *testing.T) {
	tests := []struct {
		code, msg string
		want      error
		why       reason
		detail    string
	}{
		{"NotAuthorizedException", "Incorrect username or password.", ErrInvalidCredentials, noReason, ""},
		{"NotAuthorizedException", "Client abc is configured with secret but SECRET_HASH was not received", ErrSecretHashRequired, noReason, ""},
		{"NotAuthorizedException", "Client abc is configured with secret but ClientSecret was not received", ErrSecretHashRequired, noReason, ""},
		{"NotAuthorizedException", "Unable to verify secret hash for client abc", ErrSecretHashRequired, reasonSecretWrong, ""},
		{"NotAuthorizedException", "Unable to verify secret for client abc", ErrSecretHashRequired, reasonSecretWrong, ""},
		{"UnauthorizedException", "The client secret is missing or wrong.", ErrSecretHashRequired, reasonSecretUnsure, ""},
		{"UnauthorizedException", "The refresh token was issued to another client.", ErrWrongClient, noReason, ""},
		{"UnsupportedOperationException", "Token revocation is not enabled for the client abc.", ErrNotAuthorized, reasonRevocationDisabled, ""},
		{"NotAuthorizedException", "Access Token has expired", ErrTokenExpired, noReason, ""},
		{"NotAuthorizedException", "Refresh Token has expired", ErrTokenExpired, noReason, ""},
		{"NotAuthorizedException", "Password attempts exceeded", ErrTooManyRequests, noReason, ""},
		{"NotAuthorizedException", "User is disabled.", ErrNotAuthorized, noReason, ""},
		{"NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED", ErrAlreadyConfirmed, noReason, ""},
		{"NotAuthorizedException", "User cannot confirm because user status is not UNCONFIRMED.", ErrAlreadyConfirmed, noReason, ""},
		{"NotAuthorizedException", "User cannot be confirmed. Current status is FORCE_CHANGE_PASSWORD", ErrNotAuthorized, noReason, ""},
		{"InvalidParameterException", "User is already confirmed.", ErrAlreadyConfirmed, noReason, ""},
		{"InvalidParameterException", "Invalid email address format.", ErrInvalidParameter, reasonInvalidEmail, ""},
		{"InvalidParameterException", "Invalid phone number format.", ErrInvalidParameter, reasonInvalidPhone, ""},
		{"InvalidParameterException", "Attributes did not conform to the schema: custom:plan: Attribute does not exist in the schema.\n", ErrInvalidParameter, reasonUnknownAttribute, "custom:plan"},
		{"InvalidParameterException", "Attributes did not conform to the schema: custom:firstName: Attribute does not exist in the schema.\ncustom:lastName: Attribute does not exist in the schema.\n", ErrInvalidParameter, reasonUnknownAttribute, "custom:firstName, custom:lastName"},
		{"InvalidParameterException", "Attribute does not exist in the schema.", ErrInvalidParameter, noReason, ""},
		{"InvalidParameterException", "Attributes did not conform to the schema: email: The attribute is required", ErrInvalidParameter, reasonRequiredAttribute, "email"},
		{"InvalidParameterException", "Cannot reset password for the user as there is no registered/verified email or phone_number", ErrInvalidParameter, reasonNoVerifiedContact, ""},
		{"InvalidParameterException", "The user has no phone_number to verify.", ErrInvalidParameter, reasonNothingToVerify, "phone_number"},
		{"InvalidParameterException", "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have length greater than or equal to 6", ErrInvalidPassword, reasonPasswordTooShort, ""},
		{"InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client", ErrInvalidParameter, noReason, ""},
		{"InvalidPasswordException", "Password did not conform with policy: Password not long enough", ErrInvalidPassword, reasonPasswordTooShort, ""},
		{"InvalidPasswordException", "Password did not conform with password policy: Password must have uppercase characters", ErrInvalidPassword, reasonPasswordNoUppercase, ""},
		{"InvalidPasswordException", "Password did not conform with policy: Password must have lowercase characters", ErrInvalidPassword, reasonPasswordNoLowercase, ""},
		{"InvalidPasswordException", "Password did not conform with password policy: Password must have numeric characters", ErrInvalidPassword, reasonPasswordNoNumber, ""},
		{"InvalidPasswordException", "Password did not conform with policy: Password must have symbol characters", ErrInvalidPassword, reasonPasswordNoSymbol, ""},
		{"InvalidPasswordException", "Password has previously been used", ErrInvalidPassword, reasonPasswordReused, ""},
		{"InvalidPasswordException", "Something new about passwords", ErrInvalidPassword, noReason, ""},
		{"PasswordHistoryPolicyViolationException", "", ErrInvalidPassword, reasonPasswordReused, ""},
		{"LimitExceededException", "Attempt limit exceeded", ErrTooManyRequests, noReason, ""},
		{"TooManyRequestsException", "", ErrTooManyRequests, noReason, ""},
		{"AliasExistsException", "", ErrUserExists, noReason, ""},
		{"UserLambdaValidationException", "PreSignUp failed with error no.", ErrTriggerFailed, noReason, ""},
		{"UnexpectedLambdaException", "", ErrTriggerFailed, noReason, ""},
		{"InvalidLambdaResponseException", "Unrecognizable lambda output", ErrTriggerFailed, noReason, ""},
		{"SomethingNewException", "", ErrUnexpected, noReason, ""},
	}
	for _, tt := range tests {
		c := classify(tt.code, tt.msg)
		if c.kind != tt.want || c.why != tt.why || c.detail != tt.detail {
			t.Errorf("classify(%q, %q) = %v, %d, %q; want %v, %d, %q", tt.code, tt.msg, c.kind, c.why, c.detail, tt.want, tt.why, tt.detail)
		}
	}
}
