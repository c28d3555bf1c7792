package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// AuditEntry is one line of the audit log: who read or changed what.
type AuditEntry struct {
	ID     int64
	At     time.Time
	User   string // user name; "cli" for commands run on the server's machine
	Action string // e.g. conversation.read, conversations.ingest, user.add
	Object string // what was touched: a conversation id, a query
	Detail string
}

func (s *Store) writeAudit(ctx context.Context, tx *sql.Tx, e AuditEntry) error {
	if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO audit (at, user_name, action, object, detail) VALUES (?, ?, ?, ?, ?)`),
		e.At.UnixMilli(), e.User, e.Action, e.Object, e.Detail); err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// Audit records one entry in its own transaction (reads have none of
// their own to join).
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error { return s.writeAudit(ctx, tx, e) })
}

// AuditFilter selects audit entries; empty fields do not filter.
type AuditFilter struct {
	User   string
	Action string
	Since  time.Time
	Limit  int // 0 means 100
}

// ListAudit returns audit entries, newest first.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	q := `SELECT id, at, user_name, action, object, detail FROM audit WHERE 1 = 1`
	var args []any
	if f.User != "" {
		q += " AND user_name = ?"
		args = append(args, f.User)
	}
	if f.Action != "" {
		q += " AND action = ?"
		args = append(args, f.Action)
	}
	if !f.Since.IsZero() {
		q += " AND at >= ?"
		args = append(args, f.Since.UnixMilli())
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, limit)
	rows, err := s.r.QueryContext(ctx, s.d.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: list audit: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.User, &e.Action, &e.Object, &e.Detail); err != nil {
			return nil, fmt.Errorf("store: list audit: %w", err)
		}
		e.At = time.UnixMilli(at).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
