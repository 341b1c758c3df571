package cognito

// The message catalog: what a person reads for each kind of failure. One
// place, English by default, Spanish with WithLanguage("es") or
// COGNITO_LANG=es.
var catalog = map[string]map[error]string{
	"en": {
		ErrInvalidCredentials:    "Incorrect email or password.",
		ErrUserNotConfirmed:      "The user has not confirmed their email yet; enter the code we sent.",
		ErrUserExists:            "An account with this email already exists.",
		ErrUserNotFound:          "No account with this email exists.",
		ErrInvalidPassword:       "The password does not meet the requirements (length, upper and lower case, digits, symbols).",
		ErrCodeMismatch:          "The code is not correct; check it and try again.",
		ErrCodeExpired:           "The code has expired or was already used; request a new one.",
		ErrTooManyRequests:       "Too many attempts; wait a moment and try again.",
		ErrTokenExpired:          "The session has expired; sign in again.",
		ErrNotAuthorized:         "Not authorized: the session may have been signed out or the user disabled; sign in again.",
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
		ErrUserExists:            "Ya existe una cuenta con este email.",
		ErrUserNotFound:          "No existe ninguna cuenta con este email.",
		ErrInvalidPassword:       "La contraseña no cumple los requisitos (longitud, mayúsculas y minúsculas, números, símbolos).",
		ErrCodeMismatch:          "El código no es correcto; revísalo e inténtalo de nuevo.",
		ErrCodeExpired:           "El código ha expirado o ya se usó; solicita uno nuevo.",
		ErrTooManyRequests:       "Demasiados intentos; espera un momento y vuelve a intentarlo.",
		ErrTokenExpired:          "La sesión ha expirado; inicia sesión de nuevo.",
		ErrNotAuthorized:         "No autorizado: la sesión puede haberse cerrado o el usuario estar desactivado; inicia sesión de nuevo.",
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

// Languages lists the languages messages are available in.
func Languages() []string { return []string{"en", "es"} }
