package emulator_test

import (
	"testing"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator/store"
)

// testStores are the stores a behaviour is tested on: the memory store of
// the tests and the SQLite store of a laptop.
var testStores = []struct {
	name string
	open func(t *testing.T) store.Store
}{
	{"memory", func(*testing.T) store.Store { return store.NewMemory() }},
	{"sqlite", func(t *testing.T) store.Store {
		st, err := store.OpenSQLite(t.Context(), t.TempDir()+"/cognito.db")
		if err != nil {
			t.Fatal(err)
		}
		return st
	}},
}

// onEachStore runs test as a parallel subtest once per store, with a
// server on that store started with opts.
func onEachStore(t *testing.T, test func(t *testing.T, srv *cognitotest.Server), opts ...cognitotest.Option) {
	t.Helper()
	for _, tc := range testStores {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := tc.open(t)
			t.Cleanup(func() { st.Close() }) // after the server's own cleanup
			test(t, cognitotest.NewServer(t, append([]cognitotest.Option{cognitotest.WithStore(st)}, opts...)...))
		})
	}
}

// onEachStoreWithClock is onEachStore with a clock of the subtest's own,
// which the test moves (subtests run in parallel; a shared clock moved by
// one would move the other's TOTP steps and expire its sessions).
func onEachStoreWithClock(t *testing.T, test func(t *testing.T, srv *cognitotest.Server, clk *clock)) {
	t.Helper()
	for _, tc := range testStores {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := tc.open(t)
			t.Cleanup(func() { st.Close() }) // after the server's own cleanup
			clk := newClock()
			test(t, cognitotest.NewServer(t, cognitotest.WithStore(st), cognitotest.WithClock(clk.Now)), clk)
		})
	}
}
