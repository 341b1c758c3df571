package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/jwtverify"
)

// httpDo sends method to u with headers and returns the status, the
// headers and the body of the answer.
func httpDo(t *testing.T, method, u string, headers map[string]string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, body
}

// signedClient is an SDK client of endpoint signing with key and secret,
// without retries.
func signedClient(endpoint, region, key, secret string) *cip.Client {
	return cip.NewFromConfig(aws.Config{
		Region: region, BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, ""),
	}, func(o *cip.Options) { o.RetryMaxAttempts = 1 })
}

// TestLocalWebFlags: --issuer aws, --public-url and --cors-origins.
func TestLocalWebFlags(t *testing.T) {
	const public = "http://cognito.test:9229"
	run := startLocal(t, "--memory", "--data", t.TempDir(), "--issuer", "aws", "--public-url", public+"/", "--cors-origins", "http://localhost:5173")
	pool, region := run.exports["COGNITO_USER_POOL_ID"], run.exports["AWS_REGION"]
	awsIssuer := "https://cognito-idp." + region + ".amazonaws.com/" + pool
	banner := run.stdout.String()

	if got := run.exports["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"]; got != public {
		t.Errorf("endpoint export = %q, want the public URL %s", got, public)
	}
	if !strings.Contains(banner, "# Token issuer (--issuer aws): "+awsIssuer+"; its keys: "+public+"/"+pool+"/.well-known/jwks.json") {
		t.Errorf("the banner does not name the issuer and its keys:\n%s", banner)
	}
	m := regexp.MustCompile(`# Listening at (http://127\.0\.0\.1:[0-9]+) from this machine`).FindStringSubmatch(banner)
	if m == nil {
		t.Fatalf("the banner does not say where it listens:\n%s", banner)
	}
	local := m[1]

	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	_, _, body := httpDo(t, http.MethodGet, local+"/"+pool+"/.well-known/openid-configuration", nil)
	if err := json.Unmarshal(body, &doc); err != nil || doc.Issuer != awsIssuer || doc.JWKSURI != public+"/"+pool+"/.well-known/jwks.json" {
		t.Errorf("openid-configuration = %s (%v)", body, err)
	}

	// A user signs in through the local address; the token carries AWS's
	// issuer, and jwtverify configured for AWS plus the local JWKS takes it.
	user := signedClient(local, region, "local", "local")
	ctx := t.Context()
	if _, err := user.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(run.exports["COGNITO_CLIENT_ID"]), Username: aws.String("ana@example.com"), Password: aws.String("Sup3r-secret!"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("ana@example.com")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := user.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(pool), Username: aws.String("ana@example.com")}); err != nil {
		t.Fatal(err)
	}
	out, err := user.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(run.exports["COGNITO_CLIENT_ID"]), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "ana@example.com", "PASSWORD": "Sup3r-secret!"}})
	if err != nil {
		t.Fatal(err)
	}
	v, err := jwtverify.New(jwtverify.Config{UserPoolID: pool, JWKSURL: local + "/" + pool + "/.well-known/jwks.json", ClientIDs: []string{run.exports["COGNITO_CLIENT_ID"]}, TokenUse: jwtverify.AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	if c, err := v.Verify(ctx, aws.ToString(out.AuthenticationResult.AccessToken)); err != nil || c.Issuer != awsIssuer {
		t.Errorf("jwtverify: %v (claims %+v)", err, c)
	}
	if _, err := user.GetUser(ctx, &cip.GetUserInput{AccessToken: out.AuthenticationResult.AccessToken}); err != nil {
		t.Errorf("GetUser with the AWS-style token: %v", err)
	}

	// CORS only for the origin listed.
	preflight := func(origin string) (int, http.Header) {
		status, h, _ := httpDo(t, http.MethodOptions, local+"/", map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-amz-target"})
		return status, h
	}
	if status, h := preflight("http://localhost:5173"); status != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "http://localhost:5173" {
		t.Errorf("preflight from the listed origin = %d, Access-Control-Allow-Origin %q", status, h.Get("Access-Control-Allow-Origin"))
	}
	if status, h := preflight("http://localhost:3000"); status != http.StatusForbidden || h.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another origin = %d, Access-Control-Allow-Origin %q", status, h.Get("Access-Control-Allow-Origin"))
	}
}

// TestLocalAccessToken: with $COGNITO_LOCAL_TOKEN (as when it listens
// beyond loopback, where the token is generated), the outbox and the
// admin calls need the token; the user API does not; the banner never
// repeats a token from the environment.
func TestLocalAccessToken(t *testing.T) {
	const token = "test-local-access-token-0123456789"
	run := startLocalWithToken(t, token, "--memory", "--data", t.TempDir())
	banner := run.stdout.String()
	if strings.Contains(banner+run.stderr.String(), token) {
		t.Fatalf("the token from the environment was printed or logged:\n%s", banner)
	}
	for _, want := range []string{"$" + accessTokenEnv + " of this command's environment", `AWS_SECRET_ACCESS_KEY="$` + accessTokenEnv + `"`, `curl -H "Authorization: Bearer $` + accessTokenEnv + `"`} {
		if !strings.Contains(banner, want) {
			t.Errorf("the banner lacks %q:\n%s", want, banner)
		}
	}
	endpoint, region, pool := run.exports["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"], run.exports["AWS_REGION"], run.exports["COGNITO_USER_POOL_ID"]

	if status, _, _ := httpDo(t, http.MethodGet, endpoint+"/_local/messages", nil); status != http.StatusUnauthorized {
		t.Errorf("the outbox without the token = %d, want 401", status)
	}
	if status, _, body := httpDo(t, http.MethodGet, endpoint+"/_local/messages", map[string]string{"Authorization": "Bearer " + token}); status != http.StatusOK || !bytes.Contains(body, []byte(`"messages"`)) {
		t.Errorf("the outbox with the token = %d %s", status, body)
	}

	// A browser gives the token once; the cookie opens the dashboard.
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar}
	for _, u := range []string{endpoint + "/_local/?token=" + token, endpoint + "/_local/"} {
		resp, err := browser.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(pool)) || strings.Contains(resp.Request.URL.RawQuery, token) {
			t.Errorf("the dashboard in a browser = %d at %s", resp.StatusCode, resp.Request.URL.Path)
		}
	}

	describe := func(secret string) error {
		_, err := signedClient(endpoint, region, "local", secret).DescribeUserPool(context.Background(), &cip.DescribeUserPoolInput{UserPoolId: aws.String(pool)})
		return err
	}
	var apiErr interface{ ErrorCode() string }
	if err := describe("local"); !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidSignatureException" {
		t.Errorf("an admin call signed without the token: %v, want InvalidSignatureException", err)
	}
	if err := describe(token); err != nil {
		t.Errorf("an admin call signed with the token: %v", err)
	}
	_, err = signedClient(endpoint, region, "x", "y").SignUp(t.Context(), &cip.SignUpInput{ClientId: aws.String(run.exports["COGNITO_CLIENT_ID"]),
		Username: aws.String("bob@example.com"), Password: aws.String("Sup3r-secret!"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("bob@example.com")}}})
	if err != nil {
		t.Errorf("SignUp without the token: %v", err)
	}
}

