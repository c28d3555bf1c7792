package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"fullqa/internal/conversation"
	"fullqa/internal/text"
)

// jsonConversation is the canonical JSON Lines record (DESIGN.md). Fields not
// listed are ignored so producers can extend the format.
type jsonConversation struct {
	ID       *string               `json:"id"`
	Channel  string                `json:"channel"`
	Shop     string                `json:"shop"`
	Vendor   string                `json:"vendor"`
	Customer string                `json:"customer"`
	OrderIDs []string              `json:"order_ids"`
	SKUs     []string              `json:"skus"`
	Rating   *float64              `json:"rating"`
	Outcome  *conversation.Outcome `json:"outcome"`
	Meta     map[string]string     `json:"meta"`
	Messages *[]jsonMessage        `json:"messages"`
}

type jsonMessage struct {
	Role  *string `json:"role"`
	Text  *string `json:"text"`
	At    string  `json:"at"`
	Agent string  `json:"agent"`
	Kind  string  `json:"kind"`
}

// jsonlReader reads the canonical format, one conversation a line.
type jsonlReader struct {
	lr    *lineReader
	opts  *Options
	ids   *idWindow // recent ids → line, to report duplicates within a file
	order orderCheck
	// recs is the unused tail of the block NextRaw cuts records from.
	recs []jsonlRecord
}

// recBlock is how many records NextRaw allocates at once (some 5 KB).
const recBlock = 16

// record returns a zero record for the next line: one of a block of
// recBlock, allocated together, where each line allocated its own. A
// block is never reused; each record lives on in its conversation's
// result, and the block goes to the garbage collector with the last of
// them. Records hold a line and the conversation read from it, nothing
// long-lived keeps a conversation (reports keep ids and texts), so a
// block holds little alive for long.
func (r *jsonlReader) record() *jsonlRecord {
	if len(r.recs) == 0 {
		r.recs = make([]jsonlRecord, recBlock)
	}
	p := &r.recs[0]
	r.recs = r.recs[1:]
	return p
}

func newJSONLReader(lr *lineReader, opts *Options) *jsonlReader {
	return &jsonlReader{lr: lr, opts: opts, ids: newIDWindow(maxRememberedIDs), order: orderCheck{sort: opts.SortByTime}}
}

// Ready reports whether Next can return without waiting for input (the
// scan pipeline asks, so a slow stream is inspected as it arrives).
func (r *jsonlReader) Ready() bool { return r.lr.hasLine() }

func (r *jsonlReader) Next() (*conversation.Conversation, error) {
	p, err := r.NextRaw()
	if err != nil {
		return nil, err
	}
	p.Parse()
	c, _, err := p.Settle()
	return c, err
}

