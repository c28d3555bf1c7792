package scan_test

import (
	"testing"
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/scan"
)

// TestClosingOpensNoRound is the case through the KPIs: a
// customer's "好的谢谢", then two hours later a new question answered in
// 10 s. The thanks must not open a round: the KPIs see two rounds
// answered in 10 s each, nothing missed, and 回复率 holds.
func TestClosingOpensNoRound(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, "2026-11-01T"+s+"+08:00")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	c := &conversation.Conversation{ID: "c", Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "发货了吗", At: at("10:00:00")},
		{Role: conversation.RoleAgent, Agent: "a1", Text: "亲，已经发货了", At: at("10:00:10")},
		{Role: conversation.RoleCustomer, Text: "好的谢谢", At: at("10:00:20")},
		{Role: conversation.RoleCustomer, Text: "快递怎么显示退回了？", At: at("12:00:20")},
		{Role: conversation.RoleAgent, Agent: "a1", Text: "亲，我帮您查一下", At: at("12:00:30")},
	}}
	eng := engine(t)
	opts := scan.Options{}
	opts.Defaults()
	r := &scan.Result{Conv: c}
	scan.Inspect(eng, r, &detect.Scratch{}, &opts)
	for _, f := range r.Findings {
		if f.Code == "response.missed" || f.Code == "response.slow" {
			t.Errorf("finding %s %v: %s", f.Code, f.Messages, f.Detail)
		}
	}
	k := r.KPI
	if k.Rounds != 2 || k.Unanswered != 0 || k.SlowRounds != 0 || !k.ReplyOK ||
		k.MeanResponseS == nil || *k.MeanResponseS != 10 || k.WindowAnswered3 != 2 {
		t.Errorf("KPI %+v (mean %v)", k, k.MeanResponseS)
	}
}
