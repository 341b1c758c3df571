package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
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
// concurrently with each other and with an Update; Updates run one at a
// time, also across processes sharing the file.
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
	// lock at BEGIN, so they run one at a time and never fail to upgrade a
	// read lock; Views use deferred transactions on a small pool of their own.
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
	return &sqliteStore{reader: reader, writer: writer}, nil
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

type sqliteStore struct {
	reader, writer *sql.DB
	closed         atomic.Bool
}

func (s *sqliteStore) View(ctx context.Context, fn func(Tx) error) error {
	return s.run(ctx, s.reader, &sql.TxOptions{ReadOnly: true}, fn)
}

func (s *sqliteStore) Update(ctx context.Context, fn func(Tx) error) error {
	return s.run(ctx, s.writer, nil, fn)
}

// run calls fn in a transaction on db, which it commits if fn returns nil
// and rolls back otherwise, also when fn panics.
func (s *sqliteStore) run(ctx context.Context, db *sql.DB, opts *sql.TxOptions, fn func(Tx) error) error {
	if s.closed.Load() {
		return ErrClosed
	}
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: sqlite: begin: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			tx.Rollback() // fn's error, or its panic, matters more than Rollback's
		}
	}()
	readOnly := opts != nil && opts.ReadOnly
	if err := fn(&sqliteTx{ctx: ctx, tx: tx, readOnly: readOnly}); err != nil {
		return err
	}
	committed = true // Commit ends the transaction even when it fails.
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: sqlite: commit: %w", err)
	}
	return nil
}

func (s *sqliteStore) Close() error {
	if s.closed.Swap(true) {
		return ErrClosed
	}
	// The writer closes last, so its connection checkpoints the WAL.
	if err := errors.Join(s.reader.Close(), s.writer.Close()); err != nil {
		return fmt.Errorf("store: sqlite: close: %w", err)
	}
	return nil
}

type sqliteTx struct {
	ctx      context.Context
	tx       *sql.Tx
	readOnly bool
}

func (t *sqliteTx) Get(kind, key string) ([]byte, error) {
	var value []byte
	err := t.tx.QueryRowContext(t.ctx,
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

// scanChunk is how many records a Scan in a read-only transaction reads
// at a time.
const scanChunk = 256

func (t *sqliteTx) Scan(kind, prefix string, fn func(key string, value []byte) error) error {
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
	rows, err := t.tx.QueryContext(t.ctx, query, args...)
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
