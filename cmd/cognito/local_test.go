package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/internal/secrethash"
)

// syncBuffer is a bytes.Buffer safe to write from the command's goroutine
// and read from the test's; waitFor tells when it holds a text.
type syncBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	waiting []wait
}

// wait is a waitFor that has not seen its text yet.
type wait struct {
	want string
	n    int
	seen chan struct{}
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	b.waiting = slices.DeleteFunc(b.waiting, func(w wait) bool { return b.holds(w) })
	return n, err
}

// holds closes w.seen and reports true once the buffer holds w.want n
// times.
func (b *syncBuffer) holds(w wait) bool {
	if strings.Count(b.buf.String(), w.want) < w.n {
		return false
	}
	close(w.seen)
	return true
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor returns a channel closed once the buffer holds want n times.
func (b *syncBuffer) waitFor(want string, n int) <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	w := wait{want: want, n: n, seen: make(chan struct{})}
	if !b.holds(w) {
		b.waiting = append(b.waiting, w)
	}
	return w.seen
}

// localRun is a `cognito local` running in-process.
type localRun struct {
	exports        map[string]string
	stdout, stderr *syncBuffer
	stop           func() error
}

// startLocal runs `cognito local args...` until the test stops it, and
// waits for its export lines. $COGNITO_LOCAL_TOKEN is cleared, so that the
// developer's own plays no part.
func startLocal(t *testing.T, args ...string) *localRun {
	t.Helper()
	t.Setenv(accessTokenEnv, "")
	return launchLocal(t, args...)
}

// startLocalWithToken is startLocal with $COGNITO_LOCAL_TOKEN set to token.
func startLocalWithToken(t *testing.T, token string, args ...string) *localRun {
	t.Helper()
	t.Setenv(accessTokenEnv, token)
	return launchLocal(t, args...)
}

