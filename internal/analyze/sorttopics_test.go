package analyze

import (
	"slices"
	"strings"
	"testing"
)

// topicsOf makes topics from text: a topic per line, its kind the part
// before the first tab (the value the rest), so that kinds and values
// of any bytes, empty ones included, can be tried.
func topicsOf(s string) []Topic {
	var ts []Topic
	for _, line := range strings.Split(s, "\n") {
		k, v, _ := strings.Cut(line, "\t")
		ts = append(ts, Topic{k, v})
	}
	return ts
}

// checkSortTopics holds sortTopics to slices.SortFunc with compareTopics
// (the sort it replaced) and stringLess to < on the topics of s.
func checkSortTopics(t *testing.T, s string) {
	t.Helper()
	got, want := topicsOf(s), topicsOf(s)
	sortTopics(got)
	slices.SortFunc(want, compareTopics)
	if !slices.Equal(got, want) {
		t.Fatalf("%q: sortTopics %q, slices.SortFunc %q", s, got, want)
	}
	for i := 1; i < len(want); i++ {
		a, b := want[i-1], want[i]
		if stringLess(a.Kind, b.Kind) != (a.Kind < b.Kind) || stringLess(b.Value, a.Value) != (b.Value < a.Value) {
			t.Fatalf("stringLess of %q and %q differs from <", a, b)
		}
	}
}

// TestSortTopics: the kinds Topics.of makes with codes, scenes and
// couriers, repeats, empty kinds and values, values that share a first
// byte, and more topics than the insertion sort takes.
func TestSortTopics(t *testing.T) {
	for _, s := range []string{"", "code\tb", "sku\tA1\nsku_scene\tA1×退款\nscene\t退款\ncode\temotion.negative\ncode\tresponse.slow\ncourier\t顺丰\ncode\temotion.negative",
		"code\tb\ncode\ta\n\tz\ncode\t\ncode\tab\ncode\taa\nc\tx\ncode\tb"} {
		checkSortTopics(t, s)
	}
	var b strings.Builder
	for i := 0; i < 40; i++ {
		b.WriteString([]string{"code\tx", "scene\ty", "sku\tz", "code\tw"}[i*7%4])
		b.WriteString(strings.Repeat("q", i%5))
		b.WriteString("\n")
	}
	checkSortTopics(t, b.String())
}

// FuzzSortTopics holds sortTopics to slices.SortFunc on any topics.
func FuzzSortTopics(f *testing.F) {
	f.Add("sku\tA1\nsku_scene\tA1×退款\nscene\t退款\ncode\temotion.negative\ncode\tresponse.slow\ncourier\t顺丰")
	f.Add("code\tb\ncode\ta\n\tz\ncode\t\ncode\tab")
	f.Fuzz(checkSortTopics)
}
