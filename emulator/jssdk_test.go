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

// jssdkDir holds the JavaScript client checks (the AWS SDK for JavaScript
// v3, amazon-cognito-identity-js, Amplify JS v6, aws-jwt-verify): package.json,
// package-lock.json and the scripts. Its node_modules comes from
// `npm ci --prefix emulator/testdata/jssdk`.
const jssdkDir = "testdata/jssdk"

// TestJavaScriptSDK runs testdata/jssdk/flow.mjs, a whole user flow with the
// official AWS SDK for JavaScript v3, against the local Cognito. Without
// node or the installed SDK it is skipped, unless COGNITOKIT_REQUIRE_JSSDK=1
// (as in CI), which makes their absence a failure.
func TestJavaScriptSDK(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []cognitotest.Option
	}{
		{"public client", nil},
		{"client with secret", []cognitotest.Option{cognitotest.WithClientSecret()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := cognitotest.NewServer(t, tc.opts...)
			if got, err := nodeScript(t, srv, "flow.mjs", "", ""); err != nil || got != "ok" {
				t.Fatalf("node flow.mjs: %v, printed %q, want \"ok\"", err, got)
			}
		})
	}
}

// TestJavaScriptSRPClient signs in with USER_SRP_AUTH through
// amazon-cognito-identity-js (testdata/jssdk/srp.mjs), the library behind
// Amplify's sign-in: the local Cognito's SRP must match a real client's
// arithmetic to the byte.
func TestJavaScriptSRPClient(t *testing.T) {
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
			if got, err := nodeScript(t, srv, "srp.mjs", "ana@example.com", password); err != nil || got != "ok" {
				t.Fatalf("node srp.mjs: %v, printed %q", err, got)
			}
			if got, err := nodeScript(t, srv, "srp.mjs", "ana@example.com", "Wr0ng-password"); err == nil || !strings.Contains(got, "NotAuthorizedException") {
				t.Fatalf("node srp.mjs with a wrong password: %v, printed %q", err, got)
			}
		})
	}
}

// nodeScript runs a script of testdata/jssdk with node against srv, with
// the test user's name and password (when not empty) in its environment
// and args after the script's name on its command line, and returns what
// it printed on stdout, trimmed, and how it ended. Without node or the npm
// packages it skips the test, unless
// COGNITOKIT_REQUIRE_JSSDK=1 (as in CI), which makes their absence a
// failure.
func nodeScript(t *testing.T, srv *cognitotest.Server, script, username, pw string, args ...string) (string, error) {
	t.Helper()
	missing := t.Skipf
	if os.Getenv("COGNITOKIT_REQUIRE_JSSDK") == "1" {
		missing = t.Fatalf
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not on PATH; install Node.js 20+ to run the JavaScript client checks (COGNITOKIT_REQUIRE_JSSDK=1 makes this a failure)")
		return "", nil
	}
	for _, pkg := range []string{"@aws-sdk/client-cognito-identity-provider", "amazon-cognito-identity-js", "aws-amplify", "aws-jwt-verify"} {
		if _, err := os.Stat(filepath.Join(jssdkDir, "node_modules", filepath.FromSlash(pkg))); err != nil {
			missing("%s is not installed; run `npm ci --prefix emulator/testdata/jssdk` (COGNITOKIT_REQUIRE_JSSDK=1 makes this a failure)", pkg)
			return "", nil
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{script}, args...)...)
	cmd.Dir = jssdkDir
	cmd.Env = append(os.Environ(),
		"COGNITO_ENDPOINT="+srv.Endpoint,
		"COGNITO_USER_POOL_ID="+srv.UserPoolID,
		"COGNITO_CLIENT_ID="+srv.ClientID,
		"COGNITO_CLIENT_SECRET="+srv.ClientSecret,
		"COGNITO_TEST_USERNAME="+username,
		"COGNITO_TEST_PASSWORD="+pw,
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if err != nil {
		t.Logf("node %s: %v\n%s", strings.Join(append([]string{script}, args...), " "), err, stderr.Bytes())
	}
	// stderr may hold Node's own warnings (such as the SDK's notice about
	// Node versions); only stdout is the script's verdict.
	return strings.TrimSpace(stdout.String()), err
}
