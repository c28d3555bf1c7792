package eval

import (
	"context"
	"strings"
	"testing"

	"fullqa/internal/detect"
)

// TestContextValues checks the context stage's features of one message
// against a hand-worked conversation: the neighbours' scores, the highest
// before and after, the count of high ones before, and the ends.
func TestContextValues(t *testing.T) {
	s := []float32{0.9, 0.2, 0.6, 0.1}
	val := make([]float32, ctxFeatures)
	contextValues(val, s, 2)
	want := map[int]float32{0: 0.6, 2: 0.2, 3: 0.9, 4: 0.1, 5: 0.1, 6: 0.6 * 0.9, 7: 0.6 * 0.1, 8: 1.0 / 3, 9: 1, 10: 1}
	for k, v := range want {
		if d := val[k] - v; d > 1e-6 || d < -1e-6 {
			t.Errorf("feature %d = %v, want %v", k, val[k], v)
		}
	}
	contextValues(val, s, 0) // the first message: nothing before it
	if val[2] != 0 || val[3] != 0 || val[8] != 0 || val[9] != 0 || val[4] != 0.2 || val[5] != 0.6 || val[10] != 1 {
		t.Errorf("first message's features %v", val)
	}
	contextValues(val, s, 3) // the last: nothing after it
	if val[4] != 0 || val[5] != 0 || val[10] != 0 || val[8] != 2.0/3 {
		t.Errorf("last message's features %v", val)
	}
	if l := logitScaled(0.5); l != 0 {
		t.Errorf("logitScaled(0.5) = %v", l)
	}
	if l := logitScaled(1); l < 0.99 || l > 1 {
		t.Errorf("logitScaled(1) = %v, want near the clip at 1", l)
	}
}

// TestContextSetGroups checks that contextSet reads each conversation's
// scores apart: a message's neighbours are never another chat's.
func TestContextSetGroups(t *testing.T) {
	ex := []negExample{{group: 0, gold: true}, {group: 0}, {group: 1}}
	set := contextSet(ex, []float32{0.8, 0.3, 0.7})
	if set.Len() != 3 {
		t.Fatalf("%d examples", set.Len())
	}
	_, val, gold := set.Example(1)
	if val[2] != 0.8 || val[4] != 0 || gold {
		t.Errorf("second message of chat 0: prev %v, next %v, gold %v", val[2], val[4], gold)
	}
	_, val, _ = set.Example(2)
	if val[2] != 0 || val[9] != 0 {
		t.Errorf("chat 1's only message sees chat 0: prev %v, before %v", val[2], val[9])
	}
}

// TestMeasureNegativeContextMini runs the twelfth comparison's measurement
// end to end on the mini sets: the stacked rows and the context stage's,
// every labelled customer message counted once in each.
func TestMeasureNegativeContextMini(t *testing.T) {
	eng := defaultEngine(t)
	rep, err := MeasureNegativeContext(context.Background(), miniSets(t), nil, func(string) *detect.Engine { return eng }, 0.75)
	if err != nil {
		t.Fatal(err)
	}
	var ctxRows int
	for _, row := range rep.Rows {
		if strings.Contains(row.Method, "context") {
			ctxRows++
		}
		if n := row.TP + row.FN; row.Set == "jddc" && n != 1 || row.Set == "uss" && n != 0 {
			t.Errorf("%s on %s: %d positives", row.Method, row.Set, n)
		}
	}
	if ctxRows != 4 || !strings.Contains(rep.String(), "context stage") {
		t.Fatalf("%d context rows:\n%s", ctxRows, rep)
	}
}
