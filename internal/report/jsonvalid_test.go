package report

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkValidString fails t when appendValidString writes valid UTF-8 s
// otherwise than appendString.
func checkValidString(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		return
	}
	if got, want := appendValidString(nil, s), appendString(nil, s); !bytes.Equal(got, want) {
		t.Fatalf("appendValidString(%q) = %s, appendString %s", s, got, want)
	}
}

// TestAppendValidString holds appendValidString to appendString on every
// valid string of up to two bytes, on every character next to the ones
// that are escaped (U+2027–U+202A, the E2 80 block), at every offset of
// an eight-byte word, and on random texts of Chinese, ASCII, escapes and
// other E2 characters.
func TestAppendValidString(t *testing.T) {
	for a := range 256 {
		checkValidString(t, string([]byte{byte(a)}))
		for b := range 256 {
			checkValidString(t, string([]byte{byte(a), byte(b)}))
		}
	}
	pieces := []string{"好", "的", "a", "1", " ", "\"", "\\", "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f", "\x7f", "<", "&",
		"\u2027", "\u2028", "\u2029", "\u202a", "\u2000", "—", "…", "“", "\u00e2", "é", "😀", "\uffff", "，", "。"}
	for _, p := range pieces {
		for _, q := range pieces {
			for pad := range 10 {
				checkValidString(t, strings.Repeat("x", pad)+p+q)
				checkValidString(t, strings.Repeat("中", pad)+p+q+strings.Repeat("y", pad))
			}
		}
	}
	rng := rand.New(rand.NewPCG(13, 14))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(30) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		checkValidString(t, b.String())
	}
}

// FuzzAppendValidString holds appendValidString to appendString on valid
// UTF-8.
func FuzzAppendValidString(f *testing.F) {
	for _, s := range []string{"好的\u2028谢谢", "a\"b\\c\nd", "——“你好”…", "中文中文中文中文\u2029"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkValidString(t, s) })
}
