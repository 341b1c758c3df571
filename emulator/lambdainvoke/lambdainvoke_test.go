package lambdainvoke_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/cognitokit/cognito/emulator"
	"github.com/cognitokit/cognito/emulator/lambdainvoke"
)

// invocationPath is the Lambda Invoke API's path.
var invocationPath = regexp.MustCompile(`^/2015-03-31/functions/([^/]+)/invocations$`)

// call is one invocation a fakeLambda received.
type call struct {
	function, qualifier, invocationType, authorization string
	event                                              string
}

// fakeLambda is a Lambda-API-compatible runner, as `sam local start-lambda`
// is: it checks that each request is a signed synchronous invocation,
// records it and lets respond answer it.
type fakeLambda struct {
	url   string
	mu    sync.Mutex
	calls []call
}

func newFakeLambda(t *testing.T, respond func(w http.ResponseWriter, r *http.Request)) *fakeLambda {
	t.Helper()
	f := &fakeLambda{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := invocationPath.FindStringSubmatch(r.URL.Path)
		if r.Method != http.MethodPost || m == nil {
			t.Errorf("request %s %s, want POST /2015-03-31/functions/<name>/invocations", r.Method, r.URL.Path)
			http.Error(w, "not an invocation", http.StatusBadRequest)
			return
		}
		auth := r.Header.Get("Authorization")
		if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=") || !strings.Contains(auth, "Signature=") {
			t.Errorf("Authorization = %q, want a SigV4 signature", auth)
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading the event: %v", err)
		}
		f.mu.Lock()
		f.calls = append(f.calls, call{
			function: m[1], qualifier: r.URL.Query().Get("Qualifier"),
			invocationType: r.Header.Get("X-Amz-Invocation-Type"), authorization: auth, event: string(body),
		})
		f.mu.Unlock()
		respond(w, r)
	}))
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return f
}

// only returns the one call the runner received.
func (f *fakeLambda) only(t *testing.T) call {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) != 1 {
		t.Fatalf("the runner received %d calls, want 1", len(f.calls))
	}
	return f.calls[0]
}

