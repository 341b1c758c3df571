package srp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// The USER_SRP_AUTH exchange, as Cognito runs it: the client sends
// A = g^a, the server answers B = k·v + g^b with the salt, both derive the
// shared secret S and from it, with HKDF, a 16-byte key; the client proves
// it knows the password with an HMAC under that key of the pool name, the
// user, the server's secret block and a timestamp.

// TimestampLayout is how the client writes TIMESTAMP ("Tue Nov 25 21:52:33
// UTC 2026", the day of the month not padded).
const TimestampLayout = "Mon Jan 2 15:04:05 UTC 2006"

// multiplier is k = H(pad(N) | pad(g)).
var multiplier = hashInts(groupN, groupG)

// errBadPublicValue is a public value that is 0 mod N, which would make
// the shared secret predictable.
var errBadPublicValue = errors.New("srp: public value is zero modulo N")

// ServerChallenge is the server's half of an exchange: its secret b and
// the public B it sends.
type ServerChallenge struct {
	b, B *big.Int
}

// NewServerChallenge draws b and computes B = (k·v + g^b) mod N for the
// user's verifier.
func NewServerChallenge(verifier []byte) (*ServerChallenge, error) {
	v := new(big.Int).SetBytes(verifier)
	for {
		bb := make([]byte, 32)
		if _, err := rand.Read(bb); err != nil {
			return nil, fmt.Errorf("srp: drawing b: %w", err)
		}
		b := new(big.Int).SetBytes(bb)
		B := new(big.Int).Mul(multiplier, v)
		B.Add(B, new(big.Int).Exp(groupG, b, groupN))
		B.Mod(B, groupN)
		if B.Sign() != 0 {
			return &ServerChallenge{b: b, B: B}, nil
		}
	}
}

// RestoreServerChallenge rebuilds a challenge from Secret and Public.
func RestoreServerChallenge(secret, public []byte) *ServerChallenge {
	return &ServerChallenge{b: new(big.Int).SetBytes(secret), B: new(big.Int).SetBytes(public)}
}

// Secret returns b, for the server to keep until the client answers.
func (c *ServerChallenge) Secret() []byte { return c.b.Bytes() }

// Public returns B.
func (c *ServerChallenge) Public() []byte { return c.B.Bytes() }

// Key derives the shared key from the client's A and the user's verifier:
// S = (A·v^u)^b mod N.
func (c *ServerChallenge) Key(clientPublic, verifier []byte) ([]byte, error) {
	A := new(big.Int).SetBytes(clientPublic)
	if new(big.Int).Mod(A, groupN).Sign() == 0 {
		return nil, errBadPublicValue
	}
	u := hashInts(A, c.B)
	v := new(big.Int).SetBytes(verifier)
	S := new(big.Int).Exp(v, u, groupN)
	S.Mul(S, A)
	S.Exp(S, c.b, groupN)
	return derive(S, u), nil
}

// NewClientSecret draws the client's secret a (128 random bytes, as
// Cognito's own clients draw it) and returns it with A = g^a mod N, which
// the client sends as SRP_A.
func NewClientSecret() (a, clientPublic []byte, err error) {
	for {
		a = make([]byte, 128)
		if _, err := rand.Read(a); err != nil {
			return nil, nil, fmt.Errorf("srp: drawing a: %w", err)
		}
		A := ClientPublic(a)
		if new(big.Int).SetBytes(A).Sign() != 0 {
			return a, A, nil
		}
	}
}

// ClientKey is the client's side: from its secret a and public A, the
// server's B and salt, and the password, S = (B - k·g^x)^(a + u·x) mod N.
// A B that is 0 mod N, or a scrambling parameter u of 0, is refused: a
// server sending either could predict the key.
func ClientKey(poolName, username, password string, salt, a, clientPublic, serverPublic []byte) ([]byte, error) {
	A, B := new(big.Int).SetBytes(clientPublic), new(big.Int).SetBytes(serverPublic)
	if new(big.Int).Mod(B, groupN).Sign() == 0 {
		return nil, errBadPublicValue
	}
	u := hashInts(A, B)
	if u.Sign() == 0 {
		return nil, errBadPublicValue
	}
	x := privateKey(poolName, username, password, salt)
	gx := new(big.Int).Exp(groupG, x, groupN)
	base := new(big.Int).Sub(B, new(big.Int).Mul(multiplier, gx))
	base.Mod(base, groupN)
	exp := new(big.Int).Add(new(big.Int).SetBytes(a), new(big.Int).Mul(u, x))
	S := new(big.Int).Exp(base, exp, groupN)
	return derive(S, u), nil
}

// ClientPublic returns A = g^a mod N for the client's secret a.
func ClientPublic(a []byte) []byte {
	return new(big.Int).Exp(groupG, new(big.Int).SetBytes(a), groupN).Bytes()
}

// Signature is the client's proof, HMAC-SHA256 under key of poolName |
// userID | secretBlock | timestamp (sent base64-encoded as
// PASSWORD_CLAIM_SIGNATURE).
func Signature(key []byte, poolName, userID string, secretBlock []byte, timestamp string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(poolName))
	mac.Write([]byte(userID))
	mac.Write(secretBlock)
	mac.Write([]byte(timestamp))
	return mac.Sum(nil)
}

// ValidTimestamp reports whether ts is written as Cognito's clients write
// it.
func ValidTimestamp(ts string) bool {
	_, err := time.Parse(TimestampLayout, ts)
	return err == nil
}

// derive is Cognito's HKDF: PRK = HMAC(pad(u), pad(S)), key = the first
// 16 bytes of HMAC(PRK, "Caldera Derived Key" | 0x01).
func derive(S, u *big.Int) []byte {
	prk := hmac.New(sha256.New, pad(u))
	prk.Write(pad(S))
	okm := hmac.New(sha256.New, prk.Sum(nil))
	okm.Write([]byte("Caldera Derived Key\x01"))
	return okm.Sum(nil)[:16]
}

// hashInts is H(pad(a) | pad(b)) as an integer.
func hashInts(a, b *big.Int) *big.Int {
	h := sha256.New()
	h.Write(pad(a))
	h.Write(pad(b))
	return new(big.Int).SetBytes(h.Sum(nil))
}
