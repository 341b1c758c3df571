package main

import (
	"context"
	"errors"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cognitokit/cognito"
)

// The commands before sign-in: register and confirm an account, reset a
// forgotten password. They need no session.

func newRegisterCommand(a *app) *cobra.Command {
	var (
		email         string
		attrs         []string
		passwordStdin bool
	)
	cmd := &cobra.Command{
		Use:   "register --email EMAIL [--attr NAME=VALUE]...",
		Short: "Sign a user up; Cognito sends them a confirmation code",
		Long: `Sign a user up with their email as the username. The password is asked for
at a no-echo prompt (twice), or read from stdin's first line with
--password-stdin. Cognito sends a confirmation code: cognito confirm asks for it.`,
		Args: noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		attributes, err := parseAttributes(attrs)
		if err != nil {
			return err
		}
		password, err := a.readNewPassword(ctx, passwordStdin, "--password-stdin", "password")
		if err != nil {
			return err
		}
		res, err := c.Register(ctx, email, password, attributes)
		if err != nil {
			return err
		}
		human := a.tr("Registered %s; the account is confirmed. Run: cognito login --email %s", email, shellQuote(email))
		if res.ConfirmationRequired {
			human = a.tr("Registered %s; a code was sent%s. Run: cognito confirm --email %s", email, a.to(res.CodeDeliveryDestination), shellQuote(email))
		}
		return a.emit(human, res)
	})
	f := cmd.Flags()
	f.StringVar(&email, "email", "", "the user's email, also their username")
	f.StringArrayVar(&attrs, "attr", nil, "another attribute, NAME=VALUE (repeatable), e.g. name=Ana")
	f.BoolVar(&passwordStdin, "password-stdin", false, "read the password from stdin's first line")
	_ = cmd.MarkFlagRequired("email")
	return cmd
}

func newConfirmCommand(a *app) *cobra.Command {
	var (
		email, code string
		codeStdin   bool
	)
	cmd := &cobra.Command{
		Use:   "confirm --email EMAIL",
		Short: "Confirm a registration with the code Cognito sent",
		Long: `Confirm a registration with the code Cognito sent: asked for at a prompt (again
if Cognito says it is wrong), or read from stdin's first line with --code-stdin.`,
		Args: noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		err := a.withCode(ctx, code, codeStdin, "--code-stdin", "confirmation code", func(code string) error {
			return c.Confirm(ctx, email, code)
		})
		if err != nil {
			return err
		}
		return a.emit(a.tr("Confirmed %s. Run: cognito login --email %s", email, shellQuote(email)),
			map[string]any{"confirmed": true, "email": email})
	})
	emailAndCodeFlags(cmd, &email, &code, &codeStdin)
	return cmd
}

func newResendCodeCommand(a *app) *cobra.Command {
	var email string
	cmd := &cobra.Command{
		Use:   "resend-code --email EMAIL",
		Short: "Send the registration code again",
		Args:  noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		d, err := c.ResendCode(ctx, email)
		if err != nil {
			return err
		}
		return a.emit(a.tr("A new code was sent%s. Run: cognito confirm --email %s", a.to(d.Destination), shellQuote(email)), d)
	})
	emailFlag(cmd, &email)
	return cmd
}

func newForgotPasswordCommand(a *app) *cobra.Command {
	var email string
	cmd := &cobra.Command{
		Use:   "forgot-password --email EMAIL",
		Short: "Start a password reset: Cognito sends the user a code",
		Args:  noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		d, err := c.ForgotPassword(ctx, email)
		if err != nil {
			return err
		}
		return a.emit(a.tr("A password reset code was sent%s. Run: cognito confirm-forgot-password --email %s", a.to(d.Destination), shellQuote(email)), d)
	})
	emailFlag(cmd, &email)
	return cmd
}

