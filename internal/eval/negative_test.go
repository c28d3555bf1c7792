package eval

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fullqa/internal/classify"
	"fullqa/internal/detect"
	"fullqa/internal/lexicon"
)

// TestTrainNegativeMini runs the learned-scorer trainer end to end on the
// two hand-written mini sets (the real emotion model scores them): it must
// count every labelled customer message once per decision and write the
// same weights twice.
func TestTrainNegativeMini(t *testing.T) {
	eng := defaultEngine(t)
	sets := miniSets(t)
	var out [2]bytes.Buffer
	for k := range out {
		rep, err := TrainNegative(context.Background(), sets, nil, func(string) *detect.Engine { return eng }, NegMinPrecision, &out[k])
		if err != nil {
			t.Fatal(err)
		}
		// mini.tsv has 2 customer messages (1 labelled negative),
		// mini_uss.jsonl 3 (none negative).
		want := map[string]int{"jddc": 2, "uss": 3}
		for _, row := range rep.Rows {
			c := row.Count
			if n := c.TP + c.FN; row.Set == "jddc" && n != 1 || row.Set == "uss" && n != 0 {
				t.Errorf("%s on %s: %d positives", row.Method, row.Set, n)
			}
			if c.TP+c.FP+c.FN > want[row.Set] {
				t.Errorf("%s on %s: counts %+v exceed %d messages", row.Method, row.Set, c, want[row.Set])
			}
		}
		if len(rep.Rows) != 6 {
			t.Fatalf("%d rows:\n%s", len(rep.Rows), rep)
		}
	}
	if out[0].Len() == 0 || !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
		t.Fatal("weights empty or different between two runs")
	}
	if _, err := classify.DecodeLinear(out[0].Bytes()); err != nil {
		t.Fatal(err)
	}
}

// TestEndingMini runs the ending classifier's cross-validation and
// training on the mini sets: every labelled conversation is counted once
// in each three-way row, none is unresolved, and two runs write the same
// weights, which decode.
func TestEndingMini(t *testing.T) {
	eng := defaultEngine(t)
	endings, err := LoadEndings(filepath.Join("testdata", "mini_ending_labels.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	sets := []EndingSet{
		{Name: "jddc", Src: JDDC(filepath.Join("testdata", "mini.tsv")), Endings: endings},
		{Name: "uss", Src: USS(filepath.Join("testdata", "mini_uss.jsonl")), Endings: endings},
	}
	var out [2]bytes.Buffer
	for run := range out {
		rep, err := TrainEnding(context.Background(), sets, func(string) *detect.Engine { return eng }, &out[run])
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rep.Classes {
			n := 0
			for _, c := range row.Counts {
				n += c.TP + c.FN
			}
			want := 2
			if row.Set == "all" {
				want = 4
			}
			if n != want {
				t.Errorf("%s on %s: %d conversations, want %d\n%s", row.Method, row.Set, n, want, rep)
			}
		}
		for _, row := range rep.Unresolved {
			if row.TP+row.FN != 0 {
				t.Errorf("%s on %s: %d unresolved, the mini labels have none", row.Method, row.Set, row.TP+row.FN)
			}
		}
	}
	if out[0].Len() == 0 || !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
		t.Fatal("weights empty or different between two runs")
	}
	m, err := classify.DecodeSoftmax(out[0].Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if m.K != detect.NumEndingClasses || m.Bits != detect.EndingBits {
		t.Fatalf("decoded %d classes of %d bits", m.K, m.Bits)
	}
}

// miniSynthetic returns the hand-written training-only mini set
// (testdata/mini_negative_synthetic.jsonl: 3 chats, 9 customer messages, 5
// labelled negative), read as the CLI reads the real one; with calm set,
// its labels say no message is negative.
func miniSynthetic(t *testing.T, calm bool) NegativeSet {
	t.Helper()
	l, err := LoadLabels(filepath.Join("testdata", "mini_negative_synthetic_labels.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if calm {
		for _, v := range l {
			v.CustomerNegative = nil
		}
	}
	return NegativeSet{Name: "synthetic", Src: Canonical(filepath.Join("testdata", "mini_negative_synthetic.jsonl")), Labels: l}
}

// TestTrainNegativeTrainingOnly trains with and without training-only
// sets: the rows must count the real messages alone (the same positives
// and at most the same messages as without them), no synthetic message may
// appear among the scored decisions, the report must name what it also
// trained on, and the synthetic messages must change the weights (they are
// trained on) deterministically.
func TestTrainNegativeTrainingOnly(t *testing.T) {
	eng := defaultEngine(t)
	engineFor := func(string) *detect.Engine { return eng }
	cases := []struct {
		name  string
		extra []NegativeSet
		also  string // what the report says it also trained on
	}{
		{"none", nil, ""},
		{"synthetic", []NegativeSet{miniSynthetic(t, false)}, "synthetic (9 customer messages, 5 negative)"},
		{"synthetic, all calm", []NegativeSet{miniSynthetic(t, true)}, "synthetic (9 customer messages, 0 negative)"},
	}
	weights := map[string][]byte{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out [2]bytes.Buffer
			for k := range out {
				rep, err := TrainNegative(context.Background(), miniSets(t), tc.extra, engineFor, NegMinPrecision, &out[k])
				if err != nil {
					t.Fatal(err)
				}
				if len(rep.Rows) != 6 || len(rep.Sets) != 2 {
					t.Fatalf("%d rows over %v:\n%s", len(rep.Rows), rep.Sets, rep)
				}
				want := map[string]int{"jddc": 2, "uss": 3}
				pos := map[string]int{"jddc": 1, "uss": 0}
				for _, row := range append(append([]NegativeRow(nil), rep.Rows...), rep.Curve...) {
					c := row.Count
					if c.TP+c.FN != pos[row.Set] || c.TP+c.FP+c.FN > want[row.Set] {
						t.Errorf("%s on %s: %+v, want %d positives of at most %d messages", row.Method, row.Set, c, pos[row.Set], want[row.Set])
					}
				}
				for set, errs := range rep.Errors {
					for _, e := range errs {
						if set == "synthetic" || strings.Contains(e, "syn-neg-") {
							t.Errorf("a training-only message was scored: %s %s", set, e)
						}
					}
				}
				if got := strings.Join(rep.TrainingOnly, "; "); got != tc.also {
					t.Errorf("TrainingOnly = %q, want %q", got, tc.also)
				}
				if tc.also != "" && !strings.Contains(rep.String(), "also trained on (training-only, never scored): "+tc.also) {
					t.Errorf("the report does not say what it also trained on:\n%s", rep)
				}
			}
			if out[0].Len() == 0 || !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
				t.Fatal("weights empty or different between two runs")
			}
			weights[tc.name] = out[0].Bytes()
		})
	}
	if bytes.Equal(weights["none"], weights["synthetic"]) || bytes.Equal(weights["synthetic"], weights["synthetic, all calm"]) {
		t.Error("the training-only messages or their labels did not change the weights: they were not trained on")
	}
}

