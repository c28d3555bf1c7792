package eval

import (
	"context"
	"fmt"
	"io"
	"strings"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
	"fullqa/internal/detect"
)

// promiseConfig is the training configuration of the learned promise
// scorer (chosen by the cross-validation of TrainPromise; see the README).
func promiseConfig() classify.LinearConfig {
	return classify.LinearConfig{Bits: detect.PromiseBits, Seed: 20261206, Epochs: 12, LR: 0.05, L2: 1e-3, PosW: 1}
}

// PromiseMinPrecision is the default precision floor of the shipped
// promise threshold: the best F1 on the out-of-fold scores of all sources
// pooled among the thresholds that keep pooled precision at this floor.
// It is the target on new chats (P >= 0.85): a wrong finding costs
// more than a missing one, and the stacked score buys precision on every
// source for some recall.
const PromiseMinPrecision = 0.85

// PromiseReport is the measurement of the learned promise scorer in both
// decisions it was tried in: "the rules, or the score" and the stacked
// score alone (the rules' verdict one of its features), which ships.
type PromiseReport struct {
	Or, Stacked *NegativeReport
	// MinPrecision is the precision floor the thresholds were chosen at.
	MinPrecision float64
	// Shipped are the stacked decision's rows at its one shipped
	// threshold, per source and pooled ("all"): every example scored out
	// of fold (5-fold CV by conversation), then by the model trained on
	// the other sources only (leave one source out).
	Shipped []NegativeRow
	// Sources names the sources the weights are trained on, in order.
	Sources []string
}

// String renders both measurements, the shipped decision's rows and the
// verdict.
func (r *PromiseReport) String() string {
	var b strings.Builder
	b.WriteString(r.Or.String() + "\n" + r.Stacked.String() + "\n")
	fmt.Fprintf(&b, "shipped: stacked score >= %.3f (best F1 on the pooled out-of-fold scores keeping pooled precision >= %.2f)\n\n", r.Stacked.Threshold, r.MinPrecision)
	fmt.Fprintf(&b, "%-58s %-6s %5s %5s %5s %9s %7s\n", "decision", "source", "TP", "FP", "FN", "precision", "recall")
	writeRows(&b, 58, r.Shipped)
	b.WriteString("\n" + r.Verdict() + "\n")
	return b.String()
}

// gains returns, per source, the F1 of the learned decision minus the
// rules' F1, cross-validated and trained on the other sources only. The
// rows are the rules, the cross-validation and the other-source model, each
// once per source, in that order.
func gains(rep *NegativeReport) (cv, other []float64) {
	n := len(rep.Sets)
	if len(rep.Rows) < 2*n {
		return nil, nil
	}
	for k := range n {
		base := rep.Rows[k].F1()
		cv = append(cv, rep.Rows[n+k].F1()-base)
		if len(rep.Rows) >= 3*n {
			other = append(other, rep.Rows[2*n+k].F1()-base)
		}
	}
	return cv, other
}

// Ships reports whether the stacked decision keeps the precision floor on
// the pooled out-of-fold scores at its threshold (the first "all" row of
// Shipped). When no threshold keeps it, the most precise one was chosen
// and the rules alone should decide.
func (r *PromiseReport) Ships() bool {
	for _, row := range r.Shipped {
		if row.Set == "all" {
			return row.Precision() >= r.MinPrecision
		}
	}
	return false
}

// Verdict says what ships, and the stacked decision's F1 gains over the
// rules (with per-fold thresholds) for the record.
func (r *PromiseReport) Verdict() string {
	cv, other := gains(r.Stacked)
	var b strings.Builder
	fmt.Fprintf(&b, "stacked, F1 minus the rules' F1 (thresholds chosen without the scored chats):")
	for k, set := range r.Stacked.Sets {
		if k < len(cv) {
			fmt.Fprintf(&b, " %s CV %+.3f", set, cv[k])
		}
		if k < len(other) {
			fmt.Fprintf(&b, ", other sources %+.3f", other[k])
		}
		b.WriteString(";")
	}
	if r.Ships() {
		fmt.Fprintf(&b, "\nverdict: the stacked score at %.3f keeps pooled precision >= %.2f: it decides promise.made (trained on %s)",
			r.Stacked.Threshold, r.MinPrecision, strings.Join(r.Sources, ", "))
	} else {
		fmt.Fprintf(&b, "\nverdict: no threshold keeps pooled precision >= %.2f: do not ship, the rules alone should decide promise.made", r.MinPrecision)
	}
	return b.String()
}

