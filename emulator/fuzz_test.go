package emulator_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/cognitokit/cognito/emulator"
	"github.com/cognitokit/cognito/emulator/store"
	"github.com/cognitokit/cognito/internal/secrethash"
)

// The fuzz targets call the emulator's http.Handler directly, with no
// network. Their fixtures (a pool, two clients, users and tokens) are made
// through the same handler; request bodies name them with placeholders
// ($POOL, $CLIENT, ...), so that seeds and saved crashers keep meaning
// something although IDs are random in every run.

const fuzzTargetPrefix = "AWSCognitoIdentityProviderService."

var (
	fuzzKeyOnce sync.Once
	fuzzKey     *rsa.PrivateKey
	fuzzKeyErr  error
)

// fuzzSharedKey gives every pool of the process the same RSA key: fuzzed
// CreateUserPool calls would otherwise spend their time generating keys.
func fuzzSharedKey() (*rsa.PrivateKey, error) {
	fuzzKeyOnce.Do(func() { fuzzKey, fuzzKeyErr = rsa.GenerateKey(rand.Reader, 2048) })
	return fuzzKey, fuzzKeyErr
}

// fuzzFixture is a server with a pool ready for fuzzed requests.
type fuzzFixture struct {
	handler      http.Handler
	em           *emulator.Server
	placeholders *strings.Replacer
	poolID       string
}

