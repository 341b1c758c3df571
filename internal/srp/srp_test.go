package srp

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"testing"
)

func TestGroupIsSafePrime(t *testing.T) {
	if groupN.BitLen() != 3072 {
		t.Fatalf("N has %d bits, want 3072", groupN.BitLen())
	}
	if !groupN.ProbablyPrime(8) {
		t.Fatal("N is not prime")
	}
	q := new(big.Int).Rsh(groupN, 1)
	if !q.ProbablyPrime(8) {
		t.Fatal("(N-1)/2 is not prime: N is not a safe prime")
	}
}

func TestPoolName(t *testing.T) {
	for in, want := range map[string]string{
		"eu-west-1_AbC123xyz": "AbC123xyz",
		"us-east-1_x":         "x",
		"nounderscore":        "nounderscore",
	} {
		if got := PoolName(in); got != want {
			t.Errorf("PoolName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestVerifierMatchesDefinition recomputes v from the definition with
// independent code (hex strings, as Cognito's JavaScript client does).
func TestVerifierMatchesDefinition(t *testing.T) {
	salt, _ := hex.DecodeString("8a0b3c4d5e6f708192a3b4c5d6e7f801") // high bit set: padded
	inner := sha256.Sum256([]byte("AbC123xyzalice:Passw0rd!"))
	xHash := sha256.Sum256(append(append([]byte{0}, salt...), inner[:]...))
	x := new(big.Int).SetBytes(xHash[:])
	want := new(big.Int).Exp(big.NewInt(2), x, groupN).Bytes()

	got := Verifier("AbC123xyz", "alice", "Passw0rd!", salt)
	if !bytes.Equal(got, want) {
		t.Fatal("Verifier does not match g^x mod N")
	}
}

func TestCheck(t *testing.T) {
	salt, v, err := NewVerifier("pool", "alice", "Correct-h0rse")
	if err != nil {
		t.Fatal(err)
	}
	if len(salt) != SaltSize {
		t.Fatalf("salt has %d bytes, want %d", len(salt), SaltSize)
	}
	tests := []struct {
		name, pool, user, password string
		want                       bool
	}{
		{"right password", "pool", "alice", "Correct-h0rse", true},
		{"wrong password", "pool", "alice", "correct-h0rse", false},
		{"other user", "pool", "bob", "Correct-h0rse", false},
		{"other pool", "pool2", "alice", "Correct-h0rse", false},
		{"empty password", "pool", "alice", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Check(tt.pool, tt.user, tt.password, salt, v); got != tt.want {
				t.Fatalf("Check = %v, want %v", got, tt.want)
			}
		})
	}
	salt2, v2, _ := NewVerifier("pool", "alice", "Correct-h0rse")
	if bytes.Equal(salt, salt2) || bytes.Equal(v, v2) {
		t.Fatal("two verifiers of one password share salt or value")
	}
}

func TestPad(t *testing.T) {
	tests := []struct {
		n    int64
		want []byte
	}{
		{0, []byte{0}},
		{0x7f, []byte{0x7f}},
		{0x80, []byte{0, 0x80}},
		{0x0100, []byte{1, 0}},
	}
	for _, tt := range tests {
		if got := pad(big.NewInt(tt.n)); !bytes.Equal(got, tt.want) {
			t.Errorf("pad(%#x) = %x, want %x", tt.n, got, tt.want)
		}
	}
}

func BenchmarkCheck(b *testing.B) {
	salt, v, _ := NewVerifier("pool", "alice", "Correct-h0rse")
	for b.Loop() {
		Check("pool", "alice", "Correct-h0rse", salt, v)
	}
}

func TestVerifierInRange(t *testing.T) {
	_, v, err := NewVerifier("pool", "alice", "Correct-h0rse")
	if err != nil {
		t.Fatal(err)
	}
	nMinus1 := new(big.Int).Sub(groupN, big.NewInt(1)).Bytes()
	for _, tc := range []struct {
		name string
		v    []byte
		want bool
	}{
		{"a verifier", v, true},
		{"2", []byte{2}, true},
		{"N-1", nMinus1, true},
		{"empty", nil, false},
		{"0", []byte{0, 0}, false},
		{"1", []byte{0, 1}, false},
		{"N", groupN.Bytes(), false},
		{"above N", append([]byte{1}, groupN.Bytes()...), false},
	} {
		if got := VerifierInRange(tc.v); got != tc.want {
			t.Errorf("VerifierInRange(%s) = %t, want %t", tc.name, got, tc.want)
		}
	}
}
