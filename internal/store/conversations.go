package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"fullqa/internal/conversation"
)

// Conversation states.
const (
	StateOpen   = "open"   // messages are still streaming in
	StateClosed = "closed" // complete: inspected, or waiting for inspection
)

// Conversation is a stored conversation's row: the conversation itself
// (Doc, in canonical JSON) and what the service knows about it.
type Conversation struct {
	ID, Channel, Shop, Vendor, Customer string
	StartedAt, LastAt                   time.Time // first and last message time; zero without timestamps
	Messages                            int
	Doc                                 []byte
	Hash                                string
	State                               string
	ReceivedAt                          time.Time // last change of content, server clock (for close_after)
	CreatedAt, UpdatedAt                time.Time
	InspectedHash                       string // content the stored result is of; "" before any
	Inspections                         int    // full inspections so far
}

// Outcome says what storing one conversation did.
type Outcome int

// The outcomes of PutConversations, as the ingestion API reports them.
const (
	Accepted  Outcome = iota // new conversation
	Updated                  // same id, different content: replaced and re-inspected
	Unchanged                // same id and content: nothing written
	Hidden                   // the id belongs to another vendor than the caller's scope
)

// Put is one complete conversation to store with its inspection result.
type Put struct {
	Conv     *conversation.Conversation
	Doc      []byte // EncodeConversation(Conv)
	Hash     string // ContentHash(Doc)
	Result   Result
	Findings []Finding
	// Across is what the across-conversation analyzers keep of it (contact,
	// promises, burst topics); nil keeps nothing.
	Across *Across
}

// Known is what the store holds about an id, for deciding before the
// expensive inspection whether a conversation changed.
type Known struct {
	Hash, Vendor string
}

// KnownConversations returns the content hash and vendor of those ids that
// are stored.
func (s *Store) KnownConversations(ctx context.Context, ids []string) (map[string]Known, error) {
	return s.known(ctx, s.r, ids)
}

// querier is what both a database and a transaction answer, so a read can
// run inside a write transaction or on its own.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// known reads the stored hash and vendor of ids, 500 at a time.
func (s *Store) known(ctx context.Context, q querier, ids []string) (map[string]Known, error) {
	out := make(map[string]Known, len(ids))
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := q.QueryContext(ctx, s.d.q(`SELECT id, content_hash, vendor FROM conversations WHERE id IN (?`+strings.Repeat(",?", len(chunk)-1)+`)`), args...)
		if err != nil {
			return nil, fmt.Errorf("store: known conversations: %w", err)
		}
		for rows.Next() {
			var id string
			var k Known
			if err := rows.Scan(&id, &k.Hash, &k.Vendor); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: known conversations: %w", err)
			}
			out[id] = k
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: known conversations: %w", err)
		}
	}
	return out, nil
}

