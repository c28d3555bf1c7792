package detect

import "testing"

// TestNameListsAreCopies checks that the class and tag name lists handed
// to importers are copies: changing one must not reorder the classes or
// tags under the shipped weights.
func TestNameListsAreCopies(t *testing.T) {
	for _, c := range []struct {
		name string
		get  func() []string
		n    int
	}{
		{"EndingClasses", EndingClasses, NumEndingClasses},
		{"EndingRuleReasons", EndingRuleReasons, len(endingRuleReasons)},
		{"LearnedTags", LearnedTags, NumLearnedTags},
	} {
		a := c.get()
		if len(a) != c.n {
			t.Fatalf("%s: %d names, want %d", c.name, len(a), c.n)
		}
		want := a[len(a)-1]
		a[len(a)-1] = "changed"
		if got := c.get()[len(a)-1]; got != want {
			t.Errorf("%s: changing a returned list changed the package's: got %q, want %q", c.name, got, want)
		}
	}
}
