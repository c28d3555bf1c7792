package text

import (
	"strings"
	"testing"
)

// TestNormalizeKeepsWords lists words NormalizeKeeps takes and refuses:
// a refused one is not wrong to match in the normalized text, only not
// proven absent by it.
func TestNormalizeKeepsWords(t *testing.T) {
	for _, tc := range []struct {
		p    string
		want bool
	}{
		{"顺丰", true}, {"EMS", true}, {"ems", true}, {"京东Express", true}, {"收到了", true}, {"3C", true},
		{"", false}, {"顺 丰", false}, {"ＥＭＳ", false}, {"顺.丰", false}, {"\xff", false}, {"é", false},
		{"㐀", false}, // extension A: copied too, but outside the range the proof covers
		// Inside an entity's name: "&gt;" decodes to '>', taking a "gt" with it.
		{"gt", false}, {"GT", false}, {"39", false}, {"nbsp", false}, {"quo", false}, {"apo", false},
	} {
		if got := NormalizeKeeps(tc.p); got != tc.want {
			t.Errorf("NormalizeKeeps(%q) = %v, want %v", tc.p, got, tc.want)
		}
	}
}

// FuzzNormalizeKeeps holds NormalizeKeeps to Normalize: a word it takes,
// put anywhere into any text (between entities, fillers, invalid bytes,
// combining marks), is found in the text's normalized form as the word
// normalized, which is the word lower-cased.
func FuzzNormalizeKeeps(f *testing.F) {
	for _, s := range []string{"", "顺 丰", "&gt;&nbsp;", "ab&#39;", "\xe4\xb8", "s\u0301", "加·微", "ＡＢ&", "丶.丶"} {
		f.Add(s, "顺丰", 1)
		f.Add(s, "EMS", 0)
		f.Add(s, "e", 2)
	}
	f.Fuzz(func(t *testing.T, s, p string, at int) {
		if !NormalizeKeeps(p) {
			return
		}
		if np := Normalize(p); np != strings.ToLower(p) {
			t.Fatalf("Normalize(%q) = %q, want it lower-cased", p, np)
		}
		if at < 0 {
			at = -at
		}
		for _, k := range []int{at % (len(s) + 1), 0, len(s)} {
			for _, text := range []string{s[:k] + p + s[k:], s[:k] + p + p + s[k:], p + s[:k] + p} {
				if n := Normalize(text); !strings.Contains(n, strings.ToLower(p)) {
					t.Fatalf("Normalize(%q) = %q holds no %q", text, n, strings.ToLower(p))
				}
			}
		}
	})
}
