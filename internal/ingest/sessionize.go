package ingest

import (
	"bytes"
	"fmt"
	"time"

	"fullqa/internal/conversation"
)

// sessionizer groups message rows into conversations. With conversation
// ids, rows are grouped by id in order of first appearance. Without them,
// rows are grouped by customer, and a customer's silence longer than the gap
// starts a new conversation, named customer#n.
//
// Output keeps input order: a conversation is released once every
// conversation opened before it is closed. Conversations close at the end of
// the input, (when rows carry times) when the newest row seen is more than a
// gap after their last message, and (when they have no times) when no row
// of theirs came in the last idleRows rows. That keeps memory bounded: an
// export without a time column no longer holds every conversation open to
// the end (a 45 MB CSV took 1.45 GB).
type sessionizer struct {
	sessions[*openConv]
	out   []result
	times orderCheck
	name  string // file name, for time-order errors
	// comma encodes the rows a table reader hands over as fields (see
	// openConv.rows); 0 when rows come as bytes.
	comma rune
	// encodeRows encodes every row as it comes, as the reader did before
	// rows waited as fields: the reference FuzzTableRaw holds the lazy
	// encoding to.
	encodeRows bool
}

type openConv struct {
	sessionConv
	c     *conversation.Conversation
	lines []rowAt // each message's line, for time-order errors
	err   *RecordError
	// raw is the conversation's rows as the reject file takes them. A
	// table's rows come as fields and wait in rows, unencoded, for the
	// first reject (rawBytes): encoding every row as CSV again, for the
	// few conversations ever rejected, was a sixth of reading a table on
	// its one goroutine when CSV still came this way (it now comes through
	// csvReader; xlsx rows still do). The first pending rows of lines are those in
	// rows; once anything is encoded, all later rows are too, so raw
	// keeps the rows' order.
	raw     []byte
	rows    []string
	pending int  // rows (lines) waiting in rows
	encoded bool // rows are encoded as they come
	// lineRoom and rowRoom are lines' and rows' first room, in the one
	// allocation of the openConv: a typical chat's rows fit.
	lineRoom [16]rowAt
	rowRoom  [128]string
}

func (oc *openConv) session() *sessionConv { return &oc.sessionConv }

// rowAt is where one message's row is: its line and, for a row waiting
// unencoded in openConv.rows, its number of fields.
type rowAt struct {
	line   int
	fields int
}

// rawBytes encodes the rows still waiting as fields and returns the
// conversation's raw rows; later rows are encoded as they come.
func (oc *openConv) rawBytes(comma rune) []byte {
	at := 0
	for _, r := range oc.lines[:oc.pending] {
		oc.raw = append(append(oc.raw, csvLine(oc.rows[at:at+r.fields], comma)...), '\n')
		at += r.fields
	}
	oc.rows, oc.pending, oc.encoded = nil, 0, true
	return oc.raw
}

// idleRows is how many rows may pass without one of an untimed
// conversation before it is closed. Exports list a conversation's rows
// together or interleaved with the few chats open at the same time, far
// closer than this; a row that comes later anyway is reported as a
// conversation continued after it was closed (with ids) or starts a new
// session of its customer (without). It bounds what an untimed export
// holds in memory to about this many rows.
const idleRows = 50_000

func newSessionizer(name string, gap time.Duration, byID, sortByTime bool) *sessionizer {
	return &sessionizer{sessions: newSessions[*openConv](gap, byID), name: name, times: orderCheck{sort: sortByTime}}
}

