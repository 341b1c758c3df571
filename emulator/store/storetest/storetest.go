package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cognitokit/cognito/emulator/store"
)

// Run tests the Store implementation that open creates. Each subtest calls
// open for a new, empty store, which Run closes when the subtest ends;
// open should register any other cleanup (such as t.TempDir) with t. The
// subtests run in parallel.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		test func(t *testing.T, s store.Store)
	}{
		{"GetMissing", testGetMissing},
		{"PutGet", testPutGet},
		{"Overwrite", testOverwrite},
		{"Delete", testDelete},
		{"KindsAreSeparate", testKindsAreSeparate},
		{"ScanOrder", testScanOrder},
		{"ScanPrefix", testScanPrefix},
		{"ScanStop", testScanStop},
		{"ScanError", testScanError},
		{"ScanSeesOwnWrites", testScanSeesOwnWrites},
		{"ScanCallbackUsesTx", testScanCallbackUsesTx},
		{"ScanLongInView", testScanLongInView},
		{"ScanAfter", testScanAfter},
		{"Count", testCount},
		{"UpdateErrorRollsBack", testUpdateErrorRollsBack},
		{"UpdatePanicRollsBack", testUpdatePanicRollsBack},
		{"UpdateGoexitRollsBack", testUpdateGoexitRollsBack},
		{"ViewRejectsWrites", testViewRejectsWrites},
		{"ValuesAreCopies", testValuesAreCopies},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"ConcurrentFailuresStayApart", testConcurrentFailuresStayApart},
		{"LargeValue", testLargeValue},
		{"EmptyValue", testEmptyValue},
		{"CanceledContext", testCanceledContext},
		{"Closed", testClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil && !errors.Is(err, store.ErrClosed) {
					t.Errorf("Close: %v", err)
				}
			})
			tt.test(t, s)
		})
	}
}

var errBoom = errors.New("boom")

func testGetMissing(t *testing.T, s store.Store) {
	put(t, s, "users", "alice", "1")
	for _, key := range []string{"bob", "alic", "alice2", ""} {
		if _, err := get(t, s, "users", key); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("View Get(users, %q) = %v, want ErrNotFound", key, err)
		}
	}
	update(t, s, func(tx store.Tx) error {
		if _, err := tx.Get("users", "bob"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Update Get(users, bob) = %v, want ErrNotFound", err)
		}
		return nil
	})
}

func testPutGet(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		if err := tx.Put("users", "alice", []byte("v1")); err != nil {
			return err
		}
		got, err := tx.Get("users", "alice")
		if err != nil || string(got) != "v1" {
			t.Errorf("Get in the same Update = %q, %v; want v1", got, err)
		}
		return nil
	})
	wantValue(t, s, "users", "alice", "v1")
}

func testOverwrite(t *testing.T, s store.Store) {
	put(t, s, "users", "alice", "v1")
	put(t, s, "users", "alice", "second value")
	wantValue(t, s, "users", "alice", "second value")
	wantRecords(t, s, "users", "alice=second value")
}

func testDelete(t *testing.T, s store.Store) {
	put(t, s, "users", "alice", "1")
	put(t, s, "users", "bob", "2")
	update(t, s, func(tx store.Tx) error {
		if err := tx.Delete("users", "alice"); err != nil {
			return err
		}
		if _, err := tx.Get("users", "alice"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Get after Delete in the same Update = %v, want ErrNotFound", err)
		}
		return nil
	})
	wantMissing(t, s, "users", "alice")
	wantValue(t, s, "users", "bob", "2")

	update(t, s, func(tx store.Tx) error {
		if err := tx.Delete("users", "nobody"); err != nil {
			t.Errorf("Delete of a missing record = %v, want nil", err)
		}
		return nil
	})
	wantRecords(t, s, "users", "bob=2")
}

func testKindsAreSeparate(t *testing.T, s store.Store) {
	put(t, s, "users", "k", "user")
	put(t, s, "clients", "k", "client")
	wantValue(t, s, "users", "k", "user")
	wantValue(t, s, "clients", "k", "client")

	update(t, s, func(tx store.Tx) error { return tx.Delete("users", "k") })
	wantMissing(t, s, "users", "k")
	wantValue(t, s, "clients", "k", "client")
	wantRecords(t, s, "users")
	wantRecords(t, s, "clients", "k=client")
	wantRecords(t, s, "user")
}

