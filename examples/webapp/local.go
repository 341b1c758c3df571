package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
)

// The user the local Cognito started in-process has, to sign in as. It
// lives in memory only, for as long as the app runs.
const (
	demoEmail    = "ana@example.com"
	demoPassword = "Sup3r-secret!"
	demoName     = "Ana"
)

// localCognito is the local Cognito the app starts when it is given no
// pool: in memory, on a loopback port.
type localCognito struct {
	*cognitotest.Server
}

// startLocal starts a local Cognito with a user pool whose users sign in
// with their email, an app client, and the demo user, signed up and
// confirmed.
func startLocal(ctx context.Context) (*localCognito, error) {
	srv, err := cognitotest.Start(cognitotest.WithEmailAsUsername())
	if err != nil {
		return nil, err
	}
	l := &localCognito{srv}
	if err := l.addDemoUser(ctx); err != nil {
		srv.Close()
		return nil, err
	}
	return l, nil
}

// config is the library's configuration for the local Cognito's pool and
// app client.
func (l *localCognito) config() cognito.Config {
	awsCfg := l.AWSConfig() // the developer's AWS configuration plays no part
	return cognito.Config{
		UserPoolID: l.UserPoolID, ClientID: l.ClientID, ClientSecret: l.ClientSecret, Region: l.Region, Endpoint: l.Endpoint,
		AWSConfig: &awsCfg,
	}
}

func (l *localCognito) addDemoUser(ctx context.Context) error {
	c, err := cognito.New(ctx, l.config())
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.Register(ctx, demoEmail, demoPassword, map[string]string{"name": demoName}); err != nil {
		return fmt.Errorf("signing up the demo user: %w", err)
	}
	if err := c.Confirm(ctx, demoEmail, l.LastCode(demoEmail)); err != nil {
		return fmt.Errorf("confirming the demo user: %w", err)
	}
	return nil
}

// configureClient lets the app client clientID of poolID sign users in with
// the authorization-code flow, coming back to callbackURL and, after
// sign-out, to signedOutURL, with the app's scopes, through Cognito's own
// sign-in (COGNITO). Every other setting is kept: UpdateUserPoolClient
// resets whatever it is not given, so the client's are read first.
func configureClient(ctx context.Context, admin *cip.Client, poolID, clientID, callbackURL, signedOutURL string) error {
	out, err := admin.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{
		UserPoolId: aws.String(poolID), ClientId: aws.String(clientID),
	})
	if err != nil {
		return err
	}
	c := out.UserPoolClient
	_, err = admin.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{
		UserPoolId: aws.String(poolID), ClientId: aws.String(clientID),
		ClientName:                               c.ClientName,
		ExplicitAuthFlows:                        c.ExplicitAuthFlows,
		AccessTokenValidity:                      c.AccessTokenValidity,
		IdTokenValidity:                          c.IdTokenValidity,
		RefreshTokenValidity:                     c.RefreshTokenValidity,
		TokenValidityUnits:                       c.TokenValidityUnits,
		AuthSessionValidity:                      c.AuthSessionValidity,
		ReadAttributes:                           c.ReadAttributes,
		WriteAttributes:                          c.WriteAttributes,
		PreventUserExistenceErrors:               c.PreventUserExistenceErrors,
		EnableTokenRevocation:                    c.EnableTokenRevocation,
		EnablePropagateAdditionalUserContextData: c.EnablePropagateAdditionalUserContextData,
		RefreshTokenRotation:                     c.RefreshTokenRotation,
		AnalyticsConfiguration:                   c.AnalyticsConfiguration,
		DefaultRedirectURI:                       c.DefaultRedirectURI,
		AllowedOAuthFlowsUserPoolClient:          true,
		AllowedOAuthFlows:                        with(c.AllowedOAuthFlows, types.OAuthFlowTypeCode),
		AllowedOAuthScopes:                       with(c.AllowedOAuthScopes, scopes...),
		CallbackURLs:                             with(c.CallbackURLs, callbackURL),
		LogoutURLs:                               with(c.LogoutURLs, signedOutURL),
		SupportedIdentityProviders:               with(c.SupportedIdentityProviders, "COGNITO"),
	})
	return err
}

// with returns list with the values it lacks added.
func with[T comparable](list []T, values ...T) []T {
	for _, v := range values {
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}
