package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/cognitokit/cognito"
)

// The CLI's own lines — results for people, prompts, its own errors — in
// the language of --lang (or COGNITO_LANG). Each is written in English, as
// a fmt format, and looked up in the catalog of the language: a.tr for a
// line, failf for an error, which is translated when it is printed.
// Cognito's failures are the library's *cognito.Error, whose Message is
// already in the client's language. Help texts and logs stay English.

// translate returns the format of the English line format in lang,
// English when lang has no catalog or the catalog no line.
func translate(lang, format string) string {
	if t, ok := catalogs[lang][format]; ok {
		return t
	}
	return format
}

// tr formats one of the CLI's lines in the user's language.
func (a *app) tr(format string, args ...any) string {
	return sprintf(a.lang, format, args)
}

// say writes one of the CLI's lines, in the user's language, to stderr:
// prompts and what comes with them, never results.
func (a *app) say(format string, args ...any) {
	fmt.Fprint(a.stderr, a.tr(format, args...))
}

// phrase is a piece of one of the CLI's lines, from the catalog: a
// prompt's question, the name of what it asks for ("new password"). It is
// translated where it is written.
type phrase string

// sprintf formats format in lang with args; args that are phrases or
// errors are written in lang too.
func sprintf(lang, format string, args []any) string {
	in := make([]any, len(args))
	for i, arg := range args {
		switch v := arg.(type) {
		case phrase:
			arg = translate(lang, string(v))
		case error:
			arg = errorText(v, lang, false)
		}
		in[i] = arg
	}
	return fmt.Sprintf(strings.ReplaceAll(translate(lang, format), "%w", "%v"), in...)
}

// cliError is a failure of the CLI itself (a missing flag, a damaged
// session file...). Error is English; printed, it is in the user's
// language. Errors among its args are wrapped, as with fmt.Errorf's %w.
type cliError struct {
	format string
	args   []any
	cause  error // explained by the format, not written
}

// failf returns the CLI's failure format (a line of the catalog).
func failf(format string, args ...any) error { return &cliError{format: format, args: args} }

// explained returns the CLI's failure format that explains cause, which
// stays reachable with errors.Is and errors.As.
func explained(cause error, format string, args ...any) error {
	return &cliError{format: format, args: args, cause: cause}
}

func (e *cliError) Error() string { return sprintf("en", e.format, e.args) }

// Unwrap returns the errors among the args, and the cause it explains.
func (e *cliError) Unwrap() []error {
	var errs []error
	if e.cause != nil {
		errs = append(errs, e.cause)
	}
	for _, arg := range e.args {
		if err, ok := arg.(error); ok {
			errs = append(errs, err)
		}
	}
	return errs
}

// errorText is what a person reads about err in lang: the friendly
// message of a *cognito.Error (in the language the client was made with),
// the CLI's own errors in lang, the text of any other error. With verbose,
// a *cognito.Error also shows the operation, Cognito's error code and the
// underlying error. None of them carries a secret.
func errorText(err error, lang string, verbose bool) string {
	if own, ok := err.(*cliError); ok {
		return sprintf(lang, own.format, own.args) // its words hold the cause's
	}
	var ce *cognito.Error
	if errors.As(err, &ce) {
		if !verbose {
			return ce.Message()
		}
		msg := ce.Error()
		if ce.Err != nil {
			msg += ": " + ce.Err.Error()
		}
		return msg
	}
	var own *cliError
	if errors.As(err, &own) {
		return sprintf(lang, own.format, own.args)
	}
	return err.Error()
}

// errorLine is errorText on one line.
func errorLine(err error, lang string, verbose bool) string {
	return strings.Join(strings.Fields(errorText(err, lang, verbose)), " ")
}

// jsonError is a failure as --json writes it on stderr.
type jsonError struct {
	Error jsonErrorBody `json:"error"`
}

type jsonErrorBody struct {
	// Message is what a person reads, in the user's language.
	Message string `json:"message"`
	// Kind is the library's kind of failure (the text of its Err*
	// sentinel, e.g. "invalid credentials"), "interrupted", or empty for
	// the CLI's own failures.
	Kind string `json:"kind,omitempty"`
	// Code is Cognito's error code, e.g. "NotAuthorizedException".
	Code string `json:"code,omitempty"`
	// Operation is the library's operation, e.g. "Authenticate".
	Operation string `json:"operation,omitempty"`
}

// explain rewrites a failure of the library whose remedy, on the command
// line, is the CLI's: a client secret missing or wrong names
// COGNITO_CLIENT_SECRET and --client-secret-file, the two ways the CLI
// takes one.
func (a *app) explain(err error) error {
	var ce *cognito.Error
	if !errors.As(err, &ce) || ce.Kind != cognito.ErrSecretHashRequired {
		return err
	}
	cfg, _ := a.config()
	if cfg.ClientSecret != "" {
		return explained(err, "The client secret is wrong: it is not the secret of app client %s. Check COGNITO_CLIENT_SECRET, or the file given to --client-secret-file.", cfg.ClientID)
	}
	return explained(err, "The app client has a secret: set COGNITO_CLIENT_SECRET, or pass --client-secret-file FILE (never the secret itself on the command line).")
}

// reportError writes err to stderr: one line for people, or with --json
// one JSON object.
func (a *app) reportError(err error) {
	if !a.json {
		if !a.verbose {
			err = a.explain(err)
		}
		fmt.Fprintln(a.stderr, errorLine(err, a.lang, a.verbose))
		return
	}
	body := jsonErrorBody{Message: errorLine(a.explain(err), a.lang, false)}
	var ce *cognito.Error
	switch {
	case errors.Is(err, errInterrupted):
		body.Kind = "interrupted"
	case errors.As(err, &ce):
		body.Kind, body.Code, body.Operation = ce.Kind.Error(), ce.Code, ce.Op
	}
	raw, _ := json.Marshal(jsonError{body})
	fmt.Fprintln(a.stderr, string(raw))
}
