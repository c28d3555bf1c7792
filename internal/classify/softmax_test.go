package classify

import (
	"bytes"
	"context"
	"math"
	"testing"
)

// TestSoftmaxTrainEncode trains a three-class model on a separable toy
// set, checks it learnt it, and that its weights survive encoding (to 16
// bits) with the decision, the same model giving the same bytes.
func TestSoftmaxTrainEncode(t *testing.T) {
	var s MultiSet
	for i := range 60 {
		c := i % 3
		s.Add([]uint32{uint32(10 + c), 99}, []float32{1, 1}, c)
	}
	rows := make([]int32, s.Len())
	for i := range rows {
		rows[i] = int32(i)
	}
	cfg := SoftmaxConfig{K: 3, Bits: 8, Seed: 1, Epochs: 20, LR: 0.3, L2: 1e-4, ClassW: []float32{1, 1, 2}}
	m, err := TrainSoftmax(context.Background(), cfg, &s, rows)
	if err != nil {
		t.Fatal(err)
	}
	p := make([]float32, 3)
	for c := range 3 {
		m.Probs([]uint32{uint32(10 + c), 99}, []float32{1, 1}, p)
		if p[c] < 0.8 {
			t.Errorf("class %d: p %v", c, p)
		}
		if sum := p[0] + p[1] + p[2]; sum < 0.999 || sum > 1.001 {
			t.Errorf("probabilities sum to %f", sum)
		}
	}
	m.Threshold, m.OrRules, m.Unresolved = 0.6, 0b1100, 2
	var a, b bytes.Buffer
	if err := EncodeSoftmax(&a, m); err != nil {
		t.Fatal(err)
	}
	if err := EncodeSoftmax(&b, m); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("same model, different bytes")
	}
	d, err := DecodeSoftmax(a.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if d.K != 3 || d.Bits != 8 || d.Threshold != 0.6 || d.OrRules != 0b1100 || d.Unresolved != 2 {
		t.Fatalf("decoded %+v", d)
	}
	q := make([]float32, 3)
	for c := range 3 {
		m.Probs([]uint32{uint32(10 + c), 99}, []float32{1, 1}, p)
		d.Probs([]uint32{uint32(10 + c), 99}, []float32{1, 1}, q)
		for k := range p {
			if diff := p[k] - q[k]; diff > 1e-3 || diff < -1e-3 {
				t.Errorf("class %d: %v before encoding, %v after", c, p, q)
			}
		}
	}
	for _, bad := range [][]byte{nil, []byte("FQSMX001"), append([]byte("FQSMX001"), make([]byte, 40)...)} {
		if _, err := DecodeSoftmax(bad); err == nil {
			t.Errorf("decoded %d bad bytes", len(bad))
		}
	}
}

// TestEmbeddedEnding checks the embedded ending classifier decodes with
// three classes and a decision.
func TestEmbeddedEnding(t *testing.T) {
	m, err := LoadEmotion()
	if err != nil {
		t.Fatal(err)
	}
	w, bias, bits, unres, th, _ := m.EndingWeights()
	if w == nil {
		t.Skip("no ending classifier embedded")
	}
	if len(bias) != 3 || len(w) != 3<<bits || unres != 2 || th <= 0 || th >= 1 {
		t.Fatalf("%d weights, %d biases, %d bits, class %d, threshold %v", len(w), len(bias), bits, unres, th)
	}
}

// softmaxRef is softmax as it was before it skipped the exp(0) of the
// largest logit.
func softmaxRef(z [nClasses]float32) [nClasses]float32 {
	mx := z[0]
	for _, v := range z[1:] {
		mx = max(mx, v)
	}
	var p [nClasses]float32
	var sum float32
	for k, v := range z {
		p[k] = float32(math.Exp(float64(v - mx)))
		sum += p[k]
	}
	for k := range p {
		p[k] /= sum
	}
	return p
}

// checkSoftmax compares softmax with softmaxRef to the bit.
func checkSoftmax(t *testing.T, z [nClasses]float32) {
	t.Helper()
	got, want := softmax(z), softmaxRef(z)
	for k := range got {
		if math.Float32bits(got[k]) != math.Float32bits(want[k]) {
			t.Fatalf("softmax(%v) = %v, softmaxRef %v", z, got, want)
		}
	}
}

// TestSoftmaxMatchesRef checks softmax against softmaxRef on ties, zeros,
// extreme and ordinary logits.
func TestSoftmaxMatchesRef(t *testing.T) {
	if math.Exp(0) != 1 {
		t.Fatalf("exp(0) = %v", math.Exp(0))
	}
	vals := []float32{0, -0.0, 1, -1, 0.5, 3.25, -7.1, 40, -40, 88, -104, 1e-30, math.MaxFloat32 / 4, -math.MaxFloat32 / 4}
	for _, a := range vals {
		for _, b := range vals {
			for _, c := range vals {
				checkSoftmax(t, [nClasses]float32{a, b, c})
			}
		}
	}
}

// FuzzSoftmaxMatchesRef checks softmax against softmaxRef on any finite
// logits.
func FuzzSoftmaxMatchesRef(f *testing.F) {
	f.Add(float32(0.3), float32(-1.2), float32(0.3))
	f.Fuzz(func(t *testing.T, a, b, c float32) {
		for _, v := range []float32{a, b, c} {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return
			}
		}
		checkSoftmax(t, [nClasses]float32{a, b, c})
	})
}

// endNSRef is endNS in scoring mode as it was before its three classes
// were written out: the loop over the classes.
func (a *acc) endNSRef(v float32) {
	for k := range a.part {
		a.logit[k] += float32(a.part[k]) * a.scale * v
		a.part[k] = 0
	}
}

// TestEndNSMatchesRef holds endNS in scoring mode to endNSRef, to the
// bit, on sums, scales, values and logits from random bits and the ends
// of their ranges (zeros, the largest sums, subnormal and huge scales,
// infinities and NaNs).
func TestEndNSMatchesRef(t *testing.T) {
	r := rng{s: 11}
	parts := []int32{0, 1, -1, 1 << 30, math.MaxInt32, math.MinInt32, 12345, -777}
	floats := []float32{0, 1, -1, 0.25, 1e-42, 3e38, float32(math.Inf(1)), float32(math.NaN()), 1 / 3.0}
	pick := func() float32 {
		if r.next()%3 == 0 {
			return floats[r.next()%uint64(len(floats))]
		}
		return math.Float32frombits(uint32(r.next()))
	}
	tbl := new(weightTable) // scoring mode: endNS reads no row
	for range 200000 {
		a := acc{tbl: tbl, scale: pick()}
		for k := range a.part {
			if r.next()%2 == 0 {
				a.part[k] = parts[r.next()%uint64(len(parts))]
			} else {
				a.part[k] = int32(r.next())
			}
			a.logit[k] = pick()
		}
		b := a
		v := pick()
		a.endNS(v)
		b.endNSRef(v)
		for k := range a.logit {
			if math.Float32bits(a.logit[k]) != math.Float32bits(b.logit[k]) || a.part != b.part {
				t.Fatalf("endNS(%v): logits %v, sums %v; endNSRef %v, %v", v, a.logit, a.part, b.logit, b.part)
			}
		}
	}
}
