package eval

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
	"fullqa/internal/detect"
)

// tagsConfig is the training configuration of the learned scene-tag
// scorers (one logistic regression a tag over the same per-conversation
// features; see the README).
func tagsConfig() classify.LinearConfig {
	return classify.LinearConfig{Bits: detect.SceneTagBits, Seed: 20261206, Epochs: 12, LR: 0.05, L2: 1e-3, PosW: 1}
}

// tagsThresholdPrecision is the precision a tag's threshold keeps on the
// out-of-fold scores it is chosen on: above the shipping bar
// (tagsMinPrecision), because precision falls on chats nobody trained on.
const tagsThresholdPrecision = 0.85

// tagsMinPrecision is the least precision a learned decision must keep on
// every source to ship; where the rules are already below it, the learned
// decision must not be below the rules.
const tagsMinPrecision = 0.80

// tagLabel returns the reviewers' verdict on learned tag t of a session.
func tagLabel(l *Labels, t int) bool {
	switch detect.LearnedTags()[t] {
	case detect.SceneQuality:
		return l.SceneQuality
	case detect.SceneCompensation:
		return l.SceneComp
	case detect.SceneLogistics:
		return l.SceneLogistics
	}
	return false
}

// tagKeys are the label keys of detect.LearnedTags.
func tagKey(t int) string { return "scene_" + detect.LearnedTags()[t] }

// TagsReport is the outcome of measuring the learned scene-tag scorers.
type TagsReport struct {
	Sets []string
	Tags []TagReport
}

// TagReport measures one tag: the rules alone, each decision mode by
// cross-validation and leave-one-source-out, and which one ships.
type TagReport struct {
	Tag string
	// Mode is the decision that ships (detect.TagRuleOr or
	// detect.TagStacked), 0 when none measured better than the rules.
	Mode      uint8
	Threshold float32
	Why       string
	Rows      []NegativeRow
	// Errors lists the shipped (else the rule-or) decision's
	// cross-validated mistakes per source.
	Errors map[string][]string
}

