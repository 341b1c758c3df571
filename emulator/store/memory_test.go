package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/cognitokit/cognito/emulator/store"
)

// TestMemoryModel runs random transactions on a memory store large enough
// that its kinds span many pages, which split, empty and merge away as
// records come and go, and checks every Get and Scan against a map.
func TestMemoryModel(t *testing.T) {
	s := store.NewMemory()
	defer s.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	model := map[string]map[string]string{} // kind → key → value
	kinds := []string{"a", "b"}
	randomKey := func() string {
		// Keys share long prefixes, and some are prefixes of others.
		return fmt.Sprintf("pool/%d/%s", rng.IntN(4), strings.Repeat("x", rng.IntN(3))+fmt.Sprint(rng.IntN(800)))
	}
	randomValue := func() string {
		if rng.IntN(50) == 0 {
			return strings.Repeat("v", 5000+rng.IntN(5000)) // larger than a page
		}
		return strings.Repeat("v", rng.IntN(300))
	}
	check := func(tx store.Tx, pending map[string]map[string]string) {
		t.Helper()
		for _, kind := range kinds {
			want := map[string]string{}
			maps.Copy(want, model[kind])
			for k, v := range pending[kind] {
				if v == "\x00deleted" {
					delete(want, k)
				} else {
					want[k] = v
				}
			}
			prefix := []string{"", "pool/", "pool/1/", "pool/2/x", "pool/3/xx5", "q"}[rng.IntN(6)]
			var got []string
			err := tx.Scan(kind, prefix, func(key string, value []byte) error {
				if string(value) != want[key] {
					t.Fatalf("Scan(%s, %q): %s has a value of %d bytes, want %d", kind, prefix, key, len(value), len(want[key]))
				}
				got = append(got, key)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var wantKeys []string
			for k := range want {
				if strings.HasPrefix(k, prefix) {
					wantKeys = append(wantKeys, k)
				}
			}
			slices.Sort(wantKeys)
			if !slices.Equal(got, wantKeys) {
				t.Fatalf("Scan(%s, %q) visits %d keys, want %d", kind, prefix, len(got), len(wantKeys))
			}
			for range 20 {
				key := randomKey()
				value, err := tx.Get(kind, key)
				if v, ok := want[key]; ok != (err == nil) || ok && !bytes.Equal(value, []byte(v)) {
					t.Fatalf("Get(%s, %s) = %d bytes, %v; want %d bytes, present %v", kind, key, len(value), err, len(v), ok)
				}
			}
		}
	}
	for round := range 300 {
		pending := map[string]map[string]string{}
		fail := rng.IntN(10) == 0
		// Mostly puts at first, then mostly deletes, until kinds are empty.
		deletes := 10 + 80*round/300
		err := s.Update(t.Context(), func(tx store.Tx) error {
			for range rng.IntN(200) {
				kind, key := kinds[rng.IntN(len(kinds))], randomKey()
				if pending[kind] == nil {
					pending[kind] = map[string]string{}
				}
				if rng.IntN(100) < deletes {
					if err := tx.Delete(kind, key); err != nil {
						return err
					}
					pending[kind][key] = "\x00deleted"
				} else {
					value := randomValue()
					if err := tx.Put(kind, key, []byte(value)); err != nil {
						return err
					}
					pending[kind][key] = value
				}
			}
			check(tx, pending)
			if fail {
				return errBoom
			}
			return nil
		})
		if fail != errors.Is(err, errBoom) || !fail && err != nil {
			t.Fatalf("Update: %v", err)
		}
		if !fail {
			for kind, writes := range pending {
				if model[kind] == nil {
					model[kind] = map[string]string{}
				}
				for k, v := range writes {
					if v == "\x00deleted" {
						delete(model[kind], k)
					} else {
						model[kind][k] = v
					}
				}
			}
		}
		if err := s.View(t.Context(), func(tx store.Tx) error { check(tx, nil); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	// Empty the kinds, and fill them again.
	err := s.Update(t.Context(), func(tx store.Tx) error {
		for _, kind := range kinds {
			for key := range model[kind] {
				if err := tx.Delete(kind, key); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	model = map[string]map[string]string{}
	if err := s.View(t.Context(), func(tx store.Tx) error { check(tx, nil); return nil }); err != nil {
		t.Fatal(err)
	}
	err = s.Update(t.Context(), func(tx store.Tx) error { return tx.Put("a", "k", []byte("v")) })
	if err != nil {
		t.Fatal(err)
	}
	model["a"] = map[string]string{"k": "v"}
	if err := s.View(t.Context(), func(tx store.Tx) error { check(tx, nil); return nil }); err != nil {
		t.Fatal(err)
	}
}

var errBoom = errors.New("boom")

// BenchmarkMemory measures the memory store's operations on a kind of
// 100,000 records with keys like the emulator's (a pool ID, then a
// username) and values of about a user record's size.
func BenchmarkMemory(b *testing.B) {
	const n = 100_000
	s := store.NewMemory()
	defer s.Close()
	key := func(i int) string { return fmt.Sprintf("us-east-1_AbCdEfGhI/user%d", i) }
	value := bytes.Repeat([]byte("v"), 850)
	for i := 0; i < n; i += 1000 {
		err := s.Update(b.Context(), func(tx store.Tx) error {
			for j := i; j < i+1000; j++ {
				if err := tx.Put("user", key(j), value); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	b.Run("Get", func(b *testing.B) {
		for b.Loop() {
			err := s.View(b.Context(), func(tx store.Tx) error {
				_, err := tx.Get("user", key(rng.IntN(n)))
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Put", func(b *testing.B) {
		for b.Loop() {
			err := s.Update(b.Context(), func(tx store.Tx) error {
				return tx.Put("user", key(rng.IntN(n)), value)
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Scan", func(b *testing.B) {
		for b.Loop() {
			err := s.View(b.Context(), func(tx store.Tx) error {
				// 11 records: user<i> and user<i>0 to user<i>9.
				return tx.Scan("user", key(1000+rng.IntN(9000)), func(string, []byte) error { return nil })
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
