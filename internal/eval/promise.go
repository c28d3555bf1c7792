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

// promiseMinPrecision is the precision the promise threshold keeps on the
// out-of-fold scores of both sources together. The target on new chats is
// 0.85, but the rules alone keep only 0.81 on the two sources pooled, so at
// 0.85 the "rules or score" decision can only be the rules themselves;
// 0.80 asks the learned decision to keep about the rules' precision.
const promiseMinPrecision = 0.80

// PromiseReport is the measurement of the learned promise scorer in both
// decisions it was tried in: "the rules, or the score" and the stacked
// score alone (the rules' verdict one of its features).
type PromiseReport struct {
	Or, Stacked *NegativeReport
}

// String renders both measurements and the verdict.
func (r *PromiseReport) String() string {
	return r.Or.String() + "\n" + r.Stacked.String() + "\n" + r.Verdict() + "\n"
}

// gains returns, per source, the F1 of the learned decision minus the
// rules' F1, cross-validated and trained on the other source only. The
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

// Chosen returns the decision the cross-validation picks (the higher mean
// F1 gain over the sources; the stacked one on a tie) and whether it may
// ship: only when its F1 improves on the rules' on every source, both
// cross-validated and trained on the other source only.
func (r *PromiseReport) Chosen() (name string, rep *NegativeReport, ship bool) {
	mean := func(x []float64) float64 {
		s := 0.0
		for _, v := range x {
			s += v
		}
		return s / float64(max(1, len(x)))
	}
	name, rep = "stacked", r.Stacked
	cvS, _ := gains(r.Stacked)
	cvO, _ := gains(r.Or)
	if mean(cvO) > mean(cvS) {
		name, rep = "rules or score", r.Or
	}
	cv, other := gains(rep)
	ship = len(cv) > 0 && len(other) == len(cv)
	for k := range cv {
		ship = ship && cv[k] > 0 && other[k] > 0
	}
	return name, rep, ship
}

// Verdict says which decision the cross-validation picks, its F1 gains
// over the rules, and whether it ships.
func (r *PromiseReport) Verdict() string {
	name, rep, ship := r.Chosen()
	cv, other := gains(rep)
	var b strings.Builder
	fmt.Fprintf(&b, "chosen by cross-validation: %s, threshold %.3f; F1 minus the rules' F1:", name, rep.Threshold)
	for k, set := range rep.Sets {
		fmt.Fprintf(&b, " %s CV %+.3f", set, cv[k])
		if k < len(other) {
			fmt.Fprintf(&b, ", other source %+.3f", other[k])
		}
		b.WriteString(";")
	}
	if ship {
		b.WriteString("\nverdict: better on every source both ways, may ship")
	} else {
		b.WriteString("\nverdict: not better on every source both ways, measured, not shipped (the rules alone decide promise.made)")
	}
	return b.String()
}

// TrainPromise extracts the learned promise features of every Chinese
// agent message of the conversations labelled agent_promise (detect's
// PromiseFeatures), cross-validates a logistic regression by conversation
// (each fold's threshold chosen on the other folds: best F1 keeping
// precision at promiseMinPrecision) in both decisions, measures each
// trained on the other source only, and, when w is not nil, trains the
// final model of the stacked decision on everything and writes its
// weights. It is deterministic.
func TrainPromise(ctx context.Context, sets []NegativeSet, eng *detect.Engine, w io.Writer) (*PromiseReport, error) {
	var data classify.SparseSet
	var ex []negExample
	groups := 0
	var scratch detect.Scratch
	var ps detect.PromiseScratch
	for si, set := range sets {
		err := set.Src(func(c *conversation.Conversation) error {
			l, ok := set.Labels[c.ID]
			if !ok || !l.has("agent_promise") {
				return nil
			}
			gold := map[int]bool{}
			for _, n := range l.AgentPromise {
				gold[n] = true
			}
			in, _ := eng.Inspect(c, &scratch)
			eng.PromiseFeatures(in, &ps, func(msg int, rule bool, idx []uint32, val []float32) {
				data.Add(idx, val, gold[msg])
				ex = append(ex, negExample{set: si, group: groups, gold: gold[msg], rule: rule,
					where: fmt.Sprintf("%s[%d] %s", c.ID, msg, clip(c.Messages[msg].Text))})
			})
			groups++
			return ctx.Err()
		})
		if err != nil {
			return nil, fmt.Errorf("promise features of %s: %w", set.Name, err)
		}
	}
	if len(ex) == 0 {
		return nil, fmt.Errorf("train promise: no labelled agent message")
	}
	curve := []float32{0.3, 0.4, 0.5, 0.6, 0.7}
	or, err := learnedDecision(ctx, promiseConfig(), &data, ex, groups, sets, promiseMinPrecision, curve, nil, false)
	if err != nil {
		return nil, err
	}
	or.Title = fmt.Sprintf("learned promise.made, rules OR score, threshold %.3f (chosen on all out-of-fold scores, precision >= %.2f)", or.Threshold, promiseMinPrecision)
	st, err := learnedDecision(ctx, promiseConfig(), &data, ex, groups, sets, promiseMinPrecision, curve, w, true)
	if err != nil {
		return nil, err
	}
	st.Title = fmt.Sprintf("learned promise.made, stacked score alone (rule verdict a feature), threshold %.3f (chosen on all out-of-fold scores, precision >= %.2f)", st.Threshold, promiseMinPrecision)
	return &PromiseReport{Or: or, Stacked: st}, nil
}
