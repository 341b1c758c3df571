// Package exampletest holds what the examples' tests share: an environment
// in which the developer's settings play no part, and a program's run
// started in the background and stopped as a signal would.
package exampletest
