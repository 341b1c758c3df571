package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cognitokit/cognito"
)

// The commands of a signed-in user: login starts the session, the others
// act through it (withSession keeps its tokens fresh), logout ends it.

func newLoginCommand(a *app) *cobra.Command {
	var (
		email                                                                 string
		passwordStdin, printTokens, srp, rememberDevice, passwordless, custom bool
	)
	cmd := &cobra.Command{
		Use:   "login --email EMAIL",
		Short: "Sign in and keep the tokens in the session file",
		Long: `Sign in and keep the tokens in the session file (mode 0600). The password is
asked for at a no-echo prompt, or read from stdin's first line with
--password-stdin. It is sent with USER_PASSWORD_AUTH, or proved without being
sent with --srp (USER_SRP_AUTH).

When Cognito asks for more — a new password for a user an administrator
created, an MFA code, a choice of MFA method, setting up an authenticator
app — each step is asked for in turn: at prompts on the terminal (a new
password without echo, twice), or, with --password-stdin, from the next
lines of stdin. Tokens are not printed unless --print-tokens is given: then
stdout gets them as JSON, and nothing else.

With --remember-device, the device a sign-in offers (in a pool that tracks
devices) is remembered: its keys and secret are kept in devices.json next to
the session file (mode 0600), and later logins of the user sign in as that
device, which may spare them MFA.

With --passwordless no password is asked for: Cognito emails a one-time code
(the pool must allow EMAIL_OTP sign-in and the app client USER_AUTH), asked
for at a prompt or read from stdin's first line with --password-stdin.

With --custom the sign-in is the pool's custom authentication (CUSTOM_AUTH;
the app client must allow ALLOW_CUSTOM_AUTH): no password is asked for, or,
with --srp too, the password is proved first with SRP. For each challenge of
the pool's functions, its public parameters are printed to stderr, one per
line, and the answer is asked for at a no-echo prompt or read from stdin's
next line with --password-stdin.`,
		Args: noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		path, err := a.sessionPath()
		if err != nil {
			return err
		}
		var password string
		if !passwordless && (!custom || srp) {
			if password, err = a.readPassword(ctx, passwordStdin, "--password-stdin", "password"); err != nil {
				return err
			}
		}
		var opts []cognito.SignInOption
		if srp {
			opts = append(opts, cognito.WithSRP())
		}
		if custom && srp {
			opts = append(opts, cognito.WithPassword(password))
		}
		devicesFile, err := a.devicesPath()
		if err != nil {
			return err
		}
		devices, err := loadDevices(devicesFile)
		if err != nil {
			return err
		}
		cfg, err := a.config()
		if err != nil {
			return err
		}
		deviceKey := deviceFileKey(cfg.ClientID, email)
		if d := devices[deviceKey]; d != nil {
			opts = append(opts, cognito.WithDevice(d))
		}
		signIn := func(opts ...cognito.SignInOption) (*cognito.SignIn, error) {
			switch {
			case custom:
				return c.SignInCustom(ctx, email, opts...)
			case passwordless:
				return c.SignInWithCode(ctx, email, cognito.StepEmailCode, opts...)
			}
			return c.SignIn(ctx, email, password, opts...)
		}
		s, err := signIn(opts...)
		if errors.Is(err, cognito.ErrDeviceNotRemembered) {
			// Forgotten elsewhere: sign in without it, and drop it.
			delete(devices, deviceKey)
			if err := saveDevices(devicesFile, devices); err != nil {
				return err
			}
			s, err = signIn(opts[:len(opts)-1]...)
		}
		for err == nil && s.Tokens == nil {
			var answer string
			if answer, err = a.answerStep(ctx, s.Step, passwordStdin); err != nil {
				return err
			}
			s, err = c.Answer(ctx, s, answer)
		}
		if err != nil {
			return err
		}
		t := s.Tokens
		if rememberDevice && t.NewDevice != nil {
			d, err := c.RememberDevice(ctx, t, "cognito CLI")
			if err != nil {
				return err
			}
			devices[deviceKey] = d
			if err := saveDevices(devicesFile, devices); err != nil {
				return err
			}
		}
		if err := saveSession(path, owner(c, cfg, t), t); err != nil {
			return err
		}
		if printTokens {
			a.json = true
			return a.emit("", t)
		}
		return a.emit(a.tr("Signed in as %s; the access token is valid for %s. Session saved in %s", email, validFor(t), path),
			sessionStatus{SignedIn: true, ExpiresIn: t.ExpiresIn, SessionFile: path})
	})
	f := cmd.Flags()
	emailFlag(cmd, &email)
	f.BoolVar(&passwordStdin, "password-stdin", false, "read the password, and the answers to any further step, from stdin's lines")
	f.BoolVar(&printTokens, "print-tokens", false, "print the tokens (cognito.Tokens JSON) to stdout")
	f.BoolVar(&srp, "srp", false, "prove the password with SRP (USER_SRP_AUTH) instead of sending it")
	f.BoolVar(&rememberDevice, "remember-device", false, "remember this device (when the pool tracks devices) and sign in as it next time")
	f.BoolVar(&passwordless, "passwordless", false, "sign in with a one-time code Cognito emails, without a password")
	f.BoolVar(&custom, "custom", false, "sign in with the pool's custom authentication (CUSTOM_AUTH); with --srp, the password first")
	cmd.MarkFlagsMutuallyExclusive("custom", "passwordless")
	return cmd
}

