// Package browsertest starts the headless Chromium that the project's
// browser tests drive with chromedp, and keeps what they produce
// (screenshots) as test artifacts.
//
// A test without Chromium on PATH is skipped, unless
// COGNITOKIT_REQUIRE_BROWSER=1 (as in CI) makes that a failure. Artifacts
// go to the directory COGNITOKIT_ARTIFACTS names (CI keeps it), else to
// the test's temporary directory.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Chromium returns the path of a Chromium or Chrome to drive, or "".
func Chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	return ""
}

// Start starts a headless Chromium for the test, stopped at its end, and
// returns the chromedp context that drives it, bounded by limit (a bound
// on the browser's whole life, not an assertion). Without Chromium it
// skips the test, or fails it when COGNITOKIT_REQUIRE_BROWSER=1.
func Start(t testing.TB, limit time.Duration) context.Context {
	t.Helper()
	path := Chromium()
	if path == "" {
		if os.Getenv("COGNITOKIT_REQUIRE_BROWSER") == "1" {
			t.Fatal("no chromium on PATH, and COGNITOKIT_REQUIRE_BROWSER=1")
		}
		t.Skip("no chromium on PATH (apt-get install chromium); COGNITOKIT_REQUIRE_BROWSER=1 makes this a failure")
	}
	ctx, cancel := context.WithTimeout(t.Context(), limit)
	t.Cleanup(cancel)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], // headless among them
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelBrowser := chromedp.NewContext(ctx)
	t.Cleanup(cancelBrowser)
	return ctx
}

// SaveArtifact writes data to a file named name in the artifacts
// directory (COGNITOKIT_ARTIFACTS, created if need be, else the test's
// temporary directory), logs where, and returns the path.
func SaveArtifact(t testing.TB, name string, data []byte) string {
	t.Helper()
	dir := os.Getenv("COGNITOKIT_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("creating the artifacts directory: %v", err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatalf("saving %s: %v", name, err)
	}
	t.Logf("saved %s", path)
	return path
}
