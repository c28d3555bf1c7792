package eval

import (
	"context"
	"fmt"
	"io"
	"strings"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/ingest"
)

// threatConfig is the training configuration of the learned threat scorer.
func threatConfig() classify.LinearConfig {
	return classify.LinearConfig{Bits: detect.ThreatBits, Seed: 20261206, Epochs: 20, LR: 0.1, L2: 1e-4, PosW: 1}
}

// threatMinPrecision is the precision the threat threshold keeps on the
// out-of-fold scores it is chosen on (for "the rules, or the score": the
// precision of the findings the score adds to the rules'): a threat is the
// first real-time alert a shop gets, and the target on complaint threads
// is 0.85.
const threatMinPrecision = 0.90

// Canonical reads conversations in the canonical JSON Lines input format
// with the product's own importer (the training-only synthetic threats).
func Canonical(path string) Source {
	return func(fn func(*conversation.Conversation) error) error {
		return ingest.ForEachInFile(path, ingest.Options{Format: ingest.FormatJSONL}, fn)
	}
}

// ThreatInputs are what the learned threat scorer is trained and measured
// on. Synthetic (chats and customer_threat labels) is the only training
// data; Real are the labelled real chats (every customer message of the
// JDDC sample and the uss dialogues), never trained on; JDDC, USS and
// Candidates are the threat candidates of both sources
// (testdata/threat_candidates.jsonl). Real and the candidates are left out
// when nil or empty (no ../shared data).
type ThreatInputs struct {
	Synthetic  NegativeSet
	Real       []NegativeSet
	JDDC, USS  Source
	Candidates string
}

// ThreatLearnReport compares the threat rules alone with "the rules, or
// the learned score at one threshold" on the synthetic set (cross-
// validated: not a held-out number) and on real chats nobody trained on.
type ThreatLearnReport struct {
	// Threshold is the score from which "the rules, or the score" adds a
	// finding; AloneThreshold the one of "the score alone".
	Threshold, AloneThreshold float32
	// Gated and Messages count the synthetic customer messages the scorer
	// reads and all of them.
	Gated, Messages int
	Rows            []ThreatRow
	Curve           []ThreatRow
	// Errors are the mistakes of the cross-validated decision on the
	// synthetic set, and the learned-only findings on the real chats.
	Errors []string
	// Outside are learned-only findings on real messages no label covers:
	// to be read by hand before the scorer ships.
	Outside []string
	// RealMessages, RealRead and RealTop are the customer messages of the
	// JDDC and uss chats, those the scorer reads, and its highest score on
	// one the rules pass over: how far the real chats stay from the
	// threshold.
	RealMessages, RealRead int
	RealTop                string
}

// ThreatRow is one measurement: a decision on one set, before (the rules
// alone) and after (the rules, or the learned score).
type ThreatRow struct {
	Set, Method   string
	Before, After Count
}

