package cognito

import (
	"fmt"
	"strings"
)

// The message catalog: what a person reads for each kind of failure. One
// place, English by default, Spanish with WithLanguage("es") or
// COGNITO_LANG=es.
var catalog = map[string]map[error]string{
	"en": {
		ErrInvalidCredentials:    "Incorrect email or password.",
		ErrUserNotConfirmed:      "The user has not confirmed their email yet; enter the code we sent.",
		ErrAlreadyConfirmed:      "This account is already confirmed; sign in.",
		ErrUserExists:            "An account with this email already exists.",
		ErrUserNotFound:          "No account with this email exists.",
		ErrInvalidPassword:       "The password does not meet the requirements (length, upper and lower case, digits, symbols).",
		ErrCodeMismatch:          "The code is not correct; check it and try again.",
		ErrCodeExpired:           "The code has expired or was already used; request a new one.",
		ErrTooManyRequests:       "Too many attempts; wait a moment and try again.",
		ErrTokenExpired:          "The session has expired; sign in again.",
		ErrNotAuthorized:         "Not authorized: the session may have been signed out or the user disabled; sign in again.",
		ErrWrongClient:           "These tokens belong to another app client, user pool or endpoint; sign in again with this one.",
		ErrSecretHashRequired:    "The app client has a secret: configure it (COGNITO_CLIENT_SECRET or Config.ClientSecret) so SECRET_HASH can be sent.",
		ErrPasswordResetRequired: "A password reset is required; use forgot password.",
		ErrPoolNotFound:          "The user pool or app client does not exist; check the IDs and the region.",
		ErrInvalidParameter:      "Some of the data sent is not valid.",
		ErrNoCredentials:         "This operation needs AWS credentials and none were found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE).",
		ErrChallengeRequired:     "Sign-in needs another step before it can finish.",
		ErrSignInExpired:         "This sign-in has expired or was already completed; start again.",
		ErrDeviceNotRemembered:   "This device is no longer remembered; sign in without it.",
		ErrSessionEnded:          "The session has ended (signed out, expired, or the user was removed); sign in again.",
		ErrTriggerFailed:         "A Lambda trigger of the user pool failed or refused the request.",
		ErrUnavailable:           "Cognito could not be reached; check the endpoint, the region and the network.",
		ErrUnexpected:            "Something unexpected went wrong.",
		ErrGroupNotFound:         "No group of that name exists in the user pool.",
		ErrGroupExists:           "A group of that name already exists in the user pool.",
	},
	"es": {
		ErrInvalidCredentials:    "Email o contraseña incorrectos.",
		ErrUserNotConfirmed:      "El usuario no ha confirmado su email; introduce el código que te enviamos.",
		ErrAlreadyConfirmed:      "Esta cuenta ya está confirmada; inicia sesión.",
		ErrUserExists:            "Ya existe una cuenta con este email.",
		ErrUserNotFound:          "No existe ninguna cuenta con este email.",
		ErrInvalidPassword:       "La contraseña no cumple los requisitos (longitud, mayúsculas y minúsculas, números, símbolos).",
		ErrCodeMismatch:          "El código no es correcto; revísalo e inténtalo de nuevo.",
		ErrCodeExpired:           "El código ha expirado o ya se usó; solicita uno nuevo.",
		ErrTooManyRequests:       "Demasiados intentos; espera un momento y vuelve a intentarlo.",
		ErrTokenExpired:          "La sesión ha expirado; inicia sesión de nuevo.",
		ErrNotAuthorized:         "No autorizado: la sesión puede haberse cerrado o el usuario estar desactivado; inicia sesión de nuevo.",
		ErrWrongClient:           "Estos tokens son de otro cliente de aplicación, grupo de usuarios o endpoint; inicia sesión de nuevo con este.",
		ErrSecretHashRequired:    "El cliente de la aplicación tiene un secreto: configúralo (COGNITO_CLIENT_SECRET o Config.ClientSecret) para enviar el SECRET_HASH.",
		ErrPasswordResetRequired: "Hay que restablecer la contraseña; usa «olvidé mi contraseña».",
		ErrPoolNotFound:          "El grupo de usuarios o el cliente no existe; revisa los identificadores y la región.",
		ErrInvalidParameter:      "Algunos de los datos enviados no son válidos.",
		ErrNoCredentials:         "Esta operación necesita credenciales de AWS y no se encontró ninguna (define AWS_ACCESS_KEY_ID y AWS_SECRET_ACCESS_KEY, o AWS_PROFILE).",
		ErrChallengeRequired:     "El inicio de sesión necesita otro paso antes de terminar.",
		ErrSignInExpired:         "Este inicio de sesión ha expirado o ya se completó; empieza de nuevo.",
		ErrDeviceNotRemembered:   "Este dispositivo ya no se recuerda; inicia sesión sin él.",
		ErrSessionEnded:          "La sesión ha terminado (cerrada, expirada o el usuario ya no existe); inicia sesión de nuevo.",
		ErrTriggerFailed:         "Una función Lambda (trigger) del grupo de usuarios falló o rechazó la solicitud.",
		ErrUnavailable:           "No se pudo contactar con Cognito; revisa el endpoint, la región y la red.",
		ErrUnexpected:            "Algo inesperado salió mal.",
		ErrGroupNotFound:         "No existe ningún grupo con ese nombre.",
		ErrGroupExists:           "Ya existe un grupo con ese nombre.",
	},
}

