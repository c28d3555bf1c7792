package text

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// checkValid fails t when ValidUTF8 and the library disagree on s, as a
// string or as a []byte.
func checkValid(t *testing.T, s string) {
	t.Helper()
	if got, want := ValidUTF8(s), utf8.ValidString(s); got != want {
		t.Fatalf("ValidUTF8(%q) = %v, want %v", s, got, want)
	}
	if got, want := ValidUTF8([]byte(s)), utf8.Valid([]byte(s)); got != want {
		t.Fatalf("ValidUTF8([]byte(%q)) = %v, want %v", s, got, want)
	}
}

// TestValidUTF8 checks ValidUTF8 against the library on every string of
// up to three bytes with a byte from a set that covers every class of
// lead and continuation byte, after Chinese text of two and three
// characters (so that the two-character path meets every alignment) and
// before more, and on every character between Chinese text on either
// side and after eight ASCII bytes.
func TestValidUTF8(t *testing.T) {
	var bs []byte
	for b := 0; b < 256; b += 5 {
		bs = append(bs, byte(b))
	}
	bs = append(bs, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x9F, 0xA0)
	var try func(s []byte, n int)
	try = func(s []byte, n int) {
		for _, pre := range []string{"", "好好", "好好好", "abcdefg"} {
			checkValid(t, pre+string(s)+"的的的")
			checkValid(t, pre+string(s))
		}
		if n == 0 {
			return
		}
		for _, b := range bs {
			try(append(s, b), n-1)
		}
	}
	try(nil, 3)
	for r := rune(0); r <= utf8.MaxRune+1; r++ {
		checkValid(t, "退款"+string(r)+"好的"+string(r))
		checkValid(t, "abcdefgh"+string(r))
	}
}

// TestValidUTF8Pieces checks ValidUTF8 on every pair of characters of
// each length class (valid or not) between Chinese text, at every offset
// from a load's start.
func TestValidUTF8Pieces(t *testing.T) {
	pieces := []string{"a", "退", "款", "\xe0\xa0\x80", "\xed\x9f\xbf", "\xed\xa0\x80", "\xe0\x80\x80", "\xc2\xa0", "\xf0\x9f\x98\x80", "\xff", "\x80", "\xe4\xb8", "\xef\xbf\xbf"}
	for pre := 0; pre < 8; pre++ {
		for _, p := range pieces {
			for _, q := range pieces {
				checkValid(t, strings.Repeat("x", pre)+"退款申请"+p+"退款"+q+"申请退款")
				checkValid(t, strings.Repeat("x", pre)+p+"abc"+q)
			}
		}
	}
}

// FuzzValidUTF8 checks ValidUTF8 against the library, on strings and on
// []byte.
func FuzzValidUTF8(f *testing.F) {
	for _, s := range []string{"", "好的", "退款申请", "\xed\xa0\x80好", "好\xe0\x80\x80的的", "好的好\xe4\xb8", "abc\xff",
		"\xe0\x80\xaf", "\xef\xbf\xbd", "a\xffb", "𝄞", "the agent replied after 3m12s",
		"退款申请，谢谢", "\xed\xa0\x80退款申请", "退款\xe0\x80\xaf申请", "ab退款申请cd\xef\xbf\xbd", "a\xffb退款申请退款申请", "退款申\xe4\xb8", "𝄞退款申请退款申请"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkValid(t, s) })
}
