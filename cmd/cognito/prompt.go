package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/term"
)

// Passwords never come from a flag (a flag's value shows in ps and in the
// shell's history): they are typed at a no-echo prompt on the terminal, or
// piped on stdin with a --*-stdin flag, one per line. Prompts go to stderr
// and never echo what was typed.

// terminalFD returns stdin's file descriptor if stdin is a terminal.
func terminalFD(r io.Reader) (int, bool) {
	f, ok := r.(interface{ Fd() uintptr })
	if !ok {
		return 0, false
	}
	fd := int(f.Fd())
	return fd, term.IsTerminal(fd)
}

// readLine returns the next line of stdin without its line ending; what
// names the value in errors.
func (a *app) readLine(what string) (string, error) {
	if a.lines == nil {
		a.lines = bufio.NewReader(a.stdin)
	}
	line, err := a.lines.ReadString('\n')
	if err != nil && (!errors.Is(err, io.EOF) || line == "") {
		if errors.Is(err, io.EOF) {
			return "", fmt.Errorf("no %s on stdin", what)
		}
		return "", fmt.Errorf("reading the %s from stdin: %w", what, err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("the %s read from stdin is empty", what)
	}
	return line, nil
}

// readPassword returns a password: the next line of stdin when fromStdin
// (the command's stdinFlag was given), else what the user types at a
// no-echo prompt. what names the password ("password", "new password").
func (a *app) readPassword(ctx context.Context, fromStdin bool, stdinFlag, what string) (string, error) {
	if fromStdin {
		return a.readLine(what)
	}
	fd, ok := terminalFD(a.stdin)
	if !ok {
		return "", fmt.Errorf("cannot ask for the %s: stdin is not a terminal (pipe it on stdin with %s)", what, stdinFlag)
	}
	fmt.Fprintf(a.stderr, "%s%s: ", strings.ToUpper(what[:1]), what[1:])
	pw, err := interruptible(ctx, fd, func() (string, error) {
		raw, err := term.ReadPassword(fd)
		return string(raw), err
	})
	fmt.Fprintln(a.stderr)
	if err != nil {
		return "", fmt.Errorf("reading the %s: %w", what, err)
	}
	if pw == "" {
		return "", fmt.Errorf("no %s entered", what)
	}
	return pw, nil
}

// errInterrupted is the failure of a prompt the user interrupted (Ctrl-C).
var errInterrupted = errors.New("interrupted")

// interruptible runs read, a blocking read of the terminal fd, until it
// returns or ctx is done — Ctrl-C cancels ctx, but does not end a pending
// read. It then gives up on the read and restores the terminal's mode (a
// password prompt turns echo off).
func interruptible(ctx context.Context, fd int, read func() (string, error)) (string, error) {
	state, err := term.GetState(fd)
	if err != nil {
		return "", err
	}
	type answer struct {
		text string
		err  error
	}
	done := make(chan answer, 1)
	go func() {
		text, err := read()
		done <- answer{text, err}
	}()
	select {
	case ans := <-done:
		return ans.text, ans.err
	case <-ctx.Done():
		_ = term.Restore(fd, state)
		return "", errInterrupted
	}
}

// readAnswer returns what the user answers to question — a code, a choice,
// shown as typed: the next line of stdin when fromStdin, else what the
// user types at a prompt on the terminal.
func (a *app) readAnswer(ctx context.Context, fromStdin bool, question string) (string, error) {
	if fromStdin {
		return a.readLine("answer to \"" + question + "\"")
	}
	fd, ok := terminalFD(a.stdin)
	if !ok {
		return "", fmt.Errorf("cannot ask %q: stdin is not a terminal (pipe the answers on stdin with --password-stdin)", question)
	}
	fmt.Fprintf(a.stderr, "%s: ", question)
	answer, err := interruptible(ctx, fd, func() (string, error) { return a.readLine("answer") })
	if err != nil {
		fmt.Fprintln(a.stderr)
		return "", err
	}
	return strings.TrimSpace(answer), nil
}

// readNewPassword is readPassword for a password being chosen: at a prompt
// it is asked twice, and both must match.
func (a *app) readNewPassword(ctx context.Context, fromStdin bool, stdinFlag, what string) (string, error) {
	pw, err := a.readPassword(ctx, fromStdin, stdinFlag, what)
	if err != nil || fromStdin {
		return pw, err
	}
	again, err := a.readPassword(ctx, false, stdinFlag, what+" again")
	if err != nil {
		return "", err
	}
	if again != pw {
		return "", fmt.Errorf("the two %ss differ", what)
	}
	return pw, nil
}

// confirm asks question on the terminal and reports whether the user
// answered yes. Without a terminal nobody can answer: it fails and tells
// which flag answers in advance.
func (a *app) confirm(ctx context.Context, question, yesFlag string) (bool, error) {
	fd, ok := terminalFD(a.stdin)
	if !ok {
		return false, fmt.Errorf("cannot ask for confirmation: stdin is not a terminal (pass %s to confirm)", yesFlag)
	}
	fmt.Fprintf(a.stderr, "%s [y/N] ", question)
	answer, err := interruptible(ctx, fd, func() (string, error) { return a.readLine("answer") })
	if errors.Is(err, errInterrupted) {
		fmt.Fprintln(a.stderr)
		return false, err
	}
	if err != nil {
		return false, nil // no answer (end of input) is no
	}
	answer = strings.ToLower(strings.TrimSpace(answer))
	return answer == "y" || answer == "yes", nil
}
