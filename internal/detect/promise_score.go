package detect

import (
	_ "embed" // the learned promise scorer's weights
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
)

// embeddedPromise is the learned promise.made scorer: a logistic
// regression over the features of promise_learned.go, trained by `fullqa
// train promise` on the reviewers' agent_promise labels (the sources are
// named in the file and in PROMISE_WEIGHTS.md), with its threshold.
//
//go:embed promise.weights
var embeddedPromise []byte

// promiseModel is the learned scorer as the promise detector uses it. It
// is read-only after loading and shared by every goroutine of the engine.
type promiseModel struct {
	// w holds the weights as int16 steps of scale, as the weights file
	// stores them (see int16Table), an array: an index masked to its
	// size needs no bounds check.
	w *[1 << PromiseBits]int16
	// uni holds w's steps of the unigrams of the Basic Multilingual
	// Plane, which the n-gram sums read instead of hashing them.
	uni       *uniTable
	scale     float32
	bias      float32
	threshold float32 // probability from which a message is a promise
	sources   []string
	cues      *cueScan // the word lists the features read
	// below and the customer bounds let score stop where the probability
	// cannot reach the threshold (see newPromiseModel).
	below          float64
	prevBound      [2]float64 // by the short yes the requests are crossed with
	noPrev, noNext float64
	nextBound      float64
}

// loadPromiseModel decodes the embedded weights. Each engine decodes its
// own copy (about a millisecond), so no state is shared between engines.
func loadPromiseModel() (*promiseModel, error) {
	l, err := classify.DecodeLinear(embeddedPromise)
	if err != nil {
		return nil, fmt.Errorf("promise weights: %w", err)
	}
	if len(l.W) != 1<<PromiseBits || !(l.Threshold > 0 && l.Threshold < 1) {
		return nil, fmt.Errorf("promise weights: %d buckets, threshold %v (want %d buckets and a probability)", len(l.W), l.Threshold, 1<<PromiseBits)
	}
	q, scale, ok := int16Table(l.W, l.Steps, l.Scale)
	if !ok {
		return nil, fmt.Errorf("promise weights: not int16 steps of one scale")
	}
	return newPromiseModel((*[1 << PromiseBits]int16)(q), scale, l.Bias, l.Threshold, l.Sources, newCueScan()), nil
}

