package eval

import (
	"context"
	"fmt"
	"math"

	"fullqa/internal/classify"
	"fullqa/internal/detect"
)

// The context stage of the learned negative-emotion scorer (the twelfth
// comparison, internal/eval/testdata/README.md): reviewers read a message
// in its chat, so a plain grievance inside an already heated chat is
// negative to them, and the first stage — one message's features — sees
// that heat only through the rules' and the emotion model's cues. The
// second stage is a logistic regression over the first stage's own scores
// of the message and of the customer's other messages in the chat (the
// previous one, the highest before it, the next one, the highest after it,
// how many before it scored high), and the message's score crossed with
// them. It is measured like the first: cross-validated by conversation with
// the same folds (each fold's second stage trained on the other folds'
// out-of-fold first-stage scores) and leave one source out (first and
// second stage trained on the other sources only).

// ctxFeatures is the number of the context stage's features.
const ctxFeatures = 11

// ctxConfig is the context stage's training configuration: a handful of
// dense features, so a tiny table.
func ctxConfig() classify.LinearConfig {
	return classify.LinearConfig{Bits: 4, Seed: 20261208, Epochs: 12, LR: 0.05, L2: 1e-4, PosW: 1}
}

// contextSet builds the context stage's examples from the first stage's
// scores s of the examples ex (a conversation's examples consecutive, in
// message order): example i's features, in classify.SparseSet form, with
// its gold label.
func contextSet(ex []negExample, s []float32) *classify.SparseSet {
	var set classify.SparseSet
	idx := make([]uint32, ctxFeatures)
	for k := range idx {
		idx[k] = uint32(k)
	}
	val := make([]float32, ctxFeatures)
	for start := 0; start < len(ex); {
		end := start + 1
		for end < len(ex) && ex[end].group == ex[start].group {
			end++
		}
		for i := start; i < end; i++ {
			contextValues(val, s[start:end], i-start)
			set.Add(idx, val, ex[i].gold)
		}
		start = end
	}
	return &set
}

// contextValues fills val with the context stage's features of message k
// of a conversation whose customer messages' first-stage scores are s.
func contextValues(val, s []float32, k int) {
	var prev, maxBefore, next, maxAfter, high float32
	if k > 0 {
		prev = s[k-1]
	}
	for _, v := range s[:k] {
		maxBefore = max(maxBefore, v)
		if v >= 0.5 {
			high++
		}
	}
	if k+1 < len(s) {
		next = s[k+1]
	}
	for _, v := range s[k+1:] {
		maxAfter = max(maxAfter, v)
	}
	var before, after float32
	if k > 0 {
		before = 1
	}
	if k+1 < len(s) {
		after = 1
	}
	x := s[k]
	val[0] = x
	val[1] = logitScaled(x)
	val[2] = prev
	val[3] = maxBefore
	val[4] = next
	val[5] = maxAfter
	val[6] = x * maxBefore
	val[7] = x * next
	val[8] = min(high, 3) / 3
	val[9] = before
	val[10] = after
}

// logitScaled is the logit of p, clipped to ±6 and divided by 6.
func logitScaled(p float32) float32 {
	p = min(max(p, 0.0025), 0.9975)
	z := float32(math.Log(float64(p) / float64(1-p)))
	return min(max(z, -6), 6) / 6
}

// MeasureNegativeContext is TrainNegativeStacked's measurement with the
// context stage's rows added (the twelfth comparison): for every source,
// the stacked scorer's cross-validated and leave-one-source-out decisions
// and the same with the context stage over them, each at a threshold
// chosen the same way (best F1 keeping precision at minPrec on scores it
// was not trained on). A measurement: no weights are written.
func MeasureNegativeContext(ctx context.Context, sets, extra []NegativeSet, engineFor func(convID string) *detect.Engine, minPrec float64) (*NegativeReport, error) {
	cfg := negConfig()
	rep, err := trainNegativeWith(ctx, cfg, sets, extra, engineFor, minPrec, nil, nil, true)
	if err != nil {
		return nil, err
	}
	m := rep.examples
	ex := m.ex
	or := withoutRule(ex)
	fold := trainingFolds(ex, m.setGroups[len(sets)-1], len(sets), cfg.Seed)
	var real []int32
	for i, e := range ex {
		if e.set < len(sets) {
			real = append(real, int32(i))
		}
	}
	c2 := ctxConfig()

	// Cross-validated: the second stage of fold f trained on the other
	// folds' out-of-fold first-stage scores.
	feats := contextSet(ex, rep.oof)
	oof2, err := outOfFold(ctx, c2, feats, real, fold)
	if err != nil {
		return nil, err
	}
	pred := nestedDecisions(oof2, or, real, fold, minPrec)
	for si, s := range sets {
		var c Count
		for i, e := range ex {
			if e.set == si {
				c.tally(pred[i], e.gold)
			}
		}
		rep.Rows = append(rep.Rows, NegativeRow{Method: fmt.Sprintf("stacked + context: %d-fold CV by conversation", negFolds), Set: s.Name, Count: c})
	}

	// Leave one source out: both stages trained on the other sources.
	if len(sets) > 1 {
		for si, s := range sets {
			train, trainReal := otherSources(ex, si, len(sets))
			inner, err := outOfFold(ctx, cfg, &m.data, train, fold)
			if err != nil {
				return nil, err
			}
			first := make([]float32, len(ex))
			copy(first, inner)
			for i, e := range ex {
				if e.set == si {
					first[i] = rep.other[i]
				}
			}
			f2 := contextSet(ex, first)
			inner2, err := outOfFold(ctx, c2, f2, trainReal, fold)
			if err != nil {
				return nil, err
			}
			t := chooseThresholdAt(inner2, or, trainReal, minPrec)
			m2, err := trainScorer(ctx, c2, f2, trainReal)
			if err != nil {
				return nil, err
			}
			var c Count
			for i, e := range ex {
				if e.set == si {
					idx, val, _ := f2.Example(i)
					c.tally(m2.Prob(idx, val) >= t, e.gold)
				}
			}
			rep.Rows = append(rep.Rows, NegativeRow{Method: "stacked + context, trained on the other sources only", Set: s.Name, Count: c})
		}
	}
	rep.Title += "; with the context stage (measured, not shipped)"
	return rep, nil
}
