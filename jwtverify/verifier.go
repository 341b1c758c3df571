package jwtverify

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Callers, for Config.Callers.
const (
	AnyCaller = ""
	Users     = "users"
	Clients   = "clients"
)

// Token uses, the values of the token_use claim.
const (
	AccessToken = "access"
	IDToken     = "id"
	// AnyToken accepts access and ID tokens alike.
	AnyToken = "any"
)

// Config configures a Verifier. Every field is read once, by New.
type Config struct {
	// UserPoolID is the pool whose tokens are accepted. With Region (or
	// the region prefix of the pool ID) it names the AWS issuer,
	// https://cognito-idp.<region>.amazonaws.com/<UserPoolID>.
	UserPoolID string
	// Region overrides the region taken from UserPoolID's prefix.
	Region string
	// Issuer, if set, is the exact issuer to accept instead of the AWS one,
	// e.g. a local Cognito's http://127.0.0.1:9229/<poolId>.
	Issuer string
	// JWKSURL overrides where the keys are fetched (default
	// <issuer>/.well-known/jwks.json), apart from the issuer checked: e.g.
	// a local Cognito's <endpoint>/<poolId>/.well-known/jwks.json, with
	// the AWS issuer of UserPoolID, for `cognito local --issuer aws`.
	JWKSURL string

	// ClientIDs are the app clients whose tokens are accepted: an access
	// token's client_id or an ID token's aud must be one of them. Empty is
	// an error unless SkipClientIDCheck is set.
	ClientIDs []string
	// SkipClientIDCheck accepts tokens of any app client of the pool.
	SkipClientIDCheck bool
	// TokenUse is AccessToken, IDToken or AnyToken. Empty is an error:
	// accepting an ID token where an access token is meant is a classic
	// mistake, so the choice is explicit.
	TokenUse string

	// Groups, if set, requires the token's cognito:groups to contain at
	// least one of them.
	Groups []string
	// Scopes, if set, requires the token's scope claim to contain all of
	// them (access tokens carry scopes; ID tokens do not).
	Scopes []string
	// Callers says whose access tokens are accepted: AnyCaller (the
	// default), Users (tokens of a signed-in user) or Clients (machine
	// tokens of the client-credentials grant, which name no user).
	Callers string

	// Leeway is the clock skew tolerated on exp, nbf and iat (default 0).
	Leeway time.Duration
	// HTTPClient fetches the key set (default: a client with a 10 s
	// timeout).
	HTTPClient *http.Client
	// Now returns the current time (default time.Now).
	Now func() time.Time
	// RefetchInterval is the least time between two key-set fetches caused
	// by unknown kids (default 1 minute): a flood of tokens with made-up
	// kids costs at most one fetch per interval.
	RefetchInterval time.Duration
	// CacheSize bounds the cache of verified tokens (default 10,000
	// entries; negative disables it). An entry never outlives its token,
	// but it does outlive a key withdrawn from the key set: a token
	// verified once stays accepted until it expires.
	CacheSize int
}

// Verifier verifies tokens of one user pool. It is safe for concurrent use.
type Verifier struct {
	issuer    string
	clientIDs []string
	anyClient bool
	tokenUse  string
	groups    []string
	scopes    []string
	callers   string
	leeway    time.Duration
	now       func() time.Time
	keys      *keySet
	cache     *tokenCache
}

