package emulator_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/internal/browsertest"
)

// bundleBrowserApp bundles testdata/jssdk/browser/app.mjs (with
// amazon-cognito-identity-js) for the browser with the npm-installed
// esbuild, into dir. Without esbuild it skips the test, unless
// COGNITOKIT_REQUIRE_JSSDK=1.
func bundleBrowserApp(t *testing.T, dir string) string {
	t.Helper()
	esbuild, err := filepath.Abs(filepath.Join(jssdkDir, "node_modules", ".bin", "esbuild"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(esbuild); err != nil {
		if os.Getenv("COGNITOKIT_REQUIRE_JSSDK") == "1" {
			t.Fatalf("esbuild is not installed: run `npm ci --prefix emulator/testdata/jssdk`")
		}
		t.Skip("esbuild is not installed; run `npm ci --prefix emulator/testdata/jssdk` (COGNITOKIT_REQUIRE_JSSDK=1 makes this a failure)")
	}
	out := filepath.Join(dir, "app.js")
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, esbuild, filepath.Join("browser", "app.mjs"), "--bundle", "--format=iife",
		"--platform=browser", "--define:global=globalThis", "--log-level=warning", "--outfile="+out)
	cmd.Dir = jssdkDir
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("esbuild: %v\n%s", err, msg)
	}
	return out
}

// TestBrowserSDKFromAnotherOrigin: a front end served from another origin
// signs a user up, confirms it with the code from the outbox, signs in
// with SRP, reads the user and refreshes its session — through
// amazon-cognito-identity-js in headless Chromium, bundled by esbuild —
// and the dashboard then shows the user and the code (a screenshot is
// kept as an artifact).
func TestBrowserSDKFromAnotherOrigin(t *testing.T) {
	ctx := browsertest.Start(t, 2*time.Minute)
	bundle := bundleBrowserApp(t, t.TempDir())
	srv := cognitotest.NewServer(t)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/app.js" {
			http.ServeFile(w, r, bundle)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><title>app</title><script src="/app.js"></script><p>A front end on another origin.`))
	}))
	t.Cleanup(app.Close)

	page := app.URL + "/?" + url.Values{"endpoint": {srv.Endpoint}, "pool": {srv.UserPoolID}, "client": {srv.ClientID}}.Encode()
	if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	type signedUp struct {
		Confirmed   bool   `json:"confirmed"`
		Sub         string `json:"sub"`
		Destination string `json:"destination"`
	}
	up, err := chromedp.Run(ctx, chromedp.Evaluate[signedUp](`window.signUp("ana", "Sup3r-secret!", "ana@example.com")`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("signing up in the browser: %v", err)
	}
	if up.Confirmed || up.Sub == "" || up.Destination != "a***@e***.com" {
		t.Errorf("signUp = %+v", up)
	}
	code := srv.LastCode("ana")
	type finished struct {
		Email            string `json:"email"`
		IDTokenUser      string `json:"idTokenUser"`
		RefreshedDiffers bool   `json:"refreshedDiffers"`
		RefreshedValid   bool   `json:"refreshedValid"`
	}
	done, err := chromedp.Run(ctx, chromedp.Evaluate[finished](`window.finish("ana", "Sup3r-secret!", "`+code+`")`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("confirming, signing in and refreshing in the browser: %v", err)
	}
	if done.Email != "ana@example.com" || done.IDTokenUser != "ana" || !done.RefreshedDiffers || !done.RefreshedValid {
		t.Errorf("finish = %+v", done)
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.Endpoint+"/_local/outbox?pause=1"), chromedp.WaitReady("body")); err != nil {
		t.Fatalf("opening the dashboard: %v", err)
	}
	outbox, err := chromedp.Run(ctx, chromedp.Text("body"))
	if err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
	if err != nil {
		t.Fatal(err)
	}
	browsertest.SaveArtifact(t, "browser-sdk-outbox.jpg", shot)
	if !strings.Contains(outbox, "ana") || !strings.Contains(outbox, code) {
		t.Errorf("the dashboard's outbox does not show the user and the code %s:\n%s", code, outbox)
	}
}
