package jwtverify

import "errors"

// Why a token was refused, for errors.Is. Verify wraps them with details
// (never the token itself).
var (
	ErrMalformed       = errors.New("jwtverify: malformed token")
	ErrBadSignature    = errors.New("jwtverify: bad signature")
	ErrUnknownKey      = errors.New("jwtverify: unknown signing key")
	ErrExpired         = errors.New("jwtverify: token expired")
	ErrNotYetValid     = errors.New("jwtverify: token not valid yet")
	ErrWrongIssuer     = errors.New("jwtverify: wrong issuer")
	ErrWrongAudience   = errors.New("jwtverify: token for another app client")
	ErrWrongTokenUse   = errors.New("jwtverify: wrong token use")
	ErrMissingGroup    = errors.New("jwtverify: missing group")
	ErrMissingScope    = errors.New("jwtverify: missing scope")
	ErrWrongCaller     = errors.New("jwtverify: token of another kind of caller")
	ErrWrongNonce      = errors.New("jwtverify: wrong nonce")
	ErrJWKSUnavailable = errors.New("jwtverify: key set unavailable")
)