// TestTrainingFolds checks that training-only examples sit outside every
// fold (fold -1: they train every fold's model, none scores them) and that
// the real examples' folds are those without them, whatever follows.
func TestTrainingFolds(t *testing.T) {
	real := []negExample{{set: 0, group: 0}, {set: 0, group: 0}, {set: 0, group: 1}, {set: 1, group: 2}, {set: 1, group: 3}, {set: 1, group: 4}, {set: 0, group: 5}}
	want := foldsOf(real, 6, 7)
	cases := []struct {
		name  string
		extra []negExample
	}{
		{"none", nil},
		{"one synthetic chat", []negExample{{set: 2, group: 6}, {set: 2, group: 6}}},
		{"many synthetic chats", []negExample{{set: 2, group: 6}, {set: 2, group: 7}, {set: 2, group: 8}, {set: 2, group: 9}, {set: 3, group: 10}, {set: 3, group: 11}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ex := append(append([]negExample(nil), real...), tc.extra...)
			fold := trainingFolds(ex, 6, 2, 7)
			if len(fold) != len(ex) {
				t.Fatalf("%d folds for %d examples", len(fold), len(ex))
			}
			for i := range real {
				if fold[i] != want[i] {
					t.Errorf("real example %d in fold %d, without training-only examples %d", i, fold[i], want[i])
				}
			}
			for i := len(real); i < len(ex); i++ {
				if fold[i] != -1 {
					t.Errorf("training-only example %d in fold %d, want -1", i, fold[i])
				}
				for f := range negFolds {
					if !slices.Contains(outsideFold([]int32{int32(i)}, fold, f), int32(i)) {
						t.Errorf("training-only example %d is not in fold %d's training rows", i, f)
					}
				}
			}
		})
	}
}

