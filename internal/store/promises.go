package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Promise is one due-tracked time promise (promise.made with a time slot)
// as the service keeps it.
type Promise struct {
	ConversationID string
	Message        int
	Made, Due      time.Time
	Event          string // ship, deliver, refund, contact or other
	Text           string
	Agent, Vendor  string
	Shop, Customer string
	// UnkeptBy is the later conversation whose promise.unkept reported
	// it, "" while none has.
	UnkeptBy string
}

// PromiseFilter selects promises by due time (DueAfter <= due < DueBefore)
// and owner; empty fields do not filter. Scope is the caller's vendor.
type PromiseFilter struct {
	Scope               string
	Vendor, Agent, Shop string
	DueAfter, DueBefore time.Time
	Limit               int
}

// ListPromises returns promises by due time, earliest first.
func (s *Store) ListPromises(ctx context.Context, f PromiseFilter) ([]Promise, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if f.Scope != "" {
		add("vendor = ?", f.Scope)
	}
	if f.Vendor != "" {
		add("vendor = ?", f.Vendor)
	}
	if f.Agent != "" {
		add("agent = ?", f.Agent)
	}
	if f.Shop != "" {
		add("shop = ?", f.Shop)
	}
	if !f.DueAfter.IsZero() {
		add("due_at >= ?", f.DueAfter.UnixMilli())
	}
	if !f.DueBefore.IsZero() {
		add("due_at < ?", f.DueBefore.UnixMilli())
	}
	q := `SELECT conversation_id, message_n, made_at, due_at, event, text, agent, vendor, shop, customer, unkept_by FROM promises`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	q += " ORDER BY due_at, conversation_id, message_n LIMIT ?"
	args = append(args, limit)
	rows, err := s.r.QueryContext(ctx, s.d.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: list promises: %w", err)
	}
	defer rows.Close()
	var out []Promise
	for rows.Next() {
		var p Promise
		var made, due int64
		if err := rows.Scan(&p.ConversationID, &p.Message, &made, &due, &p.Event, &p.Text, &p.Agent, &p.Vendor, &p.Shop,
			&p.Customer, &p.UnkeptBy); err != nil {
			return nil, fmt.Errorf("store: list promises: %w", err)
		}
		p.Made, p.Due = time.UnixMilli(made).UTC(), time.UnixMilli(due).UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}
