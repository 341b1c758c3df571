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