// New checks cfg and returns a Verifier. It makes no network call; the key
// set is fetched on first use or by Prefetch.
func New(cfg Config) (*Verifier, error) {
	issuer := strings.TrimRight(cfg.Issuer, "/")
	if issuer == "" {
		if cfg.UserPoolID == "" {
			return nil, errors.New("jwtverify: Config needs UserPoolID or Issuer")
		}
		region := cfg.Region
		if region == "" {
			prefix, _, ok := strings.Cut(cfg.UserPoolID, "_")
			if !ok || prefix == "" {
				return nil, fmt.Errorf("jwtverify: cannot tell the region of pool %q; set Config.Region", cfg.UserPoolID)
			}
			region = prefix
		}
		issuer = "https://cognito-idp." + region + ".amazonaws.com/" + cfg.UserPoolID
	}
	if len(cfg.ClientIDs) == 0 && !cfg.SkipClientIDCheck {
		return nil, errors.New("jwtverify: Config.ClientIDs is empty; list the app clients or set SkipClientIDCheck")
	}
	switch cfg.TokenUse {
	case AccessToken, IDToken, AnyToken:
	case "":
		return nil, errors.New("jwtverify: Config.TokenUse is empty; use AccessToken, IDToken or AnyToken")
	default:
		return nil, fmt.Errorf("jwtverify: Config.TokenUse %q is not access, id or any", cfg.TokenUse)
	}
	switch cfg.Callers {
	case AnyCaller, Users, Clients:
	default:
		return nil, fmt.Errorf("jwtverify: Config.Callers %q is not users, clients or empty", cfg.Callers)
	}
	if cfg.Callers == Clients && cfg.TokenUse != AccessToken {
		return nil, errors.New("jwtverify: the client-credentials grant issues access tokens only; set TokenUse to AccessToken")
	}
	jwksURL := cfg.JWKSURL
	if jwksURL == "" {
		jwksURL = issuer + "/.well-known/jwks.json"
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	interval := cfg.RefetchInterval
	if interval <= 0 {
		interval = time.Minute
	}
	size := cfg.CacheSize
	if size == 0 {
		size = 10_000
	}
	return &Verifier{
		issuer:    issuer,
		clientIDs: slices.Clone(cfg.ClientIDs),
		anyClient: cfg.SkipClientIDCheck,
		tokenUse:  cfg.TokenUse,
		groups:    slices.Clone(cfg.Groups),
		scopes:    slices.Clone(cfg.Scopes),
		callers:   cfg.Callers,
		leeway:    cfg.Leeway,
		now:       now,
		keys:      newKeySet(jwksURL, client, now, interval),
		cache:     newTokenCache(size),
	}, nil
}

// Issuer returns the issuer the Verifier accepts.
func (v *Verifier) Issuer() string { return v.issuer }

// Prefetch fetches the key set now, so the first Verify does not wait for
// it and a misconfiguration shows at start-up.
func (v *Verifier) Prefetch(ctx context.Context) error {
	return v.keys.refresh(ctx, 0, true)
}

// maxTokenSize bounds what Verify parses; Cognito's tokens are a few
// kilobytes.
const maxTokenSize = 16 * 1024

// Verify checks raw completely and returns its claims, or an error that
// matches one of the Err* sentinels with errors.Is.
func (v *Verifier) Verify(ctx context.Context, raw string) (*Claims, error) {
	// The size first: the cache lookup hashes the whole string.
	if raw == "" || len(raw) > maxTokenSize {
		return nil, fmt.Errorf("%w: the token is empty or longer than %d bytes", ErrMalformed, maxTokenSize)
	}
	now := v.now()
	var ck cacheKey
	if v.cache != nil {
		ck = newCacheKey(raw) // once, for get and put
		if c, ok := v.cache.get(ck, now.Add(-v.leeway)); ok {
			return c, nil
		}
	}

	// The base64 decoder skips line breaks (and refuses every other
	// character outside base64url), which would let many strings pass for
	// one token.
	if strings.IndexByte(raw, '\n') >= 0 || strings.IndexByte(raw, '\r') >= 0 {
		return nil, fmt.Errorf("%w: the token has a line break", ErrMalformed)
	}

	tok, err := decodeToken(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if alg, _ := tok.header.Alg.(string); alg != jwt.SigningMethodRS256.Alg() {
		return nil, fmt.Errorf("%w: algorithm %q, want RS256", ErrBadSignature, truncate(alg))
	}
	if tok.header.Kid == "" {
		return nil, fmt.Errorf("%w: the header has no kid", ErrMalformed)
	}
	claims := tok.claims.claims()
	if err := v.checkClaims(claims, now); err != nil {
		return nil, err
	}
	key, err := v.keys.key(ctx, tok.header.Kid)
	if err != nil {
		return nil, err
	}
	// golang-jwt checks the signature (SHA-256 of the signed part, then
	// RSASSA-PKCS1-v1_5).
	if err := jwt.SigningMethodRS256.Verify(tok.signed, tok.signature, key); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	claims.raw = tok.payload
	v.cache.put(ck, claims, now)
	return claims, nil
}

// VerifyIDToken verifies an ID token as Verify does and checks that it
// carries nonce, the value the app sent to the authorization endpoint (and
// kept in the user's session) — which makes a replayed token useless. An
// empty nonce is an error: use Verify for tokens of a sign-in without one.
func (v *Verifier) VerifyIDToken(ctx context.Context, raw, nonce string) (*Claims, error) {
	if nonce == "" {
		return nil, fmt.Errorf("%w: no nonce to check", ErrWrongNonce)
	}
	c, err := v.Verify(ctx, raw)
	if err != nil {
		return nil, err
	}
	if c.TokenUse != IDToken {
		return nil, fmt.Errorf("%w: an %s token, want id", ErrWrongTokenUse, c.TokenUse)
	}
	if subtle.ConstantTimeCompare([]byte(c.Nonce), []byte(nonce)) != 1 {
		return nil, fmt.Errorf("%w: the token's nonce is not the one the sign-in sent", ErrWrongNonce)
	}
	return c, nil
}

// checkClaims applies every check but the signature.
func (v *Verifier) checkClaims(c *Claims, now time.Time) error {
	if c.Issuer != v.issuer {
		return fmt.Errorf("%w: %q, want %q", ErrWrongIssuer, truncate(c.Issuer), v.issuer)
	}
	switch {
	case c.TokenUse != AccessToken && c.TokenUse != IDToken:
		return fmt.Errorf("%w: token_use %q", ErrWrongTokenUse, truncate(c.TokenUse))
	case v.tokenUse != AnyToken && c.TokenUse != v.tokenUse:
		return fmt.Errorf("%w: an %s token, want %s", ErrWrongTokenUse, c.TokenUse, v.tokenUse)
	}
	if c.ExpiresAt.IsZero() {
		return fmt.Errorf("%w: the token has no exp", ErrMalformed)
	}
	if !now.Before(c.ExpiresAt.Add(v.leeway)) {
		return fmt.Errorf("%w at %s", ErrExpired, c.ExpiresAt.UTC().Format(time.RFC3339))
	}
	if !c.NotBefore.IsZero() && now.Add(v.leeway).Before(c.NotBefore) {
		return fmt.Errorf("%w: nbf is %s", ErrNotYetValid, c.NotBefore.UTC().Format(time.RFC3339))
	}
	if !c.IssuedAt.IsZero() && now.Add(v.leeway).Before(c.IssuedAt) {
		return fmt.Errorf("%w: issued at %s, in the future", ErrNotYetValid, c.IssuedAt.UTC().Format(time.RFC3339))
	}
	if !v.anyClient {
		client := c.ClientID
		if c.TokenUse == IDToken {
			client = ""
			for _, aud := range c.Audience {
				if slices.Contains(v.clientIDs, aud) {
					client = aud
				}
			}
		}
		if !slices.Contains(v.clientIDs, client) {
			return fmt.Errorf("%w: the token is not for an accepted app client", ErrWrongAudience)
		}
	}
	switch {
	case v.callers == Users && c.IsClient():
		return fmt.Errorf("%w: a machine's token (client credentials), want a user's", ErrWrongCaller)
	case v.callers == Clients && !c.IsClient():
		return fmt.Errorf("%w: a user's token, want a machine's (client credentials)", ErrWrongCaller)
	}
	if len(v.groups) > 0 && !slices.ContainsFunc(v.groups, func(g string) bool { return slices.Contains(c.Groups, g) }) {
		return fmt.Errorf("%w: the user is in none of %v", ErrMissingGroup, v.groups)
	}
	for _, s := range v.scopes {
		if !c.HasScope(s) {
			return fmt.Errorf("%w: %q", ErrMissingScope, s)
		}
	}
	return nil
}

// truncate shortens untrusted text quoted in an error.
func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
