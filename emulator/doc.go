// Package emulator is a local Cognito: an http.Handler that speaks Cognito
// Identity Provider's own wire protocol, so the official AWS SDKs (Go,
// JavaScript, Python...) work against it unchanged, with no AWS account.
//
// The protocol is AWS JSON 1.1: POST / with Content-Type
// application/x-amz-json-1.1 and X-Amz-Target
// AWSCognitoIdentityProviderService.<Action>. Failures come back as Cognito
// sends them: HTTP 400 (500 for internal faults) with a body
// {"__type": "<Name>Exception", "message": "..."} and the x-amzn-ErrorType
// header, so the SDKs return their typed errors.
//
// Supported actions: CreateUserPool, DescribeUserPool, ListUserPools,
// DeleteUserPool, CreateUserPoolClient, DescribeUserPoolClient,
// ListUserPoolClients, DeleteUserPoolClient; SignUp, ConfirmSignUp,
// ResendConfirmationCode, InitiateAuth (USER_PASSWORD_AUTH, USER_SRP_AUTH,
// REFRESH_TOKEN_AUTH), RespondToAuthChallenge (PASSWORD_VERIFIER,
// NEW_PASSWORD_REQUIRED),
// ForgotPassword, ConfirmForgotPassword, GetUser, UpdateUserAttributes,
// VerifyUserAttribute, DeleteUser, ChangePassword, GlobalSignOut,
// RevokeToken; AdminCreateUser, AdminConfirmSignUp, AdminGetUser,
// AdminDeleteUser, AdminSetUserPassword, AdminResetUserPassword,
// AdminUpdateUserAttributes, AdminDisableUser, AdminEnableUser,
// AdminUserGlobalSignOut, ListUsers; CreateGroup, GetGroup, ListGroups,
// DeleteGroup, AdminAddUserToGroup, AdminRemoveUserFromGroup,
// AdminListGroupsForUser, ListUsersInGroup (members' tokens carry
// cognito:groups).
//
// Besides the API the server answers:
//
//	GET /<poolId>/.well-known/jwks.json            the pool's signing keys
//	GET /<poolId>/.well-known/openid-configuration  issuer and jwks_uri
//	GET /_local/messages[?username=U]               the outbox: every code "sent"
//	GET /health                                     200 when serving
//
// It behaves as Cognito does where the usual emulators do not: SECRET_HASH
// is checked on every call that takes it; every access token is verified
// (RS256 signature with the pool's key, expiry, token_use, pool, and
// revocation by GlobalSignOut, DeleteUser or AdminDisableUser); the pool's
// password policy is enforced; codes are six random digits, single use,
// expire (24 h for sign-up, 1 h for password reset) and stop working after
// five wrong tries; five wrong passwords lock a user out with a doubling
// delay; passwords are kept only as Cognito's SRP verifier and refresh
// tokens only as a hash. Token issuers are <public URL>/<poolId>, where the
// public URL is the address the client used (or WithBaseURL).
//
// All state lives in a store.Store: store.NewMemory for tests,
// store.OpenSQLite for a laptop. Package cognitotest starts a server for a
// Go test in one line; `cognito local` serves one from the shell.
package emulator
