package ingest

import (
	"fmt"
	"strings"
	"time"

	"fullqa/internal/conversation"
)

// Filter keeps the conversations a run is about: those that start inside
// [Since, Until) and belong to one of the vendors, shops or agents named.
// Zero fields do not filter. It is applied to conversations as they are
// read, before inspection, so a filtered run costs only the reading.
type Filter struct {
	Since, Until time.Time
	Vendors      []string
	Shops        []string
	Agents       []string
}

// Active reports whether the filter removes anything.
func (f Filter) Active() bool {
	return !f.Since.IsZero() || !f.Until.IsZero() || len(f.Vendors)+len(f.Shops)+len(f.Agents) > 0
}

// Match reports whether c passes. A conversation's time is its first
// timestamped message; with a time filter, one without timestamps cannot
// be placed and does not pass. The agent filter passes a conversation in
// which any of the agents wrote.
func (f Filter) Match(c *conversation.Conversation) bool {
	if !f.Since.IsZero() || !f.Until.IsZero() {
		var start time.Time
		for i := range c.Messages {
			if c.Messages[i].HasTime() {
				start = c.Messages[i].At
				break
			}
		}
		if start.IsZero() || (!f.Since.IsZero() && start.Before(f.Since)) || (!f.Until.IsZero() && !start.Before(f.Until)) {
			return false
		}
	}
	if len(f.Vendors) > 0 && !contains(f.Vendors, c.Vendor) {
		return false
	}
	if len(f.Shops) > 0 && !contains(f.Shops, c.Shop) {
		return false
	}
	if len(f.Agents) > 0 {
		for i := range c.Messages {
			if c.Messages[i].Role == conversation.RoleAgent && contains(f.Agents, c.Messages[i].Agent) {
				return true
			}
		}
		return false
	}
	return true
}

// Describe says in words which filters apply, for a report's heading;
// empty when none does.
func (f Filter) Describe() string {
	var parts []string
	if !f.Since.IsZero() {
		parts = append(parts, "since "+f.Since.Format("2006-01-02 15:04"))
	}
	if !f.Until.IsZero() {
		parts = append(parts, "until "+f.Until.Format("2006-01-02 15:04"))
	}
	if len(f.Vendors) > 0 {
		parts = append(parts, "vendor "+strings.Join(f.Vendors, ","))
	}
	if len(f.Shops) > 0 {
		parts = append(parts, "shop "+strings.Join(f.Shops, ","))
	}
	if len(f.Agents) > 0 {
		parts = append(parts, "agent "+strings.Join(f.Agents, ","))
	}
	return strings.Join(parts, "; ")
}

// Filtered wraps rd so that it yields only the conversations f matches;
// bad records pass through, so they are still counted and reported. The
// count of conversations left out is added to *skipped.
func Filtered(rd Reader, f Filter, skipped *int) Reader {
	if !f.Active() {
		return rd
	}
	return &filteredReader{wrapped: wrapped{rd}, f: f, skipped: skipped}
}

type filteredReader struct {
	wrapped
	f       Filter
	skipped *int
}

func (r *filteredReader) Next() (*conversation.Conversation, error) {
	for {
		c, err := r.rd.Next()
		if err != nil || r.f.Match(c) {
			return c, err
		}
		*r.skipped++
	}
}

// rawReader is a Reader that can hand out records unparsed (see
// conversation.Raw).
type rawReader interface {
	NextRaw() (conversation.Raw, error)
}

// NextRaw passes the wrapped reader's unparsed records on, with the filter
// applied on the workers and the count of those it leaves out kept in
// input order. A reader that cannot hand out records unparsed gives each
// one parsed.
func (r *filteredReader) NextRaw() (conversation.Raw, error) {
	return r.nextRaw(r.Next, func(raw conversation.Raw) conversation.Raw { return &filteredRaw{Raw: raw, r: r} })
}

// filteredRaw is a record of a filtered reader: Parse leaves out a
// conversation the filter does not match, Settle counts it once the
// wrapped record's own checks have passed, as Next does.
type filteredRaw struct {
	conversation.Raw
	r       *filteredReader
	dropped bool
}

func (f *filteredRaw) Parse() *conversation.Conversation {
	c := f.Raw.Parse()
	if c != nil && !f.r.f.Match(c) {
		f.dropped = true
		return nil
	}
	return c
}

func (f *filteredRaw) Settle() (*conversation.Conversation, bool, error) {
	c, skip, err := f.Raw.Settle()
	if err == nil && !skip && f.dropped {
		*f.r.skipped++
		return nil, true, nil
	}
	return c, skip, err
}

// parsed is a conversation already parsed, as a conversation.Raw.
type parsed struct{ c *conversation.Conversation }

func (p parsed) Parse() *conversation.Conversation { return p.c }

func (p parsed) Settle() (*conversation.Conversation, bool, error) { return p.c, false, nil }

// wrapped is what a reader wrapping another passes on from it: unparsed
// records (see conversation.Raw), readiness for streamed input (see the
// scan's streaming of stdin), and the CSV header row for reject files.
type wrapped struct{ rd Reader }

// nextRaw hands out the wrapped reader's next record unparsed, wrapped by
// wrap; from a reader that cannot, the record comes parsed through next.
func (w wrapped) nextRaw(next func() (*conversation.Conversation, error), wrap func(conversation.Raw) conversation.Raw) (conversation.Raw, error) {
	rr, ok := w.rd.(rawReader)
	if !ok {
		c, err := next()
		if err != nil {
			return nil, err
		}
		return parsed{c}, nil
	}
	raw, err := rr.NextRaw()
	if err != nil {
		return nil, err
	}
	return wrap(raw), nil
}

// Ready passes the wrapped reader's readiness on.
func (w wrapped) Ready() bool {
	if rr, ok := w.rd.(interface{ Ready() bool }); ok {
		return rr.Ready()
	}
	return true
}

// RejectHeader passes the wrapped reader's header row on.
func (w wrapped) RejectHeader() []byte {
	if h, ok := w.rd.(interface{ RejectHeader() []byte }); ok {
		return h.RejectHeader()
	}
	return nil
}

// ParseFilterTime reads a --since/--until value: a date (2026-11-03, the
// start of that day) or a date and time, in loc.
func ParseFilterTime(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return t, nil
	}
	t, err := ParseTime(s, "", loc)
	if err != nil {
		return t, fmt.Errorf("bad date or time %q (want a day, 2026-11-01, or a day and time, 2026-11-01 08:00 or RFC 3339)", s)
	}
	return t, nil
}
