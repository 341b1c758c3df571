package totp

import (
	"testing"
	"time"
)

// The SHA-1 test vectors of RFC 6238, appendix B (eight digits); the
// six-digit codes are their last six digits.
func TestRFC6238Vectors(t *testing.T) {
	secret := []byte("12345678901234567890")
	for _, tc := range []struct {
		unix int64
		want string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	} {
		at := time.Unix(tc.unix, 0)
		if got := Code(secret, Step(at), 8); got != tc.want {
			t.Errorf("Code(T=%d, 8 digits) = %s, want %s", tc.unix, got, tc.want)
		}
		if got := Now(secret, at); got != tc.want[2:] {
			t.Errorf("Now(T=%d) = %s, want %s", tc.unix, got, tc.want[2:])
		}
	}
}
