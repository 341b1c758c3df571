package store

import (
	"context"
	"errors"
)

// ErrNotFound is returned by Tx.Get when no record has the kind and key.
var ErrNotFound = errors.New("store: record not found")

// ErrReadOnly is returned by the write methods of a transaction opened with
// Store.View.
var ErrReadOnly = errors.New("store: write in a read-only transaction")

// ErrStopScan, returned by a Tx.Scan callback, ends the scan early; Scan
// then returns nil. Like fs.SkipAll it signals control flow, not failure.
var ErrStopScan = errors.New("store: stop scan")

// ErrClosed is returned by every method of a Store, Close included, once
// the store has been closed.
var ErrClosed = errors.New("store: closed")

// Store is the local Cognito's persistence: records (opaque byte values)
// grouped by kind and addressed by key, read and written in transactions.
//
// Implementations must be safe for concurrent use. Update transactions are
// serializable: the function sees every earlier committed Update and none
// that is concurrent with it. A committed Update is durable as far as the
// implementation promises (the SQLite store survives a process crash; the
// memory store lives as long as the process).
//
// The function passed to View or Update must not start another transaction
// on the same Store: depending on the implementation that deadlocks.
type Store interface {
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// Update runs fn in a read-write transaction. If fn returns an error,
	// none of its writes are kept and Update returns that error; otherwise
	// all of them are committed at once.
	Update(ctx context.Context, fn func(Tx) error) error
	// Close releases the store. It must not be used afterwards.
	Close() error
}

// Tx is one transaction's view of the records. It is valid only inside the
// function passed to View or Update and must not be used concurrently.
// Values passed to Put and returned by Get and Scan are copies: a caller may
// keep or modify them freely.
type Tx interface {
	// Get returns the value stored under kind and key, or ErrNotFound.
	Get(kind, key string) ([]byte, error)
	// Put stores value under kind and key, replacing any previous value.
	Put(kind, key string, value []byte) error
	// Delete removes the record under kind and key; removing a missing
	// record is not an error.
	Delete(kind, key string) error
	// Scan calls fn for every record of kind whose key starts with prefix,
	// in ascending byte order of key, including the writes this
	// transaction made. If fn returns ErrStopScan the scan ends and Scan
	// returns nil; any other error ends it and is returned. fn may call the
	// transaction's other methods; the records Scan visits are those that
	// matched when it was called: writes fn makes do not change them. (In
	// a read-only transaction, where fn cannot write, an implementation
	// may read them as it goes, so that a scan stopped early reads less.)
	Scan(kind, prefix string, fn func(key string, value []byte) error) error
	// ScanAfter is Scan from the record after the key after: it visits
	// the records of kind whose key starts with prefix and, unless after
	// is empty, is greater than after. It costs the records it visits, not
	// those it passes: a page of a list starts where the last one ended.
	ScanAfter(kind, prefix, after string, fn func(key string, value []byte) error) error
	// Count returns how many records of kind have a key that starts with
	// prefix, including the writes this transaction made, without reading
	// their values.
	Count(kind, prefix string) (int, error)
}
