package detect

import (
	"math"
	"testing"

	"fullqa/internal/classify"
)

// TestStackedDecisionMatchesLinear checks the shipped stacked
// negative-emotion decision end to end against classify's Linear over the
// features the trainer sees: on every customer message of the JDDC dev
// chats, emotion.negative is found exactly when Linear.Prob of the
// message's features, plus the rules' verdict in NegativeRuleBucket, reaches
// the threshold, or the message is a threat the rules read. It fails if
// the detector and the trainer disagree on the rule feature (its bucket,
// its value, or whether it is added at all).
func TestStackedDecisionMatchesLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the JDDC sample")
	}
	eng := defaultEngine(t)
	if eng.neg == nil || !eng.neg.stacked {
		t.Skip("the binary carries no stacked negative-emotion scorer")
	}
	emo, ok := eng.emotion.(*classify.Emotion)
	if !ok {
		t.Fatalf("the default engine's emotion model is a %T", eng.emotion)
	}
	nw, nb, thr := emo.NegativeWeights()
	lin := classify.Linear{W: nw, Bias: nb}
	d := detectorOf[*emotionDetector](eng)
	var sc Scratch
	checked, overruled, scoreOnly := 0, 0, 0
	for _, c := range jddcConvs(t) {
		in, out := eng.Inspect(c, &sc)
		found := map[int]bool{}
		for _, f := range out.Findings {
			if f.Code == "emotion.negative" {
				found[f.Messages[0]] = true
			}
		}
		eng.NegativeFeatures(in, func(msg int, rule bool, idx []uint32, val []float32) {
			if rule {
				idx, val = WithNegativeRule(idx, val)
			}
			p := lin.Prob(idx, val)
			if math.Abs(float64(p-thr)) < 1e-5 {
				return // a tie within float rounding says nothing
			}
			want := p >= thr || rule && d.threatens(in, msg)
			if found[msg] != want {
				t.Fatalf("%s message %d (rule %v): found %v, Linear %v against %v", c.ID, msg, rule, found[msg], p, thr)
			}
			if rule && !want {
				overruled++
			}
			if want && !rule {
				scoreOnly++
			}
			checked++
		})
	}
	t.Logf("%d customer messages: %d rule findings overruled, %d found by the score alone", checked, overruled, scoreOnly)
	if checked == 0 || overruled == 0 || scoreOnly == 0 {
		t.Fatalf("%d messages checked, %d overruled, %d by the score alone: the check would not see a mismatch", checked, overruled, scoreOnly)
	}
}
