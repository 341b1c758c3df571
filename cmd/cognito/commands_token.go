package main

import (
	"context"
	"errors"

	"github.com/spf13/cobra"
	"golang.org/x/oauth2"

	"github.com/cognitokit/cognito"
)

// cognito token --client-credentials: a machine-to-machine access token
// from the pool's token endpoint (the OAuth 2.0 client-credentials grant).

// machineToken is what `cognito token --json` prints.
type machineToken struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

func newTokenCommand(a *app) *cobra.Command {
	var clientCredentials bool
	var scopes []string
	cmd := &cobra.Command{
		Use:   "token --client-credentials [--scope RESOURCE/SCOPE]...",
		Short: "Print a machine-to-machine access token (client-credentials grant)",
		Long: `Print an access token of the OAuth 2.0 client-credentials grant, for a service
calling another: the app client authenticates with its secret (from
COGNITO_CLIENT_SECRET or --client-secret-file, never a flag value) at the pool's
token endpoint, found in the pool's discovery document. --scope asks for custom
scopes (repeat it); none asks for all the client's. The token alone goes to
stdout, so that it can be captured: TOKEN=$(cognito token --client-credentials).`,
		Args: noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		if !clientCredentials {
			return failf("say which grant: --client-credentials")
		}
		cfg, err := c.ClientCredentials(ctx, scopes...)
		if err != nil {
			return err
		}
		t, err := cfg.Token(ctx)
		var refused *oauth2.RetrieveError
		if errors.As(err, &refused) {
			return failf("the token endpoint refused: %s", refused.ErrorCode)
		}
		if err != nil {
			return failf("getting the token: %w", err)
		}
		return a.emit(t.AccessToken, machineToken{AccessToken: t.AccessToken, TokenType: t.TokenType, ExpiresIn: t.ExpiresIn})
	})
	f := cmd.Flags()
	f.BoolVar(&clientCredentials, "client-credentials", false, "the client-credentials grant: a token for the app client itself")
	f.StringArrayVar(&scopes, "scope", nil, "a custom scope to ask for, RESOURCE/SCOPE (repeatable)")
	return cmd
}
