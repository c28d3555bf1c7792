package eval

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
	"fullqa/internal/detect"
)

// EndingSet is one labelled source the conversation-ending classifier is
// trained and measured on: its chats and, per conversation, the reviewers'
// ending as a class of detect.EndingClasses.
type EndingSet struct {
	Name    string
	Src     Source
	Endings map[string]int
	// RulesTuned says the resolution rules were tuned on these chats:
	// their verdicts here are development numbers, so whether to OR them
	// into the decision is chosen on the other sources.
	RulesTuned bool
}

// LoadEndings reads an ending label file (jddc_ending_labels.jsonl,
// uss_ending_labels.jsonl: session_id and ending) into classes of
// detect.EndingClasses.
func LoadEndings(path string) (map[string]int, error) {
	out := map[string]int{}
	classes := detect.EndingClasses()
	err := forEachJSONL(path, func(raw *json.RawMessage) error {
		var l struct {
			SessionID string `json:"session_id"`
			Ending    string `json:"ending"`
		}
		if err := json.Unmarshal(*raw, &l); err != nil {
			return err
		}
		for c, name := range classes {
			if l.Ending == name {
				out[l.SessionID] = c
				return nil
			}
		}
		return fmt.Errorf("session %s: unknown ending %q", l.SessionID, l.Ending)
	})
	if err != nil {
		return nil, fmt.Errorf("ending labels: %w", err)
	}
	return out, nil
}

// unresolvedClass is the class of detect.EndingClasses that is
// resolution.unresolved.
const unresolvedClass = 2

// endConfig is the training configuration of the ending classifier
// (chosen by the cross-validation below; see the README).
func endConfig(classW []float32) classify.SoftmaxConfig {
	return classify.SoftmaxConfig{K: detect.NumEndingClasses, Bits: detect.EndingBits, Seed: 20261206,
		Epochs: 5, LR: 0.05, L2: 0.3, ClassW: classW}
}

// endMinPrecision is the precision the unresolved threshold must keep on
// the out-of-fold scores it is chosen on: the target is 0.7 on
// new chats, and precision falls on chats nobody tuned on.
const endMinPrecision = 0.75

// EndingReport is the outcome of cross-validating (and perhaps training)
// the ending classifier.
type EndingReport struct {
	Sets []string
	// Classes are per-class counts (argmax of the probabilities, and the
	// shipped decision), per source and evaluation.
	Classes []EndingRow
	// Unresolved are the resolution.unresolved decisions compared.
	Unresolved []NegativeRow
	// Curve is the cross-validated unresolved precision and recall at
	// fixed thresholds, to show the trade-off.
	Curve []NegativeRow
	// Threshold and OrRules are the decision chosen on all out-of-fold
	// scores, the one that ships.
	Threshold float32
	OrRules   uint32
	Chosen    string // the chosen variant
	Errors    []string
	// AP is the average precision of the out-of-fold unresolved
	// probability, per source and over all (the ranking, thresholds
	// aside).
	AP []float64
}

// EndingRow is the three-way outcome of one evaluation on one source.
type EndingRow struct {
	Method, Set string
	Counts      [detect.NumEndingClasses]Count
}

// MacroF1 is the mean F1 of the classes.
func (r EndingRow) MacroF1() float64 {
	var s float64
	for _, c := range r.Counts {
		s += f1(c)
	}
	return s / float64(len(r.Counts))
}

