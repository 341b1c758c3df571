package cognitotest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/emulator"
	"github.com/cognitokit/cognito/emulator/store"
	"github.com/cognitokit/cognito/internal/sdkhttp"
	"github.com/cognitokit/cognito/internal/secrethash"
)

// Server is a local Cognito running on a loopback port for one test, with a
// user pool and an app client ready to use.
type Server struct {
	// Endpoint is the server's URL, e.g. http://127.0.0.1:41234: what
	// AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER would hold.
	Endpoint string
	// Region is the region of the pool (the prefix of its ID).
	Region string
	// UserPoolID and ClientID name the pool and app client.
	UserPoolID string
	ClientID   string
	// ClientSecret is the app client's secret; empty unless WithClientSecret.
	ClientSecret string
	// Emulator is the server itself, for reading the outbox directly.
	Emulator *emulator.Server

	t       testing.TB // nil for a server from Start
	closers []func()

	// awsCfg is Config's SDK configuration, made once; a pointer, so
	// that a copy of the Server shares it.
	awsCfg *sharedAWSConfig
}

// sharedAWSConfig is an aws.Config made on first use.
type sharedAWSConfig struct {
	once sync.Once
	cfg  *aws.Config
}

// Option configures the pool and client NewServer creates.
type Option func(*config)

type config struct {
	secret          bool
	emailAsUsername bool
	preventErrors   bool
	policy          *types.PasswordPolicyType
	store           store.Store
	clock           func() time.Time
	serverOptions   []emulator.Option
	triggers        map[Trigger]TriggerFunc
}

// WithClientSecret gives the app client a secret, so every call needs a
// SECRET_HASH.
func WithClientSecret() Option { return func(c *config) { c.secret = true } }

// WithEmailAsUsername makes a pool whose users sign up and sign in with
// their email (UsernameAttributes=[email]); each user's username is then
// its sub.
func WithEmailAsUsername() Option { return func(c *config) { c.emailAsUsername = true } }

// WithPreventUserExistenceErrors sets the client's
// PreventUserExistenceErrors to ENABLED: unknown users look like wrong
// passwords.
func WithPreventUserExistenceErrors() Option { return func(c *config) { c.preventErrors = true } }

// WithPasswordPolicy sets the pool's password policy (default: Cognito's,
// 8 characters with upper, lower, digit and symbol).
func WithPasswordPolicy(p types.PasswordPolicyType) Option {
	return func(c *config) { c.policy = &p }
}

// WithStore keeps the server's state in st (default: a fresh memory store).
// The caller closes st.
func WithStore(st store.Store) Option { return func(c *config) { c.store = st } }

// WithClock sets the server's clock, to test expiry without waiting.
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// WithServerOptions passes options to the emulator.
func WithServerOptions(opts ...emulator.Option) Option {
	return func(c *config) { c.serverOptions = append(c.serverOptions, opts...) }
}

// Region is the region of the pools cognitotest creates.
const Region = "eu-west-1"

var (
	sharedKeyOnce sync.Once
	sharedKey     *rsa.PrivateKey
	sharedKeyErr  error
)

// testKey returns one RSA key shared by every test server of the process:
// generating a key per pool would cost most of a short test's time. Pools
// of different servers still have different issuers.
func testKey() (*rsa.PrivateKey, error) {
	sharedKeyOnce.Do(func() { sharedKey, sharedKeyErr = rsa.GenerateKey(rand.Reader, 2048) })
	return sharedKey, sharedKeyErr
}

// NewServer starts a local Cognito on a loopback port, creates a user pool
// (email required and auto-verified) and an app client with the
// USER_PASSWORD_AUTH and refresh flows enabled, and closes it all with
// t.Cleanup. It fails the test if any of that fails; a missing code in
// LastCode is a test error.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	s.t = t
	return s
}

// Start is NewServer for code that has no testing.TB — runnable examples,
// a program's own demo: the caller must Close the server.
func Start(opts ...Option) (*Server, error) {
	var cfg config
	for _, opt := range opts {
		opt(&cfg)
	}
	s := &Server{Region: Region, awsCfg: &sharedAWSConfig{}}
	st := cfg.store
	if st == nil {
		st = store.NewMemory()
		s.closers = append(s.closers, func() { st.Close() })
	}
	serverOpts := []emulator.Option{
		emulator.WithRegion(Region),
		emulator.WithKeyGenerator(testKey),
		emulator.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	}
	if cfg.clock != nil {
		serverOpts = append(serverOpts, emulator.WithClock(cfg.clock))
	}
	if len(cfg.triggers) > 0 {
		serverOpts = append(serverOpts, emulator.WithLambdaInvoker(newFuncInvoker(cfg.triggers)))
	}
	em, err := emulator.New(context.Background(), st, append(serverOpts, cfg.serverOptions...)...)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.Emulator = em
	hs := httptest.NewUnstartedServer(s.Emulator)
	hs.Config = emulator.NewHTTPServer(s.Emulator)
	hs.Start()
	s.closers = append(s.closers, hs.Close)
	s.Endpoint = hs.URL
	if err := s.createPoolAndClient(context.Background(), &cfg); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close stops the server and releases its memory store.
func (s *Server) Close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
	s.closers = nil
}

