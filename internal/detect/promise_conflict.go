package detect

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"fullqa/internal/conversation"
)

// PolicyConfig is the shop policy that promises are checked against
// (promise.over_policy). The defaults are a cautious shop's rules; a shop
// sets its own in the config file.
type PolicyConfig struct {
	// MaxCompensationYuan is the largest compensation (补偿, 赔偿, 红包) an
	// agent may grant on their own, in yuan. Default 20: beyond that, shops
	// usually require a supervisor's approval. 0 turns the check off.
	MaxCompensationYuan float64 `yaml:"max_compensation_yuan"`
	// ReturnWindowDays is the return window an agent may promise, in days.
	// Default 7, the platforms' 7天无理由退货. 0 turns the check off.
	ReturnWindowDays int `yaml:"return_window_days"`
	// MaxShipDays is the longest shipping time (发货, 寄出) an agent may
	// promise, in days. Default 3: the platforms fine late shipping after
	// 72 hours for ordinary goods. 0 turns the check off.
	MaxShipDays int `yaml:"max_ship_days"`
	// GuaranteeWords may never be attached to a delivery or shipping date,
	// because couriers, not the shop, decide it (一定明天到, 保证今天发).
	// They are added to the built-in list promise_guarantee.
	GuaranteeWords []string `yaml:"guarantee_words"`
	// NeverPromise lists phrases an agent may never say at all, whatever
	// the context. Default: 保证明天到, 保证今天到, 保证送到, 一定送到.
	NeverPromise []string `yaml:"never_promise"`
}

// DefaultPolicyConfig returns the defaults documented on PolicyConfig.
func DefaultPolicyConfig() PolicyConfig {
	return PolicyConfig{MaxCompensationYuan: 20, ReturnWindowDays: 7, MaxShipDays: 3,
		NeverPromise: []string{"保证明天到", "保证今天到", "保证送到", "一定送到"}}
}

// Validate checks that no limit is negative.
func (c PolicyConfig) Validate() error {
	if c.MaxCompensationYuan < 0 || c.ReturnWindowDays < 0 || c.MaxShipDays < 0 {
		return errors.New("policy: max_compensation_yuan, return_window_days and max_ship_days must not be negative")
	}
	return nil
}

// conflictState remembers, across one conversation, the agent's earlier
// commitments and statements that a later one may contradict.
type conflictState struct {
	lastPromise int // last agent message with a promise, -1 when none
	lastAgent   int // last agent message, -1 when none
	// dayOf is the first relative-day promise of each event category
	// it is kept for (shipping, delivery: see dayEvent).
	dayOf    [2]at
	dayOfSet [2]bool
	amountAt at                // first numeric compensation amount
	promised firstMsgs[string] // action verb → first agent message promising it
	canAt    firstMsgs[byte]   // object → first "can" statement
	cannotAt firstMsgs[byte]   // object → first "cannot" statement
	reported bool
	// asked is a customer message that asks back an earlier statement
	// ("不是说今天送达吗?"), -1 when none: it reports a broken promise unless
	// the agent's next message confirms the statement still holds.
	asked, askedFirst int
}

// at is a value stated in a message.
type at struct {
	msg int
	val float64
}

// dayEvent is the place in conflictState.dayOf of event category e, ship
// or deliver (the only ones whose days are compared).
func dayEvent(e string) int {
	if e == "ship" {
		return 0
	}
	return 1
}

// firstMsgInline is how many keys a firstMsgs holds in place: a
// conversation commits to a handful of verbs and says what can be done
// about fewer objects.
const firstMsgInline = 8

// firstMsgs maps a key (a verb, an object's byte) to the first message
// that stated it. The first keys are kept in place, in the conflict state
// on Inspect's stack, and only a conversation with more spills to a map:
// a map per conversation that commits to a step was most of the conflict
// checks' allocations. The zero value is empty.
type firstMsgs[K comparable] struct {
	n    int
	key  [firstMsgInline]K
	msg  [firstMsgInline]int
	more map[K]int // the keys past the first firstMsgInline
}

// get returns the first message that stated k.
func (t *firstMsgs[K]) get(k K) (int, bool) {
	for j := range min(t.n, firstMsgInline) {
		if t.key[j] == k {
			return t.msg[j], true
		}
	}
	if t.n > firstMsgInline {
		m, ok := t.more[k]
		return m, ok
	}
	return 0, false
}

