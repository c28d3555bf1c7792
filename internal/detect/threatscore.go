package detect

import (
	"math"
	"strings"
	"unicode/utf8"

	"fullqa/internal/conversation"
)

// ThreatBits is the log2 of the size of the learned threat scorer's hashed
// feature table. The trainer (internal/eval) and the weights use the same
// size.
const ThreatBits = 14

// ThreatModel is the learned per-message customer-threat scorer: a
// logistic regression over the features threatFeatures hashes (the rules'
// verdict and its parts, and the message's character 1–3-grams), with
// the probability from which a message the rules pass over is a threat.
// internal/eval trains it on the training-only synthetic threats
// (internal/classify/traindata); it is read-only and safe to share.
type ThreatModel struct {
	W         []float32 // 1<<ThreatBits weights
	Bias      float32
	Threshold float32
}

// Prob returns the model's threat probability for a feature vector.
func (m *ThreatModel) Prob(idx []uint32, val []float32) float32 {
	z := m.Bias
	for k, b := range idx {
		z += m.W[b] * val[k]
	}
	return sigmoid(z)
}

// maxThreatFeats bounds the features of one message (its signals plus the
// character 1–3-grams of its first maxThreatRunes runes) so they fit a
// buffer on the stack and scoring does not allocate.
const (
	maxThreatRunes = 100
	maxThreatFeats = 3*maxThreatRunes + 48
)

// ThreatFeats is the feature buffer of one message; its zero value is
// ready, and one can be reused for every message.
type ThreatFeats struct {
	idx [maxThreatFeats]uint32
	val [maxThreatFeats]float32
	n   int
}

// Feature groups of the learned threat scorer. Each feature is a (group,
// value) pair hashed into the table; the numbers are part of trained
// weights, so they never change meaning (add new ones at the end).
const (
	thfRule = iota + 1
	thfWord
	thfWordState
	thfAnyWord
	thfNegCue
	thfPastCue
	thfFutureCue
	thfGuo
	thfAt
	thfAtHandle
	thfCue
	thfQuestion
	thfExclaim
	thfLen
	thfUni
	thfBi
	thfTri
	thfAgentSaid
	thfCond
	thfCueIntent
	thfWordIntent
)

// add appends feature (group, value) with weight v; past the buffer's end
// features are dropped (only very long messages get there).
func (f *ThreatFeats) add(group, value uint32, v float32) {
	if f.n == maxThreatFeats {
		return
	}
	f.idx[f.n] = featureIndex(group, value, 0, ThreatBits)
	f.val[f.n] = v
	f.n++
}

// threatGated reports whether customer message i is one the learned
// scorer reads: it has a threat word (counted or not), a regulator or
// media name, or a weak escalation cue (threat_cues: a condition, an
// audience, a channel, an '@'). Others are never threats by the scorer,
// which keeps its false alarms to messages that at least look like one and
// its cost to the few messages that do.
func (t *threatTerms) threatGated(in *Input, i int) bool {
	return len(in.Hits[i]) > 0 && in.mayAny(i, &t.gate)
}

// firstCue returns the first threat word, regulator or media name or
// escalation cue of message i, to quote a learned finding; threatGated
// must hold.
func (t *threatTerms) firstCue(in *Input, i int) KeywordHit {
	hs := in.allHits(i)
	for _, h := range hs {
		if h.Class == t.words.words || h.Class == t.at.words || h.Class == t.cues.words {
			return h
		}
	}
	return hs[0]
}

// threatFeatures fills f with the features of customer message i: the
// rules' verdict (rule) and what they saw (each threat word with whether it
// was an exception, negated, a report of the past or followed by 过; the
// negation, past and future cues; an @handle with a regulator or media
// name; the weak cues), whether the message asks a question, whether the
// agent's turn before named a threat word itself, and the character
// 1–3-grams of its normalized text.
func (t *threatTerms) threatFeatures(in *Input, i int, rule bool, f *ThreatFeats) {
	f.n = 0
	f.add(thfRule, b2u(rule), 1)
	norm := in.Norm[i]
	for _, h := range in.allHits(i) {
		switch h.Class {
		case t.words.words, t.at.words:
			word := strHash(norm[h.Start:h.End])
			state := b2u(h.Class == t.at.words)
			if h.Class == t.at.words {
				state |= b2u(inHandle(norm, h)) << 1
			} else {
				state |= b2u(in.overlapsClass(i, t.words.except, h)) << 1
			}
			state |= b2u(threatNegated(in, i, t, h)) << 2
			state |= b2u(pastReport(in, i, t, h)) << 3
			if strings.HasPrefix(norm[h.End:], "过") {
				f.add(thfGuo, 0, 1)
			}
			f.add(thfWord, word, 1)
			f.add(thfWordIntent, intentBefore(in, i, t, h), 1)
			f.add(thfWordState, state, 1)
			f.add(thfAnyWord, 0, 1)
			if h.Class == t.at.words && state&2 != 0 {
				f.add(thfAtHandle, 0, 1)
			}
		case t.negate.words:
			f.add(thfNegCue, strHash(norm[h.Start:h.End]), 1)
		case t.past.words:
			f.add(thfPastCue, strHash(norm[h.Start:h.End]), 1)
		case t.future.words:
			f.add(thfFutureCue, strHash(norm[h.Start:h.End]), 1)
		case t.cues.words:
			f.add(thfCue, strHash(norm[h.Start:h.End]), 1)
			f.add(thfCueIntent, intentBefore(in, i, t, h), 1)
		case t.cond.words:
			f.add(thfCond, strHash(norm[h.Start:h.End]), 1)
		}
	}
	if strings.IndexByte(norm, '@') >= 0 {
		f.add(thfAt, 0, 1)
	}
	if j := prevAgentMsg(in, i); j >= 0 && (in.may(j, t.words.words) || in.may(j, t.cues.words)) {
		f.add(thfAgentSaid, 0, 1)
	}
	f.add(thfQuestion, questionForm(norm), 1)

	runes, ex := 0, 0
	var r0, r1 rune = -1, -1
	first := f.n
	for _, r := range norm {
		if runes == maxThreatRunes {
			break
		}
		runes++
		if r == '!' {
			ex++
		}
		f.add(thfUni, uint32(r), 1)
		if r1 >= 0 {
			f.add(thfBi, uint32(nfMix(uint64(r1)<<32|uint64(r))), 1)
			if r0 >= 0 {
				f.add(thfTri, uint32(nfMix(nfMix(uint64(r0)<<32|uint64(r1))^uint64(r))), 1)
			}
		}
		r0, r1 = r1, r
	}
	if n := f.n - first; n > 0 {
		v := float32(1 / math.Sqrt(float64(n)))
		for k := first; k < f.n; k++ {
			f.val[k] = v
		}
	}
	f.add(thfExclaim, uint32(min(ex, 2)), 1)
	f.add(thfLen, bucketOf(utf8.RuneCountInString(norm)/4), 1)
}

