package ingest

import (
	"fmt"
	"time"
)

// sessions is the grouping of rows into conversations that both
// sessionizers share (sessionizer, whose conversations hold messages, and
// csvSessions, whose hold a CSV's records for the workers to parse): which
// conversations are open, in what order they opened, the silence gap and
// how conversations close. Each keeps its own rows and its own release.
// C is the sessionizer's conversation type, a pointer holding a
// sessionConv.
type sessions[C grouped] struct {
	gap    time.Duration
	byID   bool
	open   map[string]C
	order  []C            // open and closed-but-unreleased, in order of opening
	closed *idWindow      // recently closed ids → their first line, to catch late rows
	seq    map[string]int // customer → sessions cut so far
	cur    time.Time      // the latest row's time: where the input is now
	rows   int            // rows added so far
}

// grouped is a conversation of a sessions: its sessionConv.
type grouped interface {
	session() *sessionConv
}

// sessionConv is what sessions knows of one conversation: its key, where
// it began, the times of its rows and when its last row came.
type sessionConv struct {
	key    string
	first  int       // its first row's line
	prev   time.Time // the time of the last row with one
	min    time.Time // earliest and latest message times
	last   time.Time
	row    int // sessions.rows when its last row came
	closed bool
}

func newSessions[C grouped](gap time.Duration, byID bool) sessions[C] {
	return sessions[C]{gap: gap, byID: byID, open: map[string]C{}, closed: newIDWindow(maxRememberedIDs), seq: map[string]int{}}
}

// gapBefore reports whether a row at time at (zero: none) comes more than
// gap after or before the conversation's last row with a time: a silence
// that starts a new session of the customer. The gap is measured from
// the previous row either way, so a newest-first export is cut into the
// same sessions.
func (sc *sessionConv) gapBefore(at time.Time, gap time.Duration) bool {
	return !at.IsZero() && !sc.prev.IsZero() && absDur(at.Sub(sc.prev)) > gap
}

// timed notes the time of a row of the conversation (not zero).
func (sc *sessionConv) timed(at time.Time) {
	sc.prev = at
	if sc.last.IsZero() || at.After(sc.last) {
		sc.last = at
	}
	if sc.min.IsZero() || at.Before(sc.min) {
		sc.min = at
	}
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// sessionID is the id of a new conversation of key: the key itself with
// conversation ids, else the customer's next session, customer#n.
func (s *sessions[C]) sessionID(key string) string {
	if s.byID {
		return key
	}
	s.seq[key]++
	base := key
	if base == "" {
		base = "session"
	}
	return fmt.Sprintf("%s#%d", base, s.seq[key])
}

// opened adds a new conversation, open, at the end of the order.
func (s *sessions[C]) opened(oc C) {
	s.open[oc.session().key] = oc
	s.order = append(s.order, oc)
}

// continuedError is the error of a row whose conversation id was closed
// before it came (it began on line first). It names no file: the table
// reader never did (its message reads ":line: id: …"), and the output
// stays the same.
func continuedError(key string, line int, first int64, raw []byte) *RecordError {
	return &RecordError{File: "", Line: line, Field: "id", Raw: raw,
		Msg: fmt.Sprintf("conversation %q continues after it was closed (it began on line %d); sort the export by conversation or raise the gap", key, first)}
}

// closeIdle closes conversations more than a gap away from where the
// input is now: whose last message is a gap before the latest row's time
// (a time-ordered export) or whose first message is a gap after it (a
// newest-first one).
// Conversations without times close after idleRows rows without a row of
// theirs.
func (s *sessions[C]) closeIdle() {
	for _, oc := range s.open {
		sc := oc.session()
		switch {
		case sc.last.IsZero():
			if s.rows-sc.row > idleRows {
				s.close(oc)
			}
		case !s.cur.IsZero() && (s.cur.Sub(sc.last) > s.gap || sc.min.Sub(s.cur) > s.gap):
			s.close(oc)
		}
	}
}

// close closes a conversation: later rows of its key start a new one or,
// with ids, are rejected as continuing it after it closed.
func (s *sessions[C]) close(oc C) {
	sc := oc.session()
	sc.closed = true
	delete(s.open, sc.key)
	if s.byID {
		s.closed.add(sc.key, int64(sc.first))
	}
}

// closeAll closes every conversation still open: the input is over.
func (s *sessions[C]) closeAll() {
	for _, oc := range s.order {
		if !oc.session().closed {
			s.close(oc)
		}
	}
}
