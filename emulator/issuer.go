package emulator

import "strings"

// Token issuers. By default a pool's tokens are issued by
// <base URL>/<poolId>, the base URL being WithBaseURL's or the address the
// client reached the server at. With WithAWSIssuer they carry AWS's own
// issuer, https://cognito-idp.<region>.amazonaws.com/<poolId>, so that a
// verifier written for AWS (aws-jwt-verify's CognitoJwtVerifier,
// jwtverify.Config{UserPoolID: ...}) accepts them unchanged, given only
// where the keys are: the JWKS stays served locally, at
// <base URL>/<poolId>/.well-known/jwks.json, which the discovery document
// names as its jwks_uri, its issuer being the tokens'.

// WithAWSIssuer makes the tokens' issuer (iss) AWS's,
// https://cognito-idp.<region>.amazonaws.com/<poolId>, the region being
// the pool ID's prefix, while the keys stay served by this server. Access
// tokens issued before the switch, under the local issuer, are then
// refused.
func WithAWSIssuer() Option { return func(s *Server) { s.awsIssuer = true } }

// Issuer returns the issuer of poolID's tokens as a client that reached the
// server at baseURL (e.g. http://127.0.0.1:9229) sees it: with
// WithAWSIssuer AWS's, else <baseURL>/<poolId>, the base URL WithBaseURL's
// if set.
func (s *Server) Issuer(baseURL, poolID string) string {
	if s.awsIssuer {
		region, _, ok := strings.Cut(poolID, "_")
		if !ok || region == "" {
			region = s.region
		}
		return "https://cognito-idp." + region + ".amazonaws.com/" + poolID
	}
	if s.baseURL != "" {
		baseURL = s.baseURL
	}
	return strings.TrimRight(baseURL, "/") + "/" + poolID
}

// issuerPool returns the pool an access token's issuer names, if it is an
// issuer this server gives its tokens.
//
// With WithAWSIssuer or WithBaseURL the issuer is known and must be exactly
// the pool's. Without them it depends on the address each client used
// (127.0.0.1 or localhost, a container's host name...), which the server
// cannot tell at verification time, so any http(s) URL ending in the pool
// ID is taken, as before: that is safe because the pool's key is this
// server's alone, so a token it verifies was issued by this server,
// whatever address it was issued through (cognitotest's servers share one
// key, but their pools have different IDs). The signature is checked by the
// caller in every case.
func (s *Server) issuerPool(iss string) (string, bool) {
	i := strings.LastIndexByte(iss, '/')
	if i < 0 {
		return "", false
	}
	poolID := iss[i+1:]
	if poolID == "" {
		return "", false
	}
	if s.awsIssuer || s.baseURL != "" {
		return poolID, iss == s.Issuer("", poolID)
	}
	return poolID, strings.HasPrefix(iss, "http://") || strings.HasPrefix(iss, "https://")
}
