package srp

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"math/big"
	"strings"
)

// nHex is the 3072-bit MODP prime of RFC 3526 section 4, the N of RFC 5054's
// 3072-bit group, which Cognito uses.
const nHex = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74" +
	"020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437" +
	"4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05" +
	"98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB" +
	"9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718" +
	"3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33" +
	"A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
	"ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864" +
	"D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2" +
	"08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"

var (
	groupN = mustHex(nHex)
	groupG = big.NewInt(2)
)

// SaltSize is the length in bytes of the salts NewVerifier draws (128 bits,
// as Cognito).
const SaltSize = 16

// PoolName returns the part of a user pool ID after the underscore
// ("eu-west-1_AbC123xyz" → "AbC123xyz"), the pool name SRP hashes.
func PoolName(userPoolID string) string {
	_, name, found := strings.Cut(userPoolID, "_")
	if !found {
		return userPoolID
	}
	return name
}

// VerifierInRange reports whether v, a verifier from elsewhere (an
// import), is one g^x mod N can be: above 1 and below N. A verifier of 0
// or 1 would let anyone sign in with SRP.
func VerifierInRange(v []byte) bool {
	x := new(big.Int).SetBytes(v)
	return x.Cmp(big.NewInt(1)) > 0 && x.Cmp(groupN) < 0
}

// NewVerifier draws a random salt and returns it with the verifier for
// password.
func NewVerifier(poolName, username, password string) (salt, verifier []byte, err error) {
	salt = make([]byte, SaltSize)
	if _, err := rand.Read(salt); err != nil {
		return nil, nil, fmt.Errorf("srp: drawing salt: %w", err)
	}
	return salt, Verifier(poolName, username, password, salt), nil
}

// Verifier returns v = g^x mod N as big-endian bytes.
func Verifier(poolName, username, password string, salt []byte) []byte {
	x := privateKey(poolName, username, password, salt)
	return new(big.Int).Exp(groupG, x, groupN).Bytes()
}

// Check reports whether password matches the stored salt and verifier. The
// final comparison is constant-time.
func Check(poolName, username, password string, salt, verifier []byte) bool {
	got := Verifier(poolName, username, password, salt)
	return subtle.ConstantTimeCompare(got, verifier) == 1
}

// privateKey computes x = SHA256(pad(salt) | SHA256(poolName | username |
// ":" | password)).
func privateKey(poolName, username, password string, salt []byte) *big.Int {
	inner := sha256.Sum256([]byte(poolName + username + ":" + password))
	h := sha256.New()
	h.Write(pad(new(big.Int).SetBytes(salt)))
	h.Write(inner[:])
	return new(big.Int).SetBytes(h.Sum(nil))
}

// pad encodes n as Cognito's clients do: minimal big-endian bytes, with a
// leading zero byte when the high bit is set (so the value reads as
// positive), and a single zero byte for zero.
func pad(n *big.Int) []byte {
	b := n.Bytes()
	if len(b) == 0 || b[0]&0x80 != 0 {
		return append([]byte{0}, b...)
	}
	return b
}

func mustHex(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("srp: bad hex constant")
	}
	return n
}
