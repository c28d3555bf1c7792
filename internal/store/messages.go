package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"fullqa/internal/conversation"
)

// Event is one streamed record: a message of a conversation, or the close
// of a conversation (Close set, only ConversationID used).
type Event struct {
	ConversationID string
	Close          bool
	MessageID      string
	Message        conversation.Message
	// Conversation fields a message may carry; the first non-empty value
	// wins, order ids and SKUs accumulate.
	Channel, Customer, Shop, Vendor string
	OrderIDs, SKUs                  []string
}

// EventOutcome says what one event did.
type EventOutcome int

// The outcomes of AppendEvents.
const (
	MessageAccepted     EventOutcome = iota // appended to its conversation
	MessageDuplicate                        // its message_id was stored before: nothing done
	EventHidden                             // the conversation belongs to another vendor than the caller's scope
	ConversationClosed                      // closed now: queued for the full inspection
	AlreadyClosed                           // a close of a closed conversation: nothing done
	UnknownConversation                     // a close of a conversation never seen
)

// CheckFunc runs the per-message checks on conversation c whose message n
// just arrived and returns the findings about message n. It must be pure
// (the store calls it inside its transaction).
type CheckFunc func(c *conversation.Conversation, n int) []conversation.Finding

// openConv is a conversation being changed by one AppendEvents call.
type openConv struct {
	id      string
	conv    *conversation.Conversation // nil until a message needs it (a close does not)
	raw     []byte                     // the stored document, decoded on demand
	exists  bool
	hidden  bool
	state   string
	changed bool // content changed (messages or metadata)
	touched bool // state or content changed: write the row
}

