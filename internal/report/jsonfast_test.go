package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/scan"
	"fullqa/internal/score"
)

// TestAppendJSONResultMatchesEncodingJSON checks the hand-written encoder
// against encoding/json on results with every field, odd strings included.
func TestAppendJSONResultMatchesEncodingJSON(t *testing.T) {
	fr, dur := 12.5, 1e-7
	msgs := []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "x", At: time.Unix(0, 0)},
		{Role: conversation.RoleAgent, Text: "y"},
		{Role: conversation.RoleCustomer, Text: "z"},
	}
	results := []*scan.Result{
		{Conv: &conversation.Conversation{ID: "plain", Messages: msgs[:1]}},
		{Conv: &conversation.Conversation{ID: "带\"引号\\和\n换行\t\x01\u2028<html>&\xff", Messages: msgs},
			Score: 37,
			Tags:  []conversation.Tag{{Name: "refund", Messages: []int{0, 2}}, {Name: "logistics", Messages: []int{1}}},
			Findings: []conversation.Finding{
				{Code: "promise.made", Severity: conversation.SeverityInfo, Messages: []int{1}, Evidence: "今天发货",
					Detail: "d", Data: map[string]any{"kind": "time", "days": 0, "slot": map[string]any{"within_hours": 24, "f": 0.5, "list": []any{"a", 1, true}},
						"words": []string{"x", "y"}, "n": nil, "i64": int64(7), "f32": float32(0.25), "other": []int{1, 2}, "promises": []map[string]any{{"kind": "time"}, {"kind": "amount", "yuan": 5}}}},
				{Code: "response.missed", Severity: conversation.SeverityMedium, Messages: []int{2}, Evidence: "z"},
			},
			Deductions: []score.Deduction{{Finding: 1, Code: "response.missed", Category: "响应", Item: "漏回复", Points: -10, Fatal: true}},
			Emotion: []detect.MessageEmotion{{Label: "negative", Score: 0.8123, Satisfaction: "dissatisfied", SatisfactionP: 0.61},
				{}, {Label: "neutral", Score: 0.5, Satisfaction: "dissatisfied", SatisfactionP: 0.4444}},
			Ending: detect.Ending{Label: detect.EndingPending, P: 0.6187},
			KPI: score.KPI{Day: "2026-11-01", FirstResponseS: &fr, DurationS: &dur, Rounds: 2, Unanswered: 1,
				ReplyOK: true, CustomerMsgs: 2, AgentMsgs: 1, Long: true},
		},
	}
	for _, r := range results {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(NewJSONResult(r)); err != nil {
			t.Fatal(err)
		}
		got := AppendJSONResult(nil, r)
		var a, b any
		if err := json.Unmarshal(got, &a); err != nil {
			t.Fatalf("invalid JSON %s: %v", got, err)
		}
		json.Unmarshal(want.Bytes(), &b)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("differs:\n got  %s\n want %s", got, want.Bytes())
		}
		if got[len(got)-1] != '\n' || bytes.Count(got, []byte{'\n'}) != 1 {
			t.Errorf("not one line: %q", got)
		}
	}
}

// FuzzAppendString checks string escaping against encoding/json.
func FuzzAppendString(f *testing.F) {
	f.Add("退款\"\\\n\x00\u2028\xff<>&")
	f.Fuzz(func(t *testing.T, s string) {
		var got string
		if err := json.Unmarshal(appendString(nil, s), &got); err != nil {
			t.Fatalf("invalid: %q", appendString(nil, s))
		}
		want, _ := json.Marshal(s)
		var w string
		json.Unmarshal(want, &w)
		if got != w {
			t.Fatalf("%q decodes to %q, encoding/json gives %q", s, got, w)
		}
	})
}