// TestLearnedDecisionThresholdIgnoresTrainingOnly builds a hashed toy
// problem with two real sources and one training-only source, and gives
// the training-only messages the rules' verdict "negative" (mostly false
// alarms) or not. The features and labels are the same, so the models are
// the same; if a threshold or a row read a training-only message, its
// precision would move with the verdict and so would the thresholds and
// the rows. They must not, and no training-only message may be scored.
func TestLearnedDecisionThresholdIgnoresTrainingOnly(t *testing.T) {
	build := func(synRule bool) (*classify.SparseSet, []negExample) {
		var data classify.SparseSet
		var ex []negExample
		r := uint32(12345)
		next := func() uint32 { r = r*1664525 + 1013904223; return r >> 8 }
		for g := range 150 {
			set := 0
			if g >= 60 {
				set = 1
			}
			if g >= 120 {
				set = 2 // training-only
			}
			for range 3 {
				gold := next()%10 < 3
				cue := uint32(2)
				if gold == (next()%10 < 8) { // the cue is right 8 times in 10
					cue = 1
				}
				rule := gold && next()%2 == 0 || !gold && next()%20 == 0
				if set == 2 {
					rule = synRule
				}
				data.Add([]uint32{cue, 3, 4 + next()%50}, []float32{1, 1, 1}, gold)
				ex = append(ex, negExample{set: set, group: g, gold: gold, rule: rule, where: fmt.Sprintf("g%d", g)})
			}
		}
		return &data, ex
	}
	sets := []NegativeSet{{Name: "a"}, {Name: "b"}}
	cfg := classify.LinearConfig{Bits: 8, Seed: 3, Epochs: 5, LR: 0.1, L2: 1e-4, PosW: 1}
	var reps []*NegativeReport
	for _, synRule := range []bool{false, true} {
		data, ex := build(synRule)
		rep, err := learnedDecision(context.Background(), cfg, data, ex, 120, sets, 0.8, []float32{0.3, 0.5}, true, false)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range ex {
			if e.set == 2 && (rep.oof[i] != 0 || rep.other[i] != 0) {
				t.Fatalf("training-only example %d was scored: %v, %v", i, rep.oof[i], rep.other[i])
			}
		}
		reps = append(reps, rep)
	}
	a, b := reps[0], reps[1]
	if a.Threshold != b.Threshold || a.final.Threshold != b.final.Threshold {
		t.Errorf("threshold %v with the training-only messages flagged by the rules, %v without", b.Threshold, a.Threshold)
	}
	if !slices.Equal(a.Rows, b.Rows) || !slices.Equal(a.Curve, b.Curve) {
		t.Errorf("rows moved with the training-only messages' rule verdicts:\n%s\n%s", a, b)
	}
	if len(a.Rows) != 6 {
		t.Errorf("%d rows, want 6 (two real sources):\n%s", len(a.Rows), a)
	}
}

// defaultEngine is an engine of every detector with the default word
// lists and the embedded emotion model: what the trainers score with.
func defaultEngine(t *testing.T) *detect.Engine {
	t.Helper()
	lex, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	emo, err := classify.LoadEmotion()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := detect.NewEngine(detect.Registry(detect.DefaultConfig(), lex), emo)
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// TestTrainNegativeStackedMini runs the stacked trainer end to end on the
// mini sets: its rows count every labelled customer message once, two runs
// write the same weights, and they decode as a stacked model that names
// its sources — the file the detector reads to decide stacked.
func TestTrainNegativeStackedMini(t *testing.T) {
	eng := defaultEngine(t)
	sets := miniSets(t)
	var out [2]bytes.Buffer
	for k := range out {
		rep, err := TrainNegativeStacked(context.Background(), sets, nil, func(string) *detect.Engine { return eng }, 0.75, &out[k])
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Rows) != 6 || !strings.Contains(rep.String(), "stacked") {
			t.Fatalf("%d rows:\n%s", len(rep.Rows), rep)
		}
		for _, row := range rep.Rows {
			if n := row.TP + row.FN; row.Set == "jddc" && n != 1 || row.Set == "uss" && n != 0 {
				t.Errorf("%s on %s: %d positives", row.Method, row.Set, n)
			}
		}
	}
	if out[0].Len() == 0 || !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
		t.Fatal("weights empty or different between two runs")
	}
	l, err := classify.DecodeLinear(out[0].Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !l.Stacked || strings.Join(l.Sources, ",") != "jddc,uss" {
		t.Fatalf("decoded stacked %v, sources %q; want stacked, jddc,uss", l.Stacked, l.Sources)
	}
	// Training-only sets are named among the sources, after the scored ones.
	var withSyn bytes.Buffer
	if _, err := TrainNegativeStacked(context.Background(), sets, []NegativeSet{miniSynthetic(t, false)}, func(string) *detect.Engine { return eng }, 0.75, &withSyn); err != nil {
		t.Fatal(err)
	}
	if ls, err := classify.DecodeLinear(withSyn.Bytes()); err != nil || strings.Join(ls.Sources, ",") != "jddc,uss,synthetic" {
		t.Fatalf("with the synthetic set: sources %v, err %v; want jddc,uss,synthetic", ls, err)
	}
	// The rules' verdict is a feature: the mini sets' one rule finding is
	// their one negative message, so its bucket must have learned a weight.
	if l.W[detect.NegativeRuleBucket] == 0 {
		t.Fatal("the rule bucket has no weight: the trainer did not add the rules' verdict")
	}
	var flat bytes.Buffer
	if _, err := TrainNegative(context.Background(), sets, nil, func(string) *detect.Engine { return eng }, NegMinPrecision, &flat); err != nil {
		t.Fatal(err)
	}
	if f, err := classify.DecodeLinear(flat.Bytes()); err != nil || f.Stacked {
		t.Fatalf("the rules-or trainer's weights: stacked %v, err %v; want not stacked", f != nil && f.Stacked, err)
	}
}

// TestZeroGated: a gated example's score is 0, below every threshold; the
// others keep theirs.
func TestZeroGated(t *testing.T) {
	score := []float32{0.9, 0.8, 0.7}
	zeroGated(score, []negExample{{}, {gated: true}, {}})
	if score[0] != 0.9 || score[1] != 0 || score[2] != 0.7 {
		t.Errorf("scores %v, want [0.9 0 0.7]", score)
	}
}
