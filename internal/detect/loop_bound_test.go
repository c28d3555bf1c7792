package detect

import (
	"math/rand/v2"
	"testing"
)

// TestJaccardBound checks that jaccardBound is never below the similarity
// it bounds, jaccardOf of the overlap, on random signatures and on pairs
// of which one holds the other (where the two are equal): the loop
// detector skips a pair whose bound is under the threshold, which is
// right only if its similarity is under it too.
func TestJaccardBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	randomSig := func(density uint) sig {
		var g sig
		for k := range g.b {
			for range density {
				g.b[k] |= 1 << rng.IntN(64)
			}
		}
		g.count()
		return g
	}
	check := func(a, b sig) {
		t.Helper()
		j := jaccardOf(overlapCounted(&a, &b))
		if bound := jaccardBound(&a, &b); j > bound {
			t.Fatalf("jaccard %v over its bound %v (%d and %d bits)", j, bound, a.ones, b.ones)
		}
		for _, th := range []float64{0.5, 0.8, 0.9, 1} {
			if jaccardBound(&a, &b) < th && j >= th {
				t.Fatalf("threshold %v: bound %v rules out jaccard %v", th, jaccardBound(&a, &b), j)
			}
		}
	}
	var empty sig
	check(empty, empty)
	for n := 0; n < 20000; n++ {
		a := randomSig(uint(rng.IntN(12)))
		b := randomSig(uint(rng.IntN(12)))
		check(a, b)
		// b within a: the similarity is the sizes' ratio.
		for k := range b.b {
			b.b[k] = a.b[k] &^ (1 << rng.IntN(64)) &^ (1 << rng.IntN(64) * uint64(rng.IntN(2)))
		}
		b.count()
		check(a, b)
		check(b, a)
	}
}
