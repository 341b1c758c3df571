package emulator_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator"
	"github.com/cognitokit/cognito/emulator/store"
)

// password satisfies Cognito's default policy (upper, lower, digit, symbol,
// 8+ characters); newPassword too, and differs from it.
const (
	password    = "Sup3r-secret"
	newPassword = "An0ther-secret"
)

// clock is a controllable time source for cognitotest.WithClock: tests of
// expiry advance it instead of sleeping.
type clock = cognitotest.Clock

func newClock() *clock {
	return cognitotest.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
}

// sdk returns the official SDK client for srv, as srv.Client() does but
// without retries: a retried 5xx or a retried non-idempotent call would hide
// a server fault from the test.
func sdk(srv *cognitotest.Server) *cip.Client {
	return cip.NewFromConfig(srv.AWSConfig(), func(o *cip.Options) { o.RetryMaxAttempts = 1 })
}

// emailFor is the email a test user signs up with: the name itself when it
// is an email, else name@example.com.
func emailFor(name string) string {
	if strings.Contains(name, "@") {
		return name
	}
	return name + "@example.com"
}

// attrs builds an attribute list from name, value pairs.
func attrs(nameValues ...string) []types.AttributeType {
	var out []types.AttributeType
	for i := 0; i+1 < len(nameValues); i += 2 {
		out = append(out, types.AttributeType{Name: aws.String(nameValues[i]), Value: aws.String(nameValues[i+1])})
	}
	return out
}

// attr returns the value of attribute name in list.
func attr(list []types.AttributeType, name string) (string, bool) {
	for _, a := range list {
		if aws.ToString(a.Name) == name {
			return aws.ToString(a.Value), true
		}
	}
	return "", false
}

// signUp registers name with its email and pw, and fails the test if that
// fails.
func signUp(t testing.TB, srv *cognitotest.Server, name, pw string) *cip.SignUpOutput {
	t.Helper()
	out, err := trySignUp(t, srv, name, pw, attrs("email", emailFor(name)))
	if err != nil {
		t.Fatalf("SignUp(%q): %v", name, err)
	}
	return out
}

func trySignUp(t testing.TB, srv *cognitotest.Server, name, pw string, attributes []types.AttributeType) (*cip.SignUpOutput, error) {
	t.Helper()
	return sdk(srv).SignUp(t.Context(), &cip.SignUpInput{
		ClientId: aws.String(srv.ClientID), SecretHash: srv.SecretHash(name),
		Username: aws.String(name), Password: aws.String(pw), UserAttributes: attributes,
	})
}

func tryConfirm(t testing.TB, srv *cognitotest.Server, name, code string) error {
	t.Helper()
	_, err := sdk(srv).ConfirmSignUp(t.Context(), &cip.ConfirmSignUpInput{
		ClientId: aws.String(srv.ClientID), SecretHash: srv.SecretHash(name),
		Username: aws.String(name), ConfirmationCode: aws.String(code),
	})
	return err
}

// signUpConfirmed registers and confirms name (with the code from the
// outbox) and returns its sub.
func signUpConfirmed(t testing.TB, srv *cognitotest.Server, name, pw string) string {
	t.Helper()
	out := signUp(t, srv, name, pw)
	if err := tryConfirm(t, srv, name, srv.LastCode(name)); err != nil {
		t.Fatalf("ConfirmSignUp(%q): %v", name, err)
	}
	return aws.ToString(out.UserSub)
}

// withSecretHash adds the SECRET_HASH over name to params, for a client
// with a secret.
func withSecretHash(srv *cognitotest.Server, name string, params map[string]string) map[string]string {
	if h := srv.SecretHash(name); h != nil {
		params["SECRET_HASH"] = *h
	}
	return params
}

func trySignIn(t testing.TB, srv *cognitotest.Server, name, pw string) (*cip.InitiateAuthOutput, error) {
	t.Helper()
	params := map[string]string{"USERNAME": name, "PASSWORD": pw}
	withSecretHash(srv, name, params)
	return sdk(srv).InitiateAuth(t.Context(), &cip.InitiateAuthInput{
		ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: params,
	})
}

// signIn signs name in with USER_PASSWORD_AUTH and returns its tokens.
func signIn(t testing.TB, srv *cognitotest.Server, name, pw string) *types.AuthenticationResultType {
	t.Helper()
	out, err := trySignIn(t, srv, name, pw)
	if err != nil {
		t.Fatalf("InitiateAuth(%q): %v", name, err)
	}
	if out.AuthenticationResult == nil {
		t.Fatalf("InitiateAuth(%q): no tokens, challenge %q", name, out.ChallengeName)
	}
	return out.AuthenticationResult
}

