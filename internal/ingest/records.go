package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// record is one JSON object of a platform export, with the line it starts
// on for error messages.
type record struct {
	line int
	raw  []byte
	m    map[string]json.RawMessage
}

// recordWalker finds the records of a platform export in any of the three
// shapes platforms hand out: a JSON array of records, JSON Lines of
// records, or the wrapper object their API returns with the array inside
// it (at any depth). isRecord tells a record from a wrapper by its keys.
type recordWalker struct {
	data     []byte
	newlines []int // offsets of '\n', for offset → line
	isRecord func(map[string]json.RawMessage) bool
	fn       func(record) error
}

// walkRecords calls fn for every record in data, in file order.
func walkRecords(data []byte, isRecord func(map[string]json.RawMessage) bool, fn func(record) error) error {
	w := &recordWalker{data: data, isRecord: isRecord, fn: fn}
	for i, b := range data {
		if b == '\n' {
			w.newlines = append(w.newlines, i)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		off := w.skip(int(dec.InputOffset()))
		if off >= len(data) {
			return nil
		}
		if err := w.value(dec, 0); err != nil {
			return err
		}
	}
}

// line returns the 1-based line of byte offset off.
func (w *recordWalker) line(off int) int {
	return sort.SearchInts(w.newlines, off) + 1
}

// skip returns the offset of the next byte at or after off that is not
// white space or a separator.
func (w *recordWalker) skip(off int) int {
	for off < len(w.data) {
		switch w.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

// value walks the value dec is about to read; base is the offset of dec's
// input in w.data.
func (w *recordWalker) value(dec *json.Decoder, base int) error {
	off := w.skip(base + int(dec.InputOffset()))
	if off >= len(w.data) {
		return io.ErrUnexpectedEOF
	}
	switch w.data[off] {
	case '[':
		if _, err := dec.Token(); err != nil {
			return w.syntax(off, err)
		}
		for dec.More() {
			if err := w.value(dec, base); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return w.syntax(off, err)
		}
		return nil
	case '{':
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return w.syntax(off, err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return w.syntax(off, err)
		}
		if w.isRecord(m) {
			return w.fn(record{line: w.line(off), raw: raw, m: m})
		}
		// A wrapper: walk its members. raw is a byte-exact copy of
		// w.data[off:], so offsets inside it add to off.
		sub := json.NewDecoder(bytes.NewReader(raw))
		if _, err := sub.Token(); err != nil {
			return w.syntax(off, err)
		}
		for sub.More() {
			if _, err := sub.Token(); err != nil { // the key
				return w.syntax(off, err)
			}
			if err := w.value(sub, off); err != nil {
				return err
			}
		}
		return nil
	}
	var skip json.RawMessage
	if err := dec.Decode(&skip); err != nil {
		return w.syntax(off, err)
	}
	return nil
}

func (w *recordWalker) syntax(off int, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &RecordError{Line: w.line(int(se.Offset)), Msg: "bad JSON: " + se.Error()}
	}
	return &RecordError{Line: w.line(off), Msg: "bad JSON: " + err.Error()}
}

// str reads a string field of a record; a number is accepted as its text,
// because platforms write ids both ways. It reports false when the field is
// absent or null.
func (r record) str(key string) (string, bool, error) {
	v, ok := r.m[key]
	if !ok || string(v) == "null" {
		return "", false, nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return s, true, nil
	}
	var n json.Number
	if err := json.Unmarshal(v, &n); err == nil {
		return n.String(), true, nil
	}
	return "", false, fmt.Errorf("want a string, got %s", clip(v))
}

// clip shortens a raw value for an error message.
func clip(v []byte) string {
	if len(v) > 40 {
		return string(v[:40]) + "…"
	}
	return string(v)
}

// metaOf keeps a record's fields that are not in known as conversation
// meta, prefixed, so nothing the platform sent is silently dropped.
func metaOf(prefix string, m map[string]json.RawMessage, known map[string]bool, dst map[string]string) map[string]string {
	for k, v := range m {
		if known[k] {
			continue
		}
		if dst == nil {
			dst = map[string]string{}
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			s = string(v)
		}
		if _, dup := dst[prefix+k]; !dup {
			dst[prefix+k] = s
		}
	}
	return dst
}
