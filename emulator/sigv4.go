package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// IAM authorization of the administrator's actions: AWS Signature
// Version 4. Every IAM-authorized request must carry a well-formed SigV4
// Authorization header; with WithIAMCredentials the signature itself is
// verified too.

// IAMCredentials are an AWS access key whose SigV4 signatures the server
// accepts (see WithIAMCredentials).
type IAMCredentials struct {
	AccessKeyID     string
	SecretAccessKey string
}

// WithIAMCredentials makes the server verify the SigV4 signature of every
// IAM-authorized action (the administrator's): only requests signed with
// these credentials, within 15 minutes of the server's time, are accepted.
// Without it the server checks that the Authorization header is a
// well-formed SigV4 header, not the signature.
func WithIAMCredentials(c IAMCredentials) Option {
	return func(s *Server) { s.iam = &c }
}

const sigV4Algorithm = "AWS4-HMAC-SHA256"

// sigV4Header is a parsed SigV4 Authorization header.
type sigV4Header struct {
	accessKeyID, date, region, service string
	signedHeaders                      []string
	signature                          string
}

var (
	sigV4Date           = regexp.MustCompile(`^[0-9]{8}$`)
	sigV4Signature      = regexp.MustCompile(`^[0-9a-f]{64}$`)
	sigV4HeaderName     = regexp.MustCompile(`^[a-z0-9!#$%&'*+.^_|~-]+$`)
	errMissingAuthToken = &apiError{Status: http.StatusForbidden, Type: excMissingAuthToken, Message: "Missing Authentication Token"}
)

func incompleteSignature(why string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Type: excIncompleteSignature, Message: why}
}

// parseSigV4 parses an Authorization header of the form
//
//	AWS4-HMAC-SHA256 Credential=<key>/<yyyymmdd>/<region>/cognito-idp/aws4_request, SignedHeaders=<a;b>, Signature=<64 hex>
//
// A header of another scheme is MissingAuthenticationTokenException; a
// SigV4 header that is not well formed is IncompleteSignatureException.
func parseSigV4(auth string) (*sigV4Header, *apiError) {
	scheme, rest, _ := strings.Cut(auth, " ")
	if scheme != sigV4Algorithm {
		return nil, errMissingAuthToken
	}
	params := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || k == "" {
			return nil, incompleteSignature("Authorization header requires each component to be a key=value pair.")
		}
		if _, dup := params[k]; dup {
			return nil, incompleteSignature("Authorization header has the '" + truncate(k, 32) + "' component twice.")
		}
		params[k] = v
	}
	var missing []string
	for _, k := range []string{"Credential", "SignedHeaders", "Signature"} {
		if params[k] == "" {
			missing = append(missing, "Authorization header requires '"+k+"' parameter.")
		}
	}
	if len(missing) > 0 {
		return nil, incompleteSignature(strings.Join(missing, " "))
	}
	scope := strings.Split(params["Credential"], "/")
	if len(scope) != 5 || scope[0] == "" || !sigV4Date.MatchString(scope[1]) || scope[2] == "" || scope[4] != "aws4_request" {
		return nil, incompleteSignature("Credential should be scoped to a valid date, region and service: <access key>/<yyyymmdd>/<region>/cognito-idp/aws4_request.")
	}
	if scope[3] != "cognito-idp" {
		return nil, incompleteSignature("Credential should be scoped to correct service: 'cognito-idp'.")
	}
	h := &sigV4Header{accessKeyID: scope[0], date: scope[1], region: scope[2], service: scope[3], signature: params["Signature"]}
	h.signedHeaders = strings.Split(params["SignedHeaders"], ";")
	for _, name := range h.signedHeaders {
		if !sigV4HeaderName.MatchString(name) {
			return nil, incompleteSignature("SignedHeaders must be lower-case header names separated by ';'.")
		}
	}
	if !slices.IsSorted(h.signedHeaders) || !slices.Contains(h.signedHeaders, "host") {
		return nil, incompleteSignature("SignedHeaders must be sorted and include 'host'.")
	}
	if !sigV4Signature.MatchString(h.signature) {
		return nil, incompleteSignature("Signature must be 64 lower-case hexadecimal digits.")
	}
	return h, nil
}

