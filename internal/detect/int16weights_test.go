package detect

import (
	"math"
	"testing"

	"fullqa/internal/classify"
)

// checkSteps checks that int16Weights recovers w: every weight is its
// step times the scale, to the bit.
func checkSteps(t *testing.T, name string, w []float32) {
	t.Helper()
	q, scale, ok := int16Weights(w)
	if !ok || len(q) != len(w) {
		t.Fatalf("%s: %d weights not recovered as int16 steps", name, len(w))
	}
	for i, v := range w {
		if math.Float32bits(stepWeight(q[i], scale)) != math.Float32bits(v) {
			t.Fatalf("%s: weight %d is %v, its step %d × %v gives %v", name, i, v, q[i], scale, stepWeight(q[i], scale))
		}
	}
}

// TestInt16WeightsEmbedded checks, weight by weight, that the scorers'
// int16 tables give the float32 tables the shipped weights files decode
// to: the negative-emotion scorer, the promise scorer and the ending
// classifier.
func TestInt16WeightsEmbedded(t *testing.T) {
	emo, err := classify.LoadEmotion()
	if err != nil {
		t.Fatal(err)
	}
	if w, _, _ := emo.NegativeWeights(); len(w) > 0 {
		checkSteps(t, "negative", w)
	}
	if w, _, _, _, _, _ := emo.EndingWeights(); len(w) > 0 {
		checkSteps(t, "ending", w)
	}
	l, err := classify.DecodeLinear(embeddedPromise)
	if err != nil {
		t.Fatal(err)
	}
	checkSteps(t, "promise", l.W)
}

// TestInt16StepsHandedOver checks that the int16 steps and scale
// classify's readers hand over (which int16Table takes instead of
// recovering them) give, weight by weight and to the bit, the float32
// tables they decoded, for the negative-emotion scorer, the ending
// classifier and the promise scorer, and that int16Table takes them.
func TestInt16StepsHandedOver(t *testing.T) {
	emo, err := classify.LoadEmotion()
	if err != nil {
		t.Fatal(err)
	}
	l, err := classify.DecodeLinear(embeddedPromise)
	if err != nil {
		t.Fatal(err)
	}
	nw, _, _ := emo.NegativeWeights()
	nq, ns := emo.NegativeSteps()
	ew, _, _, _, _, _ := emo.EndingWeights()
	eq, es := emo.EndingSteps()
	for _, c := range []struct {
		name  string
		w     []float32
		q     []int16
		scale float32
	}{{"negative", nw, nq, ns}, {"ending", ew, eq, es}, {"promise", l.W, l.Steps, l.Scale}} {
		if len(c.w) == 0 {
			continue
		}
		if len(c.q) != len(c.w) {
			t.Fatalf("%s: %d steps for %d weights", c.name, len(c.q), len(c.w))
		}
		for i, v := range c.w {
			if math.Float32bits(stepWeight(c.q[i], c.scale)) != math.Float32bits(v) {
				t.Fatalf("%s: weight %d is %v, its step %d × %v gives %v", c.name, i, v, c.q[i], c.scale, stepWeight(c.q[i], c.scale))
			}
		}
		if q, scale, ok := int16Table(c.w, c.q, c.scale); !ok || &q[0] != &c.q[0] || scale != c.scale {
			t.Errorf("%s: int16Table did not take the steps handed over", c.name)
		}
	}
}

// TestInt16WeightsSynthetic checks int16Weights on tables quantised with
// steps from tiny to large (the largest weight at ±32767 steps, as
// classify writes them), on an all-zero table, and that a weight off the
// grid or past int16 makes it refuse the table.
func TestInt16WeightsSynthetic(t *testing.T) {
	checkSteps(t, "zeros", make([]float32, 100))
	for _, scale := range []float32{1e-7, 3.0517578e-05, 0.00012345, 0.01, 1.0 / 3, 1, 7.77, 1234.5} {
		w := make([]float32, 4096)
		for i := range w {
			w[i] = float32(int16((i*7919)%65535-32767)) * scale
		}
		w[17] = float32(-32767) * scale
		checkSteps(t, "synthetic", w)
		w[5] = math.Nextafter32(w[5], float32(math.Inf(1)))
		if _, _, ok := int16Weights(w); ok {
			t.Errorf("step %v: a weight off the grid accepted", scale)
		}
	}
	if _, _, ok := int16Weights([]float32{1, 40000}); ok {
		t.Error("a weight of 40000 steps accepted")
	}
}

// TestLearnedScoresMatchFloatTables checks, on the JDDC dev chats, that
// the learned negative-emotion scorer and the ending classifier, which
// read int16 tables, give to the bit what classify's Linear.Prob and
// Softmax.Probs give over the same features with the float32 tables of
// the weights files.
func TestLearnedScoresMatchFloatTables(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the JDDC sample")
	}
	emo, err := classify.LoadEmotion()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := NewEngine(Registry(DefaultConfig(), testLexicon(t)), emo)
	if err != nil {
		t.Fatal(err)
	}
	if eng.neg == nil || eng.end == nil {
		t.Skip("the binary carries no negative-emotion scorer or ending classifier")
	}
	nw, nb, _ := emo.NegativeWeights()
	neg := classify.Linear{W: nw, Bias: nb}
	ew, eb, bits, _, _, _ := emo.EndingWeights()
	end := classify.Softmax{K: NumEndingClasses, Bits: bits, W: ew, Bias: eb}
	var sc Scratch
	negs, ends := 0, 0
	for _, c := range jddcConvs(t) {
		in, out := eng.Inspect(c, &sc)
		eng.NegativeFeatures(in, func(msg int, rule bool, idx []uint32, val []float32) {
			var f negFeats
			f.n = copy(f.idx[:], idx)
			copy(f.val[:], val)
			if got, want := eng.neg.prob(&f), neg.Prob(idx, val); math.Float32bits(got) != math.Float32bits(want) {
				t.Fatalf("%s message %d: negative scorer %v, float table %v", c.ID, msg, got, want)
			}
			negs++
		})
		eng.EndingFeatures(in, &out, func(why int, idx []uint32, val []float32) {
			var f endFeats
			f.n = copy(f.idx[:], idx)
			copy(f.val[:], val)
			got := eng.end.probs(&f)
			want := make([]float32, NumEndingClasses)
			end.Probs(idx, val, want)
			for k := range got {
				if math.Float32bits(got[k]) != math.Float32bits(want[k]) {
					t.Fatalf("%s: ending classifier %v, float table %v", c.ID, got, want)
				}
			}
			ends++
		})
	}
	t.Logf("%d customer messages, %d endings", negs, ends)
	if negs == 0 || ends == 0 {
		t.Fatalf("%d customer messages and %d endings scored", negs, ends)
	}
}
