package eval

import (
	"context"
	"fmt"
	"io"
	"strings"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
)

// EnglishMinPrecision is the precision "the rules, or the score" keeps on
// the out-of-fold scores each threshold is chosen on, fixed before any
// result was read: the target is 0.85 on threads nobody tuned on, and a
// threshold chosen at that floor falls under it about half the time.
const EnglishMinPrecision = 0.90

// EnglishTarget is what one learned English scorer decides: the label it
// is trained on and the features of each customer message.
type EnglishTarget struct {
	// Name words the report ("emotion.negative").
	Name string
	// Key is the label ("customer_negative") a thread must carry to count.
	Key string
	// Gold lists the labelled messages of a thread.
	Gold func(*Labels) []int
	// Features calls emit with every customer message of c, whether the
	// scorer reads it (English), the rules' verdict and its features.
	Features func(c *conversation.Conversation, emit func(msg int, english, rule bool, idx []uint32, val []float32))
}

// EnglishReport compares the English rules alone with "the rules, or the
// learned score at one threshold": 5-fold cross-validation by thread
// (thread k in fold k mod 5, each fold's threshold chosen on the other
// folds' out-of-fold scores), and each half of the threads scored by a
// model trained on the other half (threshold by 5-fold cross-validation on
// the training half).
type EnglishReport struct {
	Name string
	// Threshold is the shipped one: chosen on every out-of-fold score.
	Threshold float32
	// Threads, Messages and English count the labelled threads, their
	// customer messages, and those the scorer reads.
	Threads, Messages, English, Positives int
	Rows                                  []EnglishRow
	Curve                                 []EnglishRow
	// Errors lists the cross-validated decision's mistakes and the
	// learned-only finds.
	Errors []string
}

// EnglishRow is one measurement: a decision on a set of threads, before
// (the rules alone) and after (the rules, or the learned score).
type EnglishRow struct {
	Method, Set   string
	Before, After Count
}

