package eval

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fullqa/internal/detect"
	"fullqa/internal/lexicon"
)

// TestTrainPromiseMini runs the promise trainer end to end on the two
// hand-written mini sets: every agent message is counted once per
// decision, the rules-alone rows agree with the labels as the rules read
// them, both decisions are reported with a verdict, and the same labels
// write the same weights twice.
func TestTrainPromiseMini(t *testing.T) {
	lex, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := detect.NewEngine(detect.Registry(detect.DefaultConfig(), lex), nil)
	if err != nil {
		t.Fatal(err)
	}
	jl, err := LoadLabels(filepath.Join("testdata", "mini_labels.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	ul, err := LoadLabels(filepath.Join("testdata", "mini_uss_labels.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	sets := []NegativeSet{
		{Name: "jddc", Src: JDDC(filepath.Join("testdata", "mini.tsv")), Labels: jl},
		{Name: "uss", Src: USS(filepath.Join("testdata", "mini_uss.jsonl")), Labels: ul},
	}
	var out [2]bytes.Buffer
	for k := range out {
		rep, err := TrainPromise(context.Background(), sets, eng, &out[k])
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
		if s := rep.String(); !strings.Contains(s, "stacked") || !strings.Contains(s, "verdict:") {
			t.Errorf("report lacks a decision or the verdict:\n%s", s)
		}
	}
	if out[0].Len() == 0 || !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
		t.Errorf("weights differ between two runs on the same labels (%d and %d bytes)", out[0].Len(), out[1].Len())
	}
}

// TestPromiseVerdict checks the shipping rule: the decision with the
// higher mean cross-validated F1 gain is chosen, and it ships only when it
// beats the rules on every source both cross-validated and trained on the
// other source only.
func TestPromiseVerdict(t *testing.T) {
	rows := func(rules, cv, other [2]Count) *NegativeReport {
		r := &NegativeReport{Sets: []string{"jddc", "uss"}}
		for _, c := range [][2]Count{rules, cv, other} {
			r.Rows = append(r.Rows, NegativeRow{Set: "jddc", Count: c[0]}, NegativeRow{Set: "uss", Count: c[1]})
		}
		return r
	}
	base := [2]Count{{TP: 80, FP: 20, FN: 20}, {TP: 70, FP: 30, FN: 30}}
	better := [2]Count{{TP: 85, FP: 15, FN: 15}, {TP: 75, FP: 25, FN: 25}}
	mixed := [2]Count{{TP: 75, FP: 25, FN: 25}, {TP: 90, FP: 10, FN: 10}}
	cases := []struct {
		name      string
		or, stack *NegativeReport
		want      string
		ship      bool
	}{
		{"stacked better everywhere", rows(base, base, base), rows(base, better, better), "stacked", true},
		{"or better everywhere", rows(base, better, better), rows(base, base, base), "rules or score", true},
		{"better by CV, worse on one source", rows(base, base, base), rows(base, mixed, mixed), "stacked", false},
		{"better by CV, worse trained on the other source", rows(base, base, base), rows(base, better, base), "stacked", false},
	}
	for _, c := range cases {
		r := &PromiseReport{Or: c.or, Stacked: c.stack}
		name, _, ship := r.Chosen()
		if name != c.want || ship != c.ship {
			t.Errorf("%s: chose %q ship %v, want %q %v", c.name, name, ship, c.want, c.ship)
		}
		if v := r.Verdict(); strings.Contains(v, "may ship") != c.ship {
			t.Errorf("%s: verdict %q", c.name, v)
		}
	}
}
