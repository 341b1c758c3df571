package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/examples/internal/exampletest"
)

// startRun runs the app as main does with args, and returns its URL and a
// function that stops it as a signal would and returns its log.
func startRun(t *testing.T, args ...string) (string, func() string) {
	t.Helper()
	var logs bytes.Buffer
	url, stop := exampletest.Start(t, func(ctx context.Context, listening func(string)) error {
		return run(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), io.Discard, slog.New(slog.NewTextHandler(&logs, nil)), listening)
	})
	return url, func() string {
		t.Helper()
		stop(url + "/health")
		return logs.String()
	}
}

// With no configuration the app starts its own local Cognito, with the
// demo user to sign in as.
func TestRunEmbedded(t *testing.T) {
	exampletest.IsolateEnv(t)
	url, stop := startRun(t)
	resp, body := signIn(t, browser(t, nil), url, demoEmail, demoPassword)
	if resp.Request.URL.Path != "/profile" || !strings.Contains(body, demoEmail) {
		t.Errorf("signing in led to %s %s\n%s", resp.Status, resp.Request.URL.Path, body)
	}
	log := stop()
	for _, want := range []string{"a local Cognito runs in this process", "sign_in_as=" + demoEmail, "webapp listening", "shutting down"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
	exampletest.NoSecrets(t, log, demoPassword)
}

// Configured by the environment `cognito local` prints (with the
// administrator credentials --configure-client needs), the app sets up the
// app client and signs users of that pool in.
func TestRunWithPool(t *testing.T) {
	exampletest.IsolateEnv(t)
	srv := cognitotest.NewServer(t, cognitotest.WithClientSecret())
	if err := (&localCognito{srv}).addDemoUser(t.Context()); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": srv.Endpoint, "AWS_REGION": srv.Region,
		"COGNITO_USER_POOL_ID": srv.UserPoolID, "COGNITO_CLIENT_ID": srv.ClientID, "COGNITO_CLIENT_SECRET": srv.ClientSecret,
		"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
	} {
		t.Setenv(k, v)
	}
	url, stop := startRun(t, "--configure-client")
	resp, body := signIn(t, browser(t, nil), url, demoEmail, demoPassword)
	if resp.Request.URL.Path != "/profile" || !strings.Contains(body, demoEmail) {
		t.Errorf("signing in led to %s %s\n%s", resp.Status, resp.Request.URL.Path, body)
	}
	log := stop()
	if !strings.Contains(log, "issuer="+srv.Endpoint+"/"+srv.UserPoolID) || strings.Contains(log, "local Cognito runs") {
		t.Errorf("the log:\n%s", log)
	}
	exampletest.NoSecrets(t, log, demoPassword, srv.ClientSecret)
}

// TestRunUsage: configuration and flag mistakes stop run at once.
func TestRunUsage(t *testing.T) {
	exampletest.IsolateEnv(t)
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	var stderr bytes.Buffer
	if err := run(ctx, []string{"--nope"}, &stderr, logger, nil); err == nil || !strings.Contains(stderr.String(), "COGNITO_USER_POOL_ID") {
		t.Errorf("unknown flag: %v; usage %q", err, stderr.String())
	}
	if err := run(ctx, []string{"-h"}, &stderr, logger, nil); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
	if err := run(ctx, []string{"extra"}, &stderr, logger, nil); err == nil {
		t.Error("an argument did not fail")
	}
	if err := run(ctx, []string{"--addr", "256.0.0.1:1"}, &stderr, logger, nil); err == nil {
		t.Error("a bad --addr did not fail")
	}
	t.Setenv("COGNITO_USER_POOL_ID", "eu-west-1_AbC123xyz")
	if err := run(ctx, nil, &stderr, logger, nil); err == nil || !strings.Contains(err.Error(), "COGNITO_CLIENT_ID") {
		t.Errorf("a pool without a client: %v", err)
	}
}
