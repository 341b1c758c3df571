package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/spf13/cobra"

	"github.com/cognitokit/cognito/emulator"
	"github.com/cognitokit/cognito/emulator/lambdainvoke"
	"github.com/cognitokit/cognito/emulator/store"
)

// localOptions are the flags of `cognito local`.
type localOptions struct {
	addr     string
	dataDir  string
	memory   bool
	region   string
	logLevel string
	// iam makes the server verify the SigV4 signatures of admin calls
	// against the AWS credentials of its own environment (iamCredentials).
	iam            bool
	iamCredentials *emulator.IAMCredentials
	// lambdaEndpoint is the Lambda Invoke API the pools' triggers are
	// invoked through; empty: triggers are skipped.
	lambdaEndpoint string
}

// The default pool and clients `cognito local` creates in a new store.
const (
	localPoolName     = "local"
	localPublicClient = "local-public"
	localSecretClient = "local-secret"
)

func newLocalCommand() *cobra.Command {
	var opts localOptions
	cmd := &cobra.Command{
		Use:   "local",
		Short: "Serve a local Cognito (no AWS account needed)",
		Long: `Serve a local Cognito: a server that speaks Cognito Identity Provider's wire
protocol, so the AWS SDKs and this tool work against it unchanged.

On a new data directory it creates a user pool (users sign up with their email
as the username; email required and verified by code) with two app clients,
one public and one with a secret, all sign-in flows enabled. It prints the
environment variables that point the SDKs and this tool at it. Codes that
Cognito would email are kept in the outbox: GET /_local/messages. A web
dashboard at /_local/ shows the pools, their clients and users, the outbox
and a token decoder, and runs the actions a developer needs while testing.

With --lambda-endpoint the pools' Lambda triggers (the ARNs of their
LambdaConfig) are invoked through the AWS Lambda Invoke API at that URL, e.g.
http://127.0.0.1:3001, where "sam local start-lambda" serves by default; the
function name is taken from the ARN. Requests are signed with the AWS
credentials of the environment, or dummy ones when there are none (local
runners do not check them). Without it, triggers are skipped with a warning.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.memory && !cmd.Flags().Changed("data") {
				// Nothing of a memory server outlives it, and its secret
				// file must not replace the one of the server that keeps
				// its data in the default directory.
				dir, err := os.MkdirTemp("", "cognito-local-")
				if err != nil {
					return fmt.Errorf("creating a directory for the secret file: %w", err)
				}
				defer os.RemoveAll(dir)
				opts.dataDir = dir
			}
			return runLocal(cmd.Context(), opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.addr, "addr", "127.0.0.1:9229", "address to listen on")
	f.StringVar(&opts.dataDir, "data", defaultDataDir(), "directory for the database and the client secret file (with --memory: a temporary one, removed at exit, unless set)")
	f.BoolVar(&opts.memory, "memory", false, "keep everything in memory (lost at exit)")
	f.StringVar(&opts.region, "region", "eu-west-1", "region of the pools the server creates")
	f.StringVar(&opts.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	f.StringVar(&opts.lambdaEndpoint, "lambda-endpoint", "", "URL of a Lambda Invoke API to run the pools' triggers with, e.g. http://127.0.0.1:3001 (sam local start-lambda)")
	f.BoolVar(&opts.iam, "iam", false, "verify the SigV4 signature of admin calls: only AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of this command's environment are accepted")
	return cmd
}

// defaultDataDir is where `cognito local` keeps its state unless told.
func defaultDataDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "cognitokit", "local")
}

func runLocal(ctx context.Context, opts localOptions, stdout, stderr io.Writer) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(opts.logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	serverOpts := []emulator.Option{emulator.WithLogger(logger), emulator.WithRegion(opts.region)}
	if opts.iam {
		// The secret comes from the environment, never from the command
		// line, where other users of the machine could read it.
		key, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
		if key == "" || secret == "" {
			return errors.New("--iam: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to the credentials admin calls must be signed with")
		}
		opts.iamCredentials = &emulator.IAMCredentials{AccessKeyID: key, SecretAccessKey: secret}
		serverOpts = append(serverOpts, emulator.WithIAMCredentials(*opts.iamCredentials))
	}
	if opts.lambdaEndpoint != "" {
		inv, err := lambdainvoke.New(ctx, opts.lambdaEndpoint)
		if err != nil {
			return fmt.Errorf("--lambda-endpoint: %w", err)
		}
		serverOpts = append(serverOpts, emulator.WithLambdaInvoker(inv))
	}
	if err := os.MkdirAll(opts.dataDir, 0o700); err != nil {
		return fmt.Errorf("creating data directory: %w", err)
	}

	var st store.Store
	where := "memory (lost at exit)"
	if opts.memory {
		st = store.NewMemory()
	} else {
		path := filepath.Join(opts.dataDir, "cognito.db")
		var err error
		if st, err = store.OpenSQLite(ctx, path); err != nil {
			return err
		}
		where = path
	}
	defer st.Close()

	em, err := emulator.New(ctx, st, serverOpts...)
	if err != nil {
		return fmt.Errorf("opening %s: %w", where, err)
	}
	ls, err := serveLocal(opts.addr, em)
	if err != nil {
		return err
	}
	logger.Info("local Cognito listening", "endpoint", ls.endpoint, "store", where)

	setup, err := ensureLocalPool(ctx, ls.endpoint, opts)
	if err != nil {
		ls.srv.Close()
		return fmt.Errorf("creating the default pool: %w", err)
	}
	printExports(stdout, ls.endpoint, setup, opts)

	select {
	case err := <-ls.done:
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	return ls.shutdown(ctx)
}

// localSetup is the default pool and clients of a local server.
type localSetup struct {
	poolID, publicClientID, secretClientID, secretFile string
}

// ensureLocalPool finds the default pool and clients, creating them on a
// new store, through the server's own API, and writes the secret client's
// secret to a file only its owner can read.
func ensureLocalPool(ctx context.Context, endpoint string, opts localOptions) (*localSetup, error) {
	admin := localAdmin(endpoint, opts.region, opts.iamCredentials)
	pools, err := admin.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})
	if err != nil {
		return nil, err
	}
	setup := &localSetup{secretFile: filepath.Join(opts.dataDir, "client-secret")}
	for _, p := range pools.UserPools {
		if aws.ToString(p.Name) == localPoolName {
			setup.poolID = aws.ToString(p.Id)
			break
		}
	}
	if setup.poolID == "" {
		if setup.poolID, err = createLocalPool(ctx, admin, localPoolName); err != nil {
			return nil, err
		}
	}

	clients, err := admin.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: aws.String(setup.poolID), MaxResults: aws.Int32(60)})
	if err != nil {
		return nil, err
	}
	for _, c := range clients.UserPoolClients {
		switch aws.ToString(c.ClientName) {
		case localPublicClient:
			setup.publicClientID = aws.ToString(c.ClientId)
		case localSecretClient:
			setup.secretClientID = aws.ToString(c.ClientId)
		}
	}
	if setup.publicClientID == "" {
		c, err := createLocalClient(ctx, admin, setup.poolID, localPublicClient, false)
		if err != nil {
			return nil, err
		}
		setup.publicClientID = aws.ToString(c.ClientId)
	}
	var secret string
	if setup.secretClientID == "" {
		c, err := createLocalClient(ctx, admin, setup.poolID, localSecretClient, true)
		if err != nil {
			return nil, err
		}
		setup.secretClientID, secret = aws.ToString(c.ClientId), aws.ToString(c.ClientSecret)
	} else {
		out, err := admin.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{
			UserPoolId: aws.String(setup.poolID), ClientId: aws.String(setup.secretClientID),
		})
		if err != nil {
			return nil, err
		}
		secret = aws.ToString(out.UserPoolClient.ClientSecret)
	}
	if err := writeSecretFile(setup.secretFile, secret); err != nil {
		return nil, err
	}
	return setup, nil
}

// writeSecretFile writes secret to path with mode 0600, replacing any
// earlier file (whose mode might be wider).
func writeSecretFile(path, secret string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".client-secret-*")
	if err != nil {
		return fmt.Errorf("writing client secret file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(secret + "\n"); err != nil {
		tmp.Close()
		return fmt.Errorf("writing client secret file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing client secret file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing client secret file: %w", err)
	}
	return nil
}

// printExports tells the user how to point the SDKs and this tool at the
// server: shell export lines, and where to read codes. The secret itself is
// never printed, only the file that holds it.
func printExports(w io.Writer, endpoint string, s *localSetup, opts localOptions) {
	adminLine := "# Admin calls need any AWS credentials, e.g. AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local."
	if opts.iam {
		adminLine = "# Admin calls must be signed with the AWS credentials this server was started with (--iam)."
	}
	lines := []string{
		"# Local Cognito is running. Point the AWS SDKs and `cognito` at it:",
		"export AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=" + endpoint,
		"export AWS_REGION=" + opts.region,
		"export COGNITO_USER_POOL_ID=" + s.poolID,
		"export COGNITO_CLIENT_ID=" + s.publicClientID,
		"# The app client with a secret is " + s.secretClientID + "; its secret is in " + s.secretFile + " (mode 0600):",
		"#   export COGNITO_CLIENT_ID=" + s.secretClientID + " COGNITO_CLIENT_SECRET=\"$(cat " + shellQuote(s.secretFile) + ")\"",
		adminLine,
	}
	if opts.lambdaEndpoint != "" {
		lines = append(lines, "# Lambda triggers are invoked through the Lambda Invoke API at "+opts.lambdaEndpoint+".")
	}
	lines = append(lines,
		"# Dashboard (pools, users, the outbox, a token decoder): "+endpoint+"/_local/",
		"# Confirmation codes and other messages: curl "+endpoint+"/_local/messages")
	fmt.Fprintln(w, strings.Join(lines, "\n"))
}

// shellQuote quotes a path for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if !strings.ContainsAny(s, " '\"$`\\!*?&;|<>(){}[]#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
