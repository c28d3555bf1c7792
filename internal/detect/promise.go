package detect

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"fullqa/internal/conversation"
	"fullqa/internal/lexicon"
	"fullqa/internal/text"
)

// promiseDetector emits promise.made on agent messages that commit the shop
// to a time, an amount or benefit, or an action for this customer, with the
// commitment as a structured value in Finding.Data so that later analysis can
// follow it up; promise.over_policy when a commitment goes beyond the shop
// policy; and promise.conflict when the agent contradicts an earlier
// commitment or the customer reports a broken one.
type promiseDetector struct {
	cfg PolicyConfig
	lex lexicon.Lists
	// anchors are the words that point a rhetorical recall at the agent.
	anchors []string
	// saidNow are the words that make a recalled statement the current one.
	saidNow []string

	subject, action, done, future, benefit ClassID
	timeW, event, neg, not, guarantee      ClassID
	broken, said, contrast, can, cannot    ClassID
	never, source, recall, third           ClassID
	condition, pay, correction, payMethod  ClassID
	request, again, denied, self           ClassID
	ifWord, ifOffer                        ClassID
	// askHead is the presence class of askHeadWords.
	askHead ClassID
	// custWords[k] is the presence class of customerWords[k] (see
	// customerSet).
	custWords []ClassID
	// custFirst is custWords[0] when the classes follow one another (their
	// presence bits are one run), else -1.
	custFirst int
	// questionMark is custWords' class of "?" (questionMarkWord), -1
	// before RegisterKeywords (see messageFeatures).
	questionMark ClassID
	// en reads English agent messages (promise_en.go).
	en englishPromises
	// model is the learned scorer that decides promise.made on Chinese
	// agent messages (promise_score.go); nil before RegisterKeywords.
	model *promiseModel
	// classes are promiseClasses(), listed once the classes are known.
	classes [29]ClassID
	// classBits reads the classes' features from a message's presence
	// bits (see newClassBits).
	classBits classBits
	// extracts has bit c&63 of word (c>>6)%presentWords set for every class
	// c extract reads a commitment at: most of a message's hits are of
	// other classes, and one bit test skips them before the comparisons of
	// extract's switch (another class sharing a bit only costs those).
	extracts [presentWords]uint64
	// extractOf[c&255] is set for every class c extract reads a
	// commitment at: its test of each hit, one load where the bit test
	// took five instructions (another class of the same low byte, in an
	// engine of more than 256 classes, only costs the switch's
	// comparisons, as one sharing a bit of extracts does).
	extractOf [256]bool
	// extractWord is the word of the presence row that holds the bits of
	// every class extract reads, when one does (the rules register them
	// one after the other), else -1: a message holds none of them when
	// that word and extracts' word have no bit in common.
	extractWord int
	// brokenGate holds the classes customerBroken reads (broken, recall,
	// said, again, denied, timeW) and canGate those agentFacts reads for a
	// reversal (can, cannot): a message with none of them is passed by one
	// test of the presence bits. eventGate holds event, the class
	// timePromise looks for around a time word first.
	brokenGate, canGate, eventGate classMask
	// words are the lexicon words a slot holds as its verb, event,
	// benefit or time word, each boxed once as an interface value: a
	// finding's slot (promiseSlot.toData, toMap) takes them instead of
	// boxing a new string.
	// Read-only after RegisterKeywords.
	words map[string]any
}

func newPromiseDetector(cfg PolicyConfig, lex lexicon.Lists) *promiseDetector {
	return &promiseDetector{cfg: cfg, lex: lex, questionMark: -1}
}

func (d *promiseDetector) Name() string { return "promise" }

func (d *promiseDetector) Codes() []string {
	return []string{"promise.made", "promise.over_policy", "promise.conflict"}
}

func (d *promiseDetector) RegisterKeywords(k *Keywords) error {
	w := d.lex.Words
	d.subject = k.Add("promise.subject", w("promise_subject")...)
	d.action = k.Add("promise.action", w("promise_action")...)
	d.done = k.Add("promise.done", w("promise_done")...)
	d.future = k.Add("promise.future", w("promise_future")...)
	d.benefit = k.Add("promise.benefit", w("promise_benefit")...)
	d.timeW = k.Add("promise.time", w("promise_time")...)
	d.event = k.Add("promise.event", w("promise_event")...)
	d.neg = k.Add("promise.neg", w("promise_neg")...)
	d.third = k.Add("promise.third", w("promise_third")...)
	d.condition = k.Add("promise.condition", w("promise_condition")...)
	d.ifWord = k.Add("promise.if", w("promise_if")...)
	d.ifOffer = k.Add("promise.if_offer", w("promise_if_offer")...)
	d.pay = k.Add("promise.pay", w("promise_pay")...)
	d.correction = k.Add("promise.correction", w("promise_correction")...)
	d.payMethod = k.Add("promise.paymethod", w("promise_paymethod")...)
	d.not = k.Add("promise.not", w("promise_not")...)
	d.guarantee = k.Add("promise.guarantee", append(w("promise_guarantee"), d.cfg.GuaranteeWords...)...)
	d.broken = k.Add("promise.broken", w("promise_broken")...)
	d.said = k.Add("promise.said", w("promise_said")...)
	d.recall = k.Add("promise.recall", w("promise_recall")...)
	d.anchors = w("promise_anchor")
	d.saidNow = w("promise_said_now")
	d.contrast = k.Add("promise.contrast", w("promise_contrast")...)
	d.can = k.Add("promise.can", w("promise_can")...)
	d.cannot = k.Add("promise.cannot", w("promise_cannot")...)
	d.never = k.Add("promise.never", d.cfg.NeverPromise...)
	d.source = k.Add("promise.source", w("promise_source")...)
	d.request = k.Add("promise.request", w("promise_request")...)
	// A bare 我 is an actor only right before its verb (see extract); it
	// is its own class so that it counts as no actor word elsewhere.
	d.self = k.Add("promise.self", "我")
	d.again = k.Add("promise.again", w("promise_again")...)
	d.denied = k.Add("promise.denied", w("promise_denied")...)
	d.en = newEnglishPromises(w("promise_en_action"), w("promise_en_request"))
	// Each of the learned features' customerWords is a presence class of
	// its own, so that the engine's scan says which a customer message
	// holds (customerSet) and the features need not read it again.
	// The words askedActionIn looks for in the clause before an action:
	// a message with none of them anywhere (most) is not searched for
	// them clause by clause.
	d.askHead = k.AddPresence("promise.ask_head", askHeadWords[:]...)
	d.custWords = make([]ClassID, len(customerWords))
	d.custFirst = int(k.AddPresence("promise.customer."+customerWords[0], customerWords[0]))
	d.custWords[0] = ClassID(d.custFirst)
	for j, cw := range customerWords[1:] {
		if d.custWords[j+1] = k.AddPresence("promise.customer."+cw, cw); d.custWords[j+1] != d.custWords[0]+ClassID(j+1) {
			d.custFirst = -1
		}
	}
	if d.custFirst+len(customerWords) > presentWords*64 {
		d.custFirst = -1
	}
	d.questionMark = d.custWords[questionMarkWord]
	if len(w("promise_action")) == 0 || len(w("promise_time")) == 0 {
		return fmt.Errorf("promise: lexicon lists promise_action and promise_time must not be empty")
	}
	m, err := loadPromiseModel()
	if err != nil {
		return fmt.Errorf("promise: %w", err)
	}
	d.model = m
	d.classes = d.promiseClasses()
	d.classBits = newClassBits(&d.classes)
	d.extractWord = -1
	for _, c := range [...]ClassID{d.subject, d.self, d.done, d.future, d.benefit, d.pay, d.guarantee, d.timeW} {
		d.extracts[uint32(c)>>6%presentWords] |= 1 << (c & 63)
		d.extractOf[uint8(c)] = true
	}
	for w, m := range d.extracts {
		if m != 0 {
			if d.extractWord != -1 {
				d.extractWord = -1
				break
			}
			d.extractWord = w
		}
	}
	d.brokenGate = maskOf(d.broken, d.recall, d.said, d.again, d.denied, d.timeW)
	d.canGate = maskOf(d.can, d.cannot)
	d.eventGate = maskOf(d.event)
	d.words = map[string]any{}
	for _, list := range []string{"promise_action", "promise_pay", "promise_done", "promise_future", "promise_event", "promise_benefit", "promise_time"} {
		for _, w := range w(list) {
			if n := text.Normalize(w); n != "" {
				d.words[n] = n
			}
		}
	}
	return nil
}

// Promise kinds, as written in the "kind" field of Finding.Data.
const (
	PromiseTime   = "time"
	PromiseAmount = "amount"
	PromiseAction = "action"
)

// promise is one commitment found in a message.
type promise struct {
	kind   string
	start  int // byte offsets of the phrase in the normalized message
	end    int
	slot   promiseSlot
	days   int    // relative day for 今天/明天, -1 when not a day
	event  string // event category of a time promise: ship, deliver, refund, contact
	amount float64
}

