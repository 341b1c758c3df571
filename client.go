package cognito

import (
	"context"
	"net/http"
	"os"
	"strings"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/golang-jwt/jwt/v5"

	"github.com/cognitokit/cognito/internal/sdkhttp"
	"github.com/cognitokit/cognito/internal/secrethash"
)

// Client is the reusable way to call Cognito: built once, it keeps one SDK
// client (and its connections) for every call. It is safe for concurrent
// use.
type Client struct {
	cfg       Config
	lang      string
	sdk       *cip.Client
	awsConfig aws.Config
	transport *http.Transport // owned, closed by Close; nil when the caller gave the HTTP client
	// legacyRefresh is set once the server answered that it does not know
	// GetTokensFromRefreshToken: RefreshTokens then uses REFRESH_TOKEN_AUTH.
	legacyRefresh atomic.Bool
}

// Option configures a Client.
type Option func(*options)

type options struct{ lang string }

// WithLanguage sets the language of error messages: "en" (default) or
// "es". Without it, COGNITO_LANG decides.
func WithLanguage(lang string) Option { return func(o *options) { o.lang = lang } }

// New returns a Client for cfg. It reads the SDK's configuration (the
// environment and shared config files) but makes no network call.
func New(ctx context.Context, cfg Config, opts ...Option) (*Client, error) {
	o := options{lang: os.Getenv("COGNITO_LANG")}
	for _, opt := range opts {
		opt(&o)
	}
	lang := normalizeLanguage(o.lang)
	awsCfg, transport, err := loadAWSConfig(ctx, cfg)
	if err != nil {
		return nil, newError("New", lang, err)
	}
	return &Client{
		cfg:       cfg,
		lang:      lang,
		sdk:       newSDKClient(awsCfg, cfg.Endpoint),
		awsConfig: awsCfg,
		transport: transport,
	}, nil
}

// NewFromEnv returns a Client configured by ConfigFromEnv.
func NewFromEnv(ctx context.Context, opts ...Option) (*Client, error) {
	return New(ctx, ConfigFromEnv(), opts...)
}

// Close releases the Client's idle connections. The Client must not be
// used afterwards.
func (c *Client) Close() error {
	if c.transport != nil {
		c.transport.CloseIdleConnections()
	}
	return nil
}

// Issuer returns the issuer of the pool's tokens as this Client reaches the
// pool: <endpoint>/<poolId> when an endpoint is set (a local Cognito names
// its issuer after the address it is reached at), else AWS's
// https://cognito-idp.<region>.amazonaws.com/<poolId>. It is what a token
// verifier of this pool (package jwtverify) accepts.
func (c *Client) Issuer() string {
	return c.Endpoint() + "/" + c.cfg.UserPoolID
}

// Endpoint returns the URL this Client calls, without a trailing slash:
// Config.Endpoint, else the SDK's AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER,
// else AWS's https://cognito-idp.<region>.amazonaws.com.
func (c *Client) Endpoint() string {
	if ep := c.sdk.Options().BaseEndpoint; ep != nil && *ep != "" {
		return strings.TrimRight(*ep, "/")
	}
	return "https://cognito-idp." + c.awsConfig.Region + ".amazonaws.com"
}

// SDK returns the underlying AWS SDK client, for operations this package
// does not wrap.
func (c *Client) SDK() *cip.Client { return c.sdk }

// loadAWSConfig builds the SDK configuration: the caller's, or the default
// chain, with the resolved region. When it creates the HTTP client it
// returns its transport so Close can release it.
func loadAWSConfig(ctx context.Context, cfg Config) (aws.Config, *http.Transport, error) {
	var awsCfg aws.Config
	if cfg.AWSConfig != nil {
		awsCfg = cfg.AWSConfig.Copy()
	} else {
		var err error
		if awsCfg, err = config.LoadDefaultConfig(ctx); err != nil {
			return aws.Config{}, nil, err
		}
	}
	awsCfg.Region = cfg.region()
	var transport *http.Transport
	if awsCfg.HTTPClient == nil {
		transport = http.DefaultTransport.(*http.Transport).Clone()
		awsCfg.HTTPClient = &http.Client{Transport: transport}
	}
	awsCfg.HTTPClient = sdkhttp.ReadOnlyBodies(awsCfg.HTTPClient)
	return awsCfg, transport, nil
}

func newSDKClient(awsCfg aws.Config, endpoint string) *cip.Client {
	return cip.NewFromConfig(awsCfg, func(o *cip.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
}

func normalizeLanguage(lang string) string {
	if len(lang) >= 2 && (lang[:2] == "es" || lang[:2] == "ES") {
		return "es"
	}
	return "en"
}

// secretHash returns the SECRET_HASH for username, or nil when the client
// has no secret.
func (c *Client) secretHash(username string) *string {
	if c.cfg.ClientSecret == "" {
		return nil
	}
	return aws.String(secrethash.Compute(c.cfg.ClientSecret, username, c.cfg.ClientID))
}

// fail wraps an SDK failure of op. Where Cognito says the client secret is
// "missing or wrong", the Client knows which.
func (c *Client) fail(op string, err error) error {
	e := newError(op, c.lang, err)
	if e.why == reasonSecretUnsure {
		e.why = noReason // missing: the kind's own message
		if c.cfg.ClientSecret != "" {
			e.why = reasonSecretWrong
		}
	}
	if e.why == reasonSecretWrong {
		e.detail = c.cfg.ClientID
	}
	return e
}

// failToken is fail for a call made with token (an access or ID token):
// when Cognito refuses it and the token says it was issued to another app
// client, or by another pool or endpoint, than this Client's, the error
// says so (ErrWrongClient) rather than suggest the user was signed out.
func (c *Client) failToken(op, token string, err error) error {
	e := c.fail(op, err).(*Error)
	if e.Kind != ErrNotAuthorized || e.why != noReason {
		return e
	}
	if why, detail := c.foreign(token); why != noReason {
		e.Kind, e.why, e.detail = ErrWrongClient, why, detail
	}
	return e
}

// foreign reports whether token, read without checking its signature, was
// issued to another app client than the Client's (its client_id or aud),
// or by another user pool or local server (its iss); and which.
func (c *Client) foreign(token string) (reason, string) {
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(token, claims); err != nil {
		return noReason, ""
	}
	iss, _ := claims["iss"].(string)
	pool := iss[strings.LastIndex(iss, "/")+1:]
	switch {
	case iss == "":
	case c.cfg.UserPoolID != "" && pool != c.cfg.UserPoolID:
		return reasonOtherIssuer, iss
	case !strings.HasSuffix(strings.TrimSuffix(iss, "/"+pool), ".amazonaws.com") && iss != c.Endpoint()+"/"+pool:
		// A local Cognito names its issuer after the address it is
		// reached at; AWS's issuer is the same through any endpoint.
		return reasonOtherIssuer, iss
	}
	client, _ := claims["client_id"].(string)
	if client == "" {
		client, _ = claims["aud"].(string)
	}
	if client != "" && client != c.cfg.ClientID {
		return reasonOtherClient, client
	}
	return noReason, ""
}
