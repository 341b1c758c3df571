package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/emulator"
	"github.com/cognitokit/cognito/internal/secrethash"
)

// exampleConfig is the commented example setup the README points to.
const exampleConfig = "../../examples/local-config.yaml"

// Secrets and passwords of the example, which nothing may print.
var exampleSecrets = []string{"shop_backend_local_secret_0123456789", "Shop-pass-ana1", "Temporary-bob2", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}

// runCognito runs the command line with args and returns its output.
func runCognito(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := newRootCommand(&out, &errOut)
	cmd.SetArgs(args)
	err = cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

// With --config, the declared pools, clients and users are there at every
// start, on disk or in memory, with the same IDs; the default pool is not
// made; no secret is printed; `cognito local export` writes them back.
func TestLocalConfig(t *testing.T) {
	dir := t.TempDir()
	first := startLocal(t, "--data", dir, "--config", exampleConfig)
	if got := first.exports["COGNITO_USER_POOL_ID"]; got != "eu-west-1_Local123" {
		t.Errorf("COGNITO_USER_POOL_ID = %q, want the declared pool", got)
	}
	if got := first.exports["COGNITO_CLIENT_ID"]; got != "shop0web0client00000000001" {
		t.Errorf("COGNITO_CLIENT_ID = %q, want the declared public client", got)
	}
	for _, want := range []string{"eu-west-1_Staff456", "shop0backend0client0000001 (backend, with a secret)"} {
		if !strings.Contains(first.stdout.String(), want) {
			t.Errorf("the banner does not name %s:\n%s", want, first.stdout)
		}
	}
	ctx := context.Background()
	client := first.client()
	pools, err := client.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)})
	if err != nil || len(pools.UserPools) != 2 {
		t.Fatalf("ListUserPools: %v, %d pools, want the 2 declared", err, len(pools.UserPools))
	}
	signIn := func(r *localRun) {
		t.Helper()
		_, err := r.client().InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId: aws.String("shop0backend0client0000001"), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{
				"USERNAME": "ana@example.com", "PASSWORD": "Shop-pass-ana1",
				"SECRET_HASH": secrethash.Compute("shop_backend_local_secret_0123456789", "ana@example.com", "shop0backend0client0000001"),
			},
		})
		if err != nil {
			t.Errorf("sign-in as the declared user with the declared secret: %v", err)
		}
	}
	signIn(first)
	if err := first.stop(); err != nil {
		t.Fatal(err)
	}

	// Applied again at the next start: nothing doubles, nothing breaks.
	second := startLocal(t, "--data", dir, "--config", exampleConfig)
	signIn(second)
	if err := second.stop(); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*localRun{first, second} {
		for name, out := range map[string]string{"stdout": r.stdout.String(), "stderr": r.stderr.String()} {
			for _, secret := range exampleSecrets {
				if strings.Contains(out, secret) {
					t.Errorf("%s shows a secret of the setup", name)
				}
			}
		}
	}

	// The export reads back as a setup with the same IDs; the password
	// hashes only when asked, in a private file.
	out, _, err := runCognito(t, "local", "export", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	setup, err := emulator.ParseSetup([]byte(out))
	if err != nil {
		t.Fatalf("the export does not read back: %v\n%s", err, out)
	}
	if len(setup.Pools) != 2 || setup.Pools[0].ID != "eu-west-1_Local123" || len(setup.Pools[0].Users) != 5 {
		t.Errorf("the export has %d pools", len(setup.Pools))
	}
	if strings.Contains(out, "PasswordVerifier") || strings.Contains(out, "JBSWY3DPEHPK3PXP") {
		t.Errorf("an export without --password-hashes holds password hashes or TOTP secrets")
	}
	if out, _, err := runCognito(t, "local", "export", "--data", dir, "--json"); err != nil || !strings.HasPrefix(out, "{") {
		t.Errorf("export --json: %v\n%.100s", err, out)
	}
	file := filepath.Join(t.TempDir(), "state.json")
	if _, _, err := runCognito(t, "local", "export", "--data", dir, "--password-hashes", "--out", file); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(file); info.Mode().Perm() != 0o600 {
		t.Errorf("the export file's mode is %v, want 0600", info.Mode().Perm())
	}
	if !bytes.HasPrefix(raw, []byte("{")) || !bytes.Contains(raw, []byte("PasswordVerifier")) {
		t.Errorf("--out state.json --password-hashes wrote:\n%.300s", raw)
	}

	// The export with hashes sets up a new server the same, in memory.
	third := startLocal(t, "--memory", "--data", t.TempDir(), "--config", file)
	signIn(third)
}

// A config declaring no pool leaves today's empty start as it is: the
// default pool is made.
func TestLocalEmptyConfigMakesTheDefaultPool(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.yaml")
	if err := os.WriteFile(empty, []byte("# nothing yet\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run := startLocal(t, "--memory", "--data", t.TempDir(), "--config", empty)
	if !strings.HasPrefix(run.exports["COGNITO_USER_POOL_ID"], "eu-west-1_") || !strings.Contains(run.stdout.String(), "The app client with a secret is") {
		t.Errorf("no default pool:\n%s", run.stdout)
	}
}

// A config that cannot be read or applied stops the start with an error
// that names the file and the place in it, and no secret.
func TestLocalRefusesBadConfigs(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	err := os.WriteFile(bad, []byte("Pools:\n  - Id: eu-west-1_Bad1\n    Users:\n      - {Username: ana, Password: Weak-secret1, Groups: [admins]}\n"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--config", bad}, []string{bad, "Pools[0].Users[0] (ana)", `group "admins"`}},
		{[]string{"--config", filepath.Join(dir, "missing.yaml")}, []string{"--config", "missing.yaml"}},
		{[]string{"--config", bad, "--region", "us-east-1"}, []string{"Pools[0] (eu-west-1_Bad1)", "region us-east-1"}},
	} {
		_, _, err := runCognito(t, append([]string{"local", "--memory", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, tc.args...)...)
		if err == nil {
			t.Fatalf("%v: no error", tc.args)
		}
		for _, want := range tc.want {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%v: error %q does not say %q", tc.args, err, want)
			}
		}
		if strings.Contains(err.Error(), "Weak-secret1") {
			t.Errorf("the error shows a password: %v", err)
		}
	}
	if _, _, err := runCognito(t, "local", "export", "--data", t.TempDir()); err == nil || !strings.Contains(err.Error(), "no local Cognito data") {
		t.Errorf("export of an empty directory: %v", err)
	}
}
