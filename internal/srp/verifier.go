package srp

import "math/big"

// ValidVerifier reports whether v, a verifier a client chose (a remembered
// device's, given to ConfirmDevice), can serve an exchange: 1 < v < N. A
// verifier of 0 modulo N would make the shared secret S = 0 for any A,
// and 1 is g^0, a secret of zero.
func ValidVerifier(v []byte) bool {
	n := new(big.Int).SetBytes(v)
	return n.Cmp(big.NewInt(1)) > 0 && n.Cmp(groupN) < 0
}
