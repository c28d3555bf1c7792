package detect

import (
	"fmt"
	"math"
	"strings"

	"fullqa/internal/conversation"
	"fullqa/internal/knowledge"
)

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
	// The keys in order; qualifier, fact and where are added after them
	// (Data.Set; its writers sort).
	data := conversation.Data{{Key: "attribute", Value: cl.label}, {Key: "claimed", Value: cl.said}, {Key: "key", Value: cl.key}, {Key: "value", Value: cl.said}}
	if cl.kind == knowledge.KindChoice { // the canonical value: 专票 and 增票 are 增值税专用发票
		data.Set("value", cl.choice)
		if cl.negated {
			data.Set("value", "不是/没有 "+cl.choice)
		}
	}
	if cl.qualifier != "" {
		data.Set("qualifier", cl.qualifier)
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
	data.Set("fact", strings.TrimSpace(f.Raw))
	data.Set("where", f.Where)
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
		if f.Limit { // a detect.policy maximum: only more is over it
			return a.Hi > fa.Hi && !near(a.Hi, fa.Hi)
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
