package eval

import (
	"bytes"
	"context"
	"path/filepath"
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
	sets := miniSets(t)
	var out [2]bytes.Buffer
	for k := range out {
		rep, err := TrainNegative(context.Background(), sets, func(string) *detect.Engine { return eng }, NegMinPrecision, &out[k])
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