// String renders the report.
func (r *EndingReport) String() string {
	var b strings.Builder
	rule := r.Chosen
	if r.OrRules == 0 {
		rule += " (the rules' verdict is one of its features)"
	}
	fmt.Fprintf(&b, "conversation ending: resolved / pending / unresolved, a learned classifier (5-fold CV by conversation, and leave-one-source-out)\n")
	fmt.Fprintf(&b, "shipped decision: resolution.unresolved when P(unresolved) >= %.3f: %s\n", r.Threshold, rule)
	fmt.Fprintf(&b, "average precision of P(unresolved), out-of-fold: %s\n\n", fmtAP(r.Sets, r.AP))
	fmt.Fprintf(&b, "%-44s %-6s %8s  %-17s %-17s %-17s\n", "three-way", "source", "macro-F1", "resolved P/R", "pending P/R", "unresolved P/R")
	for _, row := range r.Classes {
		fmt.Fprintf(&b, "%-44s %-6s %8.3f", row.Method, row.Set, row.MacroF1())
		for _, c := range row.Counts {
			fmt.Fprintf(&b, "  %-17s", fmt.Sprintf("%s/%s (%d)", fmtRatio(c.Precision()), fmtRatio(c.Recall()), c.TP+c.FN))
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "\n%-62s %-6s %5s %5s %5s %9s %7s\n", "resolution.unresolved", "source", "TP", "FP", "FN", "precision", "recall")
	writeRows(&b, 62, r.Unresolved)
	b.WriteString("\nthe trade-off (learned alone, out-of-fold):\n")
	writeRows(&b, 62, r.Curve)
	return b.String()
}

// endExample is one labelled conversation.
type endExample struct {
	set   int
	gold  int // its ending class
	why   int // the resolution rules' reason to call it unresolved, 0 if none
	where string
}

// TrainEnding extracts the ending features of every labelled conversation
// of sets with the engine engineFor returns for it (so that the emotion
// model's scores on a chat come from a model that did not train on it),
// cross-validates the three-way classifier by conversation (5 folds,
// each fold's unresolved threshold chosen on the other folds), measures
// it leave-one-source-out, chooses the decision (the classifier alone or
// OR-ed with the rules, and one threshold) on all out-of-fold scores and,
// when w is not nil, trains the final model on everything and writes its
// weights with that decision to w. It is deterministic.
func TrainEnding(ctx context.Context, sets []EndingSet, engineFor func(convID string) *detect.Engine, w io.Writer) (*EndingReport, error) {
	data, ex, err := endingData(ctx, sets, engineFor)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(sets))
	tuned := make([]bool, len(sets))
	for i, s := range sets {
		names[i], tuned[i] = s.Name, s.RulesTuned
	}
	k := detect.NumEndingClasses
	return endingCV(ctx, endConfig(classWeights(ex, k, endClassPower)), data, ex, names, tuned, w)
}

// endingData extracts the ending features of the labelled conversations.
func endingData(ctx context.Context, sets []EndingSet, engineFor func(convID string) *detect.Engine) (*classify.MultiSet, []endExample, error) {
	var data classify.MultiSet
	var ex []endExample
	var scratch detect.Scratch
	for si, set := range sets {
		err := set.Src(func(c *conversation.Conversation) error {
			gold, ok := set.Endings[c.ID]
			if !ok {
				return nil
			}
			eng := engineFor(c.ID)
			in, out := eng.Inspect(c, &scratch)
			eng.EndingFeatures(in, &out, func(why int, idx []uint32, val []float32) {
				data.Add(idx, val, gold)
				ex = append(ex, endExample{set: si, gold: gold, why: why, where: c.ID + " " + clip(lastCustomerText(c))})
			})
			return ctx.Err()
		})
		if err != nil {
			return nil, nil, fmt.Errorf("ending features of %s: %w", set.Name, err)
		}
	}
	if len(ex) == 0 {
		return nil, nil, fmt.Errorf("train ending: no labelled conversation (or no emotion model)")
	}
	return &data, ex, nil
}