func testScanOrder(t *testing.T, s store.Store) {
	keys := []string{"b", "ab", "a", "ba", "B", "0", "~", "é", "\x80", "aa", "a b"}
	for _, key := range keys {
		put(t, s, "k", key, "v")
	}
	// Ascending byte order, as bytes.Compare orders keys.
	want := []string{"0", "B", "a", "a b", "aa", "ab", "b", "ba", "~", "\x80", "é"}
	if got := scanKeys(t, s, "k", ""); !slices.Equal(got, want) {
		t.Errorf("Scan order = %q, want %q", got, want)
	}
}

func testScanPrefix(t *testing.T, s store.Store) {
	keys := []string{"a", "ab", "abc", "abd", "ac", "a\xff", "a\xff\xff", "a\xffz", "b", "\x80", "é", "\xff", "\xff\xff"}
	update(t, s, func(tx store.Tx) error {
		for _, key := range keys {
			if err := tx.Put("k", key, []byte("v")); err != nil {
				return err
			}
		}
		// Records of other kinds never show up.
		for _, key := range []string{"ab", "a\xff", "\xff"} {
			if err := tx.Put("other", key, []byte("v")); err != nil {
				return err
			}
		}
		return nil
	})
	tests := []struct {
		prefix string
		want   []string
	}{
		{"", []string{"a", "ab", "abc", "abd", "ac", "a\xff", "a\xffz", "a\xff\xff", "b", "\x80", "é", "\xff", "\xff\xff"}},
		{"a", []string{"a", "ab", "abc", "abd", "ac", "a\xff", "a\xffz", "a\xff\xff"}},
		{"ab", []string{"ab", "abc", "abd"}},
		{"abc", []string{"abc"}},
		{"abz", nil},
		{"a\xff", []string{"a\xff", "a\xffz", "a\xff\xff"}},
		{"a\xff\xff", []string{"a\xff\xff"}},
		{"\x80", []string{"\x80"}},
		{"\xc3", []string{"é"}},
		{"\xff", []string{"\xff", "\xff\xff"}},
		{"\xff\xff\xff", nil},
		{"z", nil},
	}
	for _, tt := range tests {
		if got := scanKeys(t, s, "k", tt.prefix); !slices.Equal(got, tt.want) {
			t.Errorf("Scan(k, %q) = %q, want %q", tt.prefix, got, tt.want)
		}
	}
}

func testScanStop(t *testing.T, s store.Store) {
	for _, key := range []string{"k1", "k2", "k3", "k4"} {
		put(t, s, "k", key, "v")
	}
	var seen []string
	view(t, s, func(tx store.Tx) error {
		err := tx.Scan("k", "", func(key string, _ []byte) error {
			seen = append(seen, key)
			if key == "k2" {
				return store.ErrStopScan
			}
			return nil
		})
		if err != nil {
			t.Errorf("Scan stopped with ErrStopScan = %v, want nil", err)
		}
		return nil
	})
	if want := []string{"k1", "k2"}; !slices.Equal(seen, want) {
		t.Errorf("Scan visited %q, want %q", seen, want)
	}
}

func testScanError(t *testing.T, s store.Store) {
	for _, key := range []string{"k1", "k2", "k3", "k4"} {
		put(t, s, "k", key, "v")
	}
	var seen []string
	err := s.View(t.Context(), func(tx store.Tx) error {
		return tx.Scan("k", "", func(key string, _ []byte) error {
			seen = append(seen, key)
			if key == "k2" {
				return errBoom
			}
			return nil
		})
	})
	if !errors.Is(err, errBoom) {
		t.Errorf("View = %v, want the callback's error %v", err, errBoom)
	}
	if want := []string{"k1", "k2"}; !slices.Equal(seen, want) {
		t.Errorf("Scan visited %q, want %q", seen, want)
	}
}