// add records message i as stating k unless an earlier one did.
func (t *firstMsgs[K]) add(k K, i int) {
	if _, ok := t.get(k); ok {
		return
	}
	if t.n < firstMsgInline {
		t.key[t.n], t.msg[t.n] = k, i
	} else {
		if t.more == nil {
			t.more = map[K]int{}
		}
		t.more[k] = i
	}
	t.n++
}

func (st *conflictState) init() {
	st.lastPromise = -1
	st.lastAgent = -1
	st.asked = -1
	st.amountAt.msg = -1
}

// agentFacts records what agent message i states and reports a conflict
// when it contradicts an earlier statement of the conversation.
func (d *promiseDetector) agentFacts(in *Input, i int, ps []promise, st *conflictState, out *Output) {
	prev := st.lastAgent
	st.lastAgent = i
	if st.asked >= 0 {
		a, first := st.asked, st.askedFirst
		st.asked = -1
		if !affirms(in.Norm[i]) {
			d.conflict(in, first, a, brokenDetail, st, out)
		}
	}
	if st.reported {
		return
	}
	// "不好意思看错了": the agent takes back what it said before.
	if prev >= 0 && in.Has(i, d.correction) {
		d.conflict(in, prev, i, "the agent takes back an earlier statement", st, out)
		return
	}
	for k := range ps {
		switch p := &ps[k]; {
		case p.kind == PromiseTime && p.days >= 0 && (p.event == "ship" || p.event == "deliver"):
			e := dayEvent(p.event)
			prev, ok := st.dayOf[e], st.dayOfSet[e]
			if !ok {
				st.dayOf[e], st.dayOfSet[e] = at{i, float64(p.days)}, true
			} else if prev.msg != i && prev.val != float64(p.days) && d.sameDay(in, prev.msg, i) {
				d.conflict(in, prev.msg, i, "the agent moved a promised date", st, out)
				return
			}
		case p.kind == PromiseAmount && p.amount > 0 && isCompensation(&p.slot):
			if st.amountAt.msg < 0 {
				st.amountAt = at{i, p.amount}
			} else if st.amountAt.val != p.amount {
				d.conflict(in, st.amountAt.msg, i, fmt.Sprintf("compensation changed from %.0f to %.0f yuan", st.amountAt.val, p.amount), st, out)
				return
			}
		}
	}
	if d.undoesStep(in, i, ps, st, out) {
		return
	}
	if !in.mayAny(i, &d.canGate) { // neither can nor cannot
		return
	}
	s := in.Norm[i]
	for _, h := range in.allHits(i) {
		if h.Class != d.can && h.Class != d.cannot {
			continue
		}
		obj := s[h.End-1] // last byte of the final character names the object
		mine, other := &st.canAt, &st.cannotAt
		if h.Class == d.cannot {
			mine, other = &st.cannotAt, &st.canAt
		} else if covered(in, i, d.cannot, h.Start, h.End) || d.negated(in, i, h.Start, h.Start) ||
			strings.HasSuffix(s[:h.Start], "才") || restricts(s[:h.Start]) {
			// "订单完成之后才可以修改" is a condition, and "只能换开这四个,
			// 这四个可以换开" a restriction, which a later or earlier
			// "无法修改" restates rather than contradicts.
			continue
		}
		if prev, ok := other.get(obj); ok && prev != i {
			d.conflict(in, prev, i, "the agent first said "+polarity(h.Class == d.cannot)+" it can be done, now the opposite", st, out)
			return
		}
		mine.add(obj, i)
	}
}

// restricts reports whether the agent's message before a "can" limits what
// can be done (只能, 只可以, 仅支持): the "can" is then the exception a
// refusal leaves, not a reversal of it.
func restricts(before string) bool {
	return containsAny(before, []string{"只能", "只可以", "仅能", "仅可以", "仅支持", "只支持"})
}

