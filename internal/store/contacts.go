package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"fullqa/internal/analyze"
)

// Across is what the across-conversation analyzers keep of one inspected
// conversation, stored with it in PutConversations: its contact (nil when
// it has no buyer id or no time), its due-tracked promises (kept for the
// due lists even when it cannot be linked), its burst topics in its hour
// (analyze.HourIndex; none without a time), and the promises its
// promise.unkept findings reported.
type Across struct {
	Contact  *analyze.Contact
	Promises []analyze.Promise
	Vendor   string
	Shop     string
	Customer string
	Topics   []analyze.Topic
	Hour     int32
	Unkept   []PromiseRef
}

// PromiseRef names a promise: the conversation and message it was made in.
type PromiseRef struct {
	ConvID string
	Msg    int
}

// putAcross replaces the contact, promises and topics of conversation id
// and keeps the topic counts in step (an updated conversation's old topics
// are taken off first, so it is counted once). existed says whether the
// conversation was stored before; a new one has nothing to take off. The
// topics go in with one multi-row statement per table, so a conversation
// costs a handful of statements whatever its topics.
func (s *Store) putAcross(ctx context.Context, tx *sql.Tx, id string, a *Across, existed bool) error {
	exec := func(q string, args ...any) error {
		if _, err := tx.ExecContext(ctx, s.d.q(q), args...); err != nil {
			return fmt.Errorf("store: across %q: %w", id, err)
		}
		return nil
	}
	if existed {
		if err := s.takeOffTopics(ctx, tx, id); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM contact_topics WHERE conversation_id = ?`, `DELETE FROM contacts WHERE conversation_id = ?`,
			`DELETE FROM promises WHERE conversation_id = ?`} {
			if err := exec(q, id); err != nil {
				return err
			}
		}
	}
	if a == nil {
		return nil
	}
	if len(a.Topics) > 0 {
		all := append([]analyze.Topic{{}}, a.Topics...) // the empty topic: all traffic
		rows := strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?),", len(all)), ",")
		var ct, th, td []any
		day := floorDay(int64(a.Hour))
		for _, t := range all {
			ct = append(ct, id, t.Kind, t.Value, int64(a.Hour))
			th = append(th, t.Kind, t.Value, int64(a.Hour), 1)
			td = append(td, t.Kind, t.Value, day, 1)
		}
		if err := exec(`INSERT INTO contact_topics (conversation_id, kind, value, hour) VALUES `+rows+` ON CONFLICT DO NOTHING`, ct...); err != nil {
			return err
		}
		if err := exec(`INSERT INTO topic_hours (kind, value, hour, n) VALUES `+rows+`
			ON CONFLICT (kind, value, hour) DO UPDATE SET n = topic_hours.n + 1`, th...); err != nil {
			return err
		}
		if err := exec(`INSERT INTO topic_days (kind, value, day, n) VALUES `+rows+`
			ON CONFLICT (kind, value, day) DO UPDATE SET n = topic_days.n + 1`, td...); err != nil {
			return err
		}
	}
	if c := a.Contact; c != nil {
		if err := exec(`INSERT INTO contacts (conversation_id, shop, customer, started_at, ended_at, orders, skus, scenes,
			unresolved, ending, ending_msg, not_kept_msg) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, c.Shop, c.Customer, c.Start.UnixMilli(), c.End.UnixMilli(), jsonList(c.Orders), jsonList(c.SKUs),
			jsonList(c.Scenes), c.Unresolved, c.Ending, c.EndingMsg, c.NotKeptMsg); err != nil {
			return err
		}
	}
	for _, p := range a.Promises {
		if err := exec(`INSERT INTO promises (conversation_id, message_n, made_at, due_at, event, text, agent, vendor, shop, customer)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, id, p.Msg, p.Made.UnixMilli(), p.Due.UnixMilli(),
			p.Event, p.Text, p.Agent, a.Vendor, a.Shop, a.Customer); err != nil {
			return err
		}
	}
	for _, p := range a.Unkept {
		if err := exec(`UPDATE promises SET unkept_by = ? WHERE conversation_id = ? AND message_n = ? AND unkept_by = ''`, id, p.ConvID, p.Msg); err != nil {
			return err
		}
	}
	return nil
}

// takeOffTopics subtracts a stored conversation's topics from the counts.
func (s *Store) takeOffTopics(ctx context.Context, tx *sql.Tx, id string) error {
	rows, err := tx.QueryContext(ctx, s.d.q(`SELECT kind, value, hour FROM contact_topics WHERE conversation_id = ?`), id)
	if err != nil {
		return fmt.Errorf("store: across %q: %w", id, err)
	}
	type old struct {
		kind, value string
		hour        int64
	}
	var olds []old
	for rows.Next() {
		var o old
		if err := rows.Scan(&o.kind, &o.value, &o.hour); err != nil {
			rows.Close()
			return fmt.Errorf("store: across %q: %w", id, err)
		}
		olds = append(olds, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: across %q: %w", id, err)
	}
	for _, o := range olds {
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE topic_hours SET n = n - 1 WHERE kind = ? AND value = ? AND hour = ?`), o.kind, o.value, o.hour); err != nil {
			return fmt.Errorf("store: across %q: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE topic_days SET n = n - 1 WHERE kind = ? AND value = ? AND day = ?`), o.kind, o.value, floorDay(o.hour)); err != nil {
			return fmt.Errorf("store: across %q: %w", id, err)
		}
	}
	return nil
}

