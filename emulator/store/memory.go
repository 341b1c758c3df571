package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/google/btree"
)

// NewMemory returns an empty Store that keeps its records in memory, for
// tests. It is safe for concurrent use: Views run concurrently with each
// other, and an Update runs alone. Records are found by key in a map and
// scanned in key order from a B-tree of their keys, so a scan costs the
// records it visits, not the size of their kind.
func NewMemory() Store {
	return &memoryStore{data: make(map[string]*records)}
}

type memoryStore struct {
	mu     sync.RWMutex
	data   map[string]*records // kind → its records
	closed bool
}

// records are the committed records of one kind: by key, and their keys in
// order.
type records struct {
	values map[string][]byte
	keys   *btree.BTreeG[string]
}

// btreeDegree is the B-tree's degree: nodes of up to 63 keys, a common
// choice that keeps the tree shallow and its nodes in cache.
const btreeDegree = 32

func (s *memoryStore) View(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	return fn(&memoryTx{data: s.data})
}

func (s *memoryStore) Update(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	tx := &memoryTx{data: s.data, writes: make(map[string]map[string]write)}
	if err := fn(tx); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for kind, writes := range tx.writes {
		for key, w := range writes {
			s.apply(kind, key, w)
		}
	}
	return nil
}

// apply makes one pending write permanent; s.mu must be held for writing.
func (s *memoryStore) apply(kind, key string, w write) {
	recs := s.data[kind]
	if w.deleted {
		if recs == nil {
			return
		}
		if _, ok := recs.values[key]; ok {
			delete(recs.values, key)
			recs.keys.Delete(key)
		}
		if len(recs.values) == 0 {
			delete(s.data, kind)
		}
		return
	}
	if recs == nil {
		recs = &records{values: make(map[string][]byte), keys: btree.NewOrderedG[string](btreeDegree)}
		s.data[kind] = recs
	}
	if _, ok := recs.values[key]; !ok {
		recs.keys.ReplaceOrInsert(key)
	}
	recs.values[key] = w.value
}

func (s *memoryStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.closed = true
	s.data = nil
	return nil
}

// write is an Update's pending change to one record.
type write struct {
	value   []byte
	deleted bool
}

// memoryTx reads the committed records through its overlay of pending
// writes, which is nil in a View.
type memoryTx struct {
	data   map[string]*records
	writes map[string]map[string]write
}

func (tx *memoryTx) Get(kind, key string) ([]byte, error) {
	value, ok := tx.lookup(kind, key)
	if !ok {
		return nil, ErrNotFound
	}
	return clone(value), nil
}

func (tx *memoryTx) Put(kind, key string, value []byte) error {
	return tx.write(kind, key, write{value: clone(value)})
}

func (tx *memoryTx) Delete(kind, key string) error {
	return tx.write(kind, key, write{deleted: true})
}

func (tx *memoryTx) Scan(kind, prefix string, fn func(key string, value []byte) error) error {
	var keys []string
	if recs := tx.data[kind]; recs != nil {
		recs.keys.AscendGreaterOrEqual(prefix, func(key string) bool {
			if !strings.HasPrefix(key, prefix) {
				return false
			}
			if _, written := tx.writes[kind][key]; !written {
				keys = append(keys, key)
			}
			return true
		})
	}
	overlay := false
	for key, w := range tx.writes[kind] {
		if !w.deleted && strings.HasPrefix(key, prefix) {
			keys, overlay = append(keys, key), true
		}
	}
	if overlay {
		slices.Sort(keys) // the committed keys are in order already
	}
	values := make([][]byte, len(keys))
	for i, key := range keys {
		value, _ := tx.lookup(kind, key)
		values[i] = clone(value)
	}
	for i, key := range keys {
		if err := fn(key, values[i]); err != nil {
			if errors.Is(err, ErrStopScan) {
				return nil
			}
			return err
		}
	}
	return nil
}

// lookup returns the record's value as this transaction sees it, without
// copying it.
func (tx *memoryTx) lookup(kind, key string) ([]byte, bool) {
	if w, ok := tx.writes[kind][key]; ok {
		return w.value, !w.deleted
	}
	recs := tx.data[kind]
	if recs == nil {
		return nil, false
	}
	value, ok := recs.values[key]
	return value, ok
}

func (tx *memoryTx) write(kind, key string, w write) error {
	if tx.writes == nil {
		return ErrReadOnly
	}
	writes := tx.writes[kind]
	if writes == nil {
		writes = make(map[string]write)
		tx.writes[kind] = writes
	}
	writes[key] = w
	return nil
}

// clone copies b; unlike bytes.Clone it never returns nil, so an empty
// value reads back as an empty, non-nil slice.
func clone(b []byte) []byte {
	return append([]byte{}, b...)
}
