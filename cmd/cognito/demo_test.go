package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cognitokit/cognito"
)

// runDemoCommand runs cognito demo args, expects success and nothing on
// stderr, and returns stdout.
func runDemoCommand(t *testing.T, args ...string) string {
	t.Helper()
	isolateEnv(t)
	var out, errOut bytes.Buffer
	if code := run(context.Background(), append([]string{"demo"}, args...), strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("cognito demo %v: exit %d\nstdout:\n%s\nstderr:\n%s", args, code, out.String(), errOut.String())
	}
	if errOut.Len() != 0 {
		t.Errorf("cognito demo wrote to stderr: %q", errOut.String())
	}
	return out.String()
}

// demoSteps are the steps the demo must show, in order.
var demoSteps = []string{
	"start local Cognito", "register", "confirm", "login", "whoami", "update attributes", "refresh",
	"forgot password", "confirm forgot password", "login (new password)", "wrong password", "delete user", "login after delete",
}

func TestDemo(t *testing.T) {
	out := runDemoCommand(t)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(demoSteps)+2 {
		t.Fatalf("demo printed %d lines, want a header, %d steps and a summary:\n%s", len(lines), len(demoSteps), out)
	}
	for i, step := range demoSteps {
		if line := lines[i+1]; !strings.HasPrefix(line, "✓ "+step+" ") || !strings.HasSuffix(line, ")") {
			t.Errorf("step %d: %q, want a ✓ line for %q with its time", i, line, step)
		}
	}
	for _, want := range []string{
		"ana@example.com → code sent to a***@e***.com",
		"code read from the outbox",
		`refused as expected: "Incorrect email or password."`,
		`refused as expected: "No account with this email exists."`,
		"All 13 steps went as expected",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "eyJ") {
		t.Error("demo output contains a JWT")
	}
}

func TestDemoSpanish(t *testing.T) {
	out := runDemoCommand(t, "--lang", "es")
	if !strings.Contains(out, "Email o contraseña incorrectos.") || !strings.Contains(out, "No existe ninguna cuenta con este email.") {
		t.Errorf("demo --lang es output:\n%s", out)
	}
}

func TestDemoJSON(t *testing.T) {
	out := runDemoCommand(t, "--json")
	var res struct {
		OK    bool       `json:"ok"`
		Steps []demoStep `json:"steps"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("demo --json: %v\n%s", err, out)
	}
	if !res.OK || len(res.Steps) != len(demoSteps) {
		t.Fatalf("demo --json = %+v", res)
	}
	for i, s := range res.Steps {
		if s.Step != demoSteps[i] || !s.OK {
			t.Errorf("step %d = %+v", i, s)
		}
	}
}

// TestExpectRefusal checks the demo's expected-failure steps: they pass only
// when the call fails with the expected kind.
func TestExpectRefusal(t *testing.T) {
	invalid := &cognito.Error{Op: "Authenticate", Kind: cognito.ErrInvalidCredentials}
	notFound := &cognito.Error{Op: "Authenticate", Kind: cognito.ErrUserNotFound}
	for _, tc := range []struct {
		name   string
		err    error
		wantOK bool
	}{
		{"refused as expected", invalid, true},
		{"wrapped", fmt.Errorf("signing in: %w", invalid), true},
		{"not refused", nil, false},
		{"refused for another reason", notFound, false},
		{"not a Cognito error", errors.New("connection refused"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			detail, err := (&demo{a: &app{lang: "en"}}).expectRefusal(tc.err, cognito.ErrInvalidCredentials)
			if (err == nil) != tc.wantOK {
				t.Fatalf("expectRefusal(%v) = %q, %v", tc.err, detail, err)
			}
			if tc.wantOK && detail != `refused as expected: "Incorrect email or password."` {
				t.Errorf("detail = %q", detail)
			}
		})
	}
}
