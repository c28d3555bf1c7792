package detect

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// sayVerbs may stand between a negation cue and the 你/您 an insult is
// aimed at ("我没说您是白痴", "不是说你有病", "并没有骂您"): the agent denies
// saying it. Any other word between them ("不能退你个傻逼") leaves the
// insult standing.
var sayVerbs = [...]string{"", "说", "说过", "是说", "讲", "讲过", "骂", "骂过", "认为", "觉得", "指", "让", "叫", "要"}

// secondPerson are the words that address the customer, longest first.
var secondPerson = [...]string{"你们", "您们", "你", "您"}

// insultLinkers are the words that may stand between 你/您 and an insult
// without changing whom it is aimed at ("你是白痴吗", "你这个废物", "你们
// 这些骗子", "你是不是傻子"), longest first. Anything else between them
// ("您的垃圾袋", "您遇到骗子了") means the word is about something else.
var insultLinkers = [...]string{
	"是不是", "简直是", "真的是", "就是个", "真是个", "怎么这么",
	"也太", "真是", "就是", "简直", "这个", "那个", "这种", "这些", "这帮",
	"这么", "那么", "是个", "一个", "像个", "跟个", "怎么", "还是",
	"是", "个", "真", "就", "太", "好", "还", "都", "也",
}

// insultAt returns the insult of agent message i that is aimed at the
// customer: a phrase of attitude_insult_direct; a word of attitude_insult
// after 你/您 (with only linking words between) or standing as a whole
// clause, alone or with 你/您 ("白痴，自己看", "滚吧你"); a word of
// attitude_insult_thing, which also names things and third parties ("垃圾",
// "蒙牛去死吧"), after 你/您 or as the whole message. A hit inside an
// exception phrase (滚筒, 垃圾袋, 去死皮) or a longer ASCII word ("usb")
// does not count, nor one a negation cue takes back.
func (d *attitudeDetector) insultAt(in *Input, i int) (KeywordHit, bool) {
	if !in.may(i, d.insult.words) && !in.may(i, d.thing) && !in.may(i, d.direct) {
		return KeywordHit{}, false
	}
	norm := in.Norm[i]
	var mk *marks // what the checks read from the whole message, found once
	for _, h := range in.allHits(i) {
		if h.Class != d.insult.words && h.Class != d.thing && h.Class != d.direct {
			continue
		}
		if mk == nil {
			mk = marksOf(norm)
		}
		if in.overlapsClass(i, d.insult.except, h) || !asciiBounded(norm, h) || mk.quoted(int(h.Start)) {
			continue
		}
		if h.Class == d.direct {
			if !d.denied(in, i, int(h.Start)) {
				return h, true
			}
			continue
		}
		if p, ok := aimedAt(norm[:h.Start]); ok {
			if !d.denied(in, i, p) {
				return h, true
			}
			continue
		}
		if h.Class == d.thing && mk.wholeMessage(norm, int(h.Start), int(h.End)) ||
			h.Class != d.thing && wholeClause(norm, int(h.Start), int(h.End)) {
			return h, true
		}
	}
	return KeywordHit{}, false
}

// denied reports whether a negation cue (threat_negation, not voided by its
// exceptions) ends right before offset pos of message i, or before a verb
// of saying that ends there: the agent denies the insult.
func (d *attitudeDetector) denied(in *Input, i, pos int) bool {
	if !in.may(i, d.negate.words) {
		return false
	}
	norm := in.Norm[i]
	// Only a cue ending at most one verb of saying before pos counts.
	for _, e := range in.near(i, int32(pos-maxSayVerbBytes), int32(pos)) {
		if e.Class != d.negate.words || int(e.End) > pos || in.overlapsClass(i, d.negate.except, e) {
			continue
		}
		gap := norm[e.End:pos]
		for _, v := range sayVerbs {
			if gap == v {
				return true
			}
		}
	}
	return false
}

