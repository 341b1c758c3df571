//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd)

package main

import "golang.org/x/term"

// echoOff does nothing here: readSecret turns the echo off itself.
func echoOff(int) (func(), error) { return func() {}, nil }

// readSecret reads a line from the terminal fd with echo off.
func readSecret(fd int) (string, error) {
	raw, err := term.ReadPassword(fd)
	return string(raw), err
}
