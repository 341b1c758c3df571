package emulator_test

import (
	"bufio"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cognitokit/cognito/emulator"
	"github.com/cognitokit/cognito/emulator/store"
)

// serveWithTimeouts serves a local Cognito on a loopback port with
// NewHTTPServer, its timeouts shortened by shorten, and returns the address.
func serveWithTimeouts(t *testing.T, shorten func(*http.Server)) string {
	t.Helper()
	st := store.NewMemory()
	t.Cleanup(func() { st.Close() })
	em, err := emulator.New(t.Context(), st, emulator.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	hs := emulator.NewHTTPServer(em)
	if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout <= 0 || hs.WriteTimeout <= 0 || hs.IdleTimeout <= 0 {
		t.Fatalf("NewHTTPServer timeouts = %v %v %v %v, want all set", hs.ReadHeaderTimeout, hs.ReadTimeout, hs.WriteTimeout, hs.IdleTimeout)
	}
	shorten(hs)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return ln.Addr().String()
}

// closedWithin reports whether the server closes conn before d has
// passed, reading (and discarding) whatever it sends first.
func closedWithin(conn net.Conn, d time.Duration) bool {
	conn.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, conn)
	return !errors.Is(err, os.ErrDeadlineExceeded)
}

// A client that stops sending its body, or keeps a connection idle, is cut
// off by the server's timeouts.
func TestHTTPServerTimeouts(t *testing.T) {
	t.Parallel()
	t.Run("stalled body", func(t *testing.T) {
		t.Parallel()
		addr := serveWithTimeouts(t, func(hs *http.Server) { hs.ReadTimeout = 200 * time.Millisecond })
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n"+
			"X-Amz-Target: AWSCognitoIdentityProviderService.SignUp\r\nContent-Length: 1000\r\n\r\n{\"ClientId\":")
		if !closedWithin(conn, 10*time.Second) {
			t.Error("the server still holds a connection whose body stalled")
		}
	})
	t.Run("idle connection", func(t *testing.T) {
		t.Parallel()
		addr := serveWithTimeouts(t, func(hs *http.Server) { hs.IdleTimeout = 200 * time.Millisecond })
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "ok") {
			t.Fatalf("GET /health = %d %s", resp.StatusCode, body)
		}
		if !closedWithin(conn, 10*time.Second) {
			t.Error("the server keeps an idle connection open")
		}
	})
}
