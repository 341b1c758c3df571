package main

import (
	"crypto/rand"
	"errors"
	"sync"
	"time"
)

// errFull is a records store at its bound: every record still live.
var errFull = errors.New("too many records")

// records keeps values of T under random IDs until they expire: the
// server-side state behind the app's cookies, which carry only the ID. It
// is safe for concurrent use.
type records[T any] struct {
	mu      sync.Mutex
	now     func() time.Time
	max     int
	entries map[string]record[T]
}

type record[T any] struct {
	value   T
	expires time.Time
}

func newRecords[T any](max int, now func() time.Time) *records[T] {
	return &records[T]{now: now, max: max, entries: make(map[string]record[T])}
}

// put keeps v until expires and returns its new ID. When the store is
// full of live records it fails with errFull.
func (r *records[T]) put(v T, expires time.Time) (string, error) {
	id := rand.Text() // 128 bits from crypto/rand
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.entries) >= r.max {
		now := r.now()
		for k, e := range r.entries {
			if !now.Before(e.expires) {
				delete(r.entries, k)
			}
		}
		if len(r.entries) >= r.max {
			return "", errFull
		}
	}
	r.entries[id] = record[T]{value: v, expires: expires}
	return id, nil
}

// get returns the live value of id.
func (r *records[T]) get(id string) (T, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lookup(id, false)
}

// take returns the live value of id and forgets it: a record used once.
func (r *records[T]) take(id string) (T, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lookup(id, true)
}

// remove forgets id.
func (r *records[T]) remove(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.entries, id)
}

// lookup returns the live value of id, forgetting it if it expired or
// forget is set. r.mu is held.
func (r *records[T]) lookup(id string, forget bool) (T, bool) {
	e, ok := r.entries[id]
	if !ok {
		var zero T
		return zero, false
	}
	live := r.now().Before(e.expires)
	if forget || !live {
		delete(r.entries, id)
	}
	if !live {
		var zero T
		return zero, false
	}
	return e.value, true
}
