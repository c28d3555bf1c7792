package detect

import (
	"strings"
	"testing"
	"unicode"
)

// isBlankRef is isBlank as first written: the message trimmed of white
// space at both ends is empty.
func isBlankRef(s string) bool { return strings.TrimFunc(s, unicode.IsSpace) == "" }

// TestIsBlankEveryRune compares isBlank with isBlankRef on every
// character alone, between spaces and after one, and on bytes that are
// not UTF-8.
func TestIsBlankEveryRune(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		c := string(r)
		for _, s := range []string{c, " " + c + "\u3000", "\u00a0\t" + c} {
			if got, want := isBlank(s), isBlankRef(s); got != want {
				t.Fatalf("isBlank(%q) = %v, want %v", s, got, want)
			}
		}
	}
	for _, s := range []string{"", " ", "\xff", " \xe3\x80", "\u3000\u2028\u205f\u0085 \n", "\u3000\xe3\x80\x80\x80"} {
		if got, want := isBlank(s), isBlankRef(s); got != want {
			t.Fatalf("isBlank(%q) = %v, want %v", s, got, want)
		}
	}
}

func FuzzIsBlank(f *testing.F) {
	for _, s := range []string{"", " \u3000\t", "\u3000好", "\xe3\x80", "\u00a0\u1680\u2000\u200a\u202f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isBlank(s), isBlankRef(s); got != want {
			t.Fatalf("isBlank(%q) = %v, want %v", s, got, want)
		}
	})
}
