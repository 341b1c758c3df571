package cognito

import (
	"context"
	"os"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// Package-level functions: one call each, for programs that make a few
// calls and do not want to keep a Client. They share one SDK client per
// (region, endpoint, AWSConfig), so a loop of them reuses connections like
// a Client does. Error messages follow COGNITO_LANG.

// sharedKey identifies an SDK client the package-level functions share.
type sharedKey struct {
	region, endpoint string
	awsConfig        *aws.Config
}

type sharedSDK struct {
	sdk       *cip.Client
	awsConfig aws.Config
}

var shared = struct {
	sync.Mutex
	clients map[sharedKey]*sharedSDK
}{clients: make(map[sharedKey]*sharedSDK)}

// clientFor returns a Client for cfg on a shared SDK client.
func clientFor(ctx context.Context, cfg Config) (*Client, error) {
	lang := normalizeLanguage(os.Getenv("COGNITO_LANG"))
	key := sharedKey{region: cfg.region(), endpoint: cfg.Endpoint, awsConfig: cfg.AWSConfig}
	shared.Lock()
	s, ok := shared.clients[key]
	if !ok {
		awsCfg, _, err := loadAWSConfig(ctx, cfg)
		if err != nil {
			shared.Unlock()
			return nil, newError("New", lang, err)
		}
		s = &sharedSDK{sdk: newSDKClient(awsCfg, cfg.Endpoint), awsConfig: awsCfg}
		shared.clients[key] = s
	}
	shared.Unlock()
	return &Client{cfg: cfg, lang: lang, sdk: s.sdk, awsConfig: s.awsConfig}, nil
}

// RegisterUser is Client.Register for one call.
func RegisterUser(ctx context.Context, cfg Config, email, password string, attrs map[string]string) (*SignUpResult, error) {
	c, err := clientFor(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return c.Register(ctx, email, password, attrs)
}

// ConfirmUser is Client.Confirm for one call.
func ConfirmUser(ctx context.Context, cfg Config, email, code string) error {
	c, err := clientFor(ctx, cfg)
	if err != nil {
		return err
	}
	return c.Confirm(ctx, email, code)
}

// ResendCode is Client.ResendCode for one call.
func ResendCode(ctx context.Context, cfg Config, email string) (*CodeDelivery, error) {
	c, err := clientFor(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return c.ResendCode(ctx, email)
}

// AuthenticateUser is Client.Authenticate for one call.
func AuthenticateUser(ctx context.Context, cfg Config, email, password string) (*Tokens, error) {
	c, err := clientFor(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return c.Authenticate(ctx, email, password)
}

// Refresh is Client.Refresh for one call.
func Refresh(ctx context.Context, cfg Config, refreshToken, username string) (*Tokens, error) {
	c, err := clientFor(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return c.Refresh(ctx, refreshToken, username)
}

// RefreshTokens is Client.RefreshTokens for one call.
func RefreshTokens(ctx context.Context, cfg Config, t *Tokens) (*Tokens, error) {
	c, err := clientFor(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return c.RefreshTokens(ctx, t)
}

// ForgotPassword is Client.ForgotPassword for one call.
func ForgotPassword(ctx context.Context, cfg Config, email string) (*CodeDelivery, error) {
	c, err := clientFor(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return c.ForgotPassword(ctx, email)
}

// ConfirmForgotPassword is Client.ConfirmForgotPassword for one call.
func ConfirmForgotPassword(ctx context.Context, cfg Config, email, code, newPassword string) error {
	c, err := clientFor(ctx, cfg)
	if err != nil {
		return err
	}
	return c.ConfirmForgotPassword(ctx, email, code, newPassword)
}

// GetUser is Client.GetUser for one call.
func GetUser(ctx context.Context, cfg Config, accessToken string) (*User, error) {
	c, err := clientFor(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return c.GetUser(ctx, accessToken)
}

// UpdateUserAttributes is Client.UpdateUserAttributes for one call.
func UpdateUserAttributes(ctx context.Context, cfg Config, accessToken string, attrs map[string]string) ([]CodeDelivery, error) {
	c, err := clientFor(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return c.UpdateUserAttributes(ctx, accessToken, attrs)
}

// DeleteUser is Client.DeleteUser for one call.
func DeleteUser(ctx context.Context, cfg Config, accessToken string) error {
	c, err := clientFor(ctx, cfg)
	if err != nil {
		return err
	}
	return c.DeleteUser(ctx, accessToken)
}

// ChangePassword is Client.ChangePassword for one call.
func ChangePassword(ctx context.Context, cfg Config, accessToken, oldPassword, newPassword string) error {
	c, err := clientFor(ctx, cfg)
	if err != nil {
		return err
	}
	return c.ChangePassword(ctx, accessToken, oldPassword, newPassword)
}

// SignOut is Client.SignOut for one call.
func SignOut(ctx context.Context, cfg Config, accessToken string) error {
	c, err := clientFor(ctx, cfg)
	if err != nil {
		return err
	}
	return c.SignOut(ctx, accessToken)
}

// TestConnection is Client.TestConnection for one call.
func TestConnection(ctx context.Context, cfg Config) (*PoolInfo, error) {
	c, err := clientFor(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return c.TestConnection(ctx)
}
