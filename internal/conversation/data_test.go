package conversation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// refMap is the map d stands for: its fields assigned in order, as the
// detectors wrote findings' data before Data.
func refMap(d Data) map[string]any {
	if d == nil {
		return nil
	}
	m := map[string]any{}
	for _, f := range d {
		m[f.Key] = f.Value
	}
	return m
}

// encodings are the ways the project encodes findings: json.Marshal (the
// store), an Encoder without HTML escaping (the JSON report, the service),
// indented, and inside a struct with and without omitempty.
func encodings(v any) [][]byte {
	var out [][]byte
	b, err := json.Marshal(v)
	out = append(out, append(b, fmt.Sprint(err)...))
	for _, escape := range []bool{true, false} {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(escape)
		enc.SetIndent("", "  ")
		err := enc.Encode(v)
		out = append(out, append(buf.Bytes(), fmt.Sprint(err)...))
	}
	return out
}

type withOmit[T any] struct {
	Code string `json:"code"`
	Data T      `json:"data,omitempty"`
}

type withNull[T any] struct {
	Data T `json:"data"`
}

// checkData holds d to the map it stands for: the same bytes from every
// encoding, the same values read, and a JSON round trip reading as
// decoding into a map does.
func checkData(t *testing.T, d Data) {
	t.Helper()
	m := refMap(d)
	pairs := []struct{ got, want any }{
		{d, m},
		{withOmit[Data]{"c", d}, withOmit[map[string]any]{"c", m}},
		{withNull[Data]{d}, withNull[map[string]any]{m}},
		{[]Data{d, d}, []map[string]any{m, m}},
	}
	for _, p := range pairs {
		got, want := encodings(p.got), encodings(p.want)
		for i := range got {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("%#v: encoding %d\n got %q\nwant %q", d, i, got[i], want[i])
			}
		}
	}
	keys := []string{"", "a", "b", "kind", "zz"}
	for _, f := range d {
		keys = append(keys, f.Key)
	}
	for _, k := range keys {
		v, ok := d.Lookup(k)
		wv, wok := m[k]
		if ok != wok || !reflect.DeepEqual(v, wv) || !reflect.DeepEqual(d.Get(k), wv) {
			t.Fatalf("%#v: key %q: got %v %v, want %v %v", d, k, v, ok, wv, wok)
		}
	}
	if !reflect.DeepEqual(d.Sorted().Map(), m) {
		t.Fatalf("%#v: Sorted reads %v, want %v", d, d.Sorted().Map(), m)
	}
	if s := d.Sorted(); len(s) != len(m) {
		t.Fatalf("%#v: Sorted has %d fields for %d keys", d, len(s), len(m))
	}
	if fmt.Sprint(d) != fmt.Sprint(m) {
		t.Fatalf("%#v: prints %s, want %s", d, fmt.Sprint(d), fmt.Sprint(m))
	}
	b, err := json.Marshal(m)
	if err != nil {
		return
	}
	var back Data
	var wantBack map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	json.Unmarshal(b, &wantBack)
	if !reflect.DeepEqual(back.Map(), wantBack) || (back == nil) != (wantBack == nil) {
		t.Fatalf("%s: read back %v, want %v", b, back, wantBack)
	}
	again, _ := json.Marshal(back)
	wantAgain, _ := json.Marshal(wantBack)
	if !bytes.Equal(again, wantAgain) {
		t.Fatalf("round trip %s gives %s, want %s", b, again, wantAgain)
	}
}

