// Command webapp is the server-rendered web app a Cognito user would write
// with cognitokit: users sign in through the user pool's managed login
// with OAuth 2.0's authorization-code flow and PKCE (golang.org/x/oauth2,
// configured by cognito.Client.OAuth2Config), the ID token is verified
// locally with jwtverify (nonce included), and a server-side session
// remembers the user.
//
//	GET  /            home: a "Sign in" link, or who is signed in
//	GET  /login       starts the sign-in: state, nonce and PKCE verifier kept server-side, 302 to the managed login
//	GET  /callback    checks state, exchanges the code, verifies the ID token, starts the session, 303 to /profile
//	GET  /profile     the signed-in user's email and username (303 to / without a session)
//	POST /logout      ends the session, 303 to the managed login's /logout, which comes back to /signed-out
//	GET  /signed-out  "you are signed out"
//	GET  /health      200 "ok"
//
// Both cookies (the sign-in in progress, 10 minutes, and the session, until
// the ID token expires) are random IDs of server-side records, HttpOnly,
// SameSite=Lax, and Secure when the app's URL is https.
//
// With no configuration it starts a local Cognito in the process, with a
// user pool, an app client set up for the app's URLs and a user to sign in
// as (see README.md): no AWS account needed. Otherwise it is configured
// like the library, from the environment — COGNITO_USER_POOL_ID,
// COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET (if the app client has one),
// AWS_REGION and, for a local Cognito such as `cognito local`,
// AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER — and the app client must
// allow the code flow with the app's callback and sign-out URLs, which
// --configure-client sets up (it needs administrator credentials).
//
//	webapp [--addr 127.0.0.1:8080] [--url http://127.0.0.1:8080] [--configure-client]
//
// It logs to stderr (log/slog), never a password, code, token or secret,
// and shuts down gracefully on SIGINT or SIGTERM.
package main