// deniedWord reports whether the word at offset pos of message i is
// denied, directly ("不是白痴") or through the 你/您 it follows ("我没说您是
// 白痴"): a forbidden word quoted in a denial is not the agent's wording.
func (d *attitudeDetector) deniedWord(in *Input, i, pos int) bool {
	if d.denied(in, i, pos) {
		return true
	}
	p, ok := aimedAt(in.Norm[i][:pos])
	return ok && d.denied(in, i, p)
}

// aimedAt reports whether before (the text up to an insult) ends with
// 你/您 and at most four linking words, and returns where the 你/您 starts.
func aimedAt(before string) (int, bool) {
	s := before
	for n := 0; n < 4; n++ {
		cut := false
		for _, l := range insultLinkers {
			if strings.HasSuffix(s, l) {
				s, cut = s[:len(s)-len(l)], true
				break
			}
		}
		if !cut {
			break
		}
	}
	for _, p := range secondPerson {
		if strings.HasSuffix(s, p) {
			return len(s) - len(p), true
		}
	}
	return 0, false
}

// wholeClause reports whether the word at [start,end) of norm is its whole
// clause apart from particles and a 你/您 after it: "白痴，自己看",
// "滚!", "滚吧你", "神经病啊你。".
func wholeClause(norm string, start, end int) bool {
	cs := clauseStart(norm, start)
	if j := strings.LastIndex(norm[cs:start], "。"); j >= 0 {
		cs += j + len("。")
	}
	ce := clauseEnd(norm, end)
	if j := strings.Index(norm[end:ce], "。"); j >= 0 {
		ce = end + j
	}
	after := norm[end:ce]
	for _, p := range secondPerson {
		if k := strings.Index(after, p); k >= 0 {
			after = after[:k] + after[k+len(p):]
			break
		}
	}
	return onlyParticles(norm[cs:start]) && onlyParticles(after)
}

// maxSayVerbBytes is the longest of sayVerbs in bytes.
const maxSayVerbBytes = 6

// marks is what insultAt reads from the whole of one message, found in one
// pass so that each hit costs the same however long the message is (the
// text before every hit was searched for quotes, and the text around it
// copied, per hit).
type marks struct {
	lead, trail   int   // the message's leading particles end, trailing ones start
	opens, closes []int // where each “ or 「 and ” or 」 ends
	dquotes       []int // where each '"' stands
}

func marksOf(norm string) *marks {
	m := &marks{
		lead:  len(norm) - len(strings.TrimLeftFunc(norm, isParticleRune)),
		trail: len(strings.TrimRightFunc(norm, isParticleRune)),
	}
	for k, r := range norm {
		switch r {
		case '“', '「':
			m.opens = append(m.opens, k+utf8.RuneLen(r))
		case '”', '」':
			m.closes = append(m.closes, k+utf8.RuneLen(r))
		case '"':
			m.dquotes = append(m.dquotes, k)
		}
	}
	return m
}

// quoted reports whether the text before offset p leaves a quotation open:
// “…, 「…, or an odd number of '"'. A word inside quotes is mentioned, not
// said to the customer ("您说的“骗子”是指…").
func (m *marks) quoted(p int) bool {
	open, closed := lastUpTo(m.opens, p), lastUpTo(m.closes, p)
	return open > closed || sort.SearchInts(m.dquotes, p)%2 == 1
}

// lastUpTo returns the largest of the ascending xs that is at most p, or -1.
func lastUpTo(xs []int, p int) int {
	if k := sort.SearchInts(xs, p+1); k > 0 {
		return xs[k-1]
	}
	return -1
}

// wholeMessage reports whether the word at [start,end) of norm is the whole
// message apart from particles, punctuation and a 你/您 after it ("垃圾",
// "滚蛋吧!").
func (m *marks) wholeMessage(norm string, start, end int) bool {
	if start > m.lead {
		return false
	}
	if end >= m.trail {
		return true
	}
	// Past the particles after the word, one 你/您 may stand, then only
	// particles to the end.
	k := end + len(norm[end:]) - len(strings.TrimLeftFunc(norm[end:], isParticleRune))
	for _, p := range secondPerson {
		if strings.HasPrefix(norm[k:], p) {
			return k+len(p) >= m.trail
		}
	}
	return false
}
