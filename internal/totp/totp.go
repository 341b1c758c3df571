package totp

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/binary"
	"strconv"
	"strings"
	"time"
)

const (
	// Period is the length of a time step.
	Period = 30 * time.Second
	// Digits is the length of a code.
	Digits = 6
)

// Step is the time step t falls in: whole periods since the Unix epoch.
func Step(t time.Time) int64 {
	return t.Unix() / int64(Period/time.Second)
}

// Code is the one-time password of secret for a time step, digits long
// (RFC 4226 section 5.3 over the step as its counter).
func Code(secret []byte, step int64, digits int) string {
	var counter [8]byte
	binary.BigEndian.PutUint64(counter[:], uint64(step))
	mac := hmac.New(sha1.New, secret)
	mac.Write(counter[:])
	sum := mac.Sum(nil)
	offset := sum[len(sum)-1] & 0x0f
	value := binary.BigEndian.Uint32(sum[offset:offset+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	s := strconv.FormatUint(uint64(value%mod), 10)
	return strings.Repeat("0", digits-len(s)) + s
}

// Now is the six-digit code of secret at t.
func Now(secret []byte, t time.Time) string {
	return Code(secret, Step(t), Digits)
}
