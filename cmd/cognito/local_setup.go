package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/cognitokit/cognito/emulator"
	"github.com/cognitokit/cognito/emulator/store"
)

// The declarative setup of `cognito local`: --config FILE, applied at every
// start, and `cognito local export`, which writes the state of a data
// directory in that form. Passwords and secrets come from the file, never
// from the command line.

// readSetupFile reads a setup file, YAML or JSON.
func readSetupFile(path string) (*emulator.Setup, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--config: %w", err)
	}
	setup, err := emulator.ParseSetup(raw)
	if err != nil {
		return nil, fmt.Errorf("--config %s: %w", path, err)
	}
	return setup, nil
}

// setupExportLines are the lines of printExports about the pools of a
// setup: the first pool and its first public client (or its first client)
// as the environment, then each pool's clients. Secrets stay in the file.
func setupExportLines(path string, setup *emulator.Setup) []string {
	first := setup.Pools[0]
	lines := []string{"export COGNITO_USER_POOL_ID=" + first.ID}
	if cl := mainClient(first.Clients); cl != nil {
		lines = append(lines, "export COGNITO_CLIENT_ID="+cl.ClientID)
	}
	lines = append(lines, "# Set up from "+path+" (applied at every start):")
	for _, p := range setup.Pools {
		var clients []string
		for _, cl := range p.Clients {
			c := cl.ClientID + " (" + aws.ToString(cl.ClientName)
			if cl.GenerateSecret || cl.ClientSecret != nil {
				c += ", with a secret"
			}
			clients = append(clients, c+")")
		}
		users := fmt.Sprintf("%d users", len(p.Users))
		if len(p.Users) == 1 {
			users = "1 user"
		}
		line := fmt.Sprintf("#   pool %s (%s), %s", p.ID, aws.ToString(p.PoolName), users)
		if len(clients) > 0 {
			line += "; app clients " + strings.Join(clients, ", ")
		}
		lines = append(lines, line)
	}
	return append(lines, "# Client secrets are in the file, or: cognito local export.")
}

// mainClient is the client the environment names: the first public one,
// else the first.
func mainClient(clients []emulator.ClientSetup) *emulator.ClientSetup {
	for i, cl := range clients {
		if !cl.GenerateSecret && cl.ClientSecret == nil {
			return &clients[i]
		}
	}
	if len(clients) > 0 {
		return &clients[0]
	}
	return nil
}

// localExportOptions are the flags of `cognito local export`.
type localExportOptions struct {
	dataDir, out   string
	passwordHashes bool
	asJSON         bool
}

func newLocalExportCommand() *cobra.Command {
	var opts localExportOptions
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the local Cognito's pools, clients, groups and users as a --config file",
		Long: `Write the state of a local Cognito's data directory in the form of
"cognito local --config": its pools with their settings, domains, resource
servers, app clients (with their secrets), groups and users (attributes,
status, groups, MFA). Applied to a new data directory, it makes the same state.

Users are written without their passwords unless --password-hashes is given:
then with each password's stored form (a salt and an SRP verifier, never the
password itself) and each software token's secret. The output is YAML, or
JSON with --json or an --out file ending in .json; with --out it is written
to a file only its owner can read.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.asJSON, _ = cmd.Flags().GetBool("json")
			return runLocalExport(cmd.Context(), opts, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.dataDir, "data", defaultDataDir(), "the data directory of the local Cognito")
	f.StringVar(&opts.out, "out", "", "write to this file (mode 0600) instead of stdout")
	f.BoolVar(&opts.passwordHashes, "password-hashes", false, "also write the users' password verifiers and software-token secrets")
	return cmd
}

func runLocalExport(ctx context.Context, opts localExportOptions, stdout io.Writer) error {
	path := filepath.Join(opts.dataDir, "cognito.db")
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no local Cognito data in %s (cognito local --data makes it)", opts.dataDir)
	}
	st, err := store.OpenSQLite(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	em, err := emulator.New(ctx, st, emulator.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		return fmt.Errorf("opening %s: %w", path, err)
	}
	setup, err := em.Export(ctx, emulator.ExportOptions{PasswordHashes: opts.passwordHashes})
	if err != nil {
		return err
	}
	var out []byte
	if opts.asJSON || strings.HasSuffix(opts.out, ".json") {
		out, err = setup.JSON()
	} else {
		out, err = setup.YAML()
		out = append([]byte(exportHeader(opts)), out...)
	}
	if err != nil {
		return err
	}
	if opts.out == "" {
		_, err := stdout.Write(out)
		return err
	}
	return writePrivateFile(opts.out, out)
}

// exportHeader is the comment an exported YAML setup starts with.
func exportHeader(opts localExportOptions) string {
	what := "app clients' secrets"
	if opts.passwordHashes {
		what += ", password verifiers and software-token secrets"
	}
	return "# The state of the local Cognito in " + opts.dataDir + ", by `cognito local export`:\n" +
		"# cognito local --config FILE makes it again. It holds the " + what + ".\n"
}

// writePrivateFile writes data to path with mode 0600 (os.CreateTemp's),
// replacing any earlier file atomically: a reader never sees half of it,
// and an older file's wider mode is not kept.
func writePrivateFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
