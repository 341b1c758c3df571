package main

import (
	"context"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/cognitokit/cognito"
)

func newPingCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ping",
		Short: "Check the configuration: describe the user pool (needs AWS credentials)",
		Long: `Check the configuration by describing the user pool (DescribeUserPool).
Unlike the other commands it is an administrative call and needs AWS
credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE) and
the user pool ID. Against a local Cognito any credentials do.`,
		Args: noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		if cfg, _ := a.config(); cfg.UserPoolID == "" {
			return failf("ping needs the user pool ID: set COGNITO_USER_POOL_ID or pass --user-pool-id")
		}
		p, err := c.TestConnection(ctx)
		if err != nil {
			return err
		}
		pool := p.UserPoolID
		if p.UserPoolName != "" {
			pool += " (" + p.UserPoolName + ")"
		}
		return a.emit(a.tr("Connected to user pool %s in %s; about %d users.", pool, p.Region, p.EstimatedUsers), p)
	})
	return cmd
}

func newVersionCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of this tool",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			v := moduleVersion()
			return a.emit("cognito "+v, map[string]string{"version": v})
		},
	}
}

// moduleVersion is the main module's version as the build recorded it
// (go install ...@v1.2.3), or "devel" for a build from a checkout.
func moduleVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "devel"
}
