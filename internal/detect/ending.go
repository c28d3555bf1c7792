package detect

import (
	"errors"
	"fmt"
	"math"
	"unicode/utf8"

	"fullqa/internal/conversation"
	"fullqa/internal/text"
)

// How a conversation ended, as written in scan output (ending.label): the
// classes of the learned conversation-ending classifier, in its class
// order.
const (
	EndingResolved   = "resolved"   // answered or solved, nothing left open
	EndingPending    = "pending"    // not solved yet, a next step under way that the customer accepts
	EndingUnresolved = "unresolved" // neither: resolution.unresolved
)

// NumEndingClasses is the number of ending labels: the size of arrays
// held per class, here and in the trainer.
const NumEndingClasses = 3

// endingClasses are the ending labels in the classifier's class order. It
// is unexported so no importer can reorder the classes under the weights;
// EndingClasses hands out copies.
var endingClasses = [NumEndingClasses]string{EndingResolved, EndingPending, EndingUnresolved}

// EndingClasses returns the ending labels in the classifier's class order;
// the trainer (internal/eval) numbers its labels the same way. The slice
// is a fresh copy each call.
func EndingClasses() []string { return append([]string(nil), endingClasses[:]...) }

// EndingBits is the log2 of the size of one class's hashed feature table
// of the learned ending classifier. The trainer and the model file use the
// same size.
const EndingBits = 15

// Ending is the learned classifier's reading of how a conversation ended:
// one of the Ending labels and its probability. The zero value means no
// reading (no emotion model, or no ending model in the binary).
type Ending struct {
	Label string
	P     float32
}

// endingWeights is implemented by emotion models that also carry the
// learned conversation-ending classifier (internal/classify's does). The
// engine looks for it once, at start-up.
type endingWeights interface {
	EndingWeights() (w, bias []float32, bits, unresolved int, threshold float32, orRules uint32)
}

// learnedEnding is the ending classifier as the resolution detector uses
// it: a softmax over the features endFeatures hashes, and the one
// decision it ships with (the unresolved probability from which a chat is
// unresolved, and which of the rules' reasons are OR-ed in).
type learnedEnding struct {
	// w holds the weights of bucket b for the classes at w[b]: one cache
	// line a feature instead of one a class. They are the model's int16
	// steps (int16Table) already multiplied by their scale (stepWeight,
	// the same float32 each), worked out once at load: probs read the
	// steps and converted and scaled each of the three (nine instructions
	// a feature, some 46 features a conversation) for a table twice the
	// size (384 KB). It is an array of the table's size so that probs
	// indexes it with a bucket masked to its bits and no bounds check.
	w         *[1 << EndingBits][NumEndingClasses]float32
	scale     float32 // the steps' scale, which w holds multiplied in
	bias      [NumEndingClasses]float32
	threshold float32
	orRules   uint32 // bit why set: the rules' verdict for that reason is OR-ed in
}

// newLearnedEnding returns the ending classifier emo carries, or nil when
// it carries none. Weights that are there but do not fit (another table
// size or class count, or unresolved not the last class) are an error, not
// a silent fall-back to the rules: a bad retrain must fail loudly.
func newLearnedEnding(emo EmotionModel) (*learnedEnding, error) {
	ew, ok := emo.(endingWeights)
	if !ok {
		return nil, nil
	}
	w, b, bits, unres, t, or := ew.EndingWeights()
	if len(w) == 0 && len(b) == 0 {
		return nil, nil
	}
	if bits != EndingBits || len(b) != NumEndingClasses || len(w) != len(b)<<bits || unres != 2 {
		return nil, fmt.Errorf("weights do not fit: %d bits, %d classes, %d weights, unresolved class %d; want %d bits, %d classes, %d weights, unresolved class 2",
			bits, len(b), len(w), unres, EndingBits, NumEndingClasses, NumEndingClasses<<EndingBits)
	}
	const n, k = 1 << EndingBits, NumEndingClasses
	var steps []int16
	var sc float32
	if es, ok := emo.(endingSteps); ok {
		steps, sc = es.EndingSteps()
	}
	q, scale, ok := int16Table(w, steps, sc)
	if !ok {
		return nil, errors.New("weights are not int16 steps of one scale")
	}
	l := &learnedEnding{w: new([n][k]float32), scale: scale, threshold: t, orRules: or}
	for c := range k {
		for j, v := range q[c*n : (c+1)*n] {
			l.w[j][c] = stepWeight(v, scale)
		}
	}
	copy(l.bias[:], b)
	return l, nil
}