// newPromiseModel is the scorer of weights w (steps of scale), bias and
// threshold, with the bounds score stops by.
//
// below: the probability is under the threshold when the sum z of the
// features' weights (prob's float32 sum, in the trainer's order) is under
// zLimit = logit(threshold) - 1/1024, where sigmoid is about threshold -
// 2.4e-4: sigmoid rises with z, and that gap is far more than the
// roundings of its few operations (TestPromiseBelowLimit checks the
// float32 values below zLimit). score sums the same weights in float64,
// in an order of its own, with the steps of the features of weight 1 and
// those of the n-grams summed as integers, each sum times scale (and
// gramV) once (sum64, add64): that sum differs from z only by the
// roundings of z's own sum — at most (N+1)·u·A for its N ≤
// maxPromiseFeats+1 terms, none of whose partial sums exceeds A = |bias|
// + N·32768·scale (no weight is more than 32768 steps from 0; u = 2^-24)
// — of z's terms (stepWeight rounds each weight of weight-1 features to
// float32, u·A at most in all; an n-gram's stepWeight × gramV rounds
// twice, 2.01·N·u·A at most in all) and of float64's few operations, some 2^-29 of those. below is zLimit
// less 4·N·u·A (about 0.066 for the shipped weights), more than the
// (3.01·N+2)·u·A these add up to, so a float64 sum under below proves z
// under zLimit.
//
// The customer bounds stand for the features of the customer's turns
// before they are read (customerFeatures): the turn before is one
// (pfPrevCust, v) with v below 32 and at most one (pfPrevAsk, k<<1|yes)
// per prevAskWords word k, the answer after one (pfNextCust, v) with v
// below 32 and maybe (pfNextCust, 30), and no such turn the one feature
// (pfPrevCust, 0) or (pfNextCust, 0): their weights sum to at most
// prevBound[yes] (noPrev) plus nextBound (noNext).
func newPromiseModel(w *[1 << PromiseBits]int16, scale, bias, threshold float32, sources []string, cues *cueScan) *promiseModel {
	m := &promiseModel{w: w, uni: uniSteps(w), scale: scale, bias: bias, threshold: threshold, sources: sources, cues: cues}
	weight := func(group, value uint32) float64 {
		return float64(stepWeight(w[promiseIndex(group, value)&(1<<PromiseBits-1)], scale))
	}
	// No weight is more than 32768 steps from 0.
	maxAbs := 32768 * math.Abs(float64(scale))
	const n = maxPromiseFeats + 1
	a := math.Abs(float64(bias)) + n*maxAbs
	zLimit := math.Log(float64(threshold)/(1-float64(threshold))) - 1.0/1024
	m.below = zLimit - 4*n*a/(1<<24)
	m.noPrev, m.noNext = weight(pfPrevCust, 0), weight(pfNextCust, 0)
	prev, next := math.Inf(-1), math.Inf(-1)
	for v := range uint32(32) {
		prev, next = max(prev, weight(pfPrevCust, v)), max(next, weight(pfNextCust, v))
	}
	m.nextBound = next + max(0, weight(pfNextCust, 30))
	for yes := range uint32(2) {
		m.prevBound[yes] = prev
		for k := range uint32(len(prevAskWords)) {
			m.prevBound[yes] += max(0, weight(pfPrevAsk, k<<1|yes))
		}
	}
	return m
}

// prob is the model's probability that the message whose features are f
// and cust is a promise, cust standing before f.idx[at] (at most
// f.gramFrom; with none, at is anything up to it): it computes what
// classify.Linear.Prob does over the features in that order, in the same
// order, so the scan and the trainer agree to the bit.
func (m *promiseModel) prob(f *promiseFeats, cust []uint32, at int) float32 {
	return m.probOf(f, cust, at, false)
}

// probChars is prob with the n-grams hashed again from f's characters
// as they are summed (gramsProb), in the same order, where prob reads
// their indices from f.idx[gramFrom:gramTo], which need not hold them:
// the scorer writes the n-grams' indices for no one but prob.
func (m *promiseModel) probChars(f *promiseFeats, cust []uint32, at int) float32 {
	return m.probOf(f, cust, at, true)
}

// probOf is prob, the n-grams hashed from f's characters when chars is
// set (probChars).
func (m *promiseModel) probOf(f *promiseFeats, cust []uint32, at int, chars bool) float32 {
	const mask = 1<<PromiseBits - 1 // every index is below the table's size
	// The table as a slice, its pointer checked for nil once here, not
	// at every feature in the loops (its length is the array's: a masked
	// index needs no bounds check).
	w, sc := m.w[:], m.scale
	z := m.bias
	// Every feature but the n-grams has weight 1 (see promiseFeats).
	for _, b := range f.idx[:at] {
		z += stepWeight(w[b&mask], sc)
	}
	for _, b := range cust {
		z += stepWeight(w[b&mask], sc)
	}
	for _, b := range f.idx[at:f.gramFrom] {
		z += stepWeight(w[b&mask], sc)
	}
	v := f.gramV
	if chars {
		z = gramsProb(z, f.chars(), m.w, m.unigrams(f), sc, v)
	} else {
		for _, b := range f.idx[f.gramFrom:f.gramTo] {
			z += stepWeight(w[b&mask], sc) * v
		}
	}
	for _, b := range f.idx[f.gramTo:f.n] {
		z += stepWeight(w[b&mask], sc)
	}
	return sigmoid(z)
}

