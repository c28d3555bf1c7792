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

// TestTrainThreatSynthetic trains the learned threat scorer end to end on
// the committed training-only synthetic set (no ../shared needed): every
// customer message is counted once, the learned findings only add to the
// rules', the same data writes the same weights twice, and they are the
// weights the binary embeds.
func TestTrainThreatSynthetic(t *testing.T) {
	if testing.Short() {
		t.Skip("trains six models")
	}
	lex, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := detect.NewEngine(detect.Registry(detect.DefaultConfig(), lex), nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "classify", "traindata")
	labels, err := LoadLabels(filepath.Join(dir, "threats_labels.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	in := ThreatInputs{Synthetic: NegativeSet{Name: "synthetic", Src: Canonical(filepath.Join(dir, "threats.jsonl")), Labels: labels}}
	var out [2]bytes.Buffer
	for k := range out {
		rep, err := TrainThreat(context.Background(), in, eng, &out[k])
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Rows) != 2 {
			t.Fatalf("%d rows, want 2 (rules or score; score alone) without real chats", len(rep.Rows))
		}
		for _, row := range rep.Rows {
			for _, c := range []Count{row.Before, row.After} {
				if c.TP+c.FN == 0 || c.TP+c.FP+c.FN > rep.Messages {
					t.Errorf("%s: counts %+v for %d messages", row.Method, c, rep.Messages)
				}
			}
			if row.Before != rep.Rows[0].Before {
				t.Errorf("%s: rules alone %+v, the other row %+v", row.Method, row.Before, rep.Rows[0].Before)
			}
		}
		// The learned findings are added to the rules': they can only
		// turn misses into finds or clean messages into false alarms.
		b, a := rep.Rows[0].Before, rep.Rows[0].After
		if a.TP < b.TP || a.FP < b.FP || a.TP+a.FN != b.TP+b.FN {
			t.Errorf("rules or score %+v is not a superset of the rules %+v", a, b)
		}
	}
	if out[0].Len() == 0 || !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
		t.Error("the same data wrote different weights")
	}
	shipped, err := classify.LoadThreat()
	if err != nil {
		t.Fatal(err)
	}
	trained, err := classify.DecodeLinear(out[0].Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if shipped.Threshold != trained.Threshold || shipped.Bias != trained.Bias {
		t.Errorf("embedded threat.weights (threshold %v) are not what fullqa train threat writes (threshold %v): retrain", shipped.Threshold, trained.Threshold)
	}
}
