// Package secrethash computes Cognito's SECRET_HASH, shared by the client
// library (which sends it) and the local server (which checks it).
package secrethash
