package main

import (
	"context"
	"strings"

	"github.com/mdp/qrterminal/v3"
	"github.com/spf13/cobra"

	"github.com/cognitokit/cognito"
)

// cognito mfa: the signed-in user's MFA — an authenticator app, which
// methods are on, which is preferred.

func newMFACommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mfa",
		Short: "Set up and choose the signed-in user's MFA (authenticator app, SMS, email)",
		Args:  noArgs,
	}
	cmd.AddCommand(newMFASetUpTOTPCommand(a), newMFASetCommand(a), newMFAStatusCommand(a))
	return cmd
}

// mfaStatus is the user's MFA settings, as `cognito mfa status --json`
// prints them.
type mfaStatus struct {
	Enabled   []string `json:"enabled"`
	Preferred string   `json:"preferred,omitempty"`
}

// mfaMethods maps the CLI's names of the methods to the library's.
var mfaMethods = map[string]cognito.MFAMethod{"totp": cognito.MFATOTP, "sms": cognito.MFASMS, "email": cognito.MFAEmail}

// methodName is the CLI's name of a method Cognito names.
func methodName(m string) string {
	for name, method := range mfaMethods {
		if string(method) == m {
			return name
		}
	}
	return m
}

func newMFASetUpTOTPCommand(a *app) *cobra.Command {
	var (
		issuer, deviceName string
		codeStdin          bool
	)
	cmd := &cobra.Command{
		Use:   "setup-totp",
		Short: "Add an authenticator app: show its key, then verify a code it shows",
		Long: `Add an authenticator app (TOTP) as an MFA method: Cognito draws a key, shown on
stderr as text, as an otpauth:// URI and, on a terminal, as a QR code to scan.
Then the code the app shows is asked for (or read from stdin's first line
with --code-stdin); once Cognito accepts it, the app is the preferred MFA
method.`,
		Args: noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		_, err := a.withSession(ctx, c, func(accessToken string) error {
			secret, err := c.SetUpTOTP(ctx, accessToken, issuer)
			if err != nil {
				return err
			}
			a.say("Add this key to your authenticator app:\n  %s\nor open:\n  %s\n", secret.Secret, secret.URI)
			if _, isTerminal := terminalFD(a.stdin); isTerminal && !codeStdin {
				qrterminal.GenerateHalfBlock(secret.URI, qrterminal.L, a.stderr)
			}
			code, err := a.readAnswerWith(ctx, codeStdin, "--code-stdin", "code from your authenticator app")
			if err != nil {
				return err
			}
			if err := c.VerifyTOTP(ctx, accessToken, code, deviceName); err != nil {
				return err
			}
			return c.SetMFAPreference(ctx, accessToken, cognito.MFATOTP, true, true)
		})
		if err != nil {
			return err
		}
		return a.emit(a.tr("The authenticator app is set up and is the preferred MFA method."), mfaStatus{Enabled: []string{"totp"}, Preferred: "totp"})
	})
	f := cmd.Flags()
	f.StringVar(&issuer, "issuer", "Cognito", "the service name the authenticator app shows")
	f.StringVar(&deviceName, "device-name", "", "a name for the authenticator app")
	f.BoolVar(&codeStdin, "code-stdin", false, "read the app's code from stdin's first line")
	return cmd
}

func newMFASetCommand(a *app) *cobra.Command {
	var method string
	var disable, preferred bool
	cmd := &cobra.Command{
		Use:   "set --method totp|sms|email [--preferred | --disable]",
		Short: "Turn an MFA method on (optionally preferred) or off",
		Args:  noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		m, ok := mfaMethods[method]
		if !ok {
			return failf("--method must be totp, sms or email, not %q", method)
		}
		if disable && preferred {
			return failf("--disable and --preferred do not go together")
		}
		_, err := a.withSession(ctx, c, func(accessToken string) error {
			return c.SetMFAPreference(ctx, accessToken, m, !disable, preferred)
		})
		if err != nil {
			return err
		}
		human := a.tr("MFA by %s is on.", method)
		switch {
		case disable:
			human = a.tr("MFA by %s is off.", method)
		case preferred:
			human = a.tr("MFA by %s is on and preferred.", method)
		}
		return a.emit(human, map[string]any{"method": method, "enabled": !disable, "preferred": preferred})
	})
	f := cmd.Flags()
	f.StringVar(&method, "method", "", "the MFA method: totp, sms or email")
	f.BoolVar(&preferred, "preferred", false, "make it the method Cognito asks for")
	f.BoolVar(&disable, "disable", false, "turn it off")
	cmd.MarkFlagRequired("method")
	return cmd
}

func newMFAStatusCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show which MFA methods are on and which is preferred",
		Args:  noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		u, err := a.signedInUser(ctx, c)
		if err != nil {
			return err
		}
		st := mfaStatus{Enabled: []string{}, Preferred: methodName(u.PreferredMFA)}
		for _, m := range u.UserMFASettings {
			st.Enabled = append(st.Enabled, methodName(m))
		}
		human := a.tr("No MFA method is on.")
		switch {
		case len(st.Enabled) > 0 && st.Preferred != "":
			human = a.tr("MFA on: %s; preferred: %s.", strings.Join(st.Enabled, ", "), st.Preferred)
		case len(st.Enabled) > 0:
			human = a.tr("MFA on: %s.", strings.Join(st.Enabled, ", "))
		}
		return a.emit(human, st)
	})
	return cmd
}