// probs returns the class probabilities of f.
//
// The sums are kept in three locals (the result array lived on the stack,
// each addition a load and a store) and each bucket is masked to the
// table's bits, which changes none (featureIndex's are below 1<<EndingBits)
// and spares its bounds check: the same additions in the same order, bit
// for bit (TestEndingProbsMatchRef).
func (m *learnedEnding) probs(f *endFeats) (p [NumEndingClasses]float32) {
	// Three sums written out: a fourth class must be added here.
	const _ = uint(NumEndingClasses-3) + uint(3-NumEndingClasses)
	p0, p1, p2 := m.bias[0], m.bias[1], m.bias[2]
	tab := m.w[:] // nil-checked here once, not for every feature
	idx := f.idx[:f.n]
	// The first f.ones features' values are 1, and w*1 is w exactly:
	// their weights are added as they are, the same sums without three
	// multiplications and a load each (some fifteen features a chat).
	ones := idx[:min(max(f.ones, 0), len(idx))]
	for _, b := range ones {
		w := &tab[b&(1<<EndingBits-1)]
		p0 += w[0]
		p1 += w[1]
		p2 += w[2]
	}
	val := f.val[len(ones):len(idx)]
	for k, b := range idx[len(ones):] {
		w, v := &tab[b&(1<<EndingBits-1)], val[k]
		p0 += w[0] * v
		p1 += w[1] * v
		p2 += w[2] * v
	}
	p = [NumEndingClasses]float32{p0, p1, p2}
	mx := max(p[0], p[1], p[2])
	var sum float32
	for c := range p {
		// The largest sum's term is exp(0), exactly 1: its call is
		// saved, as classify's softmax3 saves it (d tested, not p[c]
		// against mx: an infinite sum's d is NaN, its exp too).
		if d := p[c] - mx; d != 0 {
			p[c] = float32(math.Exp(float64(d)))
		} else {
			p[c] = 1
		}
		sum += p[c]
	}
	for c := range p {
		p[c] /= sum
	}
	return p
}

// decide turns the class probabilities and the rules' verdict (why) into
// the ending and whether the chat is unresolved: unresolved when its
// probability reaches the threshold (or the rules say so for a reason
// OR-ed in); otherwise the likelier of resolved and pending.
func (m *learnedEnding) decide(p [NumEndingClasses]float32, why int) (Ending, bool) {
	if p[2] >= m.threshold || m.orRules&(1<<why) != 0 && why != whyNone {
		return Ending{Label: EndingUnresolved, P: p[2]}, true
	}
	if p[1] > p[0] {
		return Ending{Label: EndingPending, P: p[1]}, false
	}
	return Ending{Label: EndingResolved, P: p[0]}, false
}

