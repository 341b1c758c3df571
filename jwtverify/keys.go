package jwtverify

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// maxJWKSSize bounds a key-set response; Cognito's is under a kilobyte.
const maxJWKSSize = 1 << 20

// keySet is the pool's signing keys, fetched from its JWKS URL on first use
// and again when a token names a kid it does not know — at most once per
// interval, with concurrent callers sharing one fetch.
type keySet struct {
	url      string
	client   *http.Client
	now      func() time.Time
	interval time.Duration

	mu        sync.RWMutex
	keys      map[string]*rsa.PublicKey
	fetchedAt time.Time // of the last fetch attempt
	gen       uint64    // counts fetch attempts
	lastErr   error     // of the last fetch attempt

	fetchMu sync.Mutex // one fetch at a time
}

func newKeySet(url string, client *http.Client, now func() time.Time, interval time.Duration) *keySet {
	return &keySet{url: url, client: client, now: now, interval: interval}
}

// key returns the key named kid, fetching the set when kid is unknown and
// the last fetch is at least an interval old.
func (s *keySet) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	s.mu.RLock()
	k, ok := s.keys[kid]
	gen, last, lastErr := s.gen, s.fetchedAt, s.lastErr
	s.mu.RUnlock()
	if ok {
		return k, nil
	}
	if gen > 0 && s.now().Sub(last) < s.interval {
		if lastErr != nil {
			return nil, lastErr
		}
		return nil, fmt.Errorf("%w: kid %q", ErrUnknownKey, truncate(kid))
	}
	if err := s.refresh(ctx, gen, false); err != nil {
		return nil, err
	}
	s.mu.RLock()
	k, ok = s.keys[kid]
	s.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: kid %q", ErrUnknownKey, truncate(kid))
	}
	return k, nil
}

// refresh fetches the key set — unless, when not forced, another caller
// fetched it since generation seen, whose outcome it then shares.
func (s *keySet) refresh(ctx context.Context, seen uint64, force bool) error {
	s.fetchMu.Lock()
	defer s.fetchMu.Unlock()
	s.mu.RLock()
	gen, lastErr := s.gen, s.lastErr
	s.mu.RUnlock()
	if !force && gen != seen {
		return lastErr // a concurrent caller fetched while this one waited
	}
	keys, err := s.fetch(ctx)
	if err != nil && ctx.Err() != nil {
		// This caller gave up; that says nothing about the key set, so
		// it is not recorded and the next caller fetches at once.
		return fmt.Errorf("%w: %w", ErrJWKSUnavailable, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	s.fetchedAt = s.now()
	if err != nil {
		s.lastErr = fmt.Errorf("%w: %w", ErrJWKSUnavailable, err)
		return s.lastErr
	}
	s.keys, s.lastErr = keys, nil
	return nil
}

// fetch downloads and decodes the key set, keeping the RSA signing keys.
func (s *keySet) fetch(ctx context.Context) (map[string]*rsa.PublicKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", s.url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSSize))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", s.url, err)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, fmt.Errorf("GET %s: not a JSON Web Key Set: %w", s.url, err)
	}
	keys := make(map[string]*rsa.PublicKey)
	for _, k := range set.Keys {
		pub, ok := k.Key.(*rsa.PublicKey)
		if !ok || k.KeyID == "" || (k.Use != "" && k.Use != "sig") || (k.Algorithm != "" && k.Algorithm != "RS256") {
			continue
		}
		keys[k.KeyID] = pub
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("GET %s: no RS256 signing keys", s.url)
	}
	return keys, nil
}
