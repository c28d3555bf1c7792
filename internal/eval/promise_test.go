package eval

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fullqa/internal/classify"
)

// TestTrainPromiseMini runs the promise trainer end to end on the two
// hand-written mini sets: every agent message is counted once per
// decision, the rules-alone rows agree with the labels as the rules read
// them, both decisions are reported with a verdict, and the same labels
// write the same weights twice.
func TestTrainPromiseMini(t *testing.T) {
	eng := testEngine(t, "all")
	sets := miniSets(t)
	var out [2]bytes.Buffer
	for k := range out {
		rep, err := TrainPromise(context.Background(), sets, nil, eng, PromiseMinPrecision, &out[k])
		if err != nil {
			t.Fatal(err)
		}
		// mini.tsv has 2 agent messages, none labelled a promise;
		// mini_uss.jsonl has 2, one labelled ("这边给您申请退货").
		pos := map[string]int{"jddc": 0, "uss": 1}
		for _, r := range []*NegativeReport{rep.Or, rep.Stacked} {
			if len(r.Rows) != 6 {
				t.Errorf("%d rows, want 6 (rules, CV, other source; per source)", len(r.Rows))
			}
			for _, row := range r.Rows {
				c := row.Count
				if c.TP+c.FN != pos[row.Set] {
					t.Errorf("%s on %s: %d positives, want %d", row.Method, row.Set, c.TP+c.FN, pos[row.Set])
				}
				if c.TP+c.FP+c.FN > 2 {
					t.Errorf("%s on %s: counts %+v exceed 2 messages", row.Method, row.Set, c)
				}
			}
			// The rules read the labelled uss promise.
			if r.Rows[1].TP != 1 {
				t.Errorf("rules alone on uss: %+v, want the labelled promise found", r.Rows[1].Count)
			}
		}
		if s := rep.String(); !strings.Contains(s, "stacked") || !strings.Contains(s, "verdict:") || !strings.Contains(s, "shipped:") {
			t.Errorf("report lacks a decision, the shipped rows or the verdict:\n%s", s)
		}
		// The shipped rows: CV and other sources, each per source and pooled.
		if len(rep.Shipped) != 6 || rep.Shipped[2].Set != "all" || rep.Shipped[2].TP+rep.Shipped[2].FN != 1 {
			t.Errorf("shipped rows %+v, want 2×(jddc, uss, all) with the one positive pooled", rep.Shipped)
		}
	}
	if out[0].Len() == 0 || !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
		t.Errorf("weights differ between two runs on the same labels (%d and %d bytes)", out[0].Len(), out[1].Len())
	}
	m, err := classify.DecodeLinear(out[0].Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(m.Sources, ",") != "jddc,uss" || m.Threshold <= 0 || m.Threshold > 1 {
		t.Errorf("weights carry sources %q and threshold %v, want jddc,uss and a probability", m.Sources, m.Threshold)
	}
}

// TestPromiseVerdict checks the shipping rule: the stacked decision ships
// when its pooled out-of-fold precision at the threshold keeps the floor,
// and not otherwise.
func TestPromiseVerdict(t *testing.T) {
	st := &NegativeReport{Sets: []string{"jddc", "uss"}, Threshold: 0.5}
	cases := []struct {
		name string
		all  Count
		ship bool
	}{
		{"keeps the floor", Count{TP: 90, FP: 10, FN: 30}, true},
		{"exactly the floor", Count{TP: 85, FP: 15, FN: 30}, true},
		{"under the floor", Count{TP: 80, FP: 20, FN: 10}, false},
	}
	for _, c := range cases {
		r := &PromiseReport{Or: st, Stacked: st, MinPrecision: 0.85, Sources: []string{"jddc", "uss"},
			Shipped: []NegativeRow{{Set: "jddc", Count: Count{TP: 1}}, {Set: "all", Count: c.all}}}
		if r.Ships() != c.ship {
			t.Errorf("%s: ships %v, want %v", c.name, r.Ships(), c.ship)
		}
		if v := r.Verdict(); strings.Contains(v, "it decides promise.made") != c.ship {
			t.Errorf("%s: verdict %q", c.name, v)
		}
	}
}

// TestTrainPromiseTrainingOnly trains the promise scorer with a
// training-only set: the rows count the scored sets' agent messages alone
// (the same positives as without it), the weights differ from those
// trained without it and name it after the scored sources, and two runs
// write the same bytes.
func TestTrainPromiseTrainingOnly(t *testing.T) {
	eng := testEngine(t, "all")
	l, err := LoadLabels(filepath.Join("testdata", "mini_promise_synthetic_labels.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	syn := NegativeSet{Name: "synthetic", Src: Canonical(filepath.Join("testdata", "mini_promise_synthetic.jsonl")), Labels: l}
	var without, with [2]bytes.Buffer
	for k := range with {
		if _, err := TrainPromise(context.Background(), miniSets(t), nil, eng, PromiseMinPrecision, &without[k]); err != nil {
			t.Fatal(err)
		}
		rep, err := TrainPromise(context.Background(), miniSets(t), []NegativeSet{syn}, eng, PromiseMinPrecision, &with[k])
		if err != nil {
			t.Fatal(err)
		}
		pos := map[string]int{"jddc": 0, "uss": 1}
		for _, row := range rep.Stacked.Rows {
			if row.TP+row.FN != pos[row.Set] || row.TP+row.FP+row.FN > 2 {
				t.Errorf("%s on %s: counts %+v; want %d positives of at most 2 messages", row.Method, row.Set, row.Count, pos[row.Set])
			}
		}
		if len(rep.Stacked.Rows) != 6 {
			t.Errorf("%d rows, want 6 (no row for the training-only set)", len(rep.Stacked.Rows))
		}
		if !strings.Contains(rep.String(), "also trained on (training-only, never scored): synthetic (4 agent messages, 2 promises)") {
			t.Errorf("the report does not name the training-only set:\n%s", rep)
		}
	}
	if !bytes.Equal(with[0].Bytes(), with[1].Bytes()) || bytes.Equal(with[0].Bytes(), without[0].Bytes()) {
		t.Fatal("weights with the training-only set: not deterministic, or the same as without it")
	}
	m, err := classify.DecodeLinear(with[0].Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(m.Sources, ","); got != "jddc,uss,synthetic" {
		t.Fatalf("sources %q, want jddc,uss,synthetic", got)
	}
}
