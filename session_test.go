package cognito_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
)

// countingTransport counts refresh calls (GetTokensFromRefreshToken, or
// InitiateAuth, which the session's sign-in is made before counting
// starts) and, while failing is set, fails every request as a network
// error would.
type countingTransport struct {
	refreshes atomic.Int32
	failing   atomic.Bool
	// omitExpiresIn takes ExpiresIn out of the answers' AuthenticationResult,
	// as some servers other than Cognito do.
	omitExpiresIn atomic.Bool
}

var errNetwork = errors.New("network is down")

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if c.failing.Load() {
		return nil, errNetwork
	}
	switch r.Header.Get("X-Amz-Target") {
	case "AWSCognitoIdentityProviderService.InitiateAuth", "AWSCognitoIdentityProviderService.GetTokensFromRefreshToken":
		c.refreshes.Add(1)
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || !c.omitExpiresIn.Load() {
		return resp, err
	}
	var body map[string]any
	err = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if result, ok := body["AuthenticationResult"].(map[string]any); ok && err == nil {
		delete(result, "ExpiresIn")
	}
	raw, _ := json.Marshal(body)
	resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(raw)), int64(len(raw))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// sessionSetup signs a user in and returns a client whose requests are
// counted, the tokens, and a clock for the session.
func sessionSetup(t *testing.T, opts ...cognitotest.Option) (*cognitotest.Server, *cognito.Client, *countingTransport, *cognito.Tokens, *fakeClock) {
	t.Helper()
	srv := cognitotest.NewServer(t, opts...)
	transport := &countingTransport{}
	awsCfg := srv.AWSConfig()
	awsCfg.HTTPClient = &http.Client{Transport: transport}
	awsCfg.RetryMaxAttempts = 1
	cfg := configFor(srv)
	cfg.AWSConfig = &awsCfg
	c, err := cognito.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	registered(t, srv, c, "ana@example.com")
	tokens, err := c.Authenticate(context.Background(), "ana@example.com", password)
	if err != nil {
		t.Fatal(err)
	}
	transport.refreshes.Store(0)
	clock := newClock()
	return srv, c, transport, tokens, clock
}

func TestSessionHandsOutTheTokenUntilNearExpiry(t *testing.T) {
	_, c, transport, tokens, clock := sessionSetup(t)
	s := c.NewSession(tokens, cognito.WithSessionClock(clock.Now), cognito.WithRefreshMargin(time.Minute))
	ctx := context.Background()
	for range 3 {
		got, err := s.Token(ctx)
		if err != nil || got != tokens.AccessToken {
			t.Fatalf("Token = %v, %v; want the current token", got != "", err)
		}
	}
	clock.Advance(58 * time.Minute) // two minutes left: still outside the margin
	if got, _ := s.Token(ctx); got != tokens.AccessToken {
		t.Fatal("refreshed outside the margin")
	}
	if n := transport.refreshes.Load(); n != 0 {
		t.Fatalf("%d refreshes before the margin", n)
	}
	clock.Advance(90 * time.Second) // 30 s left: inside the margin
	got, err := s.Token(ctx)
	if err != nil || got == tokens.AccessToken {
		t.Fatalf("Token inside the margin = new? %v, %v", got != tokens.AccessToken, err)
	}
	if n := transport.refreshes.Load(); n != 1 {
		t.Fatalf("%d refreshes, want 1", n)
	}
	if s.Current().RefreshToken != tokens.RefreshToken {
		t.Fatal("the refresh token was lost")
	}
}

func TestSessionConcurrentCallersShareOneRefresh(t *testing.T) {
	for _, pk := range poolKinds {
		t.Run(pk.name, func(t *testing.T) {
			_, c, transport, tokens, clock := sessionSetup(t, pk.opts...)
			var persisted atomic.Int32
			s := c.NewSession(tokens, cognito.WithSessionClock(clock.Now), cognito.WithOnRefresh(func(*cognito.Tokens) { persisted.Add(1) }))
			clock.Advance(time.Hour + time.Second) // expired

			const callers = 64
			var wg sync.WaitGroup
			results := make([]string, callers)
			errs := make([]error, callers)
			for i := range callers {
				wg.Go(func() { results[i], errs[i] = s.Token(context.Background()) })
			}
			wg.Wait()
			for i := range callers {
				if errs[i] != nil {
					t.Fatalf("caller %d: %v", i, errs[i])
				}
				if results[i] == tokens.AccessToken || results[i] != results[0] {
					t.Fatalf("caller %d got a different or stale token", i)
				}
			}
			if n := transport.refreshes.Load(); n != 1 {
				t.Fatalf("%d refreshes for %d concurrent callers, want exactly 1", n, callers)
			}
			if n := persisted.Load(); n != 1 {
				t.Fatalf("OnRefresh called %d times, want 1", n)
			}
		})
	}
}

