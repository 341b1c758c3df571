// Command schemagen writes the emulator's table of required members,
// read from the AWS SDK for Go's own validators: for every input shape of
// Cognito Identity Provider (and every nested shape), the members the SDK
// refuses to send without. The emulator checks the same members, so a
// request from any client (the JavaScript SDK, the AWS CLI, curl) gets the
// answer AWS gives.
//
// Run it with go generate in package emulator after changing the SDK
// version in go.mod.
package main