// answerStep asks the user for the answer to a step of a sign-in: at
// prompts, or from stdin's next line when fromStdin.
func (a *app) answerStep(ctx context.Context, step *cognito.Step, fromStdin bool) (string, error) {
	switch step.Kind {
	case cognito.StepNewPassword:
		if !fromStdin {
			a.say("Cognito asks for a new password.\n")
		}
		return a.readNewPassword(ctx, fromStdin, "--password-stdin", "new password")
	case cognito.StepTOTPCode:
		return a.readAnswer(ctx, fromStdin, "code from your authenticator app")
	case cognito.StepSMSCode, cognito.StepEmailCode, cognito.StepSMSOTP:
		question := phrase("code Cognito sent")
		if d := step.CodeDelivery; d != nil && d.Destination != "" {
			question = phrase(a.tr("code Cognito sent to %s", d.Destination))
		}
		return a.readAnswer(ctx, fromStdin, question)
	case cognito.StepSelectMFA, cognito.StepSelectFactor:
		return a.readChoice(ctx, fromStdin, phrase(a.tr("choose one of %s", strings.Join(step.Options, ", "))), step.Options)
	case cognito.StepSetUpTOTP:
		a.say("MFA is required. Add this key to your authenticator app:\n  %s\nor open: %s\n", step.TOTP.Secret, step.TOTP.URI)
		return a.readAnswer(ctx, fromStdin, "code from your authenticator app")
	case cognito.StepCustomChallenge:
		// The function's public parameters (Cognito adds USERNAME), then
		// the answer: a secret, never echoed.
		a.say("The user pool's challenge:\n")
		for _, name := range slices.Sorted(maps.Keys(step.Parameters)) {
			if name != "USERNAME" {
				fmt.Fprintf(a.stderr, "  %s: %s\n", name, step.Parameters[name])
			}
		}
		return a.readPassword(ctx, fromStdin, "--password-stdin", "answer to the challenge")
	}
	return "", failf("this tool cannot answer the %s step Cognito asks for", step.Kind)
}
func newRefreshCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "refresh",
		Short: "Get new access and ID tokens with the session's refresh token",
		Args:  noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		fs, err := a.openSession(c)
		if err != nil {
			return err
		}
		t, err := fs.refresh(ctx)
		if err != nil {
			return err
		}
		return a.emit(a.tr("Session refreshed; the access token is valid for %s.", validFor(t)),
			sessionStatus{SignedIn: true, ExpiresIn: t.ExpiresIn, SessionFile: fs.path})
	})
	return cmd
}

func newWhoamiCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "whoami",
		Short: "Show the signed-in user's profile",
		Args:  noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		u, err := a.signedInUser(ctx, c)
		if err != nil {
			return err
		}
		return a.emit(describeUser(u), u)
	})
	return cmd
}

