package emulator_test

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/golang-jwt/jwt/v5"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator"
	"github.com/cognitokit/cognito/emulator/store"
)

var verdictOf = regexp.MustCompile(`id="verdict">([^<]*)<`)

// decode pastes raw into the token decoder and returns its verdict and
// page.
func (d *dashboard) decode(raw string) (string, *dashResponse) {
	d.t.Helper()
	p := d.post("/_local/token", "token", raw)
	if p.status != http.StatusOK {
		d.t.Fatalf("decoding: %d\n%s", p.status, p.body)
	}
	m := verdictOf.FindStringSubmatch(p.body)
	if m == nil {
		d.t.Fatalf("no verdict:\n%s", p.body)
	}
	return m[1], p
}

// TestDashboardToken: the decoder shows a token's header and claims and
// says whether it verifies against its pool's keys at the server's time:
// valid, expired, not yet valid, a bad signature, an unknown kid or pool,
// an access token the API refuses, or no JWT at all.
func TestDashboardToken(t *testing.T) {
	t.Parallel()
	clk := newClock()
	st := store.NewMemory()
	srv := cognitotest.NewServer(t, cognitotest.WithClock(clk.Now), cognitotest.WithStore(st))
	signUpConfirmed(t, srv, "ana", password)
	signUpConfirmed(t, srv, "bob", password)
	tokens := signIn(t, srv, "ana", password)
	signedOut := signIn(t, srv, "bob", password)
	if _, err := sdk(srv).GlobalSignOut(t.Context(), &cip.GlobalSignOutInput{AccessToken: signedOut.AccessToken}); err != nil {
		t.Fatal(err)
	}
	access, id := aws.ToString(tokens.AccessToken), aws.ToString(tokens.IdToken)
	kid := jwks(t, srv).Keys[0].KeyID
	claims := unverifiedClaims(t, access)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	resign := func(method jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
		t.Helper()
		tok := jwt.NewWithClaims(method, claims)
		tok.Header["kid"] = kid
		raw, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	otherPool := jwt.MapClaims{}
	for k, v := range claims {
		otherPool[k] = v
	}
	otherPool["iss"] = srv.Endpoint + "/eu-west-1_nope"

	d := newDashboard(t, srv)
	for _, tc := range []struct {
		name, raw, verdict string
		shows              []string
	}{
		{"an access token", access, "valid", []string{`"token_use": "access"`, `"username": "ana"`, kid, "exp", srv.UserPoolID}},
		{"an ID token", id, "valid", []string{`"token_use": "id"`, `"email": "ana@example.com"`}},
		{"a token of a sign-in ended", aws.ToString(signedOut.AccessToken), "refused", []string{"Access Token has been revoked"}},
		{"another key under the pool's kid", resign(jwt.SigningMethodRS256, other, kid, claims), "bad signature", nil},
		{"HS256", resign(jwt.SigningMethodHS256, []byte("secret"), kid, claims), "bad signature", []string{"RS256 only"}},
		{"another kid", resign(jwt.SigningMethodRS256, other, "other-kid", claims), "unknown kid", []string{"other-kid"}},
		{"another pool", resign(jwt.SigningMethodRS256, other, kid, otherPool), "unknown pool", nil},
		{"no dots", "not-a-token", "not a JWT", nil},
		{"no JSON", "YWJj.ZGVm.Z2hp", "not a JWT", nil},
		{"nothing", "", "not a JWT", nil},
		{"too long", strings.Repeat("a", 17*1024), "not a JWT", nil},
	} {
		verdict, p := d.decode(tc.raw)
		if verdict != tc.verdict {
			t.Errorf("%s: %q, want %q\n%s", tc.name, verdict, tc.verdict, p.body)
			continue
		}
		p.mustShow(t, tc.shows...)
	}

	// Under another issuer (the same store, a server with a public URL now)
	// the pool's own signature is not enough.
	moved := restarted(t, srv, st, emulator.WithClock(clk.Now), emulator.WithBaseURL("http://cognito.internal:9229"))
	if verdict, p := newDashboard(t, moved).decode(id); verdict != "refused" {
		t.Errorf("an ID token of another issuer: %q\n%s", verdict, p.body)
	}

	clk.Advance(2 * time.Hour)
	if verdict, p := d.decode(access); verdict != "expired" {
		t.Errorf("an expired token: %q\n%s", verdict, p.body)
	}
	clk.Advance(-3 * time.Hour)
	if verdict, p := d.decode(access); verdict != "not yet valid" {
		t.Errorf("a token issued in the future: %q\n%s", verdict, p.body)
	}

	if p := d.postWith("/_local/token", map[string][]string{"token": {access}}, map[string]string{"Origin": srv.Endpoint}); p.status != http.StatusForbidden {
		t.Errorf("decoding without a CSRF token: %d", p.status)
	}
	if p := d.get("/_local/token"); strings.Contains(p.body, `id="verdict"`) {
		t.Errorf("the empty decoder has a verdict:\n%s", p.body)
	}
}
