package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/term"
)

// Passwords and codes never come from a flag (a flag's value shows in ps
// and in the shell's history): they are typed at a prompt on the terminal
// — passwords without echo — or piped on stdin with a --*-stdin flag, one
// per line. Prompts go to stderr. At a prompt, Ctrl-D ends the input (the
// command stops: nothing was entered) and Ctrl-C interrupts the command
// (exit status 130); a new password typed twice that differs, or a choice
// that is not one of those offered, is asked again.

// maxAttempts is how many times a prompt asks again after a mismatch (or
// a command after a wrong code) before giving up.
const maxAttempts = 3

// errInterrupted is the failure of a command the user interrupted
// (Ctrl-C).
var errInterrupted = failf("interrupted")

// terminalFD returns stdin's file descriptor if stdin is a terminal.
func terminalFD(r io.Reader) (int, bool) {
	f, ok := r.(interface{ Fd() uintptr })
	if !ok {
		return 0, false
	}
	fd := int(f.Fd())
	return fd, term.IsTerminal(fd)
}

// atTerminal reports whether the command asks at prompts: stdin is a
// terminal and the answers are not to be read from it as lines.
func (a *app) atTerminal(fromStdin bool) bool {
	_, ok := terminalFD(a.stdin)
	return ok && !fromStdin
}

// rawLine returns the next line of stdin without its line ending, and
// io.EOF at the end of the input.
func (a *app) rawLine() (string, error) {
	if a.lines == nil {
		a.lines = bufio.NewReader(a.stdin)
	}
	line, err := a.lines.ReadString('\n')
	if err != nil && (!errors.Is(err, io.EOF) || line == "") {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// readLine returns the next line of stdin; what names the value in
// errors.
func (a *app) readLine(what phrase) (string, error) {
	line, err := a.rawLine()
	switch {
	case errors.Is(err, io.EOF):
		return "", failf("no %s on stdin", what)
	case err != nil:
		return "", failf("reading the %s from stdin: %w", what, err)
	case line == "":
		return "", failf("the %s read from stdin is empty", what)
	}
	return line, nil
}

// readPassword returns a password: the next line of stdin when fromStdin
// (the command's stdinFlag was given), else what the user types at a
// no-echo prompt. what names the password ("password", "new password").
func (a *app) readPassword(ctx context.Context, fromStdin bool, stdinFlag string, what phrase) (string, error) {
	if fromStdin {
		return a.readLine(what)
	}
	fd, ok := terminalFD(a.stdin)
	if !ok {
		return "", failf("cannot ask for the %s: stdin is not a terminal (pipe it on stdin with %s)", what, stdinFlag)
	}
	restore, err := echoOff(fd)
	if err != nil {
		return "", failf("reading the %s: %w", what, err)
	}
	defer restore()
	return a.prompt(ctx, fd, what, func() (string, error) { return readSecret(fd) })
}

// prompt asks for what at the terminal fd, reading the answer with read,
// and returns it. Ctrl-D (the end of the input) and an empty answer are
// "nothing entered"; Ctrl-C (ctx cancelled) is errInterrupted.
func (a *app) prompt(ctx context.Context, fd int, what phrase, read func() (string, error)) (string, error) {
	a.say("%s: ", capitalize(translate(a.lang, string(what))))
	answer, err := interruptible(ctx, fd, read)
	if err != nil || !strings.HasSuffix(answer, "\n") {
		fmt.Fprintln(a.stderr) // a no-echo read, or Ctrl-D, leaves the cursor on the prompt's line
	}
	answer = strings.TrimSpace(answer)
	switch {
	case errors.Is(err, errInterrupted):
		return "", err
	case errors.Is(err, io.EOF), err == nil && answer == "":
		return "", failf("no %s entered", what)
	case err != nil:
		return "", failf("reading the %s: %w", what, err)
	}
	return answer, nil
}

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
// shown as typed: the next line of stdin when fromStdin (--password-stdin
// was given), else what the user types at a prompt on the terminal.
func (a *app) readAnswer(ctx context.Context, fromStdin bool, question phrase) (string, error) {
	return a.readAnswerWith(ctx, fromStdin, "--password-stdin", question)
}

// readAnswerWith is readAnswer for a command whose flag stdinFlag reads
// the answers from stdin.
func (a *app) readAnswerWith(ctx context.Context, fromStdin bool, stdinFlag string, question phrase) (string, error) {
	if fromStdin {
		return a.readLine(question)
	}
	fd, ok := terminalFD(a.stdin)
	if !ok {
		return "", failf("cannot ask for the %s: stdin is not a terminal (pipe it on stdin with %s)", question, stdinFlag)
	}
	return a.prompt(ctx, fd, question, func() (string, error) {
		line, err := a.rawLine()
		return line + "\n", err // the terminal echoed the line ending
	})
}

// readChoice is readAnswer for one of options: at a prompt, another
// answer is asked again.
func (a *app) readChoice(ctx context.Context, fromStdin bool, question phrase, options []string) (string, error) {
	for attempt := 1; ; attempt++ {
		answer, err := a.readAnswer(ctx, fromStdin, question)
		if err != nil || fromStdin || attempt == maxAttempts || slices.ContainsFunc(options, func(o string) bool { return strings.EqualFold(o, answer) }) {
			return answer, err
		}
		a.say("Answer one of %s.\n", strings.Join(options, ", "))
	}
}

// readNewPassword is readPassword for a password being chosen: at a prompt
// it is asked twice, and asked again when the two differ.
func (a *app) readNewPassword(ctx context.Context, fromStdin bool, stdinFlag string, what phrase) (string, error) {
	for attempt := 1; ; attempt++ {
		pw, err := a.readPassword(ctx, fromStdin, stdinFlag, what)
		if err != nil || fromStdin {
			return pw, err
		}
		again, err := a.readPassword(ctx, false, stdinFlag, what+" again")
		if err != nil {
			return "", err
		}
		if again == pw {
			return pw, nil
		}
		if attempt == maxAttempts {
			return "", failf("the %s typed twice differs", what)
		}
		a.say("The %s typed twice differs; type it again.\n", what)
	}
}

// confirm asks question (in the user's language already) on the terminal
// and reports whether the user answered yes. Without a terminal nobody can answer: it fails and tells
// which flag answers in advance. No answer (Ctrl-D) is no.
func (a *app) confirm(ctx context.Context, question, yesFlag string) (bool, error) {
	fd, ok := terminalFD(a.stdin)
	if !ok {
		return false, failf("cannot ask for confirmation: stdin is not a terminal (pass %s to confirm)", yesFlag)
	}
	a.say("%s [y/N] ", question)
	answer, err := interruptible(ctx, fd, a.rawLine)
	if err != nil {
		fmt.Fprintln(a.stderr)
	}
	if errors.Is(err, errInterrupted) {
		return false, err
	}
	answer = strings.ToLower(strings.TrimSpace(answer))
	switch answer {
	case "y", "yes", "s", "si", "sí": // and Spanish's
		return err == nil, nil
	}
	return false, nil
}

// capitalize returns s with its first letter in upper case.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