// endingCV cross-validates cfg on the extracted examples (see TrainEnding).
func endingCV(ctx context.Context, cfg classify.SoftmaxConfig, data *classify.MultiSet, ex []endExample, sets []string, tuned []bool, w io.Writer) (*EndingReport, error) {
	rep := &EndingReport{Sets: sets}

	// Folds by conversation, dealt per source (foldsOf's unit is a group).
	nex := make([]negExample, len(ex))
	for i, e := range ex {
		nex[i] = negExample{set: e.set, group: i, gold: e.gold == unresolvedClass, rule: e.why != 0, where: e.where}
	}
	fold := foldsOf(nex, len(ex), cfg.Seed)
	all := make([]int32, len(ex))
	for i := range all {
		all[i] = int32(i)
	}
	oof := make([][]float32, len(ex))
	for f := range negFolds {
		m, err := classify.TrainSoftmax(ctx, cfg, data, outsideFold(all, fold, f))
		if err != nil {
			return nil, err
		}
		for i := range ex {
			if fold[i] == f {
				oof[i] = probsOf(m, data, i)
			}
		}
	}
	// Leave one source out: train on the others, score it.
	loso := make([][]float32, len(ex))
	if len(sets) > 1 {
		for si := range sets {
			var train []int32
			for i, e := range ex {
				if e.set != si {
					train = append(train, int32(i))
				}
			}
			m, err := classify.TrainSoftmax(ctx, cfg, data, train)
			if err != nil {
				return nil, err
			}
			for i, e := range ex {
				if e.set == si {
					loso[i] = probsOf(m, data, i)
				}
			}
		}
	}

	pu := func(p [][]float32) []float32 {
		s := make([]float32, len(p))
		for i := range p {
			if p[i] != nil {
				s[i] = p[i][unresolvedClass]
			}
		}
		return s
	}
	oofU := pu(oof)

	// The unresolved decision, each fold's threshold chosen on the others:
	// the classifier alone (the rules' verdict is one of its features), or
	// OR-ed with the rules, every reason or all but give-up words (the
	// rules' known false alarm: "算了" read literally).
	type variant struct {
		name string
		ex   []negExample
		or   uint32
	}
	withRules := func(mask uint32) []negExample {
		out := make([]negExample, len(nex))
		copy(out, nex)
		for i := range out {
			out[i].rule = mask&(1<<ex[i].why) != 0 && ex[i].why != 0
		}
		return out
	}
	var allReasons, noGiveup uint32
	for why, name := range detect.EndingRuleReasons() {
		if name != "" {
			allReasons |= 1 << why
			if name != "give-up" {
				noGiveup |= 1 << why
			}
		}
	}
	variants := []variant{{"learned alone", withRules(0), 0}, {"learned OR rules", withRules(allReasons), allReasons},
		{"learned OR rules but give-up", withRules(noGiveup), noGiveup}}
	// The variant is chosen by the pooled F1 of the nested decisions on
	// the sources the rules were not tuned on (all, if they were tuned on
	// every one): on their own chats the rules look far better than on
	// new ones. Ties go to the F1 over every source.
	judge := func(i int) bool { return !tuned[ex[i].set] }
	if !slices.Contains(tuned, false) {
		judge = func(int) bool { return true }
	}
	bestF, bestAll, best := -1.0, -1.0, 0
	nested := make([][]bool, len(variants))
	for vi, v := range variants {
		pred := nestedDecisions(oofU, v.ex, all, fold, endMinPrecision)
		nested[vi] = pred
		var pooled, every Count
		for i, e := range nex {
			every.tally(pred[i], e.gold)
			if judge(i) {
				pooled.tally(pred[i], e.gold)
			}
		}
		if f, fa := f1(pooled), f1(every); f > bestF || f == bestF && fa > bestAll {
			bestF, bestAll, best = f, fa, vi
		}
	}
	chosen := variants[best]
	rep.OrRules, rep.Chosen = chosen.or, chosen.name
	rep.Threshold = chooseThresholdAt(oofU, chosen.ex, all, endMinPrecision)

	// Rows, per source and pooled.
	setNames := append(append([]string(nil), rep.Sets...), "all")
	inSet := func(si, i int) bool { return si == len(sets) || ex[i].set == si }
	for si, name := range setNames {
		var rules Count
		for i, e := range nex {
			if inSet(si, i) {
				rules.tally(e.rule, e.gold)
			}
		}
		rep.Unresolved = append(rep.Unresolved, NegativeRow{Method: "rules alone", Set: name, Count: rules})
		for vi, v := range variants {
			var c Count
			for i, e := range nex {
				if inSet(si, i) {
					c.tally(nested[vi][i], e.gold)
				}
			}
			rep.Unresolved = append(rep.Unresolved, NegativeRow{Method: v.name + ", 5-fold CV (threshold per fold)", Set: name, Count: c})
		}
	}
	// Leave-one-source-out at a threshold chosen on the training source's
	// out-of-fold scores.
	if len(sets) > 1 {
		losoU := pu(loso)
		for si, name := range rep.Sets {
			var sel []int32
			for i, e := range ex {
				if e.set != si {
					sel = append(sel, int32(i))
				}
			}
			t := chooseThresholdAt(oofU, chosen.ex, sel, endMinPrecision)
			var c Count
			for i, e := range nex {
				if e.set == si {
					c.tally(losoU[i] >= t || chosen.ex[i].rule, e.gold)
				}
			}
			rep.Unresolved = append(rep.Unresolved, NegativeRow{Method: chosen.name + ", trained on the other source", Set: name, Count: c})
		}
	}
	for _, t := range []float32{0.2, 0.3, 0.4, 0.5, 0.6, 0.7} {
		for si, name := range setNames {
			var c Count
			for i, e := range nex {
				if inSet(si, i) {
					c.tally(oofU[i] >= t, e.gold)
				}
			}
			rep.Curve = append(rep.Curve, NegativeRow{Method: fmt.Sprintf("P(unresolved) >= %.2f", t), Set: name, Count: c})
		}
	}

	for si := range setNames {
		var sel []int32
		for i := range ex {
			if inSet(si, i) {
				sel = append(sel, int32(i))
			}
		}
		rep.AP = append(rep.AP, averagePrecision(oofU, nex, sel))
	}

	// Three-way rows: argmax, and the shipped decision rule (CV: the
	// nested unresolved decision of the chosen variant).
	decided := func(p []float32, unres bool) int {
		if unres {
			return unresolvedClass
		}
		if p[1] > p[0] {
			return 1
		}
		return 0
	}
	for si, name := range setNames {
		var am, dec, lo EndingRow
		am.Method, am.Set = "argmax, 5-fold CV", name
		dec.Method, dec.Set = "shipped decision, 5-fold CV", name
		lo.Method, lo.Set = "argmax, trained on the other source", name
		for i, e := range ex {
			if !inSet(si, i) {
				continue
			}
			tally3(&am, argmax(oof[i]), e.gold)
			tally3(&dec, decided(oof[i], nested[best][i]), e.gold)
			if loso[i] != nil {
				tally3(&lo, argmax(loso[i]), e.gold)
			}
		}
		rep.Classes = append(rep.Classes, am, dec)
		if len(sets) > 1 && si < len(sets) {
			rep.Classes = append(rep.Classes, lo)
		}
	}
	for i, e := range nex {
		if k := (&Count{}).tally(nested[best][i], e.gold); k != "" {
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s p=%.2f %s", k, oofU[i], e.where))
		}
	}

	if w != nil {
		m, err := classify.TrainSoftmax(ctx, cfg, data, all)
		if err != nil {
			return nil, err
		}
		m.Threshold, m.OrRules, m.Unresolved = rep.Threshold, rep.OrRules, unresolvedClass
		if err := classify.EncodeSoftmax(w, m); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// endClassPower is the power of the class weights (classWeights).
const endClassPower = 0.5

// classWeights weighs each class by (n / (k·n_class))^power, so the rare
// unresolved chats count more without drowning the others.
func classWeights(ex []endExample, k int, power float64) []float32 {
	n := make([]int, k)
	for _, e := range ex {
		n[e.gold]++
	}
	w := make([]float32, k)
	for c := range w {
		w[c] = 1
		if n[c] > 0 {
			w[c] = float32(math.Pow(float64(len(ex))/float64(k*n[c]), power))
		}
	}
	return w
}

func probsOf(m *classify.Softmax, data *classify.MultiSet, i int) []float32 {
	idx, val, _ := data.Example(i)
	p := make([]float32, m.K)
	m.Probs(idx, val, p)
	return p
}

func argmax(p []float32) int {
	b := 0
	for c := range p {
		if p[c] > p[b] {
			b = c
		}
	}
	return b
}

func tally3(r *EndingRow, pred, gold int) {
	for c := range r.Counts {
		r.Counts[c].tally(pred == c, gold == c)
	}
}

// lastCustomerText is the customer's last message, to show an error.
func lastCustomerText(c *conversation.Conversation) string {
	for i := len(c.Messages) - 1; i >= 0; i-- {
		if c.Messages[i].Role == conversation.RoleCustomer {
			return c.Messages[i].Text
		}
	}
	return ""
}

// averagePrecision is the mean, over the positives of sel, of the
// precision among the examples scored at least as high.
func averagePrecision(score []float32, ex []negExample, sel []int32) float64 {
	order := append([]int32(nil), sel...)
	sort.SliceStable(order, func(a, b int) bool { return score[order[a]] > score[order[b]] })
	tp, sum, pos := 0, 0.0, 0
	for k, i := range order {
		if ex[i].gold {
			tp++
			pos++
			sum += float64(tp) / float64(k+1)
		}
	}
	if pos == 0 {
		return 0
	}
	return sum / float64(pos)
}

func fmtAP(sets []string, ap []float64) string {
	var parts []string
	for i, v := range ap {
		name := "all"
		if i < len(sets) {
			name = sets[i]
		}
		parts = append(parts, fmt.Sprintf("%s %.3f", name, v))
	}
	return strings.Join(parts, ", ")
}
