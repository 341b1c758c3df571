package jwtverify_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/cognitokit/cognito/jwtverify"
)

// withdrawKey makes v forget the forge's signing key: the server publishes
// another key only, and a token with that key's kid makes v fetch the set
// again. A token under the old key can then pass only from the cache.
func withdrawKey(t *testing.T, f *forge, v *jwtverify.Verifier) {
	t.Helper()
	f.jwks.publish(t, f.other)
	f.clock.Advance(2 * time.Minute)
	if _, err := v.Verify(context.Background(), f.other.sign(t, f.access())); err != nil {
		t.Fatalf("token under the new key: %v", err)
	}
	fresh := f.sign(t, f.access())
	if _, err := v.Verify(context.Background(), fresh); err == nil {
		t.Fatal("the withdrawn key still verifies new tokens")
	}
}

// TestCacheServesVerifiedTokens: a token verified once is accepted again
// from the cache, even when its key is gone — and only with the cache on.
func TestCacheServesVerifiedTokens(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		cacheSize int
		cached    bool
	}{
		{"default", 0, true},
		{"two entries", 2, true},
		{"disabled", -1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newForge(t)
			v := f.verifier(t, func(c *jwtverify.Config) { c.CacheSize = tc.cacheSize })
			ctx := context.Background()
			raw := f.sign(t, f.access())
			first, err := v.Verify(ctx, raw)
			if err != nil {
				t.Fatal(err)
			}
			withdrawKey(t, f, v)
			again, err := v.Verify(ctx, raw)
			if !tc.cached {
				checkErr(t, err, jwtverify.ErrUnknownKey, raw)
				return
			}
			if err != nil {
				t.Fatalf("cached token: %v", err)
			}
			if again == first || again.Subject != first.Subject || !again.ExpiresAt.Equal(first.ExpiresAt) || again.Scope != first.Scope {
				t.Errorf("cached claims %+v, first %+v", again, first)
			}
			if raw, err := again.Raw(); err != nil || raw["jti"] != first.JTI {
				t.Errorf("cached Raw() = %v, %v", raw, err)
			}
		})
	}
}

// TestCacheExpiry: a cached token expires like any other, Leeway included.
func TestCacheExpiry(t *testing.T) {
	t.Parallel()
	for _, leeway := range []time.Duration{0, 30 * time.Second} {
		f := newForge(t)
		v := f.verifier(t, func(c *jwtverify.Config) { c.Leeway = leeway })
		ctx := context.Background()
		raw := f.sign(t, f.access()) // expires in an hour
		if _, err := v.Verify(ctx, raw); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Hour + leeway - time.Second)
		if _, err := v.Verify(ctx, raw); err != nil {
			t.Fatalf("leeway %v: a second before expiry: %v", leeway, err)
		}
		f.clock.Advance(time.Second)
		_, err := v.Verify(ctx, raw)
		checkErr(t, err, jwtverify.ErrExpired, raw)
	}
}

// TestCacheBounded: the cache never holds more than CacheSize tokens, and
// verifying more than that is no error.
func TestCacheBounded(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	v := f.verifier(t, func(c *jwtverify.Config) { c.CacheSize = 10 })
	ctx := context.Background()
	toks := make([]string, 100)
	for i := range toks {
		toks[i] = f.sign(t, f.access())
		if _, err := v.Verify(ctx, toks[i]); err != nil {
			t.Fatalf("token %d: %v", i, err)
		}
		if n := jwtverify.CacheLen(v); n > 10 || n == 0 {
			t.Fatalf("after %d tokens the cache holds %d", i+1, n)
		}
	}
	for i, raw := range toks {
		if _, err := v.Verify(ctx, raw); err != nil {
			t.Fatalf("token %d again: %v", i, err)
		}
	}
	if n := jwtverify.CacheLen(v); n > 10 {
		t.Fatalf("the cache holds %d", n)
	}
	if n := jwtverify.CacheLen(f.verifier(t, func(c *jwtverify.Config) { c.CacheSize = -1 })); n != 0 {
		t.Fatalf("a disabled cache holds %d", n)
	}
}

// TestClaimsAreTheCallers: what a caller does to the Claims it got changes
// nothing for the next caller, cache or not.
func TestClaimsAreTheCallers(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	v := f.verifier(t, func(c *jwtverify.Config) { c.TokenUse = jwtverify.AnyToken; c.Groups = []string{"users"} })
	ctx := context.Background()
	for _, raw := range []string{f.sign(t, f.access()), f.sign(t, f.id())} {
		want, err := v.Verify(ctx, raw)
		if err != nil {
			t.Fatal(err)
		}
		wantGroups, wantAud, wantExp := slices.Clone(want.Groups), slices.Clone(want.Audience), want.ExpiresAt
		// The first result is the caller's own.
		want.Groups[0] = "admin"
		want.Subject = "mallory"
		want.ExpiresAt = want.ExpiresAt.Add(24 * time.Hour)
		want.IssuedAt = time.Time{}
		for range 3 { // cached results, each edited by its caller
			c, err := v.Verify(ctx, raw)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.Groups, wantGroups) || !slices.Equal(c.Audience, wantAud) || c.Subject == "mallory" ||
				!c.ExpiresAt.Equal(wantExp) || c.IssuedAt.IsZero() {
				t.Fatalf("claims changed by an earlier caller: %+v", c)
			}
			c.Subject = "mallory"
			c.Groups[0] = "admin"
			c.Groups = append(c.Groups, "root")
			if len(c.Audience) > 0 {
				c.Audience[0] = "another-client"
			}
			c.ExpiresAt = c.ExpiresAt.Add(24 * time.Hour)
			c.IssuedAt = time.Time{}
		}
	}
	// Nor does a caller's edit of ExpiresAt keep a token alive.
	raw := f.sign(t, f.access())
	c, err := v.Verify(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	c.ExpiresAt = c.ExpiresAt.Add(24 * time.Hour)
	f.clock.Advance(2 * time.Hour)
	_, err = v.Verify(ctx, raw)
	checkErr(t, err, jwtverify.ErrExpired, raw)
}