// Feature groups of the conversation-ending features. Each feature is a
// (group, value) pair hashed into the table; the numbers are part of the
// trained weights, so they never change meaning (add new ones at the end).
const (
	efRule         = iota + 1 // the rules' verdict: 0 none, else its reason
	efLastRole                // who spoke last, and whether the customer spoke after the agent
	efTail                    // customer messages after the agent's last one
	efNegLast                 // the emotion model's negative probability, last two customer messages
	efSat                     // the satisfaction estimate of the last two customer messages
	efNegMax3                 // the highest negative probability of the last three
	efThanks                  // thanks in one of the last two customer messages
	efClosing                 // a customer message of closing words only ("好的", "没有了")
	efGiveup                  // a give-up word, not negated, in one of the last three
	efQuestion                // a question word in one of the last two customer messages
	efLastAsks                // the last customer message ends asking, answered or not
	efAgent                   // the kind of the agent's last two replies
	efPromise                 // a promise.made in the agent's last three messages, by kind
	efFinding                 // a finding of an earlier detector, near the end or anywhere
	efTag                     // a scene tag
	efLen                     // messages
	efCustomers               // customer messages
	efC0Uni                   // character unigrams of the last customer message
	efC0Bi                    // its bigrams
	efC1Bi                    // bigrams of the customer message before it
	efSubst                   // the kinds of the agent's last substantive reply (not only canned words)
	efCombo                   // those kinds together, as one value
	efAfterRefusal            // what the customer said last, after a refusal or not
	efResent                  // grudging or resentful words in one of the last two customer messages
	efAgentAsks               // the agent's last substantive reply asks something, the customer silent since
)

// Reasons of the rules' verdict (efRule), resolutionDetector.verdict.
const (
	whyNone = iota
	whyGiveup
	whyUnanswered
	whyNegative
)

// endingRuleReasons name the rules' reasons (EndingFeatures' why);
// unexported so it cannot be changed under the detector.
var endingRuleReasons = [...]string{whyNone: "", whyGiveup: "give-up", whyUnanswered: "unanswered", whyNegative: "negative"}

// EndingRuleReasons returns the names of the rules' reasons
// (EndingFeatures' why, its index) for the trainer, which chooses which of
// them to OR into the decision. The slice is a fresh copy each call.
func EndingRuleReasons() []string { return append([]string(nil), endingRuleReasons[:]...) }

// Agent reply kinds (efAgent).
const (
	akGeneric  = iota + 1 // canned reply, apology or request to wait
	akHold                // checking, will check
	akRefusal             // turns something down
	akNextStep            // names a next step (申请, 提交, 专员, 工作日 …)
	akAppease             // apology or soothing
	akClosing             // closing words
	akRefusal2            // cannot, not found, not known (resolution_refusal)
	akDeflect             // sends the customer elsewhere (resolution_deflect)
	akPromise             // a promise.made
	akAsks                // a question word
)

// maxEndRunes is how much of the customer's last two messages the n-grams
// read: their last maxEndRunes characters, where a chat's ending shows.
// (The agent's replies are read by their kind, not their n-grams: canned
// agent text made the cross-validation worse.) With the signals it bounds
// the features of one conversation, so they fit a buffer on the stack.
const (
	maxEndRunes = 48
	maxEndFeats = 3*maxEndRunes + 160
)

// endFeats is the feature buffer of one conversation's ending.
type endFeats struct {
	idx [maxEndFeats]uint32
	val [maxEndFeats]float32
	n   int
	// ones is how many of the first features are of value 1 (the
	// signals, which endFeatures counts before the n-grams, whose value
	// is 1/√n): probs adds their weights without multiplying and reads
	// no val of them. 0, the zero value, claims none: right for any
	// buffer.
	ones int

	// rs holds the runes tailGrams reads back, only the ones it wrote
	// read: here rather than in an array of its own, which Go zeroed for
	// every call.
	rs [maxEndRunes]rune
}

// add appends feature (group, value) with weight v; past the buffer's end
// features are dropped.
func (f *endFeats) add(group, value uint32, v float32) {
	// One test of n, unsigned, stands for the buffer's end and both
	// bounds checks (f.n is never past the end: n < len is n != len).
	if n := uint(f.n); n < uint(len(f.idx)) {
		f.idx[n] = endSlot(group, value)
		f.val[n] = v
		f.n = int(n) + 1
	}
}

// endSlots holds featureIndex(g, v, 0, EndingBits) of every group g of
// the ending features (32 rows: every group is below 32, which the
// constant beside it checks) and every value v below 16, worked out at
// start-up: most ending features are of such a value (a bucket, a bit, a
// kind), and reading the slot is cheaper than hashing for it
// (TestEndSlots).
var endSlots = func() (t [32][16]uint32) {
	for g := range t {
		for v := range t[g] {
			t[g][v] = featureIndex(uint32(g), uint32(v), 0, EndingBits)
		}
	}
	return t
}()

