package detect

import (
	"fmt"
	"unicode/utf8"

	"fullqa/internal/conversation"
	"fullqa/internal/lexicon"
)

// resolutionDetector emits resolution.unresolved when a chat ends without
// a solution or an accepted next step: the customer gives up or leaves
// angry near the end, or the last customer question gets no real answer.
// Endings with thanks or an acknowledgement ("好的") are resolved.
type resolutionDetector struct {
	lex lexicon.Lists

	giveup, giveupExcept, thanks, closing, generic, question, hypothetical ClassID
	hold, refusal, nextStep, appease, refuse2, deflect, resent             ClassID // read by the ending features only
	negate                                                                 termSet
}

func newResolutionDetector(lex lexicon.Lists) *resolutionDetector {
	return &resolutionDetector{lex: lex}
}

func (d *resolutionDetector) Name() string { return "resolution" }

// ReadsEmotion reports that an angry last customer message counts as
// unresolved (Input.ClearlyNegative).
func (d *resolutionDetector) ReadsEmotion() bool { return true }

func (d *resolutionDetector) Codes() []string { return []string{"resolution.unresolved"} }

func (d *resolutionDetector) RegisterKeywords(k *Keywords) error {
	d.giveup = k.Add("resolution.giveup", d.lex.Words("resolution_giveup")...)
	// 差评 and 投诉 are give-up words only where they are threats: the
	// phrases in which the threat detector knows them to name something
	// else ("差评处" of a merchant's back office, "删除差评") void them here
	// too.
	d.giveupExcept = k.Add("resolution.giveup.except", d.lex.Words("threat_words_exclude")...)
	d.thanks = k.AddPresence("resolution.thanks", d.lex.Words("resolution_thanks")...)
	d.closing = k.Add("resolution.closing", d.lex.Words("response_closings")...)
	// Canned agent replies answer nothing: the same list the loop detector uses.
	// So do apologies and requests to wait (resolution_holding).
	// A union of the two lists (Keywords.AddUnion): loop_generic's hits
	// are the loop detector's too.
	d.generic = k.AddUnion("resolution.generic", k.Add("generic.words", d.lex.Words("loop_generic")...), k.Add("resolution.holding", d.lex.Words("resolution_holding")...))
	// The negation cues of threats also take back a give-up word
	// ("从不让人失望", "没有失望").
	d.negate = addTerms(k, "resolution.negation", d.lex, "threat_negation")
	d.question = k.Add("resolution.question", d.lex.Words("question_words")...)
	// A give-up word in a supposed clause ("要是等半个月的话我就将就着用")
	// is a plan, not giving up: the cues of the scene detector's list.
	d.hypothetical = k.Add("resolution.hypothetical", d.lex.Words("scene_hypothetical")...)
	// The kinds of the agent's last replies the ending classifier reads:
	// the lists the emotion and scene detectors already register (the
	// same list is one class, matched once).
	d.hold = k.AddPresence("resolution.hold", d.lex.Words("emotion_hold")...)
	d.refusal = k.Add("resolution.refusal", d.lex.Words("sensitive_refusal")...)
	d.nextStep = k.AddPresence("resolution.next_step", d.lex.Words("sensitive_next_step")...)
	d.appease = k.AddPresence("resolution.appease", d.lex.Words("emotion_appease")...)
	d.refuse2 = k.AddPresence("resolution.refusal2", d.lex.Words("resolution_refusal")...)
	d.deflect = k.AddPresence("resolution.deflect", d.lex.Words("resolution_deflect")...)
	d.resent = k.Add("resolution.resent", d.lex.Words("resolution_resent")...)
	return nil
}

// Inspect decides resolution.unresolved. With the learned ending
// classifier (in.end) it reads how the chat ended — resolved, pending or
// unresolved, written to out.Ending — and the chat is unresolved when the
// classifier's unresolved probability reaches its one threshold (the rules'
// verdict below being one of its features, and the reasons the trainer
// chose OR-ed in). Without it (no emotion model, or none in the binary) the
// rules alone decide.
func (d *resolutionDetector) Inspect(in *Input, out *Output) {
	msg, why, ruleDetail := d.verdict(in)
	last := d.lastCustomer(in)
	// The classifier reads how a customer's chat ended: without a customer
	// message with content there is nothing to read (and nothing to quote).
	if in.end == nil || in.Emotion == nil || last < 0 {
		if why != whyNone {
			d.add(in, msg, ruleDetail, out)
		}
		return
	}
	// The feature buffer is the worker's: a local one is 2.4 KB that Go
	// zeroes for every conversation, and endFeatures writes every entry
	// it counts before probs reads it.
	f := &in.scratch().end
	d.endFeatures(in, out, why, f)
	end, unresolved := in.end.decide(in.end.probs(f), why)
	out.Ending = end
	if !unresolved {
		return
	}
	if why == whyNone {
		msg = last
	}
	detail := fmt.Sprintf("the chat ends unresolved (ending classifier, p=%.2f)", end.P)
	if why != whyNone {
		detail += "; " + ruleDetail
	}
	d.add(in, msg, detail, out)
}