// checkSignature checks the SigV4 authorization of an IAM-authorized
// request whose body is body: always its form, and with IAM credentials
// (or an access token, the secret key of any key ID) its access key, time
// and signature.
func (s *Server) checkSignature(r *http.Request, body []byte) *apiError {
	h, apiErr := parseSigV4(r.Header.Get("Authorization"))
	if apiErr != nil {
		return apiErr
	}
	creds := s.iam
	if creds == nil && s.accessToken != "" {
		// The access token is the secret key, under any key ID (access.go).
		creds = &IAMCredentials{AccessKeyID: h.accessKeyID, SecretAccessKey: s.accessToken}
	}
	if creds == nil {
		return nil
	}
	if !hmac.Equal([]byte(h.accessKeyID), []byte(creds.AccessKeyID)) {
		return &apiError{Status: http.StatusBadRequest, Type: excUnrecognizedClient, Message: "The security token included in the request is invalid."}
	}
	amzDate := r.Header.Get("X-Amz-Date")
	signedAt, err := time.Parse("20060102T150405Z", amzDate)
	if err != nil || !strings.HasPrefix(amzDate, h.date) || !slices.Contains(h.signedHeaders, "x-amz-date") {
		return incompleteSignature("The request must carry a signed X-Amz-Date header of the credential's date (yyyymmddThhmmssZ).")
	}
	if skew := s.now().Sub(signedAt); skew > 15*time.Minute || skew < -15*time.Minute {
		return &apiError{Status: http.StatusBadRequest, Type: excInvalidSignature, Message: "Signature expired: " + amzDate + " is more than 15 minutes from the server's time."}
	}
	want := signatureOf(creds.SecretAccessKey, h, amzDate, canonicalRequest(r, h.signedHeaders, body))
	if !hmac.Equal([]byte(want), []byte(h.signature)) {
		return &apiError{Status: http.StatusForbidden, Type: excInvalidSignature, Message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."}
	}
	return nil
}

// canonicalRequest is the request in SigV4's canonical form, over the
// headers the client signed.
func canonicalRequest(r *http.Request, signedHeaders []string, body []byte) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n")
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(path + "\n")
	b.WriteString(canonicalQuery(r.URL.Query()) + "\n")
	for _, name := range signedHeaders {
		var values []string
		if name == "host" {
			values = []string{r.Host}
		} else {
			values = r.Header.Values(name)
		}
		for i, v := range values {
			values[i] = strings.Join(strings.Fields(v), " ")
		}
		b.WriteString(name + ":" + strings.Join(values, ",") + "\n")
	}
	b.WriteString("\n" + strings.Join(signedHeaders, ";") + "\n")
	sum := sha256.Sum256(body)
	b.WriteString(hex.EncodeToString(sum[:]))
	return b.String()
}

// canonicalQuery is a query string in SigV4's canonical form.
func canonicalQuery(q url.Values) string {
	var pairs []string
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, sigV4Escape(k)+"="+sigV4Escape(v))
		}
	}
	slices.Sort(pairs)
	return strings.Join(pairs, "&")
}

// sigV4Escape is SigV4's URI encoding: everything but unreserved
// characters percent-encoded, spaces as %20.
func sigV4Escape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// signatureOf is the hex signature of a canonical request.
func signatureOf(secret string, h *sigV4Header, amzDate, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	scope := h.date + "/" + h.region + "/" + h.service + "/aws4_request"
	stringToSign := sigV4Algorithm + "\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	key := []byte("AWS4" + secret)
	for _, part := range []string{h.date, h.region, h.service, "aws4_request"} {
		key = hmacSHA256(key, part)
	}
	return hex.EncodeToString(hmacSHA256(key, stringToSign))
}

func hmacSHA256(key []byte, data string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(data))
	return mac.Sum(nil)
}
