package report

import (
	"math"
	"testing"
)

// TestAppendScore checks the fast score writer against the general one
// (appendFloat of roundScore) on float32 values spread over [0, 1], on
// both sides of every rounding boundary, and outside the range, alone and
// after other bytes with the next byte appended.
func TestAppendScore(t *testing.T) {
	check := func(s float32) {
		t.Helper()
		got, want := string(appendScore(nil, s)), string(appendFloat(nil, roundScore(s)))
		if got != want {
			t.Fatalf("appendScore(%v) = %s, want %s", s, got, want)
		}
		// appendScoreEdge, which AppendJSONResult calls where scoreFast
		// is not ok, writes any score.
		if got := string(appendScoreEdge(nil, s)); got != want {
			t.Fatalf("appendScoreEdge(%v) = %s, want %s", s, got, want)
		}
		// After what a buffer holds, with room or none: appendScore
		// copies a whole row and cuts b back, so what follows must
		// start right after the score.
		for _, dst := range [][]byte{[]byte("[1,"), append(make([]byte, 0, 16), "[1,"...)} {
			if got := append(appendScore(dst, s), '|'); string(got) != "[1,"+want+"|" {
				t.Fatalf("appendScore(%q, %v) then '|' = %q, want %q", dst, s, got, "[1,"+want+"|")
			}
		}
	}
	for bits := uint32(0); bits <= math.Float32bits(1); bits += 997 {
		check(math.Float32frombits(bits))
	}
	for k := 0; k <= 1001; k++ {
		edge := (float32(k) - 0.5) / 1000
		for _, s := range []float32{edge, math.Nextafter32(edge, -1), math.Nextafter32(edge, 2), float32(k) / 1000} {
			check(s)
		}
	}
	for _, s := range []float32{0, 1, -0.0004, -1, 1.0004, 1.5, 2, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), math.SmallestNonzeroFloat32} {
		check(s)
	}
}
