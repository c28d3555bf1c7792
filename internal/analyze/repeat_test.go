package analyze

import (
	"context"
	"testing"
	"time"

	"fullqa/internal/conversation"
)

// TestRepeatChains runs hand-built contact histories of one buyer through
// the analyzer: which contact gets repeat.unresolved, with which N and
// severity.
func TestRepeatChains(t *testing.T) {
	day := func(d float64) time.Time {
		return time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(d * 24 * float64(time.Hour)))
	}
	type c struct {
		at         float64
		orders     []string
		skus       []string
		scenes     []string
		unresolved bool
	}
	for _, tc := range []struct {
		name string
		hist []c
		n    int // N of the last contact's finding, 0 for none
		sev  conversation.Severity
	}{
		{"second contact, earlier unresolved", []c{{0, []string{"o1"}, nil, nil, true}, {3, []string{"o1"}, nil, nil, false}}, 2, conversation.SeverityMedium},
		{"earlier resolved", []c{{0, []string{"o1"}, nil, nil, false}, {3, []string{"o1"}, nil, nil, false}}, 0, 0},
		{"another order", []c{{0, []string{"o1"}, nil, nil, true}, {3, []string{"o2"}, nil, nil, false}}, 0, 0},
		{"just inside 14 days", []c{{0, []string{"o1"}, nil, nil, true}, {13.9, []string{"o1"}, nil, nil, false}}, 2, conversation.SeverityMedium},
		{"just outside 14 days", []c{{0, []string{"o1"}, nil, nil, true}, {14.1, []string{"o1"}, nil, nil, false}}, 0, 0},
		{"fourth in a row is critical", []c{{0, []string{"o1"}, nil, nil, true}, {1, []string{"o1"}, nil, nil, true},
			{2, []string{"o1"}, nil, nil, true}, {3, []string{"o1"}, nil, nil, false}}, 4, conversation.SeverityCritical},
		{"a resolved contact ends the run", []c{{0, []string{"o1"}, nil, nil, true}, {1, []string{"o1"}, nil, nil, false},
			{2, []string{"o1"}, nil, nil, true}, {3, []string{"o1"}, nil, nil, false}}, 2, conversation.SeverityMedium},
		{"same SKU when no orders", []c{{0, nil, []string{"s9"}, nil, true}, {2, nil, []string{"s9"}, nil, false}}, 2, conversation.SeverityMedium},
		{"same scene when neither is known", []c{{0, nil, nil, []string{"refund"}, true}, {2, nil, nil, []string{"refund", "logistics"}, false}}, 2, conversation.SeverityMedium},
		{"presale is no after-sales problem", []c{{0, nil, nil, []string{"presale"}, true}, {2, nil, nil, []string{"presale"}, false}}, 0, 0},
		{"other contacts in between are skipped", []c{{0, []string{"o1"}, nil, nil, true}, {1, []string{"o2"}, nil, nil, false},
			{2, []string{"o1"}, nil, nil, false}}, 2, conversation.SeverityMedium},
	} {
		t.Run(tc.name, func(t *testing.T) {
			an := NewAnalyzer(DefaultConfig(), time.UTC)
			mem := NewMemory()
			var last []conversation.Finding
			for i, h := range tc.hist {
				ct := Contact{ID: string(rune('a' + i)), Customer: "u", Start: day(h.at), End: day(h.at).Add(time.Minute),
					Orders: h.orders, SKUs: h.skus, Scenes: h.scenes, Unresolved: h.unresolved, FirstMsg: 0, FirstText: "又来了",
					NotKeptMsg: -1, EndingMsg: 3}
				if h.unresolved {
					ct.Ending = "resolution.unresolved: 那就算了"
				}
				fs, err := an.Inspect(context.Background(), mem, &ct)
				if err != nil {
					t.Fatal(err)
				}
				mem.Add(&ct)
				last = fs
			}
			switch {
			case tc.n == 0 && len(last) != 0:
				t.Errorf("got %+v, want none", last)
			case tc.n > 0 && (len(last) != 1 || last[0].Data.Get("n") != tc.n || last[0].Severity != tc.sev):
				t.Errorf("got %+v, want n=%d %s", last, tc.n, tc.sev)
			}
		})
	}
}