// promiseBufs are the promise detector's buffers for one conversation,
// kept in the worker's Scratch: on Inspect's stack, the features' buffer
// (over 5 KiB) and the commitments' were cleared for every conversation,
// though every message writes what it reads of them.
type promiseBufs struct {
	// ps holds the commitments of one message: extract stops at
	// maxPromisesPerMessage, and consent adds one only to none.
	ps [maxPromisesPerMessage + 1]promise
	f  promiseFeats // the learned features' buffer
}

func (d *promiseDetector) Inspect(in *Input, out *Output) {
	msgs := in.Conv.Messages
	var st conflictState
	st.init()
	scr := in.scratch()
	if scr.promise == nil {
		scr.promise = new(promiseBufs)
	}
	bufs := scr.promise
	ps := bufs.ps[:0]
	var ls promiseState // what the learned features remember of the chat
	f := &bufs.f        // their buffer, reused message after message
	for i := range msgs {
		switch msgs[i].Role {
		case conversation.RoleAgent:
			english := in.english(i)
			if english {
				ps = d.en.extract(in.Norm[i], ps[:0])
			} else {
				ps = d.extract(in, i, ps[:0])
			}
			if len(ps) == 0 {
				ps = d.consent(in, i, ps)
			}
			// promise.made is the learned score's call; the conflict checks
			// keep the rules' reading.
			d.decide(in, i, english, ps, &ls, f, out)
			if len(ps) > 0 {
				st.lastPromise = i
			}
			d.agentFacts(in, i, ps, &st, out)
		case conversation.RoleCustomer:
			d.customerBroken(in, i, &st, out)
		}
		ls.see(in, i)
	}
	d.finishConflicts(in, &st, out)
}

// consent reads agent message i as a bare consent ("好的呢", "会的 您放心",
// "嗯嗯 好的") to a step the customer asked the agent to take in the
// messages right before it ("麻烦你记录一下", "记得帮我修改"): agreeing to
// the request commits the shop to the step as much as naming it would. The
// reply must say nothing else but a closing formula: a holding phrase
// ("好的 请您稍等") or a question answers otherwise. The commitment is
// appended to ps, and ps returned as it is when there is none (the large
// promise value is written in place, never copied out of a return).
func (d *promiseDetector) consent(in *Input, i int, ps []promise) []promise {
	// A request word in the customer's messages right before is looked
	// for first: most agent messages follow none, and it costs a bit test
	// where reading the reply costs a pass over its opening.
	asked := false
	for k := i - 1; k >= 0 && k >= i-4 && in.Conv.Messages[k].Role == conversation.RoleCustomer; k-- {
		if in.Has(k, d.request) {
			asked = true
			break
		}
	}
	if !asked {
		return ps
	}
	s := in.Norm[i]
	end, ok := consentClause(s)
	if !ok {
		return ps
	}
	for k := i - 1; k >= 0 && k >= i-4 && in.Conv.Messages[k].Role == conversation.RoleCustomer; k-- {
		if verb, ok := d.requested(in, k); ok {
			ps = append(ps, promise{kind: PromiseAction, start: 0, end: end, days: -1})
			p := &ps[len(ps)-1]
			p.slot.setString(slotVerb, verb)
			p.slot.setString(slotConsent, s[:end])
			return ps
		}
	}
	return ps
}

// consentClause reports whether s opens, after vocatives, with a consent
// word and particles only, and the rest of s is empty, a few words ("好的
// 星期一哈") or a closing formula; end is where the consent clause ends.
func consentClause(s string) (end int, ok bool) {
	t := strings.TrimLeft(s, " ,")
	for _, v := range [...]string{"亲爱的", "亲亲", "亲", "嗯嗯", "嗯", " ", ","} {
		t = strings.TrimPrefix(t, v)
	}
	t = strings.TrimLeft(t, " ,")
	found := false
	for _, c := range [...]string{"好的", "好滴", "好哒", "好嘞", "好", "会的", "行", "没问题", "收到"} {
		if r, ok := strings.CutPrefix(t, c); ok {
			t, found = r, true
			break
		}
	}
	if !found {
		return 0, false
	}
	t = strings.TrimLeft(t, "呢哦哈啦呀的滴哒亲爱")
	if t != "" && !isClauseBreak(t[0]) {
		return 0, false
	}
	end = len(s) - len(t)
	rest := strings.Trim(t, " ,.!~")
	for _, w := range [...]string{"稍等", "等待", "吗", "?", "么"} {
		if strings.Contains(rest, w) && !closingOnly(rest) {
			return 0, false
		}
	}
	return end, utf8.RuneCountInString(rest) <= 8 || closingOnly(rest)
}

// closingOnly reports whether rest starts with a closing formula ("请问还有
// 其他可以帮您的吗", "您放心"), which adds nothing to a consent.
func closingOnly(rest string) bool {
	for _, w := range [...]string{"请问还有", "还有其他", "您看还有", "还有什么", "您放心", "放心", "感谢"} {
		if strings.HasPrefix(rest, w) {
			return true
		}
	}
	return false
}

// requested returns the step customer message k asks the agent to take: a
// request word (promise_request: 帮我, 麻烦你, 记得) followed within six
// characters of its clause by an action verb ("帮我备注一下", "记得通知我"),
// with no negation before the verb ("不用帮我取消了").
func (d *promiseDetector) requested(in *Input, k int) (string, bool) {
	if !in.Has(k, d.request) {
		return "", false
	}
	s := in.Norm[k]
	for _, r := range in.allHits(k) {
		if r.Class != d.request {
			continue
		}
		for _, a := range in.startingIn(k, r.End, r.End+18) {
			if a.Class != d.action || a.Start < r.End || a.Start-r.End > 18 || !sameClause(s, int(r.End), int(a.Start)) {
				continue
			}
			if d.negated(in, k, r.Start, a.Start) || negBefore(s[:r.Start]) {
				break
			}
			return s[a.Start:a.End], true
		}
	}
	return "", false
}

// covered reports whether [s,e) lies inside a hit of class c.
func covered(in *Input, i int, c ClassID, s, e int32) bool {
	if !in.may(i, c) {
		return false
	}
	for _, h := range in.near(i, e, s+in.maxHitLen()) {
		if h.Class == c && h.Start <= s && h.End >= e {
			return true
		}
	}
	return false
}

// overlaps reports whether [s,e) overlaps a hit of class c.
func overlaps(in *Input, i int, c ClassID, s, e int32) bool {
	if !in.may(i, c) {
		return false
	}
	for _, h := range in.touching(i, s, e) {
		if h.Class == c && h.Start < e && h.End > s {
			return true
		}
	}
	return false
}

// negated reports whether a negation hit of message i lies between the
// start of the clause holding pos and the end offset to.
func (d *promiseDetector) negated(in *Input, i int, pos, to int32) bool {
	return d.negatedFrom(in, i, pos, to, int32(clauseStart(in.Norm[i], int(pos))))
}

// negatedFrom is negated for a caller that knows cs0, the start of the
// clause holding pos (clauseStart).
func (d *promiseDetector) negatedFrom(in *Input, i int, pos, to, cs0 int32) bool {
	// A condition in the clause before ("可以的话, 帮您申请") makes the
	// commitment conditional, not a promise yet.
	// (Read back at most 64 bytes: a run of commas is no condition.)
	if endsWithIf(in.Norm[i], int(cs0)) {
		return true
	}
	// A message with no negation word (the presence bits tell) has none
	// in the window either: its bounds are not worked out.
	if !in.may(i, d.neg) {
		return false
	}
	// A clause may run on where the writer used no punctuation: look back
	// at most four characters (a placeholder such as [数字x] is one).
	cs := max(cs0, int32(backChars(in.Norm[i], int(pos), 4)))
	for _, h := range in.touching(i, cs, to) {
		if h.Class == d.neg && h.End > cs && h.Start < to && !(h.End <= pos && closes(in.Norm[i][h.End:pos])) && !aNotA(in.Norm[i], h) {
			return true
		}
	}
	return false
}

// endsWithIf reports whether the 64 bytes of s before cs end, spaces and
// commas trimmed, with 的话: strings.HasSuffix(strings.TrimRight(
// s[max(0, cs-64):cs], " ,"), "的话") without TrimRight building its set
// of two bytes on every call (TestEndsWithIf checks it against that).
func endsWithIf(s string, cs int) bool {
	lo, e := max(0, cs-64), cs
	for e > lo && (s[e-1] == ' ' || s[e-1] == ',') {
		e--
	}
	return strings.HasSuffix(s[lo:e], "的话")
}

