package emulator_test

import (
	"testing"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator/store"
	"github.com/cognitokit/cognito/internal/teststores"
)

// testStores are the stores a behaviour is tested on: the memory store of
// the tests and the SQLite store of a laptop.
var testStores = teststores.Kinds

// onEachStore runs test as a parallel subtest once per store, with a
// server on that store started with opts.
func onEachStore(t *testing.T, test func(t *testing.T, srv *cognitotest.Server), opts ...cognitotest.Option) {
	t.Helper()
	teststores.Each(t, func(t *testing.T, st store.Store) {
		test(t, cognitotest.NewServer(t, append([]cognitotest.Option{cognitotest.WithStore(st)}, opts...)...))
	})
}

// onEachStoreWithClock is onEachStore with a clock of the subtest's own,
// which the test moves (subtests run in parallel; a shared clock moved by
// one would move the other's TOTP steps and expire its sessions).
func onEachStoreWithClock(t *testing.T, test func(t *testing.T, srv *cognitotest.Server, clk *clock)) {
	t.Helper()
	teststores.Each(t, func(t *testing.T, st store.Store) {
		clk := newClock()
		test(t, cognitotest.NewServer(t, cognitotest.WithStore(st), cognitotest.WithClock(clk.Now)), clk)
	})
}
