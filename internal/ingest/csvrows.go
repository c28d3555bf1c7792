package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode"
	"unicode/utf8"

	"fullqa/internal/conversation"
	"fullqa/internal/text"
)

// csvReader reads a message-per-row CSV or TSV file with the same results
// as tableReader (which still reads xlsx sheets, and is the reference
// FuzzCSVRows holds this one to), but parses rows off the scan's one
// reading goroutine. That goroutine cuts records (csvCutter) and reads
// only what grouping rows into conversations depends on: the id (or
// customer) of each row, its role and time, and whether the row is bad;
// the scan's workers decode the other fields and build the conversation
// (csvConv.Parse), and the time-order check runs in input order
// (csvConv.Settle). Conversations, bad records and their order are the
// table reader's, byte for byte.
type csvReader struct {
	t     *tableReader // the header's column and role mapping (its rows are not read)
	cut   csvCutter
	s     csvSessions
	hasID bool
	order orderCheck
	eof   bool
	// Scratch for fields whose quotes must be undone.
	keyBuf, roleBuf, timeBuf []byte
	hour                     hourCache
}

// roleOf is the role of the record just cut, as tableReader.roleOf of its
// role field, and whether it is known.
func (r *csvReader) roleOf() (conversation.Role, bool) {
	i := r.t.ix.role
	if i < 0 || i >= len(r.cut.spans) {
		return r.t.roleOfBytes(nil)
	}
	sp := r.cut.spans[i]
	if !sp.esc {
		// A value roleOf remembers is trimmed: a field equal to one
		// needs no trimming (trimming one that ends in a Chinese
		// character decodes it).
		raw := r.cut.rec[sp.start:sp.end]
		for k := range r.t.memo {
			if m := &r.t.memo[k]; m.set && m.val == string(raw) {
				return m.role, m.ok
			}
		}
	}
	return r.t.roleOfBytes(trimBytes(spanBytes(r.cut.rec, sp, &r.roleBuf)))
}

func newCSVReader(name string, br *bufio.Reader, format string, opts *Options) (*csvReader, error) {
	r := &csvReader{cut: csvCutter{br: br, comma: ',', lazy: format == FormatTSV}, order: orderCheck{sort: opts.SortByTime}}
	if format == FormatTSV {
		r.cut.comma = '\t'
	}
	comma := rune(r.cut.comma)
	_, err := r.cut.next()
	if errors.Is(err, io.EOF) {
		r.eof = true
		r.t = &tableReader{name: name, comma: comma, opts: opts}
		r.s = newCSVSessions(r, false)
		return r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s:1: header: %w", name, err)
	}
	if r.t, err = tableFromHeader(name, r.cut.fields(), comma, opts); err != nil {
		return nil, err
	}
	r.hasID = r.t.ix.id >= 0
	r.s = newCSVSessions(r, r.hasID)
	return r, nil
}

// RejectHeader is the input's header row, which a reject file starts with
// so that it can be fixed and fed again; nil for an empty input.
func (r *csvReader) RejectHeader() []byte { return r.t.head }

// Ready reports whether Next can return without waiting for input.
func (r *csvReader) Ready() bool {
	if len(r.s.out) > 0 || r.eof {
		return true
	}
	n := r.cut.br.Buffered()
	b, _ := r.cut.br.Peek(n)
	return bytes.IndexByte(b, '\n') >= 0
}

// Next is NextRaw, Parse and Settle in a row.
func (r *csvReader) Next() (*conversation.Conversation, error) {
	p, err := r.NextRaw()
	if err != nil {
		return nil, err
	}
	p.Parse()
	c, _, err := p.Settle()
	return c, err
}

// NextRaw returns the next conversation unparsed: its rows, cut and
// grouped, for the scan's workers to parse. A bad record that belongs to
// no conversation comes as its *RecordError.
func (r *csvReader) NextRaw() (conversation.Raw, error) {
	for {
		if len(r.s.out) > 0 {
			o := r.s.out[0]
			r.s.out[0] = csvOut{}
			r.s.out = r.s.out[1:]
			if o.err != nil {
				return nil, o.err
			}
			return o.conv, nil
		}
		if r.eof {
			return nil, io.EOF
		}
		line, err := r.cut.next()
		if errors.Is(err, io.EOF) {
			r.eof = true
			r.s.flushAll()
			continue
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				r.s.reject(&RecordError{File: r.t.name, Line: pe.Line, Msg: pe.Err.Error()})
				continue
			}
			return nil, fmt.Errorf("%s: %w", r.t.name, err)
		}
		r.row(line)
	}
}

