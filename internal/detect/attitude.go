package detect

import (
	"strings"
	"unicode/utf8"

	"fullqa/internal/conversation"
	"fullqa/internal/lexicon"
)

// attitudeDetector emits attitude.rude on agent messages with insulting,
// blaming, dismissive or mocking wording, and attitude.forbidden on agent
// messages with a word of the shop's forbidden list (attitude_forbidden,
// extended through lexicon.add). attitude.rude has two levels: high for an
// insult aimed at the customer ("你是白痴吗", a bare "滚"; the default
// scorecard's fatal item), medium for curt or blaming wording ("你自己看",
// "跟我说没用", a bare "不知道"). A false fatal zeroes an agent's
// conversation, so an insult counts only when it is aimed at the customer
// (see insult.go), not negated ("我没说您是白痴") and not a word in another
// sense (滚筒, 垃圾袋, 去死皮). Rude agents are rare, so the medium rules
// are strict too: a curt word counts only when it is the whole reply, and
// words said by the customer never count.
type attitudeDetector struct {
	lex       lexicon.Lists
	rude      termSet
	curt      ClassID
	insult    termSet // attitude_insult, voided by attitude_insult_exclude
	thing     ClassID // attitude_insult_thing, voided by the same list
	direct    ClassID // attitude_insult_direct, voided by the same list
	negate    termSet // threat_negation: the cues that take a threat back
	forbidden termSet
	// gate holds every class whose hit can make an agent message rude
	// or forbidden (see Inspect).
	gate classMask
}

func newAttitudeDetector(lex lexicon.Lists) *attitudeDetector { return &attitudeDetector{lex: lex} }

func (d *attitudeDetector) Name() string { return "attitude" }

func (d *attitudeDetector) Codes() []string { return []string{"attitude.rude", "attitude.forbidden"} }

func (d *attitudeDetector) RegisterKeywords(k *Keywords) error {
	d.rude = addTerms(k, "attitude.rude", d.lex, "attitude_rude")
	d.curt = k.Add("attitude.curt", d.lex.Words("attitude_curt")...)
	d.insult = addTerms(k, "attitude.insult", d.lex, "attitude_insult")
	d.thing = k.Add("attitude.insult_thing", d.lex.Words("attitude_insult_thing")...)
	d.direct = k.Add("attitude.insult_direct", d.lex.Words("attitude_insult_direct")...)
	d.negate = addTerms(k, "threat.negation", d.lex, "threat_negation")
	d.forbidden = addTerms(k, "attitude.forbidden", d.lex, "attitude_forbidden")
	d.gate = maskOf(d.insult.words, d.thing, d.direct, d.rude.words, d.curt, d.forbidden.words)
	return nil
}

func (d *attitudeDetector) Inspect(in *Input, out *Output) {
	for i := range in.Conv.Messages {
		if !in.isRole(i, conversation.RoleAgent) {
			continue
		}
		if bareQuestionMark(in.Norm[i]) && i > 0 && in.isRole(i-1, conversation.RoleCustomer) {
			out.Add(conversation.Finding{Code: "attitude.rude", Severity: conversation.SeverityMedium,
				Messages: out.msgs(i), Evidence: quote(in.Conv.Messages[i].Text),
				Detail: "the agent answers the customer with a bare question mark"})
			continue
		}
		if len(in.Hits[i]) == 0 || !in.mayAny(i, &d.gate) {
			// No insult, rude, curt or forbidden word: insultAt,
			// firstTerm, curtReply and the forbidden words' loop would
			// each test its classes' bits and find nothing (most agent
			// messages).
			continue
		}
		insult, insulted := d.insultAt(in, i)
		if insulted {
			out.Add(conversation.Finding{Code: "attitude.rude", Severity: conversation.SeverityHigh,
				Messages: out.msgs(i), Evidence: hitQuote(in, i, insult),
				Detail: "insult aimed at the customer: " + in.Matched(i, insult)})
		} else {
			rude, ok := in.firstTerm(i, d.rude)
			if !ok {
				rude, ok = d.curtReply(in, i)
			}
			if ok {
				out.Add(conversation.Finding{Code: "attitude.rude", Severity: conversation.SeverityMedium,
					Messages: out.msgs(i), Evidence: hitQuote(in, i, rude),
					Detail: "impolite or dismissive agent wording: " + in.Matched(i, rude)})
			}
		}
		for _, h := range in.hitsFor(i, d.forbidden.words) {
			if h.Class != d.forbidden.words || in.overlapsClass(i, d.forbidden.except, h) || !asciiBounded(in.Norm[i], h) {
				continue
			}
			if insulted && h.Start < insult.End && insult.Start < h.End {
				continue // the same word is already the insult
			}
			if d.deniedWord(in, i, int(h.Start)) {
				continue // "我没说您是白痴" denies it
			}
			out.Add(conversation.Finding{Code: "attitude.forbidden", Severity: conversation.SeverityHigh,
				Messages: out.msgs(i), Evidence: hitQuote(in, i, h),
				Detail: "forbidden word: " + in.Matched(i, h)})
			break
		}
	}
}

// curtReply returns a curt-list hit when it is the whole message apart from
// punctuation and softening particles ("不知道", "不清楚呢。").
func (d *attitudeDetector) curtReply(in *Input, i int) (KeywordHit, bool) {
	if !in.may(i, d.curt) {
		return KeywordHit{}, false
	}
	// The particles that open and close the message, found once: each
	// hit is then checked in constant time, however long the message.
	norm := in.Norm[i]
	lead := len(norm) - len(strings.TrimLeftFunc(norm, isParticleRune))
	trail := len(strings.TrimRightFunc(norm, isParticleRune))
	for _, h := range in.allHits(i) {
		if h.Class != d.curt {
			continue
		}
		if int(h.Start) <= lead && int(h.End) >= trail {
			return h, true
		}
	}
	return KeywordHit{}, false
}

// isParticleRune reports whether r is one of particles.
func isParticleRune(r rune) bool { return strings.ContainsRune(particles, r) }

// bareQuestionMark reports whether a normalized message is nothing but one
// to three question marks: said to a customer who just wrote, it brushes
// them off (reviewers mark it rude), unlike "?" after a silence, which asks
// whether the customer is still there.
func bareQuestionMark(norm string) bool {
	if len(norm) == 0 || len(norm) > 8 || strings.IndexByte(norm, '?') < 0 {
		return false // the common case, decided without trimming
	}
	s := strings.TrimSpace(norm)
	return len(s) >= 1 && len(s) <= 3 && strings.Trim(s, "?") == ""
}

// particles are what may surround a curt word without making the reply
// any less curt: punctuation, spaces and sentence-final particles.
const particles = " ,.!?~…;:。、呢哦噢啊呀的了吧嘛么哈亲"

func onlyParticles(s string) bool {
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if !strings.ContainsRune(particles, r) {
			return false
		}
		s = s[n:]
	}
	return true
}
