package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"fullqa/internal/analyze"
)

// TopicDays returns a topic's conversations per day for days from..to
// (analyze.HourIndex / 24), zero days included, oldest first: one indexed
// range read of at most to-from+1 rows. The empty topic is all traffic.
func (s *Store) TopicDays(ctx context.Context, t analyze.Topic, from, to int64) ([]float64, error) {
	out := make([]float64, to-from+1)
	rows, err := s.r.QueryContext(ctx, s.d.q(`SELECT day, n FROM topic_days WHERE kind = ? AND value = ? AND day >= ? AND day <= ?`),
		t.Kind, t.Value, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: topic days: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d int64
		var n int
		if err := rows.Scan(&d, &n); err != nil {
			return nil, fmt.Errorf("store: topic days: %w", err)
		}
		out[d-from] = float64(n)
	}
	return out, rows.Err()
}

// TopicHours returns a topic's conversations per hour for hours from..to,
// zero hours included: at most to-from+1 rows.
func (s *Store) TopicHours(ctx context.Context, t analyze.Topic, from, to int64) ([]float64, error) {
	out := make([]float64, to-from+1)
	rows, err := s.r.QueryContext(ctx, s.d.q(`SELECT hour, n FROM topic_hours WHERE kind = ? AND value = ? AND hour >= ? AND hour <= ?`),
		t.Kind, t.Value, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: topic hours: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h int64
		var n int
		if err := rows.Scan(&h, &n); err != nil {
			return nil, fmt.Errorf("store: topic hours: %w", err)
		}
		out[h-from] = float64(n)
	}
	return out, rows.Err()
}

// FirstTrafficDay is the first day any conversation with a time was
// counted, ErrNotFound before any.
func (s *Store) FirstTrafficDay(ctx context.Context) (int64, error) {
	var d sql.NullInt64
	if err := s.r.QueryRowContext(ctx, `SELECT MIN(day) FROM topic_days WHERE kind = '' AND value = '' AND n > 0`).Scan(&d); err != nil {
		return 0, fmt.Errorf("store: first traffic day: %w", err)
	}
	if !d.Valid {
		return 0, fmt.Errorf("traffic: %w", ErrNotFound)
	}
	return d.Int64, nil
}

// PutBurst stores a burst found when conversation conv closed: a new
// window is added; a window already stored takes the new count and
// expectation and conv as one more example (up to max).
func (s *Store) PutBurst(ctx context.Context, b analyze.Burst, conv string, max int, now time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var doc string
		err := tx.QueryRowContext(ctx, s.d.q(`SELECT conversations FROM bursts WHERE kind = ? AND value = ? AND window_start = ? AND window_end = ?`),
			b.Topic.Kind, b.Topic.Value, b.WindowStart.UnixMilli(), b.WindowEnd.UnixMilli()).Scan(&doc)
		var ids []string
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("store: put burst: %w", err)
		default:
			if err := json.Unmarshal([]byte(doc), &ids); err != nil {
				return fmt.Errorf("store: burst conversations: %w", err)
			}
		}
		seen := false
		for _, id := range ids {
			seen = seen || id == conv
		}
		if !seen && len(ids) < max {
			ids = append(ids, conv)
		}
		js, _ := json.Marshal(ids)
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO bursts (kind, value, window_start, window_end, count, expected, conversations,
			found_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, value, window_start, window_end) DO UPDATE SET
			count = excluded.count, expected = excluded.expected, conversations = excluded.conversations, updated_at = excluded.updated_at`),
			b.Topic.Kind, b.Topic.Value, b.WindowStart.UnixMilli(), b.WindowEnd.UnixMilli(), b.Count, b.Expected, string(js),
			now.UnixMilli(), now.UnixMilli()); err != nil {
			return fmt.Errorf("store: put burst: %w", err)
		}
		return nil
	})
}

// ListBursts returns the bursts whose window ends after since, latest
// window first, at most limit.
func (s *Store) ListBursts(ctx context.Context, since time.Time, limit int) ([]analyze.Burst, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.r.QueryContext(ctx, s.d.q(`SELECT kind, value, window_start, window_end, count, expected, conversations FROM bursts
		WHERE window_end > ? ORDER BY window_start DESC, kind, value LIMIT ?`), since.UnixMilli(), limit)
	if err != nil {
		return nil, fmt.Errorf("store: list bursts: %w", err)
	}
	defer rows.Close()
	var out []analyze.Burst
	for rows.Next() {
		var b analyze.Burst
		var start, end int64
		var doc string
		if err := rows.Scan(&b.Topic.Kind, &b.Topic.Value, &start, &end, &b.Count, &b.Expected, &doc); err != nil {
			return nil, fmt.Errorf("store: list bursts: %w", err)
		}
		b.WindowStart, b.WindowEnd = time.UnixMilli(start), time.UnixMilli(end)
		if err := json.Unmarshal([]byte(doc), &b.Conversations); err != nil {
			return nil, fmt.Errorf("store: burst conversations: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
