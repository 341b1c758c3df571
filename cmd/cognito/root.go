package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/cognitokit/cognito"
)

// app is one execution of the command line: its streams and its global
// flags, shared by every command.
type app struct {
	stdout, stderr io.Writer
	stdin          io.Reader     // cobra's InOrStdin, set before a command runs
	lines          *bufio.Reader // stdin read line by line, made on first use

	endpoint, region, userPoolID, clientID string
	secretFile                             string
	sessionFile                            string
	lang                                   string
	json, verbose                          bool
}

const rootLong = `AWS Cognito User Pools from the shell, and a local Cognito to run them against.

Configuration (flags override the environment):
  --endpoint       AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER  (default: AWS itself)
  --region         AWS_REGION, AWS_DEFAULT_REGION  (default: the pool ID's prefix, else eu-west-1)
  --user-pool-id   COGNITO_USER_POOL_ID
  --client-id      COGNITO_CLIENT_ID
  --client-secret-file PATH, or COGNITO_CLIENT_SECRET, for an app client with a secret
  --lang           COGNITO_LANG: en or es, the language of messages
  --session        COGNITO_SESSION_FILE  (default: <user config dir>/cognitokit/session.json)

Passwords and codes are never flags: they are read at a prompt (passwords
without echo), or from stdin with --password-stdin or --code-stdin. Tokens stay in the session file (mode 0600) and are
refreshed when they expire; they are printed only by login --print-tokens.

Try it with no AWS account:  cognito demo`

// newRootCommand builds the command tree, writing results to stdout and
// diagnostics to stderr. Commands read stdin through cobra's InOrStdin.
func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	return (&app{stdout: stdout, stderr: stderr}).rootCommand()
}

// rootCommand builds the command tree of a.
func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "cognito",
		Short:         "AWS Cognito User Pools from the shell, and a local Cognito to run them against",
		Long:          rootLong,
		Version:       moduleVersion(),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			a.stdin = cmd.InOrStdin()
			lang, err := chooseLanguage(a.lang)
			a.lang = lang
			return err
		},
	}
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetFlagErrorFunc(flagError)

	f := root.PersistentFlags()
	f.StringVar(&a.endpoint, "endpoint", "", "Cognito endpoint URL, e.g. a local Cognito's (default $AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, else AWS)")
	f.StringVar(&a.region, "region", "", "AWS region (default $AWS_REGION, $AWS_DEFAULT_REGION, the user pool ID's prefix)")
	f.StringVar(&a.userPoolID, "user-pool-id", "", "user pool ID (default $COGNITO_USER_POOL_ID)")
	f.StringVar(&a.clientID, "client-id", "", "app client ID (default $COGNITO_CLIENT_ID)")
	f.StringVar(&a.secretFile, "client-secret-file", "", "file holding the app client's secret (default: $COGNITO_CLIENT_SECRET)")
	f.StringVar(&a.sessionFile, "session", "", "session file (default $COGNITO_SESSION_FILE, else <user config dir>/cognitokit/session.json)")
	f.StringVar(&a.lang, "lang", "", "language of messages: "+strings.Join(cognito.Languages(), " or ")+" (default $COGNITO_LANG, else en)")
	f.BoolVar(&a.json, "json", false, "print results as JSON")
	f.BoolVar(&a.verbose, "verbose", false, "on failure, also print the operation, Cognito's error code and the underlying error")

	root.AddCommand(
		newRegisterCommand(a), newConfirmCommand(a), newResendCodeCommand(a),
		newLoginCommand(a), newRefreshCommand(a),
		newForgotPasswordCommand(a), newConfirmForgotPasswordCommand(a),
		newWhoamiCommand(a), newUpdateAttributesCommand(a), newVerifyAttributeCommand(a), newChangePasswordCommand(a),
		newDeleteUserCommand(a), newLogoutCommand(a), newVerifyCommand(a), newMFACommand(a), newDevicesCommand(a), newTokenCommand(a),
		newPingCommand(a), newLocalCommand(), newDemoCommand(a), newVersionCommand(a),
		newAdminCommand(a),
	)
	return root
}

// chooseLanguage is the language of messages: --lang's, else
// COGNITO_LANG's, else English. Either must name a language the messages
// exist in: an unknown one is refused, in English, rather than ignored.
func chooseLanguage(flag string) (string, error) {
	if flag != "" {
		return parseLanguage("--lang", flag)
	}
	if env := os.Getenv("COGNITO_LANG"); env != "" {
		return parseLanguage("COGNITO_LANG", env)
	}
	return "en", nil
}