// createPoolAndClient makes the pool and app client cfg describes, through
// the server's own API.
func (s *Server) createPoolAndClient(ctx context.Context, cfg *config) error {
	client := s.Client()
	poolIn := &cip.CreateUserPoolInput{
		PoolName:               aws.String("cognitotest"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		Schema: []types.SchemaAttributeType{{
			Name: aws.String("email"), Required: aws.Bool(true), Mutable: aws.Bool(true),
		}},
	}
	if cfg.emailAsUsername {
		poolIn.UsernameAttributes = []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}
	}
	if cfg.policy != nil {
		poolIn.Policies = &types.UserPoolPolicyType{PasswordPolicy: cfg.policy}
	}
	poolIn.LambdaConfig = lambdaConfig(cfg.triggers)
	pool, err := client.CreateUserPool(ctx, poolIn)
	if err != nil {
		return fmt.Errorf("cognitotest: creating user pool: %w", err)
	}
	s.UserPoolID = aws.ToString(pool.UserPool.Id)

	clientIn := &cip.CreateUserPoolClientInput{
		UserPoolId:     pool.UserPool.Id,
		ClientName:     aws.String("cognitotest"),
		GenerateSecret: cfg.secret,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
			types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
		},
	}
	if cfg.preventErrors {
		clientIn.PreventUserExistenceErrors = types.PreventUserExistenceErrorTypesEnabled
	}
	appClient, err := client.CreateUserPoolClient(ctx, clientIn)
	if err != nil {
		return fmt.Errorf("cognitotest: creating app client: %w", err)
	}
	s.ClientID = aws.ToString(appClient.UserPoolClient.ClientId)
	s.ClientSecret = aws.ToString(appClient.UserPoolClient.ClientSecret)
	return nil
}

// AWSConfig returns an aws.Config for the SDK that reaches this server:
// its region, its endpoint and dummy static credentials (the local server
// checks that admin calls are signed, not by whom).
func (s *Server) AWSConfig() aws.Config {
	return aws.Config{
		Region:       s.Region,
		BaseEndpoint: aws.String(s.Endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
		HTTPClient:   sdkhttp.ReadOnlyBodies(awshttp.NewBuildableClient()),
	}
}

// Config returns the library's configuration for this server's pool and
// app client — endpoint, region, pool ID, client ID and secret, and the
// SDK configuration of AWSConfig — ready for cognito.New or the
// package-level functions:
//
//	srv := cognitotest.NewServer(t)
//	client, err := cognito.New(ctx, srv.Config())
//
// Every call returns the same AWSConfig, so the package-level functions
// reuse one SDK client per server.
func (s *Server) Config() cognito.Config {
	return cognito.Config{
		UserPoolID:   s.UserPoolID,
		ClientID:     s.ClientID,
		ClientSecret: s.ClientSecret,
		Region:       s.Region,
		Endpoint:     s.Endpoint,
		AWSConfig:    s.sharedAWSConfig(),
	}
}

// sharedAWSConfig is AWSConfig, made once for the server and its copies.
func (s *Server) sharedAWSConfig() *aws.Config {
	if s.awsCfg == nil { // a Server not made by Start
		cfg := s.AWSConfig()
		return &cfg
	}
	s.awsCfg.once.Do(func() {
		cfg := s.AWSConfig()
		s.awsCfg.cfg = &cfg
	})
	return s.awsCfg.cfg
}

// Issuer returns the issuer of the pool's tokens, <Endpoint>/<UserPoolID>:
// what a jwtverify.Config's Issuer must be to verify them.
func (s *Server) Issuer() string { return s.Endpoint + "/" + s.UserPoolID }

// Client returns an SDK client for this server.
func (s *Server) Client() *cip.Client {
	return cip.NewFromConfig(s.AWSConfig())
}

// SecretHash returns the SECRET_HASH for username with this server's
// client, or nil when the client has no secret: ready for the SDK's
// SecretHash fields.
func (s *Server) SecretHash(username string) *string {
	if s.ClientSecret == "" {
		return nil
	}
	return aws.String(secrethash.Compute(s.ClientSecret, username, s.ClientID))
}

// AddClient creates another app client of the pool, named name, without a
// secret, with the USER_PASSWORD_AUTH and refresh flows, and returns its
// ID — for a test of tokens used with another client than theirs. A
// failure is a test error (for a server from NewServer), and "".
func (s *Server) AddClient(name string) string {
	out, err := s.Client().CreateUserPoolClient(context.Background(), &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(s.UserPoolID), ClientName: aws.String(name),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	if err != nil {
		if s.t != nil {
			s.t.Helper()
			s.t.Errorf("cognitotest: creating app client %q: %v", name, err)
		}
		return ""
	}
	return aws.ToString(out.UserPoolClient.ClientId)
}

// Messages returns the outbox: every email or SMS the server sent to
// username (every message if username is empty), oldest first. A failure
// to read it is a test error (for a server from NewServer). Safe to call
// from any goroutine.
func (s *Server) Messages(username string) []emulator.Message {
	msgs, err := s.Emulator.Messages(context.Background(), username)
	if err != nil && s.t != nil {
		s.t.Helper()
		s.t.Errorf("cognitotest: reading outbox: %v", err)
	}
	return msgs
}

// LastCode returns the code (or temporary password) in the newest message
// sent to username, which may be the username or the email or phone number
// it was sent to. If there is none it returns "", and for a server from
// NewServer reports a test error. Safe to call from any goroutine.
func (s *Server) LastCode(username string) string {
	msgs := s.Messages("")
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.UserPoolID == s.UserPoolID && (m.Username == username || m.Destination == username) {
			return m.Code
		}
	}
	if s.t != nil {
		s.t.Helper()
		s.t.Errorf("cognitotest: no message was sent to %q", username)
	}
	return ""
}

// Clock is a clock a test moves by hand: pass its Now to WithClock, and to
// whatever else must share the server's time (a jwtverify.Config, a
// cognito.Session). It is safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock that reads start until it is moved.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock by d (which may be negative).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}