// fuzzRequest sends one action to h as the SDKs do (signed, JSON 1.1). A
// target without a dot is taken as an action name and gets the service
// prefix, so the fuzzer need not rediscover it.
func fuzzRequest(h http.Handler, target string, body []byte) *httptest.ResponseRecorder {
	if !strings.Contains(target, ".") {
		target = fuzzTargetPrefix + target
	}
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Host = "127.0.0.1:9229" // a loopback client's (see TestRebindingGuard)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	req.Header.Set("Authorization", fakeSigV4)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// fuzzMust sends an action that must succeed during setup and decodes its
// result into out (when out is not nil).
func fuzzMust(tb testing.TB, h http.Handler, action string, in any, out any) {
	tb.Helper()
	body, err := json.Marshal(in)
	if err != nil {
		tb.Fatal(err)
	}
	rec := fuzzRequest(h, action, body)
	if rec.Code != http.StatusOK {
		tb.Fatalf("setup: %s: %d %s", action, rec.Code, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			tb.Fatalf("setup: %s: decoding %s: %v", action, rec.Body, err)
		}
	}
}

// fuzzLastCode returns the newest code sent to username.
func fuzzLastCode(tb testing.TB, em *emulator.Server, username string) string {
	tb.Helper()
	msgs, err := em.Messages(context.Background(), username)
	if err != nil || len(msgs) == 0 {
		tb.Fatalf("setup: no message for %s: %v", username, err)
	}
	return msgs[len(msgs)-1].Code
}

// newFuzzServer starts an empty server on a memory store, with the shared
// key and no log, for a fuzzer.
func newFuzzServer(tb testing.TB) *emulator.Server {
	tb.Helper()
	st := store.NewMemory()
	tb.Cleanup(func() { st.Close() })
	em, err := emulator.New(context.Background(), st,
		emulator.WithKeyGenerator(fuzzSharedKey),
		emulator.WithBaseURL("http://cognito.fuzz"),
		emulator.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	)
	if err != nil {
		tb.Fatal(err)
	}
	return em
}

// newFuzzFixture starts a server on a memory store with a pool (email
// required and auto-verified), a public and a secret client, a confirmed
// and signed-in user "fuzzuser" (password Passw0rd!), and an unconfirmed
// user "pending".
func newFuzzFixture(tb testing.TB) *fuzzFixture {
	tb.Helper()
	em := newFuzzServer(tb)
	var pool struct{ UserPool struct{ Id string } }
	fuzzMust(tb, em, "CreateUserPool", map[string]any{
		"PoolName":               "fuzz",
		"AutoVerifiedAttributes": []string{"email"},
		"Schema":                 []map[string]any{{"Name": "email", "Required": true, "Mutable": true}},
	}, &pool)
	poolID := pool.UserPool.Id
	flows := []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"}
	var public, secret struct {
		UserPoolClient struct{ ClientId, ClientSecret string }
	}
	fuzzMust(tb, em, "CreateUserPoolClient", map[string]any{
		"UserPoolId": poolID, "ClientName": "public", "ExplicitAuthFlows": flows,
	}, &public)
	fuzzMust(tb, em, "CreateUserPoolClient", map[string]any{
		"UserPoolId": poolID, "ClientName": "secret", "ExplicitAuthFlows": flows, "GenerateSecret": true,
	}, &secret)
	clientID := public.UserPoolClient.ClientId

	for _, name := range []string{"fuzzuser", "pending"} {
		fuzzMust(tb, em, "SignUp", map[string]any{
			"ClientId": clientID, "Username": name, "Password": "Passw0rd!",
			"UserAttributes": []map[string]string{{"Name": "email", "Value": name + "@example.com"}},
		}, nil)
	}
	fuzzMust(tb, em, "ConfirmSignUp", map[string]any{
		"ClientId": clientID, "Username": "fuzzuser", "ConfirmationCode": fuzzLastCode(tb, em, "fuzzuser"),
	}, nil)
	var auth struct {
		AuthenticationResult struct{ AccessToken, RefreshToken, IdToken string }
	}
	fuzzMust(tb, em, "InitiateAuth", map[string]any{
		"ClientId": clientID, "AuthFlow": "USER_PASSWORD_AUTH",
		"AuthParameters": map[string]string{"USERNAME": "fuzzuser", "PASSWORD": "Passw0rd!"},
	}, &auth)

	return &fuzzFixture{
		handler: em,
		em:      em,
		poolID:  poolID,
		placeholders: strings.NewReplacer(
			"$POOL", poolID,
			"$SECRET_CLIENT", secret.UserPoolClient.ClientId,
			"$SECRET_HASH", secrethash.Compute(secret.UserPoolClient.ClientSecret, "fuzzuser", secret.UserPoolClient.ClientId),
			"$CLIENT", clientID,
			"$ACCESS", auth.AuthenticationResult.AccessToken,
			"$REFRESH", auth.AuthenticationResult.RefreshToken,
			"$ID_TOKEN", auth.AuthenticationResult.IdToken,
			"$CODE", fuzzLastCode(tb, em, "pending"),
		),
	}
}

// fuzzCheckResponse asserts the protocol's invariants on any answer: 200 with
// a JSON body, or a 4xx in Cognito's error shape. A 5xx is a server bug.
func fuzzCheckResponse(t *testing.T, rec *httptest.ResponseRecorder, what string) {
	t.Helper()
	body := rec.Body.Bytes()
	if rec.Code >= 500 || (rec.Code != http.StatusOK && rec.Code < 400) {
		t.Fatalf("%s: status %d (want 200 or 4xx), body %s", what, rec.Code, body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/x-amz-json-1.1" {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
	if rec.Code == http.StatusOK {
		if !json.Valid(body) {
			t.Fatalf("%s: 200 with a body that is not JSON: %q", what, body)
		}
		return
	}
	var e map[string]any
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("%s: status %d with a body that is not a JSON object: %q", what, rec.Code, body)
	}
	typ, ok := e["__type"].(string)
	if !ok || typ == "" {
		t.Fatalf("%s: status %d without a __type string: %s", what, rec.Code, body)
	}
	if _, ok := e["message"].(string); !ok {
		t.Fatalf("%s: status %d without a message string: %s", what, rec.Code, body)
	}
	if h := rec.Header().Get("x-amzn-ErrorType"); h != typ {
		t.Fatalf("%s: x-amzn-ErrorType %q, __type %q", what, h, typ)
	}
}

func FuzzHandler(f *testing.F) {
	fx := newFuzzFixture(f)

	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	deepObject := strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000)
	seeds := []struct{ target, body string }{
		// Valid calls on the fixtures.
		{"SignUp", `{"ClientId":"$CLIENT","Username":"new-user","Password":"Passw0rd!","UserAttributes":[{"Name":"email","Value":"new@example.com"}]}`},
		{"SignUp", `{"ClientId":"$SECRET_CLIENT","SecretHash":"$SECRET_HASH","Username":"fuzzuser","Password":"Passw0rd!","UserAttributes":[{"Name":"email","Value":"f@example.com"}]}`},
		{"ConfirmSignUp", `{"ClientId":"$CLIENT","Username":"pending","ConfirmationCode":"$CODE"}`},
		{"ResendConfirmationCode", `{"ClientId":"$CLIENT","Username":"pending"}`},
		{"InitiateAuth", `{"ClientId":"$CLIENT","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"fuzzuser","PASSWORD":"Passw0rd!"}}`},
		{"InitiateAuth", `{"ClientId":"$SECRET_CLIENT","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"fuzzuser","PASSWORD":"Passw0rd!","SECRET_HASH":"$SECRET_HASH"}}`},
		{"InitiateAuth", `{"ClientId":"$CLIENT","AuthFlow":"REFRESH_TOKEN_AUTH","AuthParameters":{"REFRESH_TOKEN":"$REFRESH"}}`},
		{"InitiateAuth", `{"ClientId":"$CLIENT","AuthFlow":"USER_SRP_AUTH","AuthParameters":{"USERNAME":"fuzzuser","SRP_A":"abc"}}`},
		{"RespondToAuthChallenge", `{"ClientId":"$CLIENT","ChallengeName":"NEW_PASSWORD_REQUIRED","Session":"x","ChallengeResponses":{"USERNAME":"fuzzuser","NEW_PASSWORD":"Passw0rd!2"}}`},
		{"RespondToAuthChallenge", `{"ClientId":"$CLIENT","ChallengeName":"PASSWORD_VERIFIER","ChallengeResponses":{"USERNAME":"fuzzuser","PASSWORD_CLAIM_SECRET_BLOCK":"Zm9v","PASSWORD_CLAIM_SIGNATURE":"YmFy","TIMESTAMP":"Thu Nov 5 09:04:03 UTC 2026"}}`},
		{"GetUser", `{"AccessToken":"$ACCESS"}`},
		{"GetUser", `{"AccessToken":"$ID_TOKEN"}`},
		{"UpdateUserAttributes", `{"AccessToken":"$ACCESS","UserAttributes":[{"Name":"email","Value":"other@example.com"},{"Name":"name","Value":"Fuzz"}]}`},
		{"VerifyUserAttribute", `{"AccessToken":"$ACCESS","AttributeName":"email","Code":"123456"}`},
		{"ChangePassword", `{"AccessToken":"$ACCESS","PreviousPassword":"Passw0rd!","ProposedPassword":"Passw0rd!"}`},
		{"ForgotPassword", `{"ClientId":"$CLIENT","Username":"fuzzuser"}`},
		{"ConfirmForgotPassword", `{"ClientId":"$CLIENT","Username":"fuzzuser","ConfirmationCode":"000000","Password":"Passw0rd!"}`},
		{"RevokeToken", `{"ClientId":"$CLIENT","Token":"$REFRESH"}`},
		{"GlobalSignOut", `{"AccessToken":"$ACCESS"}`},
		{"ListUsers", `{"UserPoolId":"$POOL"}`},
		{"ListUsers", `{"UserPoolId":"$POOL","Limit":1,"Filter":"username ^= \"fuzz\"","AttributesToGet":["email"]}`},
		{"ListUsers", `{"UserPoolId":"$POOL","Limit":60,"PaginationToken":"AAAA"}`},
		{"AdminGetUser", `{"UserPoolId":"$POOL","Username":"fuzzuser"}`},
		{"AdminCreateUser", `{"UserPoolId":"$POOL","Username":"invited","UserAttributes":[{"Name":"email","Value":"i@example.com"}],"DesiredDeliveryMediums":["EMAIL"]}`},
		{"AdminCreateUser", `{"UserPoolId":"$POOL","Username":"invited","MessageAction":"RESEND"}`},
		{"AdminSetUserPassword", `{"UserPoolId":"$POOL","Username":"invited","Password":"Passw0rd!","Permanent":true}`},
		{"AdminUpdateUserAttributes", `{"UserPoolId":"$POOL","Username":"fuzzuser","UserAttributes":[{"Name":"email_verified","Value":"true"}]}`},
		{"AdminConfirmSignUp", `{"UserPoolId":"$POOL","Username":"pending"}`},
		{"AdminResetUserPassword", `{"UserPoolId":"$POOL","Username":"fuzzuser"}`},
		{"AdminDisableUser", `{"UserPoolId":"$POOL","Username":"fuzzuser"}`},
		{"AdminEnableUser", `{"UserPoolId":"$POOL","Username":"fuzzuser"}`},
		{"AdminUserGlobalSignOut", `{"UserPoolId":"$POOL","Username":"fuzzuser"}`},
		{"AdminDeleteUser", `{"UserPoolId":"$POOL","Username":"invited"}`},
		{"CreateUserPool", `{"PoolName":"p2","UsernameAttributes":["email"],"Policies":{"PasswordPolicy":{"MinimumLength":6,"TemporaryPasswordValidityDays":1}},"Schema":[{"Name":"plan","AttributeDataType":"Number","NumberAttributeConstraints":{"MinValue":"1","MaxValue":"9"}}]}`},
		{"CreateUserPool", `{"PoolName":"p3","AliasAttributes":["email","preferred_username"],"UsernameConfiguration":{"CaseSensitive":false},"AdminCreateUserConfig":{"AllowAdminCreateUserOnly":true}}`},
		{"CreateUserPoolClient", `{"UserPoolId":"$POOL","ClientName":"c","GenerateSecret":true,"AccessTokenValidity":5,"TokenValidityUnits":{"AccessToken":"minutes"},"ExplicitAuthFlows":["USER_PASSWORD_AUTH"]}`},
		{"CreateUserPoolClient", `{"UserPoolId":"$POOL","ClientName":"c","RefreshTokenValidity":2147483647}`},
		{"CreateUserPoolClient", `{"UserPoolId":"$POOL","ClientName":"c","RefreshTokenValidity":213505}`},
		{"DescribeUserPool", `{"UserPoolId":"$POOL"}`},
		{"DescribeUserPoolClient", `{"UserPoolId":"$POOL","ClientId":"$CLIENT"}`},
		{"ListUserPools", `{"MaxResults":60}`},
		{"ListUserPoolClients", `{"UserPoolId":"$POOL","MaxResults":1}`},
		{"DeleteUserPoolClient", `{"UserPoolId":"$POOL","ClientId":"nope"}`},
		{"DeleteUserPool", `{"UserPoolId":"eu-west-1_nope"}`},
		// Actions of the typed table.
		{"UpdateUserPool", `{"UserPoolId":"$POOL","MfaConfiguration":"OPTIONAL","VerificationMessageTemplate":{"DefaultEmailOption":"CONFIRM_WITH_LINK"},"AccountRecoverySetting":{"RecoveryMechanisms":[{"Name":"verified_email","Priority":1}]},"UserAttributeUpdateSettings":{"AttributesRequireVerificationBeforeUpdate":["email"]}}`},
		{"AddCustomAttributes", `{"UserPoolId":"$POOL","CustomAttributes":[{"Name":"tier","AttributeDataType":"String","StringAttributeConstraints":{"MinLength":"1","MaxLength":"9"}}]}`},
		{"UpdateUserPoolClient", `{"UserPoolId":"$POOL","ClientId":"$CLIENT","ReadAttributes":["email"],"WriteAttributes":["name"],"EnableTokenRevocation":false}`},
		{"AddUserPoolClientSecret", `{"UserPoolId":"$POOL","ClientId":"$SECRET_CLIENT"}`},
		{"ListUserPoolClientSecrets", `{"UserPoolId":"$POOL","ClientId":"$SECRET_CLIENT"}`},
		{"DeleteUserPoolClientSecret", `{"UserPoolId":"$POOL","ClientId":"$SECRET_CLIENT","ClientSecretId":"x--1"}`},
		{"CreateUserPoolDomain", `{"UserPoolId":"$POOL","Domain":"fuzz-domain"}`},
		{"DescribeUserPoolDomain", `{"Domain":"fuzz-domain"}`},
		{"TagResource", `{"ResourceArn":"arn:aws:cognito-idp:eu-west-1:000000000000:userpool/$POOL","Tags":{"team":"fuzz"}}`},
		{"GetSigningCertificate", `{"UserPoolId":"$POOL"}`},
		{"GetCSVHeader", `{"UserPoolId":"$POOL"}`},
		{"UpdateGroup", `{"UserPoolId":"$POOL","GroupName":"g","Precedence":-1}`},
		{"AdminDeleteUserAttributes", `{"UserPoolId":"$POOL","Username":"fuzzuser","UserAttributeNames":["name","email"]}`},
		{"DeleteUserAttributes", `{"AccessToken":"$ACCESS","UserAttributeNames":["name"]}`},
		{"GetUserAttributeVerificationCode", `{"AccessToken":"$ACCESS","AttributeName":"email"}`},
		{"SetRiskConfiguration", `{"UserPoolId":"$POOL"}`},
		{"AdminCreateUser", `{"UserPoolId":"$POOL","Username":"forced","ForceAliasCreation":true,"UserAttributes":[{"Name":"email","Value":"f@example.com"},{"Name":"email_verified","Value":"TRUE"}]}`},
		{"AdminCreateUser", `{"UserPoolId":"$POOL","Username":"x","UserAttributes":[{"Value":"no name"}]}`},
		// Degenerate bodies.
		{"SignUp", ``},
		{"SignUp", `null`},
		{"SignUp", `[]`},
		{"SignUp", `"string"`},
		{"SignUp", `{`},
		{"SignUp", `{}{}`},
		{"ListUsers", deep},
		{"ListUsers", deepObject},
		{"ListUsers", `{"UserPoolId":"$POOL","Limit":1e400}`},
		{"ListUsers", `{"UserPoolId":"$POOL","Limit":99999999999999999999999}`},
		{"ListUsers", `{"UserPoolId":"$POOL","Limit":-1}`},
		{"ListUserPools", `{"MaxResults":1.5}`},
		{"CreateUserPoolClient", `{"UserPoolId":"$POOL","ClientName":"c","AccessTokenValidity":-2147483648}`},
		{"SignUp", `{"ClientId":123,"Username":["a"],"Password":{"x":1}}`},
		{"InitiateAuth", `{"ClientId":"$CLIENT","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":1}}`},
		{"InitiateAuth", `{"ClientId":"$CLIENT","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":[]}`},
		{"AdminCreateUser", `{"UserPoolId":"$POOL","Username":"x","Permanent":"yes"}`},
		{"SignUp", "{\"ClientId\":\"$CLIENT\",\"Username\":\"\xff\xfe\",\"Password\":\"Passw0rd!\xc3\"}"},
		{"SignUp", `{"ClientId":"$CLIENT","Username":"\ud800","Password":"Passw0rd!"}`},
		{"SignUp", "\xef\xbb\xbf{}"},
		{"GetUser", `{"AccessToken":"eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4L3kifQ."}`},
		{"GetUser", `{"AccessToken":"a.b.c"}`},
		// Unknown or malformed targets.
		{"", `{}`},
		{"NoSuchAction", `{}`},
		{"AWSCognitoIdentityProviderService.", `{}`},
		{"AWSCognitoIdentityProviderService.signup", `{}`},
		{"Other.SignUp", `{}`},
		{"AWSCognitoIdentityProviderService.SignUp\x00", `{}`},
	}
	for _, s := range seeds {
		f.Add(s.target, []byte(s.body))
	}

	f.Fuzz(func(t *testing.T, target string, body []byte) {
		body = []byte(fx.placeholders.Replace(string(body)))
		rec := fuzzRequest(fx.handler, target, body)
		fuzzCheckResponse(t, rec, fmt.Sprintf("target %q body %q", target, fuzzTruncate(body)))
	})
}

func FuzzListUsersFilter(f *testing.F) {
	fx := newFuzzFixture(f)
	for _, u := range []struct{ name, email string }{
		{"alice", "alice@example.com"},
		{`quo"te`, "q@example.com"},
		{`back\slash`, "b@example.com"},
		{"ünïcode", "u@example.com"},
	} {
		fuzzMust(f, fx.handler, "AdminCreateUser", map[string]any{
			"UserPoolId": fx.poolID, "Username": u.name, "MessageAction": "SUPPRESS",
			"UserAttributes": []map[string]string{{"Name": "email", "Value": u.email}, {"Name": "given_name", "Value": u.name}},
		}, nil)
	}
	var all struct{ Users []struct{ Username string } }
	fuzzMust(f, fx.handler, "ListUsers", map[string]any{"UserPoolId": fx.poolID}, &all)
	total := len(all.Users)

	for _, s := range []string{
		``, ` `, `username = "alice"`, `username ^= "a"`, `email^="alice@"`,
		`  given_name   =   "quo\"te"  `, `username = "back\\slash"`, `username = "ünïcode"`,
		`sub ^= ""`, `cognito:user_status = "CONFIRMED"`, `status = "Enabled"`,
		`phone_number = "+15555550100"`, `name = "x"`, `family_name ^= "x"`, `preferred_username = "x"`,
		`username`, `username =`, `username = alice`, `username = "alice`, `username = "alice" extra`,
		`username == "alice"`, `username != "alice"`, `custom:plan = "x"`, `= "x"`, `^= "x"`,
		`username = "\`, `username = "a\"`, "username = \"\xff\"", `username = "a" and email = "b"`,
		`"username" = "a"`, "\x00", `username	=	"alice"`,
	} {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, filter string) {
		body, err := json.Marshal(map[string]any{"UserPoolId": fx.poolID, "Filter": filter})
		if err != nil {
			t.Fatal(err)
		}
		rec := fuzzRequest(fx.handler, "ListUsers", body)
		what := fmt.Sprintf("filter %q", filter)
		fuzzCheckResponse(t, rec, what)
		switch rec.Code {
		case http.StatusOK:
			var out struct{ Users []struct{ Username string } }
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
				t.Fatalf("%s: decoding %s: %v", what, rec.Body, err)
			}
			if out.Users == nil || len(out.Users) > total {
				t.Fatalf("%s: %d users of %d (Users must be a list)", what, len(out.Users), total)
			}
		case http.StatusBadRequest:
			if typ := rec.Header().Get("x-amzn-ErrorType"); typ != "InvalidParameterException" {
				t.Fatalf("%s: 400 %s, want InvalidParameterException", what, typ)
			}
		default:
			t.Fatalf("%s: status %d, want 200 or 400", what, rec.Code)
		}
	})
}

