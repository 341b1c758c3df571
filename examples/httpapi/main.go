package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/examples/internal/serve"
	"github.com/cognitokit/cognito/jwtverify"
)

func main() {
	serve.Main("httpapi", func(ctx context.Context, args []string, stderr io.Writer, logger *slog.Logger) error {
		return run(ctx, args, stderr, logger, nil)
	})
}

// run serves the API until ctx is done, then shuts it down gracefully.
// Usage errors go to stderr; listening, if not nil, is told the address the
// server listens on once it does.
func run(ctx context.Context, args []string, stderr io.Writer, logger *slog.Logger, listening func(addr string)) error {
	flags := flag.NewFlagSet("httpapi", flag.ContinueOnError)
	flags.SetOutput(stderr)
	addr := flags.String("addr", "127.0.0.1:8080", "address to listen on")
	flags.Usage = func() {
		fmt.Fprint(stderr, `usage: httpapi [--addr host:port]

Configured by COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET
(if the app client has one), AWS_REGION and, for a local Cognito,
AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: what cognito local prints.

`)
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("httpapi takes no arguments, only flags")
	}

	cfg := cognito.ConfigFromEnv()
	if cfg.UserPoolID == "" || cfg.ClientID == "" {
		return errors.New("set COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID (cognito local prints them)")
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close() // in case of an early return; Shutdown closes it too
	client, err := cognito.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer client.Close()
	access, err := jwtverify.New(client.VerifierConfig(ctx, jwtverify.AccessToken))
	if err != nil {
		return err
	}
	id, err := jwtverify.New(client.VerifierConfig(ctx, jwtverify.IDToken))
	if err != nil {
		return err
	}
	// Fetching the keys now shows a wrong pool or endpoint at start-up; the
	// verifiers fetch them again on demand, so the API starts anyway.
	for _, v := range []*jwtverify.Verifier{access, id} {
		if err := v.Prefetch(ctx); err != nil {
			logger.Warn("the user pool's signing keys cannot be fetched yet", "issuer", v.Issuer(), "err", err)
		}
	}

	logger.Info("httpapi listening", "url", "http://"+ln.Addr().String(), "user_pool", cfg.UserPoolID, "issuer", access.Issuer())
	if listening != nil {
		listening(ln.Addr().String())
	}
	return serve.Serve(ctx, ln, newAPI(client, access, id, logger), logger)
}
