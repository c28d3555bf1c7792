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
	w         *[1 << PromiseBits]int16
	scale     float32
	bias      float32
	threshold float32 // probability from which a message is a promise
	sources   []string
	cues      *cueScan // the word lists the features read
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
	return &promiseModel{w: (*[1 << PromiseBits]int16)(q), scale: scale, bias: l.Bias, threshold: l.Threshold, sources: l.Sources, cues: newCueScan()}, nil
}

// prob is the model's probability that the message whose features are f
// is a promise; it computes what classify.Linear.Prob does, in the same
// order, so the scan and the trainer agree to the bit.
func (m *promiseModel) prob(f *promiseFeats) float32 {
	const mask = 1<<PromiseBits - 1 // every index is below the table's size
	w, sc := m.w, m.scale
	z := m.bias
	// Every feature but the n-grams has weight 1 (see promiseFeats).
	for _, b := range f.idx[:f.gramFrom] {
		z += stepWeight(w[b&mask], sc)
	}
	v := f.gramV
	if f.written {
		for _, b := range f.idx[f.gramFrom:f.gramTo] {
			z += stepWeight(w[b&mask], sc) * v
		}
	} else {
		z = m.addGrams(z, f.chars(), v)
	}
	for _, b := range f.idx[f.gramTo:f.n] {
		z += stepWeight(w[b&mask], sc)
	}
	return sigmoid(z)
}

// addGrams adds to z the weights, times v, of the n-grams of rs in
// promiseGrams' order, hashing each as it goes: the sum prob makes over
// the indices promiseGrams writes, to the bit, without writing them.
func (m *promiseModel) addGrams(z float32, rs []rune, v float32) float32 {
	const mask = 1<<PromiseBits - 1
	w, sc := m.w, m.scale
	rs = rs[:min(len(rs), maxPromiseRunes)]
	if len(rs) == 0 {
		return z
	}
	z += stepWeight(w[uniIndex(rs[0])&mask], sc) * v
	if len(rs) == 1 {
		return z
	}
	z += stepWeight(w[uniIndex(rs[1])&mask], sc) * v
	z += stepWeight(w[biIndex(rs[0], rs[1])&mask], sc) * v
	r2, r1 := rs[0], rs[1]
	for _, r := range rs[2:] {
		z += stepWeight(w[uniIndex(r)&mask], sc) * v
		z += stepWeight(w[biIndex(r1, r)&mask], sc) * v
		z += stepWeight(w[triIndex(r2, r1, r)&mask], sc) * v
		r2, r1 = r1, r
	}
	return z
}

// score returns the learned probability that Chinese agent message i is a
// promise, given the rules' reading ps of it; st must have seen every
// message before i. f is the caller's feature buffer (the worker's, in
// its Scratch: no allocation per message).
func (d *promiseDetector) score(in *Input, i int, ps []promise, st *promiseState, f *promiseFeats) float32 {
	d.promiseFeatures(in, i, ps, st, f, d.model.cues, false)
	return d.model.prob(f)
}

// roundP rounds a probability to three decimals for Finding.Data: enough
// to rank and threshold by, and stable in JSON.
func roundP(p float32) float64 { return math.Round(float64(p)*1000) / 1000 }

// pValues are the probabilities roundP gives, 0, 0.001 … 1, as interface
// values: a finding's Data["p"] takes one of them instead of boxing a new
// float64 for every promise.made. Read-only once built.
var pValues = func() (v [1001]any) {
	for k := range v {
		v[k] = float64(k) / 1000
	}
	return v
}()

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
	p := d.score(in, i, ps, st, f)
	switch {
	case p >= d.model.threshold && len(ps) > 0:
		d.report(in, i, ps, p, out)
	case p >= d.model.threshold:
		lp := d.learnedPromise(in, i)
		data := map[string]any{"kind": kindValue(lp.kind), "p": pValue(p), "learned": true}
		if !lp.slot.empty() {
			data["slot"] = lp.slot.toMap(d.words)
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
