package detect

import (
	"reflect"
	"testing"
)

// TestNegFeatsScratchReused checks the emotion detector's learned
// features' buffer kept in the worker's Scratch against the zeroed buffer
// it replaced (a variable of Inspect): every chat of gateChats inspected
// with one scratch reused from chat to chat (the buffer holding the last
// chat's features) gives the findings a new scratch gives.
func TestNegFeatsScratchReused(t *testing.T) {
	eng := defaultEngine(t)
	var shared Scratch
	learned := 0
	for _, c := range gateChats(t) {
		_, got := eng.Inspect(c, &shared)
		_, want := eng.Inspect(c, &Scratch{})
		if !reflect.DeepEqual(got.Findings, want.Findings) {
			t.Fatalf("%s: reused scratch %+v\nnew scratch %+v", c.ID, got.Findings, want.Findings)
		}
		for _, f := range got.Findings {
			if f.Code == "emotion.negative" && len(f.Data) == 2 { // learned, negative
				learned++
			}
		}
	}
	if learned == 0 {
		t.Fatal("no finding of the learned scorer: the test compares nothing")
	}
	t.Logf("%d findings with a learned probability", learned)
}
