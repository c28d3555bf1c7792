package ingest

import (
	"bufio"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"fullqa/internal/conversation"
)

// agreeFast checks that when the fast decoder accepts line, encoding/json
// (parseJSONConversation) accepts it too and gives the same conversation;
// line may be any bytes, invalid UTF-8 included.
// When the decoder gives the order facts, they must be orderCheck.facts'.
// It reports whether the fast decoder accepted it.
func agreeFast(t *testing.T, line string) bool {
	t.Helper()
	opts := &Options{Location: time.FixedZone("CST", 8*3600)}
	var of orderFacts
	got, ok, facts := decodeFastJSONInto(line, opts, new(conversation.Conversation), false, "", 0, &of)
	if !ok {
		return false
	}
	if want, _ := (&orderCheck{}).facts(got); facts && of != want {
		t.Fatalf("%q: order facts %+v, orderCheck.facts %+v", line, of, want)
	}
	want, err := parseJSONConversation([]byte(line), opts)
	if err != nil {
		t.Fatalf("fast decoder accepted %q, encoding/json: %v", line, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\nfast          %#v\nencoding/json %#v", line, got, want)
	}
	return true
}

// TestFastJSONExamples checks the fast decoder on the bundled examples
// (every line must take the fast path) and on the unusual lines of
// testdata/fastjson.jsonl (escapes, spacing, duplicate and case-folded
// keys, nulls, bad values: accepted only where encoding/json agrees).
func TestFastJSONExamples(t *testing.T) {
	for _, l := range readLines(t, "../../examples/chats.jsonl") {
		if !agreeFast(t, l) {
			t.Errorf("fast decoder gave up on a canonical line: %.120s", l)
		}
	}
	accepted := 0
	for _, l := range readLines(t, "testdata/fastjson.jsonl") {
		if agreeFast(t, l) {
			accepted++
		}
	}
	if accepted < 5 {
		t.Errorf("fast decoder accepted only %d unusual lines", accepted)
	}
}

func readLines(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			out = append(out, sc.Text())
		}
	}
	return out
}

