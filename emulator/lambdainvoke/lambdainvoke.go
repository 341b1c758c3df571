package lambdainvoke

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/cognitokit/cognito/emulator"
	"github.com/cognitokit/cognito/internal/sdkhttp"
)

// defaultRegion signs the calls for a function named without an ARN when
// the AWS configuration names no region.
const defaultRegion = "us-east-1"

// maxMessage bounds the message of a FunctionError, which reaches the
// caller of the Cognito action that ran the trigger.
const maxMessage = 1024

// Invoker is an emulator.LambdaInvoker over the AWS Lambda Invoke API of
// one endpoint. It is safe for concurrent use.
type Invoker struct {
	client *lambda.Client
}

var _ emulator.LambdaInvoker = (*Invoker)(nil)

// Option configures an Invoker.
type Option func(*options)

type options struct {
	credentials aws.CredentialsProvider
}

// WithCredentials signs the invocations with p instead of the credentials
// of the standard AWS chain (or the dummy ones New falls back to).
func WithCredentials(p aws.CredentialsProvider) Option {
	return func(o *options) { o.credentials = p }
}

// New returns an Invoker that calls the Lambda Invoke API at endpoint, an
// absolute http or https URL such as http://127.0.0.1:3001 (the address of
// `sam local start-lambda`). Unless WithCredentials says otherwise, it
// resolves the credentials of the standard AWS chain now, with ctx, and
// uses the dummy credentials "local"/"local" when there are none.
func New(ctx context.Context, endpoint string, opts ...Option) (*Invoker, error) {
	if err := checkEndpoint(endpoint); err != nil {
		return nil, err
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	if err != nil {
		// A broken AWS configuration (say, AWS_PROFILE naming no profile)
		// leaves the dummy credentials, which a local runner accepts.
		cfg = aws.Config{}
	}
	if cfg.Region == "" {
		cfg.Region = defaultRegion
	}
	switch {
	case o.credentials != nil:
		cfg.Credentials = o.credentials
	case cfg.Credentials == nil:
		cfg.Credentials = dummyCredentials()
	default:
		if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
			cfg.Credentials = dummyCredentials()
		}
	}
	cfg.HTTPClient = sdkhttp.ReadOnlyBodies(awshttp.NewBuildableClient())
	client := lambda.NewFromConfig(cfg, func(lo *lambda.Options) {
		lo.BaseEndpoint = aws.String(endpoint)
		// An invocation is not idempotent (a PostConfirmation function
		// may send an email): never send one twice.
		lo.RetryMaxAttempts = 1
	})
	return &Invoker{client: client}, nil
}

// dummyCredentials are what requests are signed with when the AWS chain
// has no credentials: local Lambda runners do not check them.
func dummyCredentials() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider("local", "local", "")
}

// errEndpoint is the error of an endpoint that is not an absolute http
// or https URL.
var errEndpoint = errors.New("lambdainvoke: the Lambda endpoint must be an absolute http or https URL, such as http://127.0.0.1:3001")

// checkEndpoint accepts an absolute http or https URL with a host and no
// user information, query or fragment. Its errors never repeat the URL,
// which could hold a password.
func checkEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return fmt.Errorf("%w: %w", errEndpoint, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return errEndpoint
	case u.Host == "":
		return fmt.Errorf("%w: it has no host", errEndpoint)
	case u.User != nil:
		return fmt.Errorf("%w: it must not hold a user name or password", errEndpoint)
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return fmt.Errorf("%w: it must not have a query or fragment", errEndpoint)
	}
	return nil
}

// Invoke calls the function fn names — a Lambda function ARN, or a
// function name — with event, synchronously, and returns its result. A
// function that ran and failed returns an *emulator.FunctionError; a
// failure to invoke it returns an error that wraps the SDK's, and
// ctx.Err() when ctx ended first. Errors never hold event.
func (inv *Invoker) Invoke(ctx context.Context, fn string, event []byte) ([]byte, error) {
	target, err := parseFunction(fn)
	if err != nil {
		return nil, err
	}
	out, err := inv.client.Invoke(ctx, &lambda.InvokeInput{
		FunctionName:   aws.String(target.name),
		Qualifier:      target.qualifier,
		InvocationType: types.InvocationTypeRequestResponse,
		Payload:        event,
	}, func(o *lambda.Options) {
		if target.region != "" {
			o.Region = target.region
		}
	})
	if err != nil {
		// The SDK's error wraps ctx's when ctx ended the call; should it
		// not, the caller still learns that the deadline passed.
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			return nil, fmt.Errorf("lambdainvoke: invoking %s: %w: %w", fn, ctxErr, err)
		}
		return nil, fmt.Errorf("lambdainvoke: invoking %s: %w", fn, err)
	}
	if out.FunctionError != nil {
		return nil, functionError(aws.ToString(out.FunctionError), out.Payload)
	}
	return out.Payload, nil
}

// function is what the Invoke API is told about the function to call.
type function struct {
	name      string
	qualifier *string
	region    string // empty: the configured one
}

// parseFunction splits a Lambda function ARN,
// arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>],
// into the function's name, qualifier and region. A value that is not an
// ARN is the function's name.
func parseFunction(fn string) (function, error) {
	if !arn.IsARN(fn) {
		return function{name: fn}, nil
	}
	a, err := arn.Parse(fn)
	if err != nil {
		return function{}, fmt.Errorf("lambdainvoke: %q is not a valid ARN: %w", fn, err)
	}
	rest, ok := strings.CutPrefix(a.Resource, "function:")
	if a.Service != "lambda" || !ok {
		return function{}, fmt.Errorf("lambdainvoke: %q is not the ARN of a Lambda function", fn)
	}
	name, qualifier, hasQualifier := strings.Cut(rest, ":")
	if name == "" || (hasQualifier && (qualifier == "" || strings.Contains(qualifier, ":"))) {
		return function{}, fmt.Errorf("lambdainvoke: %q is not the ARN of a Lambda function", fn)
	}
	f := function{name: name, region: a.Region}
	if hasQualifier {
		f.qualifier = aws.String(qualifier)
	}
	return f, nil
}

// functionError is the error of a function that failed: its payload's
// errorMessage and errorType when it is Lambda's error shape, else the
// payload itself; kind, the X-Amz-Function-Error header ("Unhandled"),
// when the payload is empty.
func functionError(kind string, payload []byte) *emulator.FunctionError {
	var shape struct {
		ErrorMessage *string `json:"errorMessage"`
		ErrorType    string  `json:"errorType"`
	}
	if json.Unmarshal(payload, &shape) == nil && shape.ErrorMessage != nil {
		return &emulator.FunctionError{Message: bounded(*shape.ErrorMessage), Type: bounded(shape.ErrorType)}
	}
	msg := strings.TrimSpace(string(payload))
	if msg == "" {
		msg = kind
	}
	return &emulator.FunctionError{Message: bounded(msg)}
}

// bounded cuts s to at most maxMessage bytes, on a character boundary.
func bounded(s string) string {
	if len(s) <= maxMessage {
		return s
	}
	return strings.ToValidUTF8(s[:maxMessage], "")
}
