package detect

import (
	"math"
	"math/rand"
	"testing"
)

// sumRef is learnedNegative.sum as first written: every weight its int16
// step converted and scaled (stepWeight) as it is added.
func sumRef(m *learnedNegative, z float32, f *negFeats, from int) float32 {
	for k := from; k < f.n; k++ {
		z += stepWeight(m.w[f.idx[k]&(1<<NegativeBits-1)], m.scale) * f.val[k]
	}
	return z
}

// TestNegWeightsFloat checks the float32 weights withUni works out (wf)
// against stepWeight of every step, and sum, which reads them (sumSteps
// for a scorer without them, the English scorer's case), and prob against
// sumRef to the bit, for the shipped scorer, a random one and one without
// the table, on random features.
func TestNegWeightsFloat(t *testing.T) {
	models := []*learnedNegative{randomNegative(9)}
	if eng := defaultEngine(t); eng.neg != nil {
		models = append(models, eng.neg)
	}
	bare := *randomNegative(10)
	bare.wf, bare.uni = nil, nil
	models = append(models, &bare)
	rng := rand.New(rand.NewSource(16))
	for mi, m := range models {
		if m.wf != nil {
			for k, q := range m.w {
				if got, want := m.wf[k], stepWeight(q, m.scale); math.Float32bits(got) != math.Float32bits(want) {
					t.Fatalf("model %d: wf[%#x] = %v, want %v", mi, k, got, want)
				}
			}
		}
		for r := range 2000 {
			var f negFeats
			f.n = rng.Intn(maxNegFeats + 1)
			for k := range f.n {
				f.idx[k] = featureIndex(uint32(rng.Intn(32)), rng.Uint32(), 0, NegativeBits)
				f.val[k] = [...]float32{1, float32(1 / math.Sqrt(float64(1+rng.Intn(96)))), rng.Float32() * 100, -rng.Float32()}[rng.Intn(4)]
			}
			from := rng.Intn(f.n + 1)
			z := float32(rng.NormFloat64())
			sum := m.sumSteps
			if m.wf != nil {
				sum = m.sum
			}
			if got, want := sum(z, &f, from), sumRef(m, z, &f, from); math.Float32bits(got) != math.Float32bits(want) {
				t.Fatalf("model %d, features %d from %d: sum %v, reference %v", mi, r, from, got, want)
			}
			if got, want := m.prob(&f), sigmoid(sumRef(m, m.bias, &f, 0)); math.Float32bits(got) != math.Float32bits(want) {
				t.Fatalf("model %d, features %d: prob %v, reference %v", mi, r, got, want)
			}
		}
	}
}
