package eval

import (
	"context"
	"fmt"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
	"fullqa/internal/detect"
)

// Ending measures, by cross-validation by conversation, a learned
// resolved/unresolved classifier of how a chat ended (detect's
// EndingFeatures, labelled by the reviewers' "unresolved" key) beside the
// resolution rules. It trains nothing that ships: with a few dozen
// unresolved chats it is a measurement of whether such a model would be
// precise, not a detector.
func Ending(ctx context.Context, sets []NegativeSet, engineFor func(convID string) *detect.Engine) (*NegativeReport, error) {
	var data classify.SparseSet
	var ex []negExample
	var scratch detect.Scratch
	for si, set := range sets {
		err := set.Src(func(c *conversation.Conversation) error {
			l, ok := set.Labels[c.ID]
			if !ok || !l.has("unresolved") {
				return nil
			}
			eng := engineFor(c.ID)
			in, out := eng.Inspect(c, &scratch)
			rule := false
			for _, f := range out.Findings {
				rule = rule || f.Code == "resolution.unresolved"
			}
			eng.EndingFeatures(in, rule, func(idx []uint32, val []float32) {
				data.Add(idx, val, l.Unresolved)
				ex = append(ex, negExample{set: si, group: len(ex), gold: l.Unresolved, rule: rule, where: c.ID})
			})
			return ctx.Err()
		})
		if err != nil {
			return nil, fmt.Errorf("ending features of %s: %w", set.Name, err)
		}
	}
	if len(ex) == 0 {
		return nil, fmt.Errorf("ending: no labelled conversation")
	}
	cfg := negConfig()
	cfg.Epochs = 20
	rep := &NegativeReport{Errors: map[string][]string{}, Title: "resolution.unresolved: a learned conversation-ending classifier beside the rules (measurement only; each fold's threshold chosen on the other folds)"}
	fold := foldsOf(ex, len(ex), cfg.Seed)
	all := make([]int32, len(ex))
	for i := range all {
		all[i] = int32(i)
	}
	oof, err := outOfFold(ctx, cfg, &data, all, fold)
	if err != nil {
		return nil, err
	}
	alone := make([]negExample, len(ex))
	copy(alone, ex)
	for i := range alone {
		alone[i].rule = false
	}
	for _, v := range []struct {
		name string
		ex   []negExample
	}{{"learned alone", alone}, {"rules, or learned", ex}} {
		pred := make([]bool, len(ex))
		for f := range negFolds {
			var sel []int32
			for _, i := range all {
				if fold[i] != f {
					sel = append(sel, i)
				}
			}
			t := chooseThreshold(oof, v.ex, sel)
			for i := range ex {
				if fold[i] == f {
					pred[i] = oof[i] >= t || v.ex[i].rule
				}
			}
		}
		for si, s := range sets {
			var c, r Count
			for i, e := range ex {
				if e.set == si {
					c.tally(pred[i], e.gold)
					r.tally(e.rule, e.gold)
				}
			}
			if v.name == "learned alone" {
				rep.Rows = append(rep.Rows, NegativeRow{Method: "rules alone", Set: s.Name, Count: r})
			}
			rep.Rows = append(rep.Rows, NegativeRow{Method: v.name + fmt.Sprintf(", %d-fold CV by conversation", negFolds), Set: s.Name, Count: c})
		}
	}
	for _, t := range []float32{0.1, 0.2, 0.3, 0.4, 0.5, 0.6} {
		for si, set := range sets {
			var c Count
			for i, e := range ex {
				if e.set == si {
					c.tally(oof[i] >= t, e.gold)
				}
			}
			rep.Curve = append(rep.Curve, NegativeRow{Method: fmt.Sprintf("learned alone, out-of-fold score >= %.2f", t), Set: set.Name, Count: c})
		}
	}
	for _, t := range []float32{0.02, 0.05, 0.1, 0.2} {
		for si, set := range sets {
			var c Count
			for i, e := range ex {
				if e.set == si {
					c.tally(e.rule && oof[i] >= t || oof[i] >= 0.3, e.gold)
				}
			}
			rep.Curve = append(rep.Curve, NegativeRow{Method: fmt.Sprintf("rules where score >= %.2f, or score >= 0.30", t), Set: set.Name, Count: c})
		}
	}
	return rep, nil
}
