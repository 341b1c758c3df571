package store

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/google/btree"
)

// NewMemory returns an empty Store that keeps its records in memory, for
// tests. It is safe for concurrent use: Views run concurrently with each
// other, and an Update runs alone.
//
// The records of a kind are packed in key order into pages of a few
// kilobytes, each page one string of keys and values back to back, and
// the pages are found by their first key in a B-tree. A record so costs
// little more than its key and value: there is no map entry, tree item or
// allocation of its own. A lookup is a search of the tree and then of a
// page, and a scan costs the records it visits, not the size of their
// kind. An Update's writes are kept aside until it commits, which rewrites
// the pages they fall in.
func NewMemory() Store {
	return &memoryStore{kinds: make(map[string]*btree.BTreeG[page])}
}

type memoryStore struct {
	mu sync.RWMutex
	// kinds holds each kind's committed records, in pages ordered by their
	// low keys; a record is in the last page whose low key is not above
	// its key. A kind with no records has no tree.
	kinds  map[string]*btree.BTreeG[page]
	closed bool
}

// A page is a run of one kind's records, in key order. The keys share
// prefix, which the page stores once: record i's key, less the prefix, is
// data[start(i):ends[2i]] and its value data[ends[2i]:ends[2i+1]], where
// start(i) is where record i-1's value ends (0 for the first record).
// Pages are never modified once built; a commit replaces the pages it
// writes to.
//
// A kind's first page has the low key "" and may be empty (when the kind's
// least records have been deleted); every other page has at least one
// record and its first key as low key. So every key has a page, and a
// page's strings are its own, not parts of strings that it would keep
// alive.
type page struct {
	low    string
	prefix string
	data   string
	ends   []uint32
}

// maxPageSize is the size, in bytes of keys and values, past which a
// commit splits a page. Measured with 100,000 emulator users, 2 KiB holds
// as little memory as 4 KiB (the per-page overhead, the tree item, low key
// and rounding to the allocator's size classes, stays a few percent of the
// records) and halves what a commit copies; 1 KiB holds more.
const maxPageSize = 2048

// btreeDegree is the degree of the B-trees of pages: nodes of up to 63
// pages, a common choice that keeps the tree shallow and its nodes in
// cache.
const btreeDegree = 32

func newPageTree() *btree.BTreeG[page] {
	return btree.NewG(btreeDegree, func(a, b page) bool { return a.low < b.low })
}

func (p page) len() int { return len(p.ends) / 2 }

// suffix returns record i's key less the page's prefix.
func (p page) suffix(i int) string {
	start := uint32(0)
	if i > 0 {
		start = p.ends[2*i-1]
	}
	return p.data[start:p.ends[2*i]]
}

func (p page) value(i int) string { return p.data[p.ends[2*i]:p.ends[2*i+1]] }

// key returns record i's key, a new string.
func (p page) key(i int) string { return p.prefix + p.suffix(i) }

// compare compares record i's key with key, as strings.Compare does.
func (p page) compare(i int, key string) int {
	if rest, ok := strings.CutPrefix(key, p.prefix); ok {
		return strings.Compare(p.suffix(i), rest)
	}
	// key differs from the prefix within the prefix's length, or is
	// shorter: so it compares with the record's key as with the prefix.
	return strings.Compare(p.prefix, key)
}

// search returns the index of the first record whose key is not below key.
func (p page) search(key string) int {
	rest, ok := strings.CutPrefix(key, p.prefix)
	switch {
	case ok:
		return sort.Search(p.len(), func(i int) bool { return p.suffix(i) >= rest })
	case key < p.prefix: // and so below every key with the prefix
		return 0
	default: // above every key with the prefix
		return p.len()
	}
}

// get returns the value of the record under key, if the page holds one.
func (p page) get(key string) (string, bool) {
	if i := p.search(key); i < p.len() && p.compare(i, key) == 0 {
		return p.value(i), true
	}
	return "", false
}

// entry returns record i as an entry.
func (p page) entry(i int) entry { return entry{p.prefix, p.suffix(i), p.value(i)} }

// pageFor returns the page of pages that holds key or would hold it.
func pageFor(pages *btree.BTreeG[page], key string) page {
	var p page
	pages.DescendLessOrEqual(page{low: key}, func(q page) bool {
		p = q
		return false
	})
	return p
}

// entry is a record in a page being built. Its key is head+tail: a page's
// prefix and the record's key less it, or a written key and "", so that
// rewriting a page does not build its keys.
type entry struct {
	head, tail, value string
}

func (e entry) size() int { return len(e.head) + len(e.tail) + len(e.value) }

