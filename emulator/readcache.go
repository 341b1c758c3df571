package emulator

import (
	"sync"

	"github.com/cognitokit/cognito/emulator/store"
)

// The read cache: the encoded records of the kinds read on almost every
// call — pools, app clients, the client → pool index, signing keys, users
// and their sign-ins — kept in memory for read transactions, so that a
// call on a disk store does not query them each time (GetUser reads all
// six).
//
// It is kept exact by the state layer: every write transaction records the
// keys it writes, and once it has committed, their entries are dropped and
// the cache's generation moves on. A read transaction fills an entry only
// if the generation is still the one it started at, checked and done under
// the cache's lock: an entry read from a snapshot older than a commit is
// either dropped by that commit's invalidation or never filled. Write
// transactions do not read from it (another writer's commit may not be
// invalidated yet when the next writer starts); they read the store.

// cachedKinds are the kinds the read cache holds.
var cachedKinds = map[string]bool{kindPool: true, kindClient: true, kindClientPool: true, kindKey: true, kindUser: true, kindSession: true}

// maxCachedRecords bounds the cache; past it, it is emptied and refills.
const maxCachedRecords = 4096

// readCache holds encoded records by kind and key.
type readCache struct {
	mu      sync.Mutex
	gen     uint64
	records map[string][]byte // kind + "\x00" + key → encoded record
}

func cacheKey(kind, key string) string { return kind + "\x00" + key }

// generation is the cache's generation, for a read transaction starting.
func (c *readCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// get returns the cached record of kind and key, if any. The bytes are
// shared: callers only decode them.
func (c *readCache) get(kind, key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	raw, ok := c.records[cacheKey(kind, key)]
	return raw, ok
}

// fill caches raw as the record of kind and key, read by a transaction
// that started at generation gen, unless a write committed since.
func (c *readCache) fill(gen uint64, kind, key string, raw []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.records == nil || len(c.records) >= maxCachedRecords {
		c.records = make(map[string][]byte)
	}
	c.records[cacheKey(kind, key)] = raw
}

// invalidate drops the entries of the keys a committed write transaction
// wrote and moves the generation on.
func (c *readCache) invalidate(written map[string]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for k := range written {
		delete(c.records, k)
	}
}

// cachedTx is a read transaction that reads the cached kinds through the
// cache.
type cachedTx struct {
	store.Tx
	cache *readCache
	gen   uint64
}

func (t *cachedTx) Get(kind, key string) ([]byte, error) {
	if !cachedKinds[kind] {
		return t.Tx.Get(kind, key)
	}
	if raw, ok := t.cache.get(kind, key); ok {
		return raw, nil
	}
	raw, err := t.Tx.Get(kind, key)
	if err == nil {
		t.cache.fill(t.gen, kind, key, raw)
	}
	return raw, err
}

// recordingTx is a write transaction that records the cached kinds' keys
// it writes, for the cache to drop once it has committed.
type recordingTx struct {
	store.Tx
	written map[string]bool
}

func (t *recordingTx) Put(kind, key string, value []byte) error {
	t.record(kind, key)
	return t.Tx.Put(kind, key, value)
}

func (t *recordingTx) Delete(kind, key string) error {
	t.record(kind, key)
	return t.Tx.Delete(kind, key)
}

func (t *recordingTx) record(kind, key string) {
	if cachedKinds[kind] {
		t.written[cacheKey(kind, key)] = true
	}
}
