package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/jwtverify"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	err := run(ctx, os.Args[1:], os.Stderr, logger, nil)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		logger.Error("httpapi stopped", "err", err)
		os.Exit(1)
	}
}

// shutdownTimeout bounds how long requests in flight may take to finish
// once a signal arrives.
const shutdownTimeout = 10 * time.Second

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
	access, err := newVerifier(client, cfg, jwtverify.AccessToken)
	if err != nil {
		return err
	}
	id, err := newVerifier(client, cfg, jwtverify.IDToken)
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

	srv := &http.Server{
		Handler:           newAPI(client, access, id, logger),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("httpapi listening", "url", "http://"+ln.Addr().String(), "user_pool", cfg.UserPoolID, "issuer", access.Issuer())
	if listening != nil {
		listening(ln.Addr().String())
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	<-served // http.ErrServerClosed
	return nil
}

// newVerifier returns a verifier of the pool's tokens of tokenUse for the
// app client, with the issuer of the endpoint the client calls.
func newVerifier(client *cognito.Client, cfg cognito.Config, tokenUse string) (*jwtverify.Verifier, error) {
	return jwtverify.New(jwtverify.Config{Issuer: client.Issuer(), ClientIDs: []string{cfg.ClientID}, TokenUse: tokenUse})
}
