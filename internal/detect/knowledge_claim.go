package detect

import (
	"strings"

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
