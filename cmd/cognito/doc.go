// Command cognito is AWS Cognito User Pools from the shell: register,
// confirm, sign in (answering every step Cognito asks for: a new password,
// MFA codes, a passwordless code, the pool's custom challenges) and manage
// a user with the cognitokit library — MFA (cognito mfa), remembered
// devices (cognito devices), machine-to-machine tokens (cognito token) —
// serve a local Cognito (cognito local), and show the whole flow against
// an in-process one (cognito demo).
//
// It is configured like the library: COGNITO_USER_POOL_ID,
// COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET, AWS_REGION and the SDK's
// AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, or the matching flags. Passwords
// and codes are read at a prompt or from stdin, never from a flag; tokens are
// kept in a session file only its owner can read, with the endpoint, pool and
// client they belong to. Its lines are in English or, with --lang es, Spanish.
package main
