package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/cognitokit/cognito"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command line args and returns the exit code: 0, or 1
// after writing one line about the failure to stderr.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCommand(stdout, stderr)
	root.SetIn(stdin)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	verbose, _ := root.PersistentFlags().GetBool("verbose")
	fmt.Fprintln(stderr, errorLine(err, verbose))
	return 1
}

// errorLine is what a person reads about err, on one line: the friendly
// message of a *cognito.Error (in the chosen language), the text of any
// other error. With verbose, a *cognito.Error also shows the operation,
// Cognito's error code and the underlying error. None of them carries a
// secret.
func errorLine(err error, verbose bool) string {
	msg := err.Error()
	var ce *cognito.Error
	if errors.As(err, &ce) {
		msg = ce.Message()
		if verbose {
			msg = err.Error()
			if ce.Err != nil {
				msg += ": " + ce.Err.Error()
			}
		}
	}
	return strings.Join(strings.Fields(msg), " ")
}
