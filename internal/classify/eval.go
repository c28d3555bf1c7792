package classify

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// ClassMetrics are the precision, recall and F1 of one class.
type ClassMetrics struct {
	Precision, Recall, F1 float64
	Support               int // examples whose true label is the class
}

// Metrics measure a classifier against labelled customer turns. Macro-F1 is
// the headline number because the classes are unbalanced and a model that
// says "neutral" to everything must not look good; NegF1 is reported apart
// because unhappy customers are what the inspection exists to find.
type Metrics struct {
	// Method says how the numbers were obtained, e.g. "5-fold
	// cross-validation by dialogue" or "resubstitution".
	Method    string
	N         int
	Accuracy  float64
	MacroF1   float64
	NegF1     float64
	PerClass  [3]ClassMetrics // indexed by Label
	Confusion [3][3]int       // [true label][predicted label]
	// Resubstitution, when set, scores the given model on the very turns it
	// was trained on. It is optimistic by construction and only tells
	// whether the shipped weights match the training run.
	Resubstitution *Metrics
}

// newMetrics compares predictions with the truth.
func newMetrics(method string, truth, pred []Label) Metrics {
	m := Metrics{Method: method, N: len(truth)}
	correct := 0
	for i := range truth {
		m.Confusion[truth[i]][pred[i]]++
		if truth[i] == pred[i] {
			correct++
		}
	}
	if m.N > 0 {
		m.Accuracy = float64(correct) / float64(m.N)
	}
	for k := range nClasses {
		tp, fn, fp := m.Confusion[k][k], 0, 0
		for j := range nClasses {
			if j != k {
				fn += m.Confusion[k][j]
				fp += m.Confusion[j][k]
			}
		}
		c := ClassMetrics{Support: tp + fn}
		if tp+fp > 0 {
			c.Precision = float64(tp) / float64(tp+fp)
		}
		if tp+fn > 0 {
			c.Recall = float64(tp) / float64(tp+fn)
		}
		if c.Precision+c.Recall > 0 {
			c.F1 = 2 * c.Precision * c.Recall / (c.Precision + c.Recall)
		}
		m.PerClass[k] = c
		m.MacroF1 += c.F1 / nClasses
	}
	m.NegF1 = m.PerClass[Negative].F1
	return m
}

// macroF1 is newMetrics(...).MacroF1 without building the rest.
func macroF1(truth, pred []Label) float64 {
	var c [nClasses][nClasses]int
	for i := range truth {
		c[truth[i]][pred[i]]++
	}
	f := 0.0
	for k := range nClasses {
		tp, row, col := c[k][k], 0, 0
		for j := range nClasses {
			row += c[k][j]
			col += c[j][k]
		}
		if row+col > 0 {
			f += 2 * float64(tp) / float64(row+col)
		}
	}
	return f / nClasses
}

// String renders the metrics as a small table.
func (m Metrics) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: n=%d accuracy=%.4f macro-F1=%.4f negative-F1=%.4f\n", m.Method, m.N, m.Accuracy, m.MacroF1, m.NegF1)
	fmt.Fprintf(&b, "  %-9s %9s %9s %9s %8s\n", "class", "precision", "recall", "F1", "support")
	for k, c := range m.PerClass {
		fmt.Fprintf(&b, "  %-9s %9.4f %9.4f %9.4f %8d\n", Label(k), c.Precision, c.Recall, c.F1, c.Support)
	}
	fmt.Fprintf(&b, "  confusion (rows true, columns predicted: %s %s %s)\n", Neutral, Negative, Positive)
	for k, row := range m.Confusion {
		fmt.Fprintf(&b, "  %-9s %8d %8d %8d\n", Label(k), row[0], row[1], row[2])
	}
	if m.Resubstitution != nil {
		b.WriteString(m.Resubstitution.String())
	}
	return b.String()
}

// EvalEmotion measures the emotion model on the USS JDDC turns of the data
// folder. The only in-domain labelled set is also the training set, so
// scoring m on it would only measure memory: the headline numbers come from a
// cross-validation by dialogue that retrains the model (same configuration
// and seed as TrainEmotion) on the other folds plus the reviews. The numbers
// of m itself on all turns are attached as Resubstitution, labelled as such.
// m may be nil to skip them.
func EvalEmotion(ctx context.Context, m *Emotion, dataDir string) (Metrics, error) {
	return evalEmotion(ctx, defaultConfig(), m, dataDir, nil)
}

// evalEmotion is EvalEmotion with a given configuration and logger.
func evalEmotion(ctx context.Context, cfg trainConfig, m *Emotion, dataDir string, log *slog.Logger) (Metrics, error) {
	rows, nDialogs, chat, extra, _, err := loadAll(dataDir, cfg)
	if err != nil {
		return Metrics{}, fmt.Errorf("eval emotion: %w", err)
	}
	cv, err := crossValidate(ctx, cfg, rows, nDialogs, chat, extra, log)
	if err != nil {
		return Metrics{}, fmt.Errorf("eval emotion: %w", err)
	}
	out := cv.tuned
	if m != nil {
		truth := make([]Label, len(rows))
		pred := make([]Label, len(rows))
		for i, r := range rows {
			truth[i] = r.label
			pred[i], _ = m.Predict(r.ctx)
		}
		resub := newMetrics("resubstitution (the given model on its own training turns; optimistic)", truth, pred)
		out.Resubstitution = &resub
	}
	return out, nil
}
