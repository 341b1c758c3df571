package exampletest

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cognitokit/cognito/examples/internal/serve"
)

// IsolateEnv clears what the library or the AWS SDK read from the
// environment, for the rest of the test.
func IsolateEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{
		"COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID", "COGNITO_CLIENT_SECRET", "COGNITO_LANG",
		"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
	} {
		t.Setenv(k, "")
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "no-aws-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "no-aws-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// Start runs run in the background, as a program's main would, until it
// reports where it listens through listening (an address or a URL, which
// Start returns). stop cancels run's context, as a signal would, waits for
// run to return, fails the test if it returned an error, and checks that
// health (a URL, if not empty) no longer answers.
func Start(t *testing.T, run func(ctx context.Context, listening func(where string)) error) (where string, stop func(health string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	wheres := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, func(w string) { wheres <- w }) }()
	select {
	case where = <-wheres:
	case err := <-done:
		t.Fatalf("run: %v", err)
	}
	return where, func(health string) {
		t.Helper()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run after cancel: %v", err)
			}
		case <-time.After(serve.ShutdownTimeout + 5*time.Second):
			t.Fatal("run did not return after cancel")
		}
		if health == "" {
			return
		}
		if resp, err := http.Get(health); err == nil {
			resp.Body.Close()
			t.Error("the server still answers after shutdown")
		}
	}
}

// NoSecrets fails the test if log shows any of secrets (empty ones aside).
func NoSecrets(t *testing.T, log string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(log, s) {
			t.Errorf("the log shows a secret:\n%s", log)
			return
		}
	}
}
