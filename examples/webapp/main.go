package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/examples/internal/serve"
	"github.com/cognitokit/cognito/jwtverify"
)

func main() {
	serve.Main("webapp", func(ctx context.Context, args []string, stderr io.Writer, logger *slog.Logger) error {
		return run(ctx, args, stderr, logger, nil)
	})
}

// scopes are the scopes the app asks for: openid for the ID token, email
// and profile for its claims.
var scopes = []string{"openid", "email", "profile"}

// run serves the app until ctx is done, then shuts it down gracefully.
// Usage errors go to stderr; listening, if not nil, is told the app's URL
// once it listens.
func run(ctx context.Context, args []string, stderr io.Writer, logger *slog.Logger, listening func(url string)) error {
	flags := flag.NewFlagSet("webapp", flag.ContinueOnError)
	flags.SetOutput(stderr)
	addr := flags.String("addr", "127.0.0.1:8080", "address to listen on")
	publicURL := flags.String("url", "", "the app's URL as browsers reach it (default http://<addr>); its /callback and /signed-out must be the app client's callback and sign-out URLs")
	configure := flags.Bool("configure-client", false, "allow the code flow with this app's URLs on the app client (DescribeUserPoolClient, UpdateUserPoolClient: needs administrator credentials); done anyway for the local Cognito started in-process")
	flags.Usage = func() {
		fmt.Fprint(stderr, `usage: webapp [--addr host:port] [--url URL] [--configure-client]

With no configuration it starts a local Cognito in this process, with a
user `+demoEmail+` (password `+demoPassword+`). Otherwise it is configured by
COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET (if the app
client has one), AWS_REGION and, for a local Cognito,
AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: what cognito local prints.

`)
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("webapp takes no arguments, only flags")
	}

	cfg := cognito.ConfigFromEnv()
	embedded := cfg.UserPoolID == "" && cfg.ClientID == ""
	if !embedded && (cfg.UserPoolID == "" || cfg.ClientID == "") {
		return errors.New("set both COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID, or neither for a local Cognito in this process")
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close() // in case of an early return; Shutdown closes it too
	base := strings.TrimRight(*publicURL, "/")
	if base == "" {
		base = "http://" + ln.Addr().String()
	}

	if embedded {
		local, err := startLocal(ctx)
		if err != nil {
			return fmt.Errorf("starting the local Cognito: %w", err)
		}
		defer local.Close()
		cfg = local.config()
		*configure = true
		logger.Info("a local Cognito runs in this process", "endpoint", local.Endpoint, "user_pool", cfg.UserPoolID,
			"sign_in_as", demoEmail)
	}
	client, err := cognito.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer client.Close()
	a, err := newAppFor(ctx, client, cfg, base, *configure, logger)
	if err != nil {
		return err
	}

	logger.Info("webapp listening", "url", base, "user_pool", cfg.UserPoolID, "issuer", client.Issuer())
	if listening != nil {
		listening(base)
	}
	return serve.Serve(ctx, ln, a, logger)
}

// newAppFor returns the app served at base (its URL as browsers reach it)
// for client, configured by cfg, after configuring the app client for the
// app's URLs if configure is set.
func newAppFor(ctx context.Context, client *cognito.Client, cfg cognito.Config, base string, configure bool, logger *slog.Logger) (*app, error) {
	callbackURL, signedOutURL := base+"/callback", base+"/signed-out"
	if configure {
		if err := configureClient(ctx, client.SDK(), cfg.UserPoolID, cfg.ClientID, callbackURL, signedOutURL); err != nil {
			return nil, fmt.Errorf("configuring the app client: %w", err)
		}
	}
	oauth, err := client.OAuth2Config(ctx, callbackURL, scopes...)
	if err != nil {
		return nil, err
	}
	logoutURL, err := client.LogoutURL(ctx, signedOutURL)
	if err != nil {
		return nil, err
	}
	ids, err := jwtverify.New(client.VerifierConfig(ctx, jwtverify.IDToken))
	if err != nil {
		return nil, err
	}
	if err := ids.Prefetch(ctx); err != nil {
		logger.Warn("the user pool's signing keys cannot be fetched yet", "issuer", ids.Issuer(), "err", err)
	}
	return newApp(oauth, logoutURL, ids, logger), nil
}
