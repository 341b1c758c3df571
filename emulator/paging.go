package emulator

import (
	"crypto/rand"
	"encoding/base64"

	"github.com/cognitokit/cognito/emulator/store"
)

// Paging of the list actions, and the random identifiers of new resources.

// errStopScan ends a scan early (see store.ErrStopScan).
var errStopScan = store.ErrStopScan

// page reads a list call's paging members: the page size (MaxResults or
// Limit, 1 to 60; required says whether it must be present, as for
// ListUserPools, or defaults to 60) and the key after which the page starts
// (from NextToken or PaginationToken).
func page(size *int32, required bool, token string) (limit int, after string, err error) {
	if limit, err = pageSize(size, required); err != nil {
		return 0, "", err
	}
	after, err = decodePageToken(token)
	return limit, after, err
}

// pageSize validates a MaxResults/Limit member (1 to 60).
func pageSize(n *int32, required bool) (int, error) {
	if n == nil {
		if required {
			return 0, invalidParameter("1 validation error detected: Value null at 'maxResults' failed to satisfy constraint: Member must not be null")
		}
		return 60, nil
	}
	if *n < 1 || *n > 60 {
		return 0, invalidParameter("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60", *n)
	}
	return int(*n), nil
}

// Page tokens are the last key of the previous page, base64url-encoded.
func encodePageToken(lastKey string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(lastKey))
}

func decodePageToken(tok string) (string, error) {
	if tok == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) == 0 {
		return "", invalidParameter("Invalid pagination token.")
	}
	return string(raw), nil
}

const (
	alphanumeric      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lowerAlphanumeric = "abcdefghijklmnopqrstuvwxyz0123456789"
)

func randomAlphanumeric(n int) string      { return randomString(alphanumeric, n) }
func randomLowerAlphanumeric(n int) string { return randomString(lowerAlphanumeric, n) }

// randomString draws n characters uniformly from alphabet with crypto/rand.
func randomString(alphabet string, n int) string {
	out := make([]byte, n)
	buf := make([]byte, 1)
	limit := 256 - 256%len(alphabet)
	for i := 0; i < n; {
		rand.Read(buf)
		if int(buf[0]) >= limit {
			continue
		}
		out[i] = alphabet[int(buf[0])%len(alphabet)]
		i++
	}
	return string(out)
}
