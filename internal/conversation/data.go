package conversation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Field is one key and value of a finding's Data: a pair rather than a
// map entry, so that a finding's few keys live in one small slice.
type Field struct {
	Key   string
	Value any
}

// Data is a finding's structured detail, the "data" object of the JSON
// Lines contract. It reads as the map[string]any one gets by setting its
// fields in order (a later field with the same key replaces an earlier
// one), and encodes as that map does: an object with the keys sorted.
//
// It is a slice rather than a map because a finding carries one to five
// keys and a scan writes several findings a conversation: a slice of them
// is one small allocation (none when it is shared, as response.slow and
// response.first_slow share their wait), where a map is a header plus a
// 264-byte group, filled by hashing each key. Built with its keys already
// in order, as the detectors build it, it is written without sorting.
// Values nested in it stay map[string]any, []any and the like. Once in a
// finding it is read-only, like the finding's Messages: findings may share
// one, so Set belongs to building it.
type Data []Field

// Get is the value of key, nil when there is none, as indexing the map
// would give it.
func (d Data) Get(key string) any {
	v, _ := d.Lookup(key)
	return v
}

// Lookup is the value of key and whether d has the key, as the map's
// two-value index expression. The last field with the key counts.
func (d Data) Lookup(key string) (any, bool) {
	for i := len(d) - 1; i >= 0; i-- {
		if d[i].Key == key {
			return d[i].Value, true
		}
	}
	return nil, false
}

// Set gives key the value v, replacing the value it has or adding it at
// the end, as assigning to the map would.
func (d *Data) Set(key string, v any) {
	for i := range *d {
		if (*d)[i].Key == key {
			(*d)[i].Value = v
			return
		}
	}
	*d = append(*d, Field{key, v})
}

// Sorted is d with its keys in increasing order, each once (the last
// field of a key wins), as the map it reads as would be walked in key
// order. It is d itself when d is already so, which is the common case:
// writers check that in one pass and sort only a copy of what is not.
func (d Data) Sorted() Data {
	ordered := true
	for i := 1; i < len(d); i++ {
		if d[i-1].Key >= d[i].Key {
			ordered = false
			break
		}
	}
	if ordered {
		return d
	}
	s := make(Data, 0, len(d))
	for i := range d {
		if _, ok := d[i+1:].Lookup(d[i].Key); !ok { // only the last field of a key
			s = append(s, d[i])
		}
	}
	slices.SortFunc(s, func(a, b Field) int { return strings.Compare(a.Key, b.Key) })
	return s
}

// Map is d as a map; nil for a nil d.
func (d Data) Map() map[string]any {
	if d == nil {
		return nil
	}
	m := make(map[string]any, len(d))
	for _, f := range d {
		m[f.Key] = f.Value
	}
	return m
}

// DataOf is the Data holding m's keys and values, in key order; nil for
// a nil m.
func DataOf(m map[string]any) Data {
	if m == nil {
		return nil
	}
	d := make(Data, 0, len(m))
	for k, v := range m {
		d = append(d, Field{k, v})
	}
	slices.SortFunc(d, func(a, b Field) int { return strings.Compare(a.Key, b.Key) })
	return d
}

// String formats d as fmt formats the map it reads as, so messages that
// print a finding's data read as before.
func (d Data) String() string {
	return fmt.Sprint(d.Map())
}

// MarshalJSON writes d exactly as encoding/json writes the map it reads
// as. It lets encoding/json encode that map without HTML escaping: the
// encoder that calls MarshalJSON then escapes <, > and & itself when it is
// set to (it compacts a Marshaler's output with its own escaping, and those
// characters can only occur inside strings), so the bytes are the map's
// whether the caller escapes HTML or not. The map's encoding is its
// pairs sorted by key, each key encoded as a string is, which Sorted
// gives without building the map. This is the general path (stores, the
// service, the JSON report); the scan's JSON Lines writer has its own.
func (d Data) MarshalJSON() ([]byte, error) {
	if d == nil {
		return []byte("null"), nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	encode := func(v any) error {
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("finding data: %w", err)
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
		return nil
	}
	buf.WriteByte('{')
	for k, f := range d.Sorted() {
		if k > 0 {
			buf.WriteByte(',')
		}
		if err := encode(f.Key); err != nil {
			return nil, err
		}
		buf.WriteByte(':')
		if err := encode(f.Value); err != nil {
			return nil, err
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// UnmarshalJSON reads an object as encoding/json reads it into a
// map[string]any (null gives nil), keeping its keys in order. Unlike
// decoding into a map that has keys already, it replaces what d held.
func (d *Data) UnmarshalJSON(b []byte) error {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("finding data: %w", err)
	}
	*d = DataOf(m)
	return nil
}