// String renders the report.
func (r *TagsReport) String() string {
	var b strings.Builder
	for _, t := range r.Tags {
		fmt.Fprintf(&b, "tag:%s — %s\n(stacked: the rules' verdict is a feature of the score, which decides alone)\n", t.Tag, t.Why)
		fmt.Fprintf(&b, "%-52s %-6s %5s %5s %5s %9s %7s %6s\n", "decision", "source", "TP", "FP", "FN", "precision", "recall", "F1")
		for _, row := range t.Rows {
			fmt.Fprintf(&b, "%-52s %-6s %5d %5d %5d %9s %7s %6.3f\n", row.Method, row.Set, row.TP, row.FP, row.FN,
				fmtRatio(row.Precision()), fmtRatio(row.Recall()), f1(row.Count))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// f1 is a count's F1 (0 when there is nothing to measure).
func f1(c Count) float64 {
	if c.TP == 0 {
		return 0
	}
	return 2 * float64(c.TP) / float64(2*c.TP+c.FP+c.FN)
}

// tagModes are the decisions measured for every tag.
var tagModes = [...]struct {
	mode uint8
	name string
}{{detect.TagRuleOr, "rules, or score >= t"}, {detect.TagStacked, "stacked score >= t"}}

// TrainTags extracts the learned scene-tag features of every labelled
// conversation of sets (and of the training-only sets extra, which are
// never scored), and for each of detect.LearnedTags measures the rules
// alone, "rules or score >= t" and "stacked score >= t" by 5-fold
// cross-validation by conversation (each fold's threshold chosen on the
// other folds) and leave-one-source-out (trained on the other sources,
// threshold by its own cross-validation). A mode ships when both improve
// F1 over the rules on every source with precision at least
// tagsMinPrecision (or the rules' own, when lower); the better of the two by mean F1 is chosen, its
// threshold taken on all out-of-fold scores. With w set it writes the
// shipped tags' models, trained on everything. It is deterministic.
//
// With pooled set (source names, e.g. the fresh-style jd2, jddev and jd3),
// the bar is instead pooledBar's: the one of the fifteenth session's plan
// (internal/eval/testdata/README.md), pooled over those sources — except
// that where both decisions pass, "rules or score" is taken, as it never
// drops a tag the rules find, where the plan said the higher pooled F1
// (the README says why).
func TrainTags(ctx context.Context, sets, extra []NegativeSet, eng *detect.Engine, pooled []string, w io.Writer) (*TagsReport, error) {
	nt := detect.NumLearnedTags
	data := make([]classify.SparseSet, nt)
	ex := make([][]negExample, nt)
	groups := 0
	var scratch detect.Scratch
	all := append(append([]NegativeSet(nil), sets...), extra...)
	for si, set := range all {
		err := set.Src(func(c *conversation.Conversation) error {
			l, ok := set.Labels[c.ID]
			if !ok {
				return nil
			}
			in, _ := eng.Inspect(c, &scratch)
			ok = eng.SceneTagFeatures(in, func(rule [detect.NumLearnedTags]bool, idx []uint32, val []float32) {
				for t := range nt {
					if !l.has(tagKey(t)) {
						continue
					}
					gold := tagLabel(l, t)
					data[t].Add(idx, val, gold)
					ex[t] = append(ex[t], negExample{set: si, group: groups, gold: gold, rule: rule[t],
						where: fmt.Sprintf("%s %s", c.ID, clip(firstCustomer(c)))})
				}
			})
			if !ok {
				return fmt.Errorf("the engine computes no scene-tag features (build it with detect.LearnSceneTags)")
			}
			groups++
			return ctx.Err()
		})
		if err != nil {
			return nil, fmt.Errorf("tag features of %s: %w", set.Name, err)
		}
	}
	rep := &TagsReport{}
	for _, s := range sets {
		rep.Sets = append(rep.Sets, s.Name)
	}
	var ship []classify.TagModel
	for t := range nt {
		if len(ex[t]) == 0 {
			return nil, fmt.Errorf("train tags: no conversation labelled %s", tagKey(t))
		}
		tr, m, err := measureTag(ctx, tagsConfig(), &data[t], ex[t], groups, len(sets), rep.Sets, pooled, w != nil)
		if err != nil {
			return nil, err
		}
		tr.Tag = detect.LearnedTags()[t]
		rep.Tags = append(rep.Tags, *tr)
		if m != nil {
			ship = append(ship, classify.TagModel{Tag: tr.Tag, Mode: tr.Mode, Linear: m})
		}
	}
	if w != nil {
		if err := classify.EncodeTagModels(w, ship); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// firstCustomer returns the customer's first message, to name a chat in
// the error lists.
func firstCustomer(c *conversation.Conversation) string {
	for _, m := range c.Messages {
		if m.Role == conversation.RoleCustomer {
			return m.Text
		}
	}
	return ""
}

// measureTag measures one tag's decisions (see TrainTags) on the examples
// of the first scored sources (set < scored; the others only train), and
// with final set returns the shipped mode's model trained on everything
// (nil when nothing ships). pooled names the sources of the pooled bar
// (TrainTags), nil for the per-source one.
func measureTag(ctx context.Context, cfg classify.LinearConfig, data *classify.SparseSet, ex []negExample, groups, scored int,
	names, pooled []string, final bool) (*TagReport, *classify.Linear, error) {
	tr := &TagReport{Errors: map[string][]string{}}
	rules := make([]Count, scored)
	for _, e := range ex {
		if e.set < scored {
			rules[e.set].tally(e.rule, e.gold)
		}
	}
	for si := range scored {
		tr.Rows = append(tr.Rows, NegativeRow{Method: "rules alone", Set: names[si], Count: rules[si]})
	}
	fold := foldsOf(ex, groups, cfg.Seed)
	all := make([]int32, len(ex))
	var real []int32 // the scored examples: thresholds are chosen on these alone
	for i := range all {
		all[i] = int32(i)
		if ex[i].set < scored {
			real = append(real, int32(i))
		}
	}
	oof, err := outOfFold(ctx, cfg, data, all, fold)
	if err != nil {
		return nil, nil, err
	}
	type result struct {
		cv, loso  []Count
		threshold float32
		errs      map[string][]string
	}
	var res [len(tagModes)]result
	for mi, md := range tagModes {
		// In stacked mode the rule is only a feature: the threshold and the
		// decision read the score alone.
		exm := ex
		if md.mode == detect.TagStacked {
			exm = withoutRule(ex)
		}
		r := result{cv: make([]Count, scored), loso: make([]Count, scored), errs: map[string][]string{}}
		for f := range negFolds {
			th := chooseThresholdAt(oof, exm, outsideFold(real, fold, f), tagsThresholdPrecision)
			for i, e := range ex {
				if fold[i] != f || e.set >= scored {
					continue
				}
				pred := oof[i] >= th || exm[i].rule
				if kind := r.cv[e.set].tally(pred, e.gold); kind != "" {
					r.errs[names[e.set]] = append(r.errs[names[e.set]], kind+" "+e.where)
				} else if pred && !e.rule {
					r.errs[names[e.set]] = append(r.errs[names[e.set]], "TP (learned only) "+e.where)
				}
			}
		}
		r.threshold = chooseThresholdAt(oof, exm, real, tagsThresholdPrecision)
		for si := range scored {
			var train, trainReal []int32
			for _, i := range all {
				if ex[i].set != si {
					train = append(train, i)
					if ex[i].set < scored {
						trainReal = append(trainReal, i)
					}
				}
			}
			inner, err := outOfFold(ctx, cfg, data, train, fold)
			if err != nil {
				return nil, nil, err
			}
			th := chooseThresholdAt(inner, exm, trainReal, tagsThresholdPrecision)
			m, err := classify.TrainLinear(ctx, cfg, data, train)
			if err != nil {
				return nil, nil, err
			}
			for i, e := range ex {
				if e.set == si {
					idx, val, _ := data.Example(i)
					r.loso[si].tally(m.Prob(idx, val) >= th || exm[i].rule, e.gold)
				}
			}
		}
		for si := range scored {
			tr.Rows = append(tr.Rows, NegativeRow{Method: md.name + ": 5-fold CV", Set: names[si], Count: r.cv[si]})
		}
		for si := range scored {
			tr.Rows = append(tr.Rows, NegativeRow{Method: md.name + ": other source only", Set: names[si], Count: r.loso[si]})
		}
		res[mi] = r
	}

	best, bestF := -1, 0.0
	var why []string
	if len(pooled) > 0 {
		best, why = pooledBar(names, pooled, rules, func(mi int) []Count { return res[mi].loso })
	} else {
		for mi, md := range tagModes {
			var fails []string
			sum := 0.0
			for si := range scored {
				rf, floor := f1(rules[si]), min(tagsMinPrecision, rules[si].Precision())
				for k, c := range []Count{res[mi].cv[si], res[mi].loso[si]} {
					sum += f1(c)
					how := [...]string{"CV", "other source only"}[k]
					switch {
					case f1(c) <= rf:
						fails = append(fails, fmt.Sprintf("%s %s F1 %.3f <= rules %.3f", how, names[si], f1(c), rf))
					case c.Precision() < floor:
						fails = append(fails, fmt.Sprintf("%s %s precision %.3f < %.3f", how, names[si], c.Precision(), floor))
					}
				}
			}
			if len(fails) > 0 {
				why = append(why, md.name+": "+strings.Join(fails, ", "))
				continue
			}
			if best < 0 || sum > bestF {
				best, bestF = mi, sum
			}
		}
	}
	shown := 0
	if best >= 0 {
		shown = best
		tr.Mode, tr.Threshold = tagModes[best].mode, res[best].threshold
		tr.Why = fmt.Sprintf("ships %s, threshold %.3f", tagModes[best].name, tr.Threshold)
	} else {
		tr.Why = "measured, not shipped (" + strings.Join(why, "; ") + ")"
	}
	tr.Errors = res[shown].errs
	if best < 0 || !final {
		return tr, nil, nil
	}
	m, err := classify.TrainLinear(ctx, cfg, data, all)
	if err != nil {
		return nil, nil, err
	}
	m.Threshold = tr.Threshold
	return tr, m, nil
}

// pooledBar applies the pooled bar of TrainTags: over the sources named in
// pooled, the rules' counts and each mode's leave-one-source-out counts
// (loso) summed; a mode passes with F1 at least 0.01 above the rules' and
// precision at most 0.01 below; the first passing mode of tagModes ("rules
// or score") is taken. It returns that mode, or -1 and why none passed.
func pooledBar(names, pooled []string, rules []Count, loso func(mi int) []Count) (int, []string) {
	sum := func(cs []Count) Count {
		var out Count
		for si, c := range cs {
			if slices.Contains(pooled, names[si]) {
				out.TP += c.TP
				out.FP += c.FP
				out.FN += c.FN
			}
		}
		return out
	}
	r := sum(rules)
	var why []string
	for mi, md := range tagModes {
		c := sum(loso(mi))
		switch {
		case f1(c) < f1(r)+0.01:
			why = append(why, fmt.Sprintf("%s: pooled %s other-source F1 %.3f < rules %.3f + 0.01", md.name, strings.Join(pooled, "+"), f1(c), f1(r)))
		case c.Precision() < r.Precision()-0.01:
			why = append(why, fmt.Sprintf("%s: pooled %s other-source precision %.3f < rules %.3f - 0.01", md.name, strings.Join(pooled, "+"), c.Precision(), r.Precision()))
		default:
			return mi, why
		}
	}
	return -1, why
}
