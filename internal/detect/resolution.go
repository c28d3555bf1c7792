package detect

import (
	"fullqa/internal/conversation"
	"fullqa/internal/lexicon"
)

// resolutionDetector emits resolution.unresolved when a chat ends without
// a solution or an accepted next step: the customer gives up or leaves
// angry near the end, or the last customer question gets no real answer.
// Endings with thanks or an acknowledgement ("好的") are resolved.
type resolutionDetector struct {
	lex lexicon.Lists

	giveup, thanks, closing, generic, question ClassID
	negate                                     termSet
}

func newResolutionDetector(lex lexicon.Lists) *resolutionDetector {
	return &resolutionDetector{lex: lex}
}

func (d *resolutionDetector) Name() string { return "resolution" }

func (d *resolutionDetector) Codes() []string { return []string{"resolution.unresolved"} }

func (d *resolutionDetector) RegisterKeywords(k *Keywords) error {
	d.giveup = k.Add("resolution.giveup", d.lex.Words("resolution_giveup")...)
	d.thanks = k.Add("resolution.thanks", d.lex.Words("resolution_thanks")...)
	d.closing = k.Add("resolution.closing", d.lex.Words("response_closings")...)
	// Canned agent replies answer nothing: the same list the loop detector uses.
	d.generic = k.Add("resolution.generic", d.lex.Words("loop_generic")...)
	// The negation cues of threats also take back a give-up word
	// ("从不让人失望", "没有失望").
	d.negate = addTerms(k, "resolution.negation", d.lex, "threat_negation")
	d.question = k.Add("resolution.question", d.lex.Words("question_words")...)
	return nil
}

func (d *resolutionDetector) Inspect(in *Input, out *Output) {
	msgs := in.Conv.Messages
	// The last three customer messages with content, newest first.
	var last [3]int
	n := 0
	for i := len(msgs) - 1; i >= 0 && n < len(last); i-- {
		if msgs[i].Role == conversation.RoleCustomer && !isFillerOnly(in.Norm[i]) {
			last[n] = i
			n++
		}
	}
	if n == 0 {
		return
	}
	end := last[0]
	thanked := in.Has(end, d.thanks)
	// Giving up ("那算了吧") counts even when a polite "谢谢" follows: the
	// customer leaves without a solution (LABELLING.md: 算了 is unresolved).
	for k := 0; k < n; k++ {
		i := last[k]
		for _, h := range in.Hits[i] {
			if h.Class != d.giveup || in.precededBy(i, d.negate, h, threatNegationWindow) {
				continue
			}
			d.add(in, i, "the customer gives up or leaves dissatisfied: "+quote(in.Matched(i, h)), out)
			return
		}
	}
	asks := in.Has(end, d.question)
	if !thanked && asks && (!in.Has(end, d.closing) || residual(in, end, d.closing) >= 9) {
		answered := false
		for j := end + 1; j < len(msgs); j++ {
			if msgs[j].Role == conversation.RoleAgent && residual(in, j, d.generic) >= 3 { // even "是的" answers
				answered = true
				break
			}
		}
		if !answered {
			d.add(in, end, "the customer's last question gets no answer", out)
			return
		}
	}
	if in.ClearlyNegative(end) && !in.Has(end, d.closing) {
		d.add(in, end, "the customer leaves with negative emotion", out)
	}
}

func (d *resolutionDetector) add(in *Input, i int, why string, out *Output) {
	out.Add(conversation.Finding{Code: "resolution.unresolved", Severity: conversation.SeverityMedium,
		Messages: []int{i}, Evidence: quote(in.Conv.Messages[i].Text), Detail: why})
}
