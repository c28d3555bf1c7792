package detect

import (
	"math/rand"
	"testing"
)

// nearDuplicateRef and afterNonAnswerRef are the two checks as written
// before they took the Jaccard index from overlap's counts (jaccardOf),
// the reference for TestJaccardOf and FuzzJaccardOf.
func nearDuplicateRef(d *loopDetector, a, b *sig, agreed bool) bool {
	both, na, nb := overlap(a, b)
	small := min(na, nb)
	if agreed {
		return small >= 5 && 10*both >= 9*small
	}
	if jaccard(a, b) >= d.cfg.Similarity {
		return true
	}
	return small >= 5 && 10*both >= 8*small
}

func afterNonAnswerRef(d *loopDetector, a, b *sig) bool {
	both, na, nb := overlap(a, b)
	small := min(na, nb)
	if small < 3 {
		return false
	}
	return jaccard(a, b) >= d.cfg.Similarity/2 || 2*both >= small
}

// checkJaccardOf fails t when jaccardOf or the checks built on it differ
// from jaccard and the reference checks on a and b.
func checkJaccardOf(t *testing.T, d *loopDetector, a, b *sig) {
	t.Helper()
	both, na, nb := overlap(a, b)
	if got, want := jaccardOf(both, na, nb), jaccard(a, b); got != want {
		t.Fatalf("jaccardOf(%v, %v) = %v, jaccard = %v", a.b, b.b, got, want)
	}
	// The detector compares counted signatures (sig.ones).
	a.count()
	b.count()
	if got, want := jaccardCounted(a, b), jaccard(a, b); got != want {
		t.Fatalf("jaccardCounted(%v, %v) = %v, jaccard = %v", a.b, b.b, got, want)
	}
	if gb, ga, gn := overlapCounted(a, b); gb != both || ga != na || gn != nb {
		t.Fatalf("overlapCounted(%v, %v) = %d %d %d, overlap %d %d %d", a.b, b.b, gb, ga, gn, both, na, nb)
	}
	for _, agreed := range []bool{false, true} {
		if got, want := d.nearDuplicate(a, b, agreed), nearDuplicateRef(d, a, b, agreed); got != want {
			t.Fatalf("nearDuplicate(%v, %v, %v) = %v, reference %v", a.b, b.b, agreed, got, want)
		}
	}
	if got, want := d.afterNonAnswer(a, b), afterNonAnswerRef(d, a, b); got != want {
		t.Fatalf("afterNonAnswer(%v, %v) = %v, reference %v", a.b, b.b, got, want)
	}
}

// TestJaccardOf checks every pair of signatures of up to 4 bits in a
// 12-bit space exhaustively, then random pairs of bit sets of every
// density, at the default similarity and others.
func TestJaccardOf(t *testing.T) {
	sims := []float64{DefaultLoopConfig().Similarity, 0.3, 0.5, 0.75, 1}
	// Exhaustive: the low 12 bits of the first word, so overlaps, equal
	// sets and empty sets all occur.
	for _, sim := range sims {
		d := &loopDetector{cfg: DefaultLoopConfig()}
		d.cfg.Similarity = sim
		for x := uint64(0); x < 1<<12; x += 7 {
			for y := uint64(0); y < 1<<12; y += 5 {
				a, b := sig{b: [4]uint64{x}}, sig{b: [4]uint64{y}}
				checkJaccardOf(t, d, &a, &b)
			}
		}
		rng := rand.New(rand.NewSource(int64(sim * 1000)))
		for n := 0; n < 20000; n++ {
			var a, b sig
			for k := range a.b {
				a.b[k] = rng.Uint64() & rng.Uint64() & rng.Uint64()
				b.b[k] = a.b[k] ^ (rng.Uint64() & rng.Uint64() & rng.Uint64() & rng.Uint64())
				if n%3 == 0 {
					b.b[k] = rng.Uint64() & rng.Uint64()
				}
			}
			checkJaccardOf(t, d, &a, &b)
		}
	}
}

// FuzzJaccardOf compares jaccardOf and the checks built on it with the
// reference on arbitrary signatures.
func FuzzJaccardOf(f *testing.F) {
	f.Add(uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0))
	f.Add(uint64(0xFF), uint64(1), uint64(0), uint64(0), uint64(0xF0), uint64(1), uint64(0), uint64(0))
	f.Fuzz(func(t *testing.T, a0, a1, a2, a3, b0, b1, b2, b3 uint64) {
		d := &loopDetector{cfg: DefaultLoopConfig()}
		a, b := sig{b: [4]uint64{a0, a1, a2, a3}}, sig{b: [4]uint64{b0, b1, b2, b3}}
		checkJaccardOf(t, d, &a, &b)
	})
}

// jaccardCounted is jaccard of two counted signatures as Inspect reads it,
// jaccardOf(overlapCounted(a, b)) written out there so that both inline.
func jaccardCounted(a, b *sig) float64 { return jaccardOf(overlapCounted(a, b)) }

// nearDuplicate is nearDuplicateOf of two signatures, as Inspect asks it.
func (d *loopDetector) nearDuplicate(a, b *sig, agreed bool) bool {
	both, na, nb := overlapCounted(a, b)
	return d.nearDuplicateOf(both, na, nb, agreed)
}
