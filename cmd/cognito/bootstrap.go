package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/emulator"
	"github.com/cognitokit/cognito/internal/sdkhttp"
)

// The local Cognito's bootstrap, shared by `cognito local` and `cognito
// demo`: serve the emulator on a port, then create a pool and app clients
// through its own API, as any SDK program would.

// localServer is a local Cognito being served.
type localServer struct {
	endpoint string // a URL that reaches it from this machine, e.g. http://127.0.0.1:9229
	srv      *http.Server
	done     chan error // Serve's result
}

// serveLocal starts serving h on addr in the background.
func serveLocal(addr string, h http.Handler) (*localServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening: %w", err)
	}
	return serveOn(ln, h), nil
}

// serveOn starts serving h on ln in the background.
func serveOn(ln net.Listener, h http.Handler) *localServer {
	l := &localServer{
		endpoint: "http://" + dialAddr(ln.Addr()),
		srv:      emulator.NewHTTPServer(h),
		done:     make(chan error, 1),
	}
	go func() { l.done <- l.srv.Serve(ln) }()
	return l
}

// dialAddr is the address a client on this machine reaches a listener at:
// its own, but 127.0.0.1 for a wildcard one (0.0.0.0 or [::], which
// clients cannot connect to by that name).
func dialAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
}

// beyondLoopback reports whether a listener can be reached from other
// machines (or containers): it listens on a wildcard or another
// interface's address.
func beyondLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return !ok || !tcp.IP.IsLoopback()
}

// shutdown stops the server, letting requests in flight finish for up to
// five seconds.
func (l *localServer) shutdown(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := l.srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutting down: %w", err)
	}
	return nil
}

// localAdmin returns an SDK client for the local Cognito at endpoint that
// signs its administrative calls with iam, or with dummy credentials when
// the server checks no signature (iam nil).
func localAdmin(endpoint, region string, iam *emulator.IAMCredentials) *cip.Client {
	creds := emulator.IAMCredentials{AccessKeyID: "local", SecretAccessKey: "local"}
	if iam != nil {
		creds = *iam
	}
	return cip.NewFromConfig(aws.Config{
		Region:       region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, ""),
		HTTPClient:   sdkhttp.ReadOnlyBodies(awshttp.NewBuildableClient()),
	})
}

// createLocalPool creates a user pool whose users sign up with their email
// as the username, the email attribute required and verified by code, and
// returns its ID.
func createLocalPool(ctx context.Context, admin *cip.Client, name string) (string, error) {
	out, err := admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName:               aws.String(name),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		Schema: []types.SchemaAttributeType{{
			Name: aws.String("email"), AttributeDataType: types.AttributeDataTypeString,
			Required: aws.Bool(true), Mutable: aws.Bool(true),
		}},
	})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.UserPool.Id), nil
}

// createLocalClient creates an app client of poolID with every sign-in flow
// enabled (USER_PASSWORD_AUTH and refresh among them) and, if secret is
// set, a client secret.
func createLocalClient(ctx context.Context, admin *cip.Client, poolID, name string, secret bool) (*types.UserPoolClientType, error) {
	out, err := admin.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(poolID), ClientName: aws.String(name), GenerateSecret: secret,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
			types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
			types.ExplicitAuthFlowsTypeAllowCustomAuth,
			types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth,
		},
	})
	if err != nil {
		return nil, err
	}
	return out.UserPoolClient, nil
}
