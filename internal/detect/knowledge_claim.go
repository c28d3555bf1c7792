package detect

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"fullqa/internal/conversation"
	"fullqa/internal/knowledge"
)

// claim is one fact an agent states: the fact's key, the value said, and
// the hit it was read at (for evidence).
type claim struct {
	key, label, qualifier string
	kind                  knowledge.Kind
	b                     bool             // yes/no claims
	amount                knowledge.Amount // measured claims, offsets in the message
	choice                string           // choice claims: the canonical value
	negated               bool             // choice claims: "没有纸质发票"
	said                  string           // the value as said, for details
	h                     KeywordHit
}

// reach bounds how far a clause or sentence is followed from a hit, in
// bytes (about eighty Chinese characters): claims are local, and a message
// of thousands of characters without punctuation must not make each hit
// walk all of it (that would cost the square of the message's length).
const reach = 240

// sentenceBounds returns the sentence around [a, b): clauses joined by
// commas stay together, a full stop, question or exclamation mark, or the
// space JD agents put between sentences ends it. It reaches at most reach
// bytes each way, on a character boundary.
func sentenceBounds(s string, a, b int) (int, int) {
	lo, hi := max(a-reach, 0), min(b+reach, len(s))
	for a > lo && !isSentenceBreak(s, a-1) {
		a--
	}
	for b < hi && !isSentenceBreak(s, b) {
		b++
	}
	return runeStart(s, a), runeStart(s, b)
}

// clauseAround returns the clause around [a, b), at most reach bytes each
// way, on character boundaries.
func clauseAround(s string, a, b int) (int, int) {
	lo, hi := max(a-reach, 0), min(b+reach, len(s))
	for a > lo && !isClauseBreak(s[a-1]) {
		a--
	}
	for b < hi && !isClauseBreak(s[b]) {
		b++
	}
	return runeStart(s, a), runeStart(s, b)
}

