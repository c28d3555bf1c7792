package detect

import (
	"math"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"

	"fullqa/internal/conversation"
	"fullqa/internal/text"
)

// PromiseBits is the log2 of the size of the learned promise scorer's
// hashed feature table; the trainer (internal/eval) uses the same size.
const PromiseBits = 16

// maxPromiseRunes and maxPromiseFeats bound the features of one agent
// message (its signals plus the character 1–3-grams of its first
// maxPromiseRunes runes), so they fit a fixed buffer (promiseFeats, kept
// in the worker's Scratch) and scoring allocates nothing.
const (
	maxPromiseRunes = 120
	maxPromiseFeats = 3*maxPromiseRunes + 96
)

// promiseFeats is the feature buffer of one agent message. Every feature
// has weight 1 but the n-grams, which all have weight gramV: the scorer
// adds the others' table weights as they are (a product with 1 is the
// weight to the bit), and val is written only by values, for the trainer.
type promiseFeats struct {
	idx [maxPromiseFeats]uint32
	val [maxPromiseFeats]float32
	n   int
	// The n-grams are idx[gramFrom:gramTo], all of weight gramV.
	gramFrom, gramTo int
	gramV            float32
	// rs holds from rs[wordHistory] on the message's first nr characters
	// (chars), those whose n-grams idx[gramFrom:gramTo] are, after
	// read's look-back (see runeView).
	rs runeView
	nr int
	// wide is whether a character of chars() lies past the Basic
	// Multilingual Plane: the n-gram sums read the unigrams of the
	// others from a table (uniTable).
	wide bool
	// steps is the sum of the n-grams' weights' steps in the scorer's
	// table (gramSteps'), where the scorer sums them.
	steps int
	// cues, more and grams are read's and the n-grams' buffers (grams for
	// a message whose n-grams do not all fit idx), here so that they are
	// not cleared for every message.
	cues  [len(promiseCues)]uint16
	more  runeView
	grams [3 * maxPromiseRunes]uint32
}

// custFeats are the features of the customer's turns around an agent
// message (customerFeatures), in their order.
type custFeats struct {
	idx [maxCustFeats]uint32
	n   int
}

// maxCustFeats is the most features customerFeatures writes: the turn
// before and one per prevAskWords word it holds, the answer after and
// its asking again.
const maxCustFeats = 1 + len(prevAskWords) + 2

// add appends feature (group, value).
func (c *custFeats) add(group, value uint32) {
	c.idx[c.n] = promiseIndex(group, value)
	c.n++
}

// chars returns the message's first characters, whose n-grams the
// features are.
func (f *promiseFeats) chars() []rune { return f.rs[wordHistory : wordHistory+f.nr] }

// values returns the weights of the features: 1, and gramV for the
// n-grams (whose indices must be written).
func (f *promiseFeats) values() []float32 {
	for k := range f.n {
		f.val[k] = 1
	}
	for k := f.gramFrom; k < f.gramTo; k++ {
		f.val[k] = f.gramV
	}
	return f.val[:f.n]
}

// Feature groups of the learned promise scorer: (group, value) pairs hashed
// into the table. The numbers are part of trained weights; add new ones at
// the end.
const (
	pfBias = iota + 1
	pfRule
	pfKind
	pfClass
	pfCue
	pfActor
	pfDone
	pfQuestion
	pfPrevCust
	pfNextCust
	pfPosition
	pfLen
	pfUni
	pfBi
	pfTri
	pfRuleXCue
	pfLast
	pfAffirm
	pfPrevAsk
	pfSlotKey
	pfVerb
	pfEvent
)

// promiseSalt keeps the promise scorer's feature keys apart from other
// scorers' (see featureIndex).
const promiseSalt = 1 << 61

// add appends feature (group, value); past the buffer's end features are
// dropped (only very long messages get there).
func (f *promiseFeats) add(group, value uint32) {
	f.addIndex(promiseIndex(group, value))
}

// addIndex appends the feature of table index idx (featureIndex's,
// computed beforehand), as add does.
func (f *promiseFeats) addIndex(idx uint32) {
	if f.n == maxPromiseFeats {
		return
	}
	f.idx[f.n] = idx
	f.n++
}

// promiseIndex is featureIndex(group, value, promiseSalt, PromiseBits),
// read from smallPromiseIndex for the small values most features have.
func promiseIndex(group, value uint32) uint32 {
	if group < uint32(len(smallPromiseIndex)) && value < uint32(len(smallPromiseIndex[0])) {
		return smallPromiseIndex[group][value]
	}
	return featureIndex(group, value, promiseSalt, PromiseBits)
}

// smallPromiseIndex[g][v] is the table index of feature (g, v) of the
// promise scorer, for every group and the values below 32 (a bias, a
// verdict, a count's bucket, a word's number): computed once instead of
// hashed for every message. Read-only once built.
var smallPromiseIndex = func() (t [pfEvent + 1][32]uint32) {
	for g := range t {
		for v := range t[g] {
			t[g][v] = featureIndex(uint32(g), uint32(v), promiseSalt, PromiseBits)
		}
	}
	return t
}()

// classBits finds which of the promise classes a message holds from its
// presence bits in one pass over the few bits set, instead of a test per
// class: of maps a presence bit to the class's place in the list, mask
// has the classes' bits, index the class features' table indices. ok is
// false when a class lies past the presence bits or two places share a
// class; the features then test the classes one by one.
type classBits struct {
	ok    bool
	mask  [presentWords]uint64
	of    [presentWords * 64]uint8
	index [32]uint32
	// Where the classes' bits lie within 32 bits of one word of the row
	// from bit first on (a detector registers its classes one after
	// the other: so do the promise rules'), set reads those 32 bits at
	// once and looks the classes of each byte of them up in byByte (byte
	// b's value v: the classes' places of its bits, as bits), where the
	// loop over each bit set took a dozen instructions a class. first is
	// -1 where they do not.
	first  int
	byByte [4][256]uint32
}

// newClassBits indexes the classes of the promise features.
func newClassBits(classes *[29]ClassID) classBits {
	cb := classBits{ok: true, first: -1}
	lo, hi := classes[0], classes[0]
	for k, c := range classes {
		lo, hi = min(lo, c), max(hi, c)
		cb.index[k] = featureIndex(pfClass, uint32(k), promiseSalt, PromiseBits)
		if c < 0 || c >= presentWords*64 || cb.mask[c>>6]&(1<<(c&63)) != 0 {
			cb.ok = false
			continue
		}
		cb.mask[c>>6] |= 1 << (c & 63)
		cb.of[c] = uint8(k)
	}
	if cb.ok && hi-lo < 32 && lo>>6 == (lo+31)>>6 {
		cb.first = int(lo)
		for k, c := range classes {
			bit := int(c - lo)
			for v := range 256 {
				if v&(1<<(bit&7)) != 0 {
					cb.byByte[bit>>3][v] |= 1 << k
				}
			}
		}
	}
	return cb
}

// set returns the classes present in a message whose presence bits are
// row, as bits in the classes' order (cb.ok must hold).
func (cb *classBits) set(row *[presentWords]uint64) uint32 {
	if cb.first < 0 {
		return cb.setByBit(row)
	}
	run := uint32(row[uint(cb.first)>>6%presentWords] >> (uint(cb.first) & 63))
	return cb.byByte[0][uint8(run)] | cb.byByte[1][uint8(run>>8)] | cb.byByte[2][uint8(run>>16)] | cb.byByte[3][uint8(run>>24)]
}