func TestLocalAccessTokenTooShort(t *testing.T) {
	t.Setenv(accessTokenEnv, "tiny-tok")
	cmd := newRootCommand(&bytes.Buffer{}, &bytes.Buffer{})
	cmd.SetArgs([]string{"local", "--memory", "--data", t.TempDir(), "--addr", "127.0.0.1:0"})
	err := cmd.Execute()
	if err == nil || !strings.Contains(err.Error(), accessTokenEnv) || strings.Contains(err.Error(), "tiny-tok") {
		t.Fatalf("a short %s: %v", accessTokenEnv, err)
	}
}

func TestLocalAddresses(t *testing.T) {
	for _, tc := range []struct {
		ip     string
		dial   string
		beyond bool
	}{
		{"127.0.0.1", "127.0.0.1:9229", false},
		{"::1", "[::1]:9229", false},
		{"0.0.0.0", "127.0.0.1:9229", true},
		{"::", "127.0.0.1:9229", true},
		{"192.0.2.7", "192.0.2.7:9229", true},
	} {
		a := &net.TCPAddr{IP: net.ParseIP(tc.ip), Port: 9229}
		if got := dialAddr(a); got != tc.dial {
			t.Errorf("dialAddr(%s) = %s, want %s", a, got, tc.dial)
		}
		if got := beyondLoopback(a); got != tc.beyond {
			t.Errorf("beyondLoopback(%s) = %v, want %v", a, got, tc.beyond)
		}
	}
}

func TestLocalAccessTokenGenerated(t *testing.T) {
	t.Setenv(accessTokenEnv, "")
	a, fromEnv, err := localAccessToken(true)
	b, _, _ := localAccessToken(true)
	if err != nil || fromEnv || len(a) < 32 || a == b {
		t.Errorf("generated tokens %q, %q (from env %v, err %v): want two different, long ones", a, b, fromEnv, err)
	}
	if tok, _, err := localAccessToken(false); tok != "" || err != nil {
		t.Errorf("on loopback: token %q, err %v; want none", tok, err)
	}
}