func testScanSeesOwnWrites(t *testing.T, s store.Store) {
	put(t, s, "k", "a", "1")
	put(t, s, "k", "b", "2")
	put(t, s, "k", "c", "3")
	update(t, s, func(tx store.Tx) error {
		for _, err := range []error{
			tx.Put("k", "b", []byte("two")),
			tx.Delete("k", "c"),
			tx.Put("k", "d", []byte("4")),
			tx.Put("k", "e", []byte("5")),
			tx.Delete("k", "e"),
			tx.Put("other", "f", []byte("6")),
		} {
			if err != nil {
				return err
			}
		}
		got := scanRecords(t, tx, "k", "")
		if want := []string{"a=1", "b=two", "d=4"}; !slices.Equal(got, want) {
			t.Errorf("Scan inside the Update = %q, want %q", got, want)
		}
		return nil
	})
	wantRecords(t, s, "k", "a=1", "b=two", "d=4")
}

func testScanCallbackUsesTx(t *testing.T, s store.Store) {
	put(t, s, "src", "k1", "1")
	put(t, s, "src", "k2", "2")
	put(t, s, "src", "k3", "3")
	var seen []string
	update(t, s, func(tx store.Tx) error {
		return tx.Scan("src", "", func(key string, value []byte) error {
			seen = append(seen, key)
			got, err := tx.Get("src", key)
			if err != nil || !bytes.Equal(got, value) {
				t.Errorf("Get(src, %s) during Scan = %q, %v; want %q", key, got, err, value)
			}
			if err := tx.Put("dst", key, value); err != nil {
				return err
			}
			if err := tx.Put("src", "k9", []byte("9")); err != nil {
				return err
			}
			return tx.Delete("src", key)
		})
	})
	if want := []string{"k1", "k2", "k3"}; !slices.Equal(seen, want) {
		t.Errorf("Scan visited %q, want %q (the records as they were when it began)", seen, want)
	}
	wantRecords(t, s, "src", "k9=9")
	wantRecords(t, s, "dst", "k1=1", "k2=2", "k3=3")
}

// testScanLongInView scans, in a View, more records than an
// implementation is likely to read at once, while an Update commits
// changes to them: the scan visits every record as it was when the View
// began, in order, however it reads them, and its callback may read.
func testScanLongInView(t *testing.T, s store.Store) {
	const n = 1000
	key := func(i int) string { return fmt.Sprintf("p/%04d", i) }
	update(t, s, func(tx store.Tx) error {
		for i := range n {
			if err := tx.Put("k", key(i), []byte(strconv.Itoa(i))); err != nil {
				return err
			}
		}
		return errors.Join(tx.Put("k", "o", []byte("before")), tx.Put("k", "q", []byte("after")))
	})
	committed := make(chan error, 1)
	i := 0
	view(t, s, func(tx store.Tx) error {
		return tx.Scan("k", "p/", func(k string, value []byte) error {
			if k != key(i) || string(value) != strconv.Itoa(i) {
				t.Fatalf("record %d of the scan = %q=%q, want %q=%d", i, k, value, key(i), i)
			}
			if got, err := tx.Get("k", key(n-1-i)); err != nil || string(got) != strconv.Itoa(n-1-i) {
				t.Fatalf("Get(%s) during the scan = %q, %v", key(n-1-i), got, err)
			}
			if i == n/3 {
				// Every record changes, one goes, one comes; a store that
				// runs an Update only after the Views waits for this one.
				go func() {
					committed <- s.Update(t.Context(), func(tx store.Tx) error {
						for j := range n {
							if err := tx.Put("k", key(j), []byte("changed")); err != nil {
								return err
							}
						}
						return errors.Join(tx.Delete("k", key(n-1)), tx.Put("k", key(n), []byte("new")))
					})
				}()
				select {
				case err := <-committed:
					committed <- err
				case <-time.After(time.Second):
				}
			}
			i++
			return nil
		})
	})
	if i != n {
		t.Errorf("the scan visited %d records, want %d", i, n)
	}
	if err := <-committed; err != nil {
		t.Fatalf("Update during the scan: %v", err)
	}
	wantValue(t, s, "k", key(0), "changed")
	wantMissing(t, s, "k", key(n-1))
	wantValue(t, s, "k", key(n), "new")
}

