package detect

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"fullqa/internal/conversation"
	"fullqa/internal/ingest"
)

// The rules' reading of a message as it was before the commitments were
// built in place (room, fillAction, addActionAt, mergeTimeAt): each
// reader built a promise and returned it by value. The reference of
// TestExtractInPlace.

func (d *promiseDetector) extractRef(in *Input, i int, ps []promise) []promise {
	// A message with none of the classes read here (the presence bits
	// are exact: the engine keeps them only while every class has its
	// own bit) commits to nothing by these rules.
	if in.present != nil {
		row, held := &in.present[i], uint64(0)
		for w := range presentWords {
			held |= row[w] & d.extracts[w]
		}
		if held == 0 {
			return ps
		}
	}
	s := in.Norm[i]
	perMethod := d.perMethod(in, i)
	for _, h := range in.allHits(i) {
		if d.extracts[uint32(h.Class)>>6%presentWords]&(1<<(h.Class&63)) == 0 {
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
				if r, _ := utf8.DecodeRuneInString(s[h.End:]); strings.ContainsRune("们的想要看觉在", r) {
					continue
				}
				reach = 9
			}
			// The verb the actor commits to: the first action in reach in the
			// same clause (配送 in 配送员 is a noun). Most actor words have none,
			// so it is looked for before the costlier checks below.
			a, ok := KeywordHit{}, false
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
			if overlaps(in, i, d.not, h.Start, h.End) || d.thirdParty(in, i, h.Start) || strings.HasPrefix(s[h.End:], "的") ||
				customerActs(s, int(h.Start)) || negBefore(s[:h.Start]) {
				continue
			}
			// An offer or a lookup between actor and verb ("这边可以为您申请",
			// "这边帮您查看后申请") says what could be done, not what will be.
			// "给您开具的是电子发票" names what was done, it commits to nothing.
			if overlaps(in, i, d.not, h.Start, a.End) || d.negated(in, i, h.Start, a.Start) || customerActs(s, int(a.Start)) ||
				askedAction(s, int(h.Start), int(a.End)) || modifies(s[a.End:]) || cannotAfter(s[a.End:]) ||
				negBefore(s[:a.Start]) || negBetween(s[h.End:a.Start]) || d.conditioned(in, i, int(h.Start)) {
				continue
			}
			ps = addActionRef(ps, d.actionPromise(s, int(h.Start), a))
		case d.done, d.future:
			// A hedge may also follow: "会给您尽快发出" commits to nothing.
			// A lookup overlapping the phrase ("已经帮您查看了") reports what the
			// agent saw, and "您已经申请" is the customer's own action.
			if overlaps(in, i, d.not, h.Start, h.End) || d.negated(in, i, h.Start, h.End+6) || customerActs(s, int(h.Start)) ||
				d.thirdParty(in, i, h.Start) || askedAction(s, int(h.Start), int(h.End)) || negBefore(s[:h.Start]) ||
				!informs(s[h.Start:h.End]) && d.conditioned(in, i, int(h.Start)) ||
				h.Class == d.future && (vagueAfter(s[h.Start:h.End], s[h.End:]) || s[h.Start:h.End] == "会在" && !d.timeNext(in, i, h.End)) {
				continue
			}
			ps = addActionRef(ps, d.actionPromise(s, int(h.Start), h))
		case d.benefit, d.pay:
			// "可返还的优惠券" names a kind of coupon, not what this customer gets.
			if d.negated(in, i, h.Start, h.Start) || asked(s, int(h.Start), int(h.End)) || strings.HasSuffix(s[:h.Start], "可") ||
				d.conditioned(in, i, int(h.Start)) {
				continue
			}
			p := promise{kind: PromiseAmount, start: int(h.Start), end: int(h.End), days: -1}
			p.slot.setString(slotBenefit, s[h.Start:h.End])
			ce := clauseEnd(s, int(h.End))
			v, ok := amountIn(s, clauseStart(s, int(h.Start)), ce)
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
			ps = append(ps, p)
		case d.guarantee:
			if p, ok := d.assuredRef(in, i, h); ok {
				ps = addActionRef(ps, p)
			}
		case d.timeW:
			if perMethod || covered(in, i, d.not, h.Start, h.End) {
				continue
			}
			if p, ok := d.timePromiseRef(in, i, h); ok {
				ps = mergeTimeRef(ps, p)
			}
		}
	}
	return ps
}