// setByBit is set read a bit at a time, for classes whose bits do not lie
// within 32 of one word of the row.
//
//go:noinline
func (cb *classBits) setByBit(row *[presentWords]uint64) (ks uint32) {
	for w := range presentWords {
		for m := row[w] & cb.mask[w]; m != 0; m &= m - 1 {
			ks |= 1 << cb.of[w<<6|bits.TrailingZeros64(m)]
		}
	}
	return ks
}

// promiseCues are the words whose presence the learned scorer weighs
// beside the rules' verdict: hedges ("不一定能保证", "尽量"), conditions,
// the forms of a policy or timetable ("一般", "[数字x]-[数字x]个工作日"), of
// a process that runs by itself ("系统会", "会有专员"), of a commitment
// outside the rules' verb lists ("给您答复", "试着申请", "小时内") and of a
// finished step ("已经", "好了"). Each is one feature; the weights, not
// this list, decide what they mean. The order is part of the trained
// weights: add new cues at the end.
var promiseCues = [...]string{
	// hedges
	"可能", "尽量", "争取", "不一定", "保证不了", "不能保证", "无法保证", "应该", "大概", "试着", "尝试", "试试",
	"看看能不能", "帮您问问", "帮您看看", "尽力", "不确定",
	// conditions
	"如果", "的话", "要是", "万一", "假如", "只要", "除非",
	// policy and timetable
	"一般", "通常", "都是", "规定", "政策", "流程", "个工作日", "]-[", "到账", "自动", "系统会", "系统",
	"原路", "审核", "按照", "默认",
	// process run by others
	"会有专员", "专员", "站点", "配送员", "快递员", "售后", "商家", "厂家", "师傅",
	// commitments in other words
	"给您答复", "答复", "回复您", "给您回复", "小时内", "分钟", "稍后", "马上", "尽快", "今天", "明天", "跟进",
	"催促", "加急", "备注", "反馈", "记录", "申请", "安排", "处理", "登记", "联系您", "通知您", "补发", "退款",
	"补偿", "优惠券", "京豆", "红包",
	// finished steps and states
	"已经", "已", "好了", "成功", "提交了", "申请了", "处理了",
	// offers and asks
	"可以吗", "好吗", "行吗", "您看", "是否", "要不要", "需要", "请您", "麻烦您", "您可以", "您这边",
	// holding and lookups
	"稍等", "查询", "核实", "查看", "为您查",
	// actors
	"帮您", "为您", "给您", "这边", "我这边", "小妹", "我们",
}

// promiseState is what the features remember of the chat so far, found in
// passes that never go back.
type promiseState struct {
	agents       int // agent messages before this one
	lastCustomer int // 1 + the last customer message seen, 0 if none
	scanned      int // messages before scanned were looked at by nextCustomer
	nextCust     int // 1 + the first customer message after the last lookup, 0 if none

	// The readings of the customer messages around the agent's, kept for
	// the agent messages that share them: one reading per customer
	// message, however many agent messages follow or precede it, and the
	// customer's next message is read once for both of its roles.
	prev, next custReading
}

// custReading is what the features read of one customer message, as the
// turn before an agent message (prevCustomer) and as the answer after one
// (customerAnswer).
type custReading struct {
	msg     int // 1 + the customer message read, 0 if none
	prevV   uint32
	prevAsk uint16
	nextV   uint32
	asks    bool
}

// reading returns the reading of customer message j, read at most once
// while it is the turn after or before the agent messages scored.
func (st *promiseState) reading(d *promiseDetector, in *Input, j int, words *wordFinder) custReading {
	switch j + 1 {
	case st.next.msg:
		return st.next
	case st.prev.msg:
		return st.prev
	}
	return d.readCustomer(in, j, words)
}

// see records message i (call for every message, in order).
func (st *promiseState) see(in *Input, i int) {
	switch in.Conv.Messages[i].Role {
	case conversation.RoleCustomer:
		st.lastCustomer = i + 1
	case conversation.RoleAgent:
		st.agents++
	}
}

// nextCustomerAfter returns the customer's first message after message i,
// or -1; i must not decrease between calls.
func (st *promiseState) nextCustomerAfter(in *Input, i int) int {
	if st.nextCust-1 > i {
		return st.nextCust - 1
	}
	msgs := in.Conv.Messages
	st.nextCust = 0
	for j := max(i+1, st.scanned); j < len(msgs); j++ {
		st.scanned = j + 1
		if msgs[j].Role == conversation.RoleCustomer {
			st.nextCust = j + 1
			break
		}
	}
	return st.nextCust - 1
}

// doneInClause reports whether 已 stands in the clause holding pos, before
// pos: strings.Contains(s[clauseStart(s, pos):pos], "已"), in one backward
// pass that stops at the clause's start or the first 已 it meets, where
// the two calls read the clause twice and Contains costs a call per action
// verb (TestDoneInClause checks it against them). No byte of 已 (E5 B7
// B2) is a break or the last byte of 。, so a 已 met before a break lies
// wholly inside the clause; one starting before lo is outside the window
// clauseStart reads.
func doneInClause(s string, pos int) bool {
	lo := max(0, pos-maxClauseBytes)
	for i := pos - 1; i >= lo; i-- {
		c := s[i]
		if cb := clauseBytes[c]; cb&(clauseBreak|fullStopLast) != 0 && (cb&clauseBreak != 0 || isFullStopEnd(s, i)) {
			return false
		}
		if c == 0xB2 && i-2 >= lo && s[i-1] == 0xB7 && s[i-2] == 0xE5 {
			return true
		}
	}
	return false
}

// promiseClasses are the promise detector's word classes whose presence in
// a message is a feature, in a fixed order (part of the weights).
func (d *promiseDetector) promiseClasses() [29]ClassID {
	return [29]ClassID{d.subject, d.action, d.done, d.future, d.benefit, d.timeW, d.event, d.neg, d.not, d.guarantee,
		d.broken, d.said, d.contrast, d.can, d.cannot, d.never, d.source, d.recall, d.third, d.condition,
		d.pay, d.correction, d.payMethod, d.request, d.again, d.denied, d.self, d.ifWord, d.ifOffer}
}

// promiseFeatures fills f with the features of agent message i: the rules'
// verdict (ps, what extract and consent found) and the kinds of slot they
// read, which of the rules' word classes the message holds, the cue words
// above, an actor or a finished-step word right before an action verb,
// question form, what the customer said before (a request?) and after
// (taking the offer up or not), where the message stands, and the
// character 1–3-grams of its normalized text, in that order (the order
// of the trainer's sums). The learned scorer builds the same features
// from the same three parts, the customer's last (see score).
func (d *promiseDetector) promiseFeatures(in *Input, i int, ps []promise, st *promiseState, f *promiseFeats, cs *cueScan) {
	yes, runes := d.messageFeatures(in, i, ps, f, cs)
	var c custFeats
	d.customerFeatures(in, i, st, cs, yes, &c)
	for _, x := range c.idx[:c.n] {
		f.addIndex(x)
	}
	d.tailFeatures(in, i, st, f, runes)
}

