package main

import (
	"bytes"
	"context"
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

// startRun runs the app as main does with args, and returns its URL and a
// function that stops it as a signal would and returns its log.
func startRun(t *testing.T, args ...string) (string, func() string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var logs bytes.Buffer
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), io.Discard,
			slog.New(slog.NewTextHandler(&logs, nil)), func(url string) { urls <- url })
	}()
	select {
	case url := <-urls:
		return url, func() string {
			t.Helper()
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("run after cancel: %v", err)
				}
			case <-time.After(shutdownTimeout + 5*time.Second):
				t.Fatal("run did not return after cancel")
			}
			if _, err := http.Get(url + "/health"); err == nil {
				t.Error("the app still answers after shutdown")
			}
			return logs.String()
		}
	case err := <-done:
		t.Fatalf("run: %v", err)
		return "", nil
	}
}

// With no configuration the app starts its own local Cognito, with the
// demo user to sign in as.
func TestRunEmbedded(t *testing.T) {
	isolateEnv(t)
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
	if strings.Contains(log, demoPassword) {
		t.Errorf("the log shows the password:\n%s", log)
	}
}

// Configured by the environment `cognito local` prints (with the
// administrator credentials --configure-client needs), the app sets up the
// app client and signs users of that pool in.
func TestRunWithPool(t *testing.T) {
	isolateEnv(t)
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
	for _, secret := range []string{demoPassword, srv.ClientSecret} {
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
