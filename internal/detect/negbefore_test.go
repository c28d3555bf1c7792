package detect

import (
	"strings"
	"testing"
)

// negBeforeRef is negBefore as it was before it tested the last byte
// first: the reference of TestNegBefore.
func negBeforeRef(before string) bool {
	for _, w := range [...]string{"不", "没", "别"} {
		if strings.HasSuffix(before, w) {
			return true
		}
	}
	return strings.HasSuffix(before, "请") && !strings.HasSuffix(before, "申请")
}

// TestNegBefore checks negBefore against the code it replaces on every
// string of up to three pieces of the words, their bytes, other Chinese
// and ASCII, and on every string of one or two bytes.
func TestNegBefore(t *testing.T) {
	pieces := []string{"不", "没", "别", "请", "申请", "申", "中", "a", "\x8d", "\xa1", "\xab", "\xb7", "\xe4\xb8", "\xe8\xaf", ""}
	check := func(s string) {
		if got, want := negBefore(s), negBeforeRef(s); got != want {
			t.Fatalf("negBefore(%q) = %v, want %v", s, got, want)
		}
	}
	for _, a := range pieces {
		for _, b := range pieces {
			for _, c := range pieces {
				check(a + b + c)
			}
		}
	}
	for x := range 256 {
		check(string([]byte{byte(x)}))
		for y := range 256 {
			check(string([]byte{byte(x), byte(y)}))
		}
	}
}

// FuzzNegBefore checks negBefore against the code it replaces.
func FuzzNegBefore(f *testing.F) {
	for _, s := range []string{"就不", "请", "申请", "没", "别别"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := negBefore(s), negBeforeRef(s); got != want {
			t.Fatalf("negBefore(%q) = %v, want %v", s, got, want)
		}
	})
}