// fieldBytes is the record's value in column i, its quotes undone into
// *scratch if need be, trimmed; empty when the table lacks the column or
// the row is short.
func (r *csvReader) fieldBytes(i int, scratch *[]byte) []byte {
	if i < 0 || i >= len(r.cut.spans) {
		return nil
	}
	return trimBytes(spanBytes(r.cut.rec, r.cut.spans[i], scratch))
}

// row sorts the record just cut into its conversation, as tableReader.row
// does, having read only the fields that decide where it goes: the id (or
// customer), and, to tell a bad row, the role and time and whether all of
// the record is UTF-8 (all its fields are exactly when all of it is: the
// bytes between them are ASCII).
func (r *csvReader) row(line int) {
	ix := &r.t.ix
	valid := text.ValidUTF8(r.cut.rec)
	var kb []byte
	if r.hasID {
		kb = r.fieldBytes(ix.id, &r.keyBuf)
	} else {
		kb = r.fieldBytes(ix.customer, &r.keyBuf)
	}
	if !valid && !text.ValidUTF8(kb) {
		kb = nil
	}
	bad := !valid
	var role conversation.Role
	var at time.Time
	if !bad {
		var ok bool
		role, ok = r.roleOf()
		bad = !ok
	}
	if !bad {
		if tb := r.fieldBytes(ix.time, &r.timeBuf); len(tb) > 0 {
			var ok bool
			at, ok = r.parseTime(tb)
			bad = !ok
		} else if !r.hasID {
			bad = true
		}
	}
	if !bad && r.hasID && len(kb) == 0 {
		bad = true
	}
	if bad {
		key := string(kb)
		r.s.rejectIn(key, r.rowError(key, line), line, r.cut.rec)
		return
	}
	r.s.add(kb, line, r.cut.rec, at, role)
}

// parseTime is ParseTime of a row's time field, reporting whether it is
// good; the common layout is read without making a string of it, and a
// time in the same hour as the last one read (hour) without time.Date.
func (r *csvReader) parseTime(b []byte) (time.Time, bool) {
	opts := r.t.opts
	if opts.Columns.TimeLayout == "" {
		if t, ok := r.hour.in(b); ok {
			return t, true
		}
		if t, ok := parseDateTime(string(b), opts.Location); ok {
			r.hour.set(b, t)
			return t, true
		}
	}
	t, err := ParseTime(string(b), opts.Columns.TimeLayout, opts.Location)
	return t, err == nil
}

// hourCache remembers the hour of the last "2006-01-02 15:04:05" time
// read: the rows of a table come in time order, a dozen or more an hour,
// and time.Date, which looks the zone up, was a tenth of the reading
// goroutine's work. A time of the same hour is its start plus the minutes
// and seconds, which is what time.Date gives (the same Time, field for
// field) as long as the zone's offset does not change within a day of
// the hour: set keeps an hour only then. TestHourCache holds it to
// parseDateTime across zone changes.
type hourCache struct {
	key   [13]byte // "2006-01-02 15"
	start time.Time
	ok    bool
}

// in is the time b stands for when it is a valid time of the cached hour.
func (h *hourCache) in(b []byte) (time.Time, bool) {
	if !h.ok || len(b) != 19 || string(b[:13]) != string(h.key[:]) || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	m1, m2, s1, s2 := b[14]-'0', b[15]-'0', b[17]-'0', b[18]-'0'
	if m1 > 5 || m2 > 9 || s1 > 5 || s2 > 9 {
		return time.Time{}, false
	}
	sec := (int(m1)*10+int(m2))*60 + int(s1)*10 + int(s2)
	return h.start.Add(time.Duration(sec) * time.Second), true
}

