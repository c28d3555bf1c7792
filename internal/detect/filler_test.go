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

// hasDigitRunRef is hasDigitRun as written before it read words, the
// reference for TestHasDigitRun and FuzzHasDigitRun.
func hasDigitRunRef(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' && s[i-1] >= '0' && s[i-1] <= '9' {
			return true
		}
	}
	return false
}

// TestHasDigitRun checks hasDigitRun against hasDigitRunRef for two bytes
// from a set around the digits (and their top-bit twins) at every pair of
// positions of strings of up to 19 bytes: within a word, across words and
// in the tail.
func TestHasDigitRun(t *testing.T) {
	edge := []byte{0x00, '/', '0', '5', '9', ':', 0x7F, 0x80, 0xAF, 0xB0, 0xB9, 0xBA, 0xFF, 'a'}
	for n := 0; n <= 19; n++ {
		for p := 0; p < n; p++ {
			for q := p; q < n; q++ {
				for _, a := range edge {
					for _, b := range edge {
						buf := []byte(strings.Repeat("x", n))
						buf[p], buf[q] = a, b
						if q == p+1 && p > 0 {
							buf[p-1] = '7' // a digit before the pair too
						}
						s := string(buf)
						if got, want := hasDigitRun(s), hasDigitRunRef(s); got != want {
							t.Fatalf("hasDigitRun(%q) = %v, want %v", s, got, want)
						}
					}
				}
			}
		}
	}
	for w := uint64(0); w < 1<<16; w++ { // every pair of bytes in lanes 0-1 and 6-7
		for _, sh := range []uint{0, 48} {
			x := w << sh
			var want uint64
			for k := uint(0); k < 64; k += 8 {
				if b := byte(x >> k); b >= '0' && b <= '9' {
					want |= 0x80 << k
				}
			}
			if got := digits8(x); got != want {
				t.Fatalf("digits8(%#x) = %#x, want %#x", x, got, want)
			}
		}
	}
}

// FuzzHasDigitRun checks hasDigitRun against hasDigitRunRef on any text.
func FuzzHasDigitRun(f *testing.F) {
	for _, s := range []string{"", "1", "12", "订单1号2", "电话是13800138000", "1234567a8", "abcdefg12", "abcdefgh9x9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := hasDigitRun(s), hasDigitRunRef(s); got != want {
			t.Fatalf("hasDigitRun(%q) = %v, want %v", s, got, want)
		}
	})
}
