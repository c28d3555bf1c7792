package detect

import (
	"math"

	"fullqa/internal/conversation"
)

// Feature groups of the conversation-ending features (EndingFeatures).
const (
	efRule = iota + 1
	efLastRole
	efNegLast
	efNegMax3
	efThanked
	efAgentClosing
	efAgentGeneric
	efGiveup
	efLen
	efCustUni
	efCustBi
	efAgentBi
	efLastAsks
)

// EndingFeatures calls fn once with the hashed features of how conversation
// in ended (for a learned resolved/unresolved classifier measured in
// internal/eval): the resolution rules' verdict, who spoke last, the
// emotion of the customer's last messages, thanks, giveup words, closing
// or canned agent replies, and the character n-grams of the last customer
// and agent messages. in must come from e.Inspect with an emotion model.
func (e *Engine) EndingFeatures(in *Input, rule bool, fn func(idx []uint32, val []float32)) {
	var d *resolutionDetector
	for _, det := range e.detectors {
		if rd, ok := det.(*resolutionDetector); ok {
			d = rd
		}
	}
	if d == nil || in.Emotion == nil {
		return
	}
	var f negFeats
	msgs := in.Conv.Messages
	f.add(efRule, uint32(b2u(rule)), 1)
	lastCust, lastAgent := -1, -1
	var negMax float32
	nc := 0
	for i := len(msgs) - 1; i >= 0; i-- {
		switch {
		case msgs[i].Role == conversation.RoleCustomer && !isFillerOnly(in.Norm[i]):
			if lastCust < 0 {
				lastCust = i
			}
			if nc < 3 {
				negMax = max(negMax, in.Emotion[i].Neg)
				if in.Has(i, d.giveup) {
					f.add(efGiveup, uint32(nc), 1)
				}
			}
			nc++
		case agentSide(msgs[i].Role) && lastAgent < 0:
			lastAgent = i
		}
	}
	if len(msgs) > 0 {
		f.add(efLastRole, uint32(msgs[len(msgs)-1].Role), 1)
	}
	f.add(efNegMax3, uint32(negMax*5), 1)
	f.add(efLen, bucketOf(len(msgs)/2), 1)
	if lastCust >= 0 {
		f.add(efNegLast, uint32(in.Emotion[lastCust].Neg*5), 1)
		if in.Has(lastCust, d.thanks) {
			f.add(efThanked, 0, 1)
		}
		if d.asksLast(in, lastCust) {
			f.add(efLastAsks, uint32(b2u(lastAgent > lastCust)), 1)
		}
		endGrams(&f, in.Norm[lastCust], efCustUni, efCustBi)
	}
	if lastAgent >= 0 {
		if in.Has(lastAgent, d.closing) {
			f.add(efAgentClosing, 0, 1)
		}
		if in.Has(lastAgent, d.generic) {
			f.add(efAgentGeneric, 0, 1)
		}
		endGrams(&f, in.Norm[lastAgent], 0, efAgentBi)
	}
	fn(f.idx[:f.n], f.val[:f.n])
}

// endGrams adds the character unigrams (when uni is not 0) and bigrams of
// the first maxNegRunes runes of s, sharing the value 1/√count.
func endGrams(f *negFeats, s string, uni, bi uint32) {
	first := f.n
	var r0 rune = -1
	k := 0
	for _, r := range s {
		if k == maxNegRunes {
			break
		}
		k++
		if uni != 0 {
			f.add(uni, uint32(r), 1)
		}
		if r0 >= 0 {
			f.add(bi, uint32(nfMix(uint64(r0)<<32|uint64(r))), 1)
		}
		r0 = r
	}
	if n := f.n - first; n > 0 {
		v := float32(1 / math.Sqrt(float64(n)))
		for j := first; j < f.n; j++ {
			f.val[j] = v
		}
	}
}
