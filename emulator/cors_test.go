package emulator_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator"
)

// The headers a browser's preflight names for the SDKs' calls:
// amazon-cognito-identity-js (content-type, x-amz-target, x-amz-user-agent,
// cache-control) and the AWS SDK for JavaScript v3 (amz-sdk-invocation-id,
// amz-sdk-request, and SigV4's for the administrator's calls).
const sdkRequestHeaders = "content-type,x-amz-target,x-amz-user-agent,cache-control,amz-sdk-invocation-id,amz-sdk-request,authorization,x-amz-date,x-amz-security-token,x-amz-content-sha256"

// corsDo sends a request with headers to url and returns the status and
// headers of the answer.
func corsDo(t *testing.T, method, url string, headers map[string]string, body string) (int, http.Header) {
	t.Helper()
	resp, _ := send(t, http.DefaultClient, method, url, headers, body)
	return resp.StatusCode, resp.Header
}

// preflight sends the preflight a browser on origin sends before method
// on url.
func preflight(t *testing.T, url, origin, method, requestHeaders string) (int, http.Header) {
	t.Helper()
	h := map[string]string{"Origin": origin, "Access-Control-Request-Method": method}
	if requestHeaders != "" {
		h["Access-Control-Request-Headers"] = requestHeaders
	}
	return corsDo(t, http.MethodOptions, url, h, "")
}

// corsPaths are the paths that answer CORS, with a method a browser
// calls each with.
func corsPaths(srv *cognitotest.Server) map[string]string {
	return map[string]string{
		"/":                http.MethodPost,
		"/oauth2/token":    http.MethodPost,
		"/oauth2/userInfo": http.MethodGet,
		"/oauth2/revoke":   http.MethodPost,
		"/" + srv.UserPoolID + "/.well-known/jwks.json":            http.MethodGet,
		"/" + srv.UserPoolID + "/.well-known/openid-configuration": http.MethodGet,
	}
}

func TestCORSAnyOriginByDefault(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	const origin = "http://localhost:5173"

	for path, method := range corsPaths(srv) {
		t.Run("preflight "+path, func(t *testing.T) {
			status, h := preflight(t, srv.Endpoint+path, origin, method, sdkRequestHeaders)
			if status != http.StatusNoContent {
				t.Fatalf("status = %d, want 204", status)
			}
			if got := h.Values("Access-Control-Allow-Origin"); !slices.Equal(got, []string{"*"}) {
				t.Errorf("Access-Control-Allow-Origin = %q, want one *", got)
			}
			if !strings.Contains(h.Get("Access-Control-Allow-Methods"), method) {
				t.Errorf("Access-Control-Allow-Methods = %q, want %s", h.Get("Access-Control-Allow-Methods"), method)
			}
			allowed := strings.Split(h.Get("Access-Control-Allow-Headers"), ", ")
			for name := range strings.SplitSeq(sdkRequestHeaders, ",") {
				if !slices.Contains(allowed, name) {
					t.Errorf("Access-Control-Allow-Headers = %q, lacks %s", allowed, name)
				}
			}
			if h.Get("Access-Control-Max-Age") == "" || h.Get("Access-Control-Allow-Credentials") != "" {
				t.Errorf("Max-Age %q, Allow-Credentials %q", h.Get("Access-Control-Max-Age"), h.Get("Access-Control-Allow-Credentials"))
			}
		})
	}

	t.Run("actual requests", func(t *testing.T) {
		// An API call that fails: the browser must let the SDK read the
		// error type.
		status, h := corsDo(t, http.MethodPost, srv.Endpoint+"/", map[string]string{
			"Origin": origin, "Content-Type": "application/x-amz-json-1.1",
			"X-Amz-Target": "AWSCognitoIdentityProviderService.SignUp",
		}, `{"ClientId":"nope","Username":"ana","Password":"x"}`)
		if status != http.StatusBadRequest || !slices.Equal(h.Values("Access-Control-Allow-Origin"), []string{"*"}) {
			t.Errorf("POST / = %d, Access-Control-Allow-Origin %q", status, h.Values("Access-Control-Allow-Origin"))
		}
		exposed := h.Get("Access-Control-Expose-Headers")
		for _, name := range []string{"x-amzn-RequestId", "x-amzn-ErrorType", "x-amzn-ErrorMessage", "Date"} {
			if !strings.Contains(exposed, name) {
				t.Errorf("Access-Control-Expose-Headers = %q, lacks %s", exposed, name)
			}
		}
		for _, path := range []string{"/" + srv.UserPoolID + "/.well-known/jwks.json", "/" + srv.UserPoolID + "/.well-known/openid-configuration", "/oauth2/userInfo"} {
			_, h := corsDo(t, http.MethodGet, srv.Endpoint+path, map[string]string{"Origin": origin}, "")
			if !slices.Equal(h.Values("Access-Control-Allow-Origin"), []string{"*"}) {
				t.Errorf("GET %s: Access-Control-Allow-Origin = %q, want one *", path, h.Values("Access-Control-Allow-Origin"))
			}
		}
		for _, path := range []string{"/oauth2/token", "/oauth2/revoke"} {
			status, h := corsDo(t, http.MethodPost, srv.Endpoint+path, map[string]string{"Origin": origin, "Content-Type": "application/x-www-form-urlencoded"}, "grant_type=refresh_token")
			if status < 400 || !slices.Equal(h.Values("Access-Control-Allow-Origin"), []string{"*"}) {
				t.Errorf("POST %s = %d: Access-Control-Allow-Origin = %q, want one *", path, status, h.Values("Access-Control-Allow-Origin"))
			}
		}
	})

	t.Run("not on the server's own pages", func(t *testing.T) {
		// A page of another origin must not read the outbox's codes.
		for _, path := range []string{"/_local/messages", "/health", "/login?client_id=x"} {
			_, h := corsDo(t, http.MethodGet, srv.Endpoint+path, map[string]string{"Origin": origin}, "")
			if h.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("GET %s: Access-Control-Allow-Origin = %q, want none", path, h.Get("Access-Control-Allow-Origin"))
			}
		}
		status, h := preflight(t, srv.Endpoint+"/_local/messages", origin, http.MethodGet, "authorization")
		if status == http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight of the outbox = %d, Access-Control-Allow-Origin %q", status, h.Get("Access-Control-Allow-Origin"))
		}
	})

	t.Run("request headers echoed only when well formed", func(t *testing.T) {
		_, h := preflight(t, srv.Endpoint+"/", origin, http.MethodPost, "x-future-header, bad header, @, "+strings.Repeat("a", 200))
		if got := h.Get("Access-Control-Allow-Headers"); got != "x-future-header" {
			t.Errorf("Access-Control-Allow-Headers = %q, want x-future-header", got)
		}
		_, h = preflight(t, srv.Endpoint+"/", origin, http.MethodPost, "")
		for _, name := range []string{"Authorization", "Content-Type", "X-Amz-Target", "X-Amz-User-Agent", "Amz-Sdk-Request", "Cache-Control"} {
			if !strings.Contains(h.Get("Access-Control-Allow-Headers"), name) {
				t.Errorf("preflight naming no header: Access-Control-Allow-Headers = %q, lacks %s", h.Get("Access-Control-Allow-Headers"), name)
			}
		}
	})
}