// messageFeatures resets f and writes the features of agent message i
// that come before the customer's: the rules' verdict and slots, the
// classes, cues and actors, question form and a short yes. It returns
// yes (1 for a short yes, which the customer's request is crossed with)
// and the message's length in characters, and leaves the message's
// first characters in f for the n-grams.
func (d *promiseDetector) messageFeatures(in *Input, i int, ps []promise, f *promiseFeats, cs *cueScan) (yes uint32, runes int) {
	f.n, f.gramFrom, f.gramTo = 0, 0, 0
	s := in.Norm[i]
	f.add(pfBias, 0)
	rule := uint32(0)
	if len(ps) > 0 {
		rule = 1
	}
	f.add(pfRule, rule)
	for pk := range ps {
		p := &ps[pk]
		k := uint32(1)
		switch p.kind {
		case PromiseTime:
			k = 2
		case PromiseAmount:
			k = 3
		}
		if p.slot.isSet(slotConsent) {
			k = 4
		}
		f.add(pfKind, k)
		// Which reading of the rules fired: the slot's keys (a day, a
		// number of working days, a bare "when", a consent), the verb and
		// the event word, so the weights can learn which readings hold.
		// The keys set, in their order: a bit of the slot's set each,
		// where every key was tested.
		for m := p.slot.has & (1<<slotFeatureKeys - 1); m != 0; m &= m - 1 {
			n := bits.TrailingZeros32(m)
			key := slotKey(n)
			f.add(pfSlotKey, k<<8|uint32(n))
			if key == slotVerb || key == slotEvent {
				if sv, ok := p.slot.stringOf(key); ok {
					if key == slotVerb {
						f.add(pfVerb, strHash(sv))
					} else {
						f.add(pfEvent, strHash(sv))
					}
				}
			}
		}
	}
	if in.present != nil && d.classBits.ok { // the message's presence bits, read once
		// The classes present, as bits in the classes' order, then
		// their features in that order.
		ks := d.classBits.set(&in.present[i])
		if n := f.n; n+len(d.classBits.index) <= len(f.idx) {
			// Room for every class (nearly always): written in place,
			// f.n stored once.
			for ; ks != 0; ks &= ks - 1 {
				f.idx[n] = d.classBits.index[bits.TrailingZeros32(ks)&31]
				n++
			}
			f.n = n
		}
		for ; ks != 0; ks &= ks - 1 {
			f.addIndex(d.classBits.index[bits.TrailingZeros32(ks)&31])
		}
	} else {
		for k, c := range &d.classes {
			if in.Has(i, c) {
				f.add(pfClass, uint32(k))
			}
		}
	}
	// The cues, each counted once, and the characters of the n-grams
	// (added last) are read in one pass over the message, into f's
	// buffers.
	cues, nr, runes, wide := cs.read(s, &f.cues, &f.rs, &f.more)
	f.nr, f.wide = nr, wide
	// Each cue's two features, one copy of its pair of indices, written
	// in place where they fit (nearly always), f.n stored once; else one
	// at a time, as many as fit.
	feats := &cs.cueFeats[rule&1]
	yi := false // whether 已 stands in s: a cue word, found by the pass
	if n := f.n; n+2*len(cues) <= len(f.idx) {
		out := f.idx[n : n+2*len(cues)]
		for _, c := range cues {
			*(*[2]uint32)(out) = feats[c&(cueRows-1)]
			out = out[2:]
			yi = yi || c == cs.yi
		}
		f.n = n + 2*len(cues)
	} else {
		for _, c := range cues {
			fs := &feats[c&(cueRows-1)]
			f.addIndex(fs[0])
			f.addIndex(fs[1])
			yi = yi || c == cs.yi
		}
	}
	// An actor right before an action verb, with or without a finished
	// aspect, whatever the rules' vetoes said.
	if in.may(i, d.action) {
		for _, h := range in.allHits(i) {
			if h.Class != d.action {
				continue
			}
			actors := cs.actorsBefore(s, int(h.Start))
			for m := actors & (1<<len(actorWords) - 1); m != 0; m &= m - 1 { // in the words' order
				f.add(pfActor, uint32(bits.TrailingZeros64(m)))
			}
			if doneAfter(s[h.End:]) {
				f.add(pfDone, 0)
			}
			// Where 已 stands nowhere in s, it stands in no clause of it
			// (TestYiCue: the pass finds the character wherever its
			// bytes stand in valid UTF-8, as normalized text is).
			if yi && doneInClause(s, int(h.Start)) {
				f.add(pfDone, 1)
			}
		}
	}
	q := questionEnd(trimRightParticles(s))
	switch {
	case q != 0:
	case d.questionMark >= 0 && uint(i) < uint(len(in.present)):
		// The presence bit of "?", a customerWords class of its own
		// (custQuestionMark), says whether s holds one: TestCustomerSet
		// holds it to strings.Contains (questionMarkBit).
		if in.may(i, d.questionMark) {
			q = 3
		}
	case strings.Contains(s, "?"):
		q = 3
	}
	f.add(pfQuestion, q)
	yes = affirm(s)
	f.add(pfAffirm, yes)
	return yes, runes
}

// doneAfter reports whether after opens with 了, 过 or 好 (an action's
// finished aspect), its first three bytes compared at once (a switch of
// constant characters) where HasPrefix was called for each.
func doneAfter(after string) bool {
	if len(after) < 3 {
		return false
	}
	switch after[:3] {
	case "了", "过", "好":
		return true
	}
	return false
}

// questionEnd is the question form of t (an agent message trimmed of its
// closing particles): 1 when it ends with "?", 2 with 吗, 么 or 嘛, else 0;
// its last bytes compared as they stand, where HasSuffix was called for
// each. FuzzMessageFeatures holds it, through messageFeatures, to the
// HasSuffix calls of messageFeaturesRef.
func questionEnd(t string) uint32 {
	n := len(t)
	if n > 0 && t[n-1] == '?' {
		return 1
	}
	if n >= 3 {
		switch t[n-3:] {
		case "吗", "么", "嘛":
			return 2
		}
	}
	return 0
}

// questionMarkWord is the place of "?" in customerWords (its bit is
// custQuestionMark).
const questionMarkWord = len(prevAskWords)

// customerFeatures writes to c the features of the customer's turns
// around agent message i: what the customer said before (yes is
// messageFeatures' short yes) and how the customer answered after. st
// keeps the readings of the customer's messages for the agent messages
// that share them; a reading is the same whenever it is made, so an agent
// message that does not ask for it leaves the others' unchanged.
func (d *promiseDetector) customerFeatures(in *Input, i int, st *promiseState, cs *cueScan, yes uint32, c *custFeats) {
	// The customer's turn before: a request, a question, or nothing. Its
	// reading is kept in st for the agent messages after it.
	if j := st.lastCustomer - 1; j >= 0 {
		if st.prev.msg != j+1 {
			st.prev = st.reading(d, in, j, cs.customer)
		}
		c.add(pfPrevCust, st.prev.prevV)
		// A short yes ("是的", "可以的", "会的") answers what the customer
		// asked for: it commits to it when the customer asked for a step.
		for m := st.prev.prevAsk & (1<<len(prevAskWords) - 1); m != 0; m &= m - 1 { // in the words' order
			c.add(pfPrevAsk, uint32(bits.TrailingZeros16(m))<<1|yes)
		}
	} else {
		c.add(pfPrevCust, 0)
	}
	// The customer's next message, read after the fact: taking the step up
	// ("好的", "谢谢"), declining it ("不用了"), or asking again.
	if j := st.nextCustomerAfter(in, i); j >= 0 {
		if st.next.msg != j+1 {
			st.next = st.reading(d, in, j, cs.customer)
		}
		c.add(pfNextCust, st.next.nextV)
		if st.next.asks {
			c.add(pfNextCust, 30)
		}
	} else {
		c.add(pfNextCust, 0)
	}
}