// runeStart moves i back to the start of the character it is in.
func runeStart(s string, i int) int {
	for i > 0 && i < len(s) && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

func isSentenceBreak(s string, i int) bool {
	switch s[i] {
	case '!', '?', ' ', '\n', ';':
		return true
	}
	// 。 is three bytes; its last one is 0x82 after 0xE3 0x80.
	return i >= 2 && s[i] == 0x82 && s[i-1] == 0x80 && s[i-2] == 0xE3
}

// isQuestion reports whether the clause [cs, ce) of message i asks rather
// than states: a question word in it, or a question mark, particle (吗,
// 嘛) or 还是 in the next ten characters up to a comma or full stop — JD
// agents end a question after a space ("…电子发票 明细吗", "改电子发票
// 只是修改抬头是吗", "是增值税专用发票 还是…").
func (d *knowledgeDetector) isQuestion(in *Input, i, cs, ce int) bool {
	s := in.Norm[i]
	if hasIn(in, i, d.question, cs, ce) {
		return true
	}
	for n, end := 0, ce; n < 10 && end < len(s); n++ {
		switch {
		case s[end] == '?' || strings.HasPrefix(s[end:], "吗") || strings.HasPrefix(s[end:], "嘛") || strings.HasPrefix(s[end:], "还是"):
			return true
		case s[end] == ',' || s[end] == '!' || s[end] == ';' || strings.HasPrefix(s[end:], "。"):
			return false
		}
		_, size := utf8.DecodeRuneInString(s[end:])
		end += size
	}
	return false
}

// negated reports whether a negation (不支持, 没有, 无法 …, none voided by
// an exception such as 不影响) ends at most six characters before offset
// to of message i, within [from, to). Only the nearest one counts: a
// negation earlier in the clause negates something else ("不一致不支持…" is
// one refusal, not a double negation). A placeholder counts as one
// character.
func (d *knowledgeDetector) negated(in *Input, i, from, to int) bool {
	if !in.may(i, d.neg.words) {
		return false
	}
	s := in.Norm[i]
	for _, h := range in.near(i, int32(from), int32(to)) {
		if h.Class != d.neg.words || int(h.Start) < from || int(h.End) > to || in.overlapsClass(i, d.neg.except, h) {
			continue
		}
		if gapChars(s[h.End:to]) <= 6 {
			return true
		}
	}
	return false
}

// gapChars counts the characters of s, a placeholder ([数字x]) as one.
func gapChars(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == '[' {
			if k := strings.IndexByte(s[i:], ']'); k > 0 && k < 12 {
				i += k + 1
				n++
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}

// readCue reads the value stated next to a cue hit, if the sentence is a
// statement about that fact.
func (d *knowledgeDetector) readCue(in *Input, i int, h KeywordHit, cue knowledge.Cue) (claim, bool) {
	s := in.Norm[i]
	cs, ce := clauseAround(s, int(h.Start), int(h.End))
	if d.isQuestion(in, i, cs, ce) {
		return claim{}, false
	}
	ss, se := sentenceBounds(s, int(h.Start), int(h.End))
	cl := claim{key: cue.Key, label: cue.Label, kind: cue.Kind, h: h}
	if cue.Key == "refund.time" || cue.Key == "shipping.delivery" {
		cl.qualifier = d.qualifier(in, i, cue.Key, cs, ce)
	}
	if len(cue.Context) > 0 && !containsAny(s[ss:se], cue.Context) || containsAny(s[ss:se], cue.Not) {
		return claim{}, false
	}
	// The anchor is the word the yes or no is said at: the cue, or the
	// anchor word (退 for 拆封) when the fact has one.
	as, ae := int(h.Start), int(h.End)
	if len(cue.Anchor) > 0 {
		// The nearest anchor after the cue, else the last one before it.
		k := -1
		for _, w := range cue.Anchor {
			if p := strings.Index(s[int(h.End):se], w); p >= 0 && (k < int(h.End) || int(h.End)+p < k) {
				k, ae = int(h.End)+p, int(h.End)+p+len(w)
			}
		}
		if k < 0 {
			for _, w := range cue.Anchor {
				if p := strings.LastIndex(s[ss:int(h.Start)], w); p >= 0 && ss+p > k {
					k, ae = ss+p, ss+p+len(w)
				}
			}
		}
		if k < 0 {
			return claim{}, false
		}
		as = k
		if acs, ace := clauseAround(s, as, ae); d.isQuestion(in, i, acs, ace) {
			return claim{}, false
		}
	}
	switch cue.Kind {
	case knowledge.KindBool:
		return d.readBool(in, i, cl, as, ae, ss)
	case knowledge.KindPeriod, knowledge.KindDuration, knowledge.KindAmount:
		a, ok := nearAmount(s, cs, ce, int(h.Start), int(h.End), cue.Dim, cue.After)
		if !ok {
			return claim{}, false
		}
		cl.amount, cl.said = a, s[a.Start:a.End]
		return cl, true
	case knowledge.KindClock:
		for _, a := range knowledge.ScanClock(s[ss:int(h.Start)]) {
			a.Start, a.End = a.Start+ss, a.End+ss
			cl.amount, cl.said = a, s[a.Start:a.End]
		}
		return cl, cl.said != ""
	case knowledge.KindText: // an attribute the file does not define
		if a, ok := nearAmount(s, cs, ce, int(h.Start), int(h.End), knowledge.DimNone, true); ok && !a.Masked {
			cl.kind, cl.amount, cl.said = knowledge.KindAmount, a, s[a.Start:a.End]
			return cl, true
		}
		// yes or no only when said right before it: 不防水, 是防水的
		from := backChars(s, int(h.Start), 3)
		if from < cs {
			from = cs
		}
		if d.negated(in, i, from, int(h.Start)) {
			cl.kind, cl.b, cl.said = knowledge.KindBool, false, "否"
			return cl, !d.conditioned(in, i, ss, int(h.Start), h)
		}
		if d.affirmed(in, i, from, int(h.Start)) || isShiDe(s, int(h.Start), int(h.End)) {
			cl.kind, cl.b, cl.said = knowledge.KindBool, true, "是"
			return cl, true
		}
	}
	return claim{}, false
}

// readBool reads yes or no at the anchor [as, ae): a negation in its clause
// before it says no (unless a condition comes first in the sentence), an
// affirming word says yes, and a bare mention says nothing.
func (d *knowledgeDetector) readBool(in *Input, i int, cl claim, as, ae, ss int) (claim, bool) {
	s := in.Norm[i]
	from, _ := clauseAround(s, as, as)
	if d.negated(in, i, from, as) {
		if d.conditioned(in, i, ss, as, cl.h) {
			return claim{}, false
		}
		cl.b, cl.said = false, "否"
		return cl, true
	}
	if d.affirmed(in, i, from, as) || isShiDe(s, as, ae) {
		cl.b, cl.said = true, "是"
		return cl, true
	}
	return claim{}, false
}

// affirmed reports whether an affirming word (支持, 可以 …, not 可能) is in
// [from, to) of message i.
func (d *knowledgeDetector) affirmed(in *Input, i, from, to int) bool {
	if !in.may(i, d.affirm.words) {
		return false
	}
	for _, h := range in.near(i, int32(from), int32(to)) {
		if h.Class == d.affirm.words && int(h.Start) >= from && int(h.End) <= to && !in.overlapsClass(i, d.affirm.except, h) {
			return true
		}
	}
	return false
}

// isShiDe reports "是X的" around [as, ae): "这款是防水的" states it holds.
func isShiDe(s string, as, ae int) bool {
	return strings.HasSuffix(s[:as], "是") && strings.HasPrefix(s[ae:], "的")
}

// conditioned reports whether a condition word ("超过", "如果", "拆了")
// comes in [from, to) of message i, other than the claim's own cue h:
// "拆了自带的不保修" refuses one case, "拆封后不能退" states the rule.
func (d *knowledgeDetector) conditioned(in *Input, i, from, to int, h KeywordHit) bool {
	if !in.may(i, d.cond) {
		return false
	}
	// A refusal that repeats the one before it ("过[数字x]天是不支持的哦
	// 不支持无理由退货的哦") shares its condition.
	if from > 0 {
		ps, _ := sentenceBounds(in.Norm[i], from-1, from-1)
		if in.may(i, d.neg.words) && hasIn(in, i, d.neg.words, ps, from) {
			from = ps
		}
	}
	for _, c := range in.near(i, int32(from), int32(to)) {
		if c.Class == d.cond && int(c.Start) >= from && int(c.End) <= to && (c.End <= h.Start || c.Start >= h.End) {
			return true
		}
	}
	return false
}

// nearAmount finds the amount of dimension dim closest to the cue [hs, he)
// within its clause [cs, ce): ending at most four characters before the
// cue, or (when after) starting at most four after it.
func nearAmount(s string, cs, ce, hs, he int, dim knowledge.Dim, after bool) (knowledge.Amount, bool) {
	var best knowledge.Amount
	found := false
	for _, a := range knowledge.Scan(s[cs:ce], dim) {
		a.Start, a.End = a.Start+cs, a.End+cs
		switch {
		case a.End <= hs && utf8.RuneCountInString(s[a.End:hs]) <= 4:
			best, found = a, true
		case after && a.Start >= he && utf8.RuneCountInString(s[he:a.Start]) <= 4 && !found:
			return a, true
		}
	}
	return best, found
}

// qualifier returns the payment method or region named in the clause.
func (d *knowledgeDetector) qualifier(in *Input, i int, key string, cs, ce int) string {
	for _, h := range in.near(i, int32(cs), int32(ce)) {
		if h.Class != d.qualC || int(h.Start) < cs || int(h.End) > ce {
			continue
		}
		for _, q := range d.quals[in.Matched(i, h)] {
			if q.Key == key {
				return q.Value
			}
		}
	}
	return ""
}

// returnContext words make a courier the one the customer sends a return
// with, not the one the shop ships with.
var returnContext = []string{"寄回", "退回", "寄给我们", "寄到", "返回", "使用", "请勿", "不要用", "到付"}

// readSpelling reads a choice value said by an agent (电子发票, 顺丰, 您承担).
func (d *knowledgeDetector) readSpelling(in *Input, i int, h KeywordHit, sp knowledge.Spelling) (claim, bool) {
	s := in.Norm[i]
	if !asciiBounded(s, h) {
		return claim{}, false
	}
	cs, ce := clauseAround(s, int(h.Start), int(h.End))
	if d.isQuestion(in, i, cs, ce) {
		return claim{}, false
	}
	ss, se := sentenceBounds(s, int(h.Start), int(h.End))
	sent := s[ss:se]
	if len(sp.Context) > 0 && !containsAny(sent, sp.Context) || containsAny(sent, sp.Not) {
		return claim{}, false
	}
	switch sp.Key {
	case "shipping.couriers":
		if containsAny(sent, returnContext) {
			return claim{}, false
		}
	case "return.shipping_paid_by", "return.quality_shipping_paid_by":
		quality := strings.Contains(sent, "质量问题") && !containsAny(sent, []string{"非质量", "不是质量", "无质量", "没有质量"})
		if quality != (sp.Key == "return.quality_shipping_paid_by") {
			return claim{}, false
		}
	}
	cl := claim{key: sp.Key, kind: knowledge.KindChoice, choice: sp.Value, h: h, said: in.Matched(i, h)}
	cl.label = choiceLabel(sp.Key)
	if d.negated(in, i, cs, int(h.Start)) {
		if d.conditioned(in, i, ss, int(h.Start), h) {
			return claim{}, false
		}
		cl.negated, cl.said = true, "不是/没有 "+cl.said
	}
	return cl, true
}

// choiceLabel names a choice key in findings.
func choiceLabel(key string) string {
	switch key {
	case "return.shipping_paid_by":
		return "退货运费(非质量问题)由谁承担"
	case "return.quality_shipping_paid_by":
		return "质量问题退货运费由谁承担"
	case "invoice.types":
		return "发票类型"
	case "shipping.couriers":
		return "快递公司"
	}
	return strings.TrimPrefix(key, "attr.")
}

// defined reports whether any of the sets defines the claim's fact.
func defined(cl claim, sets []knowledge.Set) bool {
	for _, s := range sets {
		if _, ok := s.Get(cl.key, cl.qualifier); ok {
			return true
		}
	}
	return false
}

// emitAll reports the claims of message i, each fact once. A claim about
// an undefined fact is dropped when a claim about a defined one was read
// at the same word or value ("电池容量200毫安": 容量 is 电池's value when
// the file defines 电池).
func (d *knowledgeDetector) emitAll(in *Input, i int, claims []claim, sets []knowledge.Set, out *Output) {
	for k, cl := range claims {
		dup := false
		for _, o := range claims[:k] {
			dup = dup || o.key == cl.key
		}
		if dup {
			continue
		}
		if !defined(cl, sets) {
			covered := false
			for _, o := range claims {
				same := o.h == cl.h || o.said != "" && o.amount.End > 0 && o.amount.Start == cl.amount.Start && o.amount.End == cl.amount.End
				covered = covered || same && defined(o, sets)
			}
			if covered {
				continue
			}
		}
		d.emit(in, i, cl, sets, out)
	}
}

// emit compares a claim with the conversation's effective sets: a
// contradiction when every set that defines the fact disagrees, an unknown
// claim when none defines it.
func (d *knowledgeDetector) emit(in *Input, i int, cl claim, sets []knowledge.Set, out *Output) {
	var facts [4]knowledge.Fact
	n := 0
	for _, s := range sets {
		if f, ok := s.Get(cl.key, cl.qualifier); ok && n < len(facts) {
			facts[n] = f
			n++
		}
	}
	data := map[string]any{"attribute": cl.label, "key": cl.key, "claimed": cl.said}
	if cl.qualifier != "" {
		data["qualifier"] = cl.qualifier
	}
	if n == 0 {
		if cl.amount.Masked {
			return
		}
		out.Add(conversation.Finding{Code: "knowledge.unknown_claim", Severity: conversation.SeverityInfo,
			Messages: []int{i}, Evidence: hitQuote(in, i, cl.h), Data: data,
			Detail: fmt.Sprintf("%s: agent says %s; the facts file does not define it", cl.label, cl.said)})
		return
	}
	for _, f := range facts[:n] {
		if !contradicts(cl, f) {
			return
		}
	}
	f := facts[0]
	data["fact"], data["where"] = strings.TrimSpace(f.Raw), f.Where
	out.Add(conversation.Finding{Code: "knowledge.contradiction", Severity: conversation.SeverityMedium,
		Messages: []int{i}, Evidence: hitQuote(in, i, cl.h), Data: data,
		Detail: fmt.Sprintf("%s: agent says %s, the shop's facts say %s (%s)", f.Label+qualified(f.Qualifier), cl.said, strings.TrimSpace(f.Raw), f.Where)})
}

func qualified(q string) string {
	if q == "" {
		return ""
	}
	return "(" + q + ")"
}

// contradicts reports whether claim cl says something other than fact f.
// Amounts compare as ranges in one unit (七天 = 一周 = 168小时), within 2%
// so that 12个月 is one year.
func contradicts(cl claim, f knowledge.Fact) bool {
	switch f.Kind {
	case knowledge.KindBool:
		return cl.kind == knowledge.KindBool && cl.b != f.Bool
	case knowledge.KindChoice:
		if cl.kind != knowledge.KindChoice {
			return false
		}
		in := false
		for _, v := range f.Values {
			in = in || v == cl.choice
		}
		return in == cl.negated
	case knowledge.KindPeriod, knowledge.KindDuration, knowledge.KindAmount, knowledge.KindClock:
		a, fa := cl.amount, f.Amount
		if cl.kind == knowledge.KindBool || cl.kind == knowledge.KindChoice || a.Masked || fa.Masked || a.Dim != fa.Dim {
			return false
		}
		switch f.Kind {
		case knowledge.KindPeriod: // a length: the claim's end is the window
			return !near(a.Hi, fa.Hi)
		case knowledge.KindDuration: // time until: the claim must fit in the fact's range
			if a.Within && fa.Within { // 3天内 against 48小时内: two bounds
				return !near(a.Hi, fa.Hi)
			}
			if a.Within { // 3天内 against 1-7天: it may take longer than said
				return a.Hi < fa.Hi && !near(a.Hi, fa.Hi)
			}
			return a.Hi > fa.Hi && !near(a.Hi, fa.Hi) || !fa.Within && a.Lo < fa.Lo && !near(a.Lo, fa.Lo)
		default:
			return (a.Hi > fa.Hi && !near(a.Hi, fa.Hi)) || (a.Lo < fa.Lo && !near(a.Lo, fa.Lo))
		}
	}
	return false
}

func near(a, b float64) bool { return math.Abs(a-b) <= 0.02*math.Max(math.Abs(a), math.Abs(b)) }
