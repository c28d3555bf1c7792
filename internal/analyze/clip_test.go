package analyze

import (
	"strings"
	"testing"
)

// clipRange is clip as it was: the characters counted by range over s.
// FuzzClip and TestClipExhaustive hold clip to it.
func clipRange(s string, n int) string {
	s = strings.TrimSpace(s)
	k := 0
	for i := range s {
		if k == n {
			return s[:i] + "…"
		}
		k++
	}
	return s
}

// FuzzClip holds clip, which counts characters with text.RuneOffset, to
// clipRange, the range loop it replaced: the same cut, on any bytes.
func FuzzClip(f *testing.F) {
	for _, s := range []string{"", "  你好，请问什么时候发货？ ", "abc", "\xe4\xb8", "\xed\xa0\x80x", "\xe0\x80\x80好",
		"\xef\xbf\xbd", "a\x80b", "顺丰快递已经到了广州转运中心，预计明天送达", " \t\n"} {
		for _, n := range []int{0, 1, 2, 3, 40, 60} {
			f.Add(s, n)
		}
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || n > 200 {
			return
		}
		if got, want := clip(s, n), clipRange(s, n); got != want {
			t.Fatalf("clip(%q, %d) = %q, want %q", s, n, got, want)
		}
	})
}

// TestClipExhaustive: every string of up to four bytes drawn from bytes
// that start, continue or break characters of every length, cut at every
// count up to five.
func TestClipExhaustive(t *testing.T) {
	alpha := []byte{' ', 'a', 0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe1, 0xe2, 0xe4, 0xec, 0xed, 0xee, 0xef,
		0xf0, 0xf4, 0xf5, 0xff}
	var buf []byte
	var rec func(depth int)
	rec = func(depth int) {
		s := string(buf)
		for n := 0; n <= 5; n++ {
			if got, want := clip(s, n), clipRange(s, n); got != want {
				t.Fatalf("clip(%q, %d) = %q, want %q", s, n, got, want)
			}
		}
		if depth == 4 {
			return
		}
		for _, c := range alpha {
			buf = append(buf, c)
			rec(depth + 1)
			buf = buf[:len(buf)-1]
		}
	}
	rec(0)
	// And longer texts: the clipped Chinese quotes the contacts keep.
	for _, s := range []string{strings.Repeat("请问什么时候发货", 20), strings.Repeat("ab好\xe4\xb8", 30)} {
		for n := 0; n < 80; n++ {
			if got, want := clip(s, n), clipRange(s, n); got != want {
				t.Fatalf("clip(%q, %d) = %q, want %q", s, n, got, want)
			}
		}
	}
}
