package jwtverify_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/cognitokit/cognito/jwtverify"
)

// TestKeyRotation: a token signed with a new key is accepted once the
// refetch interval has passed since the last fetch.
func TestKeyRotation(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	v := f.verifier(t, func(c *jwtverify.Config) { c.RefetchInterval = time.Minute })
	ctx := context.Background()
	oldKey, newKey := f.signer, signer{key: f.other.key, kid: "key-2"}

	if _, err := v.Verify(ctx, oldKey.sign(t, f.access())); err != nil {
		t.Fatalf("old key: %v", err)
	}
	if n := f.jwks.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches after the first Verify, want 1", n)
	}

	// The pool publishes the new key next to the old one and signs with it.
	f.jwks.publish(t, oldKey, newKey)
	newTok := newKey.sign(t, f.access())
	f.clock.Advance(30 * time.Second)
	_, err := v.Verify(ctx, newTok)
	checkErr(t, err, jwtverify.ErrUnknownKey, newTok)
	if n := f.jwks.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches within the interval, want 1", n)
	}

	f.clock.Advance(30 * time.Second)
	if _, err := v.Verify(ctx, newTok); err != nil {
		t.Fatalf("new key after the interval: %v", err)
	}
	if n := f.jwks.fetches.Load(); n != 2 {
		t.Fatalf("%d fetches, want 2", n)
	}
	if _, err := v.Verify(ctx, oldKey.sign(t, f.access())); err != nil {
		t.Fatalf("old key, still published: %v", err)
	}

	// The old key is withdrawn: new tokens under it are refused once the
	// set is fetched again.
	f.jwks.publish(t, newKey)
	f.clock.Advance(time.Minute)
	if _, err := v.Verify(ctx, signer{f.key, "key-3"}.sign(t, f.access())); !errors.Is(err, jwtverify.ErrUnknownKey) {
		t.Fatalf("unknown kid: %v", err)
	}
	if n := f.jwks.fetches.Load(); n != 3 {
		t.Fatalf("%d fetches, want 3", n)
	}
	old := oldKey.sign(t, f.access())
	_, err = v.Verify(ctx, old)
	checkErr(t, err, jwtverify.ErrUnknownKey, old)
	if _, err := v.Verify(ctx, newKey.sign(t, f.access())); err != nil {
		t.Fatalf("new key: %v", err)
	}
}

// TestKeysSurviveFailedFetch: when a refetch fails, the keys already known
// keep working and the failure is not retried before the interval.
func TestKeysSurviveFailedFetch(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	v := f.verifier(t, nil)
	ctx := context.Background()
	if err := v.Prefetch(ctx); err != nil {
		t.Fatal(err)
	}
	f.jwks.answer(http.StatusInternalServerError, nil)
	f.clock.Advance(2 * time.Minute)
	unknown := signer{f.other.key, "key-2"}.sign(t, f.access())
	_, err := v.Verify(ctx, unknown)
	checkErr(t, err, jwtverify.ErrJWKSUnavailable, unknown)
	if _, err := v.Verify(ctx, f.sign(t, f.access())); err != nil {
		t.Fatalf("known key after a failed fetch: %v", err)
	}
	_, err = v.Verify(ctx, unknown)
	checkErr(t, err, jwtverify.ErrJWKSUnavailable, unknown)
	if n := f.jwks.fetches.Load(); n != 2 {
		t.Fatalf("%d fetches, want 2 (the failure is not retried within the interval)", n)
	}
}

// unknownKidTokens returns n tokens with distinct kids the pool does not
// publish. Their signatures are junk: a token with an unknown kid is refused
// before its signature is looked at.
func unknownKidTokens(t *testing.T, f *forge, n int, prefix string) []string {
	claims := b64(t, f.access())
	toks := make([]string, n)
	for i := range toks {
		toks[i] = b64(t, map[string]any{"alg": "RS256", "typ": "JWT", "kid": fmt.Sprintf("%s-%d", prefix, i)}) + "." + claims + ".c2lnbmF0dXJl"
	}
	return toks
}

