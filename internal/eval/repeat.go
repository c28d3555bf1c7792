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
// everything and writes its weights. It is deterministic.
func TrainRepeat(ctx context.Context, sets []NegativeSet, eng *detect.Engine, w io.Writer) (*NegativeReport, error) {
	return trainRepeat(ctx, sets, eng, w, false)
}

// MeasureRepeatStacked measures the stacked decision of the restatement
// scorer (the rules' verdict is one of its features already: the score
// alone decides) by the cross-validation and leave-one-source-out rows of
// TrainRepeat; nothing is written: the loop detector loads no restatement
// weights.
func MeasureRepeatStacked(ctx context.Context, sets []NegativeSet, eng *detect.Engine) (*NegativeReport, error) {
	return trainRepeat(ctx, sets, eng, nil, true)
}

// trainRepeat is TrainRepeat, or with stacked set MeasureRepeatStacked.
func trainRepeat(ctx context.Context, sets []NegativeSet, eng *detect.Engine, w io.Writer, stacked bool) (*NegativeReport, error) {
	var scratch detect.Scratch
	var rs detect.RepeatScratch
	m, err := gatherMessages(ctx, sets, "repeat", "customer_repeat", "customer", func(l *Labels) []int { return l.CustomerRepeat },
		func(c *conversation.Conversation, emit func(int, bool, []uint32, []float32)) {
			in, out := eng.Inspect(c, &scratch)
			eng.RepeatFeatures(in, &out, &rs, emit)
		})
	if err != nil {
		return nil, err
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
	rep, err := ruleOrLearned(ctx, repeatConfig(), &m.data, m.ex, m.groups, sets, repeatMinPrecision, curve, w)
	if err != nil {
		return nil, err
	}
	rep.Title = fmt.Sprintf("learned loop.repeat, threshold %.3f (chosen on all out-of-fold scores, precision >= %.2f)", rep.Threshold, repeatMinPrecision)
	return rep, nil
}
