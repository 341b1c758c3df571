// Package storetest is the conformance suite for implementations of
// store.Store. Its one job is Run, which every implementation's tests call
// so that all of them are held to the same behaviour: transactions,
// rollback, scan order and prefixes, copying of values, concurrency and
// errors. A behaviour the emulator relies on belongs here, not in one
// implementation's own tests.
package storetest