// TestDataMatchesMap checks Data against the map[string]any it replaced
// in Finding, on the shapes the detectors and the analysis write and on
// what a hand-built Data could hold: keys out of order or repeated,
// strings that need escaping (HTML, U+2028, control bytes, invalid UTF-8),
// nested maps and lists, numbers of every kind, nil and empty.
func TestDataMatchesMap(t *testing.T) {
	slot := map[string]any{"within_hours": 24, "event": "发出", "x<y": "a&b"}
	for _, d := range []Data{
		nil, {},
		{{Key: "wait_s", Value: 44.0}},
		{{Key: "learned", Value: 0.49}, {Key: "negative", Value: 0.52}},
		{{Key: "negative", Value: 0.52}, {Key: "learned", Value: 0.49}},
		{{Key: "kind", Value: "time"}, {Key: "p", Value: 0.731}, {Key: "promises", Value: []map[string]any{{"kind": "time", "slot": slot}, {"kind": "action", "slot": nil}}}, {Key: "slot", Value: slot}},
		{{Key: "kind", Value: "time"}, {Key: "learned", Value: true}, {Key: "p", Value: float32(0.5)}, {Key: "slot", Value: map[string]any(nil)}},
		{{Key: "value", Value: "a"}, {Key: "value", Value: "b"}, {Key: "attribute", Value: "c"}, {Key: "value", Value: "d"}},
		{{Key: "b", Value: 1}, {Key: "a", Value: 2}, {Key: "b", Value: 3}},
		{{Key: "<html>&", Value: "<script>&amp;\u2028\u2029\x01\xff"}, {Key: "\xff", Value: "x"}, {Key: "é", Value: []any{"<", 1, nil, true}}},
		{{Key: "n", Value: int64(-7)}, {Key: "m", Value: []int{1, 2}}, {Key: "k", Value: map[string]string{"kind": "order", "value": ">1"}}, {Key: "z", Value: nil}},
		{{Key: "", Value: ""}, {Key: "f", Value: 1e21}, {Key: "g", Value: 1e-7}, {Key: "h", Value: -0.0}},
	} {
		checkData(t, d)
	}
}

// TestDataSet checks Set against assigning to the map.
func TestDataSet(t *testing.T) {
	var d Data
	m := map[string]any{}
	for i, k := range []string{"value", "attribute", "value", "qualifier", "attribute", "fact"} {
		d.Set(k, i)
		m[k] = i
		if !reflect.DeepEqual(d.Map(), m) {
			t.Fatalf("after setting %s: %v, want %v", k, d, m)
		}
	}
	if len(d) != len(m) {
		t.Fatalf("Set repeats keys: %#v", d)
	}
	checkData(t, d)
}

// TestDataUnmarshalNull checks that null reads as a nil Data, as it reads
// as a nil map, and that an invalid object is an error.
func TestDataUnmarshalNull(t *testing.T) {
	d := Data{{Key: "a", Value: 1}}
	if err := json.Unmarshal([]byte("null"), &d); err != nil || d != nil {
		t.Fatalf("null: %v %v", d, err)
	}
	var s withNull[Data]
	if err := json.Unmarshal([]byte(`{"data":[1]}`), &s); err == nil {
		t.Fatalf("a list read as data: %v", s.Data)
	}
}

// FuzzDataMatchesMap builds a Data from fuzzed keys and values (split on
// '|', keys repeating and out of order) and holds it to the map it stands
// for (checkData).
func FuzzDataMatchesMap(f *testing.F) {
	f.Add("wait_s|kind|p|slot", "44|time|<b>|\u2028", 3.5)
	f.Add("b|a|b", "x|y|z", -0.0)
	f.Add("\xff|<|&", "\x01|\xff\xfe|>", 1e21)
	f.Fuzz(func(t *testing.T, keys, vals string, x float64) {
		if x != x || x > 1e300 || x < -1e300 {
			return // NaN and infinities are not JSON: both fail, with differently wrapped errors
		}
		ks, vs := strings.Split(keys, "|"), strings.Split(vals, "|")
		var d Data
		for i, k := range ks {
			var v any = x
			switch {
			case i < len(vs) && i%3 == 0:
				v = vs[i]
			case i < len(vs) && i%3 == 1:
				v = map[string]any{vs[i]: x, k: []any{vs[i], i}}
			}
			d = append(d, Field{k, v})
		}
		checkData(t, d)
	})
}