// AppendEvents applies streamed events in order in one transaction:
// messages are appended to their conversation (created open on the first
// one) unless their message_id is known; a closed conversation that gets a
// new message opens again; a close closes it, which queues it for the
// full inspection (PendingConversations). check runs for each new message
// and its findings are stored as SourceMessage findings. Everything is
// committed when it returns nil, so a resend after a crash neither loses
// nor duplicates a message.
func (s *Store) AppendEvents(ctx context.Context, scope string, evs []Event, now time.Time, check CheckFunc, audit *AuditEntry) ([]EventOutcome, []Finding, error) {
	outs := make([]EventOutcome, len(evs))
	var found []Finding
	err := s.tx(ctx, func(tx *sql.Tx) error {
		found = found[:0]
		w, err := s.newConvWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		dupStmt, err := tx.PrepareContext(ctx, s.d.q(`SELECT 1 FROM messages WHERE message_id = ?`))
		if err != nil {
			return fmt.Errorf("store: prepare: %w", err)
		}
		defer dupStmt.Close()
		convs := map[string]*openConv{}
		var order []string
		seen := map[string]bool{}
		type msgRow struct {
			id, conv string
			n        int
		}
		var rows []msgRow
		var fs []Finding
		for i := range evs {
			ev := &evs[i]
			oc, err := s.loadOpen(ctx, tx, convs, &order, ev.ConversationID, scope)
			if err != nil {
				return err
			}
			switch {
			case oc.hidden:
				outs[i] = EventHidden
			case ev.Close && !oc.exists && len(oc.conv.Messages) == 0: // conv is set for new ones
				outs[i] = UnknownConversation
			case ev.Close && oc.state == StateClosed:
				outs[i] = AlreadyClosed
			case ev.Close:
				oc.state, oc.touched = StateClosed, true
				outs[i] = ConversationClosed
			default:
				var one int
				err := dupStmt.QueryRowContext(ctx, ev.MessageID).Scan(&one)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("store: message %q: %w", ev.MessageID, err)
				}
				if err == nil || seen[ev.MessageID] {
					outs[i] = MessageDuplicate
					continue
				}
				seen[ev.MessageID] = true
				c, err := oc.load()
				if err != nil {
					return err
				}
				mergeMeta(c, ev)
				c.Messages = append(c.Messages, ev.Message)
				n := len(c.Messages) - 1
				oc.state, oc.changed, oc.touched = StateOpen, true, true
				rows = append(rows, msgRow{ev.MessageID, c.ID, n})
				if check != nil {
					if mf := check(c, n); len(mf) > 0 {
						fs = append(fs, NewFindings(c, mf, SourceMessage, now)...)
					}
				}
				outs[i] = MessageAccepted
			}
		}
		for _, id := range order {
			oc := convs[id]
			if !oc.touched {
				continue
			}
			if err := w.putStreamed(ctx, oc, now); err != nil {
				return err
			}
		}
		ins, err := tx.PrepareContext(ctx, s.d.q(`INSERT INTO messages (message_id, conversation_id, n, received_at) VALUES (?, ?, ?, ?)`))
		if err != nil {
			return fmt.Errorf("store: prepare: %w", err)
		}
		defer ins.Close()
		for _, r := range rows {
			if _, err := ins.ExecContext(ctx, r.id, r.conv, r.n, now.UnixMilli()); err != nil {
				return fmt.Errorf("store: message %q: %w", r.id, err)
			}
		}
		for i := range fs {
			if err := w.addFindingRow(ctx, &fs[i]); err != nil {
				return err
			}
		}
		found = fs
		if audit != nil {
			return s.writeAudit(ctx, tx, *audit)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return outs, found, nil
}

// loadOpen returns the conversation an event is for, from this call's
// cache or the store; a new one starts empty and open. order lists the
// ids in the order first met.
func (s *Store) loadOpen(ctx context.Context, tx *sql.Tx, convs map[string]*openConv, order *[]string, id, scope string) (*openConv, error) {
	if oc, ok := convs[id]; ok {
		return oc, nil
	}
	oc := &openConv{id: id, conv: &conversation.Conversation{ID: id}, state: StateOpen}
	var doc, vendor, state string
	err := tx.QueryRowContext(ctx, s.d.q(`SELECT doc, vendor, state FROM conversations WHERE id = ?`), id).Scan(&doc, &vendor, &state)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, fmt.Errorf("store: load conversation %q: %w", id, err)
	case scope != "" && vendor != scope:
		oc.exists, oc.hidden = true, true
	default:
		oc.conv, oc.raw, oc.exists, oc.state = nil, []byte(doc), true, state
	}
	convs[id] = oc
	*order = append(*order, id)
	return oc, nil
}

// load decodes the stored conversation the first time it is needed.
func (oc *openConv) load() (*conversation.Conversation, error) {
	if oc.conv == nil {
		c, err := DecodeConversation(oc.raw)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		oc.conv, oc.raw = c, nil
	}
	return oc.conv, nil
}

// mergeMeta fills the conversation's empty fields from a message event.
func mergeMeta(c *conversation.Conversation, ev *Event) {
	for _, f := range [...]struct {
		dst *string
		v   string
	}{
		{&c.Channel, ev.Channel}, {&c.Customer, ev.Customer}, {&c.Shop, ev.Shop}, {&c.Vendor, ev.Vendor},
	} {
		if *f.dst == "" {
			*f.dst = f.v
		}
	}
	for _, o := range ev.OrderIDs {
		if !slices.Contains(c.OrderIDs, o) {
			c.OrderIDs = append(c.OrderIDs, o)
		}
	}
	for _, k := range ev.SKUs {
		if !slices.Contains(c.SKUs, k) {
			c.SKUs = append(c.SKUs, k)
		}
	}
}

// putStreamed writes a streamed conversation's row: the whole row when
// its content changed (its arrival time, which close_after counts from,
// moves then only), else just its state.
func (w *convWriter) putStreamed(ctx context.Context, oc *openConv, now time.Time) error {
	if oc.changed || !oc.exists {
		doc, err := EncodeConversation(oc.conv)
		if err != nil {
			return err
		}
		return w.putConversation(ctx, oc.conv, doc, ContentHash(doc), oc.state, now, oc.exists)
	}
	if _, err := w.tx.ExecContext(ctx, w.d.q(`UPDATE conversations SET state = ?, updated_at = ? WHERE id = ?`), oc.state, now.UnixMilli(), oc.id); err != nil {
		return fmt.Errorf("store: close %q: %w", oc.id, err)
	}
	return nil
}

// CloseIdle closes open conversations that received nothing since cutoff
// and returns how many; they are then pending the full inspection.
func (s *Store) CloseIdle(ctx context.Context, cutoff, now time.Time) (int, error) {
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.d.q(`UPDATE conversations SET state = ?, updated_at = ? WHERE state = ? AND received_at < ?`),
			StateClosed, now.UnixMilli(), StateOpen, cutoff.UnixMilli())
		if err != nil {
			return fmt.Errorf("store: close idle: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// PendingConversations returns up to limit closed conversations whose
// current content has not been inspected, oldest change first.
func (s *Store) PendingConversations(ctx context.Context, limit int) ([]*Conversation, error) {
	rows, err := s.r.QueryContext(ctx, s.d.q(`SELECT `+convColumns+` FROM conversations
		WHERE state = 'closed' AND inspected_hash <> content_hash ORDER BY received_at LIMIT ?`), limit)
	if err != nil {
		return nil, fmt.Errorf("store: pending: %w", err)
	}
	defer rows.Close()
	var out []*Conversation
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, fmt.Errorf("store: pending: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Inspection is one full inspection to store with PutInspections.
type Inspection struct {
	ID, Hash string // the conversation and the content inspected
	Result   *Result
	Findings []Finding
	Across   *Across
}

// PutInspections stores full inspections of closed conversations in one
// transaction (one commit, so one sync to disk, for the batch), each
// replacing its conversation's findings, unless the conversation changed
// or opened again meanwhile: stored[i] is false then (the newer content
// will be inspected in its turn) or when it was deleted meanwhile.
func (s *Store) PutInspections(ctx context.Context, ins []Inspection, now time.Time) (stored []bool, err error) {
	stored = make([]bool, len(ins))
	err = s.tx(ctx, func(tx *sql.Tx) error {
		clear(stored)
		cur, err := tx.PrepareContext(ctx, s.d.q(`SELECT content_hash, state, inspected_hash FROM conversations WHERE id = ?`))
		if err != nil {
			return fmt.Errorf("store: prepare: %w", err)
		}
		defer cur.Close()
		w, err := s.newConvWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		rb := newResultsBulk(tx)
		for i := range ins {
			in := &ins[i]
			var hash, state, done string
			err := cur.QueryRowContext(ctx, in.ID).Scan(&hash, &state, &done)
			if errors.Is(err, sql.ErrNoRows) {
				continue // deleted meanwhile (retention)
			}
			if err != nil {
				return fmt.Errorf("store: put inspection %q: %w", in.ID, err)
			}
			if hash != in.Hash || state != StateClosed || done == in.Hash {
				continue
			}
			// Old findings go now; results and new findings are written
			// together below.
			if _, err := w.delFindings.ExecContext(ctx, in.ID); err != nil {
				return fmt.Errorf("store: put inspection %q: %w", in.ID, err)
			}
			if _, err := w.count.ExecContext(ctx, in.Hash, in.ID); err != nil {
				return fmt.Errorf("store: put inspection %q: %w", in.ID, err)
			}
			if err := rb.add(in.ID, in.Hash, in.Result, in.Findings, now); err != nil {
				return err
			}
			if err := s.putAcross(ctx, tx, in.ID, in.Across, true); err != nil {
				return err
			}
			stored[i] = true
		}
		return rb.flush(ctx)
	})
	if err != nil {
		return nil, err
	}
	return stored, nil
}
