package ingest

import (
	"bufio"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// agreeFast checks that when the fast decoder accepts line, encoding/json
// (parseJSONConversation) accepts it too and gives the same conversation;
// line may be any bytes, invalid UTF-8 included.
// It reports whether the fast decoder accepted it.
func agreeFast(t *testing.T, line string) bool {
	t.Helper()
	opts := &Options{Location: time.FixedZone("CST", 8*3600)}
	got, ok := decodeFastJSON(line, opts)
	if !ok {
		return false
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
	f.Fuzz(func(t *testing.T, line string) {
		agreeFast(t, line)
	})
}
