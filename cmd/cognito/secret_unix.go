//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package main

import (
	"errors"
	"io"

	"golang.org/x/sys/unix"
)

// readSecret reads a line from the terminal fd with echo off, as
// term.ReadPassword does — which, on Ctrl-D at an empty prompt, reads the
// end of the input as "nothing yet" and loops for ever. Here the end of
// the input is io.EOF.
func readSecret(fd int) (string, error) {
	old, err := unix.IoctlGetTermios(fd, ioctlReadTermios)
	if err != nil {
		return "", err
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO
	quiet.Lflag |= unix.ICANON | unix.ISIG // lines, Ctrl-D and Ctrl-C as usual
	quiet.Iflag |= unix.ICRNL
	if err := unix.IoctlSetTermios(fd, ioctlWriteTermios, &quiet); err != nil {
		return "", err
	}
	defer unix.IoctlSetTermios(fd, ioctlWriteTermios, old)
	var line []byte
	var b [1]byte
	for {
		n, err := unix.Read(fd, b[:])
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case err != nil:
			return "", err
		case n == 0 && len(line) == 0: // Ctrl-D at an empty line
			return "", io.EOF
		case n == 0, b[0] == '\n': // Ctrl-D after some text, or Enter
			return string(line), nil
		}
		line = append(line, b[0])
	}
}
