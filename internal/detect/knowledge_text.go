package detect

import (
	"strings"
	"unicode/utf8"

	"fullqa/internal/knowledge"
	"fullqa/internal/text"
)

// This file holds how the knowledge detector reads the text around a cue:
// clause and sentence bounds (bounded, so long messages stay linear),
// questions, negations, affirmations, conditions, the amount next to a cue
// and the payment method or region a clause names.

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
		case a.End <= hs && text.RunesAtMost(s[a.End:hs], 4):
			best, found = a, true
		case after && a.Start >= he && text.RunesAtMost(s[he:a.Start], 4) && !found:
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
