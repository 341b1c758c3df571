package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// schemaVersion is the PRAGMA user_version of the schema below.
const schemaVersion = 1

const schema = `CREATE TABLE records (
	kind  TEXT NOT NULL,
	key   TEXT NOT NULL,
	value BLOB NOT NULL,
	PRIMARY KEY (kind, key)
) WITHOUT ROWID`

// pragmas are set on every connection. With synchronous=FULL a WAL commit
// is synced to disk before it returns, so it survives a process crash and
// a power cut.
const pragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"

// OpenSQLite opens the SQLite database file at path as a Store, creating
// the file (mode 0600) and its directory (mode 0700) if they are missing.
// A committed Update survives a crash of the process. Views run
// concurrently with each other and with Updates; Updates run one at a
// time, also across processes sharing the file, and are group-committed:
// see sqliteStore.
func OpenSQLite(ctx context.Context, path string) (Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: sqlite: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("store: sqlite: %w", err)
	}
	// SQLite would create the file readable by all; its -wal and -shm
	// files copy the database file's mode.
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: sqlite: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("store: sqlite: %w", err)
	}

	// A file: URI keeps any '?' or '#' in the path out of the query.
	slashed := filepath.ToSlash(abs)
	if !strings.HasPrefix(slashed, "/") {
		slashed = "/" + slashed // a Windows drive letter
	}
	uri := (&url.URL{Scheme: "file", Path: slashed, RawQuery: pragmas}).String()

	// Updates go through one connection whose transactions take the write
	// lock at BEGIN, so they never fail to upgrade a read lock; Views use
	// deferred transactions on a small pool of their own.
	writer, err := sql.Open("sqlite", uri+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: sqlite: open %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	if err := migrate(ctx, writer); err != nil {
		return nil, errors.Join(fmt.Errorf("store: sqlite: open %s: %w", path, err), writer.Close())
	}
	reader, err := sql.Open("sqlite", uri)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("store: sqlite: open %s: %w", path, err), writer.Close())
	}
	reader.SetMaxOpenConns(4)
	reader.SetMaxIdleConns(4)
	s := &sqliteStore{
		reader: reader, writer: writer,
		updates: make(chan *pendingUpdate), done: make(chan struct{}), stopped: make(chan struct{}),
	}
	go s.write()
	return s, nil
}