func TestCORSOriginsRestricted(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t, cognitotest.WithServerOptions(
		emulator.WithCORSOrigins("http://localhost:5173", " https://App.Example.com/ ")))
	api := map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.SignUp"}

	for path, method := range corsPaths(srv) {
		t.Run(path, func(t *testing.T) {
			for _, origin := range []string{"http://localhost:5173", "https://app.example.com"} {
				status, h := preflight(t, srv.Endpoint+path, origin, method, "content-type,x-amz-target")
				if status != http.StatusNoContent || !slices.Equal(h.Values("Access-Control-Allow-Origin"), []string{origin}) {
					t.Errorf("preflight from %s = %d, Access-Control-Allow-Origin %q", origin, status, h.Values("Access-Control-Allow-Origin"))
				}
				if !slices.Contains(h.Values("Vary"), "Origin") {
					t.Errorf("preflight from %s: Vary = %q, want Origin", origin, h.Values("Vary"))
				}
			}
			for _, origin := range []string{"http://localhost:3000", "https://app.example.com.evil.test", "null"} {
				status, h := preflight(t, srv.Endpoint+path, origin, method, "content-type")
				if status != http.StatusForbidden || h.Get("Access-Control-Allow-Origin") != "" || h.Get("Access-Control-Allow-Headers") != "" {
					t.Errorf("preflight from %s = %d, Access-Control-Allow-Origin %q, Allow-Headers %q; want 403 and none",
						origin, status, h.Get("Access-Control-Allow-Origin"), h.Get("Access-Control-Allow-Headers"))
				}
			}
		})
	}

	t.Run("actual requests", func(t *testing.T) {
		for origin, want := range map[string]string{"http://localhost:5173": "http://localhost:5173", "http://localhost:3000": "", "": ""} {
			h := map[string]string{"Origin": origin}
			for k, v := range api {
				h[k] = v
			}
			// CORS is not access control: the request is served either
			// way; a refused origin's page just cannot read the answer.
			status, got := corsDo(t, http.MethodPost, srv.Endpoint+"/", h, `{"ClientId":"nope","Username":"ana","Password":"x"}`)
			if status != http.StatusBadRequest || got.Get("Access-Control-Allow-Origin") != want || !slices.Contains(got.Values("Vary"), "Origin") {
				t.Errorf("POST / from %q = %d, Access-Control-Allow-Origin %q (want %q), Vary %q", origin, status, got.Get("Access-Control-Allow-Origin"), want, got.Values("Vary"))
			}
			if (want != "") != (got.Get("Access-Control-Expose-Headers") != "") {
				t.Errorf("POST / from %q: Access-Control-Expose-Headers = %q", origin, got.Get("Access-Control-Expose-Headers"))
			}
			_, got = corsDo(t, http.MethodPost, srv.Endpoint+"/oauth2/token", map[string]string{"Origin": origin}, "")
			if got.Get("Access-Control-Allow-Origin") != want {
				t.Errorf("POST /oauth2/token from %q: Access-Control-Allow-Origin %q, want %q", origin, got.Get("Access-Control-Allow-Origin"), want)
			}
		}
	})
}

func TestCORSAnyOriginOption(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t, cognitotest.WithServerOptions(emulator.WithCORSOrigins("http://localhost:5173", "*")))
	status, h := preflight(t, srv.Endpoint+"/", "http://elsewhere.test", http.MethodPost, "content-type")
	if status != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf(`WithCORSOrigins(..., "*"): preflight = %d, Access-Control-Allow-Origin %q, want 204 and *`, status, h.Get("Access-Control-Allow-Origin"))
	}
}