// tailFeatures writes the features of agent message i that come after
// the customer's: where the message stands, its n-grams (as many as f has
// room for) and its length in characters, runes.
func (d *promiseDetector) tailFeatures(in *Input, i int, st *promiseState, f *promiseFeats, runes int) {
	f.add(pfPosition, bucketOf(st.agents))
	if n := len(in.Conv.Messages); n > 0 {
		f.add(pfPosition, 16+uint32(i*5/n))
	}

	// The n-grams, as many as the buffer has room for, weighted alike:
	// written in place where they all fit (as they do but in messages
	// with scores of cues), else cut where the buffer ends.
	f.gramFrom = f.n
	if f.n <= len(f.idx)-len(f.grams) {
		// Room for every n-gram a message can have: written in place.
		f.n += promiseGrams(f.chars(), (*[3 * maxPromiseRunes]uint32)(f.idx[f.n:]))
	} else {
		ng := promiseGrams(f.chars(), &f.grams)
		f.n += copy(f.idx[f.n:], f.grams[:ng])
	}
	f.gramTo = f.n
	if n := f.gramTo - f.gramFrom; n > 0 {
		f.gramV = float32(1 / math.Sqrt(float64(n)))
	}
	f.add(pfLen, bucketOf(runes/4))
}

// placeTail writes the features of agent message i that come after the
// customer's as tailFeatures does, but leaves the n-grams' room
// (idx[gramFrom:gramTo], gramCount(f.nr) of them) unwritten: the scorer
// hashes the n-grams from f's characters as it sums them (gramSteps,
// probChars). It writes where the message stands, then leaves the
// n-grams' room, then writes its length in characters, runes. f must
// have room for all of them.
func (d *promiseDetector) placeTail(in *Input, i int, st *promiseState, f *promiseFeats, runes int) {
	f.add(pfPosition, bucketOf(st.agents))
	if n := len(in.Conv.Messages); n > 0 {
		f.add(pfPosition, 16+uint32(i*5/n))
	}
	f.gramFrom = f.n
	f.n += gramCount(f.nr)
	f.gramTo = f.n
	if n := f.gramTo - f.gramFrom; n > 0 {
		f.gramV = float32(1 / math.Sqrt(float64(n)))
	}
	f.add(pfLen, bucketOf(runes/4))
}

// read makes the features' one pass over agent message s: the cue words
// it holds, each once, in the order a matcher meets their first
// occurrences; its first maxPromiseRunes characters, written to
// rs[wordHistory:] (nr of them), whose n-grams the features hash; and
// its length in characters (utf8.RuneCountInString's count); and wide,
// whether one of the nr characters lies past the Basic Multilingual
// Plane (decodeRunes tells, from its one path that decodes them). The
// characters are decoded a chunk at a time (decodeRunes), the first
// into rs, the others into more, each chunk after the wordHistory
// characters before it (none, -1, before the first): a word ending in
// the chunk is compared with the characters decoded, in place (cueAt).
// The cue words are looked for by a loop of their own, small enough to
// keep its state in registers, which passes most characters with a test
// of the finder's bitmaps.
func (cs *cueScan) read(s string, cueBuf *[len(promiseCues)]uint16, rs, more *runeView) (cues []uint16, nr, runes int, wide bool) {
	var seen [(len(promiseCues) + 63) / 64]uint64
	nc := 0
	// The table of last characters and the pairs' bitmap as slices, read
	// once: not checked for nil for every character.
	ends, pairs := cs.ends[:], cs.cues.pairs[:]
	v := rs
	// The look-back before the first character: no character, which ends
	// no word. A constant array (of wordHistory characters, or the
	// assignment does not compile), which the compiler copies from
	// read-only data in two moves, where a loop stored a character at a
	// time.
	*(*[wordHistory]rune)(v[:wordHistory]) = [...]rune{-1, -1, -1, -1, -1, -1, -1, -1}
	for i := 0; i < len(s); {
		if runes > 0 {
			// The previous chunk is full: its last characters are the
			// look-back of the next.
			copy(more[:wordHistory], v[runeChunk:])
			v = more
		}
		var n int
		if runes == 0 {
			i, n = decodeRunes(s, i, (*[runeChunk]rune)(v[wordHistory:]), &wide)
			nr = n
		} else {
			var later bool // not the n-grams' characters
			i, n = decodeRunes(s, i, (*[runeChunk]rune)(v[wordHistory:]), &later)
		}
		runes += n
		for k, r := range v[wordHistory : wordHistory+n] {
			// mayEnd's test (promise_read_ref_test.go), inline: most
			// characters end no word after the one before. The table
			// and the bitmap are read at the low 16 bits of r, which lets
			// a character past the Basic Multilingual Plane by only
			// where one of it would pass: cueAt compares whole
			// characters. The character before r is read from v (the
			// look-back holds the one before the chunk's first, -1
			// before the message's) only for the few that pass the
			// first test.
			if e := ends[uint16(r)]; e == 0 {
				continue
			} else if e&endsSingle == 0 {
				if q := pairKey(v[wordHistory-1+k], r); pairs[q>>6]&(1<<(q&63)) == 0 {
					continue
				}
			}
			nc = cs.cueAt(v, wordHistory+k, &seen, cueBuf, nc)
		}
	}
	return cueBuf[:nc], nr, runes, wide
}

// runeView is a chunk of decoded characters after the wordHistory
// characters before it, which read compares the words ending in the
// chunk with.
type runeView [wordHistory + runeChunk]rune

// cueAt appends to cueBuf[:nc] the cue words not yet seen that end with
// character p of v, and returns the new count: the longer words first,
// then the one-character word, as a matcher reports them.
func (cs *cueScan) cueAt(v *runeView, p int, seen *[(len(promiseCues) + 63) / 64]uint64, cueBuf *[len(promiseCues)]uint16, nc int) int {
	wf := cs.cues
	a, r := v[p-1], v[p]
	if sl := wf.pairOf(pairKey(a, r), a, r); sl != nil {
		for _, k := range sl.ks[:sl.n] {
			if seen[k>>6]&(1<<(k&63)) == 0 && wf.endsAt(k, v[:p+1]) {
				seen[k>>6] |= 1 << (k & 63)
				cueBuf[nc] = k
				nc++
			}
		}
	}
	if k, ok := wf.singleOf(r); ok && seen[k>>6]&(1<<(k&63)) == 0 {
		seen[k>>6] |= 1 << (k & 63)
		cueBuf[nc] = k
		nc++
	}
	return nc
}