// unigrams is the unigram table the n-gram sums of f read: m's, nil
// where one of f's characters lies past the table (f.wide).
func (m *promiseModel) unigrams(f *promiseFeats) *uniTable {
	if f.wide {
		return nil
	}
	return m.uni
}

// gramSteps is the sum of the steps of the n-grams of f's characters
// (the scorer's f.steps).
func (m *promiseModel) gramSteps(f *promiseFeats) int {
	return gramSteps(f.chars(), m.w, m.unigrams(f))
}

// sum64 is the sum of the weights of features f (the n-grams' times
// gramV) and bias, in float64 and in an order of its own: the steps of
// the features of weight 1 are summed as integers here, and the
// n-grams' were as their indices were made (f.steps, by tailFeatures
// with the model's table), each sum times scale once (times gramV for
// the n-grams'). No step is more than 32768 from 0 and f holds at most
// maxPromiseFeats features, so a sum of steps is below 2^24 in size and
// its product with scale (24 bits) exact in float64: the sum differs
// from the exact sum of the weights by the roundings of three float64
// operations, and from prob's float32 sum by that sum's roundings, its
// terms' (stepWeight rounds each weight to float32) among them, which
// newPromiseModel bounds.
func (m *promiseModel) sum64(f *promiseFeats) float64 {
	ones := m.stepSum(f.idx[:f.gramFrom]) + m.stepSum(f.idx[f.gramTo:f.n])
	sc := float64(m.scale)
	return float64(m.bias) + float64(ones)*sc + float64(f.steps)*sc*float64(f.gramV)
}

// add64 returns z plus the weights of features idx (the customer's,
// after sum64's), their steps summed as integers and times scale once.
func (m *promiseModel) add64(z float64, idx []uint32) float64 {
	return z + float64(m.stepSum(idx))*float64(m.scale)
}

// stepSum is the sum of the steps of the weights of features idx: an
// integer addition a feature, where a float sum took a conversion, a
// product and an addition that waits for the one before.
func (m *promiseModel) stepSum(idx []uint32) int {
	const mask = 1<<PromiseBits - 1
	w := m.w[:] // checked for nil once, as in prob
	sum := 0
	for _, b := range idx {
		sum += int(w[b&mask])
	}
	return sum
}

// score returns the learned probability that Chinese agent message i is a
// promise, given the rules' reading ps of it, and whether it reaches the
// threshold; st must have seen every message before i. f is the caller's
// feature buffer (the worker's, in its Scratch: no allocation per
// message). Only a probability that reaches the threshold is reported,
// and most do not by far: for a message the rules read no commitment in
// score sums the features but the customer's first, in any order
// (sum64), and stops, with p 0, when that sum and the most the
// customer's could add stay under the model's bound (see
// newPromiseModel) — then when the sum with the customer's read does.
// Only a message past both, or one the rules read a commitment in, is
// summed in the trainer's order (prob), its probability exact to the
// bit.
func (d *promiseDetector) score(in *Input, i int, ps []promise, st *promiseState, f *promiseFeats) (p float32, reaches bool) {
	m := d.model
	yes, runes := d.messageFeatures(in, i, ps, f, m.cues)
	at := f.n
	var c custFeats
	overflow := at+maxCustFeats+3+gramCount(f.nr) > len(f.idx)
	if len(ps) > 0 || overflow {
		// A message the rules read a commitment in nearly always reaches
		// prob (on the JDDC dev chats 554 of 611; 29 of the 3,219 others
		// do): its features are written in the trainer's order and
		// summed there at once, without the sums that would stop few of
		// them — the decision is prob's either way, as the stops are
		// taken only where it is under the threshold — the n-grams
		// hashed as they are summed (probChars). So are a message's
		// whose features may not all fit f (one with scores of cue
		// words), the n-grams written: they are cut where it ends, as
		// promiseFeatures cuts them, the customer's in place.
		d.customerFeatures(in, i, st, m.cues, yes, &c)
		for _, x := range c.idx[:c.n] {
			f.addIndex(x)
		}
		if overflow {
			d.tailFeatures(in, i, st, f, runes)
			p = m.prob(f, nil, f.gramFrom)
		} else {
			// All fit: the n-grams are summed as they are hashed.
			d.placeTail(in, i, st, f, runes)
			p = m.probChars(f, nil, f.gramFrom)
		}
		return p, p >= m.threshold
	}
	// Every feature fits: the tail's are those promiseFeatures writes
	// after the customer's (two positions, the n-grams, the length). The
	// n-grams are hashed from the message's characters as they are
	// summed, their indices never written: their steps by gramSteps,
	// their weights in the trainer's order by probChars, for the few
	// messages that reach it.
	d.placeTail(in, i, st, f, runes)
	f.steps = m.gramSteps(f)
	z := m.sum64(f)
	bound := m.noPrev
	if st.lastCustomer > 0 {
		bound = m.prevBound[yes&1]
	}
	if st.nextCustomerAfter(in, i) >= 0 {
		bound += m.nextBound
	} else {
		bound += m.noNext
	}
	if z+bound < m.below {
		return 0, false
	}
	d.customerFeatures(in, i, st, m.cues, yes, &c)
	z = m.add64(z, c.idx[:c.n])
	if z < m.below {
		return 0, false
	}
	p = m.probChars(f, c.idx[:c.n], at)
	return p, p >= m.threshold
}