// testScanAfter checks where ScanAfter starts: after the key it names,
// present or not, within the prefix, over this transaction's own writes,
// and across as many records as a store may read at once.
func testScanAfter(t *testing.T, s store.Store) {
	for _, k := range []string{"o", "p/a", "p/b", "p/c", "q/a"} {
		put(t, s, "k", k, "1")
	}
	scanAfter := func(tx store.Tx, prefix, after string) []string {
		var keys []string
		if err := tx.ScanAfter("k", prefix, after, func(key string, _ []byte) error {
			keys = append(keys, key)
			return nil
		}); err != nil {
			t.Errorf("ScanAfter(k, %q, %q): %v", prefix, after, err)
		}
		return keys
	}
	for _, c := range []struct {
		prefix, after string
		want          []string
	}{
		{"p/", "", []string{"p/a", "p/b", "p/c"}},
		{"p/", "p/a", []string{"p/b", "p/c"}},
		{"p/", "p/aa", []string{"p/b", "p/c"}}, // no such key
		{"p/", "o", []string{"p/a", "p/b", "p/c"}},
		{"p/", "p/c", nil},
		{"p/", "q", nil},
		{"", "p/b", []string{"p/c", "q/a"}},
	} {
		view(t, s, func(tx store.Tx) error {
			if got := scanAfter(tx, c.prefix, c.after); !slices.Equal(got, c.want) {
				t.Errorf("ScanAfter(k, %q, %q) = %q, want %q", c.prefix, c.after, got, c.want)
			}
			return nil
		})
	}
	update(t, s, func(tx store.Tx) error {
		if err := errors.Join(tx.Put("k", "p/bb", []byte("2")), tx.Delete("k", "p/c"), tx.Put("k", "p/0", []byte("2"))); err != nil {
			return err
		}
		if got, want := scanAfter(tx, "p/", "p/a"), []string{"p/b", "p/bb"}; !slices.Equal(got, want) {
			t.Errorf("ScanAfter(k, p/, p/a) after writes = %q, want %q", got, want)
		}
		return nil
	})

	const n = 1000
	update(t, s, func(tx store.Tx) error {
		for i := range n {
			if err := tx.Put("long", fmt.Sprintf("%04d", i), []byte("v")); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		i := 301
		err := tx.ScanAfter("long", "", "0300", func(key string, _ []byte) error {
			if want := fmt.Sprintf("%04d", i); key != want {
				t.Fatalf("ScanAfter(long, \"\", 0300) visited %q, want %q", key, want)
			}
			i++
			return nil
		})
		if i != n {
			t.Errorf("ScanAfter(long, \"\", 0300) stopped before %04d, want %04d", i, n)
		}
		return err
	})
}

// testCount counts records under prefixes, committed and this
// transaction's own writes, across as many records as span pages.
func testCount(t *testing.T, s store.Store) {
	count := func(tx store.Tx, kind, prefix string, want int) {
		t.Helper()
		if n, err := tx.Count(kind, prefix); err != nil || n != want {
			t.Errorf("Count(%s, %q) = %d, %v; want %d", kind, prefix, n, err, want)
		}
	}
	view(t, s, func(tx store.Tx) error { count(tx, "k", "", 0); return nil })
	update(t, s, func(tx store.Tx) error {
		for i := range 1000 {
			if err := tx.Put("k", fmt.Sprintf("p/%04d", i), []byte("v")); err != nil {
				return err
			}
		}
		return errors.Join(tx.Put("k", "o", []byte("v")), tx.Put("k", "q", []byte("v")), tx.Put("other", "p/1", []byte("v")))
	})
	view(t, s, func(tx store.Tx) error {
		count(tx, "k", "p/", 1000)
		count(tx, "k", "p/01", 100)
		count(tx, "k", "p/0999", 1)
		count(tx, "k", "p/1", 0)
		count(tx, "k", "", 1002)
		count(tx, "other", "", 1)
		count(tx, "none", "", 0)
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		err := errors.Join(
			tx.Delete("k", "p/0000"), tx.Delete("k", "p/missing"), // one less
			tx.Put("k", "p/0001", []byte("again")),                               // the same
			tx.Put("k", "p/new", []byte("v")), tx.Put("k", "p/new", []byte("w")), // one more
			tx.Put("k", "p/gone", []byte("v")), tx.Delete("k", "p/gone"), // the same
			tx.Put("fresh", "x", []byte("v")),
		)
		count(tx, "k", "p/", 1000)
		count(tx, "k", "p/000", 9)
		count(tx, "k", "p/n", 1)
		count(tx, "k", "p/g", 0)
		count(tx, "fresh", "", 1)
		return err
	})
	view(t, s, func(tx store.Tx) error { count(tx, "k", "p/", 1000); count(tx, "k", "p/n", 1); return nil })
}

// changeAll makes every kind of write, for the rollback tests.
func changeAll(tx store.Tx) error {
	return errors.Join(
		tx.Put("k", "a", []byte("changed")),
		tx.Delete("k", "b"),
		tx.Put("k", "c", []byte("new")),
		tx.Put("other", "x", []byte("new")),
	)
}

func testUpdateErrorRollsBack(t *testing.T, s store.Store) {
	put(t, s, "k", "a", "1")
	put(t, s, "k", "b", "2")
	err := s.Update(t.Context(), func(tx store.Tx) error {
		if err := changeAll(tx); err != nil {
			t.Errorf("writes: %v", err)
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Errorf("Update = %v, want fn's error %v", err, errBoom)
	}
	wantRecords(t, s, "k", "a=1", "b=2")
	wantRecords(t, s, "other")
}

func testUpdatePanicRollsBack(t *testing.T, s store.Store) {
	put(t, s, "k", "a", "1")
	put(t, s, "k", "b", "2")
	func() {
		defer func() {
			if r := recover(); r != errBoom {
				t.Errorf("recovered %v, want the panic %v to reach the caller", r, errBoom)
			}
		}()
		_ = s.Update(t.Context(), func(tx store.Tx) error {
			if err := changeAll(tx); err != nil {
				t.Errorf("writes: %v", err)
			}
			panic(errBoom)
		})
		t.Error("Update returned, want it to panic")
	}()
	wantRecords(t, s, "k", "a=1", "b=2")
	wantRecords(t, s, "other")

	// The store is still usable.
	put(t, s, "k", "c", "3")
	wantRecords(t, s, "k", "a=1", "b=2", "c=3")
}

// testUpdateGoexitRollsBack ends an Update's goroutine from inside its
// function (runtime.Goexit, what t.FailNow does): its writes are not kept
// and the store goes on, as after a panic.
func testUpdateGoexitRollsBack(t *testing.T, s store.Store) {
	put(t, s, "k", "a", "1")
	put(t, s, "k", "b", "2")
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		_ = s.Update(t.Context(), func(tx store.Tx) error {
			if err := changeAll(tx); err != nil {
				t.Errorf("writes: %v", err)
			}
			runtime.Goexit()
			return nil
		})
		t.Error("Update returned, want its goroutine to exit")
	}()
	<-exited
	wantRecords(t, s, "k", "a=1", "b=2")
	wantRecords(t, s, "other")
	put(t, s, "k", "c", "3")
	wantRecords(t, s, "k", "a=1", "b=2", "c=3")
}

func testViewRejectsWrites(t *testing.T, s store.Store) {
	put(t, s, "k", "a", "1")
	view(t, s, func(tx store.Tx) error {
		if err := tx.Put("k", "b", []byte("2")); !errors.Is(err, store.ErrReadOnly) {
			t.Errorf("Put in View = %v, want ErrReadOnly", err)
		}
		if err := tx.Delete("k", "a"); !errors.Is(err, store.ErrReadOnly) {
			t.Errorf("Delete in View = %v, want ErrReadOnly", err)
		}
		return nil
	})
	wantRecords(t, s, "k", "a=1")
}

func testValuesAreCopies(t *testing.T, s store.Store) {
	value := []byte("hello")
	update(t, s, func(tx store.Tx) error {
		if err := tx.Put("k", "a", value); err != nil {
			return err
		}
		value[0] = 'J' // before the commit
		got, err := tx.Get("k", "a")
		if err != nil {
			return err
		}
		got[1] = 'E'
		if got, err := tx.Get("k", "a"); err != nil || string(got) != "hello" {
			t.Errorf("Get in the Update after modifying Put's and Get's slices = %q, %v; want hello", got, err)
		}
		return nil
	})
	value[1] = 'U' // after the commit
	wantValue(t, s, "k", "a", "hello")

	view(t, s, func(tx store.Tx) error {
		got, err := tx.Get("k", "a")
		if err != nil {
			return err
		}
		got[0] = 'Y'
		return tx.Scan("k", "", func(_ string, v []byte) error {
			v[0] = 'M'
			return nil
		})
	})
	wantValue(t, s, "k", "a", "hello")
}

// testConcurrentUpdates runs read-increment-write Updates from many
// goroutines, which lose increments unless Updates are serializable, while
// Views check that they see each Update whole and never go back in time.
func testConcurrentUpdates(t *testing.T, s store.Store) {
	const workers, rounds = 32, 50
	read := func(tx store.Tx, key string) int {
		v, err := tx.Get("counter", key)
		if errors.Is(err, store.ErrNotFound) {
			return 0
		}
		if err != nil {
			t.Errorf("Get(counter, %s): %v", key, err)
			return -1
		}
		n, err := strconv.Atoi(string(v))
		if err != nil {
			t.Errorf("Get(counter, %s) = %q: %v", key, v, err)
		}
		return n
	}

	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 2 {
		readers.Go(func() {
			last := 0
			for {
				select {
				case <-stop:
					return
				default:
				}
				err := s.View(t.Context(), func(tx store.Tx) error {
					n, mirror := read(tx, "n"), read(tx, "mirror")
					if n != mirror {
						t.Errorf("View saw n = %d but mirror = %d, want one whole Update", n, mirror)
					}
					if n < last {
						t.Errorf("View saw n = %d after an earlier View saw %d", n, last)
					}
					last = n
					return nil
				})
				if err != nil {
					t.Errorf("View: %v", err)
					return
				}
			}
		})
	}

	var writers sync.WaitGroup
	for range workers {
		writers.Go(func() {
			for range rounds {
				err := s.Update(t.Context(), func(tx store.Tx) error {
					next := []byte(strconv.Itoa(read(tx, "n") + 1))
					return errors.Join(tx.Put("counter", "n", next), tx.Put("counter", "mirror", next))
				})
				if err != nil {
					t.Errorf("Update: %v", err)
					return
				}
			}
		})
	}
	writers.Wait()
	close(stop)
	readers.Wait()
	wantValue(t, s, "counter", "n", strconv.Itoa(workers*rounds))
}

// testConcurrentFailuresStayApart runs many Updates at once, of which some
// fail and some panic after writing: each one's writes are kept exactly
// when it returned nil, however the store groups or orders them (the
// SQLite store commits concurrent Updates together).
func testConcurrentFailuresStayApart(t *testing.T, s store.Store) {
	const n = 96
	outcomes := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			defer func() {
				if r := recover(); r != nil {
					if r != errBoom {
						t.Errorf("Update %d panicked with %v, want %v", i, r, errBoom)
					}
					outcomes[i] = errBoom
				}
			}()
			outcomes[i] = s.Update(t.Context(), func(tx store.Tx) error {
				if err := tx.Put("k", fmt.Sprintf("%02d", i), []byte("v")); err != nil {
					return err
				}
				switch i % 3 {
				case 1:
					return errBoom
				case 2:
					if i%2 == 0 {
						panic(errBoom)
					}
				}
				return nil
			})
		})
	}
	close(start)
	wg.Wait()
	var want []string
	for i, err := range outcomes {
		switch {
		case err == nil:
			want = append(want, fmt.Sprintf("%02d=v", i))
		case !errors.Is(err, errBoom):
			t.Errorf("Update %d = %v, want nil or %v", i, err, errBoom)
		}
	}
	if len(want) != n-n/3-n/6 {
		t.Errorf("%d Updates succeeded, want %d", len(want), n-n/3-n/6)
	}
	wantRecords(t, s, "k", want...)
}