// gramCount is how many n-grams promiseGrams writes for n characters.
func gramCount(n int) int {
	n = min(n, maxPromiseRunes)
	if n <= 1 {
		return n
	}
	return 3*n - 3
}

// promiseGrams writes the table indices of the character 1–3-grams of the
// first maxPromiseRunes characters of rs (decoded characters, 0 to
// utf8.MaxRune) to buf (unigram, bigram, trigram at each character) and
// returns how many it wrote: the trainer's view (promiseFeatures), and
// the scorer's for a message whose features may not all fit. Where they
// do the scorer hashes them as it sums them, without writing them
// (gramSteps, gramsProb).
func promiseGrams(rs []rune, buf *[3 * maxPromiseRunes]uint32) (n int) {
	rs = rs[:min(len(rs), maxPromiseRunes)]
	if len(rs) == 0 {
		return 0
	}
	// The first two characters have no trigram (nor the first a bigram);
	// the loop writes all three from the third on.
	buf[0] = uniIndex(rs[0])
	if len(rs) == 1 {
		return 1
	}
	buf[1] = uniIndex(rs[1])
	buf[2] = biIndex(rs[0], rs[1])
	// The trigram key a<<42 ^ b<<21 ^ c (see triIndex) rolls from one
	// character to the next: shifted by 21 and its top bit cleared, the
	// previous key is b<<42 ^ c<<21 (a character is below 2^21, so no
	// key has its top bit set), and the next character completes it.
	// The character before r is the key's low 21 bits before it rolls,
	// and the loop's index places the n-grams in buf (three a character,
	// from the third): no register for either, which the loop needs to
	// keep its hashes' state out of the stack.
	key := uint64(rs[0])<<21 ^ uint64(rs[1])
	g := buf[3 : 3*len(rs)-3]
	uk, bk, tk := gramKeys[0], gramKeys[1], gramKeys[2]
	for i := 2; i < len(rs); i++ {
		r := rs[i]
		prev := key & (1<<21 - 1)
		key = key<<21&^(1<<63) ^ uint64(r)
		o := g[3*i-6 : 3*i-3 : 3*i-3]
		o[0] = uint32(gramSlot(uk, uint64(uint32(r))))
		o[1] = uint32(gramSlot(bk, uint64(uint32(nfMix(prev<<32|uint64(r))))))
		o[2] = uint32(gramSlot(tk, uint64(uint32(nfMix(key)))))
	}
	return 3*len(rs) - 3
}

// gramSteps is the sum of the steps in w of the weights of the n-grams
// of the first maxPromiseRunes characters of rs, promiseGrams', without
// writing their indices: the scorer's sum for a message whose
// probability is seldom needed (TestPromiseGramsRolling holds it to
// the steps of promiseGrams' indices). With no index to store the loop keeps its hashes in
// registers, and gramSlot's indices, below the table's size as the
// compiler sees, address it without a mask. Where uni is not nil the
// characters must all lie in the Basic Multilingual Plane (read's wide
// is false), and their unigrams' steps are read from uni, w's
// (uniSteps), where hashing each took a sixth of the loop's work.
func gramSteps(rs []rune, w *[1 << PromiseBits]int16, uni *uniTable) int {
	rs = rs[:min(len(rs), maxPromiseRunes)]
	if len(rs) == 0 {
		return 0
	}
	if uni == nil {
		return gramStepsHashed(rs, w)
	}
	sum := int(uni[uint16(rs[0])])
	if len(rs) == 1 {
		return sum
	}
	sum += int(uni[uint16(rs[1])]) +
		int(w[gramSlot(biKey, uint64(uint32(nfMix(uint64(rs[0])<<32|uint64(rs[1])))))])
	// The trigram key rolls as in promiseGrams.
	key := uint64(rs[0])<<21 ^ uint64(rs[1])
	bk, tk := gramKeys[1], gramKeys[2]
	for _, r := range rs[2:] {
		prev := key & (1<<21 - 1)
		key = key<<21&^(1<<63) ^ uint64(r)
		sum += int(uni[uint16(r)]) +
			int(w[gramSlot(bk, uint64(uint32(nfMix(prev<<32|uint64(r)))))]) +
			int(w[gramSlot(tk, uint64(uint32(nfMix(key))))])
	}
	return sum
}

// gramStepsHashed is gramSteps for characters anywhere, each unigram
// hashed (1 to maxPromiseRunes characters).
func gramStepsHashed(rs []rune, w *[1 << PromiseBits]int16) int {
	sum := int(w[gramSlot(uniKey, uint64(uint32(rs[0])))])
	if len(rs) == 1 {
		return sum
	}
	sum += int(w[gramSlot(uniKey, uint64(uint32(rs[1])))]) +
		int(w[gramSlot(biKey, uint64(uint32(nfMix(uint64(rs[0])<<32|uint64(rs[1])))))])
	key := uint64(rs[0])<<21 ^ uint64(rs[1])
	uk, bk, tk := gramKeys[0], gramKeys[1], gramKeys[2]
	for _, r := range rs[2:] {
		prev := key & (1<<21 - 1)
		key = key<<21&^(1<<63) ^ uint64(r)
		sum += int(w[gramSlot(uk, uint64(uint32(r)))]) +
			int(w[gramSlot(bk, uint64(uint32(nfMix(prev<<32|uint64(r)))))]) +
			int(w[gramSlot(tk, uint64(uint32(nfMix(key))))])
	}
	return sum
}

// gramsProb returns z plus the weights in w (steps of sc) of the n-grams
// of the first maxPromiseRunes characters of rs, each times v, added in
// float32 in promiseGrams' order as prob adds them from their indices,
// to the bit: the scorer's prob without the indices written and read
// back (TestPromiseScoreMatchesTrainerView holds it to the trainer's
// sums). The unigrams' steps are read from uni as gramSteps reads them,
// where it is not nil.
func gramsProb(z float32, rs []rune, w *[1 << PromiseBits]int16, uni *uniTable, sc, v float32) float32 {
	rs = rs[:min(len(rs), maxPromiseRunes)]
	if len(rs) == 0 {
		return z
	}
	if uni == nil {
		return gramsProbHashed(z, rs, w, sc, v)
	}
	z += stepWeight(uni[uint16(rs[0])], sc) * v
	if len(rs) == 1 {
		return z
	}
	z += stepWeight(uni[uint16(rs[1])], sc) * v
	z += stepWeight(w[gramSlot(biKey, uint64(uint32(nfMix(uint64(rs[0])<<32|uint64(rs[1])))))], sc) * v
	// The trigram key rolls as in promiseGrams.
	key := uint64(rs[0])<<21 ^ uint64(rs[1])
	bk, tk := gramKeys[1], gramKeys[2]
	for _, r := range rs[2:] {
		prev := key & (1<<21 - 1)
		key = key<<21&^(1<<63) ^ uint64(r)
		z += stepWeight(uni[uint16(r)], sc) * v
		z += stepWeight(w[gramSlot(bk, uint64(uint32(nfMix(prev<<32|uint64(r)))))], sc) * v
		z += stepWeight(w[gramSlot(tk, uint64(uint32(nfMix(key))))], sc) * v
	}
	return z
}

