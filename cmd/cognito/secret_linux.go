package main

import "golang.org/x/sys/unix"

// The termios requests of Linux.
const (
	ioctlReadTermios  = unix.TCGETS
	ioctlWriteTermios = unix.TCSETS
)
