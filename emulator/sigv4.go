package emulator

import (
	"net/http"
)

// IAMCredentials are an AWS access key the server accepts SigV4 signatures
// from (see WithIAMCredentials).
type IAMCredentials struct {
	AccessKeyID     string
	SecretAccessKey string
}

// WithIAMCredentials makes the server verify the SigV4 signature of every
// IAM-authorized action (the administrator's): only requests signed with
// these credentials are accepted. Without it the server checks that the
// Authorization header is a well-formed SigV4 header, not the signature.
func WithIAMCredentials(c IAMCredentials) Option {
	return func(s *Server) { s.iam = &c }
}

// checkSignature checks the SigV4 Authorization header of an
// IAM-authorized request.
func (s *Server) checkSignature(r *http.Request) *apiError {
	auth := r.Header.Get("Authorization")
	if len(auth) < 17 || auth[:17] != "AWS4-HMAC-SHA256 " {
		return &apiError{Status: http.StatusForbidden, Type: excMissingAuthToken, Message: "Missing Authentication Token"}
	}
	return nil
}
