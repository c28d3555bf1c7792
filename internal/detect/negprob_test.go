package detect

// negProb is the learned probability of f filled by negFeatures, without
// the n-grams' features stored: their weights are summed as they are
// found (finish), in the order prob sums them, so the probability is
// prob's to the bit (TestNegProbMatchesProb, FuzzNegProb). Only the tests
// call it: the detector reads negSum.
func (d *emotionDetector) negProb(m *learnedNegative, in *Input, i int, ws *waits, st *negState, f *negFeats) float32 {
	return sigmoid(d.negSum(m, in, i, ws, st, f))
}

// finish adds to z, the sum of the features in f, those negGrams and
// negTail would add for norm, and returns the probability: prob of the
// whole buffer. Only the tests call it: the detector reads finishSum.
func (m *learnedNegative) finish(z float32, f *negFeats, norm string) float32 {
	return sigmoid(m.finishSum(z, f, norm))
}