// answer responds with status, the function-error header when kind is
// set, and body.
func answer(status int, kind, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if kind != "" {
			w.Header().Set("X-Amz-Function-Error", kind)
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// event holds a password, which no error may repeat.
const event = `{"triggerSource":"UserMigration_Authentication","request":{"password":"Sup3r-secret"}}`

const preSignUpARN = "arn:aws:lambda:eu-west-1:123456789012:function:pre-sign-up"

func newInvoker(t *testing.T, endpoint string) *lambdainvoke.Invoker {
	t.Helper()
	inv, err := lambdainvoke.New(context.Background(), endpoint,
		lambdainvoke.WithCredentials(credentials.NewStaticCredentialsProvider("AKIDTEST", "test-secret", "")))
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func TestInvokeNamesTheFunction(t *testing.T) {
	for _, tc := range []struct {
		name, fn, wantFunction, wantQualifier, wantScope string
	}{
		{"ARN", preSignUpARN, "pre-sign-up", "", "/eu-west-1/lambda/aws4_request"},
		{"ARN with a qualifier", "arn:aws:lambda:us-west-2:123456789012:function:pre-sign-up:live", "pre-sign-up", "live", "/us-west-2/lambda/aws4_request"},
		{"ARN with a version", "arn:aws-cn:lambda:cn-north-1:123456789012:function:pre-sign-up:7", "pre-sign-up", "7", "/cn-north-1/lambda/aws4_request"},
		{"name", "pre-sign-up", "pre-sign-up", "", "/lambda/aws4_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runner := newFakeLambda(t, answer(http.StatusOK, "", `{"response":{"autoConfirmUser":true}}`))
			got, err := newInvoker(t, runner.url).Invoke(context.Background(), tc.fn, []byte(event))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != `{"response":{"autoConfirmUser":true}}` {
				t.Errorf("result = %s", got)
			}
			c := runner.only(t)
			if c.function != tc.wantFunction || c.qualifier != tc.wantQualifier {
				t.Errorf("invoked %q qualifier %q, want %q qualifier %q", c.function, c.qualifier, tc.wantFunction, tc.wantQualifier)
			}
			if c.event != event {
				t.Errorf("body = %s, want the event", c.event)
			}
			if c.invocationType != "RequestResponse" {
				t.Errorf("X-Amz-Invocation-Type = %q, want RequestResponse", c.invocationType)
			}
			if !strings.Contains(c.authorization, "Credential=AKIDTEST/") || !strings.Contains(c.authorization, tc.wantScope) {
				t.Errorf("Authorization = %q, want AKIDTEST's signature for %s", c.authorization, tc.wantScope)
			}
		})
	}
}

func TestInvokeFunctionErrors(t *testing.T) {
	// 2001 bytes: byte 1024 falls inside an "é", which the cut drops
	// whole rather than keep half of it.
	long := "a" + strings.Repeat("é", 1000)
	for _, tc := range []struct {
		name, kind, body string
		want             emulator.FunctionError
	}{
		{"Lambda's error shape", "Unhandled", `{"errorMessage":"nope","errorType":"Error"}`, emulator.FunctionError{Message: "nope", Type: "Error"}},
		{"handled", "Handled", `{"errorMessage":"no such user"}`, emulator.FunctionError{Message: "no such user"}},
		{"not the error shape", "Unhandled", "  Traceback: boom\n", emulator.FunctionError{Message: "Traceback: boom"}},
		{"JSON without errorMessage", "Unhandled", `{"error":"boom"}`, emulator.FunctionError{Message: `{"error":"boom"}`}},
		{"no payload", "Unhandled", "", emulator.FunctionError{Message: "Unhandled"}},
		{"a long payload", "Unhandled", long, emulator.FunctionError{Message: long[:1023]}},
		{"a long errorMessage", "Unhandled", `{"errorMessage":"` + long + `"}`, emulator.FunctionError{Message: long[:1023]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runner := newFakeLambda(t, answer(http.StatusOK, tc.kind, tc.body))
			_, err := newInvoker(t, runner.url).Invoke(context.Background(), preSignUpARN, []byte(event))
			var fe *emulator.FunctionError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a *emulator.FunctionError", err)
			}
			if *fe != tc.want {
				t.Errorf("FunctionError = %+v, want %+v", *fe, tc.want)
			}
		})
	}
}

// A runner that cannot run the function, or none at all, gives a plain
// error that names the function and not the event.
func TestInvokeFailures(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	for _, tc := range []struct {
		name, endpoint string
	}{
		{"500", newFakeLambda(t, answer(http.StatusInternalServerError, "", `{"message":"the runner broke"}`)).url},
		{"404", newFakeLambda(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
			answer(http.StatusNotFound, "", `{"Type":"User","message":"Function not found: pre-sign-up"}`)(w, nil)
		}).url},
		{"no runner", down.URL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newInvoker(t, tc.endpoint).Invoke(context.Background(), preSignUpARN, []byte(event))
			if err == nil {
				t.Fatal("no error")
			}
			var fe *emulator.FunctionError
			if errors.As(err, &fe) {
				t.Errorf("err = %v, a FunctionError; want a failure to invoke", err)
			}
			if !strings.Contains(err.Error(), preSignUpARN) {
				t.Errorf("err = %v, does not name the function", err)
			}
			if strings.Contains(err.Error(), "Sup3r-secret") {
				t.Errorf("err = %v holds the event", err)
			}
		})
	}
}

