package text

import (
	"strings"
	"testing"
)

// TestTrimSpace holds TrimSpace to strings.TrimSpace on every string of
// up to two bytes and on every three- and four-byte string of bytes that
// lead, continue or end white space (the ASCII spaces, C2 85/A0, E1 9A 80,
// E2 80 80–AF, E3 80 80 …) and of leads around E4 and EF.
func TestTrimSpace(t *testing.T) {
	check := func(s string) {
		if got, want := TrimSpace(s), strings.TrimSpace(s); got != want {
			t.Fatalf("TrimSpace(%q) = %q, want %q", s, got, want)
		}
	}
	check("")
	for a := 0; a < 256; a++ {
		check(string([]byte{byte(a)}))
		for b := 0; b < 256; b++ {
			check(string([]byte{byte(a), byte(b)}))
		}
	}
	bs := []byte{' ', '\t', '\n', '\v', '\f', '\r', 'a', 0x7F, 0x80, 0x81, 0x85, 0x8A, 0x9A, 0x9F, 0xA0, 0xA8, 0xA9, 0xAF, 0xBF,
		0xC0, 0xC2, 0xDF, 0xE0, 0xE1, 0xE2, 0xE3, 0xE4, 0xE8, 0xED, 0xEF, 0xF0, 0xF4, 0xFF}
	for _, a := range bs {
		for _, b := range bs {
			for _, c := range bs {
				check(string([]byte{a, b, c}))
				for _, d := range bs {
					check(string([]byte{a, b, c, d}))
				}
			}
		}
	}
	for _, s := range []string{"你好", " 你好 ", "你好\u3000", "\u3000你好", "好的\u00a0", "\u2028谢谢", "谢谢\u2029", "x\u205f", "在吗?", "[数字x]",
		// trimSpaceRest: ASCII white space at the ends, then what it leaves.
		"好的 ", "好的。", "好的。 ", "【通知】好的", " 【通知】好的。\n", "好 \u3000 ", "\u3000 好", " \u3000", "\u3000 ", "  ", " \t",
		"你好\u3000 ", " \u3000你好", "好\u00a0 ", " \u00a0好", "好\xe3\x80 ", " \xe3\x80\x80好", "好\xe3\x80\x80\n", "\xe3\x81\x80 ", " \xe3好", "。", " 。 "} {
		check(s)
	}
}

// FuzzTrimSpace holds TrimSpace to strings.TrimSpace on any bytes.
func FuzzTrimSpace(f *testing.F) {
	for _, s := range []string{"你好", " 你好 ", "你好\u3000", "\u00a0好", "a\xe4\xc2\xa0", "\xed\xa0\x80", "谢谢 \n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := TrimSpace(s), strings.TrimSpace(s); got != want {
			t.Fatalf("TrimSpace(%q) = %q, want %q", s, got, want)
		}
	})
}