func testLargeValue(t *testing.T, s store.Store) {
	value := make([]byte, 1<<20)
	for i := range value {
		value[i] = byte(i * 7 % 251)
	}
	update(t, s, func(tx store.Tx) error { return tx.Put("k", "big", value) })
	view(t, s, func(tx store.Tx) error {
		got, err := tx.Get("k", "big")
		if err != nil || !bytes.Equal(got, value) {
			t.Errorf("Get of a 1 MiB value = %d bytes, %v; want the value back", len(got), err)
		}
		return tx.Scan("k", "", func(_ string, got []byte) error {
			if !bytes.Equal(got, value) {
				t.Errorf("Scan of a 1 MiB value = %d bytes, want the value back", len(got))
			}
			return nil
		})
	})
}

func testEmptyValue(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		return errors.Join(tx.Put("k", "empty", []byte{}), tx.Put("k", "nil", nil))
	})
	for _, key := range []string{"empty", "nil"} {
		if got, err := get(t, s, "k", key); err != nil || len(got) != 0 {
			t.Errorf("Get(k, %s) = %q, %v; want an empty value", key, got, err)
		}
	}
	wantRecords(t, s, "k", "empty=", "nil=")
}

func testCanceledContext(t *testing.T, s store.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	called := false
	fn := func(store.Tx) error { called = true; return nil }
	if err := s.View(ctx, fn); !errors.Is(err, context.Canceled) {
		t.Errorf("View with a canceled context = %v, want context.Canceled", err)
	}
	if err := s.Update(ctx, fn); !errors.Is(err, context.Canceled) {
		t.Errorf("Update with a canceled context = %v, want context.Canceled", err)
	}
	if called {
		t.Error("fn was called with a canceled context")
	}
}

