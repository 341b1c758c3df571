package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"unsafe"
)

// The prompts at a terminal, on a pseudo-terminal: the test types on its
// master side, the command line reads its slave side as stdin.

// terminal is a pseudo-terminal: Keys types on it; Echo is what it has
// shown (what the line discipline echoed of the keys).
type terminal struct {
	master, slave *os.File
	echo          syncBuffer
}

// openTerminal opens a pseudo-terminal for the test, closed at its end.
func openTerminal(t *testing.T) *terminal {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	var n uint32
	err = ioctl(master, syscall.TIOCSPTLCK, unsafe.Pointer(new(int32))) // unlock the slave
	if err == nil {
		err = ioctl(master, syscall.TIOCGPTN, unsafe.Pointer(&n))
	}
	if err != nil {
		master.Close()
		t.Fatalf("setting up the pseudo-terminal: %v", err)
	}
	slave, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		t.Fatal(err)
	}
	term := &terminal{master: master, slave: slave}
	done := make(chan struct{})
	go func() {
		io.Copy(&term.echo, master)
		close(done)
	}()
	t.Cleanup(func() {
		master.Close() // the slave hangs up: a read left pending returns
		slave.Close()
		<-done
	})
	return term
}

// ioctl runs the ioctl request on f with the argument at arg.
func ioctl(f *os.File, request uintptr, arg unsafe.Pointer) error {
	conn, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var errno syscall.Errno
	err = conn.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, request, uintptr(arg))
	})
	if err != nil {
		return err
	}
	if errno != 0 {
		return errno
	}
	return nil
}

// Keys types keys on the terminal.
func (term *terminal) Keys(t *testing.T, keys string) {
	t.Helper()
	if _, err := term.master.WriteString(keys); err != nil {
		t.Error(err)
	}
}

// answer is a line typed at a prompt: when the n-th prompt (counting from
// 1) appears on stderr.
type answer struct {
	prompt string
	n      int
	line   string
}

// answers types each answer at its prompt, as a person would: after the
// prompt appears, so that a password is typed with the echo off.
func (term *terminal) answers(t *testing.T, stderr *syncBuffer, answers ...answer) {
	go func() {
		for _, a := range answers {
			select {
			case <-stderr.waitFor(a.prompt, a.n):
				term.Keys(t, a.line+"\n")
			case <-t.Context().Done():
				return
			}
		}
	}()
}

// echoOn reports whether the terminal echoes what is typed.
func (term *terminal) echoOn(t *testing.T) bool {
	t.Helper()
	var state syscall.Termios
	if err := ioctl(term.slave, syscall.TCGETS, unsafe.Pointer(&state)); err != nil {
		t.Fatal(err)
	}
	return state.Lflag&syscall.ECHO != 0
}

// atTerminal runs the command line with the terminal as stdin and returns
// the exit code and stderr (where prompts go).
func (c *cli) atTerminal(ctx context.Context, term *terminal, stderr *syncBuffer, args ...string) (int, string) {
	c.t.Helper()
	var stdout bytes.Buffer
	args = slices.Concat(args, c.config, c.flags)
	code := run(ctx, args, term.slave, &stdout, stderr)
	c.mu.Lock()
	c.runs = append(c.runs, result{args: args, code: code, stdout: stdout.String(), stderr: stderr.String()})
	c.mu.Unlock()
	return code, stderr.String()
}

// TestNewPasswordAskedAgain: a new password typed twice that differs is
// asked again, never echoed.
func TestNewPasswordAskedAgain(t *testing.T) {
	c := newCLI(t, noSecret)
	term := openTerminal(t)
	c.remember("Sup3r-secret!", "Other-s3cret!")
	out := &syncBuffer{}
	term.answers(t, out,
		answer{"Password: ", 1, "Sup3r-secret!"}, answer{"Password again: ", 1, "Other-s3cret!"},
		answer{"Password: ", 2, "Sup3r-secret!"}, answer{"Password again: ", 2, "Sup3r-secret!"})
	code, stderr := c.atTerminal(t.Context(), term, out, "register", "--email", "ana@example.com")
	want := "Password: \nPassword again: \nThe password typed twice differs; type it again.\nPassword: \nPassword again: \n"
	if code != 0 || stderr != want {
		t.Fatalf("register: exit %d, stderr %q, want %q", code, stderr, want)
	}
	if strings.Contains(term.echo.String(), "secret") {
		t.Errorf("the terminal echoed a password: %q", term.echo.String())
	}
	if !term.echoOn(t) {
		t.Error("the terminal's echo is left off")
	}
}

