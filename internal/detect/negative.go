package detect

import (
	"math"
	"unicode/utf8"

	"fullqa/internal/conversation"
	"fullqa/internal/text"
)

// NegativeBits is the log2 of the size of the learned negative-emotion
// model's hashed feature table. The trainer (internal/eval) and the model
// file (internal/classify) use the same size.
const NegativeBits = 16

// negativeWeights is implemented by emotion models that also carry the
// learned per-message negative-emotion scorer (internal/classify's does):
// a linear model over the features negFeatures hashes, trained on the
// reviewers' customer_negative labels, with the decision threshold chosen
// by cross-validation. The engine looks for it once, at start-up.
type negativeWeights interface {
	NegativeWeights() (w []float32, bias, threshold float32)
}

// negativeStacked is implemented by emotion models whose learned
// negative-emotion scorer decides stacked (internal/classify's, when its
// weights file says so): the rules' verdict is one of the scorer's
// features, in bucket NegativeRuleBucket with value 1, and the score alone
// decides, so it can overrule a rule's false alarm.
type negativeStacked interface {
	NegativeStacked() bool
}

// NegativeRuleBucket is the bucket of the rules' verdict among a stacked
// negative-emotion scorer's features: the trainer (internal/eval) adds it,
// value 1, to the features of a message the rules call negative, and the
// detector adds its weight to such a message's sum.
const NegativeRuleBucket = 1<<NegativeBits - 2

// WithNegativeRule returns the features idx, val of a message the rules
// call negative with the rules' verdict added as a stacked scorer reads
// it (NegativeRuleBucket, value 1), in new slices: how the trainer and
// the tests build what the detector sums.
func WithNegativeRule(idx []uint32, val []float32) ([]uint32, []float32) {
	return append(append(make([]uint32, 0, len(idx)+1), idx...), NegativeRuleBucket), append(append(make([]float32, 0, len(val)+1), val...), 1)
}

// learnedNegative is the learned scorer as the emotion detector uses it.
type learnedNegative struct {
	w         *[1 << NegativeBits]int16 // the weights as int16 steps of scale (int16Table)
	scale     float32
	bias      float32
	threshold float32 // probability from which a message is negative
	// stacked says the score alone decides, the rules' verdict one of its
	// features (negativeStacked): NegativeRuleBucket's weight is added to
	// the sum of a message the rules call negative.
	stacked bool
	// zMin is the least sum whose probability reaches threshold
	// (zAtLeast, set by withUni): a message of a smaller sum is not
	// negative by the scorer, and emotionDetector.decide tells so
	// without the sigmoid (an exponential, some 60 instructions, for
	// most customer messages); -Inf, which no sum is below, when
	// threshold is not in (0, 1].
	zMin float32

	// uni[r] is the weight of rune r's unigram, stepWeight of its slot,
	// for the runes below negUniRunes (ASCII, the CJK punctuation and
	// ideographs: nearly every rune of a Chinese chat), worked out once
	// so that sumGrams reads it where it hashed every rune (withUni). A
	// scorer whose n-grams are summed (finishSum) must have it; the English
	// one, which only scores a buffer (prob), has none.
	uni *[negUniRunes]float32
	// slots is negTail's table of slots (newNegSlots), set with uni.
	slots *negSlots
	// wf[k] is stepWeight(w[k], scale), every weight worked out once
	// (withUni, 256 KB), so that sum and sumGrams' hashed bigrams read a
	// float32 where they converted and scaled a step for every feature
	// (three instructions each, some 17 features a customer message).
	// The English scorer, which has no uni, has none: sum reads w there.
	wf *[1 << NegativeBits]float32
}

// negUniRunes bounds the runes whose unigram weights learnedNegative.uni
// holds: those of the ASCII, CJK punctuation and CJK ideograph blocks,
// U+0000 to U+9FFF (160 KiB, in place of as many lookups of the hash).
const negUniRunes = 0xA000

// withUni sets m.uni, the unigram weights of the runes below negUniRunes,
// and m.slots (for the engine's scorer, at start-up), and returns m.
func (m *learnedNegative) withUni() *learnedNegative {
	m.zMin = zAtLeast(m.threshold)
	m.slots = newNegSlots()
	m.wf = new([1 << NegativeBits]float32)
	for k, q := range m.w {
		m.wf[k] = stepWeight(q, m.scale)
	}
	m.uni = new([negUniRunes]float32)
	k := negKey(nfUni)
	for r := range m.uni {
		m.uni[r] = m.wf[negIndex(k, uint32(r))]
	}
	return m
}

