package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cognitokit/cognito/emulator/store"
	"github.com/cognitokit/cognito/emulator/store/storetest"
)

func TestMemory(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Store { return store.NewMemory() })
}

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return openSQLite(t, filepath.Join(t.TempDir(), "x.db"))
	})
}

func openSQLite(t *testing.T, path string) store.Store {
	t.Helper()
	s, err := store.OpenSQLite(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSQLiteCreatesDirAndFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "dir")
	path := filepath.Join(dir, "x.db")
	s := openSQLite(t, path)
	defer s.Close()
	for _, f := range []struct {
		path string
		mode os.FileMode
	}{{dir, os.ModeDir | 0o700}, {path, 0o600}} {
		info, err := os.Stat(f.path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode() != f.mode {
			t.Errorf("%s has mode %v, want %v", f.path, info.Mode(), f.mode)
		}
	}
}

func TestSQLiteReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	s := openSQLite(t, path)
	kinds := []string{"pools", "clients", "users", "codes"}
	for _, kind := range kinds {
		err := s.Update(t.Context(), func(tx store.Tx) error {
			for i := range 100 {
				if err := tx.Put(kind, fmt.Sprintf("%s-%03d", kind, i), fmt.Appendf(nil, "%s value %d", kind, i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openSQLite(t, path)
	defer s.Close()
	err := s.View(t.Context(), func(tx store.Tx) error {
		for _, kind := range kinds {
			i := 0
			err := tx.Scan(kind, "", func(key string, value []byte) error {
				wantKey, wantValue := fmt.Sprintf("%s-%03d", kind, i), fmt.Sprintf("%s value %d", kind, i)
				if key != wantKey || string(value) != wantValue {
					t.Errorf("record %d of %s = %s=%q, want %s=%q", i, kind, key, value, wantKey, wantValue)
				}
				i++
				return nil
			})
			if err != nil {
				return err
			}
			if i != 100 {
				t.Errorf("%s has %d records after reopening, want 100", kind, i)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Updates queued when Close is called each end, with nil (and their write
// is on disk) or ErrClosed (and it is not): none is left waiting for the
// group commit's writer once it has stopped, and Close waits for the
// commit in progress.
func TestSQLiteCloseDuringUpdates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	s := openSQLite(t, path)
	hold, held := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- s.Update(t.Context(), func(tx store.Tx) error {
			close(held)
			<-hold
			return tx.Put("k", "first", []byte("v"))
		})
	}()
	<-held // the writer is busy until hold is closed: the others queue
	const n = 64
	results := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			results[i] = s.Update(t.Context(), func(tx store.Tx) error {
				return tx.Put("k", fmt.Sprintf("%02d", i), []byte("v"))
			})
		})
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	time.Sleep(20 * time.Millisecond) // let Close begin
	select {
	case <-closed:
		t.Error("Close returned while an Update was in progress")
	default:
	}
	close(hold)
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	wg.Wait()
	if err := <-first; err != nil {
		t.Errorf("the Update in progress when Close was called = %v, want nil", err)
	}

	reopened := openSQLite(t, path)
	defer reopened.Close()
	if _, err := get(t, reopened, "k", "first"); err != nil {
		t.Errorf("the Update in progress when Close was called is not on disk: %v", err)
	}
	for i, err := range results {
		_, getErr := get(t, reopened, "k", fmt.Sprintf("%02d", i))
		switch {
		case err == nil && getErr != nil:
			t.Errorf("Update %d returned nil but its record is missing after reopening: %v", i, getErr)
		case errors.Is(err, store.ErrClosed) && getErr == nil:
			t.Errorf("Update %d returned ErrClosed but its record was written", i)
		case err != nil && !errors.Is(err, store.ErrClosed):
			t.Errorf("Update %d = %v, want nil or ErrClosed", i, err)
		}
	}
}

// An Update whose context ends while it waits for the writer returns the
// context's error without running.
func TestSQLiteUpdateCanceledWhileQueued(t *testing.T) {
	s := openSQLite(t, filepath.Join(t.TempDir(), "x.db"))
	defer s.Close()
	hold, held := make(chan struct{}), make(chan struct{})
	go s.Update(t.Context(), func(store.Tx) error { close(held); <-hold; return nil })
	<-held // the writer is busy until hold is closed
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	ran := false
	go func() { done <- s.Update(ctx, func(store.Tx) error { ran = true; return nil }) }()
	// Let it queue. (Canceled before it does, it is refused before it
	// queues, which is right too; queued is the case under test.)
	time.Sleep(20 * time.Millisecond)
	cancel()
	err := <-done
	close(hold)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Update canceled while queued = %v, want context.Canceled", err)
	}
	if ran {
		t.Error("the canceled Update ran")
	}
}

func get(t *testing.T, s store.Store, kind, key string) (value []byte, err error) {
	t.Helper()
	err = s.View(t.Context(), func(tx store.Tx) error {
		value, err = tx.Get(kind, key)
		return err
	})
	return value, err
}

func TestSQLiteJournalModeWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	s := openSQLite(t, path)
	defer s.Close()

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode string
	if err := db.QueryRowContext(t.Context(), "PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
}

func TestSQLiteRejectsOtherSchemaVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(t.Context(), "PRAGMA user_version = 2"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err := store.OpenSQLite(t.Context(), path); err == nil {
		s.Close()
		t.Fatal("OpenSQLite of a database with schema version 2 succeeded, want an error")
	}
}

// crashDBEnv names the database the child process of
// TestSQLiteCommitSurvivesCrash writes before it exits without closing it.
const crashDBEnv = "STORE_TEST_CRASH_DB"

func TestSQLiteCommitSurvivesCrash(t *testing.T) {
	if path := os.Getenv(crashDBEnv); path != "" {
		crashAfterCommit(path)
		return
	}
	path := filepath.Join(t.TempDir(), "x.db")
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestSQLiteCommitSurvivesCrash$")
	cmd.Env = append(os.Environ(), crashDBEnv+"="+path)
	out, err := cmd.Output()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), "committed\n") {
		t.Fatalf("child process: %v, output %q; want exit status 2 after committed", err, out)
	}
	// The commit is in the WAL, not yet checkpointed into the database.
	if info, err := os.Stat(path + "-wal"); err != nil || info.Size() == 0 {
		t.Fatalf("the child process left no WAL behind: %v", err)
	}

	s := openSQLite(t, path)
	defer s.Close()
	err = s.View(t.Context(), func(tx store.Tx) error {
		v, err := tx.Get("users", "alice")
		if err != nil || string(v) != "durable" {
			t.Errorf("Get after the crash = %q, %v; want durable", v, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// crashAfterCommit commits one record to the store at path and exits at
// once, as a crash would: without closing the store or checkpointing the WAL.
func crashAfterCommit(path string) {
	ctx := context.Background()
	s, err := store.OpenSQLite(ctx, path)
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(ctx, func(tx store.Tx) error { return tx.Put("users", "alice", []byte("durable")) })
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("committed")
	os.Exit(2)
}

func ExampleOpenSQLite() {
	dir, err := os.MkdirTemp("", "store-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	s, err := store.OpenSQLite(ctx, filepath.Join(dir, "cognito.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	err = s.Update(ctx, func(tx store.Tx) error {
		for _, name := range []string{"bob", "alice", "carol"} {
			if err := tx.Put("users", name, []byte(`{"name":"`+name+`"}`)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}

	err = s.View(ctx, func(tx store.Tx) error {
		return tx.Scan("users", "", func(key string, value []byte) error {
			fmt.Printf("%s: %s\n", key, value)
			return nil
		})
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// alice: {"name":"alice"}
	// bob: {"name":"bob"}
	// carol: {"name":"carol"}
}
