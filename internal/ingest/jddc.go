package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"fullqa/internal/conversation"
)

// jddcReader reads the JDDC chat TSV: one message a line, seven columns
// (session id, customer id, sender 0/1, is_transfer, is_repeat, sku, text),
// sessions contiguous. The session id is the conversation id; the other
// columns are kept (customer, skus, meta).
//
// A bad line inside a session rejects the whole session (all its lines go to
// the reject file): accepting the rest would renumber its messages, and
// message numbers must always match the source.
type jddcReader struct {
	lr     *lineReader
	opts   *Options
	cur    *conversation.Conversation
	curErr *RecordError
	raw    bytes.Buffer
	done   map[string]int // finished session id → its first line
	queue  []result
	eof    bool
}

type result struct {
	c   *conversation.Conversation
	err error
}

func newJDDCReader(lr *lineReader, opts *Options) *jddcReader {
	return &jddcReader{lr: lr, opts: opts, done: map[string]int{}}
}

// finish closes the open session and queues it (or its error).
func (r *jddcReader) finish() {
	if r.cur == nil {
		return
	}
	r.done[r.cur.ID] = sourceLine(r.cur.Source)
	if r.curErr != nil {
		r.curErr.Raw = append([]byte(nil), r.raw.Bytes()...)
		r.curErr.Msg += fmt.Sprintf(" (session %q rejected whole to keep message numbers true)", r.cur.ID)
		r.queue = append(r.queue, result{err: r.curErr})
	} else {
		r.queue = append(r.queue, result{c: r.cur})
	}
	r.cur, r.curErr = nil, nil
	r.raw.Reset()
}

func (r *jddcReader) Next() (*conversation.Conversation, error) {
	for len(r.queue) == 0 && !r.eof {
		r.readLine()
	}
	if len(r.queue) == 0 {
		return nil, io.EOF
	}
	q := r.queue[0]
	r.queue = r.queue[1:]
	return q.c, q.err
}

func (r *jddcReader) readLine() {
	line, err := r.lr.next()
	var tl errLineTooLong
	switch {
	case errors.As(err, &tl):
		e := &RecordError{File: r.lr.name, Line: r.lr.n, Msg: tl.Error()}
		if r.cur != nil && r.curErr == nil {
			r.curErr = e // most likely part of the open session
		} else {
			r.queue = append(r.queue, result{err: e})
		}
		return
	case errors.Is(err, io.EOF):
		r.eof = true
		r.finish()
		return
	case err != nil:
		r.eof = true
		r.finish()
		r.queue = append(r.queue, result{err: err})
		return
	}
	if len(bytes.TrimSpace(line)) == 0 {
		return
	}
	f := bytes.SplitN(line, []byte{'\t'}, 7)
	id := string(f[0])
	if r.cur != nil && r.cur.ID != id {
		r.finish()
	}
	bad := &RecordError{File: r.lr.name, Line: r.lr.n}
	switch {
	case id == "":
		bad.Field, bad.Msg = "session_id", "missing"
	case len(f) != 7:
		bad.Msg = fmt.Sprintf("want 7 tab-separated columns, got %d", len(f))
	case !utf8.Valid(line):
		bad.Field, bad.Msg = "text", "invalid UTF-8 (use --encoding if the file is GB18030)"
	case string(f[2]) != "0" && string(f[2]) != "1":
		bad.Field, bad.Msg = "sender", fmt.Sprintf("unknown sender %q (want 0 customer or 1 agent)", f[2])
	default:
		bad = nil
	}
	if r.cur == nil && id != "" {
		if first, seen := r.done[id]; seen {
			r.queue = append(r.queue, result{err: &RecordError{File: r.lr.name, Line: r.lr.n, Field: "session_id",
				Msg: fmt.Sprintf("session %q continues after other sessions (it began on line %d); keep each session's lines together", id, first),
				Raw: append([]byte(nil), line...)}})
			return
		}
		r.cur = &conversation.Conversation{ID: id, Channel: "jd", Meta: map[string]string{},
			Source: r.lr.name + ":" + strconv.Itoa(r.lr.n)}
	}
	if r.cur == nil { // no session id at all
		bad.Raw = append([]byte(nil), line...)
		r.queue = append(r.queue, result{err: bad})
		return
	}
	r.raw.Write(line)
	r.raw.WriteByte('\n')
	if bad != nil {
		if r.curErr == nil {
			r.curErr = bad
		}
		return
	}
	c := r.cur
	if c.Customer == "" {
		c.Customer = string(f[1])
	}
	c.Meta["is_transfer"] = maxFlag(c.Meta["is_transfer"], string(f[3]))
	c.Meta["is_repeat"] = maxFlag(c.Meta["is_repeat"], string(f[4]))
	if sku := string(f[5]); sku != "nan" && sku != "" && !contains(c.SKUs, sku) {
		c.SKUs = append(c.SKUs, sku)
	}
	role := conversation.RoleCustomer
	if f[2][0] == '1' {
		role = conversation.RoleAgent
	}
	c.Messages = append(c.Messages, conversation.Message{Role: role, Text: string(f[6])})
}

// maxFlag keeps "1" once any line of the session set it.
func maxFlag(old, v string) string {
	if old == "1" {
		return old
	}
	return v
}

func sourceLine(src string) int {
	for i := len(src) - 1; i >= 0; i-- {
		if src[i] == ':' {
			n, _ := strconv.Atoi(src[i+1:])
			return n
		}
	}
	return 0
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