// set caches the hour of t, which parseDateTime read from b, when the
// zone's offset stays the same from a day before it to a day after.
func (h *hourCache) set(b []byte, t time.Time) {
	start := t.Add(-time.Duration(t.Minute()*60+t.Second()) * time.Second)
	zs, ze := start.ZoneBounds()
	h.ok = (zs.IsZero() || !zs.After(start.Add(-26*time.Hour))) && (ze.IsZero() || !ze.Before(start.Add(26*time.Hour)))
	if h.ok {
		copy(h.key[:], b[:13])
		h.start = start
	}
}

// rowError is the *RecordError tableReader.row gives the record just cut,
// which row found bad: the first of its checks that fails.
func (r *csvReader) rowError(key string, line int) *RecordError {
	rec := r.cut.fields()
	ix := &r.t.ix
	e := &RecordError{File: r.t.name, Line: line, Raw: csvLine(rec, r.t.comma)}
	for _, f := range rec {
		if !text.ValidUTF8(f) {
			e.Msg = "invalid UTF-8 (use --encoding gb18030 if the file is GBK)"
			return e
		}
	}
	roleVal := field(rec, ix.role)
	if _, ok := r.t.roleOf(roleVal); !ok {
		e.Field, e.Msg = "role", fmt.Sprintf("unknown role %q (map it with --roles %s=customer|agent|bot|system)", roleVal, roleVal)
		return e
	}
	if ts := field(rec, ix.time); ts != "" {
		if _, err := ParseTime(ts, r.t.opts.Columns.TimeLayout, r.t.opts.location()); err != nil {
			e.Field, e.Msg = "time", err.Error()
			return e
		}
	} else if !r.hasID {
		e.Field, e.Msg = "time", "missing (needed to cut sessions when there is no conversation id)"
		return e
	}
	if r.hasID && key == "" {
		e.Field, e.Msg = "id", "missing"
		return e
	}
	panic(fmt.Sprintf("ingest: %s:%d: a row found bad passes every check", r.t.name, line))
}

// fields decodes every field of the record just cut, as csv.Reader
// returns them.
func (c *csvCutter) fields() []string {
	all := string(c.rec)
	rec := make([]string, len(c.spans))
	for i, s := range c.spans {
		rec[i] = spanString(all, s)
	}
	return rec
}

// roleOfBytes is roleOf of a field's bytes, without making a string of
// a value it remembers.
func (r *tableReader) roleOfBytes(v []byte) (conversation.Role, bool) {
	for i := range r.memo {
		if m := &r.memo[i]; m.set && m.val == string(v) {
			return m.role, m.ok
		}
	}
	return r.roleOf(string(v))
}

// trimBytes is bytes.TrimSpace of a field's bytes, called only when an
// end can be white space: every Unicode space at or above U+0080 starts
// with byte C2, E1, E2 or E3, so a first byte of 0x80 or more but none of
// those begins no space (nor does an invalid sequence, read as U+FFFD);
// the last rune is decoded as TrimSpace would. String fields are trimmed
// by text.TrimSpace; this is the []byte form for the CSV records' spans.
// TestTrimSpaceRunes and FuzzTrimSpace hold both to the library.
func trimBytes(s []byte) []byte {
	if len(s) == 0 {
		return s
	}
	switch c := s[0]; {
	case c < utf8.RuneSelf:
		if asciiSpace(c) {
			return bytes.TrimSpace(s)
		}
	case c == 0xC2 || c == 0xE1 || c == 0xE2 || c == 0xE3:
		return bytes.TrimSpace(s)
	}
	if c := s[len(s)-1]; c < utf8.RuneSelf {
		if asciiSpace(c) {
			return bytes.TrimSpace(s)
		}
	} else if r, _ := utf8.DecodeLastRune(s); unicode.IsSpace(r) {
		return bytes.TrimSpace(s)
	}
	return s
}

// csvSessions groups rows into conversations exactly as sessionizer
// does for a table (see there), but holds each row as its record's bytes
// and field spans, with the role and time already read: the
// conversation is built from them on a worker (csvConv.Parse).
type csvSessions struct {
	sessions[*csvConv]
	out []csvOut
	r   *csvReader
	// last is the conversation of the last row added: rows of one
	// conversation come together, and it saves looking the key up.
	last *csvConv
}

