package main

import (
	"bytes"
	"context"
	"encoding/base32"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/internal/totp"
)

// A user an administrator created signs in with the temporary password
// and answers the new-password step from stdin's next line, with the
// password sent or proved by SRP; the new password works afterwards.
func TestLoginNewPasswordStep(t *testing.T) {
	for _, srp := range []bool{false, true} {
		t.Run(map[bool]string{false: "password", true: "srp"}[srp], func(t *testing.T) {
			c := newCLI(t, secretEnv)
			const temporary, chosen = "Temp0rary-pass!", "Ch0sen-password!"
			c.remember(temporary, chosen)
			_, err := c.srv.Client().AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{
				UserPoolId: aws.String(c.srv.UserPoolID), Username: aws.String("bo@example.com"),
				TemporaryPassword: aws.String(temporary), MessageAction: types.MessageActionTypeSuppress,
				UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("bo@example.com")}},
			})
			if err != nil {
				t.Fatal(err)
			}
			args := []string{"login", "--email", "bo@example.com", "--password-stdin"}
			if srp {
				args = append(args, "--srp")
			}
			c.ok(temporary+"\n"+chosen+"\n", args...)
			if tok := c.tokens(); tok.AccessToken == "" {
				t.Fatal("no tokens saved")
			}
			c.login("bo@example.com", chosen)

			// A step with no answer on stdin fails, saying what was missing.
			_, err = c.srv.Client().AdminSetUserPassword(t.Context(), &cip.AdminSetUserPasswordInput{
				UserPoolId: aws.String(c.srv.UserPoolID), Username: aws.String("bo@example.com"), Password: aws.String(temporary),
			})
			if err != nil {
				t.Fatal(err)
			}
			if msg := c.fail(temporary+"\n", args...); msg == "" {
				t.Error("no message for the missing answer")
			}
		})
	}
}

// The MFA commands set up an authenticator app from its code, show and
// change the settings; login then answers the TOTP step from stdin.
func TestMFACommandsAndTOTPLogin(t *testing.T) {
	clk := cognitotest.NewClock(time.Now())
	c := newCLI(t, secretEnv, cognitotest.WithClock(clk.Now))
	_, err := c.srv.Client().SetUserPoolMfaConfig(t.Context(), &cip.SetUserPoolMfaConfigInput{
		UserPoolId: aws.String(c.srv.UserPoolID), MfaConfiguration: types.UserPoolMfaTypeOptional,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	const pw = "Sup3r-secret!"
	c.signUp("ana@example.com", pw)
	c.login("ana@example.com", pw)
	if got := decodeJSON(t, c.ok("", "mfa", "status", "--json")); len(got["enabled"].([]any)) != 0 {
		t.Errorf("mfa status before set-up: %v", got)
	}

	// setup-totp shows the key, then reads the app's code: the test plays
	// the user, answering once the key is on stderr.
	secret, r := setUpTOTP(t, c, func(secret string) string { return "000000" })
	if r.code == 0 && totpAt(t, secret, clk.Now()) != "000000" {
		t.Fatal("setup-totp accepted a wrong code")
	}
	secret, r = setUpTOTP(t, c, func(secret string) string { return totpAt(t, secret, clk.Now()) })
	if r.code != 0 {
		t.Fatalf("setup-totp: exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "otpauth://totp/Example:") {
		t.Errorf("setup-totp shows no otpauth URI:\n%s", r.stderr)
	}
	got := decodeJSON(t, c.ok("", "mfa", "status", "--json"))
	if enabled := got["enabled"].([]any); len(enabled) != 1 || enabled[0] != "totp" || got["preferred"] != "totp" {
		t.Errorf("mfa status after set-up: %v", got)
	}

	// login asks for the app's code after the password.
	clk.Advance(30 * time.Second)
	code := totpAt(t, secret, clk.Now())
	c.remember(code)
	c.ok(pw+"\n"+code+"\n", "login", "--email", "ana@example.com", "--password-stdin")
	if msg := c.fail(pw+"\n", "login", "--email", "ana@example.com", "--password-stdin"); msg == "" {
		t.Error("login without the code succeeded")
	}

	// Turned off, the app is no longer asked for.
	c.ok("", "mfa", "set", "--method", "totp", "--disable")
	c.login("ana@example.com", pw)
	if msg := c.fail("", "mfa", "set", "--method", "fax"); !strings.Contains(msg, "totp, sms or email") {
		t.Errorf("mfa set --method fax: %q", msg)
	}
}

// setUpTOTP runs `cognito mfa setup-totp --code-stdin` as a person would:
// it reads the key the command shows and answers with answer(key).
func setUpTOTP(t *testing.T, c *cli, answer func(secret string) string) (string, result) {
	t.Helper()
	stdinR, stdinW := io.Pipe()
	stderr := &keyWatcher{found: make(chan string, 1)}
	var stdout bytes.Buffer
	args := slices.Concat([]string{"mfa", "setup-totp", "--code-stdin", "--issuer", "Example"}, c.config, c.flags)
	done := make(chan int, 1)
	go func() { done <- run(context.Background(), args, stdinR, &stdout, stderr) }()
	var secret string
	select {
	case secret = <-stderr.found:
		io.WriteString(stdinW, answer(secret)+"\n")
	case code := <-done:
		t.Fatalf("setup-totp ended (exit %d) without showing a key:\n%s", code, stderr.text())
	}
	code := <-done
	stdinW.Close()
	return secret, result{args: args, code: code, stdout: stdout.String(), stderr: stderr.text()}
}

// keyWatcher is setup-totp's stderr: it reports the key once it is shown
// (the line after "Add this key").
type keyWatcher struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	found chan string
	sent  bool
}

func (w *keyWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if !w.sent {
		lines := strings.Split(w.buf.String(), "\n")
		for i, line := range lines {
			if strings.HasPrefix(line, "Add this key") && i+1 < len(lines)-1 {
				w.found <- strings.TrimSpace(lines[i+1])
				w.sent = true
				break
			}
		}
	}
	return len(p), nil
}

func (w *keyWatcher) text() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// totpAt is the code an authenticator app holding secret shows at now.
func totpAt(t *testing.T, secret string, now time.Time) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatalf("the key %q is not base32: %v", secret, err)
	}
	return totp.Now(key, now)
}

