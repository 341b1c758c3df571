// Package totp computes time-based one-time passwords (RFC 6238) as the
// authenticator apps that Cognito's software-token MFA works with do:
// HMAC-SHA1, six digits, 30-second time steps.
//
// It is a few lines of crypto/hmac rather than a dependency: the local
// Cognito needs only the code for a step (RFC 4226's dynamic truncation),
// and its tests check it against the RFC's own test vectors. Checking a
// code (the window of steps, single use) is the server's business.
package totp
