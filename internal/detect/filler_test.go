package detect

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// isFillerOnlyRef is isFillerOnly as written before fillerChars read
// bytes: a loop over the runes of the stripped text.
func isFillerOnlyRef(s string) bool {
	s = stripEmojiCodes(s)
	for _, r := range s {
		if strings.ContainsRune(" ,.!?~:;()[]-_…~^", r) || r == '！' || r == '～' || r == '。' || r == '，' {
			continue
		}
		if r >= 0x1F000 || (r >= 0x2600 && r <= 0x27BF) { // pictographs
			continue
		}
		return false
	}
	return true
}

// TestFillerChars checks isFillerOnly against isFillerOnlyRef for every
// character alone and between filler and non-filler, for every one- and
// two-byte string, and for every three-byte string with an E0–EF lead
// (valid or not), and checks that stripping emoji codes twice is
// stripping them once (NeedsNoAnswer strips once).
func TestFillerChars(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := isFillerOnly(s), isFillerOnlyRef(s); got != want {
			t.Fatalf("isFillerOnly(%q) = %v, want %v", s, got, want)
		}
		if once := stripEmojiCodes(s); stripEmojiCodes(once) != once {
			t.Fatalf("stripEmojiCodes(%q) is not idempotent", s)
		}
	}
	for r := rune(0); r <= utf8.MaxRune; r++ {
		c := string(r)
		for _, s := range []string{c, "。" + c, c + "…", " " + c + "a", c + "#e-s01"} {
			check(s)
		}
	}
	for a := 0; a < 256; a++ {
		check(string([]byte{byte(a)}))
		for b := 0; b < 256; b++ {
			check(string([]byte{byte(a), byte(b)}))
		}
	}
	for a := 0xE0; a <= 0xEF; a++ {
		for b := 0; b < 256; b++ {
			for c := 0; c < 256; c += 3 {
				check(string([]byte{byte(a), byte(b), byte(c)}))
			}
		}
	}
}

// FuzzFillerChars checks isFillerOnly against isFillerOnlyRef on any
// text, invalid UTF-8 and emoji codes included.
func FuzzFillerChars(f *testing.F) {
	for _, s := range []string{"", "。。", "#e-s[数字x]", "好的#e-s01", "\xe4", "~^_", "👍👍", "☺!", "…\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isFillerOnly(s), isFillerOnlyRef(s); got != want {
			t.Fatalf("isFillerOnly(%q) = %v, want %v", s, got, want)
		}
	})
}
