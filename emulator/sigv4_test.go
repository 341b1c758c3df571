package emulator_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator"
)

// An administrator's call must carry a well-formed SigV4 Authorization
// header; anything else is refused before the action runs, with the
// exception AWS gives.
func TestSigV4HeaderForm(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	const scope = "Credential=AKID/20300101/eu-west-1/cognito-idp/aws4_request"
	sig := "Signature=" + strings.Repeat("ab", 32)
	for _, tc := range []struct {
		name, auth string
		status     int
		errType    string
	}{
		{"no header", "", 403, "MissingAuthenticationTokenException"},
		{"another scheme", "Bearer abc", 403, "MissingAuthenticationTokenException"},
		{"scheme only", "AWS4-HMAC-SHA256 ", 400, "IncompleteSignatureException"},
		{"no signature", "AWS4-HMAC-SHA256 " + scope + ", SignedHeaders=host", 400, "IncompleteSignatureException"},
		{"no signed headers", "AWS4-HMAC-SHA256 " + scope + ", " + sig, 400, "IncompleteSignatureException"},
		{"short signature", "AWS4-HMAC-SHA256 " + scope + ", SignedHeaders=host, Signature=00", 400, "IncompleteSignatureException"},
		{"upper-case signature", "AWS4-HMAC-SHA256 " + scope + ", SignedHeaders=host, Signature=" + strings.Repeat("AB", 32), 400, "IncompleteSignatureException"},
		{"another service", "AWS4-HMAC-SHA256 Credential=AKID/20300101/eu-west-1/s3/aws4_request, SignedHeaders=host, " + sig, 400, "IncompleteSignatureException"},
		{"bad date", "AWS4-HMAC-SHA256 Credential=AKID/2030-01-01/eu-west-1/cognito-idp/aws4_request, SignedHeaders=host, " + sig, 400, "IncompleteSignatureException"},
		{"short scope", "AWS4-HMAC-SHA256 Credential=AKID/20300101/cognito-idp/aws4_request, SignedHeaders=host, " + sig, 400, "IncompleteSignatureException"},
		{"no access key", "AWS4-HMAC-SHA256 Credential=/20300101/eu-west-1/cognito-idp/aws4_request, SignedHeaders=host, " + sig, 400, "IncompleteSignatureException"},
		{"host not signed", "AWS4-HMAC-SHA256 " + scope + ", SignedHeaders=x-amz-date, " + sig, 400, "IncompleteSignatureException"},
		{"unsorted headers", "AWS4-HMAC-SHA256 " + scope + ", SignedHeaders=x-amz-date;host, " + sig, 400, "IncompleteSignatureException"},
		{"component without value", "AWS4-HMAC-SHA256 " + scope + ", SignedHeaders, " + sig, 400, "IncompleteSignatureException"},
		{"duplicated component", "AWS4-HMAC-SHA256 " + scope + ", " + scope + ", SignedHeaders=host, " + sig, 400, "IncompleteSignatureException"},
		{"well formed", "AWS4-HMAC-SHA256 " + scope + ", SignedHeaders=host;x-amz-date, " + sig, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			headers := map[string]string{
				"Content-Type": "application/x-amz-json-1.1",
				"X-Amz-Target": "AWSCognitoIdentityProviderService.DescribeUserPool",
			}
			if tc.auth != "" {
				headers["Authorization"] = tc.auth
			}
			status, header, body := rawPost(t, srv, headers, `{"UserPoolId":"`+srv.UserPoolID+`"}`)
			if status != tc.status {
				t.Fatalf("status = %d, want %d (%s)", status, tc.status, body)
			}
			if tc.errType != "" && (errorType(t, body) != tc.errType || header.Get("x-amzn-ErrorType") != tc.errType) {
				t.Errorf("error = %s, want %s", body, tc.errType)
			}
		})
	}
}

// With IAM credentials the server verifies the signature itself: the SDK
// signing with them is served; another key, another secret or a request
// changed after signing is refused; public actions need no signature.
func TestSigV4Verification(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t, cognitotest.WithServerOptions(emulator.WithIAMCredentials(emulator.IAMCredentials{
		AccessKeyID: "local", SecretAccessKey: "local", // what cognitotest's AWSConfig signs with
	})))
	ctx := t.Context()
	describe := &cip.DescribeUserPoolInput{UserPoolId: aws.String(srv.UserPoolID)}
	if _, err := srv.Client().DescribeUserPool(ctx, describe); err != nil {
		t.Fatalf("signed with the server's credentials: %v", err)
	}

	withCredentials := func(key, secret string, optFns ...func(*cip.Options)) *cip.Client {
		cfg := srv.AWSConfig()
		cfg.Credentials = credentials.NewStaticCredentialsProvider(key, secret, "")
		return cip.NewFromConfig(cfg, append([]func(*cip.Options){func(o *cip.Options) { o.RetryMaxAttempts = 1 }}, optFns...)...)
	}
	_, err := withCredentials("local", "wrong-secret").DescribeUserPool(ctx, describe)
	expectCode(t, err, "InvalidSignatureException")
	_, err = withCredentials("AKIDOTHER", "local").DescribeUserPool(ctx, describe)
	expectCode(t, err, "UnrecognizedClientException")

	// A body changed after signing: the signature covers the payload hash.
	tamper := func(o *cip.Options) {
		o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
			return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("tamper", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				req := in.Request.(*smithyhttp.Request)
				req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.DeleteUserPool")
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
		})
	}
	_, err = withCredentials("local", "local", tamper).DescribeUserPool(ctx, describe)
	expectCode(t, err, "InvalidSignatureException")
	if _, err := srv.Client().DescribeUserPool(ctx, describe); err != nil {
		t.Fatalf("the pool must still exist after the tampered call: %v", err)
	}

	// Public actions are not IAM-authorized, signed or not.
	signUp(t, srv, "ana", password)
	status, _ := rawCall(t, srv, "ResendConfirmationCode", `{"ClientId":"`+srv.ClientID+`","Username":"ana"}`, false)
	if status != http.StatusOK {
		t.Errorf("unsigned public action: status %d, want 200", status)
	}
}