// Every feature group is a row of endSlots: a group of 32 or more does not
// compile.
const _ = uint(31 - efAgentAsks)

// endSlot is featureIndex(group, value, 0, EndingBits), read from
// endSlots when the value is below 16. The group is masked to the rows,
// which changes none (every group is below 32) and keeps add small enough
// to be inlined.
func endSlot(group, value uint32) uint32 {
	if value < uint32(len(endSlots[0])) {
		return endSlots[group&(uint32(len(endSlots))-1)][value]
	}
	return uint32(nfMixTop(uint64(group)<<32|uint64(value)) >> (64 - EndingBits)) // featureIndex
}

// endingCodeIndex returns the index of code among the finding codes the
// ending features read, or -1: those of detectors that run before the
// resolution detector, so training (which sees every finding) and
// scanning (which sees those before) agree; a code's feature is its index.
// The codes are distinct, so a finding matches one at most, and a switch
// finds it by length and a compare or two where a walk of the list
// compared up to twelve strings for every finding (TestEndingCodeIndex
// holds it to that walk, endingCodes, for every code a detector reports).
func endingCodeIndex(code string) int {
	switch code {
	case "emotion.negative":
		return 0
	case "emotion.escalating":
		return 1
	case "emotion.unaddressed":
		return 2
	case "threat.escalation":
		return 3
	case "loop.repeat":
		return 4
	case "loop.agent_template":
		return 5
	case "loop.misunderstanding":
		return 6
	case "response.missed":
		return 7
	case "response.slow":
		return 8
	case "attitude.rude":
		return 9
	case "promise.conflict":
		return 10
	case "sensitive.mishandled":
		return 11
	}
	return -1
}

