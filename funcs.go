package cognito

import (
	"context"
	"net/http"
	"os"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// Package-level functions: one call each, for programs that make a few
// calls and do not want to keep a Client. They share SDK clients, one per
// destination (see sharedKey), so a loop of them reuses connections like a
// Client does. Error messages follow COGNITO_LANG.

// sharedKey is everything that decides where the calls of a shared SDK
// client go: the region, Config.Endpoint, the caller's AWSConfig, and —
// read by the SDK when it loads its configuration, so a program that
// changes them (a test starting a second local Cognito) gets a new client
// — the endpoint variables of the environment and the shared config
// profile, which can name an endpoint too.
type sharedKey struct {
	region, endpoint string
	awsConfig        *aws.Config
	env              [len(endpointVariables)]string
}

// endpointVariables are the environment variables that can change the
// endpoint the SDK's default configuration calls.
var endpointVariables = [...]string{
	"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE",
}

func keyOf(cfg Config) sharedKey {
	k := sharedKey{region: cfg.region(), endpoint: cfg.Endpoint, awsConfig: cfg.AWSConfig}
	for i, name := range endpointVariables {
		k.env[i] = os.Getenv(name)
	}
	return k
}

type sharedSDK struct {
	key       sharedKey
	sdk       *cip.Client
	awsConfig aws.Config
	transport *http.Transport // nil when the caller gave the HTTP client
}

// maxSharedClients bounds the shared SDK clients: past it, the least
// recently used one is dropped (its idle connections closed; a Client
// still holding it keeps working).
const maxSharedClients = 16

// shared holds the shared SDK clients, most recently used first.
var shared struct {
	sync.Mutex
	clients []*sharedSDK
}

// clientFor returns a Client for cfg on a shared SDK client.
func clientFor(ctx context.Context, cfg Config) (*Client, error) {
	lang := normalizeLanguage(os.Getenv("COGNITO_LANG"))
	key := keyOf(cfg)
	shared.Lock()
	defer shared.Unlock()
	i := slices.IndexFunc(shared.clients, func(s *sharedSDK) bool { return s.key == key })
	var s *sharedSDK
	if i >= 0 {
		s = shared.clients[i]
		shared.clients = slices.Delete(shared.clients, i, i+1)
	} else {
		awsCfg, transport, err := loadAWSConfig(ctx, cfg)
		if err != nil {
			return nil, newError("New", lang, err)
		}
		s = &sharedSDK{key: key, sdk: newSDKClient(awsCfg, cfg.Endpoint), awsConfig: awsCfg, transport: transport}
		if len(shared.clients) == maxSharedClients {
			if old := shared.clients[maxSharedClients-1]; old.transport != nil {
				old.transport.CloseIdleConnections()
			}
			shared.clients = shared.clients[:maxSharedClients-1]
		}
	}
	shared.clients = slices.Insert(shared.clients, 0, s)
	return &Client{cfg: cfg, lang: lang, sdk: s.sdk, awsConfig: s.awsConfig}, nil
}

// once runs fn on a Client for cfg.
func once[T any](ctx context.Context, cfg Config, fn func(*Client) (T, error)) (T, error) {
	c, err := clientFor(ctx, cfg)
	if err != nil {
		var zero T
		return zero, err
	}
	return fn(c)
}

// onceErr is once for a call that returns only an error.
func onceErr(ctx context.Context, cfg Config, fn func(*Client) error) error {
	_, err := once(ctx, cfg, func(c *Client) (struct{}, error) { return struct{}{}, fn(c) })
	return err
}

// RegisterUser is Client.Register for one call.
func RegisterUser(ctx context.Context, cfg Config, email, password string, attrs map[string]string) (*SignUpResult, error) {
	return once(ctx, cfg, func(c *Client) (*SignUpResult, error) { return c.Register(ctx, email, password, attrs) })
}

// ConfirmUser is Client.Confirm for one call.
func ConfirmUser(ctx context.Context, cfg Config, email, code string) error {
	return onceErr(ctx, cfg, func(c *Client) error { return c.Confirm(ctx, email, code) })
}

// ResendCode is Client.ResendCode for one call.
func ResendCode(ctx context.Context, cfg Config, email string) (*CodeDelivery, error) {
	return once(ctx, cfg, func(c *Client) (*CodeDelivery, error) { return c.ResendCode(ctx, email) })
}

// AuthenticateUser is Client.Authenticate for one call.
func AuthenticateUser(ctx context.Context, cfg Config, email, password string) (*Tokens, error) {
	return once(ctx, cfg, func(c *Client) (*Tokens, error) { return c.Authenticate(ctx, email, password) })
}

// Refresh is Client.Refresh for one call.
func Refresh(ctx context.Context, cfg Config, refreshToken, username string) (*Tokens, error) {
	return once(ctx, cfg, func(c *Client) (*Tokens, error) { return c.Refresh(ctx, refreshToken, username) })
}

// RefreshTokens is Client.RefreshTokens for one call.
func RefreshTokens(ctx context.Context, cfg Config, t *Tokens) (*Tokens, error) {
	return once(ctx, cfg, func(c *Client) (*Tokens, error) { return c.RefreshTokens(ctx, t) })
}

// ForgotPassword is Client.ForgotPassword for one call.
func ForgotPassword(ctx context.Context, cfg Config, email string) (*CodeDelivery, error) {
	return once(ctx, cfg, func(c *Client) (*CodeDelivery, error) { return c.ForgotPassword(ctx, email) })
}

// ConfirmForgotPassword is Client.ConfirmForgotPassword for one call.
func ConfirmForgotPassword(ctx context.Context, cfg Config, email, code, newPassword string) error {
	return onceErr(ctx, cfg, func(c *Client) error { return c.ConfirmForgotPassword(ctx, email, code, newPassword) })
}

// GetUser is Client.GetUser for one call.
func GetUser(ctx context.Context, cfg Config, accessToken string) (*User, error) {
	return once(ctx, cfg, func(c *Client) (*User, error) { return c.GetUser(ctx, accessToken) })
}

// UpdateUserAttributes is Client.UpdateUserAttributes for one call.
func UpdateUserAttributes(ctx context.Context, cfg Config, accessToken string, attrs map[string]string) ([]CodeDelivery, error) {
	return once(ctx, cfg, func(c *Client) ([]CodeDelivery, error) { return c.UpdateUserAttributes(ctx, accessToken, attrs) })
}

// VerifyUserAttribute is Client.VerifyUserAttribute for one call.
func VerifyUserAttribute(ctx context.Context, cfg Config, accessToken, attribute, code string) error {
	return onceErr(ctx, cfg, func(c *Client) error { return c.VerifyUserAttribute(ctx, accessToken, attribute, code) })
}

// SendAttributeCode is Client.SendAttributeCode for one call.
func SendAttributeCode(ctx context.Context, cfg Config, accessToken, attribute string) (*CodeDelivery, error) {
	return once(ctx, cfg, func(c *Client) (*CodeDelivery, error) { return c.SendAttributeCode(ctx, accessToken, attribute) })
}

// DeleteUser is Client.DeleteUser for one call.
func DeleteUser(ctx context.Context, cfg Config, accessToken string) error {
	return onceErr(ctx, cfg, func(c *Client) error { return c.DeleteUser(ctx, accessToken) })
}

// ChangePassword is Client.ChangePassword for one call.
func ChangePassword(ctx context.Context, cfg Config, accessToken, oldPassword, newPassword string) error {
	return onceErr(ctx, cfg, func(c *Client) error { return c.ChangePassword(ctx, accessToken, oldPassword, newPassword) })
}

// SignOut is Client.SignOut for one call.
func SignOut(ctx context.Context, cfg Config, accessToken string) error {
	return onceErr(ctx, cfg, func(c *Client) error { return c.SignOut(ctx, accessToken) })
}

// RevokeToken is Client.RevokeToken for one call.
func RevokeToken(ctx context.Context, cfg Config, refreshToken string) error {
	return onceErr(ctx, cfg, func(c *Client) error { return c.RevokeToken(ctx, refreshToken) })
}

// TestConnection is Client.TestConnection for one call.
func TestConnection(ctx context.Context, cfg Config) (*PoolInfo, error) {
	return once(ctx, cfg, func(c *Client) (*PoolInfo, error) { return c.TestConnection(ctx) })
}