// zAtLeast returns the least float32 z for which sigmoid(z) >= p, for p
// in (0, 1], and -Inf for any other p (NaN included). It halves the
// float32 values, in their order (floatOrder), between -Inf (sigmoid 0,
// below p) and +Inf (sigmoid 1), which finds the least one because
// sigmoid is non-decreasing over float32 values: a step of z moves the
// exact sigmoid by far more than the float64 exponential's rounding error
// (about 1e-16, relative), but for |z| below about 1e-15, where every
// float32 result is 0.5; and rounding to float32 keeps the order.
// TestZAtLeast checks every float32 within 2^20 steps of the answer, and
// random ones, for thresholds across (0, 1]; FuzzZAtLeast any.
func zAtLeast(p float32) float32 {
	if !(p > 0 && p <= 1) {
		return float32(math.Inf(-1))
	}
	lo, hi := floatOrder(float32(math.Inf(-1))), floatOrder(float32(math.Inf(1))) // sigmoid < p at lo, >= p at hi
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if sigmoid(orderFloat(mid)) >= p {
			hi = mid
		} else {
			lo = mid
		}
	}
	return orderFloat(hi)
}

// floatOrder maps float32 x (not NaN) to an int64 that orders as x does,
// -0 and +0 both to 0; orderFloat is its inverse (giving +0 for 0).
func floatOrder(x float32) int64 {
	b := math.Float32bits(x)
	if b>>31 != 0 {
		return -int64(b &^ (1 << 31))
	}
	return int64(b)
}

// orderFloat is the float32 floatOrder maps to k.
func orderFloat(k int64) float32 {
	if k < 0 {
		return math.Float32frombits(uint32(-k) | 1<<31)
	}
	return math.Float32frombits(uint32(k))
}

// maxNegFeats bounds the features of one message (signals plus character
// n-grams of its first maxNegRunes runes), so they fit a buffer on the
// stack and scoring does not allocate.
const (
	maxNegRunes = 120
	maxNegFeats = 2*maxNegRunes + 64
)

// negFeats is the feature buffer of one message.
type negFeats struct {
	idx [maxNegFeats]uint32
	val [maxNegFeats]float32
	n   int

	// rs holds the runes finishSum decodes: here, in a buffer that lives
	// for a conversation, rather than on finishSum's stack, which Go
	// zeroed for every message.
	rs [maxNegRunes]rune

	// bi remembers the weights of model biOf's bigrams finishSum summed
	// before (negBigrams), made once negBiAfter messages were scored
	// without it: it lives in the worker's Scratch, conversation after
	// conversation.
	bi   *negBigrams
	biOf *learnedNegative
	// unmemoized counts the messages finishSum scored before bi was made
	// (up to negBiAfter).
	unmemoized int

	// sumW, while set (by negSum and finishSum, as negSignals and
	// negTail fill f), makes addIndex add each feature's weight in sumW
	// times its value to sum, in order, instead of storing the feature,
	// which sum read back to do the same additions (TestNegProbMatchesProb
	// and FuzzNegProb hold the result to prob of the stored features, to
	// the bit). The features are counted in n either way.
	sumW *[1 << NegativeBits]float32
	sum  float32
}

// negBiAfter is how many messages a negFeats scores by hashing every
// bigram before it makes its memo: a Scratch made for one conversation or
// one request (Engine.Inspect with a nil Scratch, the service's handlers,
// the evals) pays for the 192 KB table only past that many customer
// messages, which cost some 23 µs to make
// (8.5 µs → 31.6 µs to inspect a three-message chat with a fresh Scratch),
// while a scan worker's Scratch has it after its first few dozen
// conversations.
const negBiAfter = 256

// negBiBits is the log2 of the entries of a negBigrams: 16,384, 256 KB.
// On the bench chats some 80 % of the customers' bigrams are found there
// (common pairs: 您好, 请问, 快递, 什么), two thirds with 4,096 entries.
const negBiBits = 14