func (e entry) key() string { return e.head + e.tail }

// writeKey writes the entry's key less its first n bytes to b.
func (e entry) writeKey(b *strings.Builder, n int) {
	if n < len(e.head) {
		b.WriteString(e.head[n:])
		b.WriteString(e.tail)
	} else {
		b.WriteString(e.tail[n-len(e.head):])
	}
}

// buildPages packs entries, in key order, into pages of at most about
// maxPageSize bytes, split evenly. If first, the pages are a kind's first
// ones: the first of them has the low key "" and is returned even if there
// are no entries.
func buildPages(entries []entry, first bool) []page {
	size := 0
	for _, e := range entries {
		size += e.size()
	}
	n := max((size+maxPageSize-1)/maxPageSize, 1)
	target := (size + n - 1) / n // n pages of target bytes hold them all
	var pages []page
	for len(entries) > 0 || (first && len(pages) == 0) {
		m, size := 0, 0
		for m < len(entries) && (m == 0 || size < target) {
			size += entries[m].size()
			m++
		}
		pages = append(pages, newPage(entries[:m], first && len(pages) == 0))
		entries = entries[m:]
	}
	return pages
}

// newPage builds the page of entries, whose low key is "" if first, and
// its first key otherwise.
func newPage(entries []entry, first bool) page {
	if len(entries) == 0 {
		return page{}
	}
	// The keys' common prefix is that of the first and the last; it is
	// kept as part of the page's own copy of its first key.
	firstKey := strings.Clone(entries[0].key())
	lastKey := entries[len(entries)-1].key()
	n := 0
	for n < len(firstKey) && n < len(lastKey) && firstKey[n] == lastKey[n] {
		n++
	}
	p := page{prefix: firstKey[:n]}
	if !first {
		p.low = firstKey
	}
	var data strings.Builder
	size := 0
	for _, e := range entries {
		size += e.size() - n
	}
	data.Grow(size)
	p.ends = make([]uint32, 0, 2*len(entries))
	for _, e := range entries {
		e.writeKey(&data, n)
		p.ends = append(p.ends, uint32(data.Len()))
		data.WriteString(e.value)
		p.ends = append(p.ends, uint32(data.Len()))
	}
	p.data = data.String()
	return p
}

func (s *memoryStore) View(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	return fn(&memoryTx{kinds: s.kinds})
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
	tx := &memoryTx{kinds: s.kinds, writes: make(map[string]map[string]write)}
	if err := fn(tx); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for kind, writes := range tx.writes {
		s.commit(kind, writes)
	}
	return nil
}

// commit makes an Update's writes to kind permanent, rewriting each page
// they fall in once; s.mu must be held for writing.
func (s *memoryStore) commit(kind string, writes map[string]write) {
	pages := s.kinds[kind]
	if pages == nil {
		pages = newPageTree()
		pages.ReplaceOrInsert(page{})
		s.kinds[kind] = pages
	}
	keys := slices.Sorted(maps.Keys(writes))
	for len(keys) > 0 {
		p := pageFor(pages, keys[0])
		// The keys before the next page's low key are p's.
		n := 1
		if len(keys) > 1 {
			n = len(keys)
			pages.AscendGreaterOrEqual(page{low: keys[0]}, func(next page) bool {
				if next.low == p.low { // p itself, whose low key is keys[0]
					return true
				}
				n, _ = slices.BinarySearch(keys, next.low)
				return false
			})
		}
		replaced := false
		for _, q := range rewrite(p, keys[:n], writes) {
			pages.ReplaceOrInsert(q)
			replaced = replaced || q.low == p.low
		}
		if !replaced {
			pages.Delete(p)
		}
		keys = keys[n:]
	}
	if first, _ := pages.Min(); pages.Len() == 1 && first.len() == 0 {
		delete(s.kinds, kind)
	}
}

// rewrite returns the pages that replace p once the writes to keys, which
// are in order and all fall in p, are applied.
func rewrite(p page, keys []string, writes map[string]write) []page {
	entries := make([]entry, 0, p.len()+len(keys))
	i := 0
	for _, key := range keys {
		for ; i < p.len() && p.compare(i, key) < 0; i++ {
			entries = append(entries, p.entry(i))
		}
		if i < p.len() && p.compare(i, key) == 0 {
			i++ // replaced or deleted
		}
		if w := writes[key]; !w.deleted {
			entries = append(entries, entry{head: key, value: w.value})
		}
	}
	for ; i < p.len(); i++ {
		entries = append(entries, p.entry(i))
	}
	return buildPages(entries, p.low == "")
}

func (s *memoryStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.closed = true
	s.kinds = nil
	return nil
}

