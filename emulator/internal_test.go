package emulator

// Tests of the server's internals that its API cannot reach: the claim on a
// verifier challenge being answered, and truncate.

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/cognitokit/cognito/emulator/store"
	"github.com/cognitokit/cognito/internal/srp"
)

// An answer to a PASSWORD_VERIFIER challenge that another answer is
// being evaluated for (claimed, as passwordVerifier does) finds it
// answered without being evaluated — a replay racing the first answer is
// not a password attempt — and leaves it to that answer: once the claim
// ends, the challenge is still there to answer, once.
func TestVerifierAnswerClaimed(t *testing.T) {
	ctx := context.Background()
	s, err := New(ctx, store.NewMemory(), WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	call := func(name string, in any) (map[string]any, *apiError) {
		body, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		out, apiErr := s.run(ctx, actions[name], &caller{baseURL: "http://127.0.0.1:9229"}, body)
		if apiErr != nil {
			return nil, apiErr
		}
		raw, err := encodeShape(out)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		return doc, nil
	}
	must := func(name string, in any) map[string]any {
		out, err := call(name, in)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return out
	}
	poolID := must("CreateUserPool", map[string]any{"PoolName": "replays"})["UserPool"].(map[string]any)["Id"].(string)
	clientID := must("CreateUserPoolClient", map[string]any{
		"UserPoolId": poolID, "ClientName": "app", "ExplicitAuthFlows": []string{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
	})["UserPoolClient"].(map[string]any)["ClientId"].(string)
	must("AdminCreateUser", map[string]any{"UserPoolId": poolID, "Username": "ana", "MessageAction": "SUPPRESS"})
	must("AdminSetUserPassword", map[string]any{"UserPoolId": poolID, "Username": "ana", "Password": "Passw0rd!", "Permanent": true})

	a := make([]byte, 32)
	rand.Read(a)
	A := srp.ClientPublic(a)
	cp := must("InitiateAuth", map[string]any{
		"ClientId": clientID, "AuthFlow": "USER_SRP_AUTH",
		"AuthParameters": map[string]string{"USERNAME": "ana", "SRP_A": hex.EncodeToString(A)},
	})["ChallengeParameters"].(map[string]any)
	salt, _ := hex.DecodeString(cp["SALT"].(string))
	B, _ := hex.DecodeString(cp["SRP_B"].(string))
	key, err := srp.ClientKey(srp.PoolName(poolID), "ana", "Passw0rd!", salt, a, A, B)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := base64.StdEncoding.DecodeString(cp["SECRET_BLOCK"].(string))
	timestamp := time.Now().UTC().Format(srp.TimestampLayout)
	answer := map[string]any{
		"ClientId": clientID, "ChallengeName": "PASSWORD_VERIFIER",
		"ChallengeResponses": map[string]string{
			"USERNAME": "ana", "PASSWORD_CLAIM_SECRET_BLOCK": cp["SECRET_BLOCK"].(string), "TIMESTAMP": timestamp,
			"PASSWORD_CLAIM_SIGNATURE": base64.StdEncoding.EncodeToString(srp.Signature(key, srp.PoolName(poolID), "ana", block, timestamp)),
		},
	}

	respond := func() *apiError {
		_, err := call("RespondToAuthChallenge", answer)
		return err
	}
	claimed := hashToken(string(block))
	if !s.answering.claim(claimed) {
		t.Fatal("the challenge is claimed before any answer")
	}
	if err := respond(); err == nil || err.Message != "Invalid session for the user." {
		t.Errorf("an answer to a claimed challenge = %v, want an invalid session", err)
	}
	s.answering.unclaim(claimed)
	if err := respond(); err != nil {
		t.Errorf("the answer once the claim ended = %v, want tokens", err)
	}
	if err := respond(); err == nil || err.Message != "Invalid session for the user." {
		t.Errorf("the answer again = %v, want an invalid session", err)
	}
}

// truncate, which echoes input into messages, never splits a character.
func TestTruncateKeepsCharactersWhole(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"abcdef", 3, "abc..."},
		{"aé", 2, "a..."}, // byte 2 is inside the é
		{"éé", 4, "éé"},
	} {
		if got := truncate(c.s, c.n); got != c.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
	}
}
