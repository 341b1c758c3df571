//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package main

import (
	"errors"
	"io"

	"golang.org/x/sys/unix"
)

// echoOff turns the echo of the terminal fd off, before its prompt is
// shown so that nothing typed at once is echoed, and returns what turns
// it back on.
func echoOff(fd int) (func(), error) {
	old, err := unix.IoctlGetTermios(fd, ioctlReadTermios)
	if err != nil {
		return nil, err
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO
	quiet.Lflag |= unix.ICANON | unix.ISIG // lines, Ctrl-D and Ctrl-C as usual
	quiet.Iflag |= unix.ICRNL
	if err := unix.IoctlSetTermios(fd, ioctlWriteTermios, &quiet); err != nil {
		return nil, err
	}
	return func() { _ = unix.IoctlSetTermios(fd, ioctlWriteTermios, old) }, nil
}

// readSecret reads a line from the terminal fd, whose echo echoOff turned
// off. Unlike term.ReadPassword, which reads the end of the input at an
// empty prompt (Ctrl-D) as "nothing yet" and loops for ever, it returns
// io.EOF then.
func readSecret(fd int) (string, error) {
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