// write is an Update's pending change to one record. The value is held as
// a string: the copy Put must make anyway, and what a page is built of.
type write struct {
	value   string
	deleted bool
}

// memoryTx reads the committed records through its overlay of pending
// writes, which is nil in a View.
type memoryTx struct {
	kinds  map[string]*btree.BTreeG[page]
	writes map[string]map[string]write
}

func (tx *memoryTx) Get(kind, key string) ([]byte, error) {
	value, ok := tx.lookup(kind, key)
	if !ok {
		return nil, ErrNotFound
	}
	return []byte(value), nil
}

func (tx *memoryTx) Put(kind, key string, value []byte) error {
	return tx.write(kind, key, write{value: string(value)})
}

func (tx *memoryTx) Delete(kind, key string) error {
	return tx.write(kind, key, write{deleted: true})
}

func (tx *memoryTx) Scan(kind, prefix string, fn func(key string, value []byte) error) error {
	return tx.ScanAfter(kind, prefix, "", fn)
}

func (tx *memoryTx) ScanAfter(kind, prefix, after string, fn func(key string, value []byte) error) error {
	// The committed records are visited in place, as the scan goes: pages
	// are never modified, and an Update's writes, fn's among them, are
	// kept aside until it commits. The writes this transaction made before
	// the scan are merged in, in order, so that those fn makes do not
	// change what it visits.
	type pendingWrite struct {
		key string
		write
	}
	var pending []pendingWrite
	for key, w := range tx.writes[kind] {
		if strings.HasPrefix(key, prefix) && (after == "" || key > after) {
			pending = append(pending, pendingWrite{key, w})
		}
	}
	slices.SortFunc(pending, func(a, b pendingWrite) int { return strings.Compare(a.key, b.key) })

	var err error // fn's, which ends the scan
	emit := func(key, value string) {
		err = fn(key, []byte(value))
	}
	// flush emits the pending writes before key, and reports whether one
	// was written under key itself (which it then emits, or not if it is
	// a deletion).
	flush := func(key string) (written bool) {
		for err == nil && len(pending) > 0 && pending[0].key <= key {
			w := pending[0]
			pending = pending[1:]
			if !w.deleted {
				emit(w.key, w.value)
			}
			written = w.key == key
		}
		return written
	}
	start := max(prefix, after)
	// visit emits p's records under prefix after after, and reports
	// whether the next page may have more.
	visit := func(p page) bool {
		for i := p.search(start); i < p.len() && err == nil; i++ {
			key := p.key(i)
			if !strings.HasPrefix(key, prefix) {
				return false
			}
			if after != "" && key <= after {
				continue // after itself
			}
			if !flush(key) && err == nil {
				emit(key, p.value(i))
			}
		}
		return err == nil
	}
	if pages := tx.kinds[kind]; pages != nil {
		if first := pageFor(pages, start); visit(first) {
			pages.AscendGreaterOrEqual(first, func(p page) bool { return p.low == first.low || visit(p) })
		}
	}
	for err == nil && len(pending) > 0 {
		flush(pending[len(pending)-1].key)
	}
	if errors.Is(err, ErrStopScan) {
		return nil
	}
	return err
}

func (tx *memoryTx) Count(kind, prefix string) (int, error) {
	n := 0
	pages := tx.kinds[kind]
	if pages != nil {
		// count adds p's records under prefix, and reports whether the
		// next page may have more.
		count := func(p page) bool {
			i := p.search(prefix)
			if strings.HasPrefix(p.prefix, prefix) { // every key of p has prefix
				n += p.len() - i
				return true
			}
			for ; i < p.len(); i++ {
				if !strings.HasPrefix(p.key(i), prefix) {
					return false
				}
				n++
			}
			return true
		}
		if first := pageFor(pages, prefix); count(first) {
			pages.AscendGreaterOrEqual(first, func(p page) bool { return p.low == first.low || count(p) })
		}
	}
	for key, w := range tx.writes[kind] {
		if !strings.HasPrefix(key, prefix) {
			continue
		}
		committed := false
		if pages != nil {
			_, committed = pageFor(pages, key).get(key)
		}
		switch {
		case committed && w.deleted:
			n--
		case !committed && !w.deleted:
			n++
		}
	}
	return n, nil
}

// lookup returns the record's value as this transaction sees it.
func (tx *memoryTx) lookup(kind, key string) (string, bool) {
	if w, ok := tx.writes[kind][key]; ok {
		return w.value, !w.deleted
	}
	pages := tx.kinds[kind]
	if pages == nil {
		return "", false
	}
	return pageFor(pages, key).get(key)
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