func launchLocal(t *testing.T, args ...string) *localRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	run := &localRun{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	cmd := newRootCommand(run.stdout, run.stderr)
	cmd.SetArgs(append([]string{"local", "--addr", "127.0.0.1:0"}, args...))
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	var once sync.Once
	var runErr error
	run.stop = func() error {
		once.Do(func() { cancel(); runErr = <-done })
		return runErr
	}
	t.Cleanup(func() { run.stop() })

	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(run.stdout.String(), "_local/messages") {
		select {
		case err := <-done:
			t.Fatalf("cognito local exited early: %v\nstderr:\n%s", err, run.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("cognito local printed no exports; stderr:\n%s", run.stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	run.exports = map[string]string{}
	for _, line := range strings.Split(run.stdout.String(), "\n") {
		if kv, ok := strings.CutPrefix(line, "export "); ok {
			k, v, _ := strings.Cut(kv, "=")
			run.exports[k] = v
		}
	}
	return run
}

func (r *localRun) client() *cip.Client {
	return cip.NewFromConfig(aws.Config{
		Region:       r.exports["AWS_REGION"],
		BaseEndpoint: aws.String(r.exports["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"]),
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
	})
}

// lastCode reads the newest code sent to username from the outbox, over HTTP
// as a script would.
func (r *localRun) lastCode(t *testing.T, username string) string {
	t.Helper()
	resp, err := http.Get(r.exports["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] + "/_local/messages?username=" + username)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Messages []struct{ Code string } `json:"messages"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Messages) == 0 {
		t.Fatalf("outbox for %s: %v, %d messages", username, err, len(out.Messages))
	}
	return out.Messages[len(out.Messages)-1].Code
}

func TestLocalServesDefaultPool(t *testing.T) {
	dir := t.TempDir()
	run := startLocal(t, "--memory", "--data", dir)
	for _, k := range []string{"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_REGION", "COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID"} {
		if run.exports[k] == "" {
			t.Fatalf("no export line for %s in:\n%s", k, run.stdout)
		}
	}
	if !strings.HasPrefix(run.exports["COGNITO_USER_POOL_ID"], "eu-west-1_") {
		t.Errorf("pool ID %q does not look like an AWS pool ID", run.exports["COGNITO_USER_POOL_ID"])
	}

	// The secret lives only in a 0600 file, never in the output.
	secretFile := filepath.Join(dir, "client-secret")
	info, err := os.Stat(secretFile)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("secret file mode = %v, want 0600", info.Mode().Perm())
	}
	raw, _ := os.ReadFile(secretFile)
	secret := strings.TrimSpace(string(raw))
	if len(secret) < 40 {
		t.Fatalf("secret file holds %d characters", len(secret))
	}

	// A user signs up with the email as the username, confirms with the
	// code from the outbox and signs in with the public client.
	ctx := context.Background()
	client := run.client()
	email := "ana@example.com"
	_, err = client.SignUp(ctx, &cip.SignUpInput{
		ClientId: aws.String(run.exports["COGNITO_CLIENT_ID"]), Username: aws.String(email), Password: aws.String("Sup3r-secret"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(email)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{
		ClientId: aws.String(run.exports["COGNITO_CLIENT_ID"]), Username: aws.String(email), ConfirmationCode: aws.String(run.lastCode(t, email)),
	})
	if err != nil {
		t.Fatal(err)
	}
	auth, err := client.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: aws.String(run.exports["COGNITO_CLIENT_ID"]), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": email, "PASSWORD": "Sup3r-secret"},
	})
	if err != nil {
		t.Fatal(err)
	}
	me, err := client.GetUser(ctx, &cip.GetUserInput{AccessToken: auth.AuthenticationResult.AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(me.Username) != email {
		t.Errorf("GetUser username = %q, want the email %q", aws.ToString(me.Username), email)
	}

	// The client with a secret takes the secret from the file.
	secretClientID := strings.Fields(strings.SplitAfter(run.stdout.String(), "The app client with a secret is ")[1])[0]
	secretClientID = strings.TrimSuffix(secretClientID, ";")
	_, err = client.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: aws.String(secretClientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": email, "PASSWORD": "Sup3r-secret", "SECRET_HASH": secrethash.Compute(secret, email, secretClientID)},
	})
	if err != nil {
		t.Fatalf("sign-in with the secret client: %v", err)
	}

	if err := run.stop(); err != nil {
		t.Fatalf("cognito local did not shut down cleanly: %v", err)
	}
	for name, out := range map[string]string{"stdout": run.stdout.String(), "stderr": run.stderr.String()} {
		for _, secretValue := range []string{secret, "Sup3r-secret", aws.ToString(auth.AuthenticationResult.AccessToken), aws.ToString(auth.AuthenticationResult.RefreshToken)} {
			if strings.Contains(out, secretValue) {
				t.Errorf("%s contains a secret", name)
			}
		}
	}
}

func TestLocalKeepsStateAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	first := startLocal(t, "--data", dir)
	ctx := context.Background()
	_, err := first.client().SignUp(ctx, &cip.SignUpInput{
		ClientId: aws.String(first.exports["COGNITO_CLIENT_ID"]), Username: aws.String("bo@example.com"), Password: aws.String("Sup3r-secret"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("bo@example.com")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := first.stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "cognito.db")); err != nil {
		t.Fatalf("no database in the data directory: %v", err)
	}

	second := startLocal(t, "--data", dir)
	for _, k := range []string{"COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID"} {
		if first.exports[k] != second.exports[k] {
			t.Errorf("%s changed across restarts: %q → %q", k, first.exports[k], second.exports[k])
		}
	}
	u, err := second.client().AdminGetUser(ctx, &cip.AdminGetUserInput{
		UserPoolId: aws.String(second.exports["COGNITO_USER_POOL_ID"]), Username: aws.String("bo@example.com"),
	})
	if err != nil {
		t.Fatalf("user lost across restarts: %v", err)
	}
	if u.UserStatus != types.UserStatusTypeUnconfirmed {
		t.Errorf("status = %s, want UNCONFIRMED", u.UserStatus)
	}
}

func TestLocalRejectsBadFlags(t *testing.T) {
	t.Setenv(accessTokenEnv, "")
	for _, args := range [][]string{
		{"local", "--log-level", "loud", "--memory"},
		{"local", "--addr", "127.0.0.1:99999", "--memory"},
		{"local", "--issuer", "amazon", "--memory"},
		{"local", "--cors-origins", "localhost:5173", "--memory"},
		{"local", "--cors-origins", "http://localhost:5173/app", "--memory"},
		{"local", "--public-url", "ftp://cognito:9229", "--memory"},
		{"local", "--public-url", "http://cognito:9229/?x=1", "--memory"},
		{"local", "--public-url", "cognito:9229", "--memory"},
	} {
		cmd := newRootCommand(&bytes.Buffer{}, &bytes.Buffer{})
		cmd.SetArgs(append(args, "--data", t.TempDir()))
		if err := cmd.ExecuteContext(context.Background()); err == nil {
			t.Errorf("%v: no error", args)
		} else if errors.Is(err, context.Canceled) {
			t.Errorf("%v: %v", args, err)
		}
	}
}

// TestLocalMemoryLeavesNothingBehind: a memory server keeps its secret file
// in a temporary directory, not in the default data directory, and removes
// it at exit.
func TestLocalMemoryLeavesNothingBehind(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	run := startLocal(t, "--memory")
	out := run.stdout.String()
	i := strings.Index(out, "its secret is in ")
	if i < 0 {
		t.Fatalf("no secret file in:\n%s", out)
	}
	secretFile := strings.Fields(out[i+len("its secret is in "):])[0]
	if strings.HasPrefix(secretFile, home) {
		t.Fatalf("the memory server wrote its secret under the home directory: %s", secretFile)
	}
	if _, err := os.Stat(secretFile); err != nil {
		t.Fatalf("secret file: %v", err)
	}
	if err := run.stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(secretFile); !os.IsNotExist(err) {
		t.Errorf("the secret file outlived the server: %v", err)
	}
	if _, err := os.Stat(filepath.Join(home, ".config", "cognitokit")); !os.IsNotExist(err) {
		t.Errorf("the memory server created the default data directory: %v", err)
	}
}

// TestLocalShutsDownOnSignal runs `cognito local` as a real process (this
// test binary, calling main) and stops it with SIGTERM and SIGINT: it must
// shut down cleanly, exit 0.
func TestLocalShutsDownOnSignal(t *testing.T) {
	if os.Getenv("COGNITO_LOCAL_CHILD") == "1" {
		os.Args = []string{"cognito", "local", "--memory", "--addr", "127.0.0.1:0"}
		main() // exits
	}
	for _, sig := range []os.Signal{syscall.SIGTERM, os.Interrupt} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestLocalShutsDownOnSignal$")
			cmd.Env = append(os.Environ(), "COGNITO_LOCAL_CHILD=1", "HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr syncBuffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			ready := make(chan struct{})
			go func() {
				scanner := bufio.NewScanner(stdout)
				for scanner.Scan() {
					if strings.Contains(scanner.Text(), "_local/messages") {
						close(ready)
						break
					}
				}
				io.Copy(io.Discard, stdout)
			}()
			select {
			case <-ready:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("cognito local did not start; stderr:\n%s", stderr.String())
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("after %v: %v; stderr:\n%s", sig, err, stderr.String())
			}
			if !strings.Contains(stderr.String(), "shutting down") {
				t.Errorf("no shutdown in the log:\n%s", stderr.String())
			}
		})
	}
}

// With --iam the server accepts admin calls signed only with the AWS
// credentials of its own environment, and bootstraps its pool with them.
func TestLocalIAM(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDLOCALTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "local-test-secret")
	run := startLocal(t, "--memory", "--data", t.TempDir(), "--iam")
	if strings.Contains(run.stdout.String()+run.stderr.String(), "local-test-secret") {
		t.Fatal("the IAM secret was printed")
	}
	signed := func(key, secret string) error {
		c := cip.NewFromConfig(aws.Config{
			Region:       run.exports["AWS_REGION"],
			BaseEndpoint: aws.String(run.exports["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"]),
			Credentials:  credentials.NewStaticCredentialsProvider(key, secret, ""),
		}, func(o *cip.Options) { o.RetryMaxAttempts = 1 })
		_, err := c.DescribeUserPool(context.Background(), &cip.DescribeUserPoolInput{UserPoolId: aws.String(run.exports["COGNITO_USER_POOL_ID"])})
		return err
	}
	if err := signed("AKIDLOCALTEST", "local-test-secret"); err != nil {
		t.Errorf("signed with the server's credentials: %v", err)
	}
	var apiErr interface{ ErrorCode() string }
	if err := signed("AKIDLOCALTEST", "another-secret"); !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidSignatureException" {
		t.Errorf("signed with another secret: %v, want InvalidSignatureException", err)
	}
}

// --iam without credentials in the environment is refused before serving.
func TestLocalIAMNeedsCredentials(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	var stdout, stderr bytes.Buffer
	cmd := newRootCommand(&stdout, &stderr)
	cmd.SetArgs([]string{"local", "--memory", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--iam"})
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), "AWS_SECRET_ACCESS_KEY") {
		t.Fatalf("cognito local --iam without credentials: %v", err)
	}
}

// With --lambda-endpoint the server runs the pools' triggers through the
// Lambda Invoke API at that URL, and says so in its banner.
func TestLocalLambdaEndpoint(t *testing.T) {
	var mu sync.Mutex
	var invoked []string
	runner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		invoked = append(invoked, r.Method+" "+r.URL.Path)
		mu.Unlock()
		io.WriteString(w, `{"response":{"autoConfirmUser":true}}`)
	}))
	defer runner.Close()
	run := startLocal(t, "--memory", "--data", t.TempDir(), "--lambda-endpoint", runner.URL)
	if !strings.Contains(run.stdout.String(), "Lambda Invoke API at "+runner.URL) {
		t.Errorf("the banner does not name the Lambda endpoint:\n%s", run.stdout)
	}

	ctx := context.Background()
	admin := run.client()
	pool, err := admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName:     aws.String("with-triggers"),
		LambdaConfig: &types.LambdaConfigType{PreSignUp: aws.String("arn:aws:lambda:eu-west-1:123456789012:function:pre-sign-up")},
	})
	if err != nil {
		t.Fatal(err)
	}
	client, err := admin.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: pool.UserPool.Id, ClientName: aws.String("app")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.SignUp(ctx, &cip.SignUpInput{
		ClientId: client.UserPoolClient.ClientId, Username: aws.String("ana"), Password: aws.String("Sup3r-secret!"),
	}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"POST /2015-03-31/functions/pre-sign-up/invocations"}; !slices.Equal(invoked, want) {
		t.Errorf("the runner received %q, want %q", invoked, want)
	}
}

// A --lambda-endpoint that is not an http(s) URL is refused before serving.
func TestLocalRejectsBadLambdaEndpoint(t *testing.T) {
	for _, endpoint := range []string{"127.0.0.1:3001", "ftp://127.0.0.1:3001", "http://"} {
		cmd := newRootCommand(&bytes.Buffer{}, &bytes.Buffer{})
		cmd.SetArgs([]string{"local", "--memory", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--lambda-endpoint", endpoint})
		err := cmd.ExecuteContext(context.Background())
		if err == nil || !strings.Contains(err.Error(), "--lambda-endpoint") || !strings.Contains(err.Error(), "http") {
			t.Errorf("--lambda-endpoint %q: %v, want an error that says the flag needs an http or https URL", endpoint, err)
		}
	}
}
