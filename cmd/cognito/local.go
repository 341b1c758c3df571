package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
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
	// corsOrigins are the only origins CORS answers; empty: any.
	corsOrigins []string
	// issuer is "local" or "aws" (emulator.WithAWSIssuer).
	issuer string
	// publicURL is the address the server's URLs and issuers are built
	// from (emulator.WithBaseURL); empty: the one each client used.
	publicURL string
	// accessToken guards /_local/ and the admin calls
	// (emulator.WithAccessToken): $COGNITO_LOCAL_TOKEN, or generated when
	// the server listens beyond loopback; tokenFromEnv says which.
	accessToken  string
	tokenFromEnv bool
	// beyondLoopback is set when it listens on more than loopback.
	beyondLoopback bool
	// config is the declarative setup applied at every start
	// (local_setup.go).
	config string
}

// accessTokenEnv names the environment variable that fixes the access
// token.
const accessTokenEnv = "COGNITO_LOCAL_TOKEN"

// adminCredentials are what the server's own admin calls are signed with:
// the --iam credentials, the access token as the secret key, or none (nil:
// dummy ones).
func (o *localOptions) adminCredentials() *emulator.IAMCredentials {
	if o.iamCredentials == nil && o.accessToken != "" {
		return &emulator.IAMCredentials{AccessKeyID: "local", SecretAccessKey: o.accessToken}
	}
	return o.iamCredentials
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
runners do not check them). Without it, triggers are skipped with a warning.

Browser apps on other origins may call it: CORS answers any origin, or only
those of --cors-origins. With --issuer aws the tokens carry AWS's issuer,
https://cognito-idp.<region>.amazonaws.com/<poolId>, so verifiers written for
AWS accept them, given the local JWKS URL the start banner prints.
--public-url fixes the address the URLs and issuers are built from (by default
the one each client used).

When it listens beyond loopback (--addr 0.0.0.0:9229), /_local/ (the dashboard
and the outbox) and the admin calls need an access token, generated at start and printed once:
send it as "Authorization: Bearer <token>" (or ?token=<token> once in a
browser), and sign admin calls with it as the AWS secret access key. Set
` + accessTokenEnv + ` to choose it (it then applies on loopback too).

