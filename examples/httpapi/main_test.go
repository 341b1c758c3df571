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
	"strings"
	"testing"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/examples/internal/exampletest"
)

// TestRun starts the API as main does, configured by the environment that
// `cognito local` prints, signs a user up and in over HTTP, and stops it
// with the context, as a signal would.
func TestRun(t *testing.T) {
	exampletest.IsolateEnv(t)
	srv := cognitotest.NewServer(t, cognitotest.WithClientSecret())
	t.Setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", srv.Endpoint)
	t.Setenv("AWS_REGION", srv.Region)
	t.Setenv("COGNITO_USER_POOL_ID", srv.UserPoolID)
	t.Setenv("COGNITO_CLIENT_ID", srv.ClientID)
	t.Setenv("COGNITO_CLIENT_SECRET", srv.ClientSecret)

	var logs bytes.Buffer
	addr, stop := exampletest.Start(t, func(ctx context.Context, listening func(string)) error {
		return run(ctx, []string{"--addr", "127.0.0.1:0"}, io.Discard, slog.New(slog.NewTextHandler(&logs, nil)), listening)
	})
	base := "http://" + addr

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

	stop(base + "/health")
	log := logs.String()
	for _, want := range []string{"httpapi listening", "issuer=" + srv.Endpoint + "/" + srv.UserPoolID, "shutting down"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
	exampletest.NoSecrets(t, log, password, srv.ClientSecret, tokens["access_token"].(string), tokens["refresh_token"].(string))
}

// TestRunUsage: configuration and flag mistakes stop run at once.
func TestRunUsage(t *testing.T) {
	exampletest.IsolateEnv(t)
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
