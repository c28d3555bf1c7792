package eval

import (
	"context"
	"fmt"
	"io"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
	"fullqa/internal/detect"
)

// repeatConfig is the training configuration of the learned restatement
// scorer (few, dense pair features: a small table and more passes).
func repeatConfig() classify.LinearConfig {
	return classify.LinearConfig{Bits: detect.RepeatBits, Seed: 20261206, Epochs: 20, LR: 0.05, L2: 1e-3, PosW: 1}
}

// repeatMinPrecision is the precision the restatement threshold keeps on
// the out-of-fold scores it is chosen on.
const repeatMinPrecision = 0.75

// TrainRepeat extracts the learned restatement features of every customer
// message of the conversations labelled customer_repeat (pairs of the
// message with the customer's earlier ones, detect's RepeatFeatures),
// cross-validates a logistic regression by conversation (each fold's
// threshold chosen on the other folds: best F1 of "rule or score >= t"
// keeping precision at repeatMinPrecision), measures it trained on the
// other source only, and, when w is not nil, trains the final model on
// everything and writes its weights with the sources' names (nothing
// loads them: the loop detector decides by its rules; README, "A learned
// restatement scorer"). It is deterministic.
func TrainRepeat(ctx context.Context, sets []NegativeSet, eng *detect.Engine, w io.Writer) (*NegativeReport, error) {
	return trainRepeat(ctx, sets, eng, w, false, false, false)
}

// MeasureRepeatGated is TrainRepeat's measurement (nothing is written) of
// the decision with the rules' exclusions as a gate: the score decides
// only where the rules' own exclusions do not hold (detect's
// RepeatFeaturesGated: the first reply to the agent asking for something,
// a message that goes on from the one before with a connective, one that
// asks nothing), as two of the loop detector's near-miss cases require;
// a gated message's score counts as 0, which no threshold reaches (a
// threshold of 0 would call every message a restatement, far under the
// precision floor). The eighth comparison measured it (README); with
// exclusions set, the features also say which exclusions hold (the ninth
// comparison).
func MeasureRepeatGated(ctx context.Context, sets []NegativeSet, eng *detect.Engine, exclusions bool) (*NegativeReport, error) {
	return trainRepeat(ctx, sets, eng, nil, false, true, exclusions)
}

// TrainRepeatGated is TrainRepeat for the gated decision (MeasureRepeatGated's):
// it cross-validates it, chooses its threshold on the out-of-fold scores of
// the messages the gate lets the score decide, and writes the model trained
// on everything with that threshold and its sources' names to w — the
// weights the loop detector embeds (the thirteenth comparison).
func TrainRepeatGated(ctx context.Context, sets []NegativeSet, eng *detect.Engine, w io.Writer) (*NegativeReport, error) {
	return trainRepeat(ctx, sets, eng, w, false, true, false)
}

// MeasureRepeatStacked measures the stacked decision of the restatement
// scorer (the rules' verdict is one of its features already: the score
// alone decides) by the cross-validation and leave-one-source-out rows of
// TrainRepeat; nothing is written (the loop detector's optional scorer is the
// gated one, TrainRepeatGated).
func MeasureRepeatStacked(ctx context.Context, sets []NegativeSet, eng *detect.Engine) (*NegativeReport, error) {
	return trainRepeat(ctx, sets, eng, nil, true, false, false)
}

// trainRepeat is TrainRepeat, or with stacked set MeasureRepeatStacked,
// or with gate set MeasureRepeatGated (with the exclusions' feature when
// exclusions is set: detect.RepeatScratch.Exclusions).
func trainRepeat(ctx context.Context, sets []NegativeSet, eng *detect.Engine, w io.Writer, stacked, gate, exclusions bool) (*NegativeReport, error) {
	var scratch detect.Scratch
	rs := detect.RepeatScratch{Exclusions: exclusions}
	var gated []bool // with gate, each example's, in the order gatherMessages keeps them
	m, err := gatherMessages(ctx, sets, "repeat", "customer_repeat", "customer", func(l *Labels) []int { return l.CustomerRepeat },
		func(c *conversation.Conversation, emit func(int, bool, []uint32, []float32)) {
			in, out := eng.Inspect(c, &scratch)
			eng.RepeatFeaturesGated(in, &out, &rs, func(msg int, rule, g bool, idx []uint32, val []float32) {
				if gate {
					gated = append(gated, g)
				}
				emit(msg, rule, idx, val)
			})
		})
	if err != nil {
		return nil, err
	}
	if gate {
		for k := range m.ex {
			m.ex[k].gated = gated[k]
		}
	}
	curve := []float32{0.2, 0.3, 0.4, 0.5, 0.6, 0.7}
	if stacked {
		rep, err := learnedDecision(ctx, repeatConfig(), &m.data, m.ex, m.groups, sets, repeatMinPrecision, curve, false, true)
		if err != nil {
			return nil, err
		}
		rep.Title = fmt.Sprintf("learned loop.repeat, stacked (the score alone decides), threshold %.3f (chosen on all out-of-fold scores, precision >= %.2f); measured, nothing loads it", rep.Threshold, repeatMinPrecision)
		return rep, nil
	}
	rep, err := ruleOrLearned(ctx, repeatConfig(), &m.data, m.ex, m.groups, sets, repeatMinPrecision, curve, w, sourceNames(sets, nil))
	if err != nil {
		return nil, err
	}
	rep.Title = fmt.Sprintf("learned loop.repeat, rules or score, threshold %.3f (chosen on all out-of-fold scores, precision >= %.2f)", rep.Threshold, repeatMinPrecision)
	if gate {
		rep.Title += ", the score gated by the rules' exclusions"
	}
	if exclusions {
		rep.Title += ", which are a feature too"
	}
	return rep, nil
}
