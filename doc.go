// Package cognito is a client for AWS Cognito User Pools: one call per
// operation — register, confirm, sign in, refresh, forgot/confirm password,
// get/update/delete the user, sign out, test the connection — with
// SECRET_HASH computed for you and errors a program can branch on and a
// person can read.
//
// A Client is built once and reused (it is safe for concurrent use):
//
//	client, err := cognito.New(ctx, cognito.Config{
//		UserPoolID: "eu-west-1_AbC123xyz",
//		ClientID:   "1example23456789",
//	})
//	...
//	tokens, err := client.Authenticate(ctx, "ana@example.com", password)
//	switch {
//	case errors.Is(err, cognito.ErrInvalidCredentials):
//		// wrong email or password
//	case errors.Is(err, cognito.ErrUserNotConfirmed):
//		// ask for the code
//	}
//
// A sign-in that may need more steps than a password — a new password for
// a user an administrator created, an MFA code — goes step by step:
// SignIn (or AdminSignIn, for a back end) returns the tokens or the Step
// Cognito asks for, and Answer answers it and returns the next one.
// WithSRP proves the password without sending it. SignInCustom (or
// AdminSignInCustom) is a custom sign-in, whose challenges the user pool's
// own Lambda functions make (StepCustomChallenge).
//
// NewFromEnv reads the configuration from COGNITO_USER_POOL_ID,
// COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET and AWS_REGION; the SDK's own
// AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER points it at a local Cognito.
// For a few one-off calls, the package-level functions (RegisterUser,
// AuthenticateUser, GetUser, ...) take a Config and share cached SDK
// clients.
//
// Every error is an *Error: errors.Is matches its Kind (ErrUserExists,
// ErrCodeMismatch, ...), errors.As still reaches the SDK's typed exceptions,
// and its Message is in English or, with WithLanguage("es") or
// COGNITO_LANG=es, in Spanish. No error carries a password, token, code or
// client secret.
//
// The calls are Cognito's public (unauthenticated) operations and need no
// AWS credentials, except TestConnection, which describes the pool, and
// those of Admin (Client.Admin): a back end's administrator's operations on
// users — create and invite, get, list with a filter (an iterator over
// every page), set or reset the password, enable and disable, change
// attributes, sign out everywhere, confirm, delete — and on groups and
// their members, which need AWS credentials and Config.UserPoolID.
package cognito