// verifyAll verifies toks concurrently and returns the errors.
func verifyAll(v *jwtverify.Verifier, toks []string) []error {
	errs := make([]error, len(toks))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, raw := range toks {
		wg.Go(func() {
			<-start
			_, errs[i] = v.Verify(context.Background(), raw)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// TestUnknownKidFlood: a thousand tokens with made-up kids cost at most one
// fetch per refetch interval.
func TestUnknownKidFlood(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	v := f.verifier(t, func(c *jwtverify.Config) { c.RefetchInterval = time.Minute })
	if err := v.Prefetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	check := func(round string, toks []string, wantFetches int64) {
		t.Helper()
		for i, err := range verifyAll(v, toks) {
			if !errors.Is(err, jwtverify.ErrUnknownKey) {
				t.Fatalf("%s: token %d: %v", round, i, err)
			}
		}
		if n := f.jwks.fetches.Load(); n != wantFetches {
			t.Fatalf("%s: %d fetches, want %d", round, n, wantFetches)
		}
	}
	check("within the interval of the prefetch", unknownKidTokens(t, f, 1000, "a"), 1)
	f.clock.Advance(time.Minute)
	check("after the interval", unknownKidTokens(t, f, 1000, "b"), 2)
	f.clock.Advance(59 * time.Second)
	check("within the interval of the refetch", unknownKidTokens(t, f, 1000, "c"), 2)
	f.clock.Advance(time.Second)
	check("after the second interval", unknownKidTokens(t, f, 1000, "d"), 3)
}

// TestFirstUseFetchesOnce: concurrent first uses share one fetch.
func TestFirstUseFetchesOnce(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	v := f.verifier(t, nil)
	// A slow answer keeps the first fetch in flight while the others arrive.
	f.jwks.handle(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond)
		f.jwks.mu.Lock()
		body := f.jwks.body
		f.jwks.mu.Unlock()
		w.Write(body)
	})
	f.jwks.mu.Lock()
	f.jwks.body = mustJWKS(t, f.signer)
	f.jwks.mu.Unlock()
	signed := []string{f.sign(t, f.access()), f.sign(t, f.access()), f.sign(t, f.access())}
	toks := make([]string, 50)
	for i := range toks {
		toks[i] = signed[i%len(signed)]
	}
	for i, err := range verifyAll(v, toks) {
		if err != nil {
			t.Fatalf("token %d: %v", i, err)
		}
	}
	if n := f.jwks.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches for 50 concurrent first uses, want 1", n)
	}
}

// mustJWKS is the key-set document publishing keys.
func mustJWKS(t *testing.T, keys ...signer) []byte {
	s := &jwksServer{}
	s.publish(t, keys...)
	return s.body
}

// TestPrefetch: Prefetch fetches now, every time it is called, and reports
// errors; Verify then needs no fetch.
func TestPrefetch(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	v := f.verifier(t, nil)
	ctx := context.Background()
	if n := f.jwks.fetches.Load(); n != 0 {
		t.Fatalf("New fetched %d times", n)
	}
	if err := v.Prefetch(ctx); err != nil {
		t.Fatalf("Prefetch: %v", err)
	}
	if err := v.Prefetch(ctx); err != nil {
		t.Fatalf("Prefetch: %v", err)
	}
	if n := f.jwks.fetches.Load(); n != 2 {
		t.Fatalf("%d fetches after two Prefetch, want 2", n)
	}
	if _, err := v.Verify(ctx, f.sign(t, f.access())); err != nil {
		t.Fatal(err)
	}
	if n := f.jwks.fetches.Load(); n != 2 {
		t.Fatalf("Verify fetched after Prefetch (%d fetches)", n)
	}

	// A failing Prefetch reports ErrJWKSUnavailable; Verify shares that
	// outcome until the interval passes, then succeeds once the server is
	// back.
	f2 := newForge(t)
	f2.jwks.answer(http.StatusServiceUnavailable, []byte("try later"))
	v2 := f2.verifier(t, nil)
	if err := v2.Prefetch(ctx); !errors.Is(err, jwtverify.ErrJWKSUnavailable) {
		t.Fatalf("Prefetch from a failing server: %v", err)
	}
	raw := f2.sign(t, f2.access())
	_, err := v2.Verify(ctx, raw)
	checkErr(t, err, jwtverify.ErrJWKSUnavailable, raw)
	if n := f2.jwks.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1", n)
	}
	f2.jwks.publish(t, f2.signer)
	f2.clock.Advance(time.Minute)
	if _, err := v2.Verify(ctx, raw); err != nil {
		t.Fatalf("Verify once the server is back: %v", err)
	}
	// Prefetch is not rate-limited: it is the caller's explicit request.
	f2.jwks.answer(http.StatusServiceUnavailable, nil)
	if err := v2.Prefetch(ctx); !errors.Is(err, jwtverify.ErrJWKSUnavailable) {
		t.Fatalf("Prefetch: %v", err)
	}
	if n := f2.jwks.fetches.Load(); n != 3 {
		t.Fatalf("%d fetches, want 3", n)
	}
	// The keys fetched before still work.
	if _, err := v2.Verify(ctx, f2.sign(t, f2.access())); err != nil {
		t.Fatalf("Verify after a failed Prefetch: %v", err)
	}
}

// TestCanceledCallerDoesNotPoisonKeys: a caller that gives up on the first
// fetch (its request was canceled, its deadline was short) must not make
// every other caller fail until the refetch interval passes.
func TestCanceledCallerDoesNotPoisonKeys(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	v := f.verifier(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	raw := f.sign(t, f.access())
	_, err := v.Verify(ctx, raw)
	checkErr(t, err, jwtverify.ErrJWKSUnavailable, raw)
	if _, err := v.Verify(context.Background(), raw); err != nil {
		t.Fatalf("the next caller, whose context is live: %v", err)
	}
}