// migrate checks that the database is in WAL mode and creates the schema
// in a new database, or checks its version in an existing one.
func migrate(ctx context.Context, db *sql.DB) error {
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("journal mode: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("journal mode is %q, not wal", mode)
	}

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() // a no-op after Commit
	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	switch version {
	case schemaVersion:
		return nil
	case 0:
		if _, err := tx.ExecContext(ctx, schema); err != nil {
			return fmt.Errorf("create schema: %w", err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
			return fmt.Errorf("set schema version: %w", err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("create schema: commit: %w", err)
		}
		return nil
	default:
		return fmt.Errorf("schema version %d is not %d", version, schemaVersion)
	}
}

// sqliteStore is a Store on a SQLite file.
//
// Its Updates are group-committed, in the order they came: they queue for
// one goroutine, the writer, which runs every Update waiting (up to
// maxGroup) one after the other in a single SQLite transaction, each in a
// savepoint of its own, and commits them at once. An Update that fails is
// rolled back to its savepoint and answered at once; the others return
// when the commit holding their writes has been synced. Run one after the
// other, they stay serializable, and under load one sync serves many of
// them. The queue is first come, first served (a channel's waiting senders
// are), where database/sql hands a freed connection to a random waiter.
//
// The functions run on the writer's goroutine, one after the other, so the
// transaction is never idle waiting for a caller to be scheduled. What
// their goroutine would see is passed on to the caller's: a panic is
// raised again there, and a function that ends the goroutine
// (runtime.Goexit, as t.FailNow does) ends the caller's too, its group is
// rolled back and a new writer takes over.
type sqliteStore struct {
	reader, writer *sql.DB
	updates        chan *pendingUpdate // to the writer
	done           chan struct{}       // closed by Close
	stopped        chan struct{}       // closed when the writer has returned
	closed         atomic.Bool
}

// maxGroup bounds the Updates one commit holds, so that the first of them
// does not wait on an unbounded line behind it.
const maxGroup = 64

// pendingUpdate is an Update waiting for the writer, and its answer.
type pendingUpdate struct {
	ctx    context.Context
	fn     func(Tx) error
	result chan updateResult // buffered: the writer never waits on it
}

// updateResult is what an Update returns, or the value fn panicked with,
// or that fn ended its goroutine (runtime.Goexit, as t.FailNow does): the
// Update then ends its caller's the same way.
type updateResult struct {
	err      error
	panicked bool
	panicVal any
	exited   bool
}

// View runs fn in a read transaction that begins at fn's first read, so a
// View that reads nothing (its records all came from a cache above the
// store) holds no connection.
func (s *sqliteStore) View(ctx context.Context, fn func(Tx) error) error {
	if s.closed.Load() {
		return ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	t := &sqliteTx{ctx: ctx, readOnly: true, begin: func() (*sql.Tx, error) {
		return s.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	}}
	defer func() {
		if t.tx != nil {
			t.tx.Rollback() // a read transaction has nothing to commit
		}
	}()
	return fn(t)
}

func (s *sqliteStore) Update(ctx context.Context, fn func(Tx) error) error {
	if s.closed.Load() {
		return ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	u := &pendingUpdate{ctx: ctx, fn: fn, result: make(chan updateResult, 1)}
	select {
	case s.updates <- u:
	case <-s.done:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once the writer has it, fn may be running: its answer is awaited
	// whatever happens to ctx.
	r := <-u.result
	switch {
	case r.panicked:
		panic(r.panicVal)
	case r.exited:
		runtime.Goexit()
	}
	return r.err
}

// write is the writer: it commits the Updates that come, in groups, until
// the store is closed.
func (s *sqliteStore) write() {
	for {
		select {
		case u := <-s.updates:
			s.commitGroup(u)
		case <-s.done:
			close(s.stopped)
			return
		}
	}
}

// commitGroup runs first and the Updates that queue behind it, up to
// maxGroup, in one transaction, and answers each.
func (s *sqliteStore) commitGroup(first *pendingUpdate) {
	// The transaction's context is not an Update's: one caller going away
	// must not roll back the others' writes.
	ctx := context.Background()
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		first.result <- updateResult{err: fmt.Errorf("store: sqlite: begin: %w", err)}
		return
	}
	var kept []*pendingUpdate // ran without error; answered after the commit
	answer := func(err error) {
		for _, u := range kept {
			u.result <- updateResult{err: err}
		}
	}
	next, ran := first, false
	defer func() {
		if ran {
			return
		}
		// next's function ended this goroutine (runtime.Goexit): the
		// group is rolled back, next's caller ends the same way, and a
		// new writer takes over.
		tx.Rollback()
		next.result <- updateResult{exited: true}
		answer(errors.New("store: sqlite: rolled back with an Update whose function called runtime.Goexit"))
		go s.write()
	}()
	err = func() error {
		for n := 1; ; n++ {
			ok, err := runInSavepoint(ctx, tx, next)
			if err != nil {
				return err
			}
			if ok {
				kept = append(kept, next)
			}
			if n == maxGroup {
				return nil
			}
			select {
			case next = <-s.updates:
			default:
				return nil
			}
		}
	}()
	ran = true
	if err != nil {
		// The transaction is unusable: nothing of the group is kept.
		tx.Rollback()
		answer(fmt.Errorf("store: sqlite: %w", err))
		return
	}
	if err := tx.Commit(); err != nil {
		answer(fmt.Errorf("store: sqlite: commit: %w", err))
		return
	}
	answer(nil)
}

// runInSavepoint runs u's function in a savepoint of tx. If it fails (or
// panics, or u's context ends meanwhile), its writes are rolled back to the
// savepoint and u is answered; otherwise its writes stay and ok is true. A
// non-nil error means tx itself failed; u is then answered with it.
func runInSavepoint(ctx context.Context, tx *sql.Tx, u *pendingUpdate) (ok bool, err error) {
	if err := u.ctx.Err(); err != nil {
		u.result <- updateResult{err: err}
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, "SAVEPOINT u"); err != nil {
		u.result <- updateResult{err: fmt.Errorf("store: sqlite: savepoint: %w", err)}
		return false, err
	}
	r := call(u.fn, &sqliteTx{ctx: ctx, tx: tx})
	if !r.panicked && r.err == nil {
		r.err = u.ctx.Err()
	}
	if !r.panicked && r.err == nil {
		if _, err := tx.ExecContext(ctx, "RELEASE u"); err != nil {
			u.result <- updateResult{err: fmt.Errorf("store: sqlite: release savepoint: %w", err)}
			return false, err
		}
		return true, nil
	}
	_, err1 := tx.ExecContext(ctx, "ROLLBACK TO u")
	_, err2 := tx.ExecContext(ctx, "RELEASE u")
	u.result <- r
	return false, errors.Join(err1, err2)
}

// call calls fn with tx and returns its error, or the value it panicked
// with, to be raised again in the Update's own goroutine.
func call(fn func(Tx) error, tx Tx) (r updateResult) {
	defer func() {
		if v := recover(); v != nil {
			r = updateResult{panicked: true, panicVal: v}
		}
	}()
	return updateResult{err: fn(tx)}
}

func (s *sqliteStore) Close() error {
	if s.closed.Swap(true) {
		return ErrClosed
	}
	close(s.done)
	<-s.stopped
	// The writer closes last, so its connection checkpoints the WAL.
	if err := errors.Join(s.reader.Close(), s.writer.Close()); err != nil {
		return fmt.Errorf("store: sqlite: close: %w", err)
	}
	return nil
}

// sqliteTx is a transaction of a View (tx begun at the first read, by
// begin) or an Update's part of the writer's transaction.
type sqliteTx struct {
	ctx      context.Context
	tx       *sql.Tx
	begin    func() (*sql.Tx, error)
	readOnly bool
}

// sql returns the SQL transaction, beginning it if it has not begun.
func (t *sqliteTx) sql() (*sql.Tx, error) {
	if t.tx == nil {
		tx, err := t.begin()
		if err != nil {
			return nil, fmt.Errorf("begin: %w", err)
		}
		t.tx = tx
	}
	return t.tx, nil
}

func (t *sqliteTx) Get(kind, key string) ([]byte, error) {
	tx, err := t.sql()
	if err != nil {
		return nil, fmt.Errorf("store: sqlite: get %s: %w", kind, err)
	}
	var value []byte
	err = tx.QueryRowContext(t.ctx,
		"SELECT value FROM records WHERE kind = ? AND key = ?", kind, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: sqlite: get %s: %w", kind, err)
	}
	return nonNil(value), nil
}

func (t *sqliteTx) Put(kind, key string, value []byte) error {
	if t.readOnly {
		return ErrReadOnly
	}
	_, err := t.tx.ExecContext(t.ctx,
		`INSERT INTO records (kind, key, value) VALUES (?, ?, ?)
		ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value`,
		kind, key, nonNil(value))
	if err != nil {
		return fmt.Errorf("store: sqlite: put %s: %w", kind, err)
	}
	return nil
}

func (t *sqliteTx) Delete(kind, key string) error {
	if t.readOnly {
		return ErrReadOnly
	}
	_, err := t.tx.ExecContext(t.ctx, "DELETE FROM records WHERE kind = ? AND key = ?", kind, key)
	if err != nil {
		return fmt.Errorf("store: sqlite: delete %s: %w", kind, err)
	}
	return nil
}

func (t *sqliteTx) Count(kind, prefix string) (int, error) {
	tx, err := t.sql()
	if err != nil {
		return 0, fmt.Errorf("store: sqlite: count %s: %w", kind, err)
	}
	query := "SELECT count(*) FROM records WHERE kind = ? AND key >= ?"
	args := []any{kind, prefix}
	if end, ok := prefixEnd(prefix); ok {
		query += " AND key < ?"
		args = append(args, end)
	}
	var n int
	if err := tx.QueryRowContext(t.ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: sqlite: count %s: %w", kind, err)
	}
	return n, nil
}

// scanChunk is how many records a Scan in a read-only transaction reads
// at a time.
const scanChunk = 256

func (t *sqliteTx) Scan(kind, prefix string, fn func(key string, value []byte) error) error {
	return t.ScanAfter(kind, prefix, "", fn)
}

func (t *sqliteTx) ScanAfter(kind, prefix, after string, fn func(key string, value []byte) error) error {
	// A write transaction reads every record before fn runs, so that fn's
	// writes do not change the records it visits. In a read-only one fn
	// cannot write: the records are read a chunk at a time, all from the
	// transaction's snapshot, so that a scan stopped early (a page of a
	// list) reads little and a long one does not hold every record in
	// memory at once.
	limit := scanChunk
	if !t.readOnly {
		limit = 0
	}
	from, inclusive := prefix, true
	if after != "" && after >= prefix {
		from, inclusive = after, false
	}
	for {
		records, err := t.scanFrom(kind, prefix, from, inclusive, limit)
		if err != nil {
			return fmt.Errorf("store: sqlite: scan %s: %w", kind, err)
		}
		for _, r := range records {
			if err := fn(r.key, r.value); err != nil {
				if errors.Is(err, ErrStopScan) {
					return nil
				}
				return err
			}
		}
		if limit == 0 || len(records) < limit {
			return nil
		}
		from, inclusive = records[len(records)-1].key, false
	}
}

// scanFrom reads, in key order, the records of kind whose key starts with
// prefix and is from or after it (inclusive) or after it; at most limit
// of them unless limit is 0.
func (t *sqliteTx) scanFrom(kind, prefix, from string, inclusive bool, limit int) ([]record, error) {
	query := "SELECT key, value FROM records WHERE kind = ? AND key > ?"
	if inclusive {
		query = "SELECT key, value FROM records WHERE kind = ? AND key >= ?"
	}
	args := []any{kind, from}
	if end, ok := prefixEnd(prefix); ok {
		query += " AND key < ?"
		args = append(args, end)
	}
	query += " ORDER BY key"
	if limit > 0 {
		query += " LIMIT ?"
		args = append(args, limit)
	}
	return t.scan(query, args...)
}

type record struct {
	key   string
	value []byte
}

// scan reads all the records query returns, so that the rows are closed
// before Scan's callback can use the transaction.
func (t *sqliteTx) scan(query string, args ...any) ([]record, error) {
	tx, err := t.sql()
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(t.ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var records []record
	for rows.Next() {
		var r record
		if err := rows.Scan(&r.key, &r.value); err != nil {
			return nil, err
		}
		r.value = nonNil(r.value)
		records = append(records, r)
	}
	return records, rows.Err()
}

// prefixEnd returns the least string greater than every string that starts
// with prefix, or false if there is none (prefix is empty or all 0xff).
func prefixEnd(prefix string) (string, bool) {
	end := []byte(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return string(end[:i+1]), true
		}
	}
	return "", false
}

// nonNil returns b, or an empty slice if b is nil: an empty value is
// stored as an empty BLOB, not NULL, and reads back non-nil.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