// aNotA reports whether the negation at hit h is the middle of an A-not-A
// question ("能不能帮忙催一下", "可不可以", "会不会"): it asks, it denies
// nothing.
func aNotA(s string, h KeywordHit) bool {
	w := s[h.Start:h.End]
	rest, ok := strings.CutPrefix(w, "不")
	if !ok || rest == "" {
		return false
	}
	a, _ := utf8.DecodeRuneInString(rest)
	b, _ := utf8.DecodeLastRuneInString(s[:h.Start])
	return a == b
}

// closes reports whether s holds a sentence-final particle (哈, 呢, 哦, 啦,
// 吧): normalizing drops "~ " between Chinese characters, so "您也不用着急哈~
// 明天也能到" runs on in one clause, but the negation ended with its sentence.
func closes(s string) bool {
	return containsAny(s, []string{"哈", "呢", "哦", "啦", "吧"})
}

// conditionedAt is conditioned at c.start, reading the clause's start
// from c.
func (d *promiseDetector) conditionedAt(in *Input, i int, c *hitClause) bool {
	if !in.may(i, d.ifWord) && !in.may(i, d.ifOffer) {
		return false
	}
	s := in.Norm[i]
	end := len(strings.TrimRight(s[:c.startOf()], " ,"))
	start := clauseStart(s, end)
	return hasIn(in, i, d.ifWord, start, end) || hasIn(in, i, d.ifOffer, start, end)
}

// hitClause keeps the bounds of the clause around a hit once read: the
// rules' checks on one hit (negated, thirdParty, askedAction, conditioned,
// fillAction) each read clauseStart at its start and clauseEnd at its
// end, the same scans of the same bytes.
type hitClause struct {
	s          string
	start, end int // the offsets whose clause is read
	cs, ce     int // clauseStart(s, start), clauseEnd(s, end); -1 until read
	// hintCE, when not -1, is clauseEnd(s, hintPos) for a hintPos <= end
	// in the same clause: endOf reads ce from it (clauseEndFrom).
	hintPos, hintCE int
}

// newHitClause returns the unread clause bounds of start and end in s.
func newHitClause(s string, start, end int32) hitClause {
	return hitClause{s: s, start: int(start), end: int(end), cs: -1, ce: -1, hintCE: -1}
}

// startOf returns clauseStart(c.s, c.start), read once.
func (c *hitClause) startOf() int {
	if c.cs < 0 {
		c.cs = clauseStart(c.s, c.start)
	}
	return c.cs
}

// endOf returns clauseEnd(c.s, c.end), read once.
func (c *hitClause) endOf() int {
	if c.ce >= 0 {
		return c.ce
	}
	if c.hintCE >= 0 {
		c.ce = clauseEndFrom(c.s, c.hintPos, c.hintCE, c.end)
	} else {
		c.ce = clauseEnd(c.s, c.end)
	}
	return c.ce
}

// clauseStartFrom returns clauseStart(s, e) for cs <= e <= pos, given cs =
// clauseStart(s, pos): where a break ends right before cs, the clause of
// every offset in [cs, pos] starts at cs (the scan back from pos met no
// break before it), so the checks on one time word's clause need not read
// it back again. Otherwise it reads. TestClauseFrom checks it against
// clauseStart.
func clauseStartFrom(s string, pos, cs, e int) int {
	if e == pos || cs <= e && e < pos && cs > 0 && (clauseBytes[s[cs-1]]&clauseBreak != 0 || isFullStopEnd(s, cs-1)) {
		return cs
	}
	return clauseStart(s, e)
}

// clauseEndFrom returns clauseEnd(s, e) for pos <= e <= ce, given ce =
// clauseEnd(s, pos): where a break opens s[ce:], the clause of every
// offset in [pos, ce] ends at ce. Otherwise it reads. TestClauseFrom
// checks it against clauseEnd.
func clauseEndFrom(s string, pos, ce, e int) int {
	if e == pos || pos < e && e <= ce && ce < len(s) && (clauseBytes[s[ce]]&clauseBreak != 0 || strings.HasPrefix(s[ce:], fullStop)) {
		return ce
	}
	return clauseEnd(s, e)
}

// hasIn reports whether a hit of class c lies wholly in bytes [start, end)
// of message i.
func hasIn(in *Input, i int, c ClassID, start, end int) bool {
	if !in.may(i, c) {
		return false
	}
	for _, h := range in.near(i, int32(start), int32(end)) {
		if h.Class == c && int(h.Start) >= start && int(h.End) <= end {
			return true
		}
	}
	return false
}

// informs reports whether a commitment phrase is a notice to the customer
// (联系您, 短信告知, 回电), which a condition before it does not undo.
func informs(phrase string) bool {
	return containsAny(phrase, []string{"联系", "告知", "通知", "回电", "回复", "短信", "电话"})
}

// backChars returns the offset n characters before pos in s, counting a
// placeholder ("[数字x]") as the one value it stands for.
func backChars(s string, pos, n int) int {
	// A hit may start inside a placeholder ("x]号" in "[数字x]号").
	// Placeholders are at most 12 bytes: look back no further, so the
	// cost does not grow with the message.
	lo := max(0, pos-11)
	// Most windows hold no '[': a window of 8 bytes or more is two
	// overlapping words, tested for the byte at once (openBracket8), where
	// the searches read it a byte at a time.
	if pos-lo < 8 || openBracket8(text.Load8(s, lo)) || openBracket8(text.Load8(s, pos-8)) {
		if k := strings.LastIndexByte(s[lo:pos], '['); k >= 0 && strings.IndexByte(s[lo+k:pos], ']') < 0 {
			pos = lo + k
		}
	}
	for ; n > 0 && pos > 0; n-- {
		c := s[pos-1]
		if c == ']' {
			lo = max(0, pos-12)
			if k := strings.LastIndexByte(s[lo:pos], '['); k >= 0 {
				pos = lo + k
				continue
			}
		}
		// Two characters of Chinese, read with one load of the eight
		// bytes before pos, are stepped over at once, as the step below
		// would step over each: no byte of theirs is ']' (TestBackChars
		// and FuzzBackChars hold it to the code it replaced).
		if n >= 2 && pos >= 8 && text.Lead3Pair(text.Load8(s, pos-8)>>16) {
			pos -= 6
			n--
			continue
		}
		// A character of Chinese, a three-byte sequence whose lead is
		// neither E0 (which may be overlong) nor ED (which may be a
		// surrogate) and so is always valid, is stepped over here, its
		// three bytes read through one bounds check; others, those two
		// leads among them, take lastRuneSize (not inlined), which
		// steps over a valid one alike.
		if pos >= 3 {
			t := s[pos-3 : pos]
			if b := t[0]; b&0xF0 == 0xE0 && (uint(t[1])|uint(t[2])<<8)&0xC0C0 == 0x8080 && b != 0xE0 && b != 0xED {
				pos -= 3
				continue
			}
		}
		pos -= lastRuneSize(s[:pos])
	}
	return pos
}

// openBracket8 reports whether a byte of the word w is '[', exactly: a
// byte of w ^ '['·ones is zero just where w's is '[', and (x - ones) &^ x
// & high has a bit set if and only if x has a zero byte (a borrow runs
// only from a zero byte up, and sets the top bit of the lowest one).
func openBracket8(w uint64) bool {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	x := w ^ ones*'['
	return (x-ones)&^x&high != 0
}

// lastRuneSize is the size utf8.DecodeLastRuneInString gives the last
// character of s, with ASCII and valid three-byte sequences (all of
// Chinese) read inline.
func lastRuneSize(s string) int {
	n := len(s)
	if n == 0 {
		return 0
	}
	if s[n-1] < utf8.RuneSelf {
		return 1
	}
	if n >= 3 {
		b, c1, c2 := s[n-3], s[n-2], s[n-1]
		r := rune(b&0x0F)<<12 | rune(c1&0x3F)<<6 | rune(c2&0x3F)
		if b&0xF0 == 0xE0 && (uint32(c1)<<8|uint32(c2))&0xC0C0 == 0x8080 && r >= 0x800 && uint32(r)-0xD800 >= 0x800 {
			return 3
		}
	}
	_, size := utf8.DecodeLastRuneInString(s)
	return size
}

// maxPromisesPerMessage bounds the commitments read from one message: a
// few are enough to follow it up, and it keeps pasted walls of text cheap.
const maxPromisesPerMessage = 4

