package eval

import (
	"context"
	"fmt"
	"io"

	"fullqa/internal/classify"
)

// ruleOrLearned measures "the rule, or a learned score at one threshold"
// on examples gathered from the labelled sets, the way every learned
// detector here is judged: the rules alone; 5-fold cross-validation by
// conversation with each fold's threshold chosen on the other folds (best
// F1 keeping precision at minPrec); a curve of fixed thresholds; and, with
// several sources, a model trained on the other sources only. With w set
// it writes the model trained on everything, with its threshold.
func ruleOrLearned(ctx context.Context, cfg classify.LinearConfig, data *classify.SparseSet, ex []negExample, groups int,
	sets []NegativeSet, minPrec float64, curve []float32, w io.Writer) (*NegativeReport, error) {
	rep := &NegativeReport{Errors: map[string][]string{}}
	for _, s := range sets {
		rep.Sets = append(rep.Sets, s.Name)
	}

	// The rules alone, for comparison.
	for si, s := range sets {
		var c Count
		for _, e := range ex {
			if e.set == si {
				c.tally(e.rule, e.gold)
			}
		}
		rep.Rows = append(rep.Rows, NegativeRow{Method: "rules alone (before)", Set: s.Name, Count: c})
	}

	// Cross-validation by conversation: folds dealt round-robin over the
	// conversations of each source in a seeded random order.
	fold := foldsOf(ex, groups, cfg.Seed)
	all := make([]int32, len(ex))
	for i := range all {
		all[i] = int32(i)
	}
	oof, err := outOfFold(ctx, cfg, data, all, fold)
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
		t := chooseThresholdAt(oof, ex, sel, minPrec)
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
	rep.Threshold = chooseThresholdAt(oof, ex, all, minPrec)
	for _, t := range curve {
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

	// Leave one source out: train on the others (threshold by their own
	// cross-validation), score the source nobody trained on.
	if len(sets) > 1 {
		for si, s := range sets {
			var train []int32
			for _, i := range all {
				if ex[i].set != si {
					train = append(train, i)
				}
			}
			inner, err := outOfFold(ctx, cfg, data, train, fold)
			if err != nil {
				return nil, err
			}
			t := chooseThresholdAt(inner, ex, train, minPrec)
			m, err := classify.TrainLinear(ctx, cfg, data, train)
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
		m, err := classify.TrainLinear(ctx, cfg, data, all)
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
