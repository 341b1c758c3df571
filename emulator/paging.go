package emulator

import (
	"crypto/rand"
	"encoding/base64"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cognitokit/cognito/emulator/store"
)

// Paging of the list actions, and the random identifiers of new resources.

// errStopScan ends a scan early (see store.ErrStopScan).
var errStopScan = store.ErrStopScan

// pager gathers one page of a list action: the items after the key the
// page token names, up to the page size, and, when more follow, the token
// of the next page.
type pager[T any] struct {
	after string // the key the page starts after; "" for the first page
	limit int
	items []T // never nil: an empty page is an empty list on the wire
	last  string
	next  *string
}

// newPager reads a list call's paging members: the page size (MaxResults or
// Limit, 1 to 60; required says whether it must be present, as for
// ListUserPools, or defaults to 60) and the page token (NextToken or
// PaginationToken).
func newPager[T any](size *int32, required bool, token *string) (*pager[T], error) {
	limit, err := pageSize(size, required)
	if err != nil {
		return nil, err
	}
	after, err := decodePageToken(aws.ToString(token))
	if err != nil {
		return nil, err
	}
	return &pager[T]{after: after, limit: limit, items: []T{}}, nil
}

// newPagerUpTo is newPager for a list action whose optional page size is
// at most limit (ListResourceServers: 1 to 50); without one a page holds
// limit items.
func newPagerUpTo[T any](size *int32, limit int32, token *string) (*pager[T], error) {
	if size != nil && (*size < 1 || *size > limit) {
		return nil, invalidParameter("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and %d", *size, limit)
	}
	if size == nil {
		size = &limit
	}
	return newPager[T](size, false, token)
}

// add puts item, listed under key, on the page. Once the page is full it
// records the next page's token instead and returns errStopScan.
func (pg *pager[T]) add(key string, item T) error {
	if len(pg.items) == pg.limit {
		pg.next = aws.String(encodePageToken(pg.last))
		return errStopScan
	}
	pg.items, pg.last = append(pg.items, item), key
	return nil
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