// TrainThreat extracts the learned threat features of every customer
// message of the synthetic set, cross-validates the scorer by conversation
// (each fold's threshold chosen on the other folds, keeping precision at
// threatMinPrecision), trains it on the whole synthetic set, and measures
// that model on the real chats and the threat candidates. With w set it
// writes the model's weights. It is deterministic.
func TrainThreat(ctx context.Context, in ThreatInputs, eng *detect.Engine, w io.Writer) (*ThreatLearnReport, error) {
	var data classify.SparseSet
	var ex []negExample
	var gated []bool
	groups := 0
	var scratch detect.Scratch
	err := in.Synthetic.Src(func(c *conversation.Conversation) error {
		l, ok := in.Synthetic.Labels[c.ID]
		if !ok || !l.has("customer_threat") {
			return nil
		}
		gold := map[int]bool{}
		for _, n := range l.CustomerThreat {
			gold[n] = true
		}
		inp, _ := eng.Inspect(c, &scratch)
		eng.ThreatFeatures(inp, func(msg int, rule, g bool, idx []uint32, val []float32) {
			data.Add(idx, val, gold[msg])
			gated = append(gated, g)
			ex = append(ex, negExample{group: groups, gold: gold[msg], rule: rule,
				where: fmt.Sprintf("%s[%d] %s", c.ID, msg, clip(c.Messages[msg].Text))})
		})
		groups++
		return ctx.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("threat features of %s: %w", in.Synthetic.Name, err)
	}
	if len(ex) == 0 {
		return nil, fmt.Errorf("train threat: no labelled customer message")
	}
	rep := &ThreatLearnReport{Messages: len(ex)}
	var rows []int32 // the gated messages: the only ones trained and scored
	for i, g := range gated {
		if g {
			rows = append(rows, int32(i))
		}
	}
	rep.Gated = len(rows)
	all := make([]int32, len(ex))
	for i := range all {
		all[i] = int32(i)
	}
	cfg := threatConfig()
	fold := foldsOf(ex, groups, cfg.Seed)
	oof, err := outOfFold(ctx, cfg, &data, rows, fold) // 0 for messages never gated
	if err != nil {
		return nil, err
	}
	// Two ways to combine: the rules, or the score (learned findings are
	// added to the rules'); and the score alone on the messages it reads
	// (the rules' verdict is its strongest feature, so it can also take a
	// rule's finding back). Each fold's threshold is chosen on the others.
	noRule := withoutRule(ex)
	var rules, cvOr, cvAlone Count
	for f := range negFolds {
		sel := outsideFold(all, fold, f)
		tOr := chooseThresholdAt(oof, noRule, unruled(ex, sel), threatMinPrecision)
		tAlone := chooseThresholdAt(oof, noRule, sel, threatMinPrecision)
		for i, e := range ex {
			if fold[i] != f {
				continue
			}
			rules.tally(e.rule, e.gold)
			pred := e.rule || (gated[i] && oof[i] >= tOr)
			if kind := cvOr.tally(pred, e.gold); kind != "" {
				if !e.rule {
					kind += " (learned only)"
				}
				rep.Errors = append(rep.Errors, "synthetic "+kind+" "+e.where)
			} else if pred && !e.rule {
				rep.Errors = append(rep.Errors, "synthetic TP (learned only) "+e.where)
			}
			alone := gated[i] && oof[i] >= tAlone
			cvAlone.tally(alone, e.gold)
			if alone != e.rule {
				rep.Errors = append(rep.Errors, fmt.Sprintf("synthetic score-alone %v, rules %v (gold %v) %s", alone, e.rule, e.gold, e.where))
			}
		}
	}
	rep.Rows = append(rep.Rows,
		ThreatRow{Set: in.Synthetic.Name, Method: fmt.Sprintf("rules, or score: %d-fold CV (not held-out)", negFolds), Before: rules, After: cvOr},
		ThreatRow{Set: in.Synthetic.Name, Method: fmt.Sprintf("score alone: %d-fold CV (not held-out)", negFolds), Before: rules, After: cvAlone})
	rep.Threshold = chooseThresholdAt(oof, noRule, unruled(ex, all), threatMinPrecision)
	rep.AloneThreshold = chooseThresholdAt(oof, noRule, all, threatMinPrecision)
	for _, t := range []float32{0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9} {
		var c, a Count
		for i, e := range ex {
			c.tally(e.rule || (gated[i] && oof[i] >= t), e.gold)
			a.tally(gated[i] && oof[i] >= t, e.gold)
		}
		rep.Curve = append(rep.Curve, ThreatRow{Set: in.Synthetic.Name, Method: fmt.Sprintf("rules, or out-of-fold score >= %.2f", t), Before: rules, After: c},
			ThreatRow{Set: in.Synthetic.Name, Method: fmt.Sprintf("out-of-fold score alone >= %.2f", t), Before: rules, After: a})
	}

	m, err := classify.TrainLinear(ctx, cfg, &data, rows)
	if err != nil {
		return nil, err
	}
	m.Threshold = rep.Threshold
	model := &detect.ThreatModel{W: m.W, Bias: m.Bias, Threshold: m.Threshold}
	if err := rep.real(ctx, in, eng, model); err != nil {
		return nil, err
	}
	if w != nil {
		if err := classify.EncodeLinear(w, m); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// unruled returns the rows of sel the rules do not call threats: the
// threshold of "the rules, or the score" is chosen on them alone, so that
// the findings the score adds keep threatMinPrecision by themselves (the
// rules' own false alarms would otherwise hold every threshold under it).
func unruled(ex []negExample, sel []int32) []int32 {
	var out []int32
	for _, i := range sel {
		if !ex[i].rule {
			out = append(out, i)
		}
	}
	return out
}

// real measures the rules and the trained model on the real chats: every
// customer message of the labelled sets, and the threat candidates.
func (rep *ThreatLearnReport) real(ctx context.Context, in ThreatInputs, eng *detect.Engine, m *detect.ThreatModel) error {
	var scratch detect.Scratch
	// decide calls fn with the rules' and the combined decision on every
	// customer message of c.
	var top float32
	decide := func(c *conversation.Conversation, fn func(msg int, rule, after, alone bool, p float32)) {
		inp, _ := eng.Inspect(c, &scratch)
		eng.ThreatFeatures(inp, func(msg int, rule, g bool, idx []uint32, val []float32) {
			p := float32(0)
			if g {
				p = m.Prob(idx, val)
			}
			fn(msg, rule, rule || p >= m.Threshold, g && p >= rep.AloneThreshold, p)
		})
	}
	for _, set := range in.Real {
		row := ThreatRow{Set: set.Name, Method: "rules, or score: real chats (held-out)"}
		alone := ThreatRow{Set: set.Name, Method: "score alone: real chats (held-out)"}
		err := set.Src(func(c *conversation.Conversation) error {
			l, ok := set.Labels[c.ID]
			if !ok || !l.has("customer_threat") {
				return nil
			}
			gold := map[int]bool{}
			for _, n := range l.CustomerThreat {
				gold[n] = true
			}
			decide(c, func(msg int, rule, after, a bool, _ float32) {
				row.Before.tally(rule, gold[msg])
				row.After.tally(after, gold[msg])
				alone.Before.tally(rule, gold[msg])
				alone.After.tally(a, gold[msg])
				if after != rule || a != rule {
					rep.Errors = append(rep.Errors, fmt.Sprintf("%s rules %v, rules-or-score %v, score-alone %v (gold %v) %s[%d] %s", set.Name, rule, after, a, gold[msg], c.ID, msg, clip(c.Messages[msg].Text)))
				}
			})
			return ctx.Err()
		})
		if err != nil {
			return fmt.Errorf("threat on %s: %w", set.Name, err)
		}
		rep.Rows = append(rep.Rows, row, alone)
	}
	if in.Candidates == "" || in.JDDC == nil || in.USS == nil {
		return nil
	}
	labels := map[string]bool{}
	err := forEachJSONL(in.Candidates, func(l *ThreatLabel) error {
		labels[fmt.Sprintf("%s/%s/%d", l.Source, l.SessionID, l.Message)] = l.Threat
		return nil
	})
	if err != nil {
		return fmt.Errorf("threat labels: %w", err)
	}
	row := ThreatRow{Set: "jddc+uss", Method: "rules, or score: threat candidates (held-out)"}
	alone := ThreatRow{Set: "jddc+uss", Method: "score alone: threat candidates (held-out)"}
	for _, s := range []struct {
		name string
		src  Source
	}{{"jddc", in.JDDC}, {"uss", in.USS}} {
		err := s.src(func(c *conversation.Conversation) error {
			decide(c, func(msg int, rule, after, a bool, p float32) {
				key := fmt.Sprintf("%s/%s/%d", s.name, c.ID, msg)
				rep.RealMessages++
				if p > 0 {
					rep.RealRead++
				}
				if !rule && p > top {
					top = p
					rep.RealTop = fmt.Sprintf("%.3f %s %s", p, key, clip(c.Messages[msg].Text))
				}
				gold, ok := labels[key]
				switch {
				case ok:
					row.Before.tally(rule, gold)
					row.After.tally(after, gold)
					alone.Before.tally(rule, gold)
					alone.After.tally(a, gold)
				case (after || a) && !rule:
					rep.Outside = append(rep.Outside, key+" "+clip(c.Messages[msg].Text))
				}
			})
			return ctx.Err()
		})
		if err != nil {
			return fmt.Errorf("threat candidates of %s: %w", s.name, err)
		}
	}
	rep.Rows = append(rep.Rows, row, alone)
	return nil
}

// String renders the report.
func (rep *ThreatLearnReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "learned threat.escalation, thresholds %.3f (rules, or score) and %.3f (score alone), chosen on all out-of-fold synthetic scores, precision >= %.2f\n", rep.Threshold, rep.AloneThreshold, threatMinPrecision)
	fmt.Fprintf(&b, "synthetic customer messages: %d, read by the scorer (a threat word or cue): %d\n\n", rep.Messages, rep.Gated)
	line := func(r ThreatRow) {
		fmt.Fprintf(&b, "%-44s %-9s rules %3d/%3d/%3d %5s %5s   rules-or-learned %3d/%3d/%3d %5s %5s\n", r.Method, r.Set,
			r.Before.TP, r.Before.FP, r.Before.FN, fmtRatio(r.Before.Precision()), fmtRatio(r.Before.Recall()),
			r.After.TP, r.After.FP, r.After.FN, fmtRatio(r.After.Precision()), fmtRatio(r.After.Recall()))
	}
	b.WriteString("(TP/FP/FN precision recall)\n")
	for _, r := range rep.Rows {
		line(r)
	}
	b.WriteString("\nthe trade-off on the synthetic set (out-of-fold):\n")
	for _, r := range rep.Curve {
		line(r)
	}
	if rep.RealMessages > 0 {
		fmt.Fprintf(&b, "\nreal customer messages (JDDC and uss): %d, read by the scorer: %d; its highest score on one the rules pass over: %s\n",
			rep.RealMessages, rep.RealRead, rep.RealTop)
	}
	fmt.Fprintf(&b, "\nlearned-only findings on real messages no label covers: %d\n", len(rep.Outside))
	for _, o := range rep.Outside {
		fmt.Fprintln(&b, "  "+o)
	}
	return b.String()
}
