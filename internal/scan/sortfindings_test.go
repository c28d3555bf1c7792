package scan

import (
	"cmp"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"fullqa/internal/conversation"
)

// sortFindingsRef is how findings were sorted before sortFindings.
func sortFindingsRef(fs []conversation.Finding) {
	slices.SortStableFunc(fs, func(a, b conversation.Finding) int {
		first := func(f conversation.Finding) int {
			if len(f.Messages) == 0 {
				return 1 << 30
			}
			return f.Messages[0]
		}
		return cmp.Compare(first(a), first(b))
	})
}

// findingsOf makes findings from bytes: each byte one finding, its first
// message the byte's low four bits (none for 15, so those go last), its
// code its place, so that the order of equal keys shows.
func findingsOf(b []byte) []conversation.Finding {
	fs := make([]conversation.Finding, len(b))
	for i, x := range b {
		fs[i].Code = strconv.Itoa(i)
		if x&15 != 15 {
			fs[i].Messages = []int{int(x & 15), i}
		}
	}
	return fs
}

// checkSortFindings holds sortFindings to sortFindingsRef on the findings
// made of b.
func checkSortFindings(t *testing.T, b []byte) {
	t.Helper()
	got, want := findingsOf(b), findingsOf(b)
	sortFindings(got)
	sortFindingsRef(want)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%v: sortFindings %v, slices.SortStableFunc %v", b, got, want)
	}
}

// TestSortFindings: none, one, in order, reversed, all equal, and every
// arrangement of keys 0–2 in four findings, at lengths on both sides of
// the insertion sort's 32.
func TestSortFindings(t *testing.T) {
	for _, b := range [][]byte{nil, {3}, {1, 2, 2, 3, 15}, {15, 3, 2, 1, 0}, {5, 5, 5, 5}} {
		checkSortFindings(t, b)
	}
	for n := 0; n < 81; n++ {
		checkSortFindings(t, []byte{byte(n % 3), byte(n / 3 % 3), byte(n / 9 % 3), byte(n / 27 % 3)})
	}
	for _, n := range []int{31, 32, 33, 40} {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(n - i)
		}
		checkSortFindings(t, b)
	}
}

// FuzzSortFindings holds sortFindings to slices.SortStableFunc on any
// findings' first messages (bytes, see findingsOf).
func FuzzSortFindings(f *testing.F) {
	f.Add([]byte{3, 1, 2, 1, 15, 0})
	f.Add([]byte("the findings of a long conversation, past thirty-two"))
	f.Fuzz(func(t *testing.T, b []byte) { checkSortFindings(t, b) })
}