// gramsProbHashed is gramsProb for characters anywhere, each unigram
// hashed (1 to maxPromiseRunes characters).
func gramsProbHashed(z float32, rs []rune, w *[1 << PromiseBits]int16, sc, v float32) float32 {
	z += stepWeight(w[gramSlot(uniKey, uint64(uint32(rs[0])))], sc) * v
	if len(rs) == 1 {
		return z
	}
	z += stepWeight(w[gramSlot(uniKey, uint64(uint32(rs[1])))], sc) * v
	z += stepWeight(w[gramSlot(biKey, uint64(uint32(nfMix(uint64(rs[0])<<32|uint64(rs[1])))))], sc) * v
	key := uint64(rs[0])<<21 ^ uint64(rs[1])
	uk, bk, tk := gramKeys[0], gramKeys[1], gramKeys[2]
	for _, r := range rs[2:] {
		prev := key & (1<<21 - 1)
		key = key<<21&^(1<<63) ^ uint64(r)
		z += stepWeight(w[gramSlot(uk, uint64(uint32(r)))], sc) * v
		z += stepWeight(w[gramSlot(bk, uint64(uint32(nfMix(prev<<32|uint64(r)))))], sc) * v
		z += stepWeight(w[gramSlot(tk, uint64(uint32(nfMix(key))))], sc) * v
	}
	return z
}

// uniTable holds the steps in a scorer's table w of the unigrams of the
// characters of the Basic Multilingual Plane (all of Chinese): entry r
// is w[uniIndex(r)], a load where the unigram's index took a hash.
// Read-only once built (uniSteps).
type uniTable [1 << 16]int16

// uniSteps builds the unigram table of weights w.
func uniSteps(w *[1 << PromiseBits]int16) *uniTable {
	t := new(uniTable)
	for r := range rune(len(t)) {
		t[r] = w[uniIndex(r)]
	}
	return t
}

// gramSlot is gramIndex with its value and result in 64 bits: a result
// the compiler knows is below 1<<PromiseBits indexes the table with no
// mask or bounds check.
func gramSlot(k, v uint64) uint64 {
	h := k ^ v
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	return h >> (64 - PromiseBits)
}

// uniIndex and biIndex are the table indices of the unigram r and the
// bigram a, b: featureIndex(pfUni, r, …) and featureIndex(pfBi,
// nfMix(a<<32|b), …) with the promise scorer's salt and size, through
// gramIndex (promiseGrams rolls the trigram's; triIndex, in the tests, is
// its reference).
func uniIndex(r rune) uint32 { return gramIndex(uniKey, uint32(r)) }

func biIndex(a, b rune) uint32 {
	return gramIndex(biKey, uint32(nfMix(uint64(a)<<32|uint64(b))))
}

// uniKey, biKey and triKey are the first step of featureIndex's hash
// (nfMixTop's h ^= h>>33) for key g<<32 | promiseSalt | v, g the n-gram's
// group, less the value v: v's 32 bits lie below the group's and the
// salt's, and shifted right by 33 they vanish, so the step gives key ^ v.
// gramIndex goes on from there.
const (
	uniKey = (pfUni<<32 | promiseSalt) ^ (pfUni<<32|promiseSalt)>>33
	biKey  = (pfBi<<32 | promiseSalt) ^ (pfBi<<32|promiseSalt)>>33
	triKey = (pfTri<<32 | promiseSalt) ^ (pfTri<<32|promiseSalt)>>33
)

// gramKeys are uniKey, biKey and triKey as values, which the n-gram loops
// read into registers before they start: as constants, which the
// compiler writes out again where they are used (no instruction xors a
// register with a 64-bit constant), the loops moved the bigram's and
// the trigram's in for every character, and ran short of registers for
// the rest. Read-only.
var gramKeys = [3]uint64{uniKey, biKey, triKey}

// gramIndex is featureIndex(g, v, promiseSalt, PromiseBits) for k the
// key of group g above, its first step done beforehand (TestGramIndex
// checks it).
func gramIndex(k uint64, v uint32) uint32 {
	h := k ^ uint64(v)
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	return uint32(h >> (64 - PromiseBits))
}

// runeChunk is how many characters decodeRunes decodes at a time: the
// n-grams' characters fit in the first chunk.
const runeChunk = maxPromiseRunes

// decodeRunes decodes the characters of s from byte i on into chunk, as
// many as it holds, as utf8.DecodeRuneInString reads them; it returns the
// byte after the last one decoded and how many characters it wrote, and
// sets *wide when one of them lies past the Basic Multilingual Plane
// (through a pointer, which the loop leaves on the stack: a result kept
// in a register cost the loop's fast paths a move).
//
// s must be valid UTF-8, as normalized text is (the engine's matcher
// reads it so too): a byte 1110xxxx then leads a three-byte character
// whose two next bytes continue it, which decodeRunes decodes without
// testing them or the character's range (the library's tests, for
// overlong forms and surrogates, took a third of a pair's work). Of
// invalid text it decodes characters of no use, but reads no byte past
// s's end, and sets *wide just when one of them lies past the plane (a
// three-byte lead and any two bytes make at most 16 bits).
//
// Where eight bytes are left it reads them with one load and takes from
// them two three-byte characters (all of Chinese), else one, or one ASCII
// character. Other characters, and those of the last bytes, are read a
// character at a time: ASCII and three-byte ones inline, the rest by the
// library. TestReadMatchesRef and FuzzRead check it against a character
// at a time.
func decodeRunes(s string, i int, chunk *[runeChunk]rune, wide *bool) (next, n int) {
	// A slice of the array (a pointer is checked for nil at every use in
	// the loop, a slice once) and unsigned indices, so that the loop's
	// own tests prove every index in range: no bounds check is left in
	// it.
	ch := chunk[:]
	j, m := uint(i), uint(0)
	lo12, mid := pairMasks[0], pairMasks[1]
	for m < uint(len(ch)) && j < uint(len(s)) {
		// The loads of eight bytes, read from s at j itself (a slice of
		// the rest kept two more values live, which the loop spilled and
		// reloaded on every load), while the chunk has room for two.
		for m < uint(len(ch)-1) && j+8 <= uint(len(s)) {
			t := s[j : j+8]
			w := uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 |
				uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56
			// Two characters: bytes 0 and 3 lead three-byte sequences
			// (1110xxxx).
			if uint32(w)&0xF000_00F0 == 0xE000_00E0 {
				// Both characters at once, each in 24 bits of r: the
				// lead's low four bits, then the continuations' low six,
				// from bytes 0–2 to bits 0–15 and from bytes 3–5 to bits
				// 24–39 (no shift moves a kept bit from one character to
				// the other's).
				r := w<<12&lo12 | w>>2&mid | w>>16&(0x3F<<24|0x3F)
				ch[m], ch[m+1] = rune(r&0xFFFFFF), rune(r>>24)
				j += 6
				m += 2
				continue
			}
			if b := uint32(w) & 0xFF; b < utf8.RuneSelf {
				ch[m] = rune(b)
				j++
				m++
				continue
			}
			// One three-byte character.
			if uint32(w)&0xF0 == 0xE0 {
				ch[m] = rune(w<<12&0xF000 | w>>2&0x0FC0 | w>>16&0x3F)
				j += 3
				m++
				continue
			}
			break
		}
		if m >= uint(len(ch)) || j >= uint(len(s)) {
			break
		}
		b := s[j]
		if b < utf8.RuneSelf {
			ch[m] = rune(b)
			j++
			m++
			continue
		}
		if b&0xF0 == 0xE0 && j+2 < uint(len(s)) {
			t := s[j+1 : j+3]
			ch[m] = rune(b&0x0F)<<12 | rune(t[0]&0x3F)<<6 | rune(t[1]&0x3F)
			j += 3
			m++
			continue
		}
		// The only path a character past the plane takes: four bytes.
		r, size := utf8.DecodeRuneInString(s[j:])
		ch[m] = r
		j += uint(size)
		m++
		if size == 4 {
			*wide = true
		}
	}
	return int(j), int(m)
}