// endFeatures fills f with the features of how in ended: the rules'
// verdict (why), who spoke last, the emotion and satisfaction estimates of
// the customer's last messages, thanks, closing and give-up words, what
// the agent's last replies were (canned, holding, refusal, next step,
// promise by kind), whether the last request was answered, the earlier
// detectors' findings and tags, the chat's length, and the character
// n-grams of the end of the customer's last two messages. It allocates
// nothing.
func (d *resolutionDetector) endFeatures(in *Input, out *Output, why int, f *endFeats) {
	f.n = 0
	msgs := in.Conv.Messages
	f.add(efRule, uint32(why), 1)
	var cust, agent [3]int // the last three of each side, newest first; -1 when fewer
	nc, na := 0, 0
	customers, tail := 0, 0
	for i := len(msgs) - 1; i >= 0; i-- {
		switch {
		case msgs[i].Role == conversation.RoleCustomer:
			if s := in.Norm[i]; !hanFirst(s) && fillerOnly(s) { // fillerOnly's first test, inlined
				continue
			}
			customers++
			if na == 0 {
				tail++
			}
			if nc < len(cust) {
				cust[nc] = i
				nc++
			}
		case agentSide(msgs[i].Role) && na < len(agent):
			agent[na] = i
			na++
		}
	}
	for k := nc; k < len(cust); k++ {
		cust[k] = -1
	}
	for k := na; k < len(agent); k++ {
		agent[k] = -1
	}
	if len(msgs) > 0 {
		last := msgs[len(msgs)-1].Role
		f.add(efLastRole, uint32(last)<<1|b2u(nc > 0 && (na == 0 || cust[0] > agent[0])), 1)
	}
	f.add(efTail, bucketOf(tail), 1)
	f.add(efLen, bucketOf(len(msgs)/2), 1)
	f.add(efCustomers, bucketOf(customers), 1)

	var negMax float32
	closing0 := false // cust[0] says only closing words (efClosing), read again for efAfterRefusal
	for k, i := range cust {
		if i < 0 {
			break
		}
		e := in.Emotion[i]
		negMax = max(negMax, e.Neg)
		if k < 2 {
			f.add(efNegLast, uint32(k)<<8|uint32(e.Neg*10), 1)
			f.add(efSat, uint32(k)<<8|satIndex(e.Satisfaction)<<4|uint32(e.SatisfactionP*4), 1)
			if in.Has(i, d.thanks) {
				f.add(efThanks, uint32(k), 1)
			}
			if in.Has(i, d.closing) && !residualAtLeast(in, i, d.closing, 3) {
				f.add(efClosing, uint32(k), 1)
				closing0 = closing0 || k == 0
			}
			if in.Has(i, d.question) {
				f.add(efQuestion, uint32(k), 1)
			}
		}
		if d.givesUp(in, i) {
			f.add(efGiveup, uint32(k), 1)
		}
	}
	if nc > 0 {
		f.add(efNegMax3, uint32(negMax*5), 1)
		if d.asksLast(in, cust[0]) {
			f.add(efLastAsks, b2u(na > 0 && agent[0] > cust[0]), 1)
		}
	}
	// The kinds of the last two replies, in this order, written out: a
	// table of them was laid out and walked for every chat.
	for k, j := range agent[:2] {
		if j < 0 {
			break
		}
		kk := uint32(k) << 8
		if in.Has(j, d.generic) {
			f.add(efAgent, kk|akGeneric, 1)
		}
		if in.Has(j, d.hold) {
			f.add(efAgent, kk|akHold, 1)
		}
		if in.Has(j, d.refusal) {
			f.add(efAgent, kk|akRefusal, 1)
		}
		if in.Has(j, d.nextStep) {
			f.add(efAgent, kk|akNextStep, 1)
		}
		if in.Has(j, d.appease) {
			f.add(efAgent, kk|akAppease, 1)
		}
		if in.Has(j, d.closing) {
			f.add(efAgent, kk|akClosing, 1)
		}
	}

	// The agent's last substantive reply: the last one that is more than
	// canned words, apologies and requests to wait.
	subst := -1
	for i := len(msgs) - 1; i >= 0 && i >= len(msgs)-12; i-- {
		if agentSide(msgs[i].Role) && residualAtLeast(in, i, d.generic, 3) {
			subst = i
			break
		}
	}
	var combo uint32
	if subst >= 0 {
		for _, c := range [...]struct {
			kind uint32
			id   ClassID
		}{{akRefusal2, d.refuse2}, {akDeflect, d.deflect}, {akNextStep, d.nextStep}, {akHold, d.hold}, {akAsks, d.question}} {
			if in.Has(subst, c.id) {
				f.add(efSubst, c.kind, 1)
				combo |= 1 << c.kind
			}
		}
		for x := range out.Findings {
			// By pointer: a range copied each finding (104 bytes).
			if fd := &out.Findings[x]; fd.Code == "promise.made" && len(fd.Messages) > 0 && fd.Messages[0] == subst {
				f.add(efSubst, akPromise, 1)
				combo |= 1 << akPromise
				break
			}
		}
		f.add(efCombo, combo, 1)
		if nc == 0 || cust[0] < subst {
			f.add(efAgentAsks, b2u(in.Has(subst, d.question)), 1)
		}
	}
	if nc > 0 {
		kind := uint32(0)
		switch {
		case in.Has(cust[0], d.thanks):
			kind = 1
		case closing0:
			kind = 2
		case in.Has(cust[0], d.question):
			kind = 3
		}
		refused := combo&(1<<akRefusal2|1<<akDeflect) != 0 && combo&(1<<akNextStep|1<<akPromise) == 0
		f.add(efAfterRefusal, b2u(refused)<<2|kind, 1)
		for k, i := range cust[:2] {
			if i >= 0 && in.Has(i, d.resent) {
				f.add(efResent, uint32(k)<<1|b2u(refused), 1)
			}
		}
	}

	// Findings of the earlier detectors: each (code, near the end) once.
	end := len(msgs) - 4
	var seen uint64
	for x := range out.Findings {
		fd := &out.Findings[x] // a range copied each finding (104 bytes)
		if len(fd.Messages) == 0 {
			continue
		}
		if fd.Code == "promise.made" {
			for k, j := range agent {
				if j >= 0 && fd.Messages[0] == j {
					kind, _ := fd.Data.Get("kind").(string)
					f.add(efPromise, uint32(k)<<4|promiseKindIndex(kind), 1)
				}
			}
			continue
		}
		if c := endingCodeIndex(fd.Code); c >= 0 {
			bit := uint64(1) << (2*c + int(b2u(fd.Messages[0] >= end)))
			if seen&bit == 0 {
				seen |= bit
				f.add(efFinding, uint32(c)<<1|b2u(fd.Messages[0] >= end), 1)
			}
		}
	}
	for _, t := range out.Tags {
		f.add(efTag, uint32(nfMix(endHash(t.Name))), 1)
	}

	f.ones = f.n // every feature so far was added with 1
	if cust[0] >= 0 {
		tailGrams(f, in.Norm[cust[0]], efC0Uni, efC0Bi)
	}
	if cust[1] >= 0 {
		tailGrams(f, in.Norm[cust[1]], 0, efC1Bi)
	}
}

