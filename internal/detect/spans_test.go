package detect

import (
	"slices"
	"testing"
)

// coveredSpansRef is coveredSpans as first written, testing the bound on
// spans on every hit.
func coveredSpansRef(in *Input, i int, c ClassID, buf *[maxSpans]span) int {
	if !in.may(i, c) {
		return 0
	}
	hs := in.allHits(i)
	n := 0
	cur := int32(1 << 30)
	for k := len(hs) - 1; k >= 0 && n < maxSpans; k-- {
		h := hs[k]
		if h.Class != c || h.Start >= cur {
			continue
		}
		end := min(h.End, cur)
		if n > 0 && end >= buf[n-1][0] {
			buf[n-1][0] = min(buf[n-1][0], h.Start)
		} else {
			buf[n] = span{h.Start, end}
			n++
		}
		cur = buf[n-1][0]
	}
	for a, b := 0, n-1; a < b; a, b = a+1, b-1 {
		buf[a], buf[b] = buf[b], buf[a]
	}
	return n
}

// TestCoveredSpansMatchesRef compares coveredSpans with the reference on
// random hit lists (ordered by end, as the engine makes them) of two
// classes, overlapping, nested and apart, from none to more spans than
// the buffer holds.
func TestCoveredSpansMatchesRef(t *testing.T) {
	r := uint32(7)
	next := func(n int) int32 {
		r ^= r << 13
		r ^= r >> 17
		r ^= r << 5
		return int32(r % uint32(n))
	}
	for round := 0; round < 50000; round++ {
		var hs []KeywordHit
		end := int32(0)
		for k, n := 0, int(next(40)); k < n; k++ {
			end += next(4) * 3
			hs = append(hs, KeywordHit{Class: ClassID(next(2)), Start: max(0, end-3-3*next(4)), End: end})
		}
		in := &Input{Hits: [][]KeywordHit{hs}}
		for c := ClassID(0); c < 3; c++ {
			var got, want [maxSpans]span
			ng, nw := coveredSpans(in, 0, c, &got), coveredSpansRef(in, 0, c, &want)
			if ng != nw || !slices.Equal(got[:ng], want[:nw]) {
				t.Fatalf("round %d class %d: %v, reference %v (hits %v)", round, c, got[:ng], want[:nw], hs)
			}
		}
	}
}