// TrainEnglish measures the learned English scorer of target on the
// labelled threads of set with the protocol of EnglishReport, and, when w
// is not nil, trains the final model on every English customer message and
// writes it with the threshold chosen on all out-of-fold scores. It is
// deterministic.
func TrainEnglish(ctx context.Context, set NegativeSet, target EnglishTarget, w io.Writer) (*EnglishReport, error) {
	// isEnglish is whether the scorer reads each example: one a message
	// emitted, as gatherMessages keeps them.
	var isEnglish []bool
	got, err := gatherMessages(ctx, []NegativeSet{set}, "english "+target.Name, target.Key, "customer", target.Gold,
		func(c *conversation.Conversation, emit func(int, bool, []uint32, []float32)) {
			target.Features(c, func(msg int, english, rule bool, idx []uint32, val []float32) {
				isEnglish = append(isEnglish, english)
				emit(msg, rule, idx, val)
			})
		})
	if err != nil {
		return nil, err
	}
	data, ex, groups := &got.data, got.ex, got.groups
	rep := &EnglishReport{Name: target.Name, Threads: groups, Messages: len(ex)}
	fold := make([]int, len(ex))
	var english []int32 // the rows the scorer reads: trained, scored, thresholded
	for i, e := range ex {
		fold[i] = e.group % negFolds
		if isEnglish[i] {
			english = append(english, int32(i))
			rep.English++
		}
		if e.gold {
			rep.Positives++
		}
	}
	cfg := negConfig() // the Chinese negative scorer's, fixed before any English result was read
	minPrec := EnglishMinPrecision
	decide := func(i int, score []float32, t float32) bool {
		return ex[i].rule || isEnglish[i] && score[i] >= t
	}

	// Cross-validation over every thread.
	oof, err := outOfFold(ctx, cfg, data, english, fold)
	if err != nil {
		return nil, err
	}
	cv := EnglishRow{Method: fmt.Sprintf("%d-fold CV by thread (thread k in fold k mod %d)", negFolds, negFolds), Set: "all"}
	for f := range negFolds {
		t := chooseThresholdAt(oof, ex, outsideFold(english, fold, f), minPrec)
		for i, e := range ex {
			if fold[i] != f {
				continue
			}
			pred := decide(i, oof, t)
			cv.Before.tally(e.rule, e.gold)
			kind := cv.After.tally(pred, e.gold)
			switch {
			case kind != "" && pred && !e.rule:
				rep.Errors = append(rep.Errors, fmt.Sprintf("%s (learned %.2f, threshold %.2f) %s", kind, oof[i], t, e.where))
			case kind != "":
				rep.Errors = append(rep.Errors, fmt.Sprintf("%s (rules %v, learned %.2f, threshold %.2f) %s", kind, e.rule, oof[i], t, e.where))
			case pred && !e.rule:
				rep.Errors = append(rep.Errors, fmt.Sprintf("TP (learned only, %.2f) %s", oof[i], e.where))
			}
		}
	}
	rep.Rows = append(rep.Rows, cv)
	rep.Threshold = chooseThresholdAt(oof, ex, english, minPrec)
	for _, t := range []float32{0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9} {
		row := EnglishRow{Method: fmt.Sprintf("rules, or out-of-fold score >= %.2f", t), Set: "all"}
		for i, e := range ex {
			row.Before.tally(e.rule, e.gold)
			row.After.tally(decide(i, oof, t), e.gold)
		}
		rep.Curve = append(rep.Curve, row)
	}

	// Each half scored by a model trained on the other half: the first
	// half of the threads in import order (656 of the 1,312, the
	// labelling's halves) and the rest.
	half := groups / 2
	for _, h := range []struct {
		name  string
		train func(group int) bool
	}{
		{"first half (trained on the second)", func(g int) bool { return g >= half }},
		{"second half (trained on the first)", func(g int) bool { return g < half }},
	} {
		var train []int32
		for _, i := range english {
			if h.train(ex[i].group) {
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
		score := make([]float32, len(ex))
		row := EnglishRow{Method: fmt.Sprintf("half on half, threshold %.3f", t), Set: h.name}
		for i, e := range ex {
			if h.train(e.group) {
				continue
			}
			if isEnglish[i] {
				idx, val, _ := data.Example(i)
				score[i] = m.Prob(idx, val)
			}
			row.Before.tally(e.rule, e.gold)
			row.After.tally(decide(i, score, t), e.gold)
		}
		rep.Rows = append(rep.Rows, row)
	}

	if w != nil {
		m, err := classify.TrainLinear(ctx, cfg, data, english)
		if err != nil {
			return nil, err
		}
		m.Threshold = rep.Threshold
		m.Sources = []string{set.Name}
		if err := classify.EncodeLinear(w, m); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// String renders the report.
func (rep *EnglishReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "learned English %s: threshold %.3f (chosen on all out-of-fold scores, precision >= %.2f)\n", rep.Name, rep.Threshold, EnglishMinPrecision)
	fmt.Fprintf(&b, "threads: %d, customer messages: %d (English, read by the scorer: %d), labelled positive: %d\n\n", rep.Threads, rep.Messages, rep.English, rep.Positives)
	line := func(r EnglishRow) {
		fmt.Fprintf(&b, "%-48s %-36s rules %4d/%4d/%4d %5s %5s %5.3f   rules-or-learned %4d/%4d/%4d %5s %5s %5.3f\n", r.Method, r.Set,
			r.Before.TP, r.Before.FP, r.Before.FN, fmtRatio(r.Before.Precision()), fmtRatio(r.Before.Recall()), r.Before.F1(),
			r.After.TP, r.After.FP, r.After.FN, fmtRatio(r.After.Precision()), fmtRatio(r.After.Recall()), r.After.F1())
	}
	b.WriteString("(TP/FP/FN precision recall F1)\n")
	for _, r := range rep.Rows {
		line(r)
	}
	b.WriteString("\nthe trade-off (out-of-fold scores, one threshold for every fold):\n")
	for _, r := range rep.Curve {
		line(r)
	}
	return b.String()
}
