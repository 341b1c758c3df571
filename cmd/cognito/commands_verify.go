package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/jwtverify"
)

func newVerifyCommand(a *app) *cobra.Command {
	var (
		fromSession, idToken bool
		tokenUse             string
	)
	cmd := &cobra.Command{
		Use:   "verify [--from-session [--id-token]] [--token-use access|id|any]",
		Short: "Verify a token locally, as an API would, and print its claims",
		Long: `Verify a token the way an API does with jwtverify: locally, against the user
pool's signing keys (<issuer>/.well-known/jwks.json), checking the signature,
the issuer, the app client, the token use and the expiry. No call is made to
Cognito itself, so a token signed out with logout --global still verifies
until it expires.

The token is read from stdin's first line (at a no-echo prompt on a
terminal), or with --from-session taken from the session file: its access
token, or its ID token with --id-token (not refreshed first: an expired
token is reported as expired). The issuer is AWS's, or for a local
Cognito (an endpoint is set) the one its discovery document names —
<endpoint>/<poolId>, or AWS's with "cognito local --issuer aws" — with the
keys it names; the app client is the configured one.

It prints the claims (--json: every claim, as the token has them), or one
line on stderr saying why the token is refused, and exits with status 1.
The token itself is never printed.`,
		Args: noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		cfg, err := a.config()
		if err != nil {
			return err
		}
		if cfg.UserPoolID == "" {
			return failf("verify needs the user pool ID: set COGNITO_USER_POOL_ID or pass --user-pool-id")
		}
		if idToken && !fromSession {
			return failf("--id-token picks the session's ID token: use it with --from-session")
		}
		if idToken && !cmd.Flags().Changed("token-use") {
			tokenUse = jwtverify.IDToken
		}
		switch tokenUse {
		case jwtverify.AccessToken, jwtverify.IDToken, jwtverify.AnyToken:
		default:
			return failf("--token-use must be access, id or any")
		}
		raw, err := a.tokenToVerify(ctx, c, fromSession, idToken)
		if err != nil {
			return err
		}
		v, err := jwtverify.New(c.VerifierConfig(ctx, tokenUse))
		if err != nil {
			return err
		}
		claims, err := v.Verify(ctx, raw)
		switch {
		case errors.Is(err, jwtverify.ErrJWKSUnavailable):
			return failf("cannot check the token: %w", err)
		case err != nil:
			return failf("the token is not valid: %w", err)
		}
		all, err := claims.Raw()
		if err != nil {
			return err
		}
		return a.emit(a.describeClaims(claims, time.Now()), all)
	})
	f := cmd.Flags()
	f.BoolVar(&fromSession, "from-session", false, "verify the session file's access token instead of reading a token from stdin")
	f.BoolVar(&idToken, "id-token", false, "with --from-session, verify the session's ID token (implies --token-use id)")
	f.StringVar(&tokenUse, "token-use", jwtverify.AccessToken, "the kind of token to accept: access, id or any")
	return cmd
}

// tokenToVerify is the session's access or ID token, or the first line of
// stdin — typed at a no-echo prompt when stdin is a terminal.
func (a *app) tokenToVerify(ctx context.Context, c *cognito.Client, fromSession, idToken bool) (string, error) {
	if !fromSession {
		_, terminal := terminalFD(a.stdin)
		raw, err := a.readPassword(ctx, !terminal, "", "token")
		return strings.TrimSpace(raw), err
	}
	_, t, err := a.session(c)
	if err != nil {
		return "", err
	}
	if idToken {
		if t.IDToken == "" {
			return "", failf("the session has no ID token: run cognito login")
		}
		return t.IDToken, nil
	}
	return t.AccessToken, nil
}

// describeClaims is a verified token for people: what it says about the
// user and how long it is good for, one claim a line.
func (a *app) describeClaims(c *jwtverify.Claims, now time.Time) string {
	kind, client := phrase("access"), c.ClientID
	if c.TokenUse == jwtverify.IDToken {
		kind, client = phrase("ID"), strings.Join(c.Audience, ", ")
	}
	rows := []struct{ name, value string }{
		{"sub", c.Subject},
		{"username", c.Username()},
		{"email", c.Email},
		{"token_use", c.TokenUse},
		{"client", client},
		{"groups", strings.Join(c.Groups, ", ")},
		{"scopes", strings.Join(c.Scopes(), ", ")},
		{"expires", a.tr("%s (in %s)", c.ExpiresAt.UTC().Format(time.RFC3339), c.ExpiresAt.Sub(now).Truncate(time.Second))},
	}
	lines := []string{a.tr("Valid %s token.", kind)}
	for _, r := range rows {
		if r.value == "" {
			r.value = "-"
		}
		lines = append(lines, fmt.Sprintf("  %-9s  %s", r.name, r.value))
	}
	return strings.Join(lines, "\n")
}