// extract finds the commitments of agent message i.
func (d *promiseDetector) extract(in *Input, i int, ps []promise) []promise {
	// A message with none of the classes read here (the presence bits
	// are exact: the engine keeps them only while every class has its
	// own bit) commits to nothing by these rules.
	if in.present != nil {
		row, held := &in.present[i], uint64(0)
		if w := d.extractWord; w >= 0 {
			held = row[w%presentWords] & d.extracts[w%presentWords]
		} else {
			for w := range presentWords {
				held |= row[w] & d.extracts[w]
			}
		}
		if held == 0 {
			return ps
		}
	}
	s := in.Norm[i]
	perMethod := d.perMethod(in, i)
	extractOf := &d.extractOf // checked for nil once, not at every hit
	for _, h := range in.allHits(i) {
		if !extractOf[uint8(h.Class)] {
			continue
		}
		if len(ps) >= maxPromisesPerMessage {
			break
		}
		switch h.Class {
		case d.subject, d.self:
			// A bare 我 is the actor only right before its verb ("我申请下取消",
			// "我刚刚提交"), not in 我们, 我的, wishing (我想改, 我要) or busy with
			// a step (我在联系, like the holding 正在为您).
			reach := int32(21)
			if h.Class == d.self {
				if notSelfActor.opens(s[h.End:]) { // strings.ContainsRune("们的想要看觉在", the next character)
					continue
				}
				reach = 9
			}
			// The verb the actor commits to: the first action in reach in the
			// same clause (配送 in 配送员 is a noun). Most actor words have none,
			// so it is looked for before the costlier checks below.
			a, ok := KeywordHit{}, false
			if !in.may(i, d.action) && !in.may(i, d.pay) {
				continue // no verb in the message (its presence bits): none in reach
			}
			for _, x := range in.startingIn(i, h.End, h.End+reach) {
				if x.Class != d.action && x.Class != d.pay || x.Start < h.End || x.Start-h.End > reach || !sameClause(s, int(h.End), int(x.Start)) ||
					covered(in, i, d.third, x.Start, x.End) {
					continue
				}
				a, ok = x, true
				break
			}
			if !ok {
				continue
			}
			// "配送员为您预约": the courier, not the agent, is the actor.
			// "给您的答复" makes a noun of what follows, it commits to nothing,
			// and "麻烦您尽快提交", "请尽快申请" ask the customer to act.
			c := newHitClause(s, h.Start, a.End) // the clause from actor to verb
			if overlaps(in, i, d.not, h.Start, h.End) || in.may(i, d.third) && d.thirdPartyFrom(in, i, h.Start, int32(c.startOf())) || strings.HasPrefix(s[h.End:], "的") ||
				customerActs(s, int(h.Start)) || negBefore(s[:h.Start]) {
				continue
			}
			// An offer or a lookup between actor and verb ("这边可以为您申请",
			// "这边帮您查看后申请") says what could be done, not what will be.
			// "给您开具的是电子发票" names what was done, it commits to nothing.
			if overlaps(in, i, d.not, h.Start, a.End) || d.negatedFrom(in, i, h.Start, a.Start, int32(c.startOf())) || customerActs(s, int(a.Start)) ||
				askedActionIn(s, int(h.Start), int(a.End), c.startOf(), c.endOf(), in.may(i, d.askHead)) || modifies(s[a.End:]) || cannotAfter(s[a.End:]) ||
				negBefore(s[:a.Start]) || negBetween(s[h.End:a.Start]) || d.conditionedAt(in, i, &c) {
				continue
			}
			var q *promise
			ps, q = room(ps)
			d.fillActionAt(q, s, a, &c)
			ps = addActionAt(ps)
		case d.done, d.future:
			// A hedge may also follow: "会给您尽快发出" commits to nothing.
			// A lookup overlapping the phrase ("已经帮您查看了") reports what the
			// agent saw, and "您已经申请" is the customer's own action.
			c := newHitClause(s, h.Start, h.End)
			if overlaps(in, i, d.not, h.Start, h.End) || d.negatedFrom(in, i, h.Start, h.End+6, int32(c.startOf())) || customerActs(s, int(h.Start)) ||
				in.may(i, d.third) && d.thirdPartyFrom(in, i, h.Start, int32(c.startOf())) || askedActionIn(s, int(h.Start), int(h.End), c.startOf(), c.endOf(), in.may(i, d.askHead)) || negBefore(s[:h.Start]) ||
				d.conditionedAt(in, i, &c) && !informs(s[h.Start:h.End]) || // most messages hold no condition word: informs' seven searches last
				h.Class == d.future && (vagueAfter(s[h.Start:h.End], s[h.End:]) || s[h.Start:h.End] == "会在" && !d.timeNext(in, i, h.End)) {
				continue
			}
			var q *promise
			ps, q = room(ps)
			d.fillActionAt(q, s, h, &c)
			ps = addActionAt(ps)
		case d.benefit, d.pay:
			// "可返还的优惠券" names a kind of coupon, not what this customer gets.
			c := newHitClause(s, h.Start, h.End)
			if d.negatedFrom(in, i, h.Start, h.Start, int32(c.startOf())) || asked(s, int(h.Start), int(h.End)) || strings.HasSuffix(s[:h.Start], "可") ||
				d.conditionedAt(in, i, &c) {
				continue
			}
			var p *promise
			ps, p = room(ps)
			*p = promise{kind: PromiseAmount, start: int(h.Start), end: int(h.End), days: -1}
			p.slot.setString(slotBenefit, s[h.Start:h.End])
			ce := c.endOf()
			v, ok := amountIn(s, c.startOf(), ce)
			// A benefit may state its sum a few clauses on ("应价保 [单价] *
			// [数量] = 5元"), within about twenty characters.
			for end := ce; !ok && h.Class == d.benefit && end < len(s) && end-ce < 64; {
				next := clauseEnd(s, end+1)
				v, ok = amountIn(s, end, next)
				end = next
			}
			if ok {
				p.slot.setValue(slotYuan, v)
				if f, isNum := v.(float64); isNum {
					p.amount = f
				}
			} else if h.Class == d.pay && !numberNext(s[h.End:]) {
				// Paying the customer counts only with an amount, or a
				// number right after the verb ("送您[数字x]京豆").
				continue
			}
			ps = ps[:len(ps)+1]
		case d.guarantee:
			var q *promise
			if ps, q = room(ps); d.assured(in, i, h, q) {
				ps = addActionAt(ps)
			}
		case d.timeW:
			if perMethod || covered(in, i, d.not, h.Start, h.End) {
				continue
			}
			var q *promise
			if ps, q = room(ps); d.timePromise(in, i, h, q) {
				ps = mergeTimeAt(ps)
			}
		}
	}
	return ps
}

// assured reads an assurance as a commitment, into *p (which it may
// write when it finds none): a guarantee word (一定, 保证, 肯定) followed
// in its clause, within eight characters, by an event the shop brings
// about ("一定是能送达的", "一定会尽全力配送的"). A negated or
// asked assurance ("不能保证", "一定能到吗") and one about a third party's
// step commit to nothing, and so does a courtesy ("一定尽心尽力为您处理",
// a promise_not phrase).
func (d *promiseDetector) assured(in *Input, i int, h KeywordHit, p *promise) bool {
	s := in.Norm[i]
	for _, e := range in.startingIn(i, h.End, h.End+24) {
		if e.Class != d.event || e.Start < h.End || e.Start-h.End > 24 || !sameClause(s, int(h.End), int(e.Start)) {
			continue
		}
		if d.negated(in, i, h.Start, e.Start) || negBefore(s[:h.Start]) || asked(s, int(h.Start), int(e.End)) || overlaps(in, i, d.not, h.Start, e.End) ||
			d.thirdParty(in, i, h.Start) || customerActs(s, int(h.Start)) {
			return false
		}
		d.fillAction(p, s, int(h.Start), e)
		return true
	}
	return false
}

// perMethod reports whether agent message i gives times for two or more
// different payment methods (promise_paymethod: "储蓄卡3-7个工作日, 信用卡是
// 3-15个工作日"): its times are then the refund timetable per method,
// recited as policy, not a time committed to this customer's order. A
// single method with a time ("白条支付3个工作日到账") is the customer's own
// and stays a commitment, and methods merely named ("退回到白条的银行卡")
// do not count.
func (d *promiseDetector) perMethod(in *Input, i int) bool {
	if !in.Has(i, d.payMethod) {
		return false
	}
	s := in.Norm[i]
	first := ""
	for _, h := range in.allHits(i) {
		if h.Class != d.payMethod || !numberSoon(s, int(h.End)) {
			continue
		}
		if m := s[h.Start:h.End]; first == "" {
			first = m
		} else if m != first {
			return true
		}
	}
	return false
}

// numberSoon reports whether a number follows pos within its clause and
// within ten characters: "储蓄卡支付退款到账周期是3-7个工作日" gives the
// method's time after a few words.
func numberSoon(s string, pos int) bool {
	end := min(clauseEnd(s, pos), len(s))
	for k, n := pos, 0; k < end && n <= 10; n++ {
		if numberNext(s[k:]) {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[k:])
		k += size
	}
	return false
}

// numberNext reports whether rest starts with a number, after at most a
// copula or a separator ("是", "需要", "支付", ":"): the time given for the
// payment method named just before.
func numberNext(rest string) bool {
	for range 2 {
		cut := false
		for _, w := range [...]string{"是", "需要", "支付", "的", ":", " ", ","} {
			if r, ok := strings.CutPrefix(rest, w); ok {
				rest, cut = r, true
				break
			}
		}
		if !cut {
			break
		}
	}
	if strings.HasPrefix(rest, "[数字x]") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	_, cn := cnDigit(r)
	return cn || r >= '0' && r <= '9'
}

