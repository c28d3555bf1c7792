package classify

import (
	"strings"
	"testing"
)

// TestTrimSpace checks the quick trimSpace against strings.TrimSpace on the
// edges its fast path decides: Chinese and ASCII ends, the spaces just
// below U+4000 (U+3000, U+2028, U+00A0), control spaces and broken UTF-8.
func TestTrimSpace(t *testing.T) {
	for _, s := range []string{
		"", " ", "好", "好的", " 好的", "好的 ", "\u3000好的", "好的\u3000", "好的\u00a0", "\u2028好",
		"ab", "a\t", "\va", "a\r", "\x85a", "a\xc2\x85", "\xe4\xbd", "好\xe4\xbd", "\xbd好", "好\xbd",
		"\xef\xbc\x9f", "？ ", "\xed\xa0\x80", "a\xe3\x80\x80", "\xe3\x80\x80", "\U0001F600", " \U0001F600 ",
	} {
		if got, want := trimSpace(s), strings.TrimSpace(s); got != want {
			t.Errorf("trimSpace(%q) = %q, want %q", s, got, want)
		}
	}
}

// FuzzTrimSpace compares trimSpace with strings.TrimSpace.
func FuzzTrimSpace(f *testing.F) {
	f.Add("好的 ")
	f.Add("\u3000在吗")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := trimSpace(s), strings.TrimSpace(s); got != want {
			t.Fatalf("trimSpace(%q) = %q, want %q", s, got, want)
		}
	})
}
