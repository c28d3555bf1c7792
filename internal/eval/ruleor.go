package eval

import (
	"context"
	"fmt"
	"io"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
)

// ruleOrLearned measures "the rule, or a learned score at one threshold"
// on examples gathered from the labelled sets, the way every learned
// detector here is judged: the rules alone; 5-fold cross-validation by
// conversation with each fold's threshold chosen on the other folds (best
// F1 keeping precision at minPrec); a curve of fixed thresholds; and, with
// several sources, a model trained on the other sources only. With w set
// it writes the model trained on everything, with its threshold and the
// names of its training sources (none: the format without them, which the
// rules-or negative scorer of the fourteenth session was written in).
func ruleOrLearned(ctx context.Context, cfg classify.LinearConfig, data *classify.SparseSet, ex []negExample, groups int,
	sets []NegativeSet, minPrec float64, curve []float32, w io.Writer, sources []string) (*NegativeReport, error) {
	rep, err := learnedDecision(ctx, cfg, data, ex, groups, sets, minPrec, curve, w != nil, false)
	if err != nil || w == nil {
		return rep, err
	}
	rep.final.Sources = sources
	if err := classify.EncodeLinear(w, rep.final); err != nil {
		return nil, err
	}
	return rep, nil
}

// learnedDecision is ruleOrLearned, or, with stacked set, the same
// measurement of "a learned score at one threshold" alone: the rules'
// verdict is then one of the model's features, so the score can also
// overrule a rule's false alarm. With final set it also trains the model
// on everything, with its threshold, and leaves it in the report for the
// caller to write. The report keeps every example's out-of-fold and
// other-sources scores for the caller's own rows.
//
// Examples of a set numbered len(sets) or more are training-only (hand-
// written synthetic chats): they join the training rows of every fold and
// of every leave-one-source-out model, and the final model, but are never
// scored and never weigh in a threshold, which is chosen on the real
// out-of-fold scores alone; groups counts the conversations of sets only,
// so the folds of the real chats are the same with or without them.
func learnedDecision(ctx context.Context, cfg classify.LinearConfig, data *classify.SparseSet, ex []negExample, groups int,
	sets []NegativeSet, minPrec float64, curve []float32, final, stacked bool) (*NegativeReport, error) {
	// or is what the rule adds to a score: its verdict, or nothing when
	// stacked; thresholds are chosen on examples that carry it.
	or := ex
	if stacked {
		or = withoutRule(ex)
	}
	method := map[bool][3]string{
		false: {fmt.Sprintf("rules, or learned: %d-fold CV by conversation", negFolds), "rules, or out-of-fold score >= %.2f", "rules, or learned trained on the other source only"},
		true:  {fmt.Sprintf("stacked learned: %d-fold CV by conversation", negFolds), "stacked out-of-fold score >= %.2f", "stacked learned trained on the other source only"},
	}[stacked]
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
	fold := trainingFolds(ex, groups, len(sets), cfg.Seed)
	all := make([]int32, len(ex))
	var real []int32 // the scored examples: thresholds are chosen on these alone
	for i := range all {
		all[i] = int32(i)
		if ex[i].set < len(sets) {
			real = append(real, int32(i))
		}
	}
	oof, err := outOfFold(ctx, cfg, data, all, fold)
	if err != nil {
		return nil, err
	}
	zeroGated(oof, ex)
	rep.oof = oof
	pred := nestedDecisions(oof, or, real, fold, minPrec)
	for si, s := range sets {
		var c Count
		for i, e := range ex {
			if e.set == si {
				if kind := c.tally(pred[i], e.gold); kind != "" {
					rep.Errors[s.Name] = append(rep.Errors[s.Name], kind+" "+e.where)
				} else if pred[i] && !e.rule {
					rep.Errors[s.Name] = append(rep.Errors[s.Name], "TP (learned only) "+e.where)
				} else if !pred[i] && e.rule {
					rep.Errors[s.Name] = append(rep.Errors[s.Name], "TN (rule overruled) "+e.where)
				}
			}
		}
		rep.Rows = append(rep.Rows, NegativeRow{Method: method[0], Set: s.Name, Count: c})
	}
	rep.Threshold = chooseThresholdAt(oof, or, real, minPrec)
	for _, t := range curve {
		for si, set := range sets {
			var c Count
			for i, e := range ex {
				if e.set == si {
					c.tally(oof[i] >= t || or[i].rule, e.gold)
				}
			}
			rep.Curve = append(rep.Curve, NegativeRow{Method: fmt.Sprintf(method[1], t), Set: set.Name, Count: c})
		}
	}

	// Leave one source out: train on the others (threshold by their own
	// cross-validation), score the source nobody trained on.
	if len(sets) > 1 {
		rep.other = make([]float32, len(ex))
		for si, s := range sets {
			train, trainReal := otherSources(ex, si, len(sets))
			inner, err := outOfFold(ctx, cfg, data, train, fold)
			if err != nil {
				return nil, err
			}
			zeroGated(inner, ex)
			t := chooseThresholdAt(inner, or, trainReal, minPrec)
			m, err := trainScorer(ctx, cfg, data, train)
			if err != nil {
				return nil, err
			}
			var c Count
			for i, e := range ex {
				if e.set == si {
					idx, val, _ := data.Example(i)
					if !e.gated {
						rep.other[i] = m.Prob(idx, val)
					}
					c.tally(rep.other[i] >= t || or[i].rule, e.gold)
				}
			}
			rep.Rows = append(rep.Rows, NegativeRow{Method: method[2], Set: s.Name, Count: c})
		}
	}

	if final {
		m, err := classify.TrainLinear(ctx, cfg, data, all)
		if err != nil {
			return nil, err
		}
		m.Threshold = rep.Threshold
		rep.final = m
	}
	return rep, nil
}

