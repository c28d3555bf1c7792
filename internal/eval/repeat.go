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
	cfg := repeatConfig()
	rep := &NegativeReport{Errors: map[string][]string{}}
	for _, s := range sets {
		rep.Sets = append(rep.Sets, s.Name)
	}
	for si, s := range sets {
		var c Count
		for _, e := range ex {
			if e.set == si {
				c.tally(e.rule, e.gold)
			}
		}
		rep.Rows = append(rep.Rows, NegativeRow{Method: "rules alone (before)", Set: s.Name, Count: c})
	}
	fold := foldsOf(ex, groups, cfg.Seed)
	all := make([]int32, len(ex))
	for i := range all {
		all[i] = int32(i)
	}
	oof, err := outOfFold(ctx, cfg, &data, all, fold)
	if err != nil {
		return nil, err
	}
	pred := make([]bool, len(ex))
	for f := range negFolds {
		var sel []int32
		for _, i := range all {
			if fold[i] != f {
				sel = append(sel, i)
			}
		}
		t := chooseThresholdAt(oof, ex, sel, repeatMinPrecision)
		for i := range ex {
			if fold[i] == f {
				pred[i] = oof[i] >= t || ex[i].rule
			}
		}
	}
	for si, s := range sets {
		var c Count
		for i, e := range ex {
			if e.set == si {
				if kind := c.tally(pred[i], e.gold); kind != "" {
					rep.Errors[s.Name] = append(rep.Errors[s.Name], kind+" "+e.where)
				} else if pred[i] && !e.rule {
					rep.Errors[s.Name] = append(rep.Errors[s.Name], "TP (learned only) "+e.where)
				}
			}
		}
		rep.Rows = append(rep.Rows, NegativeRow{Method: fmt.Sprintf("rules, or learned: %d-fold CV by conversation", negFolds), Set: s.Name, Count: c})
	}
	rep.Threshold = chooseThresholdAt(oof, ex, all, repeatMinPrecision)
	rep.Title = fmt.Sprintf("learned loop.repeat, threshold %.3f (chosen on all out-of-fold scores, precision >= %.2f)", rep.Threshold, repeatMinPrecision)
	for _, t := range []float32{0.2, 0.3, 0.4, 0.5, 0.6, 0.7} {
		for si, set := range sets {
			var c Count
			for i, e := range ex {
				if e.set == si {
					c.tally(oof[i] >= t || e.rule, e.gold)
				}
			}
			rep.Curve = append(rep.Curve, NegativeRow{Method: fmt.Sprintf("rules, or out-of-fold score >= %.2f", t), Set: set.Name, Count: c})
		}
	}
	if len(sets) > 1 {
		for si, s := range sets {
			var train []int32
			for _, i := range all {
				if ex[i].set != si {
					train = append(train, i)
				}
			}
			inner, err := outOfFold(ctx, cfg, &data, train, fold)
			if err != nil {
				return nil, err
			}
			t := chooseThresholdAt(inner, ex, train, repeatMinPrecision)
			m, err := classify.TrainLinear(ctx, cfg, &data, train)
			if err != nil {
				return nil, err
			}
			var c Count
			for i, e := range ex {
				if e.set == si {
					idx, val, _ := data.Example(i)
					c.tally(m.Prob(idx, val) >= t || e.rule, e.gold)
				}
			}
			rep.Rows = append(rep.Rows, NegativeRow{Method: "rules, or learned trained on the other source only", Set: s.Name, Count: c})
		}
	}
	if w != nil {
		m, err := classify.TrainLinear(ctx, cfg, &data, all)
		if err != nil {
			return nil, err
		}
		m.Threshold = rep.Threshold
		if err := classify.EncodeLinear(w, m); err != nil {
			return nil, err
		}
	}
	return rep, nil
}