// TestConfirmForgotPasswordAtTheTerminal: the code first, the new password
// twice; a wrong code asks for the code alone again, a password the policy
// refuses for the password alone.
func TestConfirmForgotPasswordAtTheTerminal(t *testing.T) {
	c := newCLI(t, secretEnv)
	c.signUp("ana@example.com", "Sup3r-secret!")
	c.ok("", "forgot-password", "--email", "ana@example.com")
	right := c.srv.LastCode("ana@example.com")
	c.remember(right, "000000", "N3w-secret!", "Sh0rt!")
	term := openTerminal(t)
	out := &syncBuffer{}
	term.answers(t, out,
		answer{"Code: ", 1, "000000"}, answer{"New password: ", 1, "Sh0rt!"}, answer{"New password again: ", 1, "Sh0rt!"},
		answer{"New password: ", 2, "N3w-secret!"}, answer{"New password again: ", 2, "N3w-secret!"},
		answer{"Code: ", 2, right})
	code, stderr := c.atTerminal(t.Context(), term, out, "confirm-forgot-password", "--email", "ana@example.com")
	want := "Code: New password: \nNew password again: \n" +
		"The password does not meet the policy: it is too short.\nNew password: \nNew password again: \n" +
		"The code is not correct; check it and try again.\nCode: "
	if code != 0 || stderr != want {
		t.Fatalf("confirm-forgot-password: exit %d\nstderr %q\nwant   %q", code, stderr, want)
	}
	c.login("ana@example.com", "N3w-secret!")
}

// TestCtrlDEndsTheInput: Ctrl-D at a prompt ends the input: nothing was
// entered, and the command stops.
func TestCtrlDEndsTheInput(t *testing.T) {
	for _, tc := range []struct {
		lang, prompt, want string
	}{
		{"en", "Password: \n", "no password entered\n"},
		{"es", "Contraseña: \n", "contraseña: no se escribió nada\n"},
	} {
		c := newCLI(t, noSecret)
		term := openTerminal(t)
		out := &syncBuffer{}
		go func() {
			<-out.waitFor(tc.prompt[:len(tc.prompt)-1], 1)
			term.Keys(t, "\x04") // Ctrl-D
		}()
		code, stderr := c.atTerminal(t.Context(), term, out, "login", "--email", "ana@example.com", "--lang", tc.lang)
		if code != 1 || stderr != tc.prompt+tc.want {
			t.Errorf("%s: exit %d, stderr %q, want %q", tc.lang, code, stderr, tc.prompt+tc.want)
		}
	}
}

// TestCtrlCExits130: Ctrl-C at a password prompt stops the command with
// exit status 130, the terminal's echo back on.
func TestCtrlCExits130(t *testing.T) {
	c := newCLI(t, noSecret)
	term := openTerminal(t)
	ctx, interrupt := context.WithCancel(t.Context()) // what SIGINT does to main's context
	stderr := &syncBuffer{}
	go func() {
		<-stderr.waitFor("Password: ", 1)
		interrupt()
	}()
	code, out := c.atTerminal(ctx, term, stderr, "login", "--email", "ana@example.com")
	if code != 130 || out != "Password: \ninterrupted\n" {
		t.Errorf("exit %d, stderr %q", code, out)
	}
	if !term.echoOn(t) {
		t.Error("the terminal's echo is left off")
	}
}

// TestReadChoiceAskedAgain: an answer that is not one of the choices is
// asked again.
func TestReadChoiceAskedAgain(t *testing.T) {
	term := openTerminal(t)
	stderr := &syncBuffer{}
	a := &app{stdin: term.slave, stderr: stderr, lang: "en"}
	term.answers(t, stderr, answer{"EMAIL_OTP: ", 1, "sms"}, answer{"EMAIL_OTP: ", 2, "software_token_mfa"})
	got, err := a.readChoice(t.Context(), false, "choose one of SOFTWARE_TOKEN_MFA, EMAIL_OTP", []string{"SOFTWARE_TOKEN_MFA", "EMAIL_OTP"})
	if err != nil || got != "software_token_mfa" {
		t.Fatalf("readChoice = %q, %v", got, err)
	}
	if want := "Choose one of SOFTWARE_TOKEN_MFA, EMAIL_OTP: Answer one of SOFTWARE_TOKEN_MFA, EMAIL_OTP.\nChoose one of SOFTWARE_TOKEN_MFA, EMAIL_OTP: "; stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
}