With --config FILE (YAML or JSON) the pools, clients, groups and users the file
declares are created, or updated where they differ, at every start: the same
pool IDs, client IDs and secrets come back each time, in memory too. The
default pool is then not created (unless the file declares no pool). See
examples/local-config.yaml; "cognito local export" writes the state back in
that form.`,
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
	f.StringSliceVar(&opts.corsOrigins, "cors-origins", nil, "the only origins browser apps may call from (CORS), e.g. http://localhost:5173,http://localhost:3000 (default: any)")
	f.StringVar(&opts.issuer, "issuer", "local", "the tokens' issuer: local (<public URL>/<poolId>) or aws (https://cognito-idp.<region>.amazonaws.com/<poolId>, keys still served locally)")
	f.StringVar(&opts.publicURL, "public-url", "", "the URL clients reach the server at, for its URLs and token issuers, e.g. http://cognito:9229 (default: the address each client used)")
	f.StringVar(&opts.config, "config", "", "declarative setup (YAML or JSON) of pools, clients, groups and users, applied at every start")
	f.BoolVar(&opts.iam, "iam", false, "verify the SigV4 signature of admin calls: only AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of this command's environment are accepted")
	cmd.AddCommand(newLocalExportCommand())
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
	webOpts, err := opts.webOptions()
	if err != nil {
		return err
	}
	serverOpts = append(serverOpts, webOpts...)
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
	var setup *emulator.Setup
	if opts.config != "" {
		if setup, err = readSetupFile(opts.config); err != nil {
			return err
		}
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

	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		return fmt.Errorf("listening: %w", err)
	}
	opts.beyondLoopback = beyondLoopback(ln.Addr())
	if opts.accessToken, opts.tokenFromEnv, err = localAccessToken(opts.beyondLoopback); err != nil {
		ln.Close()
		return err
	}
	if opts.accessToken != "" {
		serverOpts = append(serverOpts, emulator.WithAccessToken(opts.accessToken))
	}
	em, err := emulator.New(ctx, st, serverOpts...)
	if err != nil {
		ln.Close()
		return fmt.Errorf("opening %s: %w", where, err)
	}
	if setup != nil {
		if err := em.Apply(ctx, setup); err != nil {
			ln.Close()
			return fmt.Errorf("--config %s: %w", opts.config, err)
		}
	}
	ls := serveOn(ln, em)
	logger.Info("local Cognito listening", "address", ln.Addr().String(), "endpoint", ls.endpoint, "store", where)

	var banner *localSetup
	if setup != nil && len(setup.Pools) > 0 {
		banner = &localSetup{poolID: setup.Pools[0].ID, lines: setupExportLines(opts.config, setup)}
	} else {
		if banner, err = ensureLocalPool(ctx, ls.endpoint, opts); err != nil {
			ls.srv.Close()
			return fmt.Errorf("creating the default pool: %w", err)
		}
		banner.lines = banner.exportLines()
	}
	banner.issuer = em.Issuer(cmp.Or(opts.publicURL, ls.endpoint), banner.poolID)
	printExports(stdout, ls.endpoint, banner, opts)

	select {
	case err := <-ls.done:
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	return ls.shutdown(ctx)
}

// localSetup is the pool and clients the start banner names — the default
// ones, or those of --config —, and the issuer of the pool's tokens.
type localSetup struct {
	poolID, publicClientID, secretClientID, secretFile string
	issuer                                             string
	lines                                              []string // the banner's lines about them
}

// webOptions are the server options of the flags for browsers and other
// machines: --cors-origins, --issuer, --public-url.
func (o *localOptions) webOptions() ([]emulator.Option, error) {
	var opts []emulator.Option
	for _, origin := range o.corsOrigins {
		if origin == "*" {
			continue
		}
		u, err := url.Parse(origin)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.User != nil {
			return nil, fmt.Errorf("--cors-origins: %q is not an origin; want scheme://host[:port], e.g. http://localhost:5173", origin)
		}
	}
	if len(o.corsOrigins) > 0 {
		opts = append(opts, emulator.WithCORSOrigins(o.corsOrigins...))
	}
	switch o.issuer {
	case "local":
	case "aws":
		opts = append(opts, emulator.WithAWSIssuer())
	default:
		return nil, fmt.Errorf("--issuer: %q is not local or aws", o.issuer)
	}
	if o.publicURL != "" {
		u, err := url.Parse(o.publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return nil, fmt.Errorf("--public-url: %q is not an http(s) URL such as http://cognito:9229", o.publicURL)
		}
		o.publicURL = strings.TrimRight(o.publicURL, "/")
		opts = append(opts, emulator.WithBaseURL(o.publicURL))
	}
	return opts, nil
}

// localAccessToken is the access token of a server: $COGNITO_LOCAL_TOKEN
// when set (fromEnv), else a new random one when it listens beyond
// loopback, else none.
func localAccessToken(beyond bool) (token string, fromEnv bool, err error) {
	if token = os.Getenv(accessTokenEnv); token != "" {
		if len(token) < 16 {
			return "", false, errors.New(accessTokenEnv + " is shorter than 16 characters; choose a longer random token")
		}
		return token, true, nil
	}
	if !beyond {
		return "", false, nil
	}
	buf := make([]byte, 32)
	rand.Read(buf)
	return base64.RawURLEncoding.EncodeToString(buf), false, nil
}

// ensureLocalPool finds the default pool and clients, creating them on a
// new store, through the server's own API, and writes the secret client's
// secret to a file only its owner can read.
func ensureLocalPool(ctx context.Context, endpoint string, opts localOptions) (*localSetup, error) {
	admin := localAdmin(endpoint, opts.region, opts.adminCredentials())
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
	if err := writePrivateFile(setup.secretFile, []byte(secret+"\n")); err != nil {
		return nil, err
	}
	return setup, nil
}

// exportLines are the lines of printExports about the default pool and
// clients. The secret itself is never printed, only the file that holds
// it.
func (s *localSetup) exportLines() []string {
	return []string{
		"export COGNITO_USER_POOL_ID=" + s.poolID,
		"export COGNITO_CLIENT_ID=" + s.publicClientID,
		"# The app client with a secret is " + s.secretClientID + "; its secret is in " + s.secretFile + " (mode 0600):",
		"#   export COGNITO_CLIENT_ID=" + s.secretClientID + " COGNITO_CLIENT_SECRET=\"$(cat " + shellQuote(s.secretFile) + ")\"",
	}
}

// printExports tells the user how to point the SDKs and this tool at the
// server, reached from this machine at local: shell export lines, the
// token issuer, and where to read codes. The secret itself is never
// printed, only the file that holds it; an access token generated at start
// is printed once.
func printExports(w io.Writer, local string, s *localSetup, opts localOptions) {
	endpoint := cmp.Or(opts.publicURL, local)
	lines := []string{
		"# Local Cognito is running. Point the AWS SDKs and `cognito` at it:",
		"export AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=" + endpoint,
		"export AWS_REGION=" + opts.region,
	}
	lines = append(lines, s.lines...)
	adminLine := "# Admin calls need any AWS credentials, e.g. AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local."
	outbox := "curl " + endpoint + "/_local/messages"
	dashboardWhat := "pools, users, the outbox, a token decoder"
	if opts.accessToken != "" {
		if opts.tokenFromEnv {
			lines = append(lines, "# The outbox and the admin calls need the access token $"+accessTokenEnv+" of this command's environment.")
		} else {
			lines = append(lines, "# It listens beyond loopback: the outbox and the admin calls need this access token:",
				"export "+accessTokenEnv+"="+opts.accessToken)
		}
		dashboardWhat = "pools, users, the outbox, a token decoder; the first time add ?token=$" + accessTokenEnv
		adminLine = "# Admin calls are signed with it as the secret key: export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=\"$" + accessTokenEnv + "\""
		outbox = "curl -H \"Authorization: Bearer $" + accessTokenEnv + "\" " + endpoint + "/_local/messages"
	}
	if opts.iam {
		adminLine = "# Admin calls must be signed with the AWS credentials this server was started with (--iam)."
	}
	lines = append(lines, adminLine)
	switch {
	case opts.issuer == "aws":
		lines = append(lines, "# Token issuer (--issuer aws): "+s.issuer+"; its keys: "+endpoint+"/"+s.poolID+"/.well-known/jwks.json")
	case opts.publicURL == "":
		lines = append(lines, "# Token issuer: "+s.issuer+" (named after the address a client uses)")
	default:
		lines = append(lines, "# Token issuer: "+s.issuer)
	}
	switch {
	case opts.publicURL != "":
		lines = append(lines, "# Listening at "+local+" from this machine; URLs and token issuers use --public-url "+endpoint+".")
	case opts.beyondLoopback:
		lines = append(lines, "# From containers and other machines, use this machine's address instead of "+local+" (--public-url names it).")
	}
	if len(opts.corsOrigins) > 0 {
		lines = append(lines, "# Browser apps may call it only from "+strings.Join(opts.corsOrigins, ", ")+" (CORS).")
	}
	if opts.lambdaEndpoint != "" {
		lines = append(lines, "# Lambda triggers are invoked through the Lambda Invoke API at "+opts.lambdaEndpoint+".")
	}
	lines = append(lines,
		"# Dashboard ("+dashboardWhat+"): "+endpoint+"/_local/",
		"# Confirmation codes and other messages: "+outbox)
	fmt.Fprintln(w, strings.Join(lines, "\n"))
}

// shellQuote quotes a path for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if !strings.ContainsAny(s, " '\"$`\\!*?&;|<>(){}[]#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