// fillerOnly is isFillerOnly, answered at the first character when that
// is a CJK ideograph or an ASCII letter or digit (most messages): the
// emoji codes isFillerOnly strips start with '#', so they cannot take a
// valid first character away, and such a character is no filler.
//
// A lead byte E4–E9 with two continuation bytes (U+4000–U+9FFF, most
// Chinese messages) is tested first, on its own: every such character is
// in the range below (U+3400–U+9FFF, which also holds the Yijing
// hexagram symbols U+4DC0–U+4DFF; no filler either way). endFeatures,
// which asks of every customer message, tests it inline first (hanFirst).
func fillerOnly(s string) bool {
	if hanFirst(s) {
		return false
	}
	if len(s) > 0 {
		if c := s[0]; c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			return false
		}
		if len(s) >= 3 && s[0]&0xF0 == 0xE0 && s[1]&0xC0 == 0x80 && s[2]&0xC0 == 0x80 {
			if r := rune(s[0]&0x0F)<<12 | rune(s[1]&0x3F)<<6 | rune(s[2]&0x3F); r >= 0x3400 && r <= 0x9FFF {
				return false
			}
		}
	}
	return isFillerOnly(s)
}

// residualAtLeast reports whether message i has at least k content bytes
// (particles, punctuation and spaces not counted, see contentScan) outside
// the hits of class c: whether something is left once greetings or canned
// phrases are taken out. The covered bytes are skipped, not subtracted, so
// the particles inside a canned phrase ("请问还有其他可以帮到您的吗") do
// not eat into what is left. It reads the message only until it knows (the
// count only grows), and hashes no bigrams: the resolution rules asked
// contentScan for the whole count and signature where they need only
// this (FuzzContentAtLeast holds contentAtLeast to contentScan).
func residualAtLeast(in *Input, i int, c ClassID, k int) bool {
	var spans [maxSpans]span
	n := coveredSpans(in, i, c, &spans)
	return contentAtLeast(in.Norm[i], spans[:n], k)
}