// negBigrams is a direct-mapped memo of the negative scorer's bigram
// weights: e[s].key is a pair of runes r0<<32 | r whose weight, stepWeight
// of the slot two MurmurHash3 finalisers give (nfMix, then negIndex), is
// e[s].bi, and e[s].uni is the weight of r's unigram (learnedNegative.uni,
// or hashed past it), which sumGrams adds just before; s is negBiSlot of
// the pair. Most of a chat's bigrams were scored in an earlier message or
// conversation, and reading the two weights back is half the
// instructions of hashing for them again; kept side by side with the key,
// they are read from the one cache line the key is (the table is larger
// than the first-level cache: separate arrays of keys and weights, and the
// unigram table, missed it about once a bigram each). The weights are of
// one model (negFeats.biOf), the entries empty (^0, no pair of runes)
// until filled; it holds no pointer, so the collector does not scan it.
// TestNegBigramsMatchHash and FuzzNegBigrams hold sumGrams with it to the
// hash.
type negBigrams struct {
	e [1 << negBiBits]negBigram
}

// negBigram is an entry of negBigrams: 16 bytes, four to a cache line.
type negBigram struct {
	key     uint64
	uni, bi float32
}

// negBiSlot is the entry of negBigrams that holds pair key: the top bits
// of a Fibonacci hash, one multiplication.
func negBiSlot(key uint64) uint32 { return uint32(key * 0x9e3779b97f4a7c15 >> (64 - negBiBits)) }

// bigrams returns f's memo of m's bigram weights, made when f has none
// (once f has scored negBiAfter messages without one: nil before) and
// emptied when it holds another model's.
func (f *negFeats) bigrams(m *learnedNegative) *negBigrams {
	b := f.bi
	if b == nil {
		if f.unmemoized < negBiAfter {
			f.unmemoized++
			return nil
		}
		b = new(negBigrams)
		f.bi, f.biOf = b, nil
	}
	if f.biOf != m {
		f.biOf = m
		for k := range b.e {
			b.e[k].key = ^uint64(0)
		}
	}
	return b
}

// negState is what the features of a customer message remember of the
// earlier ones: whether the chat is already heated, and where the agent
// turns around it are, found in passes that never go back (a customer
// run of 40,000 messages costs 40,000 steps, not their square).
type negState struct {
	customers int     // customer messages before this one
	ruleNegs  int     // of them, negative by the rules
	lastNeg   bool    // the customer's previous message was negative by the rules
	maxPrev   float32 // the highest model negative probability so far

	seen      int // messages before seen were looked at by prevAgent
	lastAgent int // 1 + the last agent or bot message before seen, 0 if none
	scanned   int // messages before scanned were looked at by nextAgent
	nextAgent int // 1 + the first agent or bot message at or after the last lookup, 0 if none
}

// prevAgent returns the last agent or bot message before message i, or
// -1; i must not decrease between calls.
func (st *negState) prevAgent(in *Input, i int) int {
	for j := st.seen; j < i; j++ {
		if agentSide(in.Conv.Messages[j].Role) {
			st.lastAgent = j + 1
		}
	}
	st.seen = max(st.seen, i)
	return st.lastAgent - 1
}

// nextAgentAfter returns the first agent or bot message after message i,
// or -1; i must not decrease between calls.
func (st *negState) nextAgentAfter(in *Input, i int) int {
	if st.nextAgent-1 > i {
		return st.nextAgent - 1
	}
	msgs := in.Conv.Messages
	st.nextAgent = 0
	for j := max(i+1, st.scanned); j < len(msgs); j++ {
		st.scanned = j + 1
		if agentSide(msgs[j].Role) {
			st.nextAgent = j + 1
			break
		}
	}
	return st.nextAgent - 1
}

// Feature groups of the learned negative-emotion model. Each feature is a
// (group, value) pair hashed into the table; the numbers are part of the
// trained weights, so they never change meaning (add new ones at the end).
const (
	nfNegBucket = iota + 1
	nfNegLogit
	nfLabel
	nfStrong
	nfThreat
	nfWeak
	nfWeakXNeg
	nfDelay
	nfChase
	nfElapsed
	nfNotDone
	nfEmphasis
	nfNudge
	nfPresence
	nfMarks
	nfWait
	nfAppeasePrev
	nfRuleNegsBefore
	nfLastNeg
	nfMaxPrev
	nfPosition
	nfLen
	nfQuestion
	nfExclaim
	nfUni
	nfBi
	nfAppeaseNext
	nfNextNeg
	nfNextSame
)