// pairMasks are decodeRunes' 64-bit masks of the places of a pair of
// three-byte characters' leads' four bits (0xF000<<24|0xF000) and of
// their first continuation bytes' six (0x0FC0<<24|0x0FC0) in the
// characters. They are read into registers before the loop: as
// constants, which the compiler writes out again where they are used,
// they took moves in every pair. Read-only.
var pairMasks = [2]uint64{0xF000<<24 | 0xF000, 0x0FC0<<24 | 0x0FC0}

// prevAskWords are the customer's ways of asking for a step or a time
// whose presence, crossed with a short yes, is a feature (the order is
// part of the weights).
var prevAskWords = [...]string{"能不能", "可不可以", "可以吗", "帮我", "会不会", "是不是", "能否", "给我", "什么时候", "多久"}

// customerWords are the words whose presence the features read in a
// customer message: prevAskWords first (bit k is prevAskWords[k]), then
// those of the custXxx bits below.
var customerWords = append(prevAskWords[:len(prevAskWords):len(prevAskWords)], "?", "吗", "么", "几天", "不用", "不要", "算了")

// Bits of customerWords past prevAskWords.
const (
	custQuestionMark = 1 << (len(prevAskWords) + iota)
	custMa
	custMe
	custDays
	custNoNeed
	custDontWant
	custForgetIt

	custWhen     = 1 << 8 // 什么时候, also prevAskWords[8]
	custHowLong  = 1 << 9 // 多久, also prevAskWords[9]
	custQuestion = custQuestionMark | custMa | custMe
	custDecline  = custNoNeed | custDontWant | custForgetIt
)

// readCustomer reads customer message j for the agent messages around it,
// in one pass over its text: prevCustomer and customerAnswer.
func (d *promiseDetector) readCustomer(in *Input, j int, words *wordFinder) custReading {
	set := d.customerSet(in, j, words)
	r := custReading{msg: j + 1}
	r.prevV, r.prevAsk = d.prevCustomer(in, j, set)
	r.nextV, r.asks = customerAnswer(in.Norm[j], set)
	return r
}

// customerSet is words.has(in.Norm[j]) (words finds customerWords): bit
// k is set when customer message j holds customerWords[k]. The engine's
// scan has found them already, each word a presence class of its own
// (custWords), and their bits say so without reading the message again;
// an Input without presence bits (built by hand, or by an engine with
// too many classes for them) is read by words. TestCustomerSet holds the
// bits to words.has.
//
// The classes are registered one after the other, so their bits are one
// run of the presence row from custFirst, cut out with two shifts (the
// run may cross from one word of the row to the next); custFirst is -1
// when they are not (a word whose list another detector registered
// already has that class), and each bit is then read alone.
func (d *promiseDetector) customerSet(in *Input, j int, words *wordFinder) uint64 {
	if uint(j) >= uint(len(in.present)) || len(d.custWords) != len(customerWords) {
		return words.has(in.Norm[j])
	}
	row := &in.present[j]
	if d.custFirst >= 0 {
		return presenceRun(row, d.custFirst, len(d.custWords))
	}
	var set uint64
	for k, c := range d.custWords {
		set |= uint64(row[uint8(c)>>6]>>(uint8(c)&63)&1) << k
	}
	return set
}

// presenceRun returns the n bits (n at most 64) of a presence row from
// bit first on: bit k is bit first+k of the row, read from the word
// first falls in and, when the run crosses into it, the next.
// TestPresenceRun holds it to reading each bit alone at every first.
func presenceRun(row *[presentWords]uint64, first, n int) uint64 {
	w, sh := uint(first)>>6%presentWords, uint(first)&63
	set := row[w] >> sh
	if sh != 0 && w+1 < presentWords {
		set |= row[w+1] << (64 - sh)
	}
	return set & (1<<uint(n) - 1)
}

// prevCustomer reads customer message j, which holds the customerWords of
// set, as the turn before an agent message: v marks it there (1), a
// request (2), a question (4) and a "when" or "how long" (8); ask has bit
// k set when prevAskWords[k] is in it.
func (d *promiseDetector) prevCustomer(in *Input, j int, set uint64) (v uint32, ask uint16) {
	v = 1
	if in.Has(j, d.request) {
		v |= 2
	}
	if set&custQuestion != 0 {
		v |= 4
	}
	if set&(custHowLong|custWhen|custDays) != 0 {
		v |= 8
	}
	return v, uint16(set & (1<<len(prevAskWords) - 1))
}

// customerAnswer reads customer message c, which holds the customerWords
// of set, as the answer to an agent message: v is 2+k for an opening yes
// or thanks (the k-th of answerWords), 20 for declining, 1 otherwise;
// asks when it asks again.
func customerAnswer(c string, set uint64) (v uint32, asks bool) {
	for len(c) > 0 && (c[0] == ' ' || c[0] == ',') { // strings.TrimLeft(c, " ,")
		c = c[1:]
	}
	v = 1
	// The words open with different characters: the first character
	// picks the one word to compare (TestCustomerAnswer checks the
	// switch against a loop over answerWords).
	if len(c) >= 3 {
		switch c[:3] {
		case "好":
			v = 2
		case "嗯":
			v = 3
		case "可":
			if strings.HasPrefix(c, "可以") {
				v = 4
			}
		case "行":
			v = 5
		case "谢":
			if strings.HasPrefix(c, "谢谢") {
				v = 6
			}
		case "麻":
			if strings.HasPrefix(c, "麻烦") {
				v = 7
			}
		case "恩":
			v = 9
		}
	}
	if strings.HasPrefix(c, "ok") {
		v = 8
	}
	if set&custDecline != 0 {
		v = 20
	}
	return v, set&(custQuestionMark|custMa) != 0
}

// answerWords are the openings customerAnswer reads as taking an agent's
// step up (the order is part of the weights: word k is the value 2+k).
var answerWords = [...]string{"好", "嗯", "可以", "行", "谢谢", "麻烦", "ok", "恩"}

// strHash is the FNV-1a hash of s, folded to 32 bits.
func strHash(s string) uint32 {
	h := uint32(2166136261)
	for k := 0; k < len(s); k++ {
		h ^= uint32(s[k])
		h *= 16777619
	}
	return h
}