// contentAtLeast reports whether contentScan(s, skip)'s content count is
// at least k: the same walk (skip spans, emoticons and data tokens taken
// out, punctuation and spaces no content, particles none), without the
// bigram signature, stopping as soon as the count reaches k.
// FuzzContentAtLeast checks it against contentScan.
func contentAtLeast(s string, skip []span, k int) bool {
	content := 0
	if content >= k {
		return true
	}
	for i := 0; i < len(s); {
		if len(skip) > 0 && int32(i) >= skip[0][0] {
			if e := int(skip[0][1]); e > i {
				i = e
			}
			skip = skip[1:]
			continue
		}
		if c := s[i]; c == '#' {
			if n := emoticon(s[i:]); n > 0 {
				i += n
				continue
			}
		} else if c == '[' || c == '@' || (i == 0 || !isASCIIAlnum(s[i-1])) && isASCIIAlnum(c) {
			if n := dataToken(s[i:]); n > 0 {
				i += n
				continue
			}
		}
		var key uint32
		var size int
		if b := s[i]; b < 0x80 {
			key, size = uint32(b), 1
		} else if b&0xF0 == 0xE0 && i < len(s)-2 { // which proves s[i+1] and s[i+2] in bounds
			key, size = uint32(b)<<16|uint32(s[i+1])<<8|uint32(s[i+2]), 3
		} else {
			key, size = charKeySlow(s, i)
		}
		i += size
		if size == 1 && !(key >= 'a' && key <= 'z' || key >= '0' && key <= '9') || size == 3 && key>>8 == 0xE380 {
			continue
		}
		if content += contentOf(key, size); content >= k {
			return true
		}
	}
	return false
}

// satIndex numbers the satisfaction labels for the features.
func satIndex(s string) uint32 {
	switch s {
	case SatisfactionDissatisfied:
		return 1
	case SatisfactionNeutral:
		return 2
	case SatisfactionSatisfied:
		return 3
	}
	return 0
}

// promiseKindIndex numbers the promise kinds for the features.
func promiseKindIndex(kind string) uint32 {
	switch kind {
	case PromiseTime:
		return 1
	case PromiseAmount:
		return 2
	case PromiseAction:
		return 3
	}
	return 0
}

// endHash is FNV-1a of s, without allocating.
func endHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// tailGrams adds the character unigrams (when uni is not 0) and bigrams of
// the last maxEndRunes characters of s, sharing the value 1/√count.
//
// It reads s once, from the end: ASCII and valid three-byte characters
// (leads E1–EF but ED, most of Chinese) are decoded as they are counted
// off, and the features are made from the runes so kept, with the
// buffer's length kept in a register and each value written with its
// feature, their count known beforehand (FuzzTailGrams holds it to
// tailGramsRange). A character of another kind among the last maxEndRunes
// leaves it to tailGramsDecode, which reads such text as range does:
// forward.
func tailGrams(f *endFeats, s string, uni, bi uint32) {
	rs := &f.rs
	k, start := uint(len(rs)), len(s) // rs[k:] are the runes of s[start:]
	for k > 0 && start > 0 {
		c := s[start-1]
		if c < utf8.RuneSelf {
			start--
			k--
			rs[k] = rune(c)
			continue
		}
		if start < 3 {
			tailGramsDecode(f, s, uni, bi)
			return
		}
		// A lead and two continuation bytes (top bits 10, flipped to 00
		// in w, which then holds the two low six-bit groups as they are).
		lead, w := s[start-3], (uint32(s[start-2])<<8|uint32(c))^0x8080
		if !text.Lead3(lead) || w&0xc0c0 != 0 {
			tailGramsDecode(f, s, uni, bi)
			return
		}
		start -= 3
		k--
		// w is the two groups, the first high: w - (w>>8)*0xc0 moves it
		// down to bits 6–11, (w>>8)<<6 | w&0x3f in three instructions.
		rs[k] = rune(lead&0x0F)<<12 | rune(w-(w>>8)*0xc0)
	}
	// The text read back to a valid lead or an ASCII byte each time is
	// cut into the same characters forward: rs[k:] are range's runes of
	// s[start:]. Each rune adds its unigram (when uni is not 0) and,
	// after the first, its bigram with the rune before, as add would
	// (none past the buffer's end); the loops are written out for the
	// first rune and for uni 0 or not, which leaves them fewer values to
	// keep in registers.
	n := uint(f.n) // unsigned: idx[n] needs no bounds check past n < len(idx)
	idx, val := f.idx[:], f.val[:]
	if rs := rs[k:]; len(rs) > 0 {
		// The features to come, known before they are made: a unigram
		// for each rune (with uni), a bigram for each after the first,
		// as many of them as the buffer has room for. Their value,
		// 1/√count, is written with each, where a second loop wrote it
		// over them all.
		count := uint(len(rs) - 1)
		if uni != 0 {
			count += uint(len(rs))
		}
		count = min(count, uint(len(idx))-n)
		var v float32
		if count > 0 {
			v = float32(1 / math.Sqrt(float64(count)))
		}
		kb := negKey(bi) // featureIndex's first step, as negIndex
		r0 := rs[0]
		if uni != 0 {
			ku := negKey(uni)
			if n < uint(len(idx)) {
				idx[n], val[n] = endIndex(ku, uint32(r0)), v
				n++
			}
			for _, r := range rs[1:] {
				if n < uint(len(idx)) {
					idx[n], val[n] = endIndex(ku, uint32(r)), v
					n++
				}
				if n < uint(len(idx)) {
					idx[n], val[n] = endIndex(kb, uint32(nfMix(uint64(r0)<<32|uint64(r)))), v
					n++
				}
				r0 = r
			}
		} else {
			for _, r := range rs[1:] {
				if n < uint(len(idx)) {
					idx[n], val[n] = endIndex(kb, uint32(nfMix(uint64(r0)<<32|uint64(r)))), v
					n++
				}
				r0 = r
			}
		}
	}
	f.n = int(n)
}