// describeUser is a user's profile for people: the username, then one
// attribute a line.
func describeUser(u *cognito.User) string {
	names := slices.Sorted(maps.Keys(u.Attributes))
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	lines := []string{u.Username}
	for _, n := range names {
		lines = append(lines, fmt.Sprintf("  %-*s  %s", width, n, u.Attributes[n]))
	}
	return strings.Join(lines, "\n")
}

func newUpdateAttributesCommand(a *app) *cobra.Command {
	var attrs []string
	cmd := &cobra.Command{
		Use:   "update-attributes --attr NAME=VALUE...",
		Short: "Change the signed-in user's attributes",
		Args:  noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		attributes, err := parseAttributes(attrs)
		if err != nil {
			return err
		}
		var pending []cognito.CodeDelivery
		_, err = a.withSession(ctx, c, func(accessToken string) (err error) {
			pending, err = c.UpdateUserAttributes(ctx, accessToken, attributes)
			return err
		})
		if err != nil {
			return err
		}
		names := slices.Sorted(maps.Keys(attributes))
		lines := []string{a.tr("Updated %s.", strings.Join(names, ", "))}
		for _, d := range pending {
			lines = append(lines, a.tr("A code to verify %s was sent%s. Run: cognito verify-attribute --attribute %s", d.Attribute, a.to(d.Destination), d.Attribute))
		}
		if pending == nil {
			pending = []cognito.CodeDelivery{}
		}
		return a.emit(strings.Join(lines, "\n"), map[string]any{"updated": names, "code_deliveries": pending})
	})
	cmd.Flags().StringArrayVar(&attrs, "attr", nil, "an attribute to set, NAME=VALUE (repeatable)")
	_ = cmd.MarkFlagRequired("attr")
	return cmd
}

func newChangePasswordCommand(a *app) *cobra.Command {
	var passwordStdin bool
	cmd := &cobra.Command{
		Use:   "change-password",
		Short: "Change the signed-in user's password",
		Long: `Change the signed-in user's password. The current and the new password are
asked for at no-echo prompts, or read from stdin with --password-stdin: the
current one on the first line, the new one on the second.`,
		Args: noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		if _, _, err := a.session(c); err != nil {
			return err // before asking for passwords that could not be used
		}
		old, err := a.readPassword(ctx, passwordStdin, "--password-stdin", "current password")
		if err != nil {
			return err
		}
		proposed, err := a.readNewPassword(ctx, passwordStdin, "--password-stdin", "new password")
		if err != nil {
			return err
		}
		_, err = a.withSession(ctx, c, func(accessToken string) error {
			return c.ChangePassword(ctx, accessToken, old, proposed)
		})
		if err != nil {
			return err
		}
		return a.emit(a.tr("Password changed."), map[string]any{"password_changed": true})
	})
	cmd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the current and the new password from stdin's first two lines")
	return cmd
}

func newDeleteUserCommand(a *app) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete-user [--yes]",
		Short: "Delete the signed-in user's account",
		Long: `Delete the signed-in user's account, then the session file. It asks for
confirmation on the terminal; --yes confirms in advance (needed when stdin is
not a terminal).`,
		Args: noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		_, f, err := a.session(c)
		if err != nil {
			return err
		}
		who := cognito.UsernameFromTokens(&f.Tokens)
		if !yes {
			ok, err := a.confirm(ctx, a.tr("Delete the account of %s? This cannot be undone.", who), "--yes")
			if err != nil {
				return err
			}
			if !ok {
				return failf("not deleted: the deletion was not confirmed")
			}
		}
		path, err := a.withSession(ctx, c, func(accessToken string) error {
			return c.DeleteUser(ctx, accessToken)
		})
		if err != nil {
			return err
		}
		if _, err := removeSession(path); err != nil {
			return err
		}
		return a.emit(a.tr("Deleted the account of %s and the session.", who), map[string]any{"deleted": true, "username": who})
	})
	cmd.Flags().BoolVar(&yes, "yes", false, "delete without asking")
	return cmd
}