// tryRefresh runs REFRESH_TOKEN_AUTH; hashUser is the name the SECRET_HASH
// is computed over (the internal username).
func tryRefresh(t testing.TB, srv *cognitotest.Server, refreshToken, hashUser string) (*cip.InitiateAuthOutput, error) {
	t.Helper()
	params := map[string]string{"REFRESH_TOKEN": refreshToken}
	withSecretHash(srv, hashUser, params)
	return sdk(srv).InitiateAuth(t.Context(), &cip.InitiateAuthInput{
		ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeRefreshTokenAuth, AuthParameters: params,
	})
}

func adminGetUser(t testing.TB, srv *cognitotest.Server, name string) *cip.AdminGetUserOutput {
	t.Helper()
	out, err := sdk(srv).AdminGetUser(t.Context(), &cip.AdminGetUserInput{
		UserPoolId: aws.String(srv.UserPoolID), Username: aws.String(name),
	})
	if err != nil {
		t.Fatalf("AdminGetUser(%q): %v", name, err)
	}
	return out
}

// expectErr fails the test unless err is (or wraps) an E, and, when msg is
// not empty, unless its message is exactly msg. It returns the typed error.
func expectErr[E interface {
	error
	ErrorMessage() string
}](t testing.TB, err error, msg string) E {
	t.Helper()
	var target E
	if !errors.As(err, &target) {
		t.Fatalf("error = %v (%T), want %T", err, err, target)
	}
	if msg != "" && target.ErrorMessage() != msg {
		t.Errorf("message = %q, want %q", target.ErrorMessage(), msg)
	}
	return target
}

// expectCode fails the test unless err is an API error with that code (for
// exceptions the SDK has no type for).
func expectCode(t testing.TB, err error, code string) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v (%T), want an API error %s", err, err, code)
	}
	if apiErr.ErrorCode() != code {
		t.Fatalf("error code = %q (%v), want %q", apiErr.ErrorCode(), err, code)
	}
}

// withPool returns a copy of srv that names another pool and app client of
// the same server, created from poolIn and clientIn (clientIn's UserPoolId
// is filled in; a nil clientIn makes a USER_PASSWORD_AUTH client). The copy's
// LastCode, Messages and SecretHash work on that pool and client.
func withPool(t testing.TB, srv *cognitotest.Server, poolIn *cip.CreateUserPoolInput, clientIn *cip.CreateUserPoolClientInput) *cognitotest.Server {
	t.Helper()
	c := sdk(srv)
	pool, err := c.CreateUserPool(t.Context(), poolIn)
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	if clientIn == nil {
		clientIn = &cip.CreateUserPoolClientInput{
			ClientName: aws.String("test"),
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
				types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
			},
		}
	}
	clientIn.UserPoolId = pool.UserPool.Id
	cl, err := c.CreateUserPoolClient(t.Context(), clientIn)
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	cp := *srv
	cp.UserPoolID = aws.ToString(pool.UserPool.Id)
	cp.ClientID = aws.ToString(cl.UserPoolClient.ClientId)
	cp.ClientSecret = aws.ToString(cl.UserPoolClient.ClientSecret)
	return &cp
}

// addClient creates another app client in srv's pool and returns a copy of
// srv that uses it.
func addClient(t testing.TB, srv *cognitotest.Server, in *cip.CreateUserPoolClientInput) *cognitotest.Server {
	t.Helper()
	in.UserPoolId = aws.String(srv.UserPoolID)
	if in.ClientName == nil {
		in.ClientName = aws.String("other")
	}
	cl, err := sdk(srv).CreateUserPoolClient(t.Context(), in)
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	cp := *srv
	cp.ClientID = aws.ToString(cl.UserPoolClient.ClientId)
	cp.ClientSecret = aws.ToString(cl.UserPoolClient.ClientSecret)
	return &cp
}

// getJSON fetches url and decodes its JSON body into v, returning the
// response's status.
func getJSON(t testing.TB, url string, v any) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: decoding %q: %v", url, body, err)
		}
	}
	return resp.StatusCode
}