// NextRaw cuts the next record without parsing it: the scan parses on its
// workers and settles in input order, so the one reading goroutine only
// finds line ends. Next is NextRaw, Parse and Settle in a row.
func (r *jsonlReader) NextRaw() (conversation.Raw, error) {
	for {
		line, err := r.lr.next()
		if err != nil {
			// tl is declared here: errors.As moves it to the heap, which
			// declared before the test cost an allocation every line.
			var tl errLineTooLong
			if errors.As(err, &tl) {
				return nil, &RecordError{File: r.lr.name, Line: r.lr.n, Msg: tl.Error()}
			}
			return nil, err
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		p := r.record()
		p.r, p.line, p.n = r, string(line), r.lr.n
		return p, nil
	}
}

// jsonlRecord is one line of a JSON Lines file on its way through
// conversation.Raw: Parse fills c or err and the order facts, Settle
// checks time order and duplicate ids against the records before it.
type jsonlRecord struct {
	r     *jsonlReader
	line  string
	n     int
	c     *conversation.Conversation
	err   *RecordError
	order orderFacts
	id    idKey // c.ID's key in the reader's id window, made by Parse
	// conv is where the fast decoder puts the conversation: one
	// allocation with the record instead of two.
	conv conversation.Conversation
}

// Parse decodes the line and finds its order facts (or sorts its messages
// by time); it touches no state of the reader.
func (p *jsonlRecord) Parse() *conversation.Conversation {
	c, ok, exact := decodeFastJSONInto(p.line, p.r.opts, &p.conv, true, p.r.lr.name, p.n, &p.order)
	if !ok { // anything unusual, and every bad record
		var ferr *RecordError
		if c, ferr = parseJSONConversation([]byte(p.line), p.r.opts); ferr != nil {
			ferr.File, ferr.Line, ferr.Raw = p.r.lr.name, p.n, []byte(p.line)
			p.err = ferr
			return nil
		}
		c.Source = sourceOf(p.r.lr.name, p.n)
	}
	// Both decoders yield valid UTF-8 only: the fast one checks every
	// string it reads and gives up on an invalid one, and the standard
	// path rejects a line that is not valid UTF-8 and decodes a lone
	// surrogate escape as U+FFFD. FuzzReadersTextValid holds them to it.
	c.TextValid = true
	p.c = c
	p.id = p.r.ids.key(c.ID) // here, on a worker, not in Settle
	// The fast decoder found the order facts as it read the times (exact),
	// unless the messages are to be sorted.
	sorted := false
	if !exact || p.r.order.sort {
		p.order, sorted = p.r.order.facts(c)
	}
	if !sorted && p.order.bad >= 0 {
		return nil // a bad record: Settle says why
	}
	return c
}

// Settle checks time order and the id against the records before this
// one, in input order.
func (p *jsonlRecord) Settle() (*conversation.Conversation, bool, error) {
	if p.err != nil {
		return nil, false, p.err
	}
	r, c := p.r, p.c
	if !r.order.sort { // else Parse sorted the messages
		if i, msg := r.order.note(c, p.order); i >= 0 {
			return nil, false, &RecordError{File: r.lr.name, Line: p.n, Field: "messages[" + strconv.Itoa(i) + "].at",
				Msg: msg, Raw: []byte(p.line)}
		}
	}
	if prev, dup := r.ids.seenKey(p.id); dup {
		return nil, false, &RecordError{File: r.lr.name, Line: p.n, Field: "id",
			Msg: fmt.Sprintf("duplicate id %q (first on line %d)", c.ID, prev), Raw: []byte(p.line)}
	}
	r.ids.addNew(p.id, int64(p.n))
	return c, false, nil
}

// parseJSONConversation validates one record; the returned error lacks file
// and line, which the caller fills in.
func parseJSONConversation(line []byte, opts *Options) (*conversation.Conversation, *RecordError) {
	if !text.ValidUTF8(line) {
		return nil, &RecordError{Msg: "invalid UTF-8 (use --encoding if the file is GB18030)"}
	}
	var jc jsonConversation
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&jc); err != nil {
		return nil, jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &RecordError{Msg: "unexpected data after the JSON object"}
	}
	if jc.ID == nil || strings.TrimSpace(*jc.ID) == "" {
		return nil, &RecordError{Field: "id", Msg: "missing"}
	}
	if jc.Messages == nil {
		return nil, &RecordError{Field: "messages", Msg: "missing"}
	}
	if len(*jc.Messages) == 0 {
		// Not a perfect chat that scores 100: there is nothing to inspect.
		return nil, &RecordError{Field: "messages", Msg: "empty (a conversation needs at least one message)"}
	}
	c := &conversation.Conversation{
		ID: *jc.ID, Channel: jc.Channel, Shop: jc.Shop, Vendor: jc.Vendor, Customer: jc.Customer,
		OrderIDs: jc.OrderIDs, SKUs: jc.SKUs, Outcome: jc.Outcome, Meta: jc.Meta,
		Messages: make([]conversation.Message, len(*jc.Messages)),
	}
	if jc.Rating != nil {
		if *jc.Rating < 1 || *jc.Rating > 5 || *jc.Rating != float64(int(*jc.Rating)) {
			return nil, &RecordError{Field: "rating", Msg: fmt.Sprintf("%v is not a whole number from 1 to 5", *jc.Rating)}
		}
		c.Rating = int(*jc.Rating)
	}
	loc := opts.location()
	for i, jm := range *jc.Messages {
		field := func(f string) string { return "messages[" + strconv.Itoa(i) + "]." + f }
		if jm.Role == nil {
			return nil, &RecordError{Field: field("role"), Msg: "missing"}
		}
		role, ok := conversation.ParseRole(*jm.Role)
		if !ok {
			return nil, &RecordError{Field: field("role"), Msg: fmt.Sprintf("unknown role %q (want customer, agent, bot or system)", *jm.Role)}
		}
		if jm.Text == nil {
			return nil, &RecordError{Field: field("text"), Msg: "missing"}
		}
		m := &c.Messages[i]
		m.Role, m.Text, m.Agent, m.Kind = role, *jm.Text, jm.Agent, jm.Kind
		if jm.At != "" {
			t, err := ParseTime(jm.At, "", loc)
			if err != nil {
				return nil, &RecordError{Field: field("at"), Msg: err.Error()}
			}
			m.At = t
		}
	}
	return c, nil
}

// jsonError turns a decoder error into a field-level message where it can.
func jsonError(err error) *RecordError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &RecordError{Field: te.Field, Msg: fmt.Sprintf("want %s, got JSON %s", te.Type, te.Value)}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &RecordError{Msg: fmt.Sprintf("bad JSON at byte %d: %v", se.Offset, se)}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return &RecordError{Msg: "truncated JSON record"}
	}
	return &RecordError{Msg: "bad JSON: " + err.Error()}
}