func newLogoutCommand(a *app) *cobra.Command {
	var global bool
	cmd := &cobra.Command{
		Use:   "logout [--global]",
		Short: "Sign out: revoke the session's refresh token and forget the session",
		Long: `Sign out: revoke the session's refresh token (RevokeToken), then remove the
session file. The refresh token can no longer get new tokens, and Cognito
refuses the access tokens issued from it. With --global, sign the user out
everywhere instead (GlobalSignOut): every refresh token of the user, on every
device, is revoked.

What stays valid: an access or ID token already issued is a signed token, and
an API that verifies tokens locally (as cognito verify and jwtverify do)
accepts it until it expires; logout says when that is. If the revocation
fails, the session is kept, to try again.`,
		Args: noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		path, f, err := a.session(c)
		if errors.Is(err, errNotSignedIn) && !global {
			return a.emit(a.tr("Not signed in; nothing to forget."), map[string]any{"signed_out": false, "global": global})
		}
		if err != nil {
			return err
		}
		if global {
			_, err = a.withSession(ctx, c, func(accessToken string) error { return c.SignOut(ctx, accessToken) })
			if refreshed, rerr := loadSession(path); err == nil && rerr == nil {
				f = refreshed // tokens refreshed first expire later
			}
		} else {
			err = c.RevokeToken(ctx, f.RefreshToken)
		}
		if err != nil {
			return failf("%w Not signed out: the session in %s was kept, to try again; cognito logout --global signs out everywhere.", err, path)
		}
		if _, err := removeSession(path); err != nil {
			return err
		}
		human := a.tr("Signed out: the session's refresh token was revoked and the session removed.")
		if global {
			human = a.tr("Signed out everywhere: every refresh token of the user was revoked, and the session removed.")
		}
		if left := time.Until(f.Expiry).Truncate(time.Second); left > 0 {
			human += " " + a.tr("The access and ID tokens already issued stay valid until %s (%s from now) for APIs that verify them locally; Cognito itself refuses them.",
				f.Expiry.Local().Format("15:04:05"), left)
		} else {
			human += " " + a.tr("The access and ID tokens already issued have expired.")
		}
		return a.emit(human, map[string]any{"signed_out": true, "global": global, "tokens_valid_until": f.Expiry.UTC().Format(time.RFC3339)})
	})
	cmd.Flags().BoolVar(&global, "global", false, "sign out everywhere (GlobalSignOut): every refresh token of the user")
	return cmd
}

func newVerifyAttributeCommand(a *app) *cobra.Command {
	var (
		attribute         string
		resend, codeStdin bool
	)
	cmd := &cobra.Command{
		Use:   "verify-attribute [--attribute email|phone_number] [--resend]",
		Short: "Verify the signed-in user's changed email or phone number with its code",
		Long: `Verify an attribute of the signed-in user — the email (the default) or the phone
number, after update-attributes changed it — with the code Cognito sent to it
(VerifyUserAttribute). The code is asked for at a prompt (again if Cognito
says it is wrong), or read from stdin's first line with --code-stdin. With
--resend, Cognito first sends a new code (GetUserAttributeVerificationCode):
for a code that was lost or has expired.`,
		Args: noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		_, err := a.withSession(ctx, c, func(accessToken string) error {
			if resend {
				d, err := c.SendAttributeCode(ctx, accessToken, attribute)
				if err != nil {
					return err
				}
				a.say("A new code to verify %s was sent%s.\n", attribute, a.to(d.Destination))
			}
			return a.withCode(ctx, "", codeStdin, "--code-stdin", phrase(a.tr("code sent to verify %s", attribute)), func(code string) error {
				return c.VerifyUserAttribute(ctx, accessToken, attribute, code)
			})
		})
		if err != nil {
			return err
		}
		return a.emit(a.tr("Verified %s.", attribute), map[string]any{"verified": attribute})
	})
	f := cmd.Flags()
	f.StringVar(&attribute, "attribute", "email", "the attribute to verify: email or phone_number")
	f.BoolVar(&resend, "resend", false, "have Cognito send a new code first")
	f.BoolVar(&codeStdin, "code-stdin", false, "read the code from stdin's first line")
	return cmd
}

// validFor is how long the access token of t is valid for, e.g. "1h0m0s":
// as Cognito said, or from its expiry when the server did not say.
func validFor(t *cognito.Tokens) string {
	if t.ExpiresIn > 0 {
		return lifetime(t.ExpiresIn)
	}
	return time.Until(t.Expiry).Truncate(time.Second).String()
}
