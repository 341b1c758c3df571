package jwtverify_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/cognitokit/cognito/jwtverify"
)

// benchSetup is a Cognito-shaped access token signed with a 2048-bit key,
// a Verifier for it whose key set is already fetched, and what a bare RSA
// verification of the token needs.
type benchSetup struct {
	raw    string
	v      *jwtverify.Verifier
	pub    *rsa.PublicKey
	digest []byte
	sig    []byte
}

func newBench(b *testing.B, cacheSize int) *benchSetup {
	b.Helper()
	f := newForge(b)
	v := f.verifier(b, func(c *jwtverify.Config) { c.CacheSize = cacheSize })
	if err := v.Prefetch(context.Background()); err != nil {
		b.Fatal(err)
	}
	raw := f.sign(b, f.access())
	if _, err := v.Verify(context.Background(), raw); err != nil {
		b.Fatal(err)
	}
	i := strings.LastIndexByte(raw, '.')
	sig, err := base64.RawURLEncoding.DecodeString(raw[i+1:])
	if err != nil {
		b.Fatal(err)
	}
	digest := sha256.Sum256([]byte(raw[:i]))
	return &benchSetup{raw: raw, v: v, pub: &f.key.PublicKey, digest: digest[:], sig: sig}
}

func (s *benchSetup) baseline(b *testing.B) {
	if err := rsa.VerifyPKCS1v15(s.pub, crypto.SHA256, s.digest, s.sig); err != nil {
		b.Fatal(err)
	}
}

func (s *benchSetup) verify(b *testing.B) {
	if _, err := s.v.Verify(context.Background(), s.raw); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkRSAVerifyBaseline is the floor: the RS256 signature check alone,
// on a precomputed digest.
func BenchmarkRSAVerifyBaseline(b *testing.B) {
	s := newBench(b, -1)
	b.ReportAllocs()
	for b.Loop() {
		s.baseline(b)
	}
}

// BenchmarkVerifyCold verifies with no cache: every check and the
// signature, each time.
func BenchmarkVerifyCold(b *testing.B) {
	s := newBench(b, -1)
	b.ReportAllocs()
	for b.Loop() {
		s.verify(b)
	}
}

// BenchmarkVerifyWarm verifies a token already in the cache.
func BenchmarkVerifyWarm(b *testing.B) {
	s := newBench(b, 0)
	b.ReportAllocs()
	for b.Loop() {
		s.verify(b)
	}
}

// BenchmarkVerifyColdRatio alternates a cold Verify and the bare RSA check
// in one loop and reports their ratio (goal: at most 1.15).
func BenchmarkVerifyColdRatio(b *testing.B) {
	s := newBench(b, -1)
	var base, cold time.Duration
	for b.Loop() {
		t0 := time.Now()
		s.baseline(b)
		t1 := time.Now()
		s.verify(b)
		t2 := time.Now()
		base += t1.Sub(t0)
		cold += t2.Sub(t1)
	}
	b.ReportMetric(float64(cold)/float64(base), "x-baseline")
	b.ReportMetric(float64(cold-base)/float64(b.N), "overhead-ns/op")
}

// BenchmarkVerifyWarmRatio reports a cached Verify against the bare RSA
// check, measured in the same loop (goal: a warm Verify of at most 2 µs).
func BenchmarkVerifyWarmRatio(b *testing.B) {
	s := newBench(b, 0)
	var base, warm time.Duration
	for b.Loop() {
		t0 := time.Now()
		s.baseline(b)
		t1 := time.Now()
		s.verify(b)
		t2 := time.Now()
		base += t1.Sub(t0)
		warm += t2.Sub(t1)
	}
	b.ReportMetric(float64(warm)/float64(base), "x-baseline")
	b.ReportMetric(float64(warm)/float64(b.N), "warm-ns/op")
}