func TestSessionSurvivesTransientFailures(t *testing.T) {
	_, c, transport, tokens, clock := sessionSetup(t)
	s := c.NewSession(tokens, cognito.WithSessionClock(clock.Now))
	ctx := context.Background()

	transport.failing.Store(true)
	clock.Advance(59*time.Minute + 30*time.Second) // inside the margin, still valid
	got, err := s.Token(ctx)
	if err != nil || got != tokens.AccessToken {
		t.Fatalf("while the network is down and the token valid: %v", err)
	}
	clock.Advance(time.Minute) // now expired, and the network still down
	_, err = s.Token(ctx)
	if !errors.Is(err, cognito.ErrUnavailable) || errors.Is(err, cognito.ErrSessionEnded) {
		t.Fatalf("expired token and network down: %v, want ErrUnavailable and a live session", err)
	}
	// Within the retry pause, no new attempt is made.
	_, err = s.Token(ctx)
	if !errors.Is(err, cognito.ErrUnavailable) {
		t.Fatalf("within the retry pause: %v", err)
	}

	transport.failing.Store(false)
	clock.Advance(2 * time.Second) // past the first pause
	got, err = s.Token(ctx)
	if err != nil || got == tokens.AccessToken {
		t.Fatalf("after the network came back: %v", err)
	}
}

func TestSessionEndsWhenTheRefreshTokenIsRevoked(t *testing.T) {
	_, c, _, tokens, clock := sessionSetup(t, cognitotest.WithClientSecret())
	s := c.NewSession(tokens, cognito.WithSessionClock(clock.Now))
	ctx := context.Background()
	if err := c.SignOut(ctx, tokens.AccessToken); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	_, err := s.Token(ctx)
	if !errors.Is(err, cognito.ErrSessionEnded) || !errors.Is(err, cognito.ErrNotAuthorized) {
		t.Fatalf("after GlobalSignOut: %v, want ErrSessionEnded and ErrNotAuthorized", err)
	}
	var e *cognito.Error
	if !errors.As(err, &e) || e.Message() == "" {
		t.Fatalf("no message for people: %v", err)
	}
	// The end is final, even for a token that looks valid.
	clock.Advance(-time.Hour)
	if _, err := s.Token(ctx); !errors.Is(err, cognito.ErrSessionEnded) {
		t.Fatalf("after the end: %v", err)
	}
}

func TestSessionForcedRefreshAndExpiryFromToken(t *testing.T) {
	_, c, transport, tokens, _ := sessionSetup(t)
	noExpiry := *tokens
	noExpiry.Expiry = time.Time{}
	s := c.NewSession(&noExpiry)
	if got := s.Current().Expiry; got.Sub(tokens.Expiry).Abs() > 2*time.Second {
		t.Fatalf("expiry from the token = %v, want about %v", got, tokens.Expiry)
	}
	fresh, err := s.Refresh(context.Background())
	if err != nil || fresh.AccessToken == tokens.AccessToken {
		t.Fatalf("Refresh: %v", err)
	}
	if n := transport.refreshes.Load(); n != 1 {
		t.Fatalf("%d refreshes, want 1", n)
	}
}

// TestExpiryFromTheTokenWhenTheServerOmitsExpiresIn: a server that does
// not say ExpiresIn still gives tokens an expiry, their own exp, and a
// session does not refresh them on every call.
func TestExpiryFromTheTokenWhenTheServerOmitsExpiresIn(t *testing.T) {
	_, c, transport, _, _ := sessionSetup(t)
	ctx := context.Background()
	transport.omitExpiresIn.Store(true)
	exp := func(token string) time.Time {
		t.Helper()
		var claims jwt.RegisteredClaims
		if _, _, err := jwt.NewParser().ParseUnverified(token, &claims); err != nil {
			t.Fatal(err)
		}
		return claims.ExpiresAt.Time
	}
	tokens, err := c.Authenticate(ctx, "ana@example.com", password)
	if err != nil {
		t.Fatal(err)
	}
	if tokens.ExpiresIn != 0 || !tokens.Expiry.Equal(exp(tokens.AccessToken)) {
		t.Fatalf("ExpiresIn %d, Expiry %v; want 0 and the token's exp %v", tokens.ExpiresIn, tokens.Expiry, exp(tokens.AccessToken))
	}
	s := c.NewSession(tokens)
	transport.refreshes.Store(0)
	fresh, err := s.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !fresh.Expiry.Equal(exp(fresh.AccessToken)) {
		t.Fatalf("refreshed Expiry %v, want the token's exp %v", fresh.Expiry, exp(fresh.AccessToken))
	}
	for range 3 {
		if _, err := s.Token(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := transport.refreshes.Load(); n != 1 {
		t.Fatalf("%d refreshes, want the forced one only", n)
	}
}