func jsonList(xs []string) string {
	if len(xs) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(xs)
	return string(b)
}

func floorDay(hour int64) int64 {
	d := hour / 24
	if hour%24 != 0 && hour < 0 {
		d--
	}
	return d
}

// Earlier implements analyze.History over the contacts table: one indexed
// range read on (shop, customer, started_at), newest first, at most limit
// rows, and one read of those contacts' promises.
func (s *Store) Earlier(ctx context.Context, shop, customer string, from, before time.Time, limit int) ([]analyze.Contact, error) {
	rows, err := s.r.QueryContext(ctx, s.d.q(`SELECT conversation_id, started_at, ended_at, orders, skus, scenes, unresolved, ending,
		ending_msg, not_kept_msg FROM contacts WHERE shop = ? AND customer = ? AND started_at >= ? AND started_at < ?
		ORDER BY started_at DESC LIMIT ?`), shop, customer, from.UnixMilli(), before.UnixMilli(), limit)
	if err != nil {
		return nil, fmt.Errorf("store: earlier contacts: %w", err)
	}
	defer rows.Close()
	var out []analyze.Contact
	for rows.Next() {
		c := analyze.Contact{Shop: shop, Customer: customer, FirstMsg: -1}
		var start, end int64
		var orders, skus, scenes string
		if err := rows.Scan(&c.ID, &start, &end, &orders, &skus, &scenes, &c.Unresolved, &c.Ending, &c.EndingMsg, &c.NotKeptMsg); err != nil {
			return nil, fmt.Errorf("store: earlier contacts: %w", err)
		}
		c.Start, c.End = time.UnixMilli(start), time.UnixMilli(end)
		for _, p := range []struct {
			s   string
			dst *[]string
		}{{orders, &c.Orders}, {skus, &c.SKUs}, {scenes, &c.Scenes}} {
			if err := json.Unmarshal([]byte(p.s), p.dst); err != nil {
				return nil, fmt.Errorf("store: contact %q: %w", c.ID, err)
			}
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: earlier contacts: %w", err)
	}
	rows.Close()
	if len(out) == 0 {
		return nil, nil
	}
	idx := make(map[string]int, len(out))
	args := make([]any, len(out))
	for i := range out {
		idx[out[i].ID] = i
		args[i] = out[i].ID
	}
	prows, err := s.r.QueryContext(ctx, s.d.q(`SELECT conversation_id, message_n, made_at, due_at, event, text, agent FROM promises
		WHERE conversation_id IN (?`+strings.Repeat(",?", len(out)-1)+`) ORDER BY conversation_id, message_n`), args...)
	if err != nil {
		return nil, fmt.Errorf("store: earlier promises: %w", err)
	}
	defer prows.Close()
	for prows.Next() {
		var p analyze.Promise
		var made, due int64
		if err := prows.Scan(&p.ConvID, &p.Msg, &made, &due, &p.Event, &p.Text, &p.Agent); err != nil {
			return nil, fmt.Errorf("store: earlier promises: %w", err)
		}
		p.Made, p.Due = time.UnixMilli(made), time.UnixMilli(due)
		c := &out[idx[p.ConvID]]
		c.Promises = append(c.Promises, p)
	}
	return out, prows.Err()
}