// undoesStep reports (and records) a step the agent committed to earlier
// in the conversation ("稍等我这边帮您提交") that agent message i now says
// cannot be done ("这边我帮您提交不了", "无法提交"), and otherwise records
// the action verbs message i commits to.
func (d *promiseDetector) undoesStep(in *Input, i int, ps []promise, st *conflictState, out *Output) bool {
	s := in.Norm[i]
	if st.promised.n > 0 && in.may(i, d.action) {
		busy := -1 // busyEnd(s), found when a promised verb is denied
		for _, a := range in.allHits(i) {
			if a.Class != d.action {
				continue
			}
			first, ok := st.promised.get(s[a.Start:a.End])
			if !ok || first == i {
				continue
			}
			if cannotDo(s, a, &busy) {
				d.conflict(in, first, i, "the agent committed to a step, now says it cannot be done", st, out)
				return true
			}
		}
	}
	for k := range ps {
		p := &ps[k]
		if p.kind != PromiseAction {
			continue
		}
		for _, a := range in.near(i, int32(p.start), int32(p.end)) {
			if a.Class == d.action && int(a.Start) >= p.start && int(a.End) <= p.end {
				st.promised.add(s[a.Start:a.End], i)
			}
		}
	}
	return false
}

// cannotDo reports whether the verb at hit a is denied as impossible now:
// a potential complement after it ("提交不了", "改不了") or a can't word
// right before it, an actor word allowed between ("无法为您修改", "不能取消").
// A clause that explains the past ("之前是因为系统无法申请") refuses nothing now.
// *busy is busyEnd(s), or -1 until it is needed: most verbs are not
// denied, and for them neither the past nor the staff shortage is read.
func cannotDo(s string, a KeywordHit, busy *int) bool {
	if !deniedAt(s, a) || containsAny(s[clauseStart(s, int(a.Start)):a.Start], []string{"之前", "以前", "刚才", "当时", "因为"}) {
		return false
	}
	// "专员占线比较严重, 无法转接": a step that failed for want of
	// staff, said with the reason, is an honest report, not a reversal.
	if *busy < 0 {
		*busy = busyEnd(s)
	}
	return *busy > int(a.Start)
}

// deniedAt reports whether the verb at hit a has a potential complement
// after it or a can't word before it (see cannotDo).
func deniedAt(s string, a KeywordHit) bool {
	if cannotAfter(s[a.End:]) {
		return true
	}
	b := s[:a.Start]
	for _, p := range [...]string{"为您", "给您", "帮您", "再", "直接"} {
		if r, ok := strings.CutSuffix(b, p); ok {
			b = r
			break
		}
	}
	for _, w := range [...]string{"不能", "无法", "没法", "没办法", "不可以", "不支持"} {
		if strings.HasSuffix(b, w) {
			return true
		}
	}
	return false
}

// busyEnd returns where the first word of staff shortage (占线, 排队, 下班)
// ends in s, or len(s)+1 when there is none: a verb after it is excused by
// it. Found once per message, so each verb costs the same.
func busyEnd(s string) int {
	end := len(s) + 1
	for _, w := range [...]string{"占线", "爆线", "忙线", "繁忙", "排队", "高峰", "下班"} {
		if k := strings.Index(s, w); k >= 0 {
			end = min(end, k+len(w))
		}
	}
	return end
}

func polarity(cannotNow bool) string {
	if cannotNow {
		return ""
	}
	return "not "
}

// sameDay reports whether two messages can be compared on relative days:
// without timestamps, or with both on the same calendar day.
func (d *promiseDetector) sameDay(in *Input, a, b int) bool {
	ma, mb := &in.Conv.Messages[a], &in.Conv.Messages[b]
	if !ma.HasTime() || !mb.HasTime() {
		return true
	}
	ya, da := ma.At.YearDay(), ma.At.Year()
	yb, db := mb.At.YearDay(), mb.At.Year()
	return ya == yb && da == db
}

// brokenDetail is the detail of a conflict the customer reports.
const brokenDetail = "the customer reports that an earlier promise or statement did not hold"