func newConfirmForgotPasswordCommand(a *app) *cobra.Command {
	var (
		email, code   string
		passwordStdin bool
	)
	cmd := &cobra.Command{
		Use:   "confirm-forgot-password --email EMAIL",
		Short: "Finish a password reset with the code and a new password",
		Long: `Finish a password reset with the code Cognito sent and a new password.

At a terminal the code is asked for first, then the new password, twice (again
if the two differ). Cognito has no call that checks a code alone, so both go
in one call: if Cognito answers that the code is wrong, only the code is asked
for again; if the password breaks the pool's policy, only the password.

With --new-password-stdin (--password-stdin is the same) both are read from
stdin: the code on the first line, the new password on the second.`,
		Args: noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		const stdinFlag = "--new-password-stdin"
		a.deprecatedCode(code, stdinFlag)
		var err error
		if code == "" {
			if code, err = a.readCode(ctx, passwordStdin, stdinFlag, "code"); err != nil {
				return err
			}
		}
		password, err := a.readNewPassword(ctx, passwordStdin, stdinFlag, "new password")
		if err != nil {
			return err
		}
		for attempt := 1; ; attempt++ {
			err = c.ConfirmForgotPassword(ctx, email, code, password)
			if err == nil || !a.atTerminal(passwordStdin) || attempt == maxAttempts {
				break
			}
			switch {
			case errors.Is(err, cognito.ErrCodeMismatch):
				a.say("%s\n", err)
				code, err = a.readCode(ctx, false, stdinFlag, "code")
			case errors.Is(err, cognito.ErrInvalidPassword):
				a.say("%s\n", err)
				password, err = a.readNewPassword(ctx, false, stdinFlag, "new password")
			}
			if err != nil {
				return err
			}
		}
		if err != nil {
			return err
		}
		return a.emit(a.tr("The password of %s was reset. Run: cognito login --email %s", email, shellQuote(email)),
			map[string]any{"password_reset": true, "email": email})
	})
	emailAndCodeFlags(cmd, &email, &code, nil)
	f := cmd.Flags()
	f.BoolVar(&passwordStdin, "new-password-stdin", false, "read the code and the new password from stdin's first two lines")
	f.BoolVar(&passwordStdin, "password-stdin", false, "the same as --new-password-stdin")
	return cmd
}

// withCode runs try with a code: code (from the deprecated --code) if
// given, else one read from stdin's first line with stdinFlag, or asked for
// at the terminal — where a code Cognito calls wrong is asked for again.
func (a *app) withCode(ctx context.Context, code string, fromStdin bool, stdinFlag string, what phrase, try func(code string) error) error {
	a.deprecatedCode(code, stdinFlag)
	for attempt := 1; ; attempt++ {
		if code == "" {
			var err error
			if code, err = a.readCode(ctx, fromStdin, stdinFlag, what); err != nil {
				return err
			}
		}
		err := try(code)
		if !errors.Is(err, cognito.ErrCodeMismatch) || !a.atTerminal(fromStdin) || attempt == maxAttempts {
			return err
		}
		a.say("%s\n", err)
		code = ""
	}
}

// deprecatedCode warns, on stderr, when the code was given with --code.
func (a *app) deprecatedCode(code, stdinFlag string) {
	if code != "" {
		a.say("--code is deprecated: a code on the command line shows in ps and in the shell's history. Type it at the prompt, or pipe it on stdin with %s.\n", stdinFlag)
	}
}

// readCode reads a code Cognito sent (see readAnswer), without the spaces
// a person may type in it: Cognito's codes have none.
func (a *app) readCode(ctx context.Context, fromStdin bool, stdinFlag string, what phrase) (string, error) {
	code, err := a.readAnswerWith(ctx, fromStdin, stdinFlag, what)
	return strings.Join(strings.Fields(code), ""), err
}

// emailFlag adds the required --email flag.
func emailFlag(cmd *cobra.Command, email *string) {
	cmd.Flags().StringVar(email, "email", "", "the user's email (their username)")
	_ = cmd.MarkFlagRequired("email")
}

// emailAndCodeFlags adds the required --email flag, the deprecated --code
// (a code on the command line shows in ps and in the shell's history) and,
// with codeStdin, --code-stdin.
func emailAndCodeFlags(cmd *cobra.Command, email, code *string, codeStdin *bool) {
	emailFlag(cmd, email)
	f := cmd.Flags()
	f.StringVar(code, "code", "", "deprecated: the code Cognito sent")
	_ = f.MarkHidden("code")
	if codeStdin != nil {
		f.BoolVar(codeStdin, "code-stdin", false, "read the code from stdin's first line")
	}
}

// to says where a code went: " to a***@e***.com", or nothing if Cognito did
// not say.
func (a *app) to(destination string) string {
	if destination == "" {
		return ""
	}
	return a.tr(" to %s", destination)
}

// parseAttributes turns NAME=VALUE flags into attributes.
func parseAttributes(flags []string) (map[string]string, error) {
	attrs := make(map[string]string, len(flags))
	for _, kv := range flags {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, failf("--attr %q: want NAME=VALUE", kv)
		}
		attrs[strings.TrimSpace(name)] = value
	}
	return attrs, nil
}
