package detect

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
	"fullqa/internal/ingest"
)

// endingCase is one line of testdata/ending.jsonl: a canonical
// conversation, how it ended and whether resolution.unresolved must fire.
type endingCase struct {
	ID         string `json:"id"`
	Ending     string `json:"ending"`
	Unresolved bool   `json:"unresolved"`
	Note       string `json:"note"`
}

// TestEndingTable runs every detector with the embedded emotion model and
// its ending classifier over hand-written endings — resolved, pending,
// unresolved and near misses — and checks the ending label and the
// resolution.unresolved decision, which must agree.
func TestEndingTable(t *testing.T) {
	emo, err := classify.LoadEmotion()
	if err != nil {
		t.Fatal(err)
	}
	// Only a binary built without ending weights skips: weights that are
	// embedded but rejected fail here, as NewEngine would.
	ew, ok := any(emo).(endingWeights)
	if !ok {
		t.Skip("the emotion model carries no ending classifier")
	}
	if w, _, _, _, _, _ := ew.EndingWeights(); len(w) == 0 {
		t.Skip("the binary carries no ending classifier")
	}
	if l, err := newLearnedEnding(emo); err != nil || l == nil {
		t.Fatalf("embedded ending weights rejected: %v", err)
	}
	eng, err := NewEngine(Registry(DefaultConfig(), testLexicon(t)), emo)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "ending.jsonl")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []endingCase
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var c endingCase
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	n := 0
	err = ingest.ForEachInFile(path, ingest.Options{Format: ingest.FormatJSONL}, func(c *conversation.Conversation) error {
		tc := cases[n]
		n++
		_, out := eng.Inspect(c, nil)
		unresolved := false
		for _, f := range out.Findings {
			unresolved = unresolved || f.Code == "resolution.unresolved"
		}
		if out.Ending.Label != tc.Ending || unresolved != tc.Unresolved {
			t.Errorf("%s (%s): ending %s (p=%.2f), unresolved %v; want %s, %v", c.ID, tc.Note, out.Ending.Label, out.Ending.P, unresolved, tc.Ending, tc.Unresolved)
		}
		if (out.Ending.Label == EndingUnresolved) != unresolved {
			t.Errorf("%s: ending %s disagrees with resolution.unresolved %v", c.ID, out.Ending.Label, unresolved)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(cases) {
		t.Fatalf("read %d conversations for %d cases", n, len(cases))
	}
}

// misfitEnding is an emotion model whose ending weights do not fit the
// classifier: the wrong table size, class count or unresolved class.
type misfitEnding struct {
	EmotionModel
	bits, classes, unres int
}

func (m misfitEnding) EndingWeights() (w, bias []float32, bits, unresolved int, threshold float32, orRules uint32) {
	return make([]float32, m.classes<<m.bits), make([]float32, m.classes), m.bits, m.unres, 0.5, 0
}

// TestEndingWeightsMisfit checks that ending weights which are there but
// do not fit make NewEngine fail instead of falling back to the rules.
func TestEndingWeightsMisfit(t *testing.T) {
	emo, err := classify.LoadEmotion()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []misfitEnding{
		{bits: EndingBits - 1, classes: NumEndingClasses, unres: 2},
		{bits: EndingBits, classes: NumEndingClasses + 1, unres: 2},
		{bits: EndingBits, classes: NumEndingClasses, unres: 0},
	} {
		m.EmotionModel = emo
		if _, err := NewEngine(Registry(DefaultConfig(), testLexicon(t)), m); err == nil {
			t.Errorf("bits %d, %d classes, unresolved %d: NewEngine accepted them", m.bits, m.classes, m.unres)
		}
	}
	ok := misfitEnding{EmotionModel: emo, bits: EndingBits, classes: NumEndingClasses, unres: 2}
	if _, err := NewEngine(Registry(DefaultConfig(), testLexicon(t)), ok); err != nil {
		t.Errorf("fitting weights rejected: %v", err)
	}
}
