package analyze

import (
	"slices"
	"testing"
)

// TestAppendWritten holds appendWritten to append: the same elements in
// the same order through every growth, and a zero tail past them.
func TestAppendWritten(t *testing.T) {
	var got, want []memContact
	for i := range 5000 {
		r := memContact{id: string(rune('a' + i%26)), start: int64(i)}
		got, want = appendWritten(got, r), append(want, r)
		if !slices.Equal(got, want) {
			t.Fatalf("after %d appends: got %d elements, differing from append", i+1, len(got))
		}
		if tail := got[len(got):cap(got)]; slices.ContainsFunc(tail, func(c memContact) bool { return c != memContact{} }) {
			t.Fatalf("after %d appends: the tail past the elements is not zero", i+1)
		}
	}
}
