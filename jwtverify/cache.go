package jwtverify

import (
	"crypto/sha256"
	"sync"
	"time"
	"unsafe"
)

// tokenCache remembers verified tokens, keyed by the SHA-256 of the token
// (the token itself is not kept), until they expire. It is bounded: when
// full, expired entries go first, then arbitrary ones.
type tokenCache struct {
	mu      sync.RWMutex
	max     int
	entries map[cacheKey]*Claims
}

// cacheKey is the SHA-256 of a token.
type cacheKey [sha256.Size]byte

// newCacheKey hashes raw in place: Sum256 only reads its argument, and the
// []byte(raw) copy would be a token-sized allocation on every cache hit.
func newCacheKey(raw string) cacheKey {
	return sha256.Sum256(unsafe.Slice(unsafe.StringData(raw), len(raw)))
}

func newTokenCache(max int) *tokenCache {
	if max < 0 {
		return nil
	}
	return &tokenCache{max: max, entries: make(map[cacheKey]*Claims)}
}

// get returns the claims of the token key names if it was verified and
// expires after notAfter.
func (c *tokenCache) get(key cacheKey, notAfter time.Time) (*Claims, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.RLock()
	claims, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok || !notAfter.Before(claims.ExpiresAt) {
		return nil, false
	}
	return claims.clone(), true // callers get their own Claims
}

// put remembers claims for the token key names; now is the verifier's
// clock, for eviction.
func (c *tokenCache) put(key cacheKey, claims *Claims, now time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		c.evict(now)
	}
	c.entries[key] = claims.clone()
}

// evict makes room: every expired entry, and at least a tenth of the
// cache (map order is random, so the victims are arbitrary).
func (c *tokenCache) evict(now time.Time) {
	target := len(c.entries) - c.max + max(c.max/10, 1)
	for k, claims := range c.entries {
		if claims.ExpiresAt.Before(now) {
			delete(c.entries, k)
			target--
		}
	}
	for k := range c.entries {
		if target <= 0 {
			break
		}
		delete(c.entries, k)
		target--
	}
}