// affirm is 1 when agent message s opens with a yes ("是的", "可以的",
// "会的", "好的") and says little else.
func affirm(s string) uint32 {
	t := s // strings.TrimLeft(s, " ,亲") without building the cut set
	for len(t) > 0 {
		if t[0] == ' ' || t[0] == ',' {
			t = t[1:]
		} else if len(t) >= 3 && t[:3] == "亲" {
			t = t[3:]
		} else {
			break
		}
	}
	if !affirmOpening(t) {
		return 0
	}
	// The length is the same test for every word.
	if text.RunesAtMost(t, 12) {
		return 1
	}
	return 0
}

// affirmOpening reports whether t opens with one of affirm's words (是的,
// 可以, 会的, 好的, 嗯, 对的, 没问题, 能的): they open with different
// characters, so the first picks the one word to compare.
func affirmOpening(t string) bool {
	if len(t) < 3 {
		return false
	}
	switch t[:3] {
	case "是":
		return strings.HasPrefix(t, "是的")
	case "可":
		return strings.HasPrefix(t, "可以")
	case "会":
		return strings.HasPrefix(t, "会的")
	case "好":
		return strings.HasPrefix(t, "好的")
	case "嗯":
		return true
	case "对":
		return strings.HasPrefix(t, "对的")
	case "没":
		return strings.HasPrefix(t, "没问题")
	case "能":
		return strings.HasPrefix(t, "能的")
	}
	return false
}

// actorWords are the actor and aspect words looked for right before an
// action verb (pfActor; the order is part of the weights).
var actorWords = [...]string{"帮您", "为您", "给您", "这边", "我", "会", "已经", "已", "再", "先", "去"}

// cueScan finds the words the features read: the cue words of an agent
// message, the actor words before its verbs and the customerWords of the
// customer's messages around it. It is read-only once built.
type cueScan struct {
	cues, actors, customer *wordFinder
	// cueFeats[rule][k] are the table indices of the features of cue k,
	// (pfCue, k) and (pfRuleXCue, k<<1|rule), computed once, as the
	// features list them: one copy a cue. A row of cueRows, a power of
	// two, is read at a cue's number masked to its size, with no test
	// of its bounds (where the number modulo the cues' took a
	// multiplication).
	cueFeats [2][cueRows][2]uint32
	// ends[u] has endsLast set when a cue word ends with the character
	// u (of the Basic Multilingual Plane), endsSingle when one is u: the
	// cue pass's first test of every character, one load where the cue
	// finder's bitmaps took five instructions (its last, then single).
	ends [1 << 16]uint8
	// yi is the cue word 已 (doneInClause's), whose absence spares the
	// features its search in the clause before each action verb.
	yi uint16
}

// cueRows is the size of a row of cueScan.cueFeats: a power of two, at
// least the number of cue words.
const cueRows = 128

// actorsBefore is cs.actors.has(s[backChars(s, pos, 4):pos]), the
// actor words in the four characters before pos. Where those are four
// characters of Chinese (always valid three-byte sequences, text.Lead3Pair's
// test of two loads), backChars' window is their twelve bytes: no
// placeholder's bracket is among them. They are decoded as decodeRunes
// decodes pairs and looked up by the finder's tables
// (wordFinder.inFour), where backChars stepped back over them and has
// read them again a byte at a time. TestActorsBefore and
// FuzzActorsBefore hold it to the two.
func (cs *cueScan) actorsBefore(s string, pos int) uint64 {
	if pos >= 12 {
		a, b := text.Load8(s, pos-12), text.Load8(s, pos-8)>>16
		if text.Lead3Pair(a) && text.Lead3Pair(b) {
			lo12, mid := pairMasks[0], pairMasks[1]
			ra := a<<12&lo12 | a>>2&mid | a>>16&(0x3F<<24|0x3F)
			rb := b<<12&lo12 | b>>2&mid | b>>16&(0x3F<<24|0x3F)
			rs := [4]rune{rune(ra & 0xFFFFFF), rune(ra >> 24 & 0xFFFFFF), rune(rb & 0xFFFFFF), rune(rb >> 24 & 0xFFFFFF)}
			return cs.actors.inFour(&rs)
		}
	}
	return cs.actors.has(s[backChars(s, pos, 4):pos])
}

// Bits of cueScan.ends.
const (
	endsLast   = 1 << iota // a cue word ends with the character
	endsSingle             // a cue word is the character
)

// newCueScan indexes the features' word lists. The promise model builds
// it once; the trainer's PromiseScratch builds its own.
func newCueScan() *cueScan {
	cs := &cueScan{cues: newWordFinder(promiseCues[:]), actors: newWordFinder(actorWords[:]), customer: newWordFinder(customerWords)}
	for k := range uint32(len(promiseCues)) {
		for rule := range uint32(2) {
			cs.cueFeats[rule][k] = [2]uint32{featureIndex(pfCue, k, promiseSalt, PromiseBits), featureIndex(pfRuleXCue, k<<1|rule, promiseSalt, PromiseBits)}
		}
	}
	cs.yi = uint16(slices.Index(promiseCues[:], "已"))
	wf := cs.cues
	for u := range len(cs.ends) {
		if wf.last[u>>6]&(1<<(u&63)) != 0 {
			cs.ends[u] |= endsLast
		}
		if wf.single[u>>6]&(1<<(u&63)) != 0 {
			cs.ends[u] |= endsSingle
		}
	}
	return cs
}

// trimRightParticles is strings.TrimRight(s, " .~!呢哦哈呀啊亲"), read
// from the end by the promise rules' trimSet (trimParticles) without
// decoding the last character of every message
// (TestTrimRightParticles and FuzzTrimRightParticles hold it to
// strings.TrimRight).
func trimRightParticles(s string) string { return trimParticles.trimRight(s) }

// PromiseScratch holds the reusable buffers of PromiseFeatures; the zero
// value is ready to use.
type PromiseScratch struct {
	ps   []promise
	f    promiseFeats
	cues *cueScan
}

// PromiseFeatures calls fn with the learned promise features of every
// Chinese agent message of in, in order, with the rules' verdict (rule: the
// promise rules read a commitment in it). It is how the trainer
// (internal/eval) sees exactly what the detector would score; English
// messages are left to their own rules (promise_en.go). It does nothing
// when the engine has no promise detector.
func (e *Engine) PromiseFeatures(in *Input, s *PromiseScratch, fn func(msg int, rule bool, idx []uint32, val []float32)) {
	d := detectorOf[*promiseDetector](e)
	if d == nil {
		return
	}
	if s.cues == nil {
		s.cues = newCueScan()
	}
	var st promiseState
	for i := range in.Conv.Messages {
		if in.Conv.Messages[i].Role == conversation.RoleAgent && !in.english(i) {
			s.ps = d.rulePromises(in, i, s.ps[:0])
			d.promiseFeatures(in, i, s.ps, &st, &s.f, s.cues)
			fn(i, len(s.ps) > 0, s.f.idx[:s.f.n], s.f.values())
		}
		st.see(in, i)
	}
}

// rulePromises returns the commitments the rules read in Chinese agent
// message i (extract, or a bare consent to a request), as Inspect does.
func (d *promiseDetector) rulePromises(in *Input, i int, ps []promise) []promise {
	ps = d.extract(in, i, ps)
	if len(ps) == 0 {
		ps = d.consent(in, i, ps)
	}
	return ps
}