// roundP rounds a probability to three decimals for Finding.Data: enough
// to rank and threshold by, and stable in JSON.
func roundP(p float32) float64 { return math.Round(float64(p)*1000) / 1000 }

// pValues are the probabilities roundP gives, 0, 0.001 … 1, as interface
// values: a finding's "p" field takes one of them instead of boxing a new
// float64 for every promise.made. Read-only once built.
var pValues = newBoxedRatios(1000)

// pValue is roundP(p) as an interface value.
func pValue(p float32) any {
	if k := math.Round(float64(p) * 1000); k >= 0 && k <= 1000 {
		return pValues[int(k)]
	}
	return roundP(p)
}

// learnedPromise is the commitment reported for Chinese agent message i
// when the rules read none but the learned score passes its threshold:
// the best slot the rules can read without their actor and hedge checks —
// a number of hours, days or weeks ({"within_hours": …}), else the first
// action word with the words after it ({"verb", "object"}, as
// actionPromise reads it), or a benefit word ({"benefit"}, with "yuan"
// when its clause names a sum) — and otherwise the message's first clause
// that says something, as {"action": …} (at most 16 characters).
func (d *promiseDetector) learnedPromise(in *Input, i int) promise {
	s := in.Norm[i]
	// A number of hours or days ("[数字x]小时内给您审核") is more specific
	// than the action, as in report.
	for _, h := range in.allHits(i) {
		if h.Class != d.timeW {
			continue
		}
		if key := unitWord(s[h.Start:h.End]); key != "" {
			if n := numberBefore(s, int(h.Start)); n != nil {
				start, end := clauseStart(s, int(h.Start)), clauseEnd(s, int(h.End))
				p := promise{kind: PromiseTime, start: start, end: end, days: -1}
				k, _ := slotKeyOf(key)
				p.slot.setValue(k, n)
				return p
			}
		}
	}
	for _, h := range in.allHits(i) {
		switch h.Class {
		case d.action, d.done, d.future:
			return d.actionPromise(s, int(h.Start), h)
		case d.benefit:
			p := promise{kind: PromiseAmount, start: int(h.Start), end: int(h.End), days: -1}
			p.slot.setString(slotBenefit, s[h.Start:h.End])
			if v, ok := amountIn(s, clauseStart(s, int(h.Start)), clauseEnd(s, int(h.End))); ok {
				p.slot.setValue(slotYuan, v)
				if f, isNum := v.(float64); isNum {
					p.amount = f
				}
			}
			return p
		}
	}
	start, end := saysClause(s)
	p := promise{kind: PromiseAction, start: start, end: end, days: -1}
	if end > start {
		p.slot.setString(slotAction, s[start:end])
	}
	return p
}