// lastCustomer returns the customer's last message with content, or -1.
func (d *resolutionDetector) lastCustomer(in *Input) int {
	msgs := in.Conv.Messages
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == conversation.RoleCustomer && !fillerOnly(in.Norm[i]) {
			return i
		}
	}
	return -1
}

// verdict is the rules' reading of the chat's end: the message a finding
// points at and why the chat is unresolved (whyNone when the rules see no
// problem), worded for a finding's detail. The customer gives up or leaves angry near the end, or the
// last customer question gets no real answer; endings with thanks or an
// acknowledgement ("好的") are resolved.
func (d *resolutionDetector) verdict(in *Input) (int, int, string) {
	msgs := in.Conv.Messages
	// The last three customer messages with content, newest first.
	var last [3]int
	n := 0
	for i := len(msgs) - 1; i >= 0 && n < len(last); i-- {
		if msgs[i].Role == conversation.RoleCustomer && !fillerOnly(in.Norm[i]) {
			last[n] = i
			n++
		}
	}
	if n == 0 {
		return -1, whyNone, ""
	}
	end := last[0]
	thanked := in.Has(end, d.thanks)
	// Giving up ("那算了吧") counts even when a polite "谢谢" follows: the
	// customer leaves without a solution (LABELLING.md: 算了 is unresolved).
	for k := 0; k < n; k++ {
		if i := last[k]; d.givesUp(in, i) {
			h, _ := d.giveupHit(in, i)
			return i, whyGiveup, "the customer gives up or leaves dissatisfied: " + quote(in.Matched(i, h))
		}
	}
	if !thanked && d.asksLast(in, end) && residualAtLeast(in, end, d.closing, 9) {
		answered := false
		for j := end + 1; j < len(msgs); j++ {
			if msgs[j].Role == conversation.RoleAgent && residualAtLeast(in, j, d.generic, 3) { // even "是的" answers
				answered = true
				break
			}
		}
		if !answered {
			return end, whyUnanswered, "the customer's last question gets no answer"
		}
	}
	if in.ClearlyNegative(end) && !in.Has(end, d.closing) {
		return end, whyNegative, "the customer leaves with negative emotion"
	}
	return end, whyNone, ""
}

// givesUp reports whether customer message i holds a give-up word that is
// not negated, not in a phrase naming something else, and not in a
// supposed clause.
func (d *resolutionDetector) givesUp(in *Input, i int) bool {
	_, ok := d.giveupHit(in, i)
	return ok
}

// giveupHit returns the first give-up word of message i that givesUp
// counts.
func (d *resolutionDetector) giveupHit(in *Input, i int) (KeywordHit, bool) {
	if !in.may(i, d.giveup) {
		return KeywordHit{}, false
	}
	for _, h := range in.allHits(i) {
		if h.Class != d.giveup || in.precededBy(i, d.negate, h, threatNegationWindow) ||
			in.may(i, d.giveupExcept) && in.overlapsClass(i, d.giveupExcept, h) ||
			in.may(i, d.hypothetical) && in.clauseHasClass(i, d.hypothetical, h, true) {
			continue
		}
		return h, true
	}
	return KeywordHit{}, false
}

func (d *resolutionDetector) add(in *Input, i int, why string, out *Output) {
	out.Add(conversation.Finding{Code: "resolution.unresolved", Severity: conversation.SeverityMedium,
		Messages: out.msgs(i), Evidence: quote(in.Conv.Messages[i].Text), Detail: why})
}

// asksLast reports whether customer message i ends by asking something: a
// question word or mark in its last clause with content, closing words
// ("好吧", "谢谢") and particles not counting as content. A message that
// asks first and then states a plan ("看有没有问题，没问题我给你满星")
// ends as a statement, which an acknowledgement answers.
func (d *resolutionDetector) asksLast(in *Input, i int) bool {
	if !in.Has(i, d.question) {
		return false
	}
	var spans [maxSpans]span
	n := coveredSpans(in, i, d.closing, &spans)
	skip := spans[:n]
	s := in.Norm[i]
	start, pending := 0, -1 // start of the last clause with content
	for p := 0; p < len(s); {
		if len(skip) > 0 && int32(p) >= skip[0][0] {
			if e := int(skip[0][1]); e > p {
				p = e
			}
			skip = skip[1:]
			continue
		}
		r, size := utf8.DecodeRuneInString(s[p:])
		switch {
		case isClauseBreak(s[p]) || r == '。':
			pending = p + size
		case r == '[': // a placeholder ([数字x]) is content
			if pending >= 0 {
				start, pending = pending, -1
			}
		case r < 0x80 && !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') || isParticle(r):
		default:
			if pending >= 0 {
				start, pending = pending, -1
			}
		}
		p += size
	}
	for _, h := range in.allHits(i) {
		if h.Class == d.question && int(h.End) > start {
			return true
		}
	}
	return false
}