// FuzzFastJSON checks the fast decoder against encoding/json on any line:
// whatever it accepts, encoding/json reads to the same conversation. Seeds
// are in testdata/fuzz/FuzzFastJSON; run longer with
// go test -run xxx -fuzz FuzzFastJSON ./internal/ingest/.
func FuzzFastJSON(f *testing.F) {
	f.Add(`{"id":"1","messages":[{"role":"customer","text":"在吗","at":"2026-11-01T10:00:05+08:00"}]}`)
	// The eight-byte paths of str and key: a special byte at every lane,
	// keys of seven and eight bytes, Chinese in pairs and cut short.
	for _, text := range []string{"abcdefghijklmnopq", "abcdefg\"hij", "abcdefgh\x01ij", "abcdefghi\\nj",
		"abcdefghij\x7fk\xffl", "你好你好你", "你好\xe4\xbd", "ab你好cdefghijk好", "\xed\x9f\xbf\xed\xa0\x80ab", "\xe0\xa0\x80xxxxxxxx"} {
		f.Add(`{"id":"2","channel":"jd","customer":"c1234567","messages":[{"role":"agent","text":"` + text + `","at":"2026-11-01T10:00:05Z"}]}`)
	}
	f.Add(`{"id":"3","messages":[{"role" :"customer","text":"x","at":"2026-11-01T10:00:05-05:00","agent":"a","kind":"k"}]}`)
	f.Add(`{"id":"4","messages":[{"rolex":"customer","text":"x","at":"2026-02-30T10:00:05+08:00"}]}`)
	// The message keys msgKey reads with one load, repeated, near other
	// keys they begin ("texts", "atx", "agents"), and at a line's end.
	f.Add(`{"id":"5","messages":[{"role":"agent","text":"a","text":"b","at":"x"},{"agent":"a","role":"customer","text":"t","kind":"k"}]}`)
	f.Add(`{"id":"6","messages":[{"role":"agent","texts":"a","at":"2026-11-01T10:00:05Z"},{"atx":"1","role":"customer","text":"t"}]}`)
	f.Add(`{"id":"7","messages":[{"role":"agent","text":"a","agents":"b"},{"role":"customer","text":"t","at":"`)
	f.Add(`{"id":"8","messages":[{"role":"agent","text":"a","agent":"b","agent":"c"}]}`)
	// Order facts found as the times are read: rising, falling, level,
	// one and two seconds back, a zero time, a fraction of a second (read
	// by ParseTime: no facts), across zones and days.
	for _, ats := range [][]string{
		{"2026-11-01T10:00:05+08:00", "2026-11-01T10:00:07+08:00", "2026-11-01T10:00:07+08:00"},
		{"2026-11-01T10:00:05+08:00", "2026-11-01T10:00:04+08:00", "2026-11-01T10:00:06+08:00"},
		{"2026-11-01T10:00:05+08:00", "2026-11-01T10:00:03+08:00", "2026-11-01T10:00:01+08:00"},
		{"2026-11-01T10:00:05+08:00", "", "2026-11-01T10:00:03+08:00"},
		{"0001-01-01T00:00:00Z", "2026-11-01T10:00:05+08:00", "0001-01-01T00:00:00Z", "2026-11-01T10:00:00+08:00"},
		{"2026-11-01T10:00:05.5+08:00", "2026-11-01T10:00:04+08:00"},
		{"2026-11-01T02:00:05Z", "2026-11-01T10:00:04+08:00", "2026-11-01T00:00:00-05:00", "2026-10-31T23:59:59+08:00"},
	} {
		line := `{"id":"9","messages":[`
		for i, at := range ats {
			if i > 0 {
				line += ","
			}
			line += `{"role":"customer","text":"x","at":"` + at + `"}`
		}
		f.Add(line + "]}")
	}
	// Times of 25 bytes the canonical readers take as they are, not plain
	// (a quote, which may end the string early, a backslash, a control
	// character, bytes past ASCII, valid or not): the decoder must give
	// up on them or read them as encoding/json does.
	const at = "2026-11-01T10:00:05+08:00"
	for k := 0; k < len(at); k += 4 {
		for _, b := range []string{`"`, `\`, "\x01", "\xff", "好"} {
			bad := at[:k] + b + at[min(k+len(b), len(at)):]
			bad = bad[:len(at)]
			f.Add(`{"id":"10","messages":[{"role":"customer","text":"x","at":"` + bad + `"},{"role":"agent","text":"y","at":"` + bad + `","agent":"a"}]}`)
		}
	}
	// A time ParseTime reads once it has trimmed the white space around
	// it, raw control characters that JSON does not allow in a string.
	for _, sp := range []string{"\t", "\r", "\v", "\f", "\x1c", "\u00a0"} {
		pad := strings.Repeat(sp, 5)
		f.Add(`{"id":"13","messages":[{"role":"customer","text":"x","at":"2026-11-01T10:00:05Z` + pad[:min(len(pad), 5)] + `"}]}`)
		f.Add(`{"id":"14","messages":[{"role":"customer","text":"x","at":"` + pad[:min(len(pad), 6)] + `2026-11-01 10:00:05"}]}`)
	}
	// Heads as canonical lines write them (headInOrder), whole, cut short
	// at every field, out of order, spaced, escaped, invalid, repeated.
	const msgs = `"messages":[{"role":"customer","text":"x","at":"2026-11-01T10:00:05+08:00"}]}`
	for _, head := range []string{
		`{"id":"h1","channel":"jd","shop":"s0","vendor":"v0","customer":"USERID_1",`,
		`{"id":"h2","channel":"jd","shop":"s0","vendor":"v0",`, `{"id":"h3","channel":"jd","shop":"s0",`,
		`{"id":"h4","channel":"jd",`, `{"id":"h5",`, `{"id":"h6","shop":"s0","customer":"c",`,
		`{"channel":"jd","id":"h7",`, `{"id": "h8","channel":"jd",`, `{"id":"h9","channel":"j\"d","shop":"s",`,
		`{"id":"h10","channel":"j\u0064","shop":"s",`, "{\"id\":\"h11\",\"channel\":\"j\xffd\",\"shop\":\"s\",",
		`{"id":"h12","channel":"a","id":"h12b",`, `{"id":"h13","channel":"a","channel":"b",`,
		`{"id":"h14","channel":"jd","shop":"s0","vendor":"v0","customer":"c","customer":"d",`,
		`{"id":"","channel":"jd",`, `{"id":"h16","channel":"jd","shop":"s0","vendor":"v0","customer":"c"}`,
		`{"id":"h17","channel":"jd","shop":"s0","vendor":"v0","customer":"c",` + msgs[:20],
	} {
		f.Add(head + msgs)
	}
	f.Add(`{"id":"11","messages":[{"role":"customer","text":"a","at":"x","agent":"abcdefghijklm"}]}`)
	f.Add(`{"id":"15","messages":[{"role":"agent","text":"a","at":"2026-11-01T10:00:05+08:00","agent":"abcdefg"}]}`)
	f.Add("{\"id\":\"16\",\"messages\":[{\"role\":\"agent\",\"text\":\"a\",\"at\":\"2026-11-01T10:00:05+08:00\",\"agent\":\"a\x01}]}    ")
	f.Add(`{"id":"17", "messages" :[{"role":"customer","text":"a"}],"messages":[]}`)
	f.Add(`{"id":"12","messages":[{"role":"customer","text":"a","at":"2026-11-01T09:00:7\/08:00"}]}`)
	f.Fuzz(func(t *testing.T, line string) {
		agreeFast(t, line)
	})
}

// TestFastJSONAgentsAndMessagesKey holds the agent names messageInOrder
// reads on the spot (closing quote among the eight bytes after the
// opening one, plain ASCII before it) and the "messages" key conversation
// takes on the spot to encoding/json: names of every length to past
// eight bytes, escaped, control and non-ASCII bytes, at the line's end
// and before another message; the key spaced, misspelt, repeated, cut.
// The canonical ones must take the fast path.
func TestFastJSONAgentsAndMessagesKey(t *testing.T) {
	const at = `"at":"2026-11-01T10:00:05+08:00"`
	next := `,{"role":"customer","text":"y",` + at + `}`
	for _, c := range []struct {
		agent string
		canon bool
	}{
		{"", true}, {"a", true}, {"a-00", true}, {"abcdef", true}, {"abcdefg", true}, {"abcdefgh", true},
		{"abcdefghijklm", true}, {"张三", true}, {"a张", true}, {`a\"b`, false}, {`a\\`, false}, {`\u0061`, false},
		{"a\x01", false}, {"a\xff", false}, {"abcdefg\x01", false},
	} {
		for _, tail := range []string{"]}", next + "]}", "]} ", "]"} {
			line := `{"id":"1","messages":[{"role":"agent","text":"x",` + at + `,"agent":"` + c.agent + `"}` + tail
			if ok := agreeFast(t, line); c.canon && tail != "]" && !ok {
				t.Errorf("fast decoder gave up on %q", line)
			}
		}
	}
	msg := `[{"role":"customer","text":"x",` + at + `}]`
	for _, c := range []struct {
		line  string
		canon bool
	}{
		{`{"id":"1","messages":` + msg + `}`, true},
		{`{"id":"1","channel":"jd","messages":` + msg + `}`, true},
		{`{"messages":` + msg + `,"id":"1"}`, true},
		{`{"id":"1","messages" :` + msg + `}`, true},
		{`{"id":"1","messages": ` + msg + `}`, true},
		{"{\"id\":\"1\",\"messages\":\t\n" + msg + `}`, true},
		{`{"id":"1", "messages":` + msg + `}`, true},
		{`{"id":"1","messagesx":` + msg + `}`, false},
		{`{"id":"1","Messages":` + msg + `}`, false},
		{`{"id":"1","messages":` + msg + `,"messages":` + msg + `}`, false},
		{`{"id":"1","messages":`, false},
		{`{"id":"1","messages"`, false},
		{`{"id":"1","message":` + msg + `}`, false},
		// A name cut by a control character or an escape, the line
		// ending as if it were closed there.
		{"{\"id\":\"1\",\"messages\":[{\"role\":\"agent\",\"text\":\"x\"," + at + ",\"agent\":\"a\x01}]}    ", false},
		{`{"id":"1","messages":[{"role":"agent","text":"x",` + at + `,"agent":"a\}]}    `, false},
	} {
		if ok := agreeFast(t, c.line); c.canon && !ok {
			t.Errorf("fast decoder gave up on %q", c.line)
		}
	}
}
