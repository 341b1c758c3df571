package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
)

// The CLI's tests run the command line in-process (run, with a fake stdin)
// against a cognitotest server, the way a person would in a shell.

// isolateEnv clears every variable the CLI or the AWS SDK reads, so the
// developer's environment and AWS files play no part.
func isolateEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{
		"COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID", "COGNITO_CLIENT_SECRET", "COGNITO_LANG", "COGNITO_SESSION_FILE",
		"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", accessTokenEnv,
	} {
		t.Setenv(k, "")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(home, "no-aws-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, "no-aws-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// result is one run of the command line.
type result struct {
	args           []string
	code           int
	stdout, stderr string
}

// cli runs the command line against one test server, with its own session
// file. At the end of the test it checks that no secret it saw (passwords,
// codes, tokens, the client secret) was ever printed.
type cli struct {
	t       *testing.T
	srv     *cognitotest.Server
	session string   // the session file
	config  []string // the configuration flags, appended to every command line
	flags   []string // other flags appended to every command line

	mu      sync.Mutex
	runs    []result
	secrets []string
}

// secretSource is how a test gives the CLI the app client's secret.
type secretSource int

const (
	noSecret   secretSource = iota
	secretEnv               // COGNITO_CLIENT_SECRET
	secretFile              // --client-secret-file
)

// newCLI starts a server (its client with a secret unless noSecret) and
// configures the CLI for it with flags; configureByEnv sets the
// configuration through the environment instead.
func newCLI(t *testing.T, secret secretSource, opts ...cognitotest.Option) *cli {
	t.Helper()
	isolateEnv(t)
	if secret != noSecret {
		opts = append(opts, cognitotest.WithClientSecret())
	}
	srv := cognitotest.NewServer(t, opts...)
	c := &cli{
		t:       t,
		srv:     srv,
		session: filepath.Join(t.TempDir(), "state", "session.json"),
	}
	c.config = []string{"--endpoint", srv.Endpoint, "--region", srv.Region, "--user-pool-id", srv.UserPoolID, "--client-id", srv.ClientID}
	c.flags = []string{"--session", c.session}
	switch secret {
	case secretEnv:
		t.Setenv("COGNITO_CLIENT_SECRET", srv.ClientSecret)
	case secretFile:
		path := filepath.Join(t.TempDir(), "client-secret")
		if err := os.WriteFile(path, []byte(srv.ClientSecret+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		c.flags = append(c.flags, "--client-secret-file", path)
	}
	if srv.ClientSecret != "" {
		c.secrets = append(c.secrets, srv.ClientSecret)
	}
	t.Cleanup(c.checkNoSecretPrinted)
	return c
}

// configureByEnv moves the configuration from flags to the environment
// (the session file stays a flag).
func (c *cli) configureByEnv() {
	t := c.t
	t.Setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", c.srv.Endpoint)
	t.Setenv("AWS_REGION", c.srv.Region)
	t.Setenv("COGNITO_USER_POOL_ID", c.srv.UserPoolID)
	t.Setenv("COGNITO_CLIENT_ID", c.srv.ClientID)
	c.config = nil
}

// run runs the command line args with stdin, and remembers what it printed
// and the tokens it saved.
func (c *cli) run(stdin string, args ...string) result {
	c.t.Helper()
	var stdout, stderr bytes.Buffer
	args = slices.Concat(args, c.config, c.flags)
	code := run(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr)
	r := result{args: args, code: code, stdout: stdout.String(), stderr: stderr.String()}
	c.mu.Lock()
	c.runs = append(c.runs, r)
	c.mu.Unlock()
	if t, err := readTokens(c.session); err == nil {
		c.remember(t.AccessToken, t.IDToken, t.RefreshToken)
	}
	return r
}

// ok runs the command line and fails the test unless it succeeds.
func (c *cli) ok(stdin string, args ...string) result {
	c.t.Helper()
	r := c.run(stdin, args...)
	if r.code != 0 {
		c.t.Fatalf("cognito %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	if r.stderr != "" {
		c.t.Errorf("cognito %s wrote to stderr: %q", strings.Join(args, " "), r.stderr)
	}
	return r
}

// fail runs the command line, expects exit code 1 and returns the one line
// on stderr.
func (c *cli) fail(stdin string, args ...string) string {
	c.t.Helper()
	r := c.run(stdin, args...)
	if r.code != 1 {
		c.t.Fatalf("cognito %s: exit %d, want 1\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	line, ok := strings.CutSuffix(r.stderr, "\n")
	if !ok || strings.Contains(line, "\n") {
		c.t.Errorf("cognito %s: stderr is not exactly one line: %q", strings.Join(args, " "), r.stderr)
	}
	return line
}

// remember adds values that must never be printed.
func (c *cli) remember(secrets ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range secrets {
		if s != "" && !slices.Contains(c.secrets, s) {
			c.secrets = append(c.secrets, s)
		}
	}
}

func (c *cli) checkNoSecretPrinted() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.runs {
		for _, s := range c.secrets {
			if strings.Contains(r.stderr, s) {
				c.t.Errorf("cognito %s printed a secret on stderr", strings.Join(r.args, " "))
			}
			if strings.Contains(r.stdout, s) && !slices.Contains(r.args, "--print-tokens") {
				c.t.Errorf("cognito %s printed a secret on stdout", strings.Join(r.args, " "))
			}
		}
	}
}

// signUp registers and confirms email with password.
func (c *cli) signUp(email, password string) {
	c.t.Helper()
	c.remember(password)
	c.ok(password+"\n", "register", "--email", email, "--password-stdin")
	code := c.srv.LastCode(email)
	c.remember(code)
	c.ok(code+"\n", "confirm", "--email", email, "--code-stdin")
}

// login signs email in with password.
func (c *cli) login(email, password string) result {
	c.t.Helper()
	c.remember(password)
	return c.ok(password+"\n", "login", "--email", email, "--password-stdin")
}

// tokens returns the session's tokens.
func (c *cli) tokens() *cognito.Tokens {
	c.t.Helper()
	t, err := readTokens(c.session)
	if err != nil {
		c.t.Fatalf("reading the session: %v", err)
	}
	return t
}

func readTokens(path string) (*cognito.Tokens, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t cognito.Tokens
	return &t, json.Unmarshal(raw, &t)
}

// decodeJSON decodes a command's --json output into a map of its keys.
func decodeJSON(t *testing.T, r result) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatalf("cognito %s: output is not a JSON object: %v\n%s", strings.Join(r.args, " "), err, r.stdout)
	}
	return m
}

// keys returns the sorted keys of m.
func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
