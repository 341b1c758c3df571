// Package srp holds the Secure Remote Password arithmetic Cognito uses, so
// the local server can keep Cognito's password verifier instead of a
// password: v = g^x mod N over the 3072-bit group of RFC 5054 / RFC 3526
// (with Cognito's generator, 2), where
// x = SHA256(salt | SHA256(poolName | username | ":" | password)).
//
// Both sides of the exchange are here: the server's (NewServerChallenge,
// Key), which the local Cognito runs, and the client's (NewClientSecret,
// ClientKey, Signature), which the library runs for USER_SRP_AUTH and for a
// remembered device's proof (the device's group key and key in place of
// the pool name and username).
//
// The byte encodings follow Cognito's client libraries (big integers as
// big-endian bytes with a leading zero byte when the high bit is set), so a
// verifier written here also serves USER_SRP_AUTH.
package srp
