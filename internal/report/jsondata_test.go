package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"fullqa/internal/conversation"
)

// wantData is a finding's data as encoding/json writes the map it stands
// for in the scan's JSON Lines (no HTML escaping), the bytes appendData
// replaced appendAny on that map for.
func wantData(t *testing.T, d conversation.Data) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d.Map()); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// TestAppendDataMatchesEncodingJSON holds appendData (and appendAny on a
// Data) to encoding/json on the map byte for byte: fields in key order or
// not, repeated keys, escaping, nested maps and lists.
func TestAppendDataMatchesEncodingJSON(t *testing.T) {
	slot := map[string]any{"within_hours": 24, "event": "发出", "x<y": "a&b"}
	slotD := conversation.DataOf(slot)
	for _, d := range []conversation.Data{
		{},
		{{Key: "wait_s", Value: 44.0}},
		{{Key: "wait_s", Value: 192.5}},
		{{Key: "learned", Value: 0.49}, {Key: "negative", Value: 0.52}},
		{{Key: "negative", Value: 0.52}, {Key: "learned", Value: 0.49}},
		{{Key: "kind", Value: "time"}, {Key: "p", Value: 0.731}, {Key: "promises", Value: []map[string]any{{"kind": "time", "slot": slot}, {"kind": "action", "slot": nil}}}, {Key: "slot", Value: slot}},
		// As the rules write it: the slot and each commitment a Data in key order.
		{{Key: "kind", Value: "time"}, {Key: "p", Value: 0.731}, {Key: "promises", Value: []conversation.Data{{{Key: "kind", Value: "time"}, {Key: "slot", Value: slotD}},
			{{Key: "kind", Value: "action"}, {Key: "slot", Value: nil}}, {}}}, {Key: "slot", Value: slotD}},
		{{Key: "kind", Value: "time"}, {Key: "promises", Value: []conversation.Data{}}, {Key: "slot", Value: conversation.Data{{Key: "verb", Value: "补发"}, {Key: "object", Value: 2}}}},
		{{Key: "kind", Value: "time"}, {Key: "learned", Value: true}, {Key: "p", Value: float32(0.5)}, {Key: "slot", Value: nil}}, // (appendAny writes a nil map as {}, not null; no detector writes one)
		{{Key: "value", Value: "a"}, {Key: "value", Value: "b"}, {Key: "attribute", Value: "c"}, {Key: "value", Value: "d"}},
		{{Key: "<html>&", Value: "<script>&amp;\u2028\x01\xff"}, {Key: "\xff", Value: "x"}, {Key: "é", Value: []any{"<", 1, nil, true}}},
		{{Key: "n", Value: int64(-7)}, {Key: "m", Value: []int{1, 2}}, {Key: "k", Value: map[string]string{"kind": "order", "value": ">1"}}, {Key: "z", Value: nil}},
	} {
		want := wantData(t, d)
		if got := appendData(nil, d); !bytes.Equal(got, want) {
			t.Errorf("appendData %#v\n got %s\nwant %s", d, got, want)
		}
		if got := appendAny(nil, d); !bytes.Equal(got, want) {
			t.Errorf("appendAny %#v\n got %s\nwant %s", d, got, want)
		}
	}
}

// FuzzAppendData holds appendData to encoding/json on fuzzed keys and
// values, split on '|', repeating and out of order.
func FuzzAppendData(f *testing.F) {
	f.Add("wait_s|kind|p|slot", "44|time|<b>|\u2028", 3.5)
	f.Add("b|a|b", "x|y|z", 0.125)
	f.Fuzz(func(t *testing.T, keys, vals string, x float64) {
		if x != x || x > 1e300 || x < -1e300 {
			return // NaN and infinities are not JSON; encoding/json fails on them
		}
		ks, vs := strings.Split(keys, "|"), strings.Split(vals, "|")
		var d conversation.Data
		for i, k := range ks {
			var v any = x
			switch {
			case i < len(vs) && i%3 == 0:
				v = vs[i]
			case i < len(vs) && i%3 == 1:
				v = map[string]any{vs[i]: x, k: []any{vs[i], i}}
			}
			d = append(d, conversation.Field{Key: k, Value: v})
		}
		if got, want := appendData(nil, d), wantData(t, d); !bytes.Equal(got, want) {
			t.Fatalf("%#v\n got %s\nwant %s", d, got, want)
		}
	})
}

// TestAppendAnyTwoKeys holds appendAny's case of a map of two keys (read
// in the map's order, then put in key order) to encoding/json on every
// pair of some keys: prefixes of each other, equal but for their last
// byte, escaped, not ASCII. Each map is written many times, so that its
// two orders of iteration are both met.
func TestAppendAnyTwoKeys(t *testing.T) {
	keys := []string{"", "a", "ab", "b", "kind", "slot", "object", "verb", "date", "event", "within_hours", "x<y", "é", "好", "\"q", "\xff"}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, k1 := range keys {
		for _, k2 := range keys {
			if k1 == k2 {
				continue
			}
			m := map[string]any{k1: "v1", k2: []any{2.5, map[string]any{k2: k1, k1: nil}}}
			buf.Reset()
			if err := enc.Encode(m); err != nil {
				t.Fatal(err)
			}
			want := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
			for range 16 {
				if got := appendAny([]byte("x"), m); !bytes.Equal(got[1:], want) || got[0] != 'x' {
					t.Fatalf("appendAny(%#v) = %s, encoding/json %s", m, got, want)
				}
			}
		}
	}
}
