package detect

import (
	"fullqa/internal/conversation"
	"fullqa/internal/lexicon"
)

// threatNegationWindow is how far (in bytes, three Chinese characters)
// before a threat word a negation cue still takes it back: "不会给差评",
// "不是要投诉", but not "不处理我就去投诉".
const threatNegationWindow = 9

// threatDetector emits threat.escalation on customer messages that threaten
// a complaint, a bad review, the consumer authorities, a lawyer, the media,
// a chargeback or never buying again. It is the first real-time alert a
// shop gets, so a word in another sense (an agent's "投诉渠道", a presale
// customer's "看到好多差评") or negated ("不会给差评的") does not count.
type threatDetector struct {
	lex    lexicon.Lists
	words  termSet
	negate termSet
}

func newThreatDetector(lex lexicon.Lists) *threatDetector { return &threatDetector{lex: lex} }

func (d *threatDetector) Name() string { return "threat" }

func (d *threatDetector) Codes() []string { return []string{"threat.escalation"} }

func (d *threatDetector) RegisterKeywords(k *Keywords) error {
	d.words = addTerms(k, "threat.words", d.lex, "threat_words")
	d.negate = addTerms(k, "threat.negation", d.lex, "threat_negation")
	return nil
}

func (d *threatDetector) Inspect(in *Input, out *Output) {
	for i := range in.Conv.Messages {
		if len(in.Hits[i]) == 0 || !in.isRole(i, conversation.RoleCustomer) {
			continue
		}
		if h, ok := threatHit(in, i, d.words, d.negate); ok {
			out.Add(conversation.Finding{Code: "threat.escalation", Severity: conversation.SeverityHigh,
				Messages: []int{i}, Evidence: hitQuote(in, i, h),
				Detail: "customer threatens escalation: " + in.Matched(i, h)})
		}
	}
}

// threatHit returns the first threat word of message i that counts: not
// inside an exception phrase, not part of a longer ASCII word, and not
// taken back by a negation cue just before it. The emotion detector asks
// the same, so a message alerted as a threat is also negative.
func threatHit(in *Input, i int, words, negate termSet) (KeywordHit, bool) {
	if !in.may(i, words.words) {
		return KeywordHit{}, false
	}
	for _, h := range in.allHits(i) {
		if h.Class != words.words || in.overlapsClass(i, words.except, h) || !asciiBounded(in.Norm[i], h) {
			continue
		}
		if !in.precededBy(i, negate, h, threatNegationWindow) {
			return h, true
		}
	}
	return KeywordHit{}, false
}
