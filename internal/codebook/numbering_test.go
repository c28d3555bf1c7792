package codebook

import (
	"slices"
	"testing"
)

// TestNumbering checks that keys are numbered in the order first met, that
// a key met again keeps its number, and that the zero value works.
func TestNumbering(t *testing.T) {
	var n Numbering
	for _, c := range []struct {
		key  string
		want int
	}{{"promise.made", 0}, {"threat.legal", 1}, {"promise.made", 0}, {"", 2}, {"threat.legal", 1}} {
		if got := n.Number(c.key); got != c.want {
			t.Fatalf("Number(%q) = %d, want %d", c.key, got, c.want)
		}
	}
	if got, want := n.Names(), []string{"promise.made", "threat.legal", ""}; !slices.Equal(got, want) {
		t.Fatalf("Names() = %q, want %q", got, want)
	}
}