// thirdParty reports whether the commitment at pos is made for an actor
// outside the agent's service (promise_third: 配送员, 系统会, 商家) named
// earlier in its clause, at most twelve characters before it. A third party
// that is the object of the agent's own step ("联系了商家已帮您处理",
// "和站点说一下") is no actor, and neither is a record the agent reads out
// ("系统显示预计5日送达", "页面显示"): the estimate is the agent's answer.
// The window counts a placeholder ([数字x]) as one character.
func (d *promiseDetector) thirdParty(in *Input, i int, pos int32) bool {
	if !in.may(i, d.third) {
		return false
	}
	return d.thirdPartyFrom(in, i, pos, int32(clauseStart(in.Norm[i], int(pos))))
}

// thirdPartyFrom is thirdParty for a caller that knows cs0, the start of
// the clause holding pos (clauseStart).
func (d *promiseDetector) thirdPartyFrom(in *Input, i int, pos, cs0 int32) bool {
	if !in.may(i, d.third) {
		return false
	}
	s := in.Norm[i]
	cs := max(cs0, int32(backChars(s, int(pos), 12)))
	for _, h := range in.startingIn(i, cs, pos) {
		if h.Class == d.third && h.Start >= cs && h.Start < pos && !d.objectOf(in, i, h.Start) && !strings.HasPrefix(s[h.End:], "显示") {
			return true
		}
	}
	return false
}

// objectOf reports whether the noun at start is the object of a verb or
// preposition right before it: an action word (联系, 通知) ending at most
// two characters before in the same clause, or 和/跟/与/给/让/向/找/问
// directly before.
func (d *promiseDetector) objectOf(in *Input, i int, start int32) bool {
	before := in.Norm[i][:start]
	for _, p := range [...]string{"和", "跟", "与", "给", "让", "向", "找", "问"} {
		if strings.HasSuffix(before, p) {
			return true
		}
	}
	if !in.may(i, d.action) {
		return false // no action word in the message: none before
	}
	for _, a := range in.near(i, start-6, start) {
		if a.Class == d.action && a.End <= start && start-a.End <= 6 && sameClause(in.Norm[i], int(a.End), int(start)) {
			return true
		}
	}
	return false
}

// timetableAt is timetable reading the bounds of the clause from h.Start
// to the later end of h and its event from c. The clause's end is read
// only once a condition is found: most time words have none.
func (d *promiseDetector) timetableAt(in *Input, i int, h KeywordHit, c *hitClause) bool {
	s := in.Norm[i]
	from := int32(-1)
	if in.may(i, d.condition) { // else no condition word is near
		for _, c := range in.near(i, h.Start-36, h.Start) {
			if c.Class == d.condition && c.End <= h.Start && h.Start-c.End <= 36 {
				from = c.Start
			}
		}
	}
	if from < 0 && unitWord(s[h.Start:h.End]) != "" {
		from = int32(afterEvent(s, max(c.startOf(), backChars(s, int(h.Start), 12)), int(h.Start)))
	}
	if from < 0 {
		return false
	}
	end := int32(c.endOf())
	for _, o := range in.near(i, from, end) {
		if o.Start >= from && o.End <= end && (o.Class == d.subject || o.Class == d.timeW && s[o.Start:o.End] == "预计") {
			return false
		}
	}
	return true
}

// afterEvent returns the offset of a verb + 后 ("上传后", "乘机后", "退回之后")
// in s[from:to], or -1: like the promise_condition words, it opens a
// timetable that runs from an event when a duration follows ("上传后3个工作日
// 审核"); "到货后立马发货" commits to the step itself, so timetable asks
// only for durations. Words in which 后 means something
// else (然后, 最后, 售后, 后天, 后期, 后续) do not count.
func afterEvent(s string, from, to int) int {
	seg := s[from:to]
	for k := len(seg); k > 0; {
		j := strings.LastIndex(seg[:k], "后")
		if j < 0 {
			return -1
		}
		k = j
		before, after := strings.TrimSuffix(seg[:j], "之"), seg[j+len("后"):]
		r, _ := utf8.DecodeLastRuneInString(before)
		if before == "" || strings.ContainsRune("然最售前随背落今以", r) || r < 0x4e00 {
			continue
		}
		n, _ := utf8.DecodeRuneInString(after)
		if strings.ContainsRune("天期续面台来", n) {
			continue
		}
		return from + j
	}
	return -1
}

// customerActs reports whether the phrase at start has the customer as its
// subject: "您" right before it, or before up to two adverbs that lead into
// it ("您已经申请过", "您已申请成功", "您之前已经联系过", "您这边尽快取消"), and not as the object
// of 帮/为/给/替/和/与 ("帮您已经…" names the shop as the actor).
func customerActs(s string, start int) bool {
	b := s[:start]
	for range 2 { // "您之前已经联系过"
		// Most texts end with none of the adverbs' last bytes: one bit
		// test skips the comparisons.
		if len(b) == 0 || customerAdvLast[b[len(b)-1]>>6]&(1<<(b[len(b)-1]&63)) == 0 {
			break
		}
		n := customerAdvEnding(b)
		if n == 0 {
			break
		}
		b = b[:len(b)-n]
	}
	// The last character (您 and 你 are both three bytes), then the one
	// before it, compared as three bytes each (a switch of constants),
	// where HasSuffix was called for each word.
	if len(b) < 3 {
		return false
	}
	switch b[len(b)-3:] {
	case "您", "你":
	default:
		return false
	}
	if b = b[:len(b)-3]; len(b) < 3 {
		return true
	}
	switch b[len(b)-3:] {
	case "帮", "为", "给", "替", "和", "与", "跟", "向":
		return false
	}
	return true
}

// customerAdvEnding returns the length of the word of customerAdvs that
// b ends with, 0 for none: the first of the list that does (no two can:
// none is a suffix of another), told by b's last two characters, then by
// its last.
// TestCustomerActsMatchesRef holds customerActs to the loop over the
// list.
func customerAdvEnding(b string) int {
	if len(b) >= 6 {
		switch b[len(b)-6:] {
		case "已经", "之前", "刚才", "刚刚", "这边":
			return 6
		}
	}
	if len(b) >= 3 {
		switch b[len(b)-3:] {
		case "已", "是", "都", "也":
			return 3
		}
	}
	return 0
}

// customerAdvs are the adverbs customerActs reads between 您 and the verb.
var customerAdvs = [...]string{"已经", "已", "是", "都", "之前", "刚才", "刚刚", "也", "这边"}

// customerAdvLast has bit b set for the last byte b of each of
// customerAdvs. Read-only once built.
var customerAdvLast = func() (set [4]uint64) {
	for _, adv := range customerAdvs {
		b := adv[len(adv)-1]
		set[b>>6] |= 1 << (b & 63)
	}
	return set
}()

// room returns ps with room for one more commitment past its length, and
// that element: extract's readers build a commitment there, in place (a
// promise is over 400 bytes; built by a callee and returned, it was
// cleared, copied out and copied in again, and a reader that found none
// cleared a whole one to return), and ps[:len(ps)+1] then keeps it.
func room(ps []promise) ([]promise, *promise) {
	if len(ps) == cap(ps) {
		ps = slices.Grow(ps, 1)
	}
	return ps, &ps[:len(ps)+1][len(ps)]
}

// addActionAt adds the action promise built at ps[len(ps)] (see room)
// unless the message already holds the same verb with the same object:
// "这边帮您联系站点" reaches 联系 from both 这边 and 帮您, and follow-up
// needs it once.
func addActionAt(ps []promise) []promise {
	p := &ps[:len(ps)+1][len(ps)]
	for k := range ps {
		if q := &ps[k]; q.end == p.end && q.slot.sameValue(&p.slot, slotVerb) && q.slot.sameValue(&p.slot, slotObject) {
			return ps
		}
	}
	return ps[:len(ps)+1]
}

// mergeTimeAt adds the time promise built at ps[len(ps)] (see room),
// folding it into the previous one when both read the same clause ("预计"
// + "3个工作日" + "寄出" is one commitment); a concrete day or duration
// replaces the bare "when".
func mergeTimeAt(ps []promise) []promise {
	n := len(ps)
	p := &ps[:n+1][n]
	if n > 0 && ps[n-1].kind == PromiseTime && ps[n-1].start == p.start {
		q := &ps[n-1]
		q.slot.merge(&p.slot)
		if p.days >= 0 && q.days < 0 {
			q.days = p.days
		}
		if q.slot.size() > 2 {
			q.slot.remove(slotWhen)
		}
		return ps
	}
	return ps[:n+1]
}