// parseLanguage accepts a language the messages exist in, also written as
// a locale ("es_ES.UTF-8", "es-MX"); from names where s came from.
func parseLanguage(from, s string) (string, error) {
	lang, _, _ := strings.Cut(strings.ToLower(s), "_")
	lang, _, _ = strings.Cut(lang, "-")
	lang, _, _ = strings.Cut(lang, ".")
	if !slices.Contains(cognito.Languages(), lang) {
		return "", failf("%s %q: messages exist in %s", from, s, strings.Join(cognito.Languages(), " and "))
	}
	return lang, nil
}

// errNoClientID is the failure of a command that calls Cognito without an
// app client to call it as.
var errNoClientID = failf("no app client: set COGNITO_CLIENT_ID or pass --client-id")

// config is the library configuration: the environment, overridden by the
// flags. The client secret comes only from COGNITO_CLIENT_SECRET or
// --client-secret-file.
func (a *app) config() (cognito.Config, error) {
	cfg := a.poolConfig()
	if cfg.ClientID == "" {
		return cfg, errNoClientID
	}
	if a.secretFile != "" {
		raw, err := os.ReadFile(a.secretFile)
		if err != nil {
			return cfg, failf("reading the client secret: %w", err)
		}
		if cfg.ClientSecret = strings.TrimSpace(string(raw)); cfg.ClientSecret == "" {
			return cfg, failf("the client secret file %s is empty", a.secretFile)
		}
	}
	return cfg, nil
}

// poolConfig is the environment overridden by the flags, with no check
// and without reading --client-secret-file: enough for the
// administrator's commands, which need no app client.
func (a *app) poolConfig() cognito.Config {
	cfg := cognito.ConfigFromEnv()
	for _, o := range []struct {
		flag  string
		field *string
	}{{a.endpoint, &cfg.Endpoint}, {a.region, &cfg.Region}, {a.userPoolID, &cfg.UserPoolID}, {a.clientID, &cfg.ClientID}} {
		if o.flag != "" {
			*o.field = o.flag
		}
	}
	return cfg
}

// client builds the library client from the configuration (clientFor).
func (a *app) client(ctx context.Context) (*cognito.Client, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	return a.clientFor(ctx, cfg)
}

// clientFor builds the library client for cfg. It makes no network call.
// The SDK's configuration is loaded as the library would, but with the
// SDK's logger silenced (unless --verbose): its warnings (an EC2 metadata
// fallback while looking for credentials...) would break the one-line
// error on stderr.
func (a *app) clientFor(ctx context.Context, cfg cognito.Config) (*cognito.Client, error) {
	var loadOpts []func(*config.LoadOptions) error
	if !a.verbose {
		loadOpts = append(loadOpts, config.WithLogger(logging.Nop{}))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return nil, failf("loading the AWS configuration: %w", err)
	}
	cfg.AWSConfig = &awsCfg
	return cognito.New(ctx, cfg, cognito.WithLanguage(a.lang))
}

// withClient adapts fn to a command's RunE: it builds the library client,
// runs fn with it and closes it.
func (a *app) withClient(fn func(ctx context.Context, c *cognito.Client) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		c, err := a.client(cmd.Context())
		if err != nil {
			return err
		}
		defer c.Close()
		return fn(cmd.Context(), c)
	}
}

// noArgs rejects positional arguments without quoting them: one could be a
// password or a code typed in the wrong place.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return failf("%s takes no arguments, only flags (see %[1]s --help)", cmd.CommandPath())
	}
	return nil
}

// flagError rewrites the flag errors that would quote a value (a password
// given as --password-stdin=S3cret or -pS3cret, say) so they name the flag
// only.
func flagError(_ *cobra.Command, err error) error {
	var (
		invalid  *pflag.InvalidValueError
		syntax   *pflag.InvalidSyntaxError
		notExist *pflag.NotExistError
	)
	switch {
	case errors.As(err, &notExist) && notExist.GetSpecifiedShortnames() != "":
		// pflag's message quotes the whole group: "-pS3cret" would show.
		return failf("unknown shorthand flag: -%c", notExist.GetSpecifiedName()[0])
	case errors.As(err, &invalid):
		return failf("invalid value for flag --%s", invalid.GetFlag().Name)
	case errors.As(err, &syntax):
		return failf("bad flag syntax")
	}
	return err
}