// fuzzTruncate keeps failure messages readable for huge fuzzed bodies.
func fuzzTruncate(b []byte) []byte {
	const n = 2048
	if len(b) <= n {
		return b
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return append(b[:cut:cut], "..."...)
}

// TestTokenValidityOverflow: a validity so large that multiplying it by
// its unit overflowed time.Duration used to wrap around into the allowed
// range and be accepted as a different value (213505 days became ~1 day).
func TestTokenValidityOverflow(t *testing.T) {
	fx := newFuzzFixture(t)
	for _, tc := range []struct {
		member, unitMember, unit string
		value                    int64
	}{
		{"RefreshTokenValidity", "RefreshToken", "days", 213505},
		{"RefreshTokenValidity", "RefreshToken", "days", 2147483647},
		{"AccessTokenValidity", "AccessToken", "hours", 5124095577},  // not an int32 at all
		{"IdTokenValidity", "IdToken", "minutes", 153722867281 + 60}, // not an int32 at all
		{"AccessTokenValidity", "AccessToken", "hours", 2147483647},
	} {
		t.Run(fmt.Sprintf("%s=%d %s", tc.member, tc.value, tc.unit), func(t *testing.T) {
			body := fmt.Sprintf(`{"UserPoolId":%q,"ClientName":"c",%q:%d,"TokenValidityUnits":{%q:%q}}`,
				fx.poolID, tc.member, tc.value, tc.unitMember, tc.unit)
			rec := fuzzRequest(fx.handler, "CreateUserPoolClient", []byte(body))
			fuzzCheckResponse(t, rec, body)
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("%s: %d %s, want a 400", body, rec.Code, rec.Body)
			}
		})
	}
}