// customerBroken reports a customer message that says an earlier promise
// or statement did not hold: a strong word (说好的, 不是说) or a recalled
// statement (跟我说, 上次说) with a contrast (怎么, 还没, 现在).
func (d *promiseDetector) customerBroken(in *Input, i int, st *conflictState, out *Output) {
	// Most customer messages hold none of the words read below: the
	// presence bits tell without walking their hits, one AND for the six
	// classes (brokenGate).
	if st.reported || !in.mayAny(i, &d.brokenGate) {
		return
	}
	s := in.Norm[i]
	var cx contrastCache
	for _, h := range in.allHits(i) {
		switch h.Class {
		case d.broken:
		case d.recall:
			if !d.anchored(s, int(h.Start)) && !d.recallsTime(in, i, h) {
				continue
			}
		case d.said:
			if !d.contrasted(in, i, h, &cx) || hasSuffixIn(s[:h.Start], d.saidNow) || ownWord(s, h) || asksWhatToSay(s[h.End:]) {
				continue
			}
		case d.again:
			if !modalNext(s[h.End:]) || !addressed(s[:h.Start]) {
				continue
			}
		case d.denied:
			if st.lastPromise < 0 || !d.deniesStep(in, i, h) {
				continue
			}
		case d.timeW:
			if !d.estimateMissed(in, i, h, &cx) {
				continue
			}
		default:
			continue
		}
		if d.otherSource(in, i, h) {
			continue
		}
		first := i
		if st.lastPromise >= 0 {
			first = st.lastPromise
		}
		if h.Class == d.recall {
			st.asked, st.askedFirst = i, first // wait for the agent's answer
			return
		}
		d.conflict(in, first, i, brokenDetail, st, out)
		return
	}
}

// finishConflicts reports a customer's asking back that no agent answered.
func (d *promiseDetector) finishConflicts(in *Input, st *conflictState, out *Output) {
	if st.asked >= 0 && !st.reported {
		d.conflict(in, st.askedFirst, st.asked, brokenDetail, st, out)
	}
}

