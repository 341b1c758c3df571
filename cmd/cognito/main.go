// Command cognito is the cognitokit command-line tool. This build serves the
// local Cognito (cognito local); the user operations and the demo build on
// it.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCommand(os.Stdout, os.Stderr).ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "cognito:", err)
		os.Exit(1)
	}
}

// newRootCommand builds the command tree, writing results to stdout and
// diagnostics to stderr.
func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "cognito",
		Short:         "AWS Cognito User Pools from the shell, and a local Cognito to run them against",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newLocalCommand())
	return root
}
