package analyze

import (
	"context"
	"testing"
	"time"
)

// TestPromiseFollowUp: a promise made on day 0 ("refund in 3 days", due at
// the start of day 4) and the buyer's later contacts: which one gets
// promise.unkept.
func TestPromiseFollowUp(t *testing.T) {
	day := func(d float64) time.Time {
		return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(d * 24 * float64(time.Hour)))
	}
	promise := Promise{ConvID: "p", Msg: 1, Made: day(0.5), Due: day(4), Event: "refund", Text: "3天内到账", Agent: "a-1"}
	type later struct {
		at      float64
		orders  []string
		scenes  []string
		notKept bool
		kept    bool
	}
	for _, tc := range []struct {
		name  string
		later []later
		want  []bool // per later contact: gets promise.unkept
	}{
		{"back after due about the refund", []later{{6, []string{"o1"}, []string{"refund"}, false, false}}, []bool{true}},
		{"back after due saying the refund arrived", []later{{6, []string{"o1"}, []string{"refund"}, false, true}}, []bool{false}},
		{"back before due about the refund", []later{{2, []string{"o1"}, []string{"refund"}, false, false}}, []bool{false}},
		{"back before due, saying it was not kept", []later{{2, []string{"o1"}, []string{"refund"}, true, false}}, []bool{true}},
		{"back after due about something else", []later{{6, []string{"o1"}, []string{"invoice"}, false, false}}, []bool{false}},
		{"back after due about another order", []later{{6, []string{"o2"}, []string{"refund"}, false, false}}, []bool{false}},
		{"reported once", []later{{6, []string{"o1"}, []string{"refund"}, false, false}, {8, []string{"o1"}, []string{"refund"}, false, false}}, []bool{true, false}},
		{"past the 30-day promise window", []later{{40, []string{"o1"}, []string{"refund"}, false, false}}, []bool{false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			an := NewAnalyzer(DefaultConfig(), time.UTC)
			mem := NewMemory()
			first := Contact{ID: "p", Customer: "u", Start: day(0.5), End: day(0.5), Orders: []string{"o1"}, Scenes: []string{"refund"},
				Promises: []Promise{promise}, NotKeptMsg: -1, FirstMsg: 0}
			mem.Add(&first)
			for i, l := range tc.later {
				ct := Contact{ID: string(rune('a' + i)), Customer: "u", Start: day(l.at), End: day(l.at), Orders: l.orders,
					Scenes: l.scenes, NotKeptMsg: -1, FirstMsg: 0, FirstText: "退款呢"}
				ct.Kept = l.kept
				if l.notKept {
					ct.NotKeptMsg, ct.NotKeptText = 0, "说好的3天到账呢"
				}
				fs, err := an.Inspect(context.Background(), mem, &ct)
				if err != nil {
					t.Fatal(err)
				}
				mem.Add(&ct)
				got := false
				for _, f := range fs {
					got = got || f.Code == "promise.unkept"
				}
				if got != tc.want[i] {
					t.Errorf("later contact %d: promise.unkept %v, want %v (%+v)", i, got, tc.want[i], fs)
				}
			}
		})
	}
}