// add appends one message to its conversation. Its row is raw or, from a
// table reader, fields (raw nil), encoded only if a reject needs it. raw
// is copied, never kept; fields' strings are kept, not the slice.
func (s *sessionizer) add(key string, line int, raw []byte, fields []string, m conversation.Message, init func(*conversation.Conversation), customer, sku, order string) {
	if !s.byID {
		key = customer // "" groups everything without a customer together
	}
	oc := s.open[key]
	if oc != nil && !s.byID && oc.gapBefore(m.At, s.gap) {
		s.close(oc) // silence gap: this row starts a new conversation
		oc = nil
	}
	if oc == nil {
		if first, done := s.closed.seen(key); done && s.byID {
			if fields != nil {
				raw = csvLine(fields, s.comma)
			}
			s.reject(continuedError(key, line, first, bytes.Clone(raw)))
			return
		}
		// Room for a typical chat's rows from the start: growing three
		// slices row by row was a quarter of reading a table. The raw
		// bytes' room is capped: 16 times one long first row (a pasted
		// log, a base64 image) would be reserved for every open chat.
		c := &conversation.Conversation{ID: key, Messages: make([]conversation.Message, 0, 16)}
		init(c)
		c.ID = s.sessionID(key)
		oc = &openConv{sessionConv: sessionConv{key: key, first: line}, c: c, encoded: s.encodeRows}
		oc.lines = oc.lineRoom[:0]
		if fields != nil {
			if oc.rows = oc.rowRoom[:0]; 16*len(fields) > len(oc.rowRoom) {
				oc.rows = make([]string, 0, 16*len(fields))
			}
		} else {
			oc.raw = make([]byte, 0, min(16*len(raw), 4<<10))
		}
		s.opened(oc)
	}
	at := rowAt{line: line}
	switch {
	case fields == nil:
		oc.raw = append(append(oc.raw, raw...), '\n')
	case oc.encoded:
		oc.raw = append(append(oc.raw, csvLine(fields, s.comma)...), '\n')
	default:
		oc.rows = append(oc.rows, fields...)
		oc.pending++
		at.fields = len(fields)
	}
	if m.HasTime() {
		s.cur = m.At
		oc.timed(m.At)
	}
	oc.lines = append(oc.lines, at)
	oc.row = s.rows
	if sku != "" && !contains(oc.c.SKUs, sku) {
		oc.c.SKUs = append(oc.c.SKUs, sku)
	}
	if order != "" && !contains(oc.c.OrderIDs, order) {
		oc.c.OrderIDs = append(oc.c.OrderIDs, order)
	}
	oc.c.Messages = append(oc.c.Messages, m)
	s.rows++
	if s.rows%1024 == 0 {
		s.closeIdle()
	}
	s.release()
}

// reject records a bad row. Inside an open conversation identified by id it
// rejects that conversation (to keep message numbers true); otherwise it is
// reported on its own, in order.
func (s *sessionizer) reject(e *RecordError) {
	s.out = append(s.out, result{err: e})
}

// rejectIn records a bad row that belongs to the conversation of key (its
// id, or its customer when rows have no id). The whole conversation is
// rejected when it closes, with all its rows, because accepting the rest
// would renumber its messages. A row whose conversation cannot be told is
// rejected on its own.
func (s *sessionizer) rejectIn(key string, e *RecordError) {
	oc := s.open[key]
	if oc == nil && s.byID && key != "" {
		if _, done := s.closed.seen(key); !done {
			oc = &openConv{sessionConv: sessionConv{key: key, first: e.Line}, c: &conversation.Conversation{ID: key}, encoded: s.encodeRows}
			s.opened(oc)
		}
	}
	if oc == nil {
		s.reject(e)
		return
	}
	if oc.err == nil {
		oc.err = e
	}
	oc.raw = append(append(oc.rawBytes(s.comma), e.Raw...), '\n')
}

// release moves closed conversations at the head of the order to the output.
func (s *sessionizer) release() {
	i := 0
	for ; i < len(s.order) && s.order[i].closed; i++ {
		oc := s.order[i]
		if oc.err != nil {
			e := *oc.err
			e.Raw = oc.rawBytes(s.comma)
			e.Msg += fmt.Sprintf(" (conversation %q rejected whole to keep message numbers true)", oc.c.ID)
			s.out = append(s.out, result{err: &e})
			continue
		}
		if i, msg := s.times.apply(oc.c); i >= 0 {
			s.out = append(s.out, result{err: &RecordError{File: s.name, Line: oc.lines[i].line, Field: "time", Raw: oc.rawBytes(s.comma),
				Msg: msg + fmt.Sprintf(" (conversation %q rejected whole to keep message numbers true)", oc.c.ID)}})
			continue
		}
		s.out = append(s.out, result{c: oc.c})
	}
	if i > 0 {
		s.order = append(s.order[:0], s.order[i:]...)
	}
}

// flushAll closes every conversation (the input is over) and releases them.
func (s *sessionizer) flushAll() {
	s.closeAll()
	s.release()
}

func (s *sessionizer) pop() (*conversation.Conversation, error, bool) {
	if len(s.out) == 0 {
		return nil, nil, false
	}
	r := s.out[0]
	s.out = s.out[1:]
	return r.c, r.err, true
}