// A function that does not answer before the trigger's deadline gives an
// error that says so, whether the runner stalls before its answer or in
// the middle of it.
func TestInvokeDeadline(t *testing.T) {
	for _, tc := range []struct {
		name    string
		respond func(http.ResponseWriter, *http.Request)
	}{
		{"no answer", func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done() // longer than any deadline: until the client gives up
		}},
		{"half an answer", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"response":`)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runner := newFakeLambda(t, tc.respond)
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			_, err := newInvoker(t, runner.url).Invoke(ctx, preSignUpARN, []byte(event))
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want context.DeadlineExceeded", err)
			}
			if strings.Contains(err.Error(), "Sup3r-secret") {
				t.Errorf("err = %v holds the event", err)
			}
		})
	}
}

func TestInvokeRefusesOtherARNs(t *testing.T) {
	runner := newFakeLambda(t, answer(http.StatusOK, "", `{}`))
	inv := newInvoker(t, runner.url)
	for _, fn := range []string{
		"arn:aws:s3:::bucket/key",
		"arn:aws:lambda:eu-west-1:123456789012:layer:my-layer:1",
		"arn:aws:lambda:eu-west-1:123456789012:function:",
		"arn:aws:lambda:eu-west-1:123456789012:function:f:",
		"arn:aws:lambda:eu-west-1:123456789012:function:f:1:2",
	} {
		if _, err := inv.Invoke(context.Background(), fn, []byte(event)); err == nil {
			t.Errorf("%s: no error", fn)
		}
	}
	runner.mu.Lock()
	defer runner.mu.Unlock()
	if len(runner.calls) != 0 {
		t.Errorf("the runner was called %d times", len(runner.calls))
	}
}

func TestNewRefusesBadEndpoints(t *testing.T) {
	isolateAWSConfig(t)
	for _, endpoint := range []string{
		"",
		"127.0.0.1:3001",
		"localhost:3001",
		"/2015-03-31",
		"ftp://127.0.0.1:3001",
		"http://",
		"http://[::1",
		"http://admin:hunter2@127.0.0.1:3001",
		"http://127.0.0.1:3001/?debug=1",
		"http://127.0.0.1:3001/#top",
	} {
		inv, err := lambdainvoke.New(context.Background(), endpoint)
		if err == nil {
			t.Errorf("New(%q) = %v, want an error", endpoint, inv)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("New(%q): %v repeats the password", endpoint, err)
		}
	}
	for _, endpoint := range []string{"http://127.0.0.1:3001", "https://lambda.eu-west-1.amazonaws.com", "http://127.0.0.1:3001/prefix"} {
		if _, err := lambdainvoke.New(context.Background(), endpoint); err != nil {
			t.Errorf("New(%q): %v", endpoint, err)
		}
	}
}

// isolateAWSConfig gives the test an AWS configuration of its own: no
// files, and env (pairs of names and values) in the environment.
func isolateAWSConfig(t *testing.T, env ...string) {
	t.Helper()
	dir := t.TempDir()
	for _, k := range []string{
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
	} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	for i := 0; i+1 < len(env); i += 2 {
		t.Setenv(env[i], env[i+1])
	}
}

// Without WithCredentials the standard chain signs, and the dummy
// credentials when it has none.
func TestNewCredentials(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  []string
		want string
	}{
		{"from the environment", []string{"AWS_ACCESS_KEY_ID", "AKIDENV", "AWS_SECRET_ACCESS_KEY", "env-secret"}, "Credential=AKIDENV/"},
		{"none", nil, "Credential=local/"},
		{"a profile that does not exist", []string{"AWS_PROFILE", "nowhere"}, "Credential=local/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			isolateAWSConfig(t, tc.env...)
			runner := newFakeLambda(t, answer(http.StatusOK, "", `{}`))
			inv, err := lambdainvoke.New(context.Background(), runner.url)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := inv.Invoke(context.Background(), preSignUpARN, []byte(event)); err != nil {
				t.Fatal(err)
			}
			if auth := runner.only(t).authorization; !strings.Contains(auth, tc.want) {
				t.Errorf("Authorization = %q, want %s", auth, tc.want)
			}
		})
	}
}
