// Command httpapi is the web API a Cognito user would write with cognitokit:
// register, confirm, log in, refresh and log out through the cognito
// client library, and routes protected by httpauth, which verifies tokens
// locally with jwtverify.
//
//	POST /register {email, password, name?}  201 {user_sub, confirmation_required, code_delivery_destination}
//	POST /confirm  {email, code}             200 {confirmed: true}
//	POST /login    {email, password}         200 {access_token, id_token, refresh_token, expires_in, token_type, expiry}
//	POST /refresh  {refresh_token, id_token? | username?}  200 the same, with the same refresh token
//	GET  /profile  Bearer ID token           200 {sub, username, email, name, email_verified, groups}
//	GET  /admin    Bearer access token of a user in group "admin"  200, or 403
//	POST /logout   Bearer access token       200 {signed_out: true}
//	GET  /health                             200 {status: "ok"}
//
// It is configured like the library, from the environment:
// COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET (if the
// app client has one), AWS_REGION, and AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER
// for a local Cognito (`cognito local` prints them all). Tokens are accepted
// from the issuer of the endpoint the client calls: <endpoint>/<poolId> for
// a local Cognito, AWS's https://cognito-idp.<region>.amazonaws.com/<poolId>
// otherwise.
//
//	httpapi [--addr 127.0.0.1:8080]
//
// It logs to stderr (log/slog), never a password, token, code or secret,
// and shuts down gracefully on SIGINT or SIGTERM.
package main
