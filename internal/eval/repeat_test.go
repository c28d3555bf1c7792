package eval

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestTrainRepeatMini runs the restatement trainer end to end on the two
// hand-written mini sets: every labelled customer message is counted once
// per decision, the rules-alone row agrees with the loop.repeat findings,
// and the same labels write the same weights twice.
func TestTrainRepeatMini(t *testing.T) {
	eng := testEngine(t, "all")
	sets := miniSets(t)
	var out [2]bytes.Buffer
	for k := range out {
		rep, err := TrainRepeat(context.Background(), sets, eng, &out[k])
		if err != nil {
			t.Fatal(err)
		}
		// mini.tsv has 2 customer messages, mini_uss.jsonl 3; none is
		// labelled a repeat.
		want := map[string]int{"jddc": 2, "uss": 3}
		for _, row := range rep.Rows {
			c := row.Count
			if c.TP+c.FN != 0 {
				t.Errorf("%s on %s: %d positives, want 0", row.Method, row.Set, c.TP+c.FN)
			}
			if c.TP+c.FP+c.FN > want[row.Set] {
				t.Errorf("%s on %s: counts %+v exceed %d messages", row.Method, row.Set, c, want[row.Set])
			}
		}
		if len(rep.Rows) != 6 {
			t.Errorf("%d rows, want 6 (rules, CV, other source; per source)", len(rep.Rows))
		}
	}
	if out[0].Len() == 0 || !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
		t.Errorf("weights differ between two runs on the same labels (%d and %d bytes)", out[0].Len(), out[1].Len())
	}
}

// TestMeasureRepeatStackedMini runs the stacked restatement measurement on
// the mini sets: the rules, cross-validated and other-source rows for
// each source, every message counted once, no positive (none is
// labelled), and a title that says nothing loads it.
func TestMeasureRepeatStackedMini(t *testing.T) {
	rep, err := MeasureRepeatStacked(context.Background(), miniSets(t), testEngine(t, "all"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 6 || !strings.Contains(rep.Title, "stacked") {
		t.Fatalf("%d rows, title %q", len(rep.Rows), rep.Title)
	}
	want := map[string]int{"jddc": 2, "uss": 3}
	for _, row := range rep.Rows {
		if row.TP+row.FN != 0 || row.TP+row.FP+row.FN > want[row.Set] {
			t.Errorf("%s on %s: counts %+v", row.Method, row.Set, row.Count)
		}
	}
}
