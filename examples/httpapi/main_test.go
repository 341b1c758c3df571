package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cognitokit/cognito/cognitotest"
)

// isolateEnv clears what the library or the AWS SDK read from the
// environment, so the developer's settings play no part.
func isolateEnv(t *testing.T) {
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

// TestRun starts the API as main does, configured by the environment that
// `cognito local` prints, signs a user up and in over HTTP, and stops it
// with the context, as a signal would.
func TestRun(t *testing.T) {
	isolateEnv(t)
	srv := cognitotest.NewServer(t, cognitotest.WithClientSecret())
	t.Setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", srv.Endpoint)
	t.Setenv("AWS_REGION", srv.Region)
	t.Setenv("COGNITO_USER_POOL_ID", srv.UserPoolID)
	t.Setenv("COGNITO_CLIENT_ID", srv.ClientID)
	t.Setenv("COGNITO_CLIENT_SECRET", srv.ClientSecret)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs bytes.Buffer
	addrs := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0"}, io.Discard, slog.New(slog.NewTextHandler(&logs, nil)),
			func(addr string) { addrs <- addr })
	}()
	var base string
	select {
	case addr := <-addrs:
		base = "http://" + addr
	case err := <-done:
		t.Fatalf("run: %v", err)
	}

	call := func(method, path, token string, body any) (int, map[string]any) {
		t.Helper()
		var r io.Reader
		if body != nil {
			raw, _ := json.Marshal(body)
			r = bytes.NewReader(raw)
		}
		req, _ := http.NewRequest(method, base+path, r)
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		return resp.StatusCode, out
	}
	const email = "ana@example.com"
	if status, _ := call("GET", "/health", "", nil); status != 200 {
		t.Fatalf("health: %d", status)
	}
	if status, out := call("POST", "/register", "", map[string]string{"email": email, "password": password}); status != 201 {
		t.Fatalf("register: %d %v", status, out)
	}
	if status, out := call("POST", "/confirm", "", map[string]string{"email": email, "code": srv.LastCode(email)}); status != 200 {
		t.Fatalf("confirm: %d %v", status, out)
	}
	status, tokens := call("POST", "/login", "", map[string]string{"email": email, "password": password})
	if status != 200 {
		t.Fatalf("login: %d %v", status, tokens)
	}
	// The tokens of the local Cognito verify: the issuer came from
	// AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER.
	if status, out := call("GET", "/profile", tokens["id_token"].(string), nil); status != 200 || out["email"] != email {
		t.Fatalf("profile: %d %v", status, out)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after cancel: %v", err)
		}
	case <-time.After(shutdownTimeout + 5*time.Second):
		t.Fatal("run did not return after cancel")
	}
	if _, err := http.Get(base + "/health"); err == nil {
		t.Error("the server still answers after shutdown")
	}
	log := logs.String()
	for _, want := range []string{"httpapi listening", "issuer=" + srv.Endpoint + "/" + srv.UserPoolID, "shutting down"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
	for _, secret := range []string{password, srv.ClientSecret, tokens["access_token"].(string), tokens["refresh_token"].(string)} {
		if strings.Contains(log, secret) {
			t.Errorf("the log shows a secret:\n%s", log)
		}
	}
}

// TestRunUsage: configuration and flag mistakes stop run at once.
func TestRunUsage(t *testing.T) {
	isolateEnv(t)
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	var stderr bytes.Buffer
	if err := run(ctx, nil, &stderr, logger, nil); err == nil || !strings.Contains(err.Error(), "COGNITO_USER_POOL_ID") {
		t.Errorf("without configuration: %v", err)
	}
	t.Setenv("COGNITO_USER_POOL_ID", "eu-west-1_AbC123xyz")
	t.Setenv("COGNITO_CLIENT_ID", "1example23456789")
	if err := run(ctx, []string{"--addr", "256.0.0.1:1"}, &stderr, logger, nil); err == nil {
		t.Error("a bad --addr did not fail")
	}
	if err := run(ctx, []string{"--nope"}, &stderr, logger, nil); err == nil || !strings.Contains(stderr.String(), "COGNITO_USER_POOL_ID") {
		t.Errorf("unknown flag: %v; usage %q", err, stderr.String())
	}
	if err := run(ctx, []string{"-h"}, &stderr, logger, nil); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
	if err := run(ctx, []string{"extra"}, &stderr, logger, nil); err == nil {
		t.Error("an argument did not fail")
	}
}
