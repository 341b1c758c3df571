// Package emulator is a local Cognito: an http.Handler that speaks Cognito
// Identity Provider's own wire protocol, so the official AWS SDKs (Go,
// JavaScript, Python...) work against it unchanged, with no AWS account.
//
// The protocol is AWS JSON 1.1: POST / with Content-Type
// application/x-amz-json-1.1 and X-Amz-Target
// AWSCognitoIdentityProviderService.<Action>. Failures come back as Cognito
// sends them: HTTP 400 (500 for internal faults) with a body
// {"__type": "<Name>Exception", "message": "..."} and the x-amzn-ErrorType
// header, so the SDKs return their typed errors. Every operation of the API
// is known: one the local Cognito does not implement yet answers
// UnsupportedOperationException naming it.
//
// # How the package is organised
//
// An action is one typed function on the AWS SDK for Go's own shapes,
//
//	func (s *Server) adminGetUser(ctx context.Context, c *caller, in *cip.AdminGetUserInput) (*cip.AdminGetUserOutput, error)
//
// plus its line in the table of actions.go, which says how the caller is
// identified (byIAM, byClient or byToken). The adapter (protocol.go) decodes
// the body, checks required members and constraints (validate.go, in
// Cognito's own wording), resolves the caller (sigv4.go for IAM), runs the
// action and encodes its output (codec.go). Actions never touch the store
// directly: the state layer (state.go) owns every record kind, key, index
// and cascade.
//
// Where a new action goes — by the resource it acts on:
//
//	pools.go         user pools; pool_settings.go their settings
//	clients.go       app clients and their secrets; client_oauth.go their
//	                 OAuth 2.0 settings
//	domains.go       user-pool domains
//	resource_servers.go  OAuth 2.0 resource servers and their scopes
//	users_admin.go   users as the administrator sees them (Admin*, ListUsers)
//	users_self.go    users acting on themselves with an access token
//	signup.go        sign-up, confirmation, account recovery
//	auth.go          sign-in flows and what follows the first factor;
//	                 userauth.go choice-based sign-in (USER_AUTH)
//	challenges.go    challenges and their answers
//	lockout.go, srp.go, refresh.go   the lockout, SRP, refresh tokens
//	devices.go       remembered devices: their sign-in stage and actions
//	mfa.go           MFA: the pool's configuration and users' preferences;
//	                 mfa_totp.go software tokens; mfa_challenges.go the MFA
//	                 stage and challenges of a sign-in
//	groups.go        groups and membership
//	triggers.go      Lambda triggers: the invoker and how a trigger is
//	                 called; triggers_signup.go, triggers_signin.go,
//	                 triggers_tokens.go, triggers_messages.go the triggers
//	                 of each flow; custom_auth.go the CUSTOM_AUTH flow
//	tokens.go        signing keys, the tokens issued, access-token checks
//	oauth_authorize.go  the OAuth 2.0 authorization endpoint and its codes;
//	                 login.go the managed login's pages (sign-in and its
//	                 steps, sign-up, password reset, sign-out)
//	oauth_token.go   the OAuth 2.0 token endpoint, POST /oauth2/token;
//	                 oauth_revoke.go its revocation endpoint,
//	                 oauth_userinfo.go the OIDC userInfo endpoint
//	dashboard.go     the dashboard at /_local/ (pools, clients, users, the
//	                 outbox); dashboard_actions.go its actions,
//	                 dashboard_token.go its token decoder
//	webpage.go       what the HTML pages (managed login, dashboard) share:
//	                 headers, the CSRF token, calling an action
//	setup.go         the declarative setup (Setup), apart from the API:
//	                 setup_plan.go checks it with the actions' own
//	                 validation, setup_apply.go applies it,
//	                 setup_export.go writes the state as one, setup_file.go
//	                 reads and writes it as YAML or JSON
//	attributes.go, password.go, filter.go, users.go   what those share
//	cors.go, issuer.go, access.go   CORS, the tokens' issuer, the access
//	                 token of a server reachable beyond loopback
//
// A new kind of record is declared once in state.go with its owner (the
// server, a pool or a user); deleting a pool or a user then removes it. A
// change of the layout bumps the format version in format.go, with its
// migration.
//
// To add an action: write its typed function in the file of its resource,
// replace its notYet entry in actions.go with handle(access, function),
// and run `go test ./emulator -run TestActionTableCoverage -update`, which
// rewrites the lists below and the README's coverage table from the table.
//
// Implemented actions (84 of 126):
//
//   - User pools (pools.go): CreateUserPool, DescribeUserPool, ListUserPools,
//     UpdateUserPool, DeleteUserPool, AddCustomAttributes,
//     GetSigningCertificate, GetCSVHeader, SetUserPoolMfaConfig,
//     GetUserPoolMfaConfig, TagResource, UntagResource, ListTagsForResource.
//   - App clients and their secrets (clients.go): CreateUserPoolClient,
//     DescribeUserPoolClient, ListUserPoolClients, UpdateUserPoolClient,
//     DeleteUserPoolClient, AddUserPoolClientSecret,
//     ListUserPoolClientSecrets, DeleteUserPoolClientSecret.
//   - Domains (domains.go): CreateUserPoolDomain, DescribeUserPoolDomain,
//     UpdateUserPoolDomain, DeleteUserPoolDomain.
//   - Users as an administrator sees them (users_admin.go): AdminCreateUser,
//     AdminGetUser, ListUsers, AdminConfirmSignUp, AdminDeleteUser,
//     AdminSetUserPassword, AdminResetUserPassword, AdminUpdateUserAttributes,
//     AdminDeleteUserAttributes, AdminDisableUser, AdminEnableUser,
//     AdminUserGlobalSignOut.
//   - Sign-up and account recovery (signup.go): SignUp, ConfirmSignUp,
//     ResendConfirmationCode, ForgotPassword, ConfirmForgotPassword.
//   - Users acting on themselves with an access token (users_self.go):
//     GetUser, UpdateUserAttributes, DeleteUserAttributes,
//     VerifyUserAttribute, GetUserAttributeVerificationCode, ChangePassword,
//     DeleteUser, GlobalSignOut.
//   - Sign-in, challenges and tokens (auth.go, challenges.go, refresh.go,
//     userauth.go): InitiateAuth, RespondToAuthChallenge, RevokeToken,
//     AdminInitiateAuth, AdminRespondToAuthChallenge,
//     GetTokensFromRefreshToken, GetUserAuthFactors.
//   - Multi-factor authentication (mfa.go, mfa_totp.go):
//     AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference,
//     AdminSetUserMFAPreference.
//   - Remembered devices (devices.go): ConfirmDevice, GetDevice, ListDevices,
//     UpdateDeviceStatus, ForgetDevice, AdminGetDevice, AdminListDevices,
//     AdminUpdateDeviceStatus, AdminForgetDevice.
//   - Groups (groups.go): CreateGroup, GetGroup, ListGroups, UpdateGroup,
//     DeleteGroup, AdminAddUserToGroup, AdminRemoveUserFromGroup,
//     AdminListGroupsForUser, ListUsersInGroup.
//   - OAuth 2.0 resource servers (resource_servers.go): CreateResourceServer,
//     DescribeResourceServer, ListResourceServers, UpdateResourceServer,
//     DeleteResourceServer.
//
// Not supported yet (they answer UnsupportedOperationException):
// AdminSetUserSettings, AdminListUserAuthEvents, AdminUpdateAuthEventFeedback,
// SetUserSettings, UpdateAuthEventFeedback, StartWebAuthnRegistration,
// CompleteWebAuthnRegistration, ListWebAuthnCredentials,
// DeleteWebAuthnCredential, CreateIdentityProvider, DescribeIdentityProvider,
// ListIdentityProviders, UpdateIdentityProvider, DeleteIdentityProvider,
// GetIdentityProviderByIdentifier, AdminLinkProviderForUser,
// AdminDisableProviderForUser, CreateManagedLoginBranding,
// DescribeManagedLoginBranding, DescribeManagedLoginBrandingByClient,
// UpdateManagedLoginBranding, DeleteManagedLoginBranding, GetUICustomization,
// SetUICustomization, CreateTerms, DescribeTerms, ListTerms, UpdateTerms,
// DeleteTerms, DescribeRiskConfiguration, SetRiskConfiguration,
// GetLogDeliveryConfiguration, SetLogDeliveryConfiguration,
// CreateUserImportJob, DescribeUserImportJob, ListUserImportJobs,
// StartUserImportJob, StopUserImportJob, CreateUserPoolReplica,
// ListUserPoolReplicas, UpdateUserPoolReplica, DeleteUserPoolReplica.
//
// Besides the API the server answers:
//
//	GET /<poolId>/.well-known/jwks.json            the pool's signing keys
//	GET /<poolId>/.well-known/openid-configuration  issuer, jwks_uri and the OAuth endpoints
//	GET /oauth2/authorize                           OAuth 2.0 authorization: code (PKCE S256) and implicit
//	GET|POST /login, /signup, /confirm, /forgotPassword, /confirmForgotPassword   managed login
//	GET /logout                                     ends the managed-login session
//	POST /oauth2/token                              authorization_code, refresh_token, client_credentials
//	GET|POST /oauth2/userInfo                       the OIDC claims of an access token with openid
//	POST /oauth2/revoke                             OAuth 2.0 revocation of a refresh token
//	GET /_local/messages[?username=U]               the outbox: every code "sent"
//	GET /_local/, /_local/pools/{pool}[/users/{user}], /_local/outbox   the dashboard
//	GET|POST /_local/token                          the dashboard's token decoder
//	POST /_local/pools/{pool}/...                   the dashboard's actions (same origin, CSRF token)
//	                                                (all of /_local/: with WithAccessToken, with the token)
//	GET /confirmUser?client_id&user_name&confirmation_code   a confirmation link
//	GET /health                                     200 when serving
//
// It behaves as Cognito does where the usual emulators do not: SECRET_HASH
// is checked on every call that takes it; every access token is verified
// (RS256 signature with the pool's key, expiry, token_use, pool, and
// revocation by GlobalSignOut, DeleteUser or AdminDisableUser); the pool's
// password policy is enforced; codes are six random digits, single use,
// expire (24 h for sign-up, 1 h for password reset) and stop working after
// five wrong tries; five wrong passwords lock a user out with a doubling
// delay, counted atomically however many attempts race; a challenge answer
// is single use; MFA is enforced as the pool is configured, with RFC 6238
// software tokens whose codes are good once; choice-based sign-in
// (USER_AUTH) offers the first factors the pool's SignInPolicy allows and
// the user can use, with one-time passwords by email or SMS; passwords are kept only as Cognito's SRP verifier and
// refresh tokens only as a hash. Token issuers are <public URL>/<poolId>,
// where the public URL is the address the client used (or WithBaseURL);
// with WithAWSIssuer they are AWS's own,
// https://cognito-idp.<region>.amazonaws.com/<poolId>, while the keys stay
// served locally (the discovery document's jwks_uri), so that verifiers
// written for AWS accept them given only the JWKS URL. Access tokens are
// accepted only with an issuer the server gives.
//
// For browsers and other machines: the API, the JWKS, the discovery
// document and the token, userInfo and revocation endpoints answer CORS
// (preflights included) for any origin, or only for WithCORSOrigins';
// /_local/ and the managed login never do. WithAccessToken, which `cognito
// local` sets when it listens beyond loopback, makes /_local/ need the token
// (Authorization: Bearer, or ?token= once in a browser, which sets a
// cookie) and the administrator's actions be SigV4-signed with it as the
// secret key; the user API stays open.
//
// Server.Apply sets a server up from a Setup — pools with fixed IDs, their
// clients (fixed IDs and secrets), groups and users — idempotently, and
// Server.Export writes its state as one; ParseSetup reads one from YAML or
// JSON (cognito local --config).
//
// All state lives in a store.Store: store.NewMemory for tests,
// store.OpenSQLite for a laptop; the data carries a format version, checked
// (and older data migrated) by New. Package cognitotest starts a server for
// a Go test in one line; `cognito local` serves one from the shell.
package emulator
