package emulator_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cognitokit/cognito/cognitotest"
)

// jssdkDir holds the JavaScript SDK v3 check: package.json,
// package-lock.json and flow.mjs. Its node_modules comes from
// `npm ci --prefix emulator/testdata/jssdk`.
const jssdkDir = "testdata/jssdk"

// TestJavaScriptSDK runs testdata/jssdk/flow.mjs, a whole user flow with the
// official AWS SDK for JavaScript v3, against the local Cognito. Without
// node or the installed SDK it is skipped, unless COGNITOKIT_REQUIRE_JSSDK=1
// (as in CI), which makes their absence a failure.
func TestJavaScriptSDK(t *testing.T) {
	missing := t.Skipf
	if os.Getenv("COGNITOKIT_REQUIRE_JSSDK") == "1" {
		missing = t.Fatalf
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not on PATH; install Node.js 20+ to run the JavaScript SDK check (COGNITOKIT_REQUIRE_JSSDK=1 makes this a failure)")
		return
	}
	sdk := filepath.Join(jssdkDir, "node_modules", "@aws-sdk", "client-cognito-identity-provider")
	if _, err := os.Stat(sdk); err != nil {
		missing("the JavaScript SDK is not installed; run `npm ci --prefix emulator/testdata/jssdk` (COGNITOKIT_REQUIRE_JSSDK=1 makes this a failure)")
		return
	}

	for _, tc := range []struct {
		name string
		opts []cognitotest.Option
	}{
		{"public client", nil},
		{"client with secret", []cognitotest.Option{cognitotest.WithClientSecret()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := cognitotest.NewServer(t, tc.opts...)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, node, "flow.mjs")
			cmd.Dir = jssdkDir
			cmd.Env = append(os.Environ(),
				"COGNITO_ENDPOINT="+srv.Endpoint,
				"COGNITO_USER_POOL_ID="+srv.UserPoolID,
				"COGNITO_CLIENT_ID="+srv.ClientID,
				"COGNITO_CLIENT_SECRET="+srv.ClientSecret,
			)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("node flow.mjs: %v\n%s%s", err, stdout.Bytes(), stderr.Bytes())
			}
			// stderr may hold Node's own warnings (such as the SDK's notice
			// about Node versions); only stdout is the script's verdict.
			if got := strings.TrimSpace(stdout.String()); got != "ok" {
				t.Fatalf("node flow.mjs printed %q, want \"ok\"\n%s", got, stderr.Bytes())
			}
		})
	}
}

// TestJavaScriptSRPClient signs in with USER_SRP_AUTH through
// amazon-cognito-identity-js (testdata/jssdk/srp.mjs), the library behind
// Amplify's sign-in: the local Cognito's SRP must match a real client's
// arithmetic to the byte.
func TestJavaScriptSRPClient(t *testing.T) {
	missing := t.Skipf
	if os.Getenv("COGNITOKIT_REQUIRE_JSSDK") == "1" {
		missing = t.Fatalf
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not on PATH; install Node.js 20+ to run the SRP client check")
		return
	}
	if _, err := os.Stat(filepath.Join(jssdkDir, "node_modules", "amazon-cognito-identity-js")); err != nil {
		missing("amazon-cognito-identity-js is not installed; run `npm ci --prefix emulator/testdata/jssdk`")
		return
	}
	for _, tc := range []struct {
		name string
		opts []cognitotest.Option
	}{
		{"username pool", nil},
		{"email as username", []cognitotest.Option{cognitotest.WithEmailAsUsername()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := cognitotest.NewServer(t, tc.opts...)
			signUpConfirmed(t, srv, "ana@example.com", password)
			for _, pw := range []string{password, "Wr0ng-password"} {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				cmd := exec.CommandContext(ctx, node, "srp.mjs")
				cmd.Dir = jssdkDir
				cmd.Env = append(os.Environ(),
					"COGNITO_ENDPOINT="+srv.Endpoint,
					"COGNITO_USER_POOL_ID="+srv.UserPoolID,
					"COGNITO_CLIENT_ID="+srv.ClientID,
					"COGNITO_TEST_USERNAME=ana@example.com",
					"COGNITO_TEST_PASSWORD="+pw,
				)
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				err := cmd.Run()
				cancel()
				got := strings.TrimSpace(stdout.String())
				if pw == password && (err != nil || got != "ok") {
					t.Fatalf("node srp.mjs: %v, printed %q\n%s", err, got, stderr.Bytes())
				}
				if pw != password && (err == nil || !strings.Contains(got, "NotAuthorizedException")) {
					t.Fatalf("node srp.mjs with a wrong password: %v, printed %q", err, got)
				}
			}
		})
	}
}
