package detect

import (
	_ "embed" // the learned restatement scorer's weights
	"fmt"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
)

// embeddedRepeat is the learned restatement scorer of loop.repeat: a
// logistic regression over the pair features of restate.go, trained by
// `fullqa train repeat` on the reviewers' customer_repeat labels of the
// eight labelled sources, with the threshold of the gated decision (the
// thirteenth comparison, internal/eval/testdata/README.md). The loop
// detector reads it only with `detect.loop.learned` on.
//
//go:embed repeat.weights
var embeddedRepeat []byte

// loadRepeatModel decodes the embedded restatement weights.
func loadRepeatModel() (*classify.Linear, error) {
	l, err := classify.DecodeLinear(embeddedRepeat)
	if err != nil {
		return nil, fmt.Errorf("restatement weights: %w", err)
	}
	if len(l.W) != 1<<RepeatBits || !(l.Threshold > 0 && l.Threshold < 1) {
		return nil, fmt.Errorf("restatement weights: %d buckets, threshold %v (want %d buckets and a probability)", len(l.W), l.Threshold, 1<<RepeatBits)
	}
	return l, nil
}

// maxLearnedRepeats bounds the learned finds of one conversation that
// learnedRepeats keeps: a chat of hundreds of messages gets at most this
// many learned loop.repeat findings (the rules' are not bounded).
const maxLearnedRepeats = 32

// learnedRepeat is one customer message the learned score calls a
// restatement: the message, the earlier one it restates, and the score.
type learnedRepeat struct {
	msg, prev int
	p         float32
}

// learnedRepeats adds the learned restatement score's finds to the rules'
// loop.repeat findings in out: every customer message the rules did not
// flag and their exclusions do not hold for (the gated decision: not the
// first reply to the agent asking for something, not a message going on
// from the one before with a connective, not one that asks nothing) whose
// score reaches the model's threshold. It reads the features the trainer
// read (repeatPass), so the threshold means what it was chosen to mean.
// The learned finds do not count toward loop.misunderstanding, which stays
// the rules' (the comparison measured loop.repeat only).
func (d *loopDetector) learnedRepeats(in *Input, out *Output) {
	s := in.scratch()
	if s.repeat == nil {
		s.repeat = new(RepeatScratch)
	}
	var found [maxLearnedRepeats]learnedRepeat
	n := 0
	d.repeatPass(in, out, s.repeat, func(msg int, rule, gated bool, idx []uint32, val []float32) {
		if rule || gated || n == len(found) || s.repeat.st.best < 0 {
			return
		}
		if p := d.model.Prob(idx, val); p >= d.model.Threshold {
			found[n] = learnedRepeat{msg: msg, prev: s.repeat.st.best, p: p}
			n++
		}
	})
	msgs := in.Conv.Messages
	for _, r := range found[:n] {
		out.Add(conversation.Finding{Code: "loop.repeat", Severity: conversation.SeverityLow,
			Messages: out.msgs(r.msg, r.prev), Evidence: quote(msgs[r.msg].Text) + " ← " + quote(msgs[r.prev].Text),
			Detail: "the customer asks again what an earlier message asked, in other words (learned restatement score)",
			Data:   conversation.Data{{Key: "learned", Value: true}, {Key: "p", Value: round2(float64(r.p))}}})
	}
}
