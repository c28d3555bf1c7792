package text

import (
	"bytes"
	"encoding/json"
	"testing"
)

// jsonQuoted is s as encoding/json writes it without HTML escaping, the
// escapes the result writers make.
func jsonQuoted(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// checkJSONPlain fails t when JSONPlain(s) is not whether encoding/json
// writes s as it is between quotes.
func checkJSONPlain(t *testing.T, s string) {
	t.Helper()
	if got, want := JSONPlain(s), jsonQuoted(t, s) == `"`+s+`"`; got != want {
		t.Fatalf("JSONPlain(%q) = %v, encoding/json writes it as it is: %v", s, got, want)
	}
}

// TestJSONPlain holds JSONPlain to encoding/json on every string of up to
// two bytes, on the characters it escapes within text and on the
// scorecard's names.
func TestJSONPlain(t *testing.T) {
	checkJSONPlain(t, "")
	for a := range 256 {
		checkJSONPlain(t, string([]byte{byte(a)}))
		for b := range 256 {
			checkJSONPlain(t, string([]byte{byte(a), byte(b)}))
		}
	}
	for _, s := range []string{"服务态度", "客户情绪未安抚", "回复慢(超3分钟)", "a\u2028b", "好\u2029", "x\"y", `a\b`, "a\nb", "\x7f", "<&>", "\ufffd", "\xed\xa0\x80",
		"\xf0\x9f\x98\x80", "\xf4\x90\x80\x80", "\xe2\x80\xa8", "\xe2\x80\xa7", "\xe2\x80\xaa"} {
		checkJSONPlain(t, s)
	}
}

// FuzzJSONPlain holds JSONPlain to encoding/json on any bytes.
func FuzzJSONPlain(f *testing.F) {
	for _, s := range []string{"服务态度", "a\u2028b", "x\"y", "\xed\xa0\x80", "<&>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkJSONPlain(t, s) })
}