func testClosed(t *testing.T, s store.Store) {
	put(t, s, "k", "a", "1")
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	called := false
	fn := func(store.Tx) error { called = true; return nil }
	if err := s.View(t.Context(), fn); !errors.Is(err, store.ErrClosed) {
		t.Errorf("View after Close = %v, want ErrClosed", err)
	}
	if err := s.Update(t.Context(), fn); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Update after Close = %v, want ErrClosed", err)
	}
	if err := s.Close(); !errors.Is(err, store.ErrClosed) {
		t.Errorf("second Close = %v, want ErrClosed", err)
	}
	if called {
		t.Error("fn was called after Close")
	}
}

func view(t *testing.T, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.View(t.Context(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

func update(t *testing.T, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.Update(t.Context(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func put(t *testing.T, s store.Store, kind, key, value string) {
	t.Helper()
	update(t, s, func(tx store.Tx) error { return tx.Put(kind, key, []byte(value)) })
}

// get returns Get's result in a View; a View that fails fails the test.
func get(t *testing.T, s store.Store, kind, key string) (value []byte, err error) {
	t.Helper()
	view(t, s, func(tx store.Tx) error {
		value, err = tx.Get(kind, key)
		return nil
	})
	return value, err
}

func wantValue(t *testing.T, s store.Store, kind, key, want string) {
	t.Helper()
	if got, err := get(t, s, kind, key); err != nil || string(got) != want {
		t.Errorf("Get(%s, %q) = %q, %v; want %q", kind, key, got, err, want)
	}
}

func wantMissing(t *testing.T, s store.Store, kind, key string) {
	t.Helper()
	if got, err := get(t, s, kind, key); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get(%s, %q) = %q, %v; want ErrNotFound", kind, key, got, err)
	}
}

// wantRecords checks all the records of kind, each written "key=value".
func wantRecords(t *testing.T, s store.Store, kind string, want ...string) {
	t.Helper()
	var got []string
	view(t, s, func(tx store.Tx) error {
		got = scanRecords(t, tx, kind, "")
		return nil
	})
	if !slices.Equal(got, want) {
		t.Errorf("records of %s = %q, want %q", kind, got, want)
	}
}

// scanRecords returns the records Scan visits, each written "key=value".
func scanRecords(t *testing.T, tx store.Tx, kind, prefix string) []string {
	t.Helper()
	var records []string
	err := tx.Scan(kind, prefix, func(key string, value []byte) error {
		records = append(records, key+"="+string(value))
		return nil
	})
	if err != nil {
		t.Fatalf("Scan(%s, %q): %v", kind, prefix, err)
	}
	return records
}

func scanKeys(t *testing.T, s store.Store, kind, prefix string) []string {
	t.Helper()
	var keys []string
	view(t, s, func(tx store.Tx) error {
		return tx.Scan(kind, prefix, func(key string, _ []byte) error {
			keys = append(keys, key)
			return nil
		})
	})
	return keys
}