func (d *promiseDetector) assuredRef(in *Input, i int, h KeywordHit) (promise, bool) {
	s := in.Norm[i]
	for _, e := range in.startingIn(i, h.End, h.End+24) {
		if e.Class != d.event || e.Start < h.End || e.Start-h.End > 24 || !sameClause(s, int(h.End), int(e.Start)) {
			continue
		}
		if d.negated(in, i, h.Start, e.Start) || negBefore(s[:h.Start]) || asked(s, int(h.Start), int(e.End)) || overlaps(in, i, d.not, h.Start, e.End) ||
			d.thirdParty(in, i, h.Start) || customerActs(s, int(h.Start)) {
			return promise{}, false
		}
		return d.actionPromise(s, int(h.Start), e), true
	}
	return promise{}, false
}

func (d *promiseDetector) timePromiseRef(in *Input, i int, h KeywordHit) (promise, bool) {
	s := in.Norm[i]
	w := s[h.Start:h.End]
	cs, ce := int32(clauseStart(s, int(h.Start))), int32(clauseEnd(s, int(h.End)))
	var ev KeywordHit
	found := false
	for _, e := range in.near(i, h.Start-24, ce) {
		if e.Class == d.event && e.Start >= cs && e.End <= ce && e.Start-h.End <= 24 && h.Start-e.End <= 24 &&
			!namesTime(s[e.End:]) && !strings.HasPrefix(s[e.End:], "中") && !(e.End <= h.Start && onlyNumber(s[e.End:h.Start]) && unitWord(w) != "") {
			ev, found = e, true
			break
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
			if e.Class == d.timeW && e.End <= h.Start && h.Start-e.End <= 24 && e.Start >= cs {
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
	if !found || d.negated(in, i, h.Start, max(h.End, ev.Start)) || ev.Start > h.End && d.lookupIn(in, i, h.End, ev.Start) || asked(s, int(min(h.Start, ev.Start)), int(max(h.End, ev.End))) ||
		askedAction(s, int(min(h.Start, ev.Start)), int(max(h.End, ev.End))) || ev.Start > h.Start && negBefore(s[:ev.Start]) ||
		d.thirdParty(in, i, h.Start) || d.thirdParty(in, i, ev.Start) || d.timetable(in, i, h, ev) || d.ifInClause(in, i, int(min(h.Start, ev.Start))) {
		return promise{}, false
	}
	p := promise{kind: PromiseTime, start: int(cs), end: int(ce), days: -1,
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
			return promise{}, false
		}
		k, _ := slotKeyOf(unitWord(w))
		p.slot.setValue(k, n)
	case strings.HasSuffix(w, "号") && addressNumber(s, int(h.Start), int(h.End)):
		return promise{}, false
	case strings.HasSuffix(w, "号") || strings.HasSuffix(w, "日") || strings.HasSuffix(w, "点") || strings.HasSuffix(w, "点左右") || w == "[日期x]" || strings.HasSuffix(w, "号前"):
		// Up to four characters before the day word ("[数字x]月[数字x]日"),
		// cut on character boundaries.
		b := max(int(cs), backChars(s, int(h.Start), 4))
		p.slot.setString(slotDate, s[b:h.End])
	default: // 预计, 最快, 尽快, 下午 …
		p.slot.setString(slotWhen, w)
	}
	return p, true
}

func addActionRef(ps []promise, p promise) []promise {
	for k := range ps {
		if q := &ps[k]; q.end == p.end && q.slot.sameValue(&p.slot, slotVerb) && q.slot.sameValue(&p.slot, slotObject) {
			return ps
		}
	}
	return append(ps, p)
}

func mergeTimeRef(ps []promise, p promise) []promise {
	if n := len(ps); n > 0 && ps[n-1].kind == PromiseTime && ps[n-1].start == p.start {
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
	return append(ps, p)
}

// TestExtractInPlace checks extract, which builds the commitments in
// place, against extractRef, the code it replaces, on every agent message
// of the JDDC dev chats and of examples/chats.jsonl: the same commitments,
// field for field, slots included, from a list that starts empty and from
// one left with room by an earlier message.
func TestExtractInPlace(t *testing.T) {
	convs := jddcConvsOrNone(t)
	convs = append(convs, exampleConvs(t)...)
	eng, d := promiseEngine(t)
	var sc Scratch
	var got []promise
	checked, found := 0, 0
	for _, c := range convs {
		in, _ := eng.Inspect(c, &sc)
		for i := range c.Messages {
			if c.Messages[i].Role != conversation.RoleAgent {
				continue
			}
			var want []promise
			want = d.extractRef(in, i, want)
			got = d.extract(in, i, got[:0])
			if len(got) != len(want) || len(want) > 0 && !reflect.DeepEqual(got, want) {
				t.Fatalf("%s message %d %q: extract read\n%+v\nthe code it replaces\n%+v", c.ID, i, in.Norm[i], got, want)
			}
			checked++
			found += len(want)
		}
	}
	if checked == 0 || found == 0 {
		t.Fatalf("%d agent messages, %d commitments: the test reads nothing", checked, found)
	}
}

// exampleConvs reads examples/chats.jsonl.
func exampleConvs(t *testing.T) []*conversation.Conversation {
	var convs []*conversation.Conversation
	err := ingest.ForEachInFile(filepath.Join("..", "..", "examples", "chats.jsonl"), ingest.Options{Format: ingest.FormatJSONL}, func(c *conversation.Conversation) error {
		convs = append(convs, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return convs
}

// The readers below are the ones the in-place versions (…At, …In)
// replaced, kept as the reference they are held to.

// conditioned reports whether the clause before the one holding pos opens a
// condition (如果, 假如, 要是, 万一, 倘若, 若是, 如您): "如果您不要了, 我给您催促
// 退款" and "如果有差价, 帮您申请" offer a step for a case that may not arise.
// Only steps are conditioned this way: a notice for an uncertain outcome
// ("如果申请成功, 短信告知您", "如果您没接到, 会再次给您回电") still commits the
// shop to keep the customer informed, as reviewers read it.
func (d *promiseDetector) conditioned(in *Input, i int, pos int) bool {
	c := newHitClause(in.Norm[i], int32(pos), int32(pos))
	return d.conditionedAt(in, i, &c)
}

// ifInClause reports whether the clause holding pos opens a condition
// before pos ("如果换货的话预计3天", "要是有货今天发"): the time is given for a
// case that may not arise.
func (d *promiseDetector) ifInClause(in *Input, i int, pos int) bool {
	return hasIn(in, i, d.ifWord, clauseStart(in.Norm[i], pos), pos)
}

// timetable reports whether the time at hit h (with event ev) runs from a
// condition (promise_condition: "订单完成后3个工作日开具") said at most twelve
// characters before it, with no actor for this customer (a promise_subject
// word) and no estimate (预计) from the condition to the end of the clause:
// the shop's general timetable, which reviewers do not count as a promise.
func (d *promiseDetector) timetable(in *Input, i int, h, ev KeywordHit) bool {
	c := newHitClause(in.Norm[i], h.Start, max(h.End, ev.End))
	return d.timetableAt(in, i, h, &c)
}

// askedAction reports whether the action s[start:end] is asked about rather
// than committed to: a yes/no question on it ("需要我帮您预约么", "已经联系过了
// 是吗?"), 是否 or 要不要 before it ("是否为您解绑"), or a choice between two
// ("短信通知您, 还是回电告知您"). An offer that only asks for consent ("帮您取消
// 可以吗", "给您补偿5元, 您看可以吗") stays a commitment the customer can
// accept, as reviewers mostly read it.
func askedAction(s string, start, end int) bool {
	return askedActionIn(s, start, end, clauseStart(s, start), clauseEnd(s, end), true)
}
