//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd)

package main

import "golang.org/x/term"

// readSecret reads a line from the terminal fd with echo off.
func readSecret(fd int) (string, error) {
	raw, err := term.ReadPassword(fd)
	return string(raw), err
}
