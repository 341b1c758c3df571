// Package teststores runs a test on each kind of store the local Cognito
// keeps its state in — memory, as the tests' servers do, and SQLite, as
// cognito local does — so that the emulator's, the library's and the CLI's
// tests hold both to the same behaviour.
package teststores

import (
	"testing"

	"github.com/cognitokit/cognito/emulator/store"
)

// Kind is one kind of store.
type Kind struct {
	// Name names it, as its subtest is named: "memory" or "sqlite".
	Name string
	// Open returns a new, empty store of this kind for t (SQLite's in a
	// file of t.TempDir()); the caller closes it.
	Open func(t testing.TB) store.Store
}

// Kinds are the kinds of store.
var Kinds = []Kind{
	{"memory", func(testing.TB) store.Store { return store.NewMemory() }},
	{"sqlite", func(t testing.TB) store.Store {
		st, err := store.OpenSQLite(t.Context(), t.TempDir()+"/cognito.db")
		if err != nil {
			t.Fatal(err)
		}
		return st
	}},
}

// Each runs test as a parallel subtest per kind of store, with a new store
// of that kind, closed when the subtest ends: after the servers the test
// started on it, whose cleanups run first.
func Each(t *testing.T, test func(t *testing.T, st store.Store)) {
	t.Helper()
	for _, k := range Kinds {
		t.Run(k.Name, func(t *testing.T) {
			t.Parallel()
			st := k.Open(t)
			t.Cleanup(func() { st.Close() })
			test(t, st)
		})
	}
}