// csvOut is one item of the output: a released conversation, or a bad
// record reported on its own.
type csvOut struct {
	conv *csvConv
	err  *RecordError
}

func newCSVSessions(r *csvReader, byID bool) csvSessions {
	return csvSessions{sessions: newSessions[*csvConv](r.t.opts.gap(), byID), r: r}
}

// csvConv is one conversation's rows on their way through
// conversation.Raw: the reading goroutine groups them, Parse builds the
// conversation (or the error of a conversation with a bad row) on a
// worker, Settle applies the time-order check in input order.
type csvConv struct {
	sessionConv
	r   *csvReader
	id  string
	err *RecordError // the first bad row's
	// buf holds the rows' records one after another, rows where each
	// ends. The fields are found again on the worker (resplit): copying
	// the spans the cutter found cost the reading goroutine more.
	buf  []byte
	rows []csvRow
	// What Parse found.
	c      *conversation.Conversation
	facts  orderFacts
	errOut *RecordError
	// rowRoom is rows' first room: a typical chat's rows fit.
	rowRoom [16]csvRow
}

func (oc *csvConv) session() *sessionConv { return &oc.sessionConv }

// csvRow is one row of a csvConv: its line, where its record ends in
// the conversation's buf, and what the reading goroutine read of it. A
// bad row (rejected) has no message.
type csvRow struct {
	line int
	end  int
	at   time.Time
	role conversation.Role
	bad  bool
}

// appendRow copies a record into the conversation.
func (oc *csvConv) appendRow(line int, rec []byte, at time.Time, role conversation.Role, bad bool) {
	if oc.buf == nil {
		oc.buf = make([]byte, 0, min(16*len(rec), 4<<10))
		oc.rows = oc.rowRoom[:0]
	}
	oc.buf = append(oc.buf, rec...)
	oc.rows = append(oc.rows, csvRow{line: line, end: len(oc.buf), at: at, role: role, bad: bad})
}

// rowSpans is the fields of row i, as offsets into buf, in spans.
func (oc *csvConv) rowSpans(i int, spans []fieldSpan) []fieldSpan {
	start := 0
	if i > 0 {
		start = oc.rows[i-1].end
	}
	return resplit(oc.buf[start:oc.rows[i].end], oc.r.cut.comma, start, spans[:0])
}

// add is sessionizer.add of a good row.
func (s *csvSessions) add(kb []byte, line int, rec []byte, at time.Time, role conversation.Role) {
	var oc *csvConv
	if l := s.last; l != nil && !l.closed && l.key == string(kb) {
		oc = l // == s.open[key]: an open conversation stays there
	} else {
		oc = s.open[string(kb)]
	}
	if oc != nil && !s.byID && oc.gapBefore(at, s.gap) {
		s.close(oc) // silence gap: this row starts a new conversation
		oc = nil
	}
	if oc == nil {
		key := string(kb)
		if s.byID {
			if first, done := s.closed.seen(key); done {
				s.reject(continuedError(key, line, first, csvLine(s.r.cut.fields(), s.r.t.comma)))
				return
			}
		}
		oc = &csvConv{sessionConv: sessionConv{key: key, first: line}, r: s.r, id: s.sessionID(key)}
		s.opened(oc)
	}
	s.last = oc
	oc.appendRow(line, rec, at, role, false)
	if !at.IsZero() {
		s.cur = at
		oc.timed(at)
	}
	oc.row = s.rows
	s.rows++
	if s.rows%1024 == 0 {
		s.closeIdle()
	}
	s.release()
}

// reject reports a bad row on its own, in order.
func (s *csvSessions) reject(e *RecordError) {
	s.out = append(s.out, csvOut{err: e})
}