// shippedRows are the stacked decision's counts at threshold t, per source
// and pooled: out of fold, then by the models trained on the other sources.
func shippedRows(rep *NegativeReport, ex []negExample, t float32) []NegativeRow {
	var rows []NegativeRow
	for _, m := range []struct {
		name  string
		score []float32
	}{{fmt.Sprintf("stacked, out-of-fold score >= %.3f (CV)", t), rep.oof}, {fmt.Sprintf("stacked, other sources' model, score >= %.3f", t), rep.other}} {
		if m.score == nil {
			continue
		}
		var all Count
		for si, set := range rep.Sets {
			var c Count
			for i, e := range ex {
				if e.set == si {
					c.tally(m.score[i] >= t, e.gold)
					all.tally(m.score[i] >= t, e.gold)
				}
			}
			rows = append(rows, NegativeRow{Method: m.name, Set: set, Count: c})
		}
		rows = append(rows, NegativeRow{Method: m.name, Set: "all", Count: all})
	}
	return rows
}

// TrainPromise extracts the learned promise features of every Chinese
// agent message of the conversations labelled agent_promise (detect's
// PromiseFeatures), cross-validates a logistic regression by conversation
// (each fold's threshold chosen on the other folds: best F1 keeping
// precision at minPrec) in both decisions, measures each trained on the
// other sources only, reports the stacked decision at its shipped
// threshold (chosen on all out-of-fold scores pooled), and, when w is not
// nil, trains the final model of the stacked decision on everything and
// writes its weights with that threshold and the sources' names. It is
// deterministic.
//
// extra are training-only sets (hand-written synthetic chats): they join
// every training set and the final model, are never scored and never
// weigh in a threshold (as for TrainNegative), and are named after the
// scored sources in the weights.
func TrainPromise(ctx context.Context, sets, extra []NegativeSet, eng *detect.Engine, minPrec float64, w io.Writer) (*PromiseReport, error) {
	return trainPromiseWith(ctx, promiseConfig(), sets, extra, eng, minPrec, w)
}

// MeasurePromiseHidden is TrainPromise with an MLP of hidden units in
// place of the linear scorer in every cross-validated and
// leave-one-source-out model (the seventh comparison): a measurement, so
// no weights are written.
func MeasurePromiseHidden(ctx context.Context, sets, extra []NegativeSet, eng *detect.Engine, minPrec float64, hidden int) (*PromiseReport, error) {
	cfg := promiseConfig()
	cfg.Hidden = hidden
	return trainPromiseWith(ctx, cfg, sets, extra, eng, minPrec, nil)
}

// trainPromiseWith is TrainPromise with the training configuration cfg.
func trainPromiseWith(ctx context.Context, cfg classify.LinearConfig, sets, extra []NegativeSet, eng *detect.Engine, minPrec float64, w io.Writer) (*PromiseReport, error) {
	if len(sets) == 0 {
		return nil, fmt.Errorf("train promise: no labelled source to score")
	}
	var scratch detect.Scratch
	var ps detect.PromiseScratch
	all := append(append([]NegativeSet(nil), sets...), extra...)
	m, err := gatherMessages(ctx, all, "promise", "agent_promise", "agent", func(l *Labels) []int { return l.AgentPromise },
		func(c *conversation.Conversation, emit func(int, bool, []uint32, []float32)) {
			in, _ := eng.Inspect(c, &scratch)
			eng.PromiseFeatures(in, &ps, emit)
		})
	if err != nil {
		return nil, err
	}
	curve := []float32{0.3, 0.4, 0.5, 0.6, 0.7}
	groups := m.setGroups[len(sets)-1] // the scored sets' conversations: the folds
	or, err := learnedDecision(ctx, cfg, &m.data, m.ex, groups, sets, minPrec, curve, false, false)
	if err != nil {
		return nil, err
	}
	or.Title = fmt.Sprintf("learned promise.made, rules OR score, threshold %.3f (chosen on all out-of-fold scores, precision >= %.2f)", or.Threshold, minPrec)
	st, err := learnedDecision(ctx, cfg, &m.data, m.ex, groups, sets, minPrec, curve, w != nil, true)
	if err != nil {
		return nil, err
	}
	st.Title = fmt.Sprintf("learned promise.made, stacked score alone (rule verdict a feature), threshold %.3f (chosen on all out-of-fold scores, precision >= %.2f)", st.Threshold, minPrec)
	or.TrainingOnly = trainingOnlyNotes(m.ex, len(sets), extra, "agent messages", "promises")
	st.TrainingOnly = or.TrainingOnly
	rep := &PromiseReport{Or: or, Stacked: st, MinPrecision: minPrec, Shipped: shippedRows(st, m.ex, st.Threshold)}
	for _, s := range sets {
		rep.Sources = append(rep.Sources, s.Name)
	}
	if w != nil {
		st.final.Sources = sourceNames(sets, extra)
		if err := classify.EncodeLinear(w, st.final); err != nil {
			return nil, err
		}
	}
	return rep, nil
}
