package secrethash

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// Compute returns Base64(HMAC-SHA256(key = clientSecret, message = username +
// clientID)), the value Cognito expects in SECRET_HASH for app clients that
// have a secret.
func Compute(clientSecret, username, clientID string) string {
	mac := hmac.New(sha256.New, []byte(clientSecret))
	mac.Write([]byte(username))
	mac.Write([]byte(clientID))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Valid reports, in constant time, whether got is the SECRET_HASH for
// username and clientID under clientSecret.
func Valid(got, clientSecret, username, clientID string) bool {
	want := Compute(clientSecret, username, clientID)
	return hmac.Equal([]byte(got), []byte(want))
}
