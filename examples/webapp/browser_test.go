package main

import (
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cognitokit/cognito/internal/browsertest"
)

// TestBrowser signs the demo user in and out with a real browser: headless
// Chromium driven by chromedp clicks through the app and the managed login
// page. It skips without Chromium, unless COGNITOKIT_REQUIRE_BROWSER=1
// (as in CI) makes that a failure.
func TestBrowser(t *testing.T) {
	t.Parallel()
	ctx := browsertest.Start(t, 30*time.Second)
	a := newTestApp(t)

	err := chromedp.Do(ctx,
		chromedp.Navigate(a.url+"/"),
		chromedp.Click(chromedp.ID("signin")),
		// The managed login page.
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), demoEmail),
		chromedp.SendKeys(chromedp.ID("password"), demoPassword),
		chromedp.Click(chromedp.ID("signin")),
		// Back at the app: the profile.
		chromedp.WaitVisible(chromedp.ID("email")),
	)
	if err != nil {
		t.Fatalf("signing in: %v", err)
	}
	email, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("email")))
	if err != nil {
		t.Fatal(err)
	}
	profileURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("signout")), chromedp.WaitVisible(chromedp.ID("signed-out"))); err != nil {
		t.Fatalf("signing out: %v", err)
	}
	signedOutURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if email != demoEmail {
		t.Errorf("the profile shows %q, want %q", email, demoEmail)
	}
	for u, want := range map[string]string{profileURL: a.url + "/profile", signedOutURL: a.url + "/signed-out"} {
		if got, err := url.Parse(u); err != nil || got.Scheme+"://"+got.Host+got.Path != want {
			t.Errorf("at %q, want %s", u, want)
		}
	}
}
