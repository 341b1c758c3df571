package cognito

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Session holds a signed-in user's tokens and hands out a valid access
// token, refreshing it shortly before it expires — the shape of
// golang.org/x/oauth2's ReuseTokenSource. It is safe for concurrent use:
// callers that need a refresh at the same time share one refresh call.
//
// A refresh that fails for a passing reason (network, throttling, a server
// fault) keeps the old tokens and is retried, after a growing pause; while
// the old access token is still valid, Token keeps returning it. A
// definitive failure — the refresh token revoked or expired, the user
// deleted or disabled — ends the session: every later call returns an
// error matching ErrSessionEnded (and the cause's kind).
type Session struct {
	client    *Client
	margin    time.Duration
	now       func() time.Time
	onRefresh func(*Tokens)

	mu       sync.Mutex
	tokens   *Tokens
	ended    error
	inflight chan struct{} // closed when the refresh under way finishes
	lastErr  error         // of the last failed refresh, while retrying
	retryAt  time.Time     // no refresh attempt before this, after a failure
	backoff  time.Duration
}

// SessionOption configures a Session.
type SessionOption func(*Session)

// WithRefreshMargin sets how long before the access token's expiry the
// session refreshes it (default 1 minute).
func WithRefreshMargin(d time.Duration) SessionOption { return func(s *Session) { s.margin = d } }

// WithOnRefresh calls fn with the new tokens after each refresh, e.g. to
// persist them. It runs in the goroutine that refreshed, before that
// caller's Token returns.
func WithOnRefresh(fn func(*Tokens)) SessionOption { return func(s *Session) { s.onRefresh = fn } }

// WithSessionClock sets the session's clock (default time.Now).
func WithSessionClock(now func() time.Time) SessionOption { return func(s *Session) { s.now = now } }

// Retry pauses after a failed refresh.
const (
	firstRetryDelay = time.Second
	maxRetryDelay   = time.Minute
)

// NewSession starts a session from tokens, as Authenticate returned them.
// A zero Expiry is read from the access token's exp claim.
func (c *Client) NewSession(tokens *Tokens, opts ...SessionOption) *Session {
	s := &Session{client: c, margin: time.Minute, now: time.Now, tokens: copyTokens(tokens)}
	for _, opt := range opts {
		opt(s)
	}
	if s.tokens.Expiry.IsZero() {
		s.tokens.Expiry = expiryOf(s.tokens.AccessToken)
	}
	return s
}

// Token returns a valid access token, refreshing first if it expires
// within the margin.
func (s *Session) Token(ctx context.Context) (string, error) {
	t, err := s.Tokens(ctx)
	if err != nil {
		return "", err
	}
	return t.AccessToken, nil
}

// Tokens returns the current tokens, refreshed first if the access token
// expires within the margin. The result is the caller's own copy.
func (s *Session) Tokens(ctx context.Context) (*Tokens, error) {
	return s.get(ctx, false)
}

// Refresh refreshes the tokens now, whatever their expiry — for instance
// when Cognito answered ErrTokenExpired to a token the session thought
// valid (clock skew).
func (s *Session) Refresh(ctx context.Context) (*Tokens, error) {
	return s.get(ctx, true)
}

// Current returns the tokens as they are, without refreshing.
func (s *Session) Current() *Tokens {
	s.mu.Lock()
	defer s.mu.Unlock()
	return copyTokens(s.tokens)
}

func (s *Session) get(ctx context.Context, force bool) (*Tokens, error) {
	for {
		s.mu.Lock()
		if s.ended != nil {
			err := s.ended
			s.mu.Unlock()
			return nil, err
		}
		now := s.now()
		valid := now.Before(s.tokens.Expiry)
		if !force && now.Before(s.tokens.Expiry.Add(-s.margin)) {
			t := copyTokens(s.tokens)
			s.mu.Unlock()
			return t, nil
		}
		if wait := s.inflight; wait != nil {
			// Another caller is refreshing: wait for it, then look again.
			s.mu.Unlock()
			select {
			case <-wait:
				force = false
				continue
			case <-ctx.Done():
				return nil, s.client.fail("Session", ctx.Err())
			}
		}
		if !force && now.Before(s.retryAt) {
			// Retrying later: hand out the old token while it lasts.
			t, err := copyTokens(s.tokens), s.lastErr
			s.mu.Unlock()
			if valid {
				return t, nil
			}
			return nil, err
		}
		done := make(chan struct{})
		s.inflight = done
		current := copyTokens(s.tokens)
		s.mu.Unlock()

		fresh, err := s.client.RefreshTokens(ctx, current)

		s.mu.Lock()
		s.inflight = nil
		switch {
		case err == nil:
			// The expiry on the session's clock, which may not be the
			// Client's; without ExpiresIn, the token's exp (tokens).
			if fresh.ExpiresIn > 0 {
				fresh.Expiry = s.now().Add(time.Duration(fresh.ExpiresIn) * time.Second)
			}
			s.tokens, s.lastErr, s.retryAt, s.backoff = fresh, nil, time.Time{}, 0
		case ctx.Err() != nil:
			// This caller gave up; that says nothing about Cognito, so
			// the next caller tries again at once.
		case definitive(err):
			s.ended = &Error{Op: "Session", Kind: ErrSessionEnded, Err: err, lang: s.client.lang}
		default:
			s.backoff = min(max(2*s.backoff, firstRetryDelay), maxRetryDelay)
			s.lastErr, s.retryAt = err, s.now().Add(s.backoff)
		}
		ended, t := s.ended, copyTokens(s.tokens)
		s.mu.Unlock()
		close(done)
		if err == nil && s.onRefresh != nil {
			s.onRefresh(copyTokens(fresh))
		}
		switch {
		case err == nil:
			return t, nil
		case ended != nil:
			return nil, ended
		case valid && !force:
			return t, nil // a passing failure: the old token still works
		default:
			return nil, err
		}
	}
}

// definitive reports whether a refresh failure means the session cannot go
// on: retrying would fail the same way.
func definitive(err error) bool {
	for _, kind := range []error{ErrUnavailable, ErrTooManyRequests, ErrUnexpected} {
		if errors.Is(err, kind) {
			return false
		}
	}
	return true
}

func copyTokens(t *Tokens) *Tokens {
	if t == nil {
		return &Tokens{}
	}
	cp := *t
	return &cp
}

// expiryOf reads the exp claim of an access token, unverified; the zero
// time (refresh at once) if it cannot.
func expiryOf(accessToken string) time.Time {
	var claims jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(accessToken, &claims); err != nil || claims.ExpiresAt == nil {
		return time.Time{}
	}
	return claims.ExpiresAt.Time
}
