package detect

import "math"

// negativeSteps and endingSteps are implemented by emotion models that
// hand over the int16 steps and scale their negative-emotion scorer's and
// ending classifier's tables were read from (internal/classify's does):
// NegativeWeights' and EndingWeights' tables are those steps times the
// scale, which int16Weights would otherwise recover.
type negativeSteps interface {
	NegativeSteps() (steps []int16, scale float32)
}

type endingSteps interface {
	EndingSteps() (steps []int16, scale float32)
}

// int16Table returns the int16 steps and scale of the weights table w:
// steps and scale when they are its steps as the weights file stored
// them (as many as w holds; classify's readers make w[i] float32(steps[i])
// × scale, stepWeight's product, so they give w to the bit), else what
// int16Weights recovers from w (about 12 million instructions for the
// three scorers' tables, 4 ms of start-up). q may be steps itself, which
// the caller must only read.
func int16Table(w []float32, steps []int16, scale float32) (q []int16, s float32, ok bool) {
	if len(steps) == len(w) && len(w) > 0 {
		return steps, scale, true
	}
	return int16Weights(w)
}

// int16Weights returns the weights of a learned scorer's table as the
// int16 steps its weights file stores (classify's readInt16Table made
// each weight float32(q) × scale), with that scale: half the bytes of the
// float32 table, so that more of it stays in the cache, which a scan
// shares with every other detector's tables while it reads the weights at
// random. float32(q[i])*scale is w[i] to the bit for every i (checked
// here), so a scorer summing them gives the float table's sums. ok is
// false when w is no such table.
func int16Weights(w []float32) (q []int16, scale float32, ok bool) {
	// The largest magnitude, compared as bits: the bits of non-negative
	// floats order as their values.
	var mx uint32
	for _, v := range w {
		mx = max(mx, math.Float32bits(v)&^(1<<31))
	}
	q = make([]int16, len(w))
	if mx == 0 {
		return q, 1, exactSteps(w, q, 1)
	}
	// The largest weight is ±32767 steps (classify's quantScale); the
	// division that finds the step from it may round one or two units
	// in the last place away, so the neighbours are tried too.
	s0 := math.Float32frombits(mx) / 32767
	up := func(x float32) float32 { return math.Nextafter32(x, float32(math.Inf(1))) }
	down := func(x float32) float32 { return math.Nextafter32(x, 0) }
	for _, s := range [...]float32{s0, down(s0), up(s0), down(down(s0)), up(up(s0))} {
		if exactSteps(w, q, s) {
			return q, s, true
		}
	}
	return nil, 0, false
}

// exactSteps fills q with the steps of scale that make w and reports
// whether each is an int16 whose product with scale is w's weight to the
// bit.
func exactSteps(w []float32, q []int16, scale float32) bool {
	for i, v := range w {
		// The nearest whole number of steps; whichever way a half
		// rounds, the check below decides.
		k := v / scale
		if !(k > -32768.5 && k < 32767.5) {
			return false
		}
		n := int32(k) // toward zero
		if d := k - float32(n); d >= 0.5 {
			n++
		} else if d <= -0.5 {
			n--
		}
		if n < math.MinInt16 || n > math.MaxInt16 {
			return false
		}
		q[i] = int16(n)
		if math.Float32bits(stepWeight(q[i], scale)) != math.Float32bits(v) {
			return false
		}
	}
	return true
}

// stepWeight is the weight of q steps of scale, rounded to float32 as
// classify's readInt16Table rounds it (the conversion keeps a compiler
// from fusing the product into a following addition).
func stepWeight(q int16, scale float32) float32 { return float32(float32(q) * scale) }