// asked reports whether the clause s[cs:ce] is a question ("到账了是吗",
// "差价5元对吗?", the tag question "返还10元的券是吧"): a time or amount asked
// about is not committed to.
func asked(s string, from, to int) bool {
	to = min(len(s), to+12) // the question word follows within four characters
	seg := s[from:to]
	if strings.Contains(seg, "吗") || strings.Contains(seg, "?") || strings.Contains(seg, "嘛") {
		return true
	}
	// A tag question may close the clause further on.
	clause := trimQuestion.trimRight(s[from:clauseEnd(s, to)])
	for _, tag := range [...]string{"是吧", "对吧", "是吗", "对吗"} {
		if strings.HasSuffix(clause, tag) {
			return true
		}
	}
	return false
}

// vagueAfter reports whether a future phrase that only names the customer
// as beneficiary ("会为您", "会给您", "会帮您") is followed by 处理 or 解决
// ("小妹都会为您处理的"): that names no step the customer can hold the shop
// to, which is why 处理 is no promise_action either. "告知您处理结果" names
// its step, 告知.
func vagueAfter(phrase, after string) bool {
	switch phrase {
	case "会为您", "会给您", "会帮您":
		return strings.HasPrefix(after, "处理") || strings.HasPrefix(after, "解决")
	}
	return false
}

// timeNext reports whether a time follows at byte pos of message i: a
// number or placeholder ("会在[数字x]个工作日内", "会在3天内") or a time word
// (今天, 明天). "会在" names when only then; "京东会在全国范围内推行",
// "会在订单详情里显示" and "会在订单完成后开具" name a place or a condition,
// which commits the shop to nothing. Before an actor word ("会在给您处理")
// 在 is the common slip for 再 (again), and the step is committed.
func (d *promiseDetector) timeNext(in *Input, i int, pos int32) bool {
	if numberNext(in.Norm[i][pos:]) {
		return true
	}
	if !in.may(i, d.timeW) && !in.may(i, d.subject) {
		return false // neither class in the message: none at pos
	}
	for _, h := range in.startingIn(i, pos, pos) {
		if (h.Class == d.timeW || h.Class == d.subject) && h.Start == pos {
			return true
		}
	}
	return false
}

// negBefore reports whether the text before a verb ends with a bare
// negation (不, 没, 别: "就不联系您了", "没取消") or 请, which makes the verb a
// request to the customer ("请告知小妹"). promise_neg holds the longer forms;
// a single character is only safe right before the verb.
func negBefore(before string) bool {
	// Each word ends with its own last byte (不 8D, 没 A1, 别 AB, 请 B7):
	// a text ending with none of them (most do) ends with no word.
	if n := len(before); n < 3 || before[n-1] != 0x8D && before[n-1] != 0xA1 && before[n-1] != 0xAB && before[n-1] != 0xB7 {
		return false
	}
	for _, w := range [...]string{"不", "没", "别"} {
		if strings.HasSuffix(before, w) {
			return true
		}
	}
	return strings.HasSuffix(before, "请") && !strings.HasSuffix(before, "申请")
}