// nfMix is the MurmurHash3 64-bit finaliser, spreading feature keys over
// the table.
func nfMix(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// featureIndex is the slot of feature (group, value) in a hashed table of
// 2^bits weights (bits at most 32), the one hashing every learned
// scorer's feature buffer uses; salt keeps the keys of scorers that share
// a feature numbering apart (0 where none is needed). It is the top bits
// of nfMix, computed by nfMixTop (FuzzFeatureIndex checks it against
// nfMix).
func featureIndex(group, value uint32, salt uint64, bits int) uint32 {
	return uint32(nfMixTop(uint64(group)<<32|uint64(value)|salt) >> (64 - bits))
}

// nfMixTop is nfMix without its last step, h ^= h >> 33, which changes
// none of the top 31 bits (it XORs bit j with bit j+33): for the slots of
// a table of at most 2^31 weights the step is work for nothing, three
// instructions of a dozen in the scorers' n-gram loops.
func nfMixTop(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	return h
}

// add appends feature (group, value) with weight v; past the buffer's end
// features are dropped (only very long messages get there).
func (f *negFeats) add(group, value uint32, v float32) {
	// One test of n, unsigned, stands for the buffer's end and both
	// bounds checks (f.n is never past the end: n < len is n != len).
	if n := uint(f.n); n < uint(len(f.idx)) {
		f.idx[n] = featureIndex(group, value, 0, NegativeBits)
		f.val[n] = v
		f.n = int(n) + 1
	}
}

// signal is addIndex for negSignals: while f.sumW is set, the weight of
// the feature times v is added to f.sum, and the feature is not counted
// in f.n, which negSignals started at 0 and leaves there. No feature
// fails to fit then: negSignals makes at most maxNegSignals (one at each
// of its calls of signal, none of them in a loop), and with the n-grams
// and negTail's they fit the buffer (maxNegFeats), which finishSum's room
// for the n-grams and negTail's test of the buffer's end find either
// way (TestNegSignalsFit).
func (f *negFeats) signal(ix uint32, v float32) {
	if w := f.sumW; w != nil {
		f.sum += w[ix&(1<<NegativeBits-1)] * v // featureIndex's range: no bounds check
		return
	}
	f.addIndex(ix, v)
}

// maxNegSignals bounds the features negSignals makes: its calls of
// signal. With the most n-grams (2*maxNegRunes - 1) and negTail's three
// they fit the buffer, or this does not compile.
const (
	maxNegSignals = 24
	_             = uint(maxNegFeats - maxNegSignals - (2*maxNegRunes - 1) - 3)
)

// negSlots holds featureIndex(g, v, 0, NegativeBits) of every group g of
// the negative scorer's features and every value v below 16: most of the
// features of a message are of such a value (a bucket, a count, a few
// bits), and reading the slot is cheaper than hashing for it (TestNegSlots
// holds the table to featureIndex).
type negSlots [nfNextSame + 1][16]uint32

// newNegSlots fills a negSlots.
func newNegSlots() *negSlots {
	t := new(negSlots)
	for g := range t {
		for v := range t[g] {
			t[g][v] = featureIndex(uint32(g), uint32(v), 0, NegativeBits)
		}
	}
	return t
}

// of is featureIndex(g, v, 0, NegativeBits), read from t when v is below
// 16.
func (t *negSlots) of(g, v uint32) uint32 {
	if v < uint32(len(t[g])) {
		return t[g][v]
	}
	return featureIndex(g, v, 0, NegativeBits)
}

// addIndex is add of the feature whose slot is ix; while f.sumW is set,
// its weight times v is added to f.sum instead.
func (f *negFeats) addIndex(ix uint32, v float32) {
	if n := uint(f.n); n < uint(len(f.idx)) {
		if w := f.sumW; w != nil {
			f.sum += w[ix&(1<<NegativeBits-1)] * v // featureIndex's range: no bounds check
		} else {
			f.idx[n] = ix
			f.val[n] = v
		}
		f.n = int(n) + 1
	}
}

// bucketOf cuts a count into 0, 1, 2, 3–5, 6–10, 11+.
func bucketOf(n int) uint32 {
	switch {
	case n <= 2:
		return uint32(n)
	case n <= 5:
		return 3
	case n <= 10:
		return 4
	}
	return 5
}

// negFeatures fills f with the features of customer message i: the
// emotion model's view (its negative probability and label), what each
// rule of negative() sees (strong and weak words, threats, delay and chase
// patterns, what the agent's turn before was), how heated the chat already
// is (st), where the message stands, and the character 1–2-grams of its
// normalized text: negSignals, then negGrams, then negTail.
func (d *emotionDetector) negFeatures(in *Input, i int, ws *waits, st *negState, f *negFeats) {
	d.negSignals(in, i, ws, st, f)
	negTail(f, negGrams(f, in.Norm[i]), d.slots)
}

// negSum is the learned sum of message i's features, before the sigmoid
// (negProb's, in the tests). The signals' weights are
// summed as negSignals finds them (f.sumW), not stored and read back.
func (d *emotionDetector) negSum(m *learnedNegative, in *Input, i int, ws *waits, st *negState, f *negFeats) float32 {
	f.sumW, f.sum = m.wf, m.bias
	d.negSignals(in, i, ws, st, f)
	f.sumW = nil
	return m.finishSum(f.sum, f, in.Norm[i])
}

// finishSum adds to z, the sum of the features in f, those negGrams and
// negTail would add for norm (finish, in the tests, is its sigmoid). The n-grams are counted
// in f.n but not stored, so the features after them fall where negTail
// would put them (none, should the n-grams fill the buffer).
func (m *learnedNegative) finishSum(z float32, f *negFeats, norm string) float32 {
	c := negRunes(norm, &f.rs)
	var n int
	z, n = m.sumGrams(z, f.rs[:c.runes], len(f.idx)-f.n, f.bigrams(m))
	f.n += n
	f.sumW, f.sum = m.wf, z // negTail's features summed as it finds them
	negTail(f, c, m.slots)
	f.sumW = nil
	return f.sum
}

// negSignals fills f with negFeatures' features before the n-grams.
func (d *emotionDetector) negSignals(in *Input, i int, ws *waits, st *negState, f *negFeats) {
	f.n = 0
	t := d.slots
	e := &in.Emotion[i] // by pointer: a copy took the whole 48 bytes
	neg := clampNeg(float64(e.Neg))
	f.signal(t.of(nfNegBucket, uint32(neg*10)), 1)
	// A feature of value 0 (this one, and the flags below) has its slot
	// read from t, t[g][0], where add hashed for it.
	f.signal(t[nfNegLogit][0], float32(math.Log(neg/(1-neg))/4))
	lab := uint32(0)
	switch e.Label {
	case EmotionNegative:
		lab = 1
	case EmotionPositive:
		lab = 2
	}
	f.signal(t.of(nfLabel, lab<<8|uint32(e.Score*4)), 1)

	// words is false for most messages: none of wordGate's classes, so
	// none of the word tests below can hold (each starts with Input.may
	// of a class of the gate, threatWord with may of its words or @
	// names), and they are passed by this one test. delayed is not a word
	// test and keeps its place, which keeps the features' order.
	words := in.mayAny(i, &d.wordGate)
	if words {
		if _, strong := in.firstTerm(i, d.strong); strong {
			f.signal(t[nfStrong][0], 1)
		}
		// The rules' threat alone: the learned negative scorer was trained on
		// that reading (a learned threat still makes rule true).
		if _, ok := threatWord(in, i, &d.threat); ok {
			f.signal(t[nfThreat][0], 1)
		}
		if _, weak := in.firstTerm(i, d.weak); weak {
			f.signal(t[nfWeak][0], 1)
			f.signal(t.of(nfWeakXNeg, uint32(neg*5)), 1)
		}
	}
	if d.mayDelay(in, i) && d.delayed(in, i, ws) {
		f.signal(t[nfDelay][0], 1)
	}
	if words {
		if in.may(i, d.elapsed.words) {
			f.signal(t[nfElapsed][0], 1)
		}
		if _, ok := in.firstTerm(i, d.notDone); ok {
			f.signal(t[nfNotDone][0], 1)
		}
		if in.may(i, d.emphasis.words) {
			f.signal(t[nfEmphasis][0], 1)
		}
		if _, ok := in.firstTerm(i, d.nudge); ok {
			f.signal(t[nfNudge][0], 1)
		}
	}
	norm := in.Norm[i]
	q, dots := bareMarks(norm)
	if lead := leadingDots(norm); q || dots || lead {
		f.signal(t.of(nfMarks, b2u(q)|b2u(dots)<<1|b2u(lead)<<2), 1)
	}
	if !q && !dots && d.mayPresence(in, i) && d.presenceOnly(in, i, ws) {
		f.signal(t[nfPresence][0], 1)
	}
	w := ws.at(d, in, i)
	f.signal(t.of(nfWait, b2u(w.replied)|b2u(w.held)<<1|b2u(w.refused)<<2|b2u(w.waiting)<<3), 1)
	if d.mayChase(in, i, norm) && d.chased(in, i, ws) {
		f.signal(t[nfChase][0], 1)
	}
	if j := st.prevAgent(in, i); j >= 0 && in.Has(j, d.appease) {
		f.signal(t[nfAppeasePrev][0], 1)
	}

	// What follows is part of a chat read after the fact: an agent who
	// apologises or soothes next read the message as a complaint, and a
	// customer still negative in the next message was already so.
	if j := st.nextAgentAfter(in, i); j >= 0 && in.Has(j, d.appease) {
		f.signal(t[nfAppeaseNext][0], 1)
	}
	if j := nextCustomer(in, i); j >= 0 {
		f.signal(t.of(nfNextNeg, uint32(in.Emotion[j].Neg*5)), 1)
		if !agentSide(in.Conv.Messages[i+1].Role) {
			f.signal(t[nfNextSame][0], 1) // sent in a burst, before any reply
		}
	}
	f.signal(t.of(nfRuleNegsBefore, min(uint32(st.ruleNegs), 3)), 1)
	if st.lastNeg {
		f.signal(t[nfLastNeg][0], 1)
	}
	f.signal(t.of(nfMaxPrev, uint32(st.maxPrev*5)), 1)
	f.signal(t.of(nfPosition, bucketOf(st.customers)), 1)
}

// clampNeg is min(max(p, 1e-4), 1-1e-4) written as two comparisons: the
// built-in min and max of floats also order -0 before +0 and carry a NaN
// through, some ten instructions more, and neither changes the answer
// here (p below 1e-4, -0 included, gives 1e-4; a NaN fails both tests
// and is returned, as min and max return it). TestClampNeg holds it to
// min and max.
func clampNeg(p float64) float64 {
	if p < 1e-4 {
		return 1e-4
	}
	if p > 1-1e-4 {
		return 1 - 1e-4
	}
	return p
}

// runeCounts is what negGrams and negRunes count of a text: the runes
// read (at most maxNegRunes) and the question and exclamation marks among
// them.
type runeCounts struct{ runes, qs, ex int }

// negTail adds negFeatures' features after the n-grams, of the counts c,
// the slots of their small values read from t.
func negTail(f *negFeats, c runeCounts, t *negSlots) {
	// runes is the text's length when the loop read it all, and past
	// maxNegRunes it is in bucketOf's top bucket either way.
	f.addIndex(t.of(nfLen, bucketOf(c.runes)), 1)
	f.addIndex(t.of(nfQuestion, uint32(min(c.qs, 3))), 1)
	if c.ex > 0 {
		f.addIndex(t[nfExclaim][0], 1)
	}
}

// negGrams appends the character unigrams and bigrams of the first
// maxNegRunes runes of norm to f, sharing the value 1/√count (past the
// buffer's end they are dropped, as add drops them), and returns how many
// runes it read and the question and exclamation marks among them. The
// features' indexes are kept in a register and their values written once;
// FuzzNegGrams checks it against the same loop written with add.
func negGrams(f *negFeats, norm string) runeCounts {
	var runes, qs, ex int
	first, n := f.n, f.n
	var r0 rune = -1
	for i := 0; i < len(norm) && runes < maxNegRunes; {
		// The runes as range gives them, ASCII and Chinese decoded inline
		// (range calls the runtime for every character past ASCII).
		var r rune
		if c := norm[i]; c < utf8.RuneSelf {
			r = rune(c)
			i++
		} else if c-0xe1 < 0x0f && c != 0xed && i+2 < len(norm) && norm[i+1]&0xc0 == 0x80 && norm[i+2]&0xc0 == 0x80 {
			r = rune(c&0x0f)<<12 | rune(norm[i+1]&0x3f)<<6 | rune(norm[i+2]&0x3f)
			i += 3
		} else {
			var size int
			r, size = utf8.DecodeRuneInString(norm[i:])
			i += size
		}
		runes++
		switch r {
		case '?':
			qs++
		case '!':
			ex++
		}
		if n < len(f.idx) {
			f.idx[n] = featureIndex(nfUni, uint32(r), 0, NegativeBits)
			n++
		}
		if r0 >= 0 && n < len(f.idx) {
			f.idx[n] = featureIndex(nfBi, uint32(nfMix(uint64(r0)<<32|uint64(r))), 0, NegativeBits)
			n++
		}
		r0 = r
	}
	f.n = n
	if n > first {
		v := float32(1 / math.Sqrt(float64(n-first)))
		for k := first; k < n; k++ {
			f.val[k] = v
		}
	}
	return runeCounts{runes, qs, ex}
}

// negRunes decodes the first maxNegRunes runes of norm into rs, as
// negGrams reads them, and counts them and their question and
// exclamation marks. A loop of its own, with nothing else in it, so that
// its values stay in registers.
func negRunes(norm string, rs *[maxNegRunes]rune) runeCounts {
	var c runeCounts
	out := rs[:] // its nil check once, not at every store
	n := uint(0) // unsigned: out[n] needs no bounds check
	for i := 0; i < len(norm) && n < uint(len(out)); {
		b := norm[i]
		if b < utf8.RuneSelf {
			out[n] = rune(b)
			n++
			i++
			// The marks are ASCII: no test for other characters.
			switch b {
			case '?':
				c.qs++
			case '!':
				c.ex++
			}
			continue
		}
		// Runs of three-byte characters whose lead is E1–EF but ED
		// (neither overlong nor a surrogate: text.Lead3) and whose next
		// two bytes are continuation bytes (top bits 10): decoded inline,
		// in a loop of their own. The two bytes are read as one
		// little-endian value (one load, no byte swap) with their 10s
		// flipped to 00, so that one test finds them all zero and w's
		// bytes are then the rune's two low six-bit groups as they are.
		for last := len(norm) - 2; i < last && n < uint(len(out)); i, n = i+3, n+1 {
			b := norm[i]
			w := (uint32(norm[i+1]) | uint32(norm[i+2])<<8) ^ 0x8080
			if !text.Lead3(b) || w&0xc0c0 != 0 {
				break
			}
			// w*0x4001 is w + w<<14, whose bits do not overlap: shifted
			// down by 8, its low twelve bits are the two groups in
			// place, (w&0x3f)<<6 | w>>8, in three instructions for five.
			out[n] = rune(b&0x0f)<<12 | rune(w*0x4001>>8&0xfff)
		}
		if i >= len(norm) || n >= uint(len(out)) || norm[i] < utf8.RuneSelf {
			continue
		}
		// Any other character, or bytes that are none.
		r, size := utf8.DecodeRuneInString(norm[i:])
		i += size
		out[n] = r
		n++
	}
	c.runes = int(n)
	return c
}

// sum adds the weighted features of f from the one numbered from to z,
// in order, as prob does.
// It reads the float32 weights, so the scorer must have them (withUni, as
// finishSum needs uni), and is small enough to be inlined; prob sums a
// scorer without them (the English one) by sumSteps.
func (m *learnedNegative) sum(z float32, f *negFeats, from int) float32 {
	wf := m.wf
	val := f.val[from:f.n]
	for k, ix := range f.idx[from : from+len(val)] {
		z += wf[ix&(1<<NegativeBits-1)] * val[k] // featureIndex's range: no bounds check
	}
	return z
}

// sumSteps is sum of a scorer without float32 weights: each weight its
// int16 step converted and scaled (stepWeight) as it is added.
func (m *learnedNegative) sumSteps(z float32, f *negFeats, from int) float32 {
	w, sc := m.w, m.scale
	val := f.val[from:f.n]
	for k, ix := range f.idx[from : from+len(val)] {
		z += stepWeight(w[ix&(1<<NegativeBits-1)], sc) * val[k]
	}
	return z
}

// sumGrams adds to z the weights of the features negGrams would append
// for the runes rs behind features filling all but room of the buffer,
// in negGrams' order (each rune's unigram, then its bigram with the rune
// before) and with its value, without storing them; it returns the sum
// and how many features it added. The weights of a bigram and of its
// second rune's unigram are read from bc, m's memo, where it holds the
// pair, and kept there when it does not; with no memo (bc nil) every
// bigram is hashed.
func (m *learnedNegative) sumGrams(z float32, rs []rune, room int, bc *negBigrams) (float32, int) {
	if len(rs) == 0 || room <= 0 {
		return z, 0
	}
	n := min(2*len(rs)-1, room) // the features that fit
	v := float32(1 / math.Sqrt(float64(n)))
	// The tables (the weights as float32, m.wf, and the unigrams') as
	// slices of their known lengths: indexed by a uint16 or below
	// negUniRunes, they need no bounds or nil checks in the loop.
	w := m.wf[:]
	ut := m.uni[:]
	uni, bi := negKey(nfUni), negKey(nfBi) // constants
	// A unigram's weight is read from m.uni for the runes it holds: the
	// same float32 stepWeight gives, and the same product with v.
	uniWeight := func(r rune) float32 {
		if uint32(r) < negUniRunes {
			return ut[uint32(r)]
		}
		return w[negIndex(uni, uint32(r))]
	}
	// The first rune adds its unigram, every one after it two features:
	// the runes whose features all fit are the first (n+1)/2 (at most
	// len(rs), as n < 2*len(rs)), and when n is even the buffer is full
	// after the next one's unigram. The loop so has one bound.
	all := rs[:(n+1)/2]
	// The unigram that fills the buffer when n is even, read before the
	// loops (added after them, in its place): rs is not kept across them.
	var last float32
	if n%2 == 0 {
		last = uniWeight(rs[len(all)])
	}
	z += uniWeight(all[0]) * v
	r0 := all[0]   // the rune before, carried from one turn to the next
	if bc == nil { // no memo yet: hashed, as the memo's misses are
		for _, r := range all[1:] {
			z += uniWeight(r) * v
			z += w[negIndex(bi, uint32(nfMix(uint64(r0)<<32|uint64(r))))] * v
			r0 = r
		}
	} else {
		// The pair's key is carried from one turn to the next, its low
		// half the rune before: shifted up, it takes the next rune's
		// (a rune is never negative, so uint64 of it is its 32 bits).
		key := uint64(uint32(r0))
		for _, r := range all[1:] {
			key = key<<32 | uint64(uint32(r))
			e := &bc.e[negBiSlot(key)]
			if e.key != key {
				*e = negBigram{key, uniWeight(r), w[negIndex(bi, uint32(nfMix(key)))]}
			}
			z += e.uni * v
			z += e.bi * v
		}
	}
	if n%2 == 0 {
		z += last * v
	}
	return z, n
}

// negKey is the first step of featureIndex's hash (nfMixTop's h ^=
// h>>33) for key g<<32 | v, less the value v: v's 32 bits lie below the
// group's, and shifted right by 33 they vanish, so the step gives
// negKey(g) ^ v. negIndex goes on from there.
func negKey(g uint32) uint64 {
	k := uint64(g) << 32
	return k ^ k>>33
}

// negIndex is featureIndex(g, v, 0, NegativeBits) for k = negKey(g), the
// first step of its hash done beforehand (TestNegIndex, FuzzNegIndex).
func negIndex(k uint64, v uint32) uint16 {
	h := k ^ uint64(v)
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	return uint16(h >> (64 - NegativeBits))
}

// b2u is 1 for true.
func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// nextCustomer returns the customer's next message after message i, or -1.
func nextCustomer(in *Input, i int) int {
	for j := i + 1; j < len(in.Conv.Messages); j++ {
		if in.Conv.Messages[j].Role == conversation.RoleCustomer {
			return j
		}
	}
	return -1
}

// after updates st once customer message i has been decided.
func (st *negState) after(in *Input, i int, ruleNeg bool) {
	st.customers++
	if ruleNeg {
		st.ruleNegs++
	}
	st.lastNeg = ruleNeg
	st.maxPrev = max(st.maxPrev, in.Emotion[i].Neg)
}

// prob scores f with the learned model.
func (m *learnedNegative) prob(f *negFeats) float32 {
	if m.wf == nil {
		return sigmoid(m.sumSteps(m.bias, f, 0))
	}
	return sigmoid(m.sum(m.bias, f, 0))
}

// NegativeFeatures calls fn with the learned negative-emotion features of
// every customer message of in, in order (the hashed index and its value),
// with the rules' verdict on the message (rule). It is how the trainer
// (internal/eval) sees exactly what the detector scores; in must come from
// e.Inspect with an emotion model loaded. It does nothing when the engine
// has no emotion detector.
func (e *Engine) NegativeFeatures(in *Input, fn func(msg int, rule bool, idx []uint32, val []float32)) {
	d := detectorOf[*emotionDetector](e)
	if d == nil || in.Emotion == nil {
		return
	}
	var st negState
	var f negFeats
	var ws waits
	for i := range in.Conv.Messages {
		if in.Conv.Messages[i].Role != conversation.RoleCustomer || in.Emotion[i].Label == EmotionNone {
			continue
		}
		rule := d.negative(in, i, &ws)
		d.negFeatures(in, i, &ws, &st, &f)
		fn(i, rule, f.idx[:f.n], f.val[:f.n])
		st.after(in, i, rule)
	}
}
