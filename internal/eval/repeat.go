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
	var data classify.SparseSet
	var ex []negExample
	groups := 0
	var scratch detect.Scratch
	var rs detect.RepeatScratch
	for si, set := range sets {
		err := set.Src(func(c *conversation.Conversation) error {
			l, ok := set.Labels[c.ID]
			if !ok || !l.has("customer_repeat") {
				return nil
			}
			gold := map[int]bool{}
			for _, n := range l.CustomerRepeat {
				gold[n] = true
			}
			in, out := eng.Inspect(c, &scratch)
			eng.RepeatFeatures(in, &out, &rs, func(msg int, rule bool, idx []uint32, val []float32) {
				data.Add(idx, val, gold[msg])
				ex = append(ex, negExample{set: si, group: groups, gold: gold[msg], rule: rule,
					where: fmt.Sprintf("%s[%d] %s", c.ID, msg, clip(c.Messages[msg].Text))})
			})
			groups++
			return ctx.Err()
		})
		if err != nil {
			return nil, fmt.Errorf("repeat features of %s: %w", set.Name, err)
		}
	}
	if len(ex) == 0 {
		return nil, fmt.Errorf("train repeat: no labelled customer message")
	}
	rep, err := ruleOrLearned(ctx, repeatConfig(), &data, ex, groups, sets, repeatMinPrecision,
		[]float32{0.2, 0.3, 0.4, 0.5, 0.6, 0.7}, w)
	if err != nil {
		return nil, err
	}
	rep.Title = fmt.Sprintf("learned loop.repeat, threshold %.3f (chosen on all out-of-fold scores, precision >= %.2f)", rep.Threshold, repeatMinPrecision)
	return rep, nil
}
