// Package jwtverify verifies Cognito's JWTs locally, against the user
// pool's JSON Web Key Set, with no network call per token: the keys are
// fetched once and cached, and tokens already verified are remembered until
// they expire.
//
// A Verifier is built once and used concurrently:
//
//	v, err := jwtverify.New(jwtverify.Config{
//		UserPoolID: "eu-west-1_AbC123xyz", // the issuer is derived from it
//		ClientIDs:  []string{"1example23456789"},
//		TokenUse:   jwtverify.AccessToken,
//	})
//	...
//	claims, err := v.Verify(ctx, raw)
//	if errors.Is(err, jwtverify.ErrExpired) { ... }
//
// It checks, cheap checks first: the header (RS256 only, with a kid), the
// issuer, token_use, expiry, not-before and issued-at (with Leeway), the
// client (client_id in access tokens, aud in ID tokens), required groups
// and scopes, and finally the RS256 signature with the key the kid names.
// Each failure has its own error for errors.Is. Parsing and the signature
// check are github.com/golang-jwt/jwt/v5's; the key set is decoded by
// github.com/go-jose/go-jose/v4.
//
// For OAuth 2.0, VerifyIDToken checks the nonce of an ID token from the
// authorization endpoint, and Config.Callers tells a user's access tokens
// from a machine's (the client-credentials grant, whose tokens name no
// user).
//
// Any issuer works: AWS pools (https://cognito-idp.<region>.amazonaws.com/
// <poolId>) and any Cognito-compatible server, such as the local Cognito,
// whose keys are at <issuer>/.well-known/jwks.json.
//
// The issuer and the keys' address are apart: Config.JWKSURL fetches the
// keys from elsewhere while the issuer stays the one checked. Production
// code that expects AWS's issuer then runs unchanged against a local
// Cognito that gives its tokens AWS's issuer (`cognito local --issuer aws`,
// emulator.WithAWSIssuer) and serves their keys itself:
//
//	v, err := jwtverify.New(jwtverify.Config{
//		UserPoolID: "eu-west-1_AbC123xyz", // iss: https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz
//		JWKSURL:    "http://127.0.0.1:9229/eu-west-1_AbC123xyz/.well-known/jwks.json", // the local keys
//		ClientIDs:  []string{"1example23456789"},
//		TokenUse:   jwtverify.AccessToken,
//	})
package jwtverify
