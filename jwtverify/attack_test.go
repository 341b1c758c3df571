package jwtverify_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"

	"github.com/cognitokit/cognito/jwtverify"
)

// TestAttacks: forged, tampered and misdirected tokens are each refused with
// their own error, which does not quote the token.
func TestAttacks(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	pub := &f.key.PublicKey
	pkix, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	pkixPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix})
	pkcs1PEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(pub)})
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := f.clock.Now()
	valid := f.sign(t, f.access())
	parts := strings.Split(valid, ".")
	hs := func(secret []byte) string {
		return signWith(t, jwt.SigningMethodHS256, secret, map[string]any{"kid": f.kid}, f.access())
	}
	none := func(alg string) string {
		return unsigned(t, map[string]any{"alg": alg, "typ": "JWT", "kid": f.kid}, f.access(), "")
	}
	tampered := func(changes jwt.MapClaims) string {
		return parts[0] + "." + b64(t, with(f.access(), changes)) + "." + parts[2]
	}
	idWanted := func(c *jwtverify.Config) { c.TokenUse = jwtverify.IDToken }
	anyWanted := func(c *jwtverify.Config) { c.TokenUse = jwtverify.AnyToken }
	leeway := func(c *jwtverify.Config) { c.Leeway = 30 * time.Second }
	groups := func(c *jwtverify.Config) { c.Groups = []string{"admin", "owners"} }
	scopes := func(c *jwtverify.Config) { c.Scopes = []string{"openid", "orders/write"} }
	huge := f.sign(t, with(f.access(), map[string]any{"pad": strings.Repeat("x", 16*1024)}))

	for _, tc := range []struct {
		name string
		raw  string
		edit func(*jwtverify.Config)
		want error // nil: accepted
	}{
		{"valid (control)", valid, nil, nil},

		// The signature.
		{"alg none", none("none"), nil, jwtverify.ErrBadSignature},
		{"alg none with a signature", unsigned(t, map[string]any{"alg": "none", "kid": f.kid}, f.access(), parts[2]), nil, jwtverify.ErrBadSignature},
		{"alg None", none("None"), nil, jwtverify.ErrBadSignature},
		{"alg NONE", none("NONE"), nil, jwtverify.ErrBadSignature},
		{"alg missing", unsigned(t, map[string]any{"kid": f.kid}, f.access(), parts[2]), nil, jwtverify.ErrBadSignature},
		{"alg not a string", unsigned(t, map[string]any{"alg": 256, "kid": f.kid}, f.access(), parts[2]), nil, jwtverify.ErrBadSignature},
		{"HS256 keyed with the PKIX PEM", hs(pkixPEM), nil, jwtverify.ErrBadSignature},
		{"HS256 keyed with the PKCS#1 PEM", hs(pkcs1PEM), nil, jwtverify.ErrBadSignature},
		{"HS256 keyed with the PKIX DER", hs(pkix), nil, jwtverify.ErrBadSignature},
		{"HS256 keyed with the modulus", hs(pub.N.Bytes()), nil, jwtverify.ErrBadSignature},
		{"RS256 header, HS256 signature", parts[0] + "." + parts[1] + "." + strings.Split(hs(pkixPEM), ".")[2], nil, jwtverify.ErrBadSignature},
		{"ES256", signWith(t, jwt.SigningMethodES256, ecKey, map[string]any{"kid": f.kid}, f.access()), nil, jwtverify.ErrBadSignature},
		{"PS256 with the right key", signWith(t, jwt.SigningMethodPS256, f.key, map[string]any{"kid": f.kid}, f.access()), nil, jwtverify.ErrBadSignature},
		{"RS512 with the right key", signWith(t, jwt.SigningMethodRS512, f.key, map[string]any{"kid": f.kid}, f.access()), nil, jwtverify.ErrBadSignature},
		{"another key under a known kid", signer{f.other.key, f.kid}.sign(t, f.access()), nil, jwtverify.ErrBadSignature},
		{"tampered sub", tampered(map[string]any{"sub": "00000000-0000-0000-0000-000000000000"}), nil, jwtverify.ErrBadSignature},
		{"tampered groups", tampered(map[string]any{"cognito:groups": []string{"admin"}}), groups, jwtverify.ErrBadSignature},
		{"tampered exp", tampered(map[string]any{"exp": now.Add(1000 * time.Hour).Unix()}), nil, jwtverify.ErrBadSignature},
		{"tampered header", b64(t, map[string]any{"alg": "RS256", "kid": f.kid, "typ": "JWT", "x5u": "https://evil.example/"}) + "." + parts[1] + "." + parts[2], nil, jwtverify.ErrBadSignature},
		{"signature of another token", parts[0] + "." + parts[1] + "." + strings.Split(f.sign(t, f.access()), ".")[2], nil, jwtverify.ErrBadSignature},
		{"signature flipped", parts[0] + "." + parts[1] + "." + flip(parts[2]), nil, jwtverify.ErrBadSignature},
		{"signature truncated", parts[0] + "." + parts[1] + "." + reencode(t, parts[2], func(b []byte) []byte { return b[:len(b)-3] }), nil, jwtverify.ErrBadSignature},
		{"signature too long", parts[0] + "." + parts[1] + "." + reencode(t, parts[2], func(b []byte) []byte { return append(b, 0) }), nil, jwtverify.ErrBadSignature},
		{"signature truncated to a wrong base64 length", parts[0] + "." + parts[1] + "." + parts[2][:len(parts[2])-1], nil, jwtverify.ErrMalformed},
		{"signature empty", parts[0] + "." + parts[1] + ".", nil, jwtverify.ErrBadSignature},
		{"signature zero", parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(make([]byte, 256)), nil, jwtverify.ErrBadSignature},
		{"signature with a line break", parts[0] + "." + parts[1] + "." + parts[2][:100] + "\n" + parts[2][100:], nil, jwtverify.ErrMalformed},
		{"signature with padding", parts[0] + "." + parts[1] + "." + parts[2] + "==", nil, jwtverify.ErrMalformed},
		{"signature with other trailing bits", parts[0] + "." + parts[1] + "." + trailingBits(parts[2]), nil, jwtverify.ErrMalformed},
		{"standard base64", parts[0] + "." + parts[1] + "." + strings.NewReplacer("-", "+", "_", "/").Replace(parts[2]), nil, jwtverify.ErrMalformed},

		// The key.
		{"unknown kid", signer{f.other.key, "key-9"}.sign(t, f.access()), nil, jwtverify.ErrUnknownKey},
		{"unknown kid, right key", signer{f.key, "key-9"}.sign(t, f.access()), nil, jwtverify.ErrUnknownKey},
		{"no kid", signWith(t, jwt.SigningMethodRS256, f.key, nil, f.access()), nil, jwtverify.ErrMalformed},
		{"kid not a string", signWith(t, jwt.SigningMethodRS256, f.key, map[string]any{"kid": 1}, f.access()), nil, jwtverify.ErrMalformed},

		// The issuer.
		{"wrong iss", f.sign(t, with(f.access(), map[string]any{"iss": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Evil"})), nil, jwtverify.ErrWrongIssuer},
		{"iss with a trailing slash", f.sign(t, with(f.access(), map[string]any{"iss": f.jwks.issuer + "/"})), nil, jwtverify.ErrWrongIssuer},
		{"iss of another case", f.sign(t, with(f.access(), map[string]any{"iss": strings.ToUpper(f.jwks.issuer)})), nil, jwtverify.ErrWrongIssuer},
		{"no iss", f.sign(t, with(f.access(), map[string]any{"iss": nil})), nil, jwtverify.ErrWrongIssuer},
		{"long iss", f.sign(t, with(f.access(), map[string]any{"iss": strings.Repeat("i", 5000)})), nil, jwtverify.ErrWrongIssuer},

		// The app client.
		{"wrong client_id", f.sign(t, with(f.access(), map[string]any{"client_id": otherClient})), nil, jwtverify.ErrWrongAudience},
		{"no client_id", f.sign(t, with(f.access(), map[string]any{"client_id": nil})), nil, jwtverify.ErrWrongAudience},
		{"access token with aud, not client_id", f.sign(t, with(f.access(), map[string]any{"client_id": nil, "aud": testClientID})), nil, jwtverify.ErrWrongAudience},
		{"wrong aud", f.sign(t, with(f.id(), map[string]any{"aud": otherClient})), idWanted, jwtverify.ErrWrongAudience},
		{"no aud", f.sign(t, with(f.id(), map[string]any{"aud": nil})), idWanted, jwtverify.ErrWrongAudience},
		{"ID token with client_id, not aud", f.sign(t, with(f.id(), map[string]any{"aud": nil, "client_id": testClientID})), idWanted, jwtverify.ErrWrongAudience},
		{"aud list without the client", f.sign(t, with(f.id(), map[string]any{"aud": []string{otherClient, "x"}})), idWanted, jwtverify.ErrWrongAudience},
		{"aud list with the client", f.sign(t, with(f.id(), map[string]any{"aud": []string{otherClient, testClientID}})), idWanted, nil},
		{"skip client check", f.sign(t, with(f.access(), map[string]any{"client_id": otherClient})), func(c *jwtverify.Config) { c.ClientIDs, c.SkipClientIDCheck = nil, true }, nil},

		// The token use.
		{"ID token where access is wanted", f.sign(t, f.id()), nil, jwtverify.ErrWrongTokenUse},
		{"access token where ID is wanted", valid, idWanted, jwtverify.ErrWrongTokenUse},
		{"refresh token_use", f.sign(t, with(f.access(), map[string]any{"token_use": "refresh"})), anyWanted, jwtverify.ErrWrongTokenUse},
		{"token_use any", f.sign(t, with(f.access(), map[string]any{"token_use": "any"})), anyWanted, jwtverify.ErrWrongTokenUse},
		{"no token_use", f.sign(t, with(f.access(), map[string]any{"token_use": nil})), anyWanted, jwtverify.ErrWrongTokenUse},
		{"ID token, any wanted", f.sign(t, f.id()), anyWanted, nil},

		// Time.
		{"expired", f.sign(t, with(f.access(), map[string]any{"exp": now.Add(-time.Second).Unix()})), nil, jwtverify.ErrExpired},
		{"expiring now", f.sign(t, with(f.access(), map[string]any{"exp": now.Unix()})), nil, jwtverify.ErrExpired},
		{"expired within leeway", f.sign(t, with(f.access(), map[string]any{"exp": now.Add(-29 * time.Second).Unix()})), leeway, nil},
		{"expired beyond leeway", f.sign(t, with(f.access(), map[string]any{"exp": now.Add(-30 * time.Second).Unix()})), leeway, jwtverify.ErrExpired},
		{"exp not a number", f.sign(t, with(f.access(), map[string]any{"exp": "tomorrow"})), nil, jwtverify.ErrMalformed},
		{"no exp", f.sign(t, with(f.access(), map[string]any{"exp": nil})), nil, jwtverify.ErrMalformed},
		{"nbf in the future", f.sign(t, with(f.access(), map[string]any{"nbf": now.Add(time.Minute).Unix()})), nil, jwtverify.ErrNotYetValid},
		{"nbf within leeway", f.sign(t, with(f.access(), map[string]any{"nbf": now.Add(30 * time.Second).Unix()})), leeway, nil},
		{"nbf now", f.sign(t, with(f.access(), map[string]any{"nbf": now.Unix()})), nil, nil},
		{"iat in the future", f.sign(t, with(f.access(), map[string]any{"iat": now.Add(time.Second).Unix()})), nil, jwtverify.ErrNotYetValid},
		{"iat beyond leeway", f.sign(t, with(f.access(), map[string]any{"iat": now.Add(31 * time.Second).Unix()})), leeway, jwtverify.ErrNotYetValid},
		{"iat within leeway", f.sign(t, with(f.access(), map[string]any{"iat": now.Add(30 * time.Second).Unix()})), leeway, nil},
		{"no iat", f.sign(t, with(f.access(), map[string]any{"iat": nil})), nil, nil},

		// Groups and scopes.
		{"missing group", valid, groups, jwtverify.ErrMissingGroup},
		{"no groups", f.sign(t, with(f.access(), map[string]any{"cognito:groups": nil})), groups, jwtverify.ErrMissingGroup},
		{"one of the groups", f.sign(t, with(f.access(), map[string]any{"cognito:groups": []string{"users", "owners"}})), groups, nil},
		{"missing scope", valid, scopes, jwtverify.ErrMissingScope},
		{"scope prefix is not the scope", f.sign(t, with(f.access(), map[string]any{"scope": "openid orders/writer orders"})), scopes, jwtverify.ErrMissingScope},
		{"ID token has no scopes", f.sign(t, f.id()), func(c *jwtverify.Config) { scopes(c); idWanted(c) }, jwtverify.ErrMissingScope},
		{"all the scopes", f.sign(t, with(f.access(), map[string]any{"scope": "orders/write openid"})), scopes, nil},

		// Shape.
		{"huge but signed", huge, nil, jwtverify.ErrMalformed},
		{"huge garbage", strings.Repeat("a", 1<<20), nil, jwtverify.ErrMalformed},
		{"empty", "", nil, jwtverify.ErrMalformed},
		{"one part", "abc", nil, jwtverify.ErrMalformed},
		{"two parts", parts[0] + "." + parts[1], nil, jwtverify.ErrMalformed},
		{"four parts", valid + "." + parts[2], nil, jwtverify.ErrMalformed},
		{"dots", "..", nil, jwtverify.ErrMalformed},
		{"a.b.c", "a.b.c", nil, jwtverify.ErrMalformed},
		{"Bearer prefix", "Bearer " + valid, nil, jwtverify.ErrMalformed},
		{"surrounding space", " " + valid + "\n", nil, jwtverify.ErrMalformed},
		{"header not JSON", b64(t, "not json") + "." + parts[1] + "." + parts[2], nil, jwtverify.ErrMalformed},
		{"header a JSON array", b64(t, "[1,2]") + "." + parts[1] + "." + parts[2], nil, jwtverify.ErrMalformed},
		{"payload not JSON", parts[0] + "." + b64(t, "{not json") + "." + parts[2], nil, jwtverify.ErrMalformed},
		{"payload a JSON string", parts[0] + "." + b64(t, `"claims"`) + "." + parts[2], nil, jwtverify.ErrMalformed},
		{"payload not base64", parts[0] + ".@@@." + parts[2], nil, jwtverify.ErrMalformed},
		{"groups not a list", f.sign(t, with(f.access(), map[string]any{"cognito:groups": map[string]any{"a": 1}})), nil, jwtverify.ErrMalformed},
		{"binary", "\x00\xff\xfe.\x01.\x02", nil, jwtverify.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := f.verifier(t, tc.edit)
			claims, err := v.Verify(context.Background(), tc.raw)
			if tc.want == nil {
				if err != nil || claims == nil {
					t.Fatalf("Verify = %v, %v; want the token accepted", claims, err)
				}
				return
			}
			if claims != nil {
				t.Errorf("Verify returned claims with its error")
			}
			checkErr(t, err, tc.want, tc.raw)
			for _, s := range sentinels {
				if s != tc.want && errors.Is(err, s) {
					t.Errorf("err %v also matches %v", err, s)
				}
			}
		})
	}
}

// flip changes one character of a base64url segment, in its middle.
func flip(seg string) string {
	b := []byte(seg)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// reencode decodes a base64url segment, edits the bytes and encodes them.
func reencode(t *testing.T, seg string, edit func([]byte) []byte) string {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(edit(b))
}

// trailingBits changes the unused low bits of the last character of a
// base64url segment whose length is not a multiple of 4: the decoded bytes
// stay the same, the text does not.
func trailingBits(seg string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, seg[len(seg)-1])
	var unused int
	switch len(seg) % 4 {
	case 2:
		unused = 0xf
	case 3:
		unused = 0x3
	default:
		panic("no trailing bits")
	}
	return seg[:len(seg)-1] + string(alphabet[last^unused])
}

// TestJWKSFailures: a key set that cannot be had is ErrJWKSUnavailable,
// promptly, whatever the way it fails.
func TestJWKSFailures(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	raw := f.sign(t, f.access())
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edKey, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaJWK := func(edit func(*jose.JSONWebKey)) jose.JSONWebKey {
		k := jose.JSONWebKey{Key: &f.key.PublicKey, KeyID: f.kid, Algorithm: "RS256", Use: "sig"}
		if edit != nil {
			edit(&k)
		}
		return k
	}

	for _, tc := range []struct {
		name   string
		status int
		body   string
		set    *jose.JSONWebKeySet
	}{
		{name: "garbage", status: 200, body: "garbage"},
		{name: "HTML", status: 200, body: "<!doctype html><html><body>Welcome</body></html>"},
		{name: "empty body", status: 200, body: ""},
		{name: "JSON null", status: 200, body: "null"},
		{name: "JSON array", status: 200, body: `[{"kty":"RSA"}]`},
		{name: "empty key set", status: 200, body: `{"keys":[]}`},
		{name: "no keys member", status: 200, body: `{}`},
		{name: "truncated", status: 200, body: `{"keys":[{"kty":"RSA","kid":"key-1","n":"`},
		{name: "longer than 1 MiB", status: 200, body: `{"keys":[],"pad":"` + strings.Repeat("x", 1<<20) + `"}`},
		{name: "status 500", status: 500, body: `{"keys":[]}`},
		{name: "status 404", status: 404, body: "not found"},
		{name: "status 302", status: 302, body: ""},
		{name: "an EC key", set: &jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &ecKey.PublicKey, KeyID: f.kid, Algorithm: "ES256", Use: "sig"}}}},
		{name: "an Ed25519 key", set: &jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: edKey, KeyID: f.kid, Algorithm: "EdDSA", Use: "sig"}}}},
		{name: "a symmetric key", set: &jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: []byte("secret"), KeyID: f.kid, Algorithm: "HS256", Use: "sig"}}}},
		{name: "an encryption key", set: &jose.JSONWebKeySet{Keys: []jose.JSONWebKey{rsaJWK(func(k *jose.JSONWebKey) { k.Use = "enc" })}}},
		{name: "an RS512 key", set: &jose.JSONWebKeySet{Keys: []jose.JSONWebKey{rsaJWK(func(k *jose.JSONWebKey) { k.Algorithm = "RS512" })}}},
		{name: "an RSA key without kid", set: &jose.JSONWebKeySet{Keys: []jose.JSONWebKey{rsaJWK(func(k *jose.JSONWebKey) { k.KeyID = "" })}}},
		{name: "a private key", status: 200, body: `{"keys":[{"kty":"RSA","kid":"key-1","n":"AQAB","e":"AQAB","d":"bad"}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newJWKSServer(t)
			if tc.set != nil {
				s.publishSet(t, *tc.set)
			} else {
				s.answer(tc.status, []byte(tc.body))
			}
			cfg := f.config()
			cfg.Issuer = s.issuer
			v, err := jwtverify.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			tok := f.sign(t, with(f.access(), map[string]any{"iss": s.issuer}))
			_, err = v.Verify(context.Background(), tok)
			checkErr(t, err, jwtverify.ErrJWKSUnavailable, tok)
			err = v.Prefetch(context.Background())
			checkErr(t, err, jwtverify.ErrJWKSUnavailable, tok)
		})
	}

	t.Run("closed port", func(t *testing.T) {
		t.Parallel()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		v := f.verifier(t, func(c *jwtverify.Config) { c.JWKSURL = "http://" + addr + "/jwks.json" })
		_, err = v.Verify(context.Background(), raw)
		checkErr(t, err, jwtverify.ErrJWKSUnavailable, raw)
	})

	t.Run("bad URL", func(t *testing.T) {
		t.Parallel()
		v := f.verifier(t, func(c *jwtverify.Config) { c.JWKSURL = "::not a url" })
		_, err := v.Verify(context.Background(), raw)
		checkErr(t, err, jwtverify.ErrJWKSUnavailable, raw)
	})

	// A server that never answers: the verifier gives up on its HTTP
	// client's timeout or the caller's deadline. The handler is released
	// only after Verify returns, so a Verify that waited for it would hang
	// the test instead of passing.
	for _, tc := range []struct {
		name string
		edit func(*jwtverify.Config)
		ctx  func() (context.Context, context.CancelFunc)
	}{
		{"HTTP client timeout", func(c *jwtverify.Config) { c.HTTPClient = &http.Client{Timeout: 50 * time.Millisecond} },
			func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }},
		{"context deadline", nil,
			func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 50*time.Millisecond)
			}},
		{"context canceled", nil,
			func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(20*time.Millisecond, cancel)
				return ctx, cancel
			}},
	} {
		t.Run("slow: "+tc.name, func(t *testing.T) {
			t.Parallel()
			s := newJWKSServer(t)
			release := make(chan struct{})
			t.Cleanup(func() { close(release) }) // before the server's Close
			s.handle(func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-release:
				case <-r.Context().Done():
				}
			})
			cfg := f.config()
			cfg.Issuer = s.issuer
			if tc.edit != nil {
				tc.edit(&cfg)
			}
			v, err := jwtverify.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			tok := f.sign(t, with(f.access(), map[string]any{"iss": s.issuer}))
			ctx, cancel := tc.ctx()
			defer cancel()
			_, err = v.Verify(ctx, tok)
			checkErr(t, err, jwtverify.ErrJWKSUnavailable, tok)
		})
	}
}