// affirms reports whether an agent reply opens by confirming what the
// customer asked back ("是的哦, 预计今日送达"): the earlier statement holds,
// nothing was broken.
func affirms(s string) bool {
	s = strings.TrimLeft(s, " ")
	for _, p := range [...]string{"亲亲", "亲爱的", "亲爱哒", "亲", "嗯嗯", "嗯", " ", ","} {
		s = strings.TrimPrefix(s, p)
	}
	s = strings.TrimLeft(s, " ,")
	for _, p := range [...]string{"是的", "对的", "是呢", "对呢", "没错", "是滴", "是哒", "对哒"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// anchored reports whether a rhetorical recall starting at byte start
// directly follows an anchor (promise_anchor: 你, 刚才 …) that points it at
// the agent's earlier statement. A bare "不是说…吗" recalls a policy or the
// customer's own request as often as a promise, and precision matters more
// here than recall.
func (d *promiseDetector) anchored(s string, start int) bool {
	return hasSuffixIn(s[:start], d.anchors)
}

// recallsTime reports whether a bare rhetorical recall asks back a time
// ("不是说24小时内安装吗?", "不是说今天送达嘛"): a recalled time for this
// order is a commitment, where a bare "不是说要开发票的吗" may recall a
// policy. The recall must end its clause as a question, so that "之前的问题
// 不是说等24小时呢, 我先等着" (a plain account) does not count.
func (d *promiseDetector) recallsTime(in *Input, i int, h KeywordHit) bool {
	s := in.Norm[i]
	ce := clauseEnd(s, int(h.End))
	tail := trimTail.trimRight(s[h.End:ce])
	if !(strings.HasSuffix(tail, "吗") || strings.HasSuffix(tail, "嘛") || strings.HasSuffix(tail, "么") || ce < len(s) && s[ce] == '?') {
		return false
	}
	for _, t := range in.near(i, h.End, int32(ce)) {
		if t.Class == d.timeW && t.Start >= h.End && int(t.End) <= ce && namedTime(s, t) {
			// A bare number of days recalled is as often a policy window
			// ("不是说30天之内可以换货吗") as a date for this order.
			if w := s[t.Start:t.End]; w != "预计" && w != "最快" && w != "马上" && w != "立马" && w != "天" {
				return true
			}
		}
	}
	return false
}

// contrasted reports whether customer message i, which recalls a
// statement at hit h, sets something against it (promise_contrast: 怎么,
// 还没, 但是). 现在 alone marks a change only against a concrete statement
// recalled, a time or a can ("之前说今天可以发货, 现在看要到10号"); "你们给我说了,
// 现在聊天记录看不到了" recalls nothing that could be broken. 怎么办 and 怎么弄
// ask what to do, they contrast nothing. Customers often split one thought
// over messages sent in a row ("上次你们打电话说补货一个星期" / "今天问又没有补货计划了"),
// so the contrast may also stand in the customer's next message.
func (d *promiseDetector) contrasted(in *Input, i int, h KeywordHit, cx *contrastCache) bool {
	if !cx.contrastDone {
		cx.contrastDone = true
		cx.strong, cx.weak = d.contrastIn(in, i)
		if next := i + 1; next < len(in.Norm) && in.Conv.Messages[next].Role == conversation.RoleCustomer {
			s2, w2 := d.contrastIn(in, next)
			cx.strong, cx.weak = cx.strong || s2, cx.weak || w2
		}
	}
	if cx.strong {
		return true
	}
	if !cx.weak {
		return false
	}
	if !cx.concreteDone {
		cx.concreteDone, cx.lastConcrete = true, -1
		s := in.Norm[i]
		for _, t := range in.allHits(i) {
			if t.Class == d.timeW && namedTime(s, t) || t.Class == d.can || t.Class == d.cannot {
				cx.lastConcrete = max(cx.lastConcrete, t.Start)
			}
		}
	}
	return cx.lastConcrete >= h.End
}

// contrastCache holds what customerBroken's checks ask of the whole of one
// customer message (and the next), worked out at most once per message so
// that each hit costs the same however long the message is.
type contrastCache struct {
	contrastDone  bool
	strong, weak  bool  // contrastIn over the message and the next
	concreteDone  bool  //
	lastConcrete  int32 // start of the last named time, can or cannot hit; -1 when none
	notYetDone    bool  //
	lastNotYet    int32 // start of the last not-yet contrast hit; -1 when none
	nextNotYetSet bool  //
	nextNotYet    bool  // notYet of the next message from its start
}

// estimateMissed reports whether the customer recalls an estimate for a
// day ("预计今天送", "预计[数字x]号到") at hit h and says after it, or in the
// next message sent in a row, that it has not happened ("还没送呢",
// "怎么还没到"): the definition's "说好的今天到, 怎么还没到".
func (d *promiseDetector) estimateMissed(in *Input, i int, h KeywordHit, cx *contrastCache) bool {
	s := in.Norm[i]
	if s[h.Start:h.End] != "预计" {
		return false
	}
	day := false
	for _, t := range in.startingIn(i, h.End, h.End+12) {
		if t.Class == d.timeW && t.Start >= h.End && t.Start-h.End <= 12 && sameClause(s, int(h.End), int(t.Start)) {
			if w := s[t.Start:t.End]; isDayOrDate(w) {
				day = true
			}
		}
	}
	if !day {
		return false
	}
	if !cx.notYetDone {
		cx.notYetDone, cx.lastNotYet = true, d.lastNotYet(in, i)
	}
	if cx.lastNotYet >= h.End {
		return true
	}
	if !cx.nextNotYetSet {
		cx.nextNotYetSet = true
		cx.nextNotYet = i+1 < len(in.Norm) && in.Conv.Messages[i+1].Role == conversation.RoleCustomer && d.lastNotYet(in, i+1) >= 0
	}
	return cx.nextNotYet
}

// isDayOrDate reports whether time word w names a day ("今天", "明天",
// "[日期x]", "5号").
func isDayOrDate(w string) bool {
	if _, ok := dayWord(w); ok {
		return true
	}
	return w == "[日期x]" || strings.HasSuffix(w, "号") || strings.HasSuffix(w, "日")
}

// lastNotYet returns where the last word in message k that says something
// has not happened yet starts, or -1: a contrast word of not-yet (还没, 没到,
// 又没, 到现在) or 怎么 ("怎么还不到"). The message says it from byte b on
// when the result is at least b.
func (d *promiseDetector) lastNotYet(in *Input, k int) int32 {
	s := in.Norm[k]
	last := int32(-1)
	for _, c := range in.allHits(k) {
		if c.Class != d.contrast {
			continue
		}
		if m := s[c.Start:c.End]; strings.Contains(m, "没") || m == "到现在" || m == "怎么" && !strings.HasPrefix(s[c.End:], "办") {
			last = max(last, c.Start)
		}
	}
	return last
}

// modalNext reports whether rest opens with a can or cannot word ("又说可以",
// "又说不能改"): what the agent now says is whether something can be done,
// not any new information ("后来又说这款更好").
func modalNext(rest string) bool {
	for _, w := range [...]string{"可以", "能", "不能", "不可以", "不行", "行", "没法", "无法", "不支持", "支持"} {
		if strings.HasPrefix(rest, w) {
			return true
		}
	}
	return false
}

// addressed reports whether before, the text before 又说, ends with the
// agent as its subject (你, 你们, 客服), at most one word of time between
// ("刚才问你们又说可以", "你们现在又说").
func addressed(before string) bool {
	for _, t := range [...]string{"现在", "这会", "今天", "后来", "然后"} {
		if b, ok := strings.CutSuffix(before, t); ok {
			before = b
			break
		}
	}
	return strings.HasSuffix(before, "你") || strings.HasSuffix(before, "你们") || strings.HasSuffix(before, "客服")
}

// deniesStep reports whether the denial at hit h ("你没", "你们根本没") is
// followed, within three characters, by an action verb ("你没取消啊",
// "你们没有给我改") and is no question ("你没联系过吗?").
func (d *promiseDetector) deniesStep(in *Input, i int, h KeywordHit) bool {
	s := in.Norm[i]
	ce := clauseEnd(s, int(h.End))
	if tail := trimTail.trimRight(s[h.End:ce]); strings.HasSuffix(tail, "吗") || strings.HasSuffix(tail, "么") || ce < len(s) && s[ce] == '?' {
		return false
	}
	for _, a := range in.startingIn(i, h.End, h.End+9) {
		if a.Class == d.action && a.Start >= h.End && a.Start-h.End <= 9 && int(a.Start) <= ce {
			return true
		}
	}
	return false
}

// ownWord reports whether the statement recalled at hit h is the
// customer's own or only proposed: 我 as the subject just before it ("我打
// 电话说", not the object in "给我打电话说") or its clause ending as a
// question or suggestion ("能打电话说吗?", "我打电话说吧").
func ownWord(s string, h KeywordHit) bool {
	// "我给你们的一个客服说过": the customer told someone, earlier in the
	// clause, what they say now.
	if containsAny(s[clauseStart(s, int(h.Start)):h.Start], []string{"我给", "我跟", "我和", "我对", "我向"}) {
		return true
	}
	b := strings.TrimSuffix(s[:h.Start], "打")
	if k, ok := strings.CutSuffix(b, "我"); ok {
		r, _ := utf8.DecodeLastRuneInString(k)
		if !strings.ContainsRune("给跟和对帮让叫", r) {
			return true
		}
	}
	ce := clauseEnd(s, int(h.End))
	tail := trimTail.trimRight(s[h.End:ce])
	return strings.HasSuffix(tail, "吗") || strings.HasSuffix(tail, "吧") || ce < len(s) && s[ce] == '?'
}

// asksWhatToSay reports whether the words after a "说" ask what to say
// ("拒签的时候说什么", "跟他说啥"): a question about the next step, not a
// recalled statement.
func asksWhatToSay(rest string) bool {
	return strings.HasPrefix(rest, "什么") || strings.HasPrefix(rest, "啥")
}

// contrastIn reports whether message k holds a contrast word (strong) or
// only 现在 (weak).
func (d *promiseDetector) contrastIn(in *Input, k int) (strong, weak bool) {
	s := in.Norm[k]
	for _, c := range in.allHits(k) {
		if c.Class != d.contrast {
			continue
		}
		m := s[c.Start:c.End]
		if m == "怎么" && (strings.HasPrefix(s[c.End:], "办") || strings.HasPrefix(s[c.End:], "弄")) {
			continue
		}
		if m != "现在" {
			return true, weak
		}
		weak = true
	}
	return false, weak
}

// containsAny reports whether s holds one of words.
func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// hasSuffixIn reports whether s ends with one of words.
func hasSuffixIn(s string, words []string) bool {
	for _, w := range words {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return false
}

// otherSource reports whether the statement recalled at hit h is quoted
// from someone other than the shop's agents: a source word (页面, 快递员)
// within the four characters before it.
func (d *promiseDetector) otherSource(in *Input, i int, h KeywordHit) bool {
	for _, o := range in.near(i, h.Start-12, h.Start) {
		if o.Class == d.source && o.End <= h.Start && h.Start-o.End <= 12 {
			return true
		}
	}
	return false
}

func (d *promiseDetector) conflict(in *Input, a, b int, why string, st *conflictState, out *Output) {
	st.reported = true
	msgs := out.msgs(a)
	ev := quote(in.Conv.Messages[a].Text)
	if b != a {
		msgs = out.msgs(a, b)
		ev += " → " + quote(in.Conv.Messages[b].Text)
	}
	out.Add(conversation.Finding{Code: "promise.conflict", Severity: conversation.SeverityHigh,
		Messages: msgs, Evidence: ev, Detail: why})
}
