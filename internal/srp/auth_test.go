package srp

import (
	"bytes"
	"crypto/rand"
	"math/big"
	"testing"
	"time"
)

// exchange runs both sides of USER_SRP_AUTH and returns their keys.
func exchange(t *testing.T, password, tried string) (client, server []byte) {
	t.Helper()
	salt, v, err := NewVerifier("pool", "ana", password)
	if err != nil {
		t.Fatal(err)
	}
	a := make([]byte, 32)
	rand.Read(a)
	A := ClientPublic(a)
	ch, err := NewServerChallenge(v)
	if err != nil {
		t.Fatal(err)
	}
	// The server keeps b and B between the two calls.
	restored := RestoreServerChallenge(ch.Secret(), ch.Public())
	server, err = restored.Key(A, v)
	if err != nil {
		t.Fatal(err)
	}
	client, err = ClientKey("pool", "ana", tried, salt, a, A, ch.Public())
	if err != nil {
		t.Fatal(err)
	}
	return client, server
}

func TestExchangeAgreesOnlyOnTheRightPassword(t *testing.T) {
	client, server := exchange(t, "Correct-h0rse", "Correct-h0rse")
	if len(server) != 16 || !bytes.Equal(client, server) {
		t.Fatalf("keys differ for the right password: %x vs %x", client, server)
	}
	client, server = exchange(t, "Correct-h0rse", "correct-h0rse")
	if bytes.Equal(client, server) {
		t.Fatal("keys agree for a wrong password")
	}
}

func TestSignature(t *testing.T) {
	key := []byte("0123456789abcdef")
	ts := time.Date(2026, 11, 5, 9, 4, 3, 0, time.UTC).Format(TimestampLayout)
	if ts != "Thu Nov 5 09:04:03 UTC 2026" {
		t.Fatalf("timestamp = %q: the day must not be padded", ts)
	}
	if !ValidTimestamp(ts) || ValidTimestamp("2026-11-05T09:04:03Z") {
		t.Fatal("ValidTimestamp accepts the wrong layout or refuses the right one")
	}
	sig := Signature(key, "pool", "ana", []byte("block"), ts)
	for _, other := range [][]byte{
		Signature([]byte("0123456789abcdeX"), "pool", "ana", []byte("block"), ts),
		Signature(key, "pool2", "ana", []byte("block"), ts),
		Signature(key, "pool", "bob", []byte("block"), ts),
		Signature(key, "pool", "ana", []byte("blocK"), ts),
		Signature(key, "pool", "ana", []byte("block"), "Thu Nov 5 09:04:04 UTC 2026"),
	} {
		if bytes.Equal(sig, other) {
			t.Fatal("the signature does not cover every input")
		}
	}
}

func TestZeroPublicValuesAreRefused(t *testing.T) {
	_, v, _ := NewVerifier("pool", "ana", "pw")
	ch, _ := NewServerChallenge(v)
	for _, A := range [][]byte{{0}, groupN.Bytes(), new(big.Int).Mul(groupN, big.NewInt(2)).Bytes()} {
		if _, err := ch.Key(A, v); err == nil {
			t.Errorf("A = %x mod N = 0 accepted", A)
		}
	}
	if _, err := ClientKey("pool", "ana", "pw", []byte{1}, []byte{1}, []byte{2}, groupN.Bytes()); err == nil {
		t.Error("B = N accepted")
	}
}

// A client secret drawn by NewClientSecret gives its public value, and a
// whole exchange with it agrees with the server; a server B of 0 mod N is
// refused.
func TestNewClientSecret(t *testing.T) {
	a, A, err := NewClientSecret()
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 128 || !bytes.Equal(A, ClientPublic(a)) {
		t.Fatalf("a is %d bytes, A = g^a: %v", len(a), bytes.Equal(A, ClientPublic(a)))
	}
	salt, verifier, err := NewVerifier("pool", "ana", "Passw0rd!")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := NewServerChallenge(verifier)
	if err != nil {
		t.Fatal(err)
	}
	clientKey, err := ClientKey("pool", "ana", "Passw0rd!", salt, a, A, srv.Public())
	if err != nil {
		t.Fatal(err)
	}
	serverKey, err := srv.Key(A, verifier)
	if err != nil || !bytes.Equal(clientKey, serverKey) {
		t.Fatalf("keys differ (%v)", err)
	}
	if _, err := ClientKey("pool", "ana", "Passw0rd!", salt, a, A, groupN.Bytes()); err == nil {
		t.Error("a server B equal to N was accepted")
	}
}