// threatIntentWindow is how far (in bytes: eight Chinese characters)
// before a threat word or cue intentBefore looks for who speaks and how.
const threatIntentWindow = 24

// intentBefore describes how the clause before hit h of message i leads to
// it: bit 0 a future cue (要, 会, 就, 准备: "我就发到网上"), bit 1 the
// customer speaking (我), bit 2 a past cue (之前, 已经), bit 3 a negation
// cue. A threat is the customer's own next step.
func intentBefore(in *Input, i int, t *threatTerms, h KeywordHit) uint32 {
	norm := in.Norm[i]
	from := max(0, h.Start-threatIntentWindow)
	seg := norm[from:h.Start]
	for k := len(seg) - 1; k >= 0; k-- { // the clause only
		if c := seg[k]; c == ',' || c == '.' || c == '!' || c == '?' || c == ';' || c == ' ' {
			from += int32(k + 1)
			seg = seg[k+1:]
			break
		}
	}
	var v uint32
	for _, e := range in.near(i, from, h.Start) {
		if e.Start < from || e.End > h.Start {
			continue
		}
		switch e.Class {
		case t.future.words:
			v |= 1
		case t.past.words:
			v |= 4
		case t.negate.words:
			v |= 8
		}
	}
	if strings.Contains(seg, "我") {
		v |= 2
	}
	return v
}

// prevAgentMsg returns the agent or bot message just before the customer's
// turn that holds message i, or -1. It looks back over at most a few
// customer messages, so a long customer run costs little.
func prevAgentMsg(in *Input, i int) int {
	for j := i - 1; j >= 0 && j >= i-8; j-- {
		if agentSide(in.Conv.Messages[j].Role) {
			return j
		}
	}
	return -1
}

// questionForm sorts a message by how it asks: 0 not a question, 1 ends
// with '?', 2 ends with 吗/呢 or asks how, where, what or how much
// (怎么, 如何, 哪, 什么, 多少): "投诉电话是多少", "怎么给差评" ask about
// escalating rather than threaten it.
func questionForm(norm string) uint32 {
	s := strings.TrimRight(norm, " ~!.")
	switch {
	case strings.HasSuffix(s, "?"):
		return 1
	case strings.HasSuffix(s, "吗"), strings.HasSuffix(s, "呢"),
		strings.Contains(s, "怎么"), strings.Contains(s, "如何"), strings.Contains(s, "哪"),
		strings.Contains(s, "什么"), strings.Contains(s, "多少"):
		return 2
	}
	return 0
}

// ThreatFeatures calls fn with every customer message of in, in order:
// whether the threat rules fire on it (rule), whether the learned scorer
// reads it (gated), and, when gated, its features (the hashed index and
// value; empty otherwise). It is how the trainer (internal/eval) sees
// exactly what the detector scores. It does nothing when the engine has no
// threat detector.
func (e *Engine) ThreatFeatures(in *Input, fn func(msg int, rule, gated bool, idx []uint32, val []float32)) {
	d := detectorOf[*threatDetector](e)
	if d == nil {
		return
	}
	var f ThreatFeats
	for i := range in.Conv.Messages {
		if in.Conv.Messages[i].Role != conversation.RoleCustomer {
			continue
		}
		_, rule := threatWord(in, i, &d.t)
		gated := d.t.threatGated(in, i)
		f.n = 0
		if gated {
			d.t.threatFeatures(in, i, rule, &f)
		}
		fn(i, rule, gated, f.idx[:f.n], f.val[:f.n])
	}
}