// otherSources returns the examples a model left without source si trains
// on — every example of another source, training-only ones included — and
// of those the scored ones (of the first scored sources), on which its
// threshold is chosen.
func otherSources(ex []negExample, si, scored int) (train, trainReal []int32) {
	for i, e := range ex {
		if e.set != si {
			train = append(train, int32(i))
			if e.set < scored {
				trainReal = append(trainReal, int32(i))
			}
		}
	}
	return train, trainReal
}

// messageExamples are the per-message examples of one learned scorer,
// gathered by gatherMessages: the features and gold labels to train on,
// what each example is, and how many conversations they come from.
type messageExamples struct {
	data   classify.SparseSet
	ex     []negExample
	groups int
	// setGroups[k] counts the conversations of sets[:k+1], so that a
	// caller with training-only sets at the end knows how many groups the
	// scored ones hold.
	setGroups []int
}

// gatherMessages walks the conversations of sets labelled for key (a
// label such as "customer_negative") and keeps every message features
// emits, gold when gold of its labels lists it; each conversation is one
// group of the folds. name and who word the errors ("train negative: no
// labelled customer message"), which is what every message-level trainer
// does before it measures.
func gatherMessages(ctx context.Context, sets []NegativeSet, name, key, who string, gold func(*Labels) []int,
	features func(c *conversation.Conversation, emit func(msg int, rule bool, idx []uint32, val []float32))) (*messageExamples, error) {
	m := &messageExamples{}
	for si, set := range sets {
		err := set.Src(func(c *conversation.Conversation) error {
			l, ok := set.Labels[c.ID]
			if !ok || !l.has(key) {
				return nil
			}
			pos := map[int]bool{}
			for _, n := range gold(l) {
				pos[n] = true
			}
			features(c, func(msg int, rule bool, idx []uint32, val []float32) {
				m.data.Add(idx, val, pos[msg])
				m.ex = append(m.ex, negExample{set: si, group: m.groups, gold: pos[msg], rule: rule,
					where: fmt.Sprintf("%s[%d] %s", c.ID, msg, clip(c.Messages[msg].Text))})
			})
			m.groups++
			return ctx.Err()
		})
		if err != nil {
			return nil, fmt.Errorf("%s features of %s: %w", name, set.Name, err)
		}
		m.setGroups = append(m.setGroups, m.groups)
	}
	if len(m.ex) == 0 {
		return nil, fmt.Errorf("train %s: no labelled %s message", name, who)
	}
	return m, nil
}

// trainingFolds returns every example's fold: the scored examples (set
// below scored, conversations numbered below groups) dealt by foldsOf
// exactly as without training-only examples, and every training-only one
// -1, outside every fold, so it trains every fold's model and is scored by
// none.
func trainingFolds(ex []negExample, groups, scored int, seed uint64) []int {
	real := make([]negExample, 0, len(ex))
	for _, e := range ex {
		if e.set < scored {
			real = append(real, e)
		}
	}
	if len(real) == len(ex) {
		return foldsOf(ex, groups, seed)
	}
	rf := foldsOf(real, groups, seed)
	fold := make([]int, len(ex))
	k := 0
	for i, e := range ex {
		if e.set < scored {
			fold[i] = rf[k]
			k++
		} else {
			fold[i] = -1
		}
	}
	return fold
}
