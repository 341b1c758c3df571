// Package store keeps the local Cognito's state — pools, clients, users,
// codes, refresh tokens, signing keys and the outbox — behind one small
// transactional key-value interface, Store, with two implementations that
// pass the same conformance tests (package storetest): NewMemory, for tests,
// and OpenSQLite, a durable file for a developer's laptop.
//
// The store knows nothing about Cognito: the emulator encodes its records
// and chooses the keys; the store only keeps them safely.
package store
