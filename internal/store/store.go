// Package store is fullqa's durable store: conversations, streamed
// messages, inspection results and findings, users and their API tokens,
// and the audit log. It is one concrete type over database/sql. SQLite
// (through the pure-Go driver, so CGO_ENABLED=0 builds keep working) is the
// only dialect today; the SQL is kept portable and everything
// dialect-specific lives in dialect.go, so PostgreSQL can follow.
//
// The store knows conversations, not detectors: callers hand it results
// and findings already computed (DESIGN.md: data never flows backwards).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrNotFound is returned when a row asked for does not exist (or is not
// visible to the caller's vendor scope).
var ErrNotFound = errors.New("not found")

// Store is the SQLite store. SQLite allows one writer at a time, so writes
// go through a pool of one connection (callers queue there instead of
// spinning on SQLITE_BUSY) and reads through a pool of several, which WAL
// mode lets run beside the writer.
type Store struct {
	w, r *sql.DB
	d    dialect
	path string
}

// FileName is the database file inside the data directory.
const FileName = "fullqa.db"

// Open opens (creating if needed) the store in dir, applies pending
// migrations and checks that the ones already applied are the ones this
// binary knows, in the same order.
func Open(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	path := filepath.Join(dir, FileName)
	d := sqliteDialect{}
	w, err := sql.Open("sqlite", d.dsn(path))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", d.dsn(path))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)*2))
	s := &Store{w: w, r: r, d: d, path: path}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes both pools.
func (s *Store) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}

// Ping checks that the database answers a query (for /healthz).
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// tx runs fn in a write transaction and commits it when fn returns nil.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// ms converts a time to the stored form, Unix milliseconds; the zero time
// is NULL.
func ms(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

// fromMS is the inverse of ms.
func fromMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}
