package ingest

import (
	"strings"
	"testing"
)

// FuzzLooksUTF8 holds looksUTF8 to looksUTF8Loop (what it was before
// its text.ValidUTF8 shortcut) on any head, and on its
// every cut of the last four bytes (characters cut by the peek's end).
func FuzzLooksUTF8(f *testing.F) {
	for _, s := range []string{"", "abc", "你好", "你好\xe4\xbd", "你好\xe4", "\xe4\xbd", "好\xf0\x9f\x98", "好\xf0\x9f\x98\x80",
		"\xc0", "ab\xc3", "ab\xff", "ab\xed\xa0", "ab\xe0\x80", "ab\xf4\x90\x80", strings.Repeat("好", 20) + "\xb0\xa1",
		strings.Repeat("\xb0\xa1", 30) + "你好"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for cut := 0; cut <= 4 && cut <= len(b); cut++ {
			h := b[:len(b)-cut]
			if got, want := looksUTF8(h), looksUTF8Loop(h); got != want {
				t.Fatalf("looksUTF8(%q) = %v, the loop alone says %v", h, got, want)
			}
		}
	})
}
