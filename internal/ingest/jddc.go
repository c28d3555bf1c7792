package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"fullqa/internal/conversation"
	"fullqa/internal/text"
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
	// The open session's 0/1 columns, written to its Meta when it is
	// finished: looking the map up twice a line cost more than the rest.
	transfer, repeat flag
	// texts locates each message's text in raw: the session's texts
	// become substrings of one string when it is finished, one
	// allocation a session instead of one a message.
	texts [][2]int
}

// flag is a 0/1 column of a session: "1" once any line set it, else the
// last line's value.
type flag struct {
	v   string
	set bool
}

// store writes the flag to meta under key, when some line set it, and
// clears it for the next session.
func (f *flag) store(meta map[string]string, key string) {
	if f.set {
		meta[key] = f.v
	}
	*f = flag{}
}

// note records one line's value.
func (f *flag) note(v []byte) {
	if f.v == "1" || f.set && f.v == string(v) {
		return
	}
	f.v, f.set = string(v), true
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
	r.transfer.store(r.cur.Meta, "is_transfer")
	r.repeat.store(r.cur.Meta, "is_repeat")
	if r.curErr != nil {
		r.curErr.Raw = append([]byte(nil), r.raw.Bytes()...)
		r.curErr.Msg += fmt.Sprintf(" (session %q rejected whole to keep message numbers true)", r.cur.ID)
		r.queue = append(r.queue, result{err: r.curErr})
	} else {
		all := r.raw.String()
		for k, t := range r.texts {
			r.cur.Messages[k].Text = all[t[0]:t[1]]
		}
		// Every line of a session that is not rejected passed text.ValidUTF8,
		// and a text is a line's last column (cut at a tab).
		r.cur.TextValid = true
		r.queue = append(r.queue, result{c: r.cur})
	}
	r.texts = r.texts[:0]
	r.cur, r.curErr = nil, nil
	r.raw.Reset()
}

// Ready reports whether Next can return without waiting for input.
func (r *jddcReader) Ready() bool { return len(r.queue) > 0 || r.eof || r.lr.hasLine() }

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
	if err != nil {
		// tl is declared here: errors.As moves it to the heap, which
		// declared before the test cost an allocation every line.
		var tl errLineTooLong
		switch {
		case errors.As(err, &tl):
			e := &RecordError{File: r.lr.name, Line: r.lr.n, Msg: tl.Error()}
			if r.cur != nil && r.curErr == nil {
				r.curErr = e // most likely part of the open session
			} else {
				r.queue = append(r.queue, result{err: e})
			}
		case errors.Is(err, io.EOF):
			r.eof = true
			r.finish()
		default:
			r.eof = true
			r.finish()
			r.queue = append(r.queue, result{err: err})
		}
		return
	}
	if len(bytes.TrimSpace(line)) == 0 {
		return
	}
	var f [7][]byte
	nf := splitTabs(line, &f)
	if r.cur != nil && r.cur.ID != string(f[0]) {
		r.finish()
	}
	var id string
	if r.cur != nil {
		id = r.cur.ID // same session: no new string
	} else {
		id = string(f[0])
	}
	var bad *RecordError
	badf := func(field, msg string) { bad = &RecordError{File: r.lr.name, Line: r.lr.n, Field: field, Msg: msg} }
	switch {
	case id == "":
		badf("session_id", "missing")
	case nf != 7:
		badf("", fmt.Sprintf("want 7 tab-separated columns, got %d", nf))
	case !text.ValidUTF8(line):
		badf("text", "invalid UTF-8 (use --encoding if the file is GB18030)")
	case string(f[2]) != "0" && string(f[2]) != "1":
		badf("sender", fmt.Sprintf("unknown sender %q (want 0 customer or 1 agent)", f[2]))
	}
	if r.cur == nil && id != "" {
		if first, seen := r.done[id]; seen {
			r.queue = append(r.queue, result{err: &RecordError{File: r.lr.name, Line: r.lr.n, Field: "session_id",
				Msg: fmt.Sprintf("session %q continues after other sessions (it began on line %d); keep each session's lines together", id, first),
				Raw: append([]byte(nil), line...)}})
			return
		}
		r.cur = &conversation.Conversation{ID: id, Channel: "jd", Meta: map[string]string{},
			Source: sourceOf(r.lr.name, r.lr.n), Messages: make([]conversation.Message, 0, 16)}
	}
	if r.cur == nil { // no session id at all
		bad.Raw = append([]byte(nil), line...)
		r.queue = append(r.queue, result{err: bad})
		return
	}
	lineAt := r.raw.Len()
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
	r.transfer.note(f[3])
	r.repeat.note(f[4])
	if sku := f[5]; string(sku) != "nan" && len(sku) > 0 && !contains(c.SKUs, string(sku)) {
		c.SKUs = append(c.SKUs, string(sku))
	}
	role := conversation.RoleCustomer
	if f[2][0] == '1' {
		role = conversation.RoleAgent
	}
	// The text is the line's last column; finish sets it.
	r.texts = append(r.texts, [2]int{lineAt + len(line) - len(f[6]), lineAt + len(line)})
	c.Messages = append(c.Messages, conversation.Message{Role: role})
}

// splitTabs splits line into at most 7 fields (the last keeps any further
// tabs, as text may contain them) without allocating, and returns the
// number of fields found.
func splitTabs(line []byte, f *[7][]byte) int {
	n := 0
	for n < 6 {
		i := bytes.IndexByte(line, '\t')
		if i < 0 {
			break
		}
		f[n] = line[:i]
		line = line[i+1:]
		n++
	}
	f[n] = line
	return n + 1
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
