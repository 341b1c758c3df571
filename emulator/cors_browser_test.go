package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator"
	"github.com/cognitokit/cognito/internal/browsertest"
)

// browserCalls is what a page of another origin does with the local
// Cognito through fetch, with the headers the browser SDKs send (Amplify,
// amazon-cognito-identity-js, the AWS SDK for JavaScript v3): a SignUp, a
// failed InitiateAuth whose x-amzn-ErrorType it reads, the JWKS, and the
// outbox, which it must not be able to read. Each outcome is the answer's
// status (and error type), or the exception fetch threw.
const browserCalls = `(async (endpoint, pool, client) => {
  const call = async (target, body) => {
    const r = await fetch(endpoint + "/", { method: "POST", body: JSON.stringify(body), headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": "AWSCognitoIdentityProviderService." + target,
      "x-amz-user-agent": "aws-amplify/6.0.0 framework/0",
      "cache-control": "no-store",
      "amz-sdk-invocation-id": "0b8e8a3c-4a0e-4a5e-9d62-6a1f0a7f2b11",
      "amz-sdk-request": "attempt=1; max=3",
    } });
    await r.text();
    return r.status + " " + (r.headers.get("x-amzn-errortype") || "");
  };
  const attempt = async (f) => { try { return await f(); } catch (e) { return "threw " + e.name; } };
  return {
    signUp: await attempt(() => call("SignUp", { ClientId: client, Username: "ana", Password: "Sup3r-secret",
      UserAttributes: [{ Name: "email", Value: "ana@example.com" }] })),
    wrongPassword: await attempt(() => call("InitiateAuth", { ClientId: client, AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: "ana", PASSWORD: "Wr0ng-password" } })),
    jwks: await attempt(async () => String((await (await fetch(endpoint + "/" + pool + "/.well-known/jwks.json")).json()).keys.length)),
    outbox: await attempt(async () => (await fetch(endpoint + "/_local/messages")).status),
  };
})`

// TestCORSInABrowser runs browserCalls in headless Chromium from a page
// of another origin (another loopback port): with any origin allowed, with
// the page's origin listed, and with only another origin listed (skipped
// without Chromium: see browsertest).
func TestCORSInABrowser(t *testing.T) {
	ctx := browsertest.Start(t, time.Minute)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><title>app</title><p>A front end on another origin.")
	}))
	t.Cleanup(app.Close)

	blocked := "threw TypeError" // fetch's "Failed to fetch"
	for _, tc := range []struct {
		name    string
		origins []string
		want    map[string]string
	}{
		{"any origin", nil, map[string]string{"signUp": "200 ", "wrongPassword": "400 NotAuthorizedException", "jwks": "1", "outbox": blocked}},
		{"the page's origin listed", []string{"http://localhost:1", app.URL}, map[string]string{"signUp": "200 ", "wrongPassword": "400 NotAuthorizedException", "jwks": "1", "outbox": blocked}},
		{"another origin listed", []string{"http://localhost:1"}, map[string]string{"signUp": blocked, "wrongPassword": blocked, "jwks": blocked, "outbox": blocked}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var opts []cognitotest.Option
			if tc.origins != nil {
				opts = append(opts, cognitotest.WithServerOptions(emulator.WithCORSOrigins(tc.origins...)))
			}
			srv := cognitotest.NewServer(t, opts...)
			args, _ := json.Marshal([]string{srv.Endpoint, srv.UserPoolID, srv.ClientID})
			expr := browserCalls + "(..." + string(args) + ")"
			if err := chromedp.Do(ctx, chromedp.Navigate(app.URL+"/")); err != nil {
				t.Fatal(err)
			}
			got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](expr, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatal(err)
			}
			for k, want := range tc.want {
				if !strings.HasPrefix(got[k], want) {
					t.Errorf("%s: %q, want %q", k, got[k], want)
				}
			}
		})
	}
}