// login --remember-device remembers the device the sign-in offers; the
// next login signs in as it (sparing MFA where the pool says so), devices
// list shows it, and once forgotten login works without it.
func TestLoginRemembersDevice(t *testing.T) {
	clk := cognitotest.NewClock(time.Now())
	c := newCLI(t, secretEnv, cognitotest.WithClock(clk.Now))
	admin := c.srv.Client()
	_, err := admin.UpdateUserPool(t.Context(), &cip.UpdateUserPoolInput{
		UserPoolId:             aws.String(c.srv.UserPoolID),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		DeviceConfiguration:    &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	const pw = "Sup3r-secret!"
	c.signUp("ana@example.com", pw)
	c.ok(pw+"\n", "login", "--email", "ana@example.com", "--password-stdin", "--remember-device")
	devicesFile := filepath.Join(filepath.Dir(c.session), "devices.json")
	info, err := os.Stat(devicesFile)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("devices file: %v, mode %v", err, info)
	}
	raw, _ := os.ReadFile(devicesFile)
	var saved map[string]struct{ Key, Secret string }
	if err := json.Unmarshal(raw, &saved); err != nil || len(saved) != 1 {
		t.Fatalf("devices file: %s", raw)
	}
	var key string
	for _, d := range saved {
		key = d.Key
		c.remember(d.Secret)
	}

	// MFA on, except on remembered devices.
	_, err = admin.SetUserPoolMfaConfig(t.Context(), &cip.SetUserPoolMfaConfigInput{
		UserPoolId: aws.String(c.srv.UserPoolID), MfaConfiguration: types.UserPoolMfaTypeOn,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	c.login("ana@example.com", pw) // no MFA step: the remembered device
	list := c.ok("", "devices", "list", "--json")
	var devices []map[string]any
	if err := json.Unmarshal([]byte(list.stdout), &devices); err != nil || len(devices) != 1 || devices[0]["key"] != key || devices[0]["remembered"] != true {
		t.Fatalf("devices list: %s", list.stdout)
	}
	c.ok("", "devices", "forget", "--device-key", key)
	raw, _ = os.ReadFile(devicesFile)
	if strings.Contains(string(raw), key) {
		t.Error("the forgotten device is still in the devices file")
	}
	// Without the device, MFA set-up is asked for: no answer on stdin.
	if r := c.run(pw+"\n", "login", "--email", "ana@example.com", "--password-stdin"); r.code != 1 || !strings.Contains(r.stderr, "MFA is required") {
		t.Errorf("login on a forgotten device: exit %d\n%s", r.code, r.stderr)
	}
}

// login --passwordless signs in with the code Cognito emails, read from
// stdin; no password is read.
func TestLoginPasswordless(t *testing.T) {
	c := newCLI(t, secretEnv)
	admin := c.srv.Client()
	_, err := admin.UpdateUserPool(t.Context(), &cip.UpdateUserPoolInput{
		UserPoolId:             aws.String(c.srv.UserPoolID),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		EmailConfiguration: &types.EmailConfigurationType{
			EmailSendingAccount: types.EmailSendingAccountTypeDeveloper,
			SourceArn:           aws.String("arn:aws:ses:eu-west-1:123456789012:identity/no-reply@example.com"),
		},
		Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
			AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = admin.UpdateUserPoolClient(t.Context(), &cip.UpdateUserPoolClientInput{
		UserPoolId: aws.String(c.srv.UserPoolID), ClientId: aws.String(c.srv.ClientID),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth, types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	if err != nil {
		t.Fatal(err)
	}
	c.signUp("ana@example.com", "Sup3r-secret!")
	// The code is sent when login asks Cognito for it: the test answers
	// with a pipe, once the code is in the outbox.
	stdinR, stdinW := io.Pipe()
	var stdout, stderr bytes.Buffer
	args := slices.Concat([]string{"login", "--email", "ana@example.com", "--passwordless", "--password-stdin"}, c.config, c.flags)
	done := make(chan int, 1)
	before := len(c.srv.Messages("ana@example.com"))
	go func() { done <- run(context.Background(), args, stdinR, &stdout, &stderr) }()
	deadline := time.Now().Add(10 * time.Second)
	for len(c.srv.Messages("ana@example.com")) == before && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	code := c.srv.LastCode("ana@example.com")
	c.remember(code)
	io.WriteString(stdinW, code+"\n")
	if exit := <-done; exit != 0 {
		t.Fatalf("login --passwordless: exit %d\n%s", exit, stderr.String())
	}
	if tok := c.tokens(); tok.AccessToken == "" {
		t.Fatal("no tokens saved")
	}
}