// endIndex is featureIndex(g, v, 0, EndingBits) for k = negKey(g), the
// first step of its hash done beforehand (TestEndIndex, FuzzEndIndex).
func endIndex(k uint64, v uint32) uint32 {
	h := k ^ uint64(v)
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	return uint32(h >> (64 - EndingBits))
}

// tailGramsDecode is tailGrams for a text whose last maxEndRunes
// characters hold one that is neither ASCII nor a valid three-byte
// character: their start found from the end, then the runes decoded
// forward, as range gives them.
func tailGramsDecode(f *endFeats, s string, uni, bi uint32) {
	start := len(s)
	for k := 0; k < maxEndRunes && start > 0; k++ {
		// DecodeLastRuneInString's sizes, ASCII and valid three-byte
		// characters of E1–EC and EE–EF leads (most of Chinese) inline.
		if c := s[start-1]; c < utf8.RuneSelf {
			start--
			continue
		} else if start >= 3 && c&0xC0 == 0x80 && s[start-2]&0xC0 == 0x80 && s[start-3]-0xE1 < 0x0F && s[start-3] != 0xED {
			start -= 3
			continue
		}
		_, size := utf8.DecodeLastRuneInString(s[:start])
		start -= size
	}
	first := f.n
	var r0 rune = -1
	for i := start; i < len(s); {
		// The runes as range gives them, ASCII and Chinese decoded inline.
		var r rune
		if c := s[i]; c < utf8.RuneSelf {
			r = rune(c)
			i++
		} else if text.Lead3(c) && i < len(s)-2 && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			// Leads E1–EF but ED; i < len(s)-2 proves s[i+1] and s[i+2]
			// in bounds, where i+2 < len(s) left their bounds checks.
			r = rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
			i += 3
		} else {
			var size int
			r, size = utf8.DecodeRuneInString(s[i:])
			i += size
		}
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

// EndingFeatures calls fn once with the hashed ending features of
// conversation in and the rules' verdict on it (0, or the reason, one of
// EndingRuleReasons), exactly as the resolution
// detector computes them while scanning: it is how the trainer
// (internal/eval) sees what the classifier scores. in and out must come
// from e.Inspect with an emotion model loaded. It does nothing when the
// engine has no resolution detector, no emotions were scored or the
// customer said nothing with content (the detector reads no ending then).
func (e *Engine) EndingFeatures(in *Input, out *Output, fn func(why int, idx []uint32, val []float32)) {
	d := detectorOf[*resolutionDetector](e)
	if d == nil || in.Emotion == nil || d.lastCustomer(in) < 0 {
		return
	}
	_, why, _ := d.verdict(in)
	var f endFeats
	d.endFeatures(in, out, why, &f)
	fn(why, f.idx[:f.n], f.val[:f.n])
}