// jwks fetches the pool's JSON Web Key Set as a client verifying tokens
// would.
func jwks(t testing.TB, srv *cognitotest.Server) jose.JSONWebKeySet {
	t.Helper()
	var set jose.JSONWebKeySet
	if status := getJSON(t, srv.Endpoint+"/"+srv.UserPoolID+"/.well-known/jwks.json", &set); status != http.StatusOK {
		t.Fatalf("JWKS status = %d", status)
	}
	if len(set.Keys) == 0 {
		t.Fatal("JWKS has no keys")
	}
	return set
}

// verifiedClaims verifies raw's RS256 signature against the pool's JWKS
// (by kid) and its expiry at now, and returns its claims.
func verifiedClaims(t testing.TB, srv *cognitotest.Server, raw string, now func() time.Time) jwt.MapClaims {
	t.Helper()
	set := jwks(t, srv)
	parser := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithExpirationRequired(), jwt.WithTimeFunc(now))
	claims := jwt.MapClaims{}
	tok, err := parser.ParseWithClaims(raw, claims, func(tok *jwt.Token) (any, error) {
		kid, _ := tok.Header["kid"].(string)
		keys := set.Key(kid)
		if len(keys) != 1 {
			return nil, errors.New("kid " + kid + " is not in the JWKS")
		}
		return keys[0].Key, nil
	})
	if err != nil {
		t.Fatalf("verifying token: %v", err)
	}
	if tok.Header["alg"] != "RS256" {
		t.Errorf("alg = %v, want RS256", tok.Header["alg"])
	}
	return claims
}

// unverifiedClaims decodes a JWT's claims without checking it.
func unverifiedClaims(t testing.TB, raw string) jwt.MapClaims {
	t.Helper()
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(raw, claims); err != nil {
		t.Fatalf("decoding token: %v", err)
	}
	return claims
}

// rawPost POSTs body to srv's API endpoint with the given headers and
// returns the status, the headers and the body of the answer.
func rawPost(t testing.TB, srv *cognitotest.Server, headers map[string]string, body string) (int, http.Header, []byte) {
	t.Helper()
	resp, out := send(t, http.DefaultClient, http.MethodPost, srv.Endpoint+"/", headers, body)
	return resp.StatusCode, resp.Header, out
}

// send sends a request with headers and body through c and returns the
// answer, its body read.
func send(t testing.TB, c *http.Client, method, url string, headers map[string]string, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, out
}

// fakeSigV4 is an Authorization header of the shape SigV4 gives; the local
// server checks that admin calls carry one, not the signature.
const fakeSigV4 = "AWS4-HMAC-SHA256 Credential=local/20300101/eu-west-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=0000000000000000000000000000000000000000000000000000000000000000"

// rawCall calls action with a JSON body the way the SDKs do (signed says
// whether to add an Authorization header) and returns status and body.
func rawCall(t testing.TB, srv *cognitotest.Server, action, body string, signed bool) (int, []byte) {
	t.Helper()
	headers := map[string]string{
		"Content-Type": "application/x-amz-json-1.1",
		"X-Amz-Target": "AWSCognitoIdentityProviderService." + action,
	}
	if signed {
		headers["Authorization"] = fakeSigV4
	}
	status, _, out := rawPost(t, srv, headers, body)
	return status, out
}

// errorType decodes the __type of an error body.
func errorType(t testing.TB, body []byte) string {
	t.Helper()
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %q is not JSON: %v", body, err)
	}
	return e.Type
}

// logBuffer is a log a server writes to, safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p to the log.
func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String is what was logged so far.
func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// serverWithLog starts a server whose log goes to the returned logBuffer.
func serverWithLog(t *testing.T, opts ...cognitotest.Option) (*cognitotest.Server, *logBuffer) {
	t.Helper()
	log := &logBuffer{}
	opts = append(opts, cognitotest.WithServerOptions(emulator.WithLogger(slog.New(slog.NewTextHandler(log, nil)))))
	return cognitotest.NewServer(t, opts...), log
}

// restarted is srv restarted on its store st: a new server on the same
// records (as after a restart on data another version wrote), served on a
// new loopback port. The copy it returns names the same pool and client.
func restarted(t testing.TB, srv *cognitotest.Server, st store.Store, opts ...emulator.Option) *cognitotest.Server {
	t.Helper()
	opts = append([]emulator.Option{emulator.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))}, opts...)
	em, err := emulator.New(t.Context(), st, opts...)
	if err != nil {
		t.Fatalf("restarting on the store: %v", err)
	}
	hs := httptest.NewServer(em)
	t.Cleanup(hs.Close)
	moved := *srv
	moved.Endpoint, moved.Emulator = hs.URL, em
	return &moved
}
