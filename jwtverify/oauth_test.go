package jwtverify_test

import (
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/cognitokit/cognito/jwtverify"
)

// An ID token from the authorization endpoint is accepted only with the
// nonce the sign-in sent.
func TestVerifyIDTokenNonce(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	v := f.verifier(t, func(c *jwtverify.Config) { c.TokenUse = jwtverify.IDToken })
	raw := f.sign(t, with(f.id(), jwt.MapClaims{"nonce": "n-0S6_WzA2Mj"}))
	c, err := v.VerifyIDToken(t.Context(), raw, "n-0S6_WzA2Mj")
	if err != nil || c.Nonce != "n-0S6_WzA2Mj" {
		t.Fatalf("VerifyIDToken with its nonce: %+v, %v", c, err)
	}
	for name, nonce := range map[string]string{"another nonce": "other", "no nonce": ""} {
		_, err := v.VerifyIDToken(t.Context(), raw, nonce)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		checkErr(t, err, jwtverify.ErrWrongNonce, raw)
	}
	noNonce := f.sign(t, f.id())
	_, err = v.VerifyIDToken(t.Context(), noNonce, "n-0S6_WzA2Mj")
	checkErr(t, err, jwtverify.ErrWrongNonce, noNonce)
	// An access token is no ID token, nonce or not.
	any := f.verifier(t, func(c *jwtverify.Config) { c.TokenUse = jwtverify.AnyToken })
	access := f.sign(t, with(f.access(), jwt.MapClaims{"nonce": "n-0S6_WzA2Mj"}))
	_, err = any.VerifyIDToken(t.Context(), access, "n-0S6_WzA2Mj")
	checkErr(t, err, jwtverify.ErrWrongTokenUse, access)
}

// A machine's token (client credentials: no username, sub = client ID,
// custom scopes) is told from a user's, and Callers picks which are
// accepted.
func TestCallers(t *testing.T) {
	t.Parallel()
	f := newForge(t)
	machine := f.sign(t, with(f.access(), jwt.MapClaims{
		"username": nil, "origin_jti": nil, "event_id": nil, "auth_time": nil, "cognito:groups": nil,
		"sub": testClientID, "scope": "orders/read orders/write",
	}))
	user := f.sign(t, f.access())

	anyCaller := f.verifier(t, nil)
	c, err := anyCaller.Verify(t.Context(), machine)
	if err != nil || !c.IsClient() || c.Username() != "" || !c.HasScope("orders/read") {
		t.Fatalf("a machine's token: %+v, %v", c, err)
	}
	if c, err := anyCaller.Verify(t.Context(), user); err != nil || c.IsClient() {
		t.Fatalf("a user's token: %+v, %v", c, err)
	}

	clients := f.verifier(t, func(c *jwtverify.Config) { c.Callers = jwtverify.Clients; c.Scopes = []string{"orders/write"} })
	if _, err := clients.Verify(t.Context(), machine); err != nil {
		t.Errorf("Clients, a machine's token: %v", err)
	}
	_, err = clients.Verify(t.Context(), user)
	checkErr(t, err, jwtverify.ErrWrongCaller, user)

	users := f.verifier(t, func(c *jwtverify.Config) { c.Callers = jwtverify.Users })
	_, err = users.Verify(t.Context(), machine)
	checkErr(t, err, jwtverify.ErrWrongCaller, machine)

	for _, cfg := range []jwtverify.Config{
		{Issuer: "x", SkipClientIDCheck: true, TokenUse: jwtverify.AccessToken, Callers: "robots"},
		{Issuer: "x", SkipClientIDCheck: true, TokenUse: jwtverify.IDToken, Callers: jwtverify.Clients},
	} {
		if _, err := jwtverify.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}
