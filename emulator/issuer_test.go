package emulator_test

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator"
	"github.com/cognitokit/cognito/jwtverify"
)

var (
	issuerKeyOnce sync.Once
	issuerKey     *rsa.PrivateKey
)

// serverWithKey starts a server whose pools sign with a key the test
// holds, so that it can forge tokens the server's key signed.
func serverWithKey(t *testing.T, opts ...emulator.Option) (*cognitotest.Server, *rsa.PrivateKey) {
	t.Helper()
	issuerKeyOnce.Do(func() {
		var err error
		if issuerKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	opts = append(opts, emulator.WithKeyGenerator(func() (*rsa.PrivateKey, error) { return issuerKey, nil }))
	return cognitotest.NewServer(t, cognitotest.WithServerOptions(opts...)), issuerKey
}

// reissued is raw's claims with iss replaced, signed by key under raw's
// kid.
func reissued(t *testing.T, key *rsa.PrivateKey, raw, iss string) string {
	t.Helper()
	claims := jwt.MapClaims{}
	tok, _, err := jwt.NewParser().ParseUnverified(raw, claims)
	if err != nil {
		t.Fatal(err)
	}
	claims["iss"] = iss
	forged := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	forged.Header["kid"] = tok.Header["kid"]
	signed, err := forged.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// discovery is what the tests read of a pool's openid-configuration.
type discovery struct {
	Issuer  string `json:"issuer"`
	JWKSURI string `json:"jwks_uri"`
	Token   string `json:"token_endpoint"`
}

func discover(t *testing.T, srv *cognitotest.Server) discovery {
	t.Helper()
	var d discovery
	if status := getJSON(t, srv.Endpoint+"/"+srv.UserPoolID+"/.well-known/openid-configuration", &d); status != http.StatusOK {
		t.Fatalf("openid-configuration: status %d", status)
	}
	return d
}

func TestAWSIssuer(t *testing.T) {
	t.Parallel()
	srv, key := serverWithKey(t, emulator.WithAWSIssuer())
	awsIssuer := "https://cognito-idp.eu-west-1.amazonaws.com/" + srv.UserPoolID
	jwksURL := srv.Endpoint + "/" + srv.UserPoolID + "/.well-known/jwks.json"
	signUpConfirmed(t, srv, "ana", password)
	tokens := signIn(t, srv, "ana", password)
	access, id := aws.ToString(tokens.AccessToken), aws.ToString(tokens.IdToken)

	if got := srv.Emulator.Issuer(srv.Endpoint, srv.UserPoolID); got != awsIssuer {
		t.Errorf("Issuer() = %q, want %q", got, awsIssuer)
	}
	for name, raw := range map[string]string{"access": access, "id": id} {
		if iss := verifiedClaims(t, srv, raw, time.Now)["iss"]; iss != awsIssuer {
			t.Errorf("%s token iss = %q, want %q", name, iss, awsIssuer)
		}
	}
	if d := discover(t, srv); d.Issuer != awsIssuer || d.JWKSURI != jwksURL || d.Token != srv.Endpoint+"/oauth2/token" {
		t.Errorf("openid-configuration = %+v, want issuer %s, jwks_uri %s, endpoints local", d, awsIssuer, jwksURL)
	}

	if resp, body := send(t, http.DefaultClient, http.MethodGet, srv.Endpoint+"/_local/pools/"+srv.UserPoolID, nil, ""); resp.StatusCode != http.StatusOK || !strings.Contains(string(body), awsIssuer) {
		t.Errorf("the dashboard's pool page (%d) does not show the issuer %s", resp.StatusCode, awsIssuer)
	}

	t.Run("the server accepts its own tokens", func(t *testing.T) {
		if err := getUser(t, srv, aws.String(access)); err != nil {
			t.Fatalf("GetUser with an AWS-style token: %v", err)
		}
		if err := getUser(t, srv, aws.String(reissued(t, key, access, awsIssuer))); err != nil {
			t.Fatalf("GetUser with the token signed again: %v", err)
		}
	})

	t.Run("and only with its issuer", func(t *testing.T) {
		for _, iss := range []string{
			srv.Endpoint + "/" + srv.UserPoolID,                             // the local form
			"https://cognito-idp.us-east-1.amazonaws.com/" + srv.UserPoolID, // another region
			"https://evil.example/" + srv.UserPoolID,
			"https://cognito-idp.eu-west-1.amazonaws.com.evil.example/" + srv.UserPoolID,
			"https://cognito-idp.eu-west-1.amazonaws.com/" + srv.UserPoolID + "/",
			srv.UserPoolID,
		} {
			expectCode(t, getUser(t, srv, aws.String(reissued(t, key, access, iss))), "NotAuthorizedException")
		}
	})

	t.Run("jwtverify with the AWS issuer and the local JWKS", func(t *testing.T) {
		for _, tc := range []struct {
			raw, use string
		}{{access, jwtverify.AccessToken}, {id, jwtverify.IDToken}} {
			v, err := jwtverify.New(jwtverify.Config{
				UserPoolID: srv.UserPoolID, // the issuer is AWS's, derived from it
				JWKSURL:    jwksURL,
				ClientIDs:  []string{srv.ClientID},
				TokenUse:   tc.use,
			})
			if err != nil {
				t.Fatal(err)
			}
			if v.Issuer() != awsIssuer {
				t.Fatalf("verifier issuer = %q", v.Issuer())
			}
			c, err := v.Verify(t.Context(), tc.raw)
			if err != nil {
				t.Fatalf("Verify(%s token): %v", tc.use, err)
			}
			if c.Issuer != awsIssuer || c.Username() != "ana" {
				t.Errorf("claims = iss %q, username %q", c.Issuer, c.Username())
			}
		}
	})

	t.Run("client credentials", func(t *testing.T) {
		mc := newMachineClient(t, srv)
		tok, err := ccConfig(srv, mc, oauth2.AuthStyleInHeader, "orders/read").Token(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if iss := unverifiedClaims(t, tok.AccessToken)["iss"]; iss != awsIssuer {
			t.Errorf("client-credentials token iss = %v, want %s", iss, awsIssuer)
		}
	})
}

func TestLocalIssuer(t *testing.T) {
	t.Parallel()
	t.Run("named after the address the client used", func(t *testing.T) {
		srv, key := serverWithKey(t)
		signUpConfirmed(t, srv, "ana", password)
		access := aws.ToString(signIn(t, srv, "ana", password).AccessToken)
		local := srv.Endpoint + "/" + srv.UserPoolID
		if iss := unverifiedClaims(t, access)["iss"]; iss != local {
			t.Fatalf("iss = %v, want %s", iss, local)
		}
		if d := discover(t, srv); d.Issuer != local || d.JWKSURI != local+"/.well-known/jwks.json" {
			t.Errorf("openid-configuration = %+v", d)
		}
		// A token fetched through another address of this server (e.g.
		// localhost rather than 127.0.0.1) is this server's all the same:
		// only its key signs.
		if err := getUser(t, srv, aws.String(reissued(t, key, access, "http://localhost:9229/"+srv.UserPoolID))); err != nil {
			t.Errorf("GetUser with a token issued through another address: %v", err)
		}
		for _, iss := range []string{"urn:x/" + srv.UserPoolID, srv.UserPoolID, local + "/", srv.Endpoint + "/eu-west-1_other"} {
			expectCode(t, getUser(t, srv, aws.String(reissued(t, key, access, iss))), "NotAuthorizedException")
		}
		_, err := verifierFor(t, srv, local+"/.well-known/jwks.json", "").Verify(t.Context(), access)
		if !errors.Is(err, jwtverify.ErrWrongIssuer) {
			t.Errorf("jwtverify expecting AWS's issuer: err = %v, want ErrWrongIssuer", err)
		}
		if _, err := verifierFor(t, srv, "", local).Verify(t.Context(), access); err != nil {
			t.Errorf("jwtverify with the local issuer: %v", err)
		}
	})

	t.Run("fixed by WithBaseURL", func(t *testing.T) {
		const public = "http://cognito.test:9229"
		srv, key := serverWithKey(t, emulator.WithBaseURL(public+"/"))
		signUpConfirmed(t, srv, "ana", password)
		access := aws.ToString(signIn(t, srv, "ana", password).AccessToken)
		want := public + "/" + srv.UserPoolID
		if iss := unverifiedClaims(t, access)["iss"]; iss != want {
			t.Fatalf("iss = %v, want %s", iss, want)
		}
		if d := discover(t, srv); d.Issuer != want || d.JWKSURI != want+"/.well-known/jwks.json" || d.Token != public+"/oauth2/token" {
			t.Errorf("openid-configuration = %+v", d)
		}
		if err := getUser(t, srv, aws.String(access)); err != nil {
			t.Fatal(err)
		}
		expectCode(t, getUser(t, srv, aws.String(reissued(t, key, access, srv.Endpoint+"/"+srv.UserPoolID))), "NotAuthorizedException")
	})
}

// verifierFor is a jwtverify.Verifier of srv's access tokens with the
// given JWKS URL and issuer (empty: the defaults).
func verifierFor(t *testing.T, srv *cognitotest.Server, jwksURL, issuer string) *jwtverify.Verifier {
	t.Helper()
	v, err := jwtverify.New(jwtverify.Config{UserPoolID: srv.UserPoolID, Issuer: issuer, JWKSURL: jwksURL, ClientIDs: []string{srv.ClientID}, TokenUse: jwtverify.AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestAWSIssuerWithAWSJWTVerify: npm's aws-jwt-verify, configured as for
// AWS (CognitoJwtVerifier with the pool ID) and given the local JWKS,
// accepts the tokens of a server with AWS-style issuers
// (testdata/jssdk/jwtverify.mjs), and refuses those of a server with local
// ones.
func TestAWSIssuerWithAWSJWTVerify(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []emulator.Option
		want string
	}{
		{"AWS issuer", []emulator.Option{emulator.WithAWSIssuer()}, "ok"},
		{"local issuer", nil, "refused: Error: issuer not configured"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := cognitotest.NewServer(t, cognitotest.WithServerOptions(tc.opts...))
			signUpConfirmed(t, srv, "ana", password)
			got, err := nodeScript(t, srv, "jwtverify.mjs", "ana", password)
			if !strings.HasPrefix(got, tc.want) || (err == nil) != (tc.want == "ok") {
				t.Fatalf("node jwtverify.mjs: %v, printed %q, want %q", err, got, tc.want)
			}
		})
	}
}
