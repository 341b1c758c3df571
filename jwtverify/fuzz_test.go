package jwtverify_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/cognitokit/cognito/jwtverify"
)

// FuzzVerify feeds Verify arbitrary strings: it must not panic, must refuse
// everything but the tokens the pool's key signed, with one of the
// package's errors, and must not quote the string in the error.
func FuzzVerify(f *testing.F) {
	fg := newForge(f)
	v := fg.verifier(f, func(c *jwtverify.Config) {
		c.TokenUse = jwtverify.AnyToken
		c.ClientIDs = []string{testClientID}
		c.Leeway = 0
	})
	access := fg.sign(f, fg.access())
	id := fg.sign(f, fg.id())
	valid := map[string]bool{access: true, id: true}
	parts := strings.Split(access, ".")

	seeds := []string{
		access, id,
		access[:len(access)/2], access[:len(parts[0])+1], access[:len(access)-1], access + "A", access + ".",
		parts[0] + "." + parts[1] + ".", parts[0] + ".." + parts[2], "." + parts[1] + "." + parts[2],
		parts[1] + "." + parts[0] + "." + parts[2],
		unsigned(f, map[string]any{"alg": "none", "kid": fg.kid}, fg.access(), ""),
		unsigned(f, map[string]any{"alg": "RS256", "kid": fg.kid}, jwt.MapClaims{"exp": "x"}, parts[2]),
		unsigned(f, map[string]any{"alg": "RS256", "kid": "unknown"}, fg.access(), parts[2]),
		signWith(f, jwt.SigningMethodHS256, []byte("secret"), map[string]any{"kid": fg.kid}, fg.access()),
		fg.other.sign(f, fg.access()),
		"", ".", "..", "...", "a.b.c", "a.b", "a.b.c.d", "eyJ.eyJ.eyJ", "e30.e30.e30", "e30.e30.",
		"bnVsbA.bnVsbA.", "W10.W10.", "IiI.IiI.", // null, [], ""
		base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","kid":"key-1"}`)) + ".e30.AAAA",
		strings.Repeat("A", 100) + "." + strings.Repeat("_", 100) + "." + strings.Repeat("-", 100),
		"Bearer " + access, "\x00.\x00.\x00", "é.é.é",
	}
	for _, s := range seeds {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, raw string) {
		claims, err := v.Verify(context.Background(), raw)
		if err == nil {
			if claims == nil {
				t.Fatal("Verify returned neither claims nor an error")
			}
			if !valid[raw] {
				t.Fatalf("Verify accepted a token the pool did not sign: %q", raw)
			}
			return
		}
		if claims != nil {
			t.Fatalf("Verify returned claims with its error %v", err)
		}
		if !matchesSentinel(err) {
			t.Fatalf("the error %q matches none of the package's errors", err)
		}
		if len(raw) >= 16 && strings.Contains(err.Error(), raw) {
			t.Fatalf("the error quotes the token: %q", err)
		}
	})
}

func matchesSentinel(err error) bool {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