// modifies reports whether the text after a verb makes the verb phrase a
// modifier of a noun ("给您开具的是电子发票", "在给您配送的路上"): it names
// what was or is being done, not a step committed. A final 的 ("会给您退款
// 的哦") keeps the commitment.
func modifies(after string) bool {
	rest, ok := strings.CutPrefix(after, "的")
	if !ok {
		return false
	}
	if rest == "" || isClauseBreak(rest[0]) || strings.HasPrefix(rest, "[") {
		return false
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return !strings.ContainsRune("哦呢哈啦了吧呀哟啊亲嘛噢喔滴哒", r)
}

// negBetween reports whether the words between an actor and its verb hold
// a bare negation (不, 没, 未: "这边不直接参与配送", "这边没有给您申请"):
// promise_neg lists the longer forms, but between actor and verb any of
// them denies the step.
func negBetween(mid string) bool {
	return strings.Contains(mid, "不") || strings.Contains(mid, "没") || strings.Contains(mid, "未")
}

// cannotAfter reports whether the text after a verb denies it with a
// potential complement ("取消不了", "改不到", "退不成").
func cannotAfter(after string) bool {
	return strings.HasPrefix(after, "不了") || strings.HasPrefix(after, "不到") || strings.HasPrefix(after, "不成")
}

// askHeadWords are the words askedActionIn looks for in the clause
// before an action (its head): 是否 and 要不要 ask, 还是 may.
var askHeadWords = [...]string{"是否", "要不要", "还是"}

// askedActionIn is askedAction for a caller that knows the clause around
// start and end: cs = clauseStart(s, start), ce = clauseEnd(s, end).
// heads is false when s holds none of askHeadWords (the presence bits of
// promiseDetector.askHead say so for a message): the head is then not
// searched for them, three searches of strings.Index for every action
// asked about (TestAskHead holds the shortcut to searching).
func askedActionIn(s string, start, end, cs, ce int, heads bool) bool {
	if heads {
		head := s[cs:start]
		if strings.Contains(head, "是否") || strings.Contains(head, "要不要") {
			return true
		}
		// 还是 asks for a choice only in a question ("是短信通知您, 还是电话告知
		// 您呢"); "还是希望您再等等" is "still".
		if strings.Contains(head, "还是") && questionEnds(s[cs:ce], s[ce:]) {
			return true
		}
	}
	if next := s[min(ce+1, len(s)):]; strings.HasPrefix(next, "还是") {
		if ne := clauseEnd(next, 0); questionEnds(next[:ne], next[ne:]) {
			return true
		}
	}
	// The question word must close the action's own clause within six
	// characters: normalizing drops "~ " between Chinese characters, so a
	// closing "请问还有什么可以帮您的吗?" may run on in the same clause.
	if ce-end > 18 {
		return false
	}
	// A vocative or quote after the particle ("联系您了么亲") still closes
	// the question.
	tail := trimAsked.trimRight(s[end:ce])
	q := ce < len(s) && s[ce] == '?'
	for _, p := range [...]string{"吗", "么", "嘛"} {
		if t, ok := strings.CutSuffix(tail, p); ok {
			tail, q = t, true
			break
		}
	}
	if !q {
		return false
	}
	for _, consent := range [...]string{"可以", "好", "行", "对", "可否"} {
		if strings.HasSuffix(tail, consent) {
			return false
		}
	}
	return true
}

// questionEnds reports whether clause, followed by rest, ends as a question:
// with 吗/么/嘛/呢 or a question mark.
func questionEnds(clause, rest string) bool {
	if strings.HasPrefix(rest, "?") {
		return true
	}
	clause = trimEnds.trimRight(clause)
	for _, p := range [...]string{"吗", "么", "嘛", "呢"} {
		if strings.HasSuffix(clause, p) {
			return true
		}
	}
	return false
}

// actionPromise builds an action commitment: the verb and the words after
// it up to the end of the clause (at most 8 characters) as its object.
func (d *promiseDetector) actionPromise(s string, start int, verb KeywordHit) promise {
	var p promise
	d.fillAction(&p, s, start, verb)
	return p
}

// fillAction writes actionPromise(s, start, verb) to *p.
func (d *promiseDetector) fillAction(p *promise, s string, start int, verb KeywordHit) {
	c := newHitClause(s, int32(start), verb.End)
	d.fillActionAt(p, s, verb, &c)
}

// objectCut is the object of an action, the words after its verb, cut
// to at most 8 characters as `for range` counts them: text.RuneOffset
// steps over runs of Chinese two characters at a time, where the loop it
// replaced (objectCutRef in the tests, which hold the two together)
// called utf8.DecodeRuneInString for each character.
func objectCut(obj string) string { return obj[:text.RuneOffset(obj, 8)] }

// fillActionAt is fillAction from c.start, c.end being verb.End, reading
// the clause's bounds from c.
func (d *promiseDetector) fillActionAt(p *promise, s string, verb KeywordHit, c *hitClause) {
	start := c.start
	end := c.endOf()
	obj := objectCut(s[verb.End:end])
	*p = promise{kind: PromiseAction, start: start, end: end, days: -1}
	p.slot.setString(slotVerb, s[verb.Start:verb.End])
	p.slot.setString(slotObject, trimObject.trimRight(obj))
	if v, ok := amountIn(s, c.startOf(), end); ok { // 给您补偿5元
		p.kind = PromiseAmount
		p.slot.setValue(slotYuan, v)
		if f, isNum := v.(float64); isNum {
			p.amount = f
			p.slot.setString(slotBenefit, s[verb.Start:verb.End])
		}
	}
}

// dayWord returns how many days after the message a relative day word
// means (今天 0, 明天 1, 后天 2, 大后天 3).
func dayWord(w string) (int, bool) {
	switch w {
	case "今天", "今日", "当天", "今晚", "今明":
		return 0, true
	case "明天", "明日", "明晚":
		return 1, true
	case "后天":
		return 2, true
	case "大后天":
		return 3, true
	}
	return 0, false
}

// unitWord returns the slot key a duration word fills; a number must come
// right before it.
func unitWord(w string) string {
	switch w {
	case "小时", "个小时", "小时内", "小时之内", "h内":
		return "within_hours"
	case "工作日", "个工作日":
		return "within_workdays"
	case "天内", "天左右", "天":
		return "within_days"
	case "周", "周内":
		return "within_weeks"
	}
	return ""
}

// timePromise reads a time commitment at hit h into *p (which it may
// write when it finds none): the time word must share a clause with an
// event word (送达, 发货, 到账, 回电) and not be negated.
func (d *promiseDetector) timePromise(in *Input, i int, h KeywordHit, p *promise) bool {
	s := in.Norm[i]
	w := s[h.Start:h.End]
	// The bounds of the time word's clause, worked out once they are
	// needed: most time words without an event in their message and no
	// estimate before them commit to nothing, and need none.
	var cs, ce int32
	bounded := false
	var ev KeywordHit
	found := false
	// The loop finds only an event hit: a message without one (many
	// time words stand without) skips its walk by one test.
	if in.mayAny(i, &d.eventGate) {
		cs, ce, bounded = int32(clauseStart(s, int(h.Start))), int32(clauseEnd(s, int(h.End))), true
		for _, e := range in.near(i, h.Start-24, ce) {
			if e.Class == d.event && e.Start >= cs && e.End <= ce && e.Start-h.End <= 24 && h.Start-e.End <= 24 &&
				!namesTime(s[e.End:]) && !strings.HasPrefix(s[e.End:], "中") && !(e.End <= h.Start && onlyNumber(s[e.End:h.Start]) && unitWord(w) != "") {
				ev, found = e, true
				break
			}
		}
	}
	if !found && w != "预计" && w != "最快" {
		// "预计3个工作日", "最快是明天": the estimate itself is the commitment.
		// So is a number of working days ("一个工作日", "一般3-5个工作日"):
		// only the shop's own processing is counted in them, and it is how
		// agents answer "多久".
		if unitWord(w) == "within_workdays" {
			ev, found = KeywordHit{Class: d.event, Start: h.Start, End: h.End}, true
		}
		for _, e := range in.near(i, h.Start-24, h.Start) {
			if e.Class != d.timeW || e.End > h.Start || h.Start-e.End > 24 {
				continue
			}
			if !bounded {
				cs, ce, bounded = int32(clauseStart(s, int(h.Start))), int32(clauseEnd(s, int(h.End))), true
			}
			if e.Start >= cs {
				if m := s[e.Start:e.End]; m == "预计" || m == "最快" {
					ev, found = KeywordHit{Class: d.event, Start: h.Start, End: h.End}, true
				}
			}
		}
	}
	// A negation or hedge between the time and its event ("今天可能到不了")
	// undoes it as much as one before the time, and a lookup between them
	// ("马上为您查询处理") makes the time the pace of the lookup, a holding
	// phrase.
	if !found {
		return false
	}
	if !bounded {
		cs, ce = int32(clauseStart(s, int(h.Start))), int32(clauseEnd(s, int(h.End)))
	}
	// The checks below read the clauses of offsets between the time word
	// and its event, which lie in [cs, ce] (the event's loop above and
	// the estimate's own span keep them there): clauseStartFrom and
	// clauseEndFrom take cs and ce rather than scan the clause again.
	from, to := int(min(h.Start, ev.Start)), int(max(h.End, ev.End))
	csFrom := func() int { return clauseStartFrom(s, int(h.Start), int(cs), from) }
	tc := newHitClause(s, h.Start, int32(to)) // timetable's clause, and askedAction's end
	tc.cs, tc.hintPos, tc.hintCE = int(cs), int(h.End), int(ce)
	if d.negatedFrom(in, i, h.Start, max(h.End, ev.Start), cs) || ev.Start > h.End && d.lookupIn(in, i, h.End, ev.Start) || asked(s, from, to) ||
		askedActionIn(s, from, to, csFrom(), tc.endOf(), in.may(i, d.askHead)) || ev.Start > h.Start && negBefore(s[:ev.Start]) ||
		d.thirdPartyFrom(in, i, h.Start, cs) || d.thirdParty(in, i, ev.Start) || d.timetableAt(in, i, h, &tc) || hasIn(in, i, d.ifWord, csFrom(), from) {
		return false
	}
	*p = promise{kind: PromiseTime, start: int(cs), end: int(ce), days: -1,
		event: eventCategory(s[ev.Start:ev.End])}
	p.slot.setString(slotEvent, s[ev.Start:ev.End])
	days, isDay := dayWord(w)
	switch {
	case isDay:
		p.days = days
		p.slot.setValue(slotDays, p.days)
	case unitWord(w) != "":
		n := numberBefore(s, int(h.Start))
		// "[数字x]天后可以维修" names when a right starts, not how long
		// the shop takes, and "会延迟[数字x]天到货" how much later something
		// comes.
		if n == nil || w == "天" && (strings.HasPrefix(s[h.End:], "后") || strings.HasPrefix(s[h.End:], "以后") || strings.HasPrefix(s[h.End:], "之后") ||
			delayBefore(s, int(h.Start))) {
			return false
		}
		k, _ := slotKeyOf(unitWord(w))
		p.slot.setValue(k, n)
	case strings.HasSuffix(w, "号") && addressNumber(s, int(h.Start), int(h.End)):
		return false
	case strings.HasSuffix(w, "号") || strings.HasSuffix(w, "日") || strings.HasSuffix(w, "点") || strings.HasSuffix(w, "点左右") || w == "[日期x]" || strings.HasSuffix(w, "号前"):
		// Up to four characters before the day word ("[数字x]月[数字x]日"),
		// cut on character boundaries.
		b := max(int(cs), backChars(s, int(h.Start), 4))
		p.slot.setString(slotDate, s[b:h.End])
	default: // 预计, 最快, 尽快, 下午 …
		p.slot.setString(slotWhen, w)
	}
	return true
}

// addressNumber reports whether the "[数字x]号" at [start, end) is a house
// number, not a day: an address word (路, 小区, 栋 …) a few characters
// before it ("莲花小区B[数字x]-[数字x]号", "大红门路[数字x]号院") or a building
// word right after it.
func addressNumber(s string, start, end int) bool {
	before := s[max(backChars(s, start, 8), clauseStart(s, start)):start]
	for _, w := range [...]string{"路", "街", "巷", "弄", "村", "小区", "大厦", "栋", "楼", "单元"} {
		if strings.Contains(before, w) {
			return true
		}
	}
	r, _ := utf8.DecodeRuneInString(s[end:])
	return strings.ContainsRune("院楼室门栋", r)
}

// delayBefore reports whether the number before a duration unit at pos
// follows a word of delay (延迟, 推迟, 延后, 晚): the duration is how much
// later something happens, not a time the shop commits to.
func delayBefore(s string, pos int) bool {
	b := s[:backChars(s, pos, 1)]
	// A range ("[数字x]-[数字x]天") has a second number before the first.
	// Only the last three bytes can hold it: look no further back.
	if lo := max(0, len(b)-3); strings.ContainsAny(b[lo:], "-~到至") {
		k := lo + strings.LastIndexAny(b[lo:], "-~到至")
		b = s[:backChars(s, k, 1)]
	}
	for _, w := range [...]string{"延迟", "推迟", "延后", "晚"} {
		if strings.HasSuffix(b, w) {
			return true
		}
	}
	return false
}

// lookupIn reports whether a lookup phrase (a promise_not word naming a
// search: 为您查询, 帮您核实) overlaps [from,to) of message i.
func (d *promiseDetector) lookupIn(in *Input, i int, from, to int32) bool {
	if !in.may(i, d.not) {
		return false // no promise_not phrase in the message: none between
	}
	s := in.Norm[i]
	for _, h := range in.touching(i, from, to) {
		if h.Class == d.not && h.Start < to && h.End > from {
			if m := s[h.Start:h.End]; strings.Contains(m, "查") || strings.Contains(m, "核实") {
				return true
			}
		}
	}
	return false
}

// namedTime reports whether the time word at hit t names a time by itself:
// a duration unit (天, 小时, 工作日) does only after a number, so "聊天记录"
// and "每天" name none.
func namedTime(s string, t KeywordHit) bool {
	return unitWord(s[t.Start:t.End]) == "" || numberBefore(s, int(t.Start)) != nil
}

// onlyNumber reports whether s is nothing but a number or range ("3",
// "[数字x]-[数字x]", "三到五个"): an event right before a duration made of it
// ("订单完成7天内", "完成[数字x]小时后") is where the duration starts, not
// what it promises.
func onlyNumber(s string) bool {
	if s == "" {
		return false
	}
next:
	for len(s) > 0 {
		for _, p := range placeholders {
			if rest, ok := strings.CutPrefix(s, p); ok {
				s = rest
				continue next
			}
		}
		r, size := utf8.DecodeRuneInString(s)
		if _, cn := cnDigit(r); !cn && (r < '0' || r > '9') && !strings.ContainsRune("-~到至个", r) {
			return false
		}
		s = s[size:]
	}
	return true
}

// namesTime reports whether the text after an event word makes it the name
// of a time ("预计送货时间", "页面显示的是预计到达时间") rather than the event
// promised; "到账时间3个工作日" still gives the time.
func namesTime(after string) bool {
	rest, ok := strings.CutPrefix(after, "时间")
	if !ok {
		return false
	}
	return rest == "" || !(rest[0] == '[' || rest[0] >= '0' && rest[0] <= '9' ||
		strings.HasPrefix(rest, "是") || strings.HasPrefix(rest, "为") || strings.HasPrefix(rest, "在"))
}

// eventCategory groups event words so that two time commitments about the
// same thing can be compared.
func eventCategory(e string) string {
	switch e {
	case "发货", "发出", "寄出", "寄过去", "出库":
		return "ship"
	case "送达", "送到", "到达", "到货", "配送", "派送", "送货", "给您送", "上门", "能到":
		return "deliver"
	case "到账", "退款", "退回", "返还":
		return "refund"
	case "回电", "回复", "联系", "短信", "答复":
		return "contact"
	}
	return "other"
}

// amountIn finds an amount of money in s[from:to]: a number or placeholder
// before 元/块, or a [金额x] placeholder.
func amountIn(s string, from, to int) (any, bool) {
	seg := s[from:to]
	for _, unit := range []string{"元", "块"} {
		if k := indexByLast(seg, unit); k >= 0 {
			if v := numberBefore(s, from+k); v != nil {
				if n, ok := v.(int); ok {
					return float64(n), true
				}
				return v, true
			}
		}
	}
	if containsByLast(seg, "[金额x]") {
		return "[金额x]", true
	}
	return nil, false
}

// report writes promise.made (and promise.over_policy) for message i;
// score is the learned probability written as the "p" field of Data, or negative when
// none was computed (English messages).
func (d *promiseDetector) report(in *Input, i int, ps []promise, score float32, out *Output) {
	fi := 0
	for k := range ps { // a time or amount is more specific than an action
		if ps[k].kind != PromiseAction && ps[fi].kind == PromiseAction {
			fi = k
		}
	}
	first := &ps[fi]
	// One piece of the slab holds the finding's fields (kind, p, promises,
	// slot, keys in order), the first commitment's slot and, for several,
	// each commitment's kind and slot and the others' slots.
	nd := 2
	if score >= 0 {
		nd++
	}
	n := nd + first.slot.size()
	if len(ps) > 1 {
		nd++
		n++
		for k := range ps {
			n += 2
			if k != fi {
				n += ps[k].slot.size()
			}
		}
	}
	fs := out.data(n)
	data, rest := conversation.Data(fs[:0:nd]), fs[nd:]
	slot := first.slot.toData(rest, d.words)
	rest = rest[first.slot.size():]
	data = append(data, conversation.Field{Key: "kind", Value: kindValue(first.kind)})
	if score >= 0 {
		data = append(data, conversation.Field{Key: "p", Value: pValue(score)})
	}
	if len(ps) > 1 { // every commitment of the message, for follow-up
		all := make([]conversation.Data, len(ps))
		for k := range ps {
			sm := slot // the first commitment's slot is written once
			if k != fi {
				sm = ps[k].slot.toData(rest, d.words)
				rest = rest[ps[k].slot.size():]
			}
			all[k] = conversation.Data(rest[:2:2]) // keys in order
			all[k][0] = conversation.Field{Key: "kind", Value: kindValue(ps[k].kind)}
			all[k][1] = conversation.Field{Key: "slot", Value: sm}
			rest = rest[2:]
		}
		data = append(data, conversation.Field{Key: "promises", Value: all})
	}
	data = append(data, conversation.Field{Key: "slot", Value: slot})
	s := in.Norm[i]
	out.Add(conversation.Finding{Code: "promise.made", Severity: conversation.SeverityInfo,
		Messages: out.msgs(i), Evidence: quote(s[first.start:first.end]),
		Detail: commitDetail(first.kind), Data: data})
	d.overPolicyFinding(in, i, ps, out)
}

// overPolicyFinding writes promise.over_policy for message i when the
// rules' commitments ps go beyond the shop policy, whatever the learned
// score said of promise.made.
func (d *promiseDetector) overPolicyFinding(in *Input, i int, ps []promise, out *Output) {
	if why := d.overPolicy(in, i, ps); why != "" {
		out.Add(conversation.Finding{Code: "promise.over_policy", Severity: conversation.SeverityMedium,
			Messages: out.msgs(i), Evidence: quote(in.Conv.Messages[i].Text), Detail: why})
	}
}

// overPolicy returns why the commitments of message i go beyond the shop
// policy, or "".
func (d *promiseDetector) overPolicy(in *Input, i int, ps []promise) string {
	s := in.Norm[i]
	if h, ok := in.First(i, d.never); ok {
		return fmt.Sprintf("agents may never promise %q", s[h.Start:h.End])
	}
	for k := range ps {
		p := &ps[k]
		switch p.kind {
		case PromiseTime:
			// Couriers decide delivery and shipping dates, so only those may
			// not be guaranteed; "24小时内一定给您答复" is the shop's own call.
			for _, g := range in.near(i, int32(p.start-1), int32(p.end+1)) {
				if p.event != "ship" && p.event != "deliver" {
					break
				}
				if g.Class == d.guarantee && sameClause(s, int(g.Start), p.start) && int(g.Start) >= p.start-1 && int(g.End) <= p.end+1 {
					return fmt.Sprintf("a guaranteed date (%q) is never to be promised", s[g.Start:g.End])
				}
			}
			if p.event == "ship" && d.cfg.MaxShipDays > 0 {
				if n := shipDays(&p.slot); n > d.cfg.MaxShipDays {
					return fmt.Sprintf("shipping promised in %d days, policy allows at most %d", n, d.cfg.MaxShipDays)
				}
			}
		case PromiseAmount:
			if p.amount > d.cfg.MaxCompensationYuan && d.cfg.MaxCompensationYuan > 0 && isCompensation(&p.slot) {
				return fmt.Sprintf("compensation of %.0f yuan exceeds the %.0f yuan an agent may grant", p.amount, d.cfg.MaxCompensationYuan)
			}
		}
	}
	if d.cfg.ReturnWindowDays > 0 {
		if n := returnDays(s); n > d.cfg.ReturnWindowDays {
			return fmt.Sprintf("return allowed after %d days, policy window is %d days", n, d.cfg.ReturnWindowDays)
		}
	}
	return ""
}

// isCompensation reports whether a commitment's benefit is money for the
// customer's trouble (补偿, 赔偿, 红包), which the policy caps.
func isCompensation(slot *promiseSlot) bool {
	b, _ := slot.stringOf(slotBenefit)
	return b == "补偿" || b == "赔偿" || b == "红包"
}

// shipDays converts a numeric duration slot to days (0 when unknown).
func shipDays(slot *promiseSlot) int {
	for _, u := range [...]struct {
		key slotKey
		per int
	}{{slotWithinDays, 1}, {slotWithinWorkdays, 1}, {slotWithinWeeks, 7}} {
		if n, ok := slot.intOf(u.key); ok {
			return n * u.per
		}
	}
	return 0
}

// returnDays finds "N天内…退" / "N天…可以退" in an agent message: a return
// allowed within N days. It returns 0 when there is none or N is unknown.
func returnDays(s string) int {
	k := indexByLast(s, "天")
	if k < 0 || !containsByLast(s, "退") || containsByLast(s, "不支持") || containsByLast(s, "不能") {
		return 0
	}
	if !containsByLast(s, "可以退") && !containsByLast(s, "给您退") && !containsByLast(s, "帮您退") {
		return 0
	}
	if n, ok := numberBefore(s, k).(int); ok {
		return n
	}
	return 0
}

// kindPhrase names a promise kind in a finding's detail.
// kindValue is kind as an interface value: the known kinds convert from
// constants, which allocates nothing, where a variable's string is copied
// to the heap for every promise.made.
func kindValue(kind string) any {
	switch kind {
	case PromiseTime:
		return PromiseTime
	case PromiseAmount:
		return PromiseAmount
	case PromiseAction:
		return PromiseAction
	}
	return kind
}

// commitDetail is promise.made's detail, "agent commits to " +
// kindPhrase(kind), a constant for the known kinds.
func commitDetail(kind string) string {
	switch kind {
	case PromiseAmount:
		return "agent commits to an amount or benefit"
	case PromiseAction:
		return "agent commits to an action"
	case PromiseTime:
		return "agent commits to a time"
	}
	return "agent commits to " + kindPhrase(kind)
}

func kindPhrase(kind string) string {
	switch kind {
	case "amount":
		return "an amount or benefit"
	case "action":
		return "an action"
	case "time":
		return "a time"
	}
	return "a " + kind
}
