package emulator

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cognitokit/cognito/emulator/store"
	"github.com/cognitokit/cognito/internal/srp"
)

// BenchmarkRequestFloor measures the server's side of InitiateAuth
// (USER_PASSWORD_AUTH), GetUser and SignUp — the action from its JSON body
// to its JSON answer, without HTTP — against the cryptography each cannot
// do without, measured in the same loop:
//
//   - InitiateAuth: one SRP verifier check (the password) and two RS256
//     signatures (the access and ID tokens);
//   - GetUser: one RS256 verification (the access token);
//   - SignUp: one verifier computation (the new password) and one durable
//     commit (a write transaction of one small record on the same store).
//
// "x-floor" is the action's time as a multiple of its floor's; what is
// left over is the store, JSON and the checks. Each store is measured.
func BenchmarkRequestFloor(b *testing.B) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	digest := sha256.Sum256([]byte("header.payload of a Cognito token, about this long........"))
	signRS256 := func() []byte {
		sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:])
		if err != nil {
			b.Fatal(err)
		}
		return sig
	}
	sig := signRS256()
	verifyRS256 := func() {
		if err := rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, digest[:], sig); err != nil {
			b.Fatal(err)
		}
	}
	salt, verifier, err := srp.NewVerifier("Floor", "user", "B3nch-password")
	if err != nil {
		b.Fatal(err)
	}
	checkPassword := func() {
		if !srp.Check("Floor", "user", "B3nch-password", salt, verifier) {
			b.Fatal("the verifier check failed")
		}
	}
	newVerifier := func() {
		if _, _, err := srp.NewVerifier("Floor", "user", "B3nch-password"); err != nil {
			b.Fatal(err)
		}
	}

	for _, kind := range []string{"memory", "sqlite"} {
		b.Run(kind, func(b *testing.B) {
			f := newFloorFixture(b, kind, key)
			n := 0
			signUp := func() {
				n++
				f.call(b, "SignUp", map[string]any{
					"ClientId": f.clientID, "Username": fmt.Sprintf("new%d", n), "Password": "B3nch-password",
					"UserAttributes": []map[string]string{{"Name": "email", "Value": fmt.Sprintf("new%d@example.com", n)}},
				})
			}
			signIn := func() {
				f.call(b, "InitiateAuth", map[string]any{
					"ClientId": f.clientID, "AuthFlow": "USER_PASSWORD_AUTH",
					"AuthParameters": map[string]string{"USERNAME": "ana", "PASSWORD": "B3nch-password"},
				})
			}
			getUser := func() { f.call(b, "GetUser", map[string]any{"AccessToken": f.accessToken}) }
			commit := func() {
				n++
				err := f.s.store.Update(context.Background(), func(tx store.Tx) error {
					return tx.Put("bench", fmt.Sprint(n), []byte(`{"a":1}`))
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			for _, m := range []struct {
				name   string
				action func()
				floor  func()
			}{
				{"InitiateAuth", signIn, func() { checkPassword(); signRS256(); signRS256() }},
				{"GetUser", getUser, verifyRS256},
				{"SignUp", signUp, func() { newVerifier(); commit() }},
			} {
				b.Run(m.name, func(b *testing.B) {
					var action, floor time.Duration
					for b.Loop() {
						t0 := time.Now()
						m.floor()
						t1 := time.Now()
						m.action()
						action += time.Since(t1)
						floor += t1.Sub(t0)
					}
					b.ReportMetric(float64(action)/float64(floor), "x-floor")
					b.ReportMetric(float64(action.Nanoseconds())/float64(b.N), "action-ns/op")
					b.ReportMetric(float64(floor.Nanoseconds())/float64(b.N), "floor-ns/op")
				})
			}
		})
	}
}

// floorFixture is a server with a pool, a client and a signed-in user
// "ana", whose actions a benchmark calls directly.
type floorFixture struct {
	s           *Server
	clientID    string
	accessToken string
}

func newFloorFixture(b *testing.B, kind string, key *rsa.PrivateKey) *floorFixture {
	b.Helper()
	ctx := context.Background()
	var st store.Store = store.NewMemory()
	if kind == "sqlite" {
		var err error
		if st, err = store.OpenSQLite(ctx, b.TempDir()+"/cognito.db"); err != nil {
			b.Fatal(err)
		}
	}
	b.Cleanup(func() { st.Close() })
	s, err := New(ctx, st, WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		WithKeyGenerator(func() (*rsa.PrivateKey, error) { return key, nil }), WithBaseURL("http://127.0.0.1:9229"))
	if err != nil {
		b.Fatal(err)
	}
	f := &floorFixture{s: s}
	pool := f.call(b, "CreateUserPool", map[string]any{"PoolName": "floor", "AutoVerifiedAttributes": []string{"email"}})
	poolID := pool["UserPool"].(map[string]any)["Id"].(string)
	cl := f.call(b, "CreateUserPoolClient", map[string]any{
		"UserPoolId": poolID, "ClientName": "floor", "ExplicitAuthFlows": []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
	})
	f.clientID = cl["UserPoolClient"].(map[string]any)["ClientId"].(string)
	f.call(b, "AdminCreateUser", map[string]any{
		"UserPoolId": poolID, "Username": "ana", "MessageAction": "SUPPRESS",
		"UserAttributes": []map[string]string{{"Name": "email", "Value": "ana@example.com"}},
	})
	if _, err := s.adminSetUserPassword(ctx, &caller{}, &cip.AdminSetUserPasswordInput{
		UserPoolId: aws.String(poolID), Username: aws.String("ana"), Password: aws.String("B3nch-password"), Permanent: true,
	}); err != nil {
		b.Fatal(err)
	}
	out := f.call(b, "InitiateAuth", map[string]any{
		"ClientId": f.clientID, "AuthFlow": "USER_PASSWORD_AUTH",
		"AuthParameters": map[string]string{"USERNAME": "ana", "PASSWORD": "B3nch-password"},
	})
	f.accessToken = out["AuthenticationResult"].(map[string]any)["AccessToken"].(string)
	return f
}

// call runs the action named with the JSON of in, as POST / runs it after
// the envelope (the caller's identity for IAM actions is not checked:
// there is no signature), and returns its JSON answer decoded.
func (f *floorFixture) call(b *testing.B, name string, in any) map[string]any {
	b.Helper()
	body, err := json.Marshal(in)
	if err != nil {
		b.Fatal(err)
	}
	out, apiErr := f.s.run(context.Background(), actions[name], &caller{baseURL: "http://127.0.0.1:9229"}, body)
	if apiErr != nil {
		b.Fatalf("%s: %v", name, apiErr)
	}
	raw, err := encodeShape(out)
	if err != nil {
		b.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		b.Fatal(err)
	}
	return doc
}