// saysClause returns the first clause of agent message s that says
// something past a vocative or a greeting ("亲", "您好"), cut to 16
// characters; an empty span when there is none.
func saysClause(s string) (start, end int) {
	for start < len(s) {
		end = clauseEnd(s, start)
		if end <= start {
			end = start + 1
			for end < len(s) && !utf8.RuneStart(s[end]) {
				end++
			}
		}
		c := strings.Trim(s[start:end], " ,.!?~")
		for _, v := range [...]string{"亲爱的", "亲亲", "亲", "您好", "你好", "嗯嗯", "嗯", "好的", "哦"} {
			c = strings.TrimPrefix(c, v)
		}
		if utf8.RuneCountInString(strings.Trim(c, " ,.!?~呢哦哈呀啊的")) >= 2 && !courtesy(c) {
			k := strings.Index(s[start:end], c) + start
			e := k + len(c)
			for n, j := 0, k; j < e; n++ {
				if n == 16 {
					e = j
					break
				}
				_, size := utf8.DecodeRuneInString(s[j:])
				j += size
			}
			return k, e
		}
		start = end
	}
	return 0, 0
}

// decide is the promise.made decision for agent message i whose rule
// reading is ps (english is in.english(i), which the caller has
// worked out already): the learned score alone when the message is
// Chinese and the scorer is loaded (a rule-read promise under the
// threshold is not reported, a message the rules missed over it is), the
// rules alone otherwise (English messages, an engine without the scorer).
// It reports
// the promise.made finding (and promise.over_policy, which stays on the
// rules' reading) and leaves the rules' reading for the conflict checks.
func (d *promiseDetector) decide(in *Input, i int, english bool, ps []promise, st *promiseState, f *promiseFeats, out *Output) {
	if d.model == nil || english {
		if len(ps) > 0 {
			d.report(in, i, ps, -1, out)
		}
		return
	}
	p, reaches := d.score(in, i, ps, st, f)
	switch {
	case reaches && len(ps) > 0:
		d.report(in, i, ps, p, out)
	case reaches:
		lp := d.learnedPromise(in, i)
		data := make(conversation.Data, 3, 4) // keys in order
		data[0] = conversation.Field{Key: "kind", Value: kindValue(lp.kind)}
		data[1] = conversation.Field{Key: "learned", Value: true}
		data[2] = conversation.Field{Key: "p", Value: pValue(p)}
		if !lp.slot.empty() {
			data = append(data, conversation.Field{Key: "slot", Value: lp.slot.toMap(d.words)})
		}
		s := in.Norm[i]
		ev := s
		if lp.end > lp.start {
			ev = s[lp.start:lp.end]
		}
		out.Add(conversation.Finding{Code: "promise.made", Severity: conversation.SeverityInfo,
			Messages: out.msgs(i), Evidence: quote(ev), Detail: commitDetail(lp.kind), Data: data})
	case len(ps) > 0:
		d.overPolicyFinding(in, i, ps, out)
	}
}

// courtesy reports whether clause c is a courtesy that commits to nothing
// ("您请放心哦", "不好意思", "感谢您的耐心等待"): the slot of a learned
// promise is looked for past it.
func courtesy(c string) bool {
	c = strings.TrimLeft(c, " ,")
	for _, w := range [...]string{"您请放心", "请您放心", "您放心", "请放心", "放心", "不好意思", "抱歉", "很抱歉", "非常抱歉", "感谢", "谢谢", "辛苦"} {
		if strings.HasPrefix(c, w) {
			return utf8.RuneCountInString(c) <= utf8.RuneCountInString(w)+4
		}
	}
	return false
}
