package main

import (
	"context"
	"fmt"
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
--password-stdin. Cognito sends a confirmation code: pass it to cognito confirm.`,
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
		human := fmt.Sprintf("Registered %s; the account is confirmed. Run: cognito login --email %s", email, shellQuote(email))
		if res.ConfirmationRequired {
			sentTo := "a code was sent"
			if res.CodeDeliveryDestination != "" {
				sentTo += " to " + res.CodeDeliveryDestination
			}
			human = fmt.Sprintf("Registered %s; %s. Run: cognito confirm --email %s --code CODE", email, sentTo, shellQuote(email))
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
	var email, code string
	cmd := &cobra.Command{
		Use:   "confirm --email EMAIL --code CODE",
		Short: "Confirm a registration with the code Cognito sent",
		Args:  noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		if err := c.Confirm(ctx, email, code); err != nil {
			return err
		}
		return a.emit(fmt.Sprintf("Confirmed %s. Run: cognito login --email %s", email, shellQuote(email)),
			map[string]any{"confirmed": true, "email": email})
	})
	emailAndCodeFlags(cmd, &email, &code)
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
		return a.emit(fmt.Sprintf("A new code was sent%s. Run: cognito confirm --email %s --code CODE", to(d), shellQuote(email)), d)
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
		return a.emit(fmt.Sprintf("A password reset code was sent%s. Run: cognito confirm-forgot-password --email %s --code CODE", to(d), shellQuote(email)), d)
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
		Use:   "confirm-forgot-password --email EMAIL --code CODE",
		Short: "Finish a password reset with the code and a new password",
		Long: `Finish a password reset with the code Cognito sent and a new password, asked
for at a no-echo prompt (twice) or read from stdin's first line with
--new-password-stdin (--password-stdin is the same).`,
		Args: noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		password, err := a.readNewPassword(ctx, passwordStdin, "--new-password-stdin", "new password")
		if err != nil {
			return err
		}
		if err := c.ConfirmForgotPassword(ctx, email, code, password); err != nil {
			return err
		}
		return a.emit(fmt.Sprintf("The password of %s was reset. Run: cognito login --email %s", email, shellQuote(email)),
			map[string]any{"password_reset": true, "email": email})
	})
	emailAndCodeFlags(cmd, &email, &code)
	f := cmd.Flags()
	f.BoolVar(&passwordStdin, "new-password-stdin", false, "read the new password from stdin's first line")
	f.BoolVar(&passwordStdin, "password-stdin", false, "the same as --new-password-stdin")
	return cmd
}

// emailFlag adds the required --email flag.
func emailFlag(cmd *cobra.Command, email *string) {
	cmd.Flags().StringVar(email, "email", "", "the user's email (their username)")
	_ = cmd.MarkFlagRequired("email")
}

// emailAndCodeFlags adds the required --email and --code flags.
func emailAndCodeFlags(cmd *cobra.Command, email, code *string) {
	emailFlag(cmd, email)
	cmd.Flags().StringVar(code, "code", "", "the code Cognito sent")
	_ = cmd.MarkFlagRequired("code")
}

// to says where a code went: " to a***@e***.com", or nothing if Cognito did
// not say.
func to(d *cognito.CodeDelivery) string {
	if d == nil || d.Destination == "" {
		return ""
	}
	return " to " + d.Destination
}

// parseAttributes turns NAME=VALUE flags into attributes.
func parseAttributes(flags []string) (map[string]string, error) {
	attrs := make(map[string]string, len(flags))
	for _, kv := range flags {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("--attr %q: want NAME=VALUE", kv)
		}
		attrs[strings.TrimSpace(name)] = value
	}
	return attrs, nil
}