// message returns the text for kind in lang, falling back to English.
func message(kind error, lang string) string {
	if m, ok := catalog[lang][kind]; ok {
		return m
	}
	if m, ok := catalog["en"][kind]; ok {
		return m
	}
	return catalog["en"][ErrUnexpected]
}

// reason is what Cognito said was wrong, more precisely than a Kind: the
// message then says it instead of the kind's.
type reason int

const (
	noReason reason = iota
	// reasonSecretUnsure: Cognito said the secret is missing or wrong;
	// the Client, which knows whether it has one, decides (Client.fail).
	reasonSecretUnsure
	reasonSecretWrong // detail: the app client's ID
	reasonInvalidEmail
	reasonInvalidPhone
	reasonUnknownAttribute  // detail: the attributes
	reasonRequiredAttribute // detail: the attributes
	reasonNothingToVerify   // detail: the attribute
	reasonNoVerifiedContact
	reasonPasswordTooShort
	reasonPasswordNoUppercase
	reasonPasswordNoLowercase
	reasonPasswordNoNumber
	reasonPasswordNoSymbol
	reasonPasswordReused
	reasonOtherClient // detail: the app client the tokens were issued to
	reasonOtherIssuer // detail: the issuer of the tokens
	reasonRevocationDisabled
)

// reasons are the words for each reason, with %s for its detail.
var reasons = map[string]map[reason]string{
	"en": {
		reasonSecretWrong:         "The client secret is wrong: it is not the secret of app client %s; check Config.ClientSecret (COGNITO_CLIENT_SECRET).",
		reasonInvalidEmail:        "The email address is not valid.",
		reasonInvalidPhone:        "The phone number is not valid: write it with its country code, e.g. +34600000000.",
		reasonUnknownAttribute:    "The user pool has no attribute %s (custom attributes are written custom:NAME).",
		reasonRequiredAttribute:   "The user pool requires the attribute %s.",
		reasonNothingToVerify:     "The user has no %s to verify.",
		reasonNoVerifiedContact:   "The password cannot be reset: the user has no verified email or phone number to send the code to.",
		reasonPasswordTooShort:    "The password does not meet the policy: it is too short.",
		reasonPasswordNoUppercase: "The password does not meet the policy: it needs an uppercase letter.",
		reasonPasswordNoLowercase: "The password does not meet the policy: it needs a lowercase letter.",
		reasonPasswordNoNumber:    "The password does not meet the policy: it needs a number.",
		reasonPasswordNoSymbol:    "The password does not meet the policy: it needs a symbol.",
		reasonPasswordReused:      "The password was used recently; choose another.",
		reasonOtherClient:         "These tokens were issued to app client %s, not to this one; sign in again with this app client.",
		reasonOtherIssuer:         "These tokens were issued by %s, not by this client's user pool and endpoint; sign in again here.",
		reasonRevocationDisabled:  "The app client does not allow revoking tokens (token revocation is off).",
	},
	"es": {
		reasonSecretWrong:         "El secreto del cliente es incorrecto: no es el secreto del cliente de aplicación %s; revisa Config.ClientSecret (COGNITO_CLIENT_SECRET).",
		reasonInvalidEmail:        "La dirección de email no es válida.",
		reasonInvalidPhone:        "El número de teléfono no es válido: escríbelo con el prefijo del país, p. ej. +34600000000.",
		reasonUnknownAttribute:    "El grupo de usuarios no tiene el atributo %s (los atributos personalizados se escriben custom:NOMBRE).",
		reasonRequiredAttribute:   "El grupo de usuarios exige el atributo %s.",
		reasonNothingToVerify:     "El usuario no tiene %s que verificar.",
		reasonNoVerifiedContact:   "No se puede restablecer la contraseña: el usuario no tiene ningún email ni teléfono verificado al que enviar el código.",
		reasonPasswordTooShort:    "La contraseña no cumple la política: es demasiado corta.",
		reasonPasswordNoUppercase: "La contraseña no cumple la política: necesita una letra mayúscula.",
		reasonPasswordNoLowercase: "La contraseña no cumple la política: necesita una letra minúscula.",
		reasonPasswordNoNumber:    "La contraseña no cumple la política: necesita un número.",
		reasonPasswordNoSymbol:    "La contraseña no cumple la política: necesita un símbolo.",
		reasonPasswordReused:      "La contraseña se usó hace poco; elige otra.",
		reasonOtherClient:         "Estos tokens se emitieron para el cliente de aplicación %s, no para este; inicia sesión de nuevo con este cliente.",
		reasonOtherIssuer:         "Estos tokens los emitió %s, no el grupo de usuarios y el endpoint de este cliente; inicia sesión de nuevo aquí.",
		reasonRevocationDisabled:  "El cliente de aplicación no permite revocar tokens (la revocación de tokens está desactivada).",
	},
}

// reasonText returns the words for why in lang (English if lang has
// none), with detail in place of %s.
func reasonText(why reason, detail, lang string) string {
	m, ok := reasons[lang][why]
	if !ok {
		m = reasons["en"][why]
	}
	if strings.Contains(m, "%s") {
		return fmt.Sprintf(m, detail)
	}
	return m
}

// Languages lists the languages messages are available in.
func Languages() []string { return []string{"en", "es"} }