// rejectIn is sessionizer.rejectIn: the bad row rejects its whole
// conversation, or is reported on its own when that cannot be told.
func (s *csvSessions) rejectIn(key string, e *RecordError, line int, rec []byte) {
	oc := s.open[key]
	if oc == nil && s.byID && key != "" {
		if _, done := s.closed.seen(key); !done {
			oc = &csvConv{sessionConv: sessionConv{key: key, first: e.Line}, r: s.r, id: key}
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
	oc.appendRow(line, rec, time.Time{}, 0, true)
}

// release moves closed conversations at the head of the order to the
// output; the time-order check waits for Settle.
func (s *csvSessions) release() {
	i := 0
	for ; i < len(s.order) && s.order[i].closed; i++ {
		s.out = append(s.out, csvOut{conv: s.order[i]})
	}
	if i > 0 {
		clear(s.order[:i])
		s.order = append(s.order[:0], s.order[i:]...)
	}
}

// flushAll closes every conversation (the input is over) and releases them.
func (s *csvSessions) flushAll() {
	s.closeAll()
	s.release()
}

// rejected is the suffix of the error of a conversation rejected whole.
func (oc *csvConv) rejected() string {
	return fmt.Sprintf(" (conversation %q rejected whole to keep message numbers true)", oc.id)
}

// rawBytes is the conversation's rows as the reject file takes them:
// each row's fields encoded as a CSV (or TSV) line.
func (oc *csvConv) rawBytes(all string) []byte {
	var raw []byte
	var spans []fieldSpan
	for i := range oc.rows {
		spans = oc.rowSpans(i, spans)
		rec := make([]string, len(spans))
		for i, s := range spans {
			rec[i] = spanString(all, s)
		}
		raw = append(append(raw, csvLine(rec, oc.r.t.comma)...), '\n')
	}
	return raw
}

// Parse builds the conversation from its rows (or the error of a
// conversation with a bad row) and finds its order facts (or sorts its
// messages by time); it touches no state of the reader.
func (oc *csvConv) Parse() *conversation.Conversation {
	r := oc.r
	// All the fields are substrings of one string, one allocation a
	// conversation.
	all := string(oc.buf)
	if oc.err != nil {
		e := *oc.err
		e.Raw = oc.rawBytes(all)
		e.Msg += oc.rejected()
		oc.errOut = &e
		return nil
	}
	ix := &r.t.ix
	c := &conversation.Conversation{ID: oc.id, Messages: make([]conversation.Message, len(oc.rows))}
	var room [16]fieldSpan
	spans := room[:0]
	for i := range oc.rows {
		row := &oc.rows[i]
		spans = oc.rowSpans(i, spans)
		f := func(col int) string {
			if col >= 0 && col < len(spans) {
				return text.TrimSpace(spanString(all, spans[col]))
			}
			return ""
		}
		m := &c.Messages[i]
		m.Role, m.Text, m.Kind, m.At = row.role, f(ix.text), f(ix.kind), row.at
		if row.role == conversation.RoleAgent {
			m.Agent = f(ix.agent)
		}
		if i == 0 {
			c.Source = sourceOf(r.t.name, row.line)
			c.Customer, c.Shop, c.Vendor, c.Channel = f(ix.customer), f(ix.shop), f(ix.vendor), f(ix.channel)
		}
		if sku := f(ix.sku); sku != "" && !contains(c.SKUs, sku) {
			c.SKUs = append(c.SKUs, sku)
		}
		if order := f(ix.order); order != "" && !contains(c.OrderIDs, order) {
			c.OrderIDs = append(c.OrderIDs, order)
		}
	}
	// A row that is not valid UTF-8 rejects its conversation (row), and
	// the fields are cut at ASCII separators and trimmed at characters.
	c.TextValid = true
	oc.c = c
	var sorted bool
	if oc.facts, sorted = r.order.facts(c); !sorted && oc.facts.bad >= 0 {
		return nil // out of time order: Settle says why
	}
	return c
}

// Settle checks time order against the conversations before this one, in
// input order, as the sessionizer's release does.
func (oc *csvConv) Settle() (*conversation.Conversation, bool, error) {
	if oc.errOut != nil {
		return nil, false, oc.errOut
	}
	r := oc.r
	if !r.order.sort { // else Parse sorted the messages
		if i, msg := r.order.note(oc.c, oc.facts); i >= 0 {
			return nil, false, &RecordError{File: r.t.name, Line: oc.rows[i].line, Field: "time",
				Raw: oc.rawBytes(string(oc.buf)), Msg: msg + oc.rejected()}
		}
	}
	return oc.c, false, nil
}
