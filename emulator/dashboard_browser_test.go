package emulator_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/internal/browsertest"
)

// TestDashboardBrowser: in a real browser (headless Chromium), a user
// signed up through the API is on the dashboard: found on its pool's
// page, its confirmation code in the outbox, which shows a second sign-up
// by itself; its sign-up is then confirmed with the dashboard's button (a
// browser's form passes the origin and CSRF checks). Screenshots of the
// outbox and of the user are kept as test artifacts (COGNITOKIT_ARTIFACTS).
func TestDashboardBrowser(t *testing.T) {
	t.Parallel()
	ctx := browsertest.Start(t, 60*time.Second)
	srv := cognitotest.NewServer(t)
	signUp(t, srv, "ana", password)
	code := srv.LastCode("ana")

	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.Endpoint+"/_local/"),
		chromedp.Click(chromedp.CSS(`a[href="`+poolPage(srv)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="`+userPage(srv, "ana")+`"]`)),
		chromedp.Click(chromedp.ID("nav-outbox")),
		chromedp.WaitVisible(chromedp.CSS(`tr.message[data-user="ana"] .code`)),
	)
	if err != nil {
		t.Fatalf("finding the user and the outbox: %v", err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`tr.message[data-user="ana"] .code`)))
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(shown) != code {
		t.Errorf("the outbox shows the code %q, want %q", shown, code)
	}

	// The outbox page refreshes itself: a new sign-up shows up in it.
	signUp(t, srv, "bob", password)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`tr.message[data-user="bob"] .code`))); err != nil {
		t.Fatalf("waiting for the outbox to show a new message: %v", err)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	browsertest.SaveArtifact(t, "dashboard-outbox.png", shot)

	err = chromedp.Do(ctx,
		chromedp.Navigate(srv.Endpoint+poolPage(srv)),
		chromedp.Click(chromedp.CSS(`a[href="`+userPage(srv, "ana")+`"]`)),
		chromedp.Click(chromedp.ID("confirm")),
		chromedp.WaitVisible(chromedp.ID("notice")),
	)
	if err != nil {
		t.Fatalf("confirming the user on its page: %v", err)
	}
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("status")))
	if err != nil {
		t.Fatal(err)
	}
	if status != "CONFIRMED" {
		t.Errorf("after the confirmation the page shows %q", status)
	}
	if shot, err = chromedp.Run(ctx, chromedp.FullScreenshot(100)); err != nil {
		t.Fatal(err)
	}
	browsertest.SaveArtifact(t, "dashboard-user.png", shot)
	if got := userState(t, srv, "ana"); got != "CONFIRMED enabled=true groups=[]" {
		t.Errorf("after the dashboard's confirmation: %s", got)
	}
}