// PutConversations stores complete conversations with their results and
// findings in one transaction: all are committed when it returns nil. A
// conversation whose stored content is the same is Unchanged and not
// written; one whose id another vendor owns is Hidden when scope (the
// caller's vendor, "" for all) is set. The check is repeated inside the
// transaction, so concurrent requests with the same id store it once.
func (s *Store) PutConversations(ctx context.Context, scope string, puts []Put, now time.Time, audit *AuditEntry) ([]Outcome, error) {
	out := make([]Outcome, len(puts))
	err := s.tx(ctx, func(tx *sql.Tx) error {
		ids := make([]string, len(puts))
		for i := range puts {
			ids[i] = puts[i].Conv.ID
		}
		known, err := s.known(ctx, tx, ids)
		if err != nil {
			return err
		}
		w, err := s.newConvWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		write := make([]bool, len(puts))
		existed := make([]bool, len(puts)) // stored before: its across rows are replaced
		for i := range puts {
			p := &puts[i]
			k, exists := known[p.Conv.ID]
			switch {
			case exists && scope != "" && k.Vendor != scope:
				out[i] = Hidden
				continue
			case exists && k.Hash == p.Hash:
				out[i] = Unchanged
				continue
			case exists:
				out[i] = Updated
				// The old keys and findings go; the bulk write adds the new.
				if _, err := w.delKeys.ExecContext(ctx, p.Conv.ID); err != nil {
					return fmt.Errorf("store: put conversation %q: %w", p.Conv.ID, err)
				}
				if _, err := w.delFindings.ExecContext(ctx, p.Conv.ID); err != nil {
					return fmt.Errorf("store: put conversation %q: %w", p.Conv.ID, err)
				}
			default:
				out[i] = Accepted
			}
			write[i], existed[i] = true, exists
			// The same id twice in one call: the second is unchanged or an
			// update of the first.
			known[p.Conv.ID] = Known{Hash: p.Hash, Vendor: p.Conv.Vendor}
		}
		if err := s.putBulk(ctx, tx, puts, write, now); err != nil {
			return err
		}
		for i := range puts {
			if write[i] {
				if err := s.putAcross(ctx, tx, puts[i].Conv.ID, puts[i].Across, existed[i]); err != nil {
					return err
				}
			}
		}
		if audit != nil {
			return s.writeAudit(ctx, tx, *audit)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// convWriter holds the prepared statements of one write transaction.
type convWriter struct {
	tx                             *sql.Tx
	d                              dialect
	upsert, delKeys, addKey        *sql.Stmt
	delFindings, addFinding, count *sql.Stmt
}

func (s *Store) newConvWriter(ctx context.Context, tx *sql.Tx) (*convWriter, error) {
	w := &convWriter{tx: tx, d: s.d}
	for _, p := range []struct {
		st **sql.Stmt
		q  string
	}{
		{&w.upsert, `INSERT INTO conversations (id, channel, shop, vendor, customer, started_at, last_at, n_messages, doc,
			content_hash, state, received_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET channel = excluded.channel, shop = excluded.shop, vendor = excluded.vendor,
			customer = excluded.customer, started_at = excluded.started_at, last_at = excluded.last_at,
			n_messages = excluded.n_messages, doc = excluded.doc, content_hash = excluded.content_hash,
			state = excluded.state, received_at = excluded.received_at, updated_at = excluded.updated_at`},
		{&w.delKeys, `DELETE FROM conversation_keys WHERE conversation_id = ?`},
		{&w.addKey, `INSERT INTO conversation_keys (conversation_id, kind, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`},
		{&w.delFindings, `DELETE FROM findings WHERE conversation_id = ?`},
		{&w.addFinding, `INSERT INTO findings (conversation_id, source, code, severity, message_n, messages, evidence, detail,
			data, vendor, shop, agent, at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&w.count, `UPDATE conversations SET inspected_hash = ?, inspections = inspections + 1 WHERE id = ?`},
	} {
		st, err := tx.PrepareContext(ctx, s.d.q(p.q))
		if err != nil {
			w.close()
			return nil, fmt.Errorf("store: prepare: %w", err)
		}
		*p.st = st
	}
	return w, nil
}

func (w *convWriter) close() {
	for _, st := range []*sql.Stmt{w.upsert, w.delKeys, w.addKey, w.delFindings, w.addFinding, w.count} {
		if st != nil {
			st.Close()
		}
	}
}

// putConversation writes the conversation row and its order/SKU keys.
func (w *convWriter) putConversation(ctx context.Context, c *conversation.Conversation, doc []byte, hash, state string, now time.Time, exists bool) error {
	first, last := span(c)
	if _, err := w.upsert.ExecContext(ctx, c.ID, c.Channel, c.Shop, c.Vendor, c.Customer, ms(first), ms(last),
		len(c.Messages), doc, hash, state, now.UnixMilli(), now.UnixMilli(), now.UnixMilli()); err != nil {
		return fmt.Errorf("store: put conversation %q: %w", c.ID, err)
	}
	if exists {
		if _, err := w.delKeys.ExecContext(ctx, c.ID); err != nil {
			return fmt.Errorf("store: put conversation %q: %w", c.ID, err)
		}
	}
	for _, k := range [...]struct {
		kind string
		vals []string
	}{{"order", c.OrderIDs}, {"sku", c.SKUs}} {
		for _, v := range k.vals {
			if _, err := w.addKey.ExecContext(ctx, c.ID, k.kind, v); err != nil {
				return fmt.Errorf("store: put conversation %q: %w", c.ID, err)
			}
		}
	}
	return nil
}

// scanConversation reads the columns convColumns names.
func scanConversation(row interface{ Scan(...any) error }) (*Conversation, error) {
	var c Conversation
	var started, last, received, created, updated sql.NullInt64
	var doc string
	if err := row.Scan(&c.ID, &c.Channel, &c.Shop, &c.Vendor, &c.Customer, &started, &last, &c.Messages, &doc,
		&c.Hash, &c.State, &received, &created, &updated, &c.InspectedHash, &c.Inspections); err != nil {
		return nil, err
	}
	c.Doc = []byte(doc)
	c.StartedAt, c.LastAt, c.ReceivedAt = fromMS(started), fromMS(last), fromMS(received)
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	return &c, nil
}

const convColumns = `id, channel, shop, vendor, customer, started_at, last_at, n_messages, doc,
	content_hash, state, received_at, created_at, updated_at, inspected_hash, inspections`

// GetConversation returns a stored conversation. With scope set, another
// vendor's conversation is ErrNotFound, so its existence is not revealed.
func (s *Store) GetConversation(ctx context.Context, scope, id string) (*Conversation, error) {
	c, err := scanConversation(s.r.QueryRowContext(ctx, s.d.q(`SELECT `+convColumns+` FROM conversations WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && scope != "" && c.Vendor != scope) {
		return nil, fmt.Errorf("conversation %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get conversation %q: %w", id, err)
	}
	return c, nil
}

// CountConversations counts stored conversations within scope.
func (s *Store) CountConversations(ctx context.Context, scope string) (int, error) {
	q, args := `SELECT COUNT(*) FROM conversations`, []any{}
	if scope != "" {
		q, args = `SELECT COUNT(*) FROM conversations WHERE vendor = ?`, []any{scope}
	}
	var n int
	if err := s.r.QueryRowContext(ctx, s.d.q(q), args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count conversations: %w", err)
	}
	return n, nil
}

// PendingInspections counts closed conversations whose current content
// has no result yet. (The state is written literally so SQLite uses the
// partial index conversations_pending.)
func (s *Store) PendingInspections(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*) FROM conversations WHERE state = 'closed' AND inspected_hash <> content_hash`)).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: pending inspections: %w", err)
	}
	return n, nil
}

// DeleteOlderThan deletes up to limit conversations whose first message
// (or, without timestamps, whose arrival) is before cutoff, with their
// keys, messages, results and findings (ON DELETE CASCADE), and returns
// how many it deleted. Retention calls it in a loop, so each transaction
// stays short and the writer is not held for long.
func (s *Store) DeleteOlderThan(ctx context.Context, cutoff time.Time, limit int) (int, error) {
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM conversations WHERE id IN (SELECT id FROM conversations
			WHERE COALESCE(started_at, created_at) < ? LIMIT ?)`), cutoff.UnixMilli(), limit)
		if err != nil {
			return fmt.Errorf("store: retention: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
