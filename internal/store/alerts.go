package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"fullqa/internal/alert"
)

// The alert outbox: the store's side of alert.Outbox. Deliveries are kept
// as JSON documents (the alert, or a pre-rendered scheduled report) with
// their state, so the dispatcher can pick up after a restart exactly where
// it stopped.

// outboxDoc is what the doc column holds.
type outboxDoc struct {
	Alert   alert.Alert    `json:"alert"`
	Message *alert.Message `json:"message,omitempty"`
}

// Enqueue implements alert.Outbox: it stores a pending delivery unless one
// with the same alert key and channel exists.
func (s *Store) Enqueue(ctx context.Context, d alert.Delivery) (bool, error) {
	doc, err := json.Marshal(outboxDoc{Alert: d.Alert, Message: d.Message})
	if err != nil {
		return false, fmt.Errorf("store: enqueue alert: %w", err)
	}
	var n int64
	err = s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO alert_outbox (alert_key, channel, rule, doc, state, not_before, created_at)
			VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (alert_key, channel) DO NOTHING`),
			d.Alert.Key, d.Channel, d.Rule, string(doc), d.NotBefore.UnixMilli(), d.Created.UnixMilli())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: enqueue alert: %w", err)
	}
	return n == 1, nil
}

// Due implements alert.Outbox.
func (s *Store) Due(ctx context.Context, channel string, now time.Time, n int) ([]alert.Delivery, error) {
	return s.deliveries(ctx, `WHERE channel = ? AND state = 'pending' AND not_before <= ? ORDER BY id LIMIT ?`,
		channel, now.UnixMilli(), n)
}

// DeadLetters lists the deliveries given up on, newest first: the
// dead-letter list `fullqa alert dead` and /metrics show.
func (s *Store) DeadLetters(ctx context.Context, limit int) ([]alert.Delivery, error) {
	if limit <= 0 {
		limit = 100
	}
	return s.deliveries(ctx, `WHERE state = 'dead' ORDER BY id DESC LIMIT ?`, limit)
}

func (s *Store) deliveries(ctx context.Context, where string, args ...any) ([]alert.Delivery, error) {
	rows, err := s.r.QueryContext(ctx, s.d.q(`SELECT id, channel, rule, doc, attempts, not_before, created_at, last_error
		FROM alert_outbox `+where), args...)
	if err != nil {
		return nil, fmt.Errorf("store: alert outbox: %w", err)
	}
	defer rows.Close()
	var out []alert.Delivery
	for rows.Next() {
		var d alert.Delivery
		var doc string
		var nb, created int64
		if err := rows.Scan(&d.ID, &d.Channel, &d.Rule, &doc, &d.Attempts, &nb, &created, &d.LastError); err != nil {
			return nil, fmt.Errorf("store: alert outbox: %w", err)
		}
		var od outboxDoc
		if err := json.Unmarshal([]byte(doc), &od); err != nil {
			return nil, fmt.Errorf("store: alert outbox row %d: %w", d.ID, err)
		}
		d.Alert, d.Message = od.Alert, od.Message
		d.NotBefore, d.Created = time.UnixMilli(nb).UTC(), time.UnixMilli(created).UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}

// MarkSent implements alert.Outbox.
func (s *Store) MarkSent(ctx context.Context, ids []int64, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	q, args := inIDs(`UPDATE alert_outbox SET state = 'sent', sent_at = ?, last_error = '' WHERE id IN (%s)`, at.UnixMilli(), ids)
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.d.q(q), args...); err != nil {
			return fmt.Errorf("store: alert sent: %w", err)
		}
		return nil
	})
}

// MarkFailed implements alert.Outbox.
func (s *Store) MarkFailed(ctx context.Context, ids []int64, attempts int, next time.Time, lastErr string, dead bool) error {
	if len(ids) == 0 {
		return nil
	}
	state := "pending"
	if dead {
		state = "dead"
	}
	q, args := inIDs(`UPDATE alert_outbox SET state = ?, attempts = ?, not_before = ?, last_error = ? WHERE id IN (%s)`,
		[]any{state, attempts, next.UnixMilli(), lastErr}, ids)
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.d.q(q), args...); err != nil {
			return fmt.Errorf("store: alert failed: %w", err)
		}
		return nil
	})
}

// AlertCounts returns the outbox's rows by state (pending, sent, dead).
func (s *Store) AlertCounts(ctx context.Context) (map[string]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT state, COUNT(*) FROM alert_outbox GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("store: alert counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{"pending": 0, "sent": 0, "dead": 0}
	for rows.Next() {
		var st string
		var n int64
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: alert counts: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}

// inIDs fills an "IN (%s)" list with one placeholder per id, after the
// leading arguments lead (one value or a slice of them).
func inIDs(q string, lead any, ids []int64) (string, []any) {
	var args []any
	if l, ok := lead.([]any); ok {
		args = append(args, l...)
	} else {
		args = append(args, lead)
	}
	ph := make([]string, len(ids))
	for i, id := range ids {
		ph[i] = "?"
		args = append(args, id)
	}
	return fmt.Sprintf(q, strings.Join(ph, ", ")), args
}
