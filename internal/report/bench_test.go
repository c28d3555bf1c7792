package report

import (
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/scan"
	"fullqa/internal/score"
)

// benchCodes are the findings the synthetic results draw from.
var benchCodes = []struct {
	code string
	sev  conversation.Severity
}{
	{"response.slow", conversation.SeverityLow}, {"response.first_slow", conversation.SeverityLow},
	{"response.missed", conversation.SeverityMedium}, {"emotion.negative", conversation.SeverityLow},
	{"threat.escalation", conversation.SeverityHigh}, {"attitude.forbidden", conversation.SeverityMedium},
	{"compliance.absolute_claim", conversation.SeverityMedium}, {"compliance.off_platform", conversation.SeverityHigh},
	{"promise.made", conversation.SeverityInfo}, {"resolution.unresolved", conversation.SeverityMedium},
}

// synthResults builds n scan results deterministically: 30 days, 60
// agents, 5 vendors, 3 shops, 20,000 customers, 4–12 timed messages each
// with bots, ratings, outcomes, emotions and findings; score and KPI come
// from the real scorecard and KPI code.
func synthResults(n int) []*scan.Result {
	rng := rand.New(rand.NewPCG(5, 100000))
	loc := time.FixedZone("CST", 8*3600)
	kcfg := score.DefaultKPIConfig()
	sheet := score.DefaultScorecard()
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, loc)
	out := make([]*scan.Result, n)
	for i := range out {
		c := &conversation.Conversation{ID: fmt.Sprintf("b-%06d", i), Shop: fmt.Sprintf("s%d", i%3),
			Vendor: fmt.Sprintf("v%d", rng.IntN(5)), Customer: fmt.Sprintf("u%05d", rng.IntN(20000))}
		if rng.IntN(3) == 0 {
			c.Rating = 1 + rng.IntN(5)
		}
		if rng.IntN(2) == 0 {
			o, r := rng.IntN(3) == 0, rng.IntN(10) == 0
			c.Outcome = &conversation.Outcome{Ordered: &o, Refunded: &r}
		}
		t := base.Add(time.Duration(rng.IntN(30*24*3600)) * time.Second)
		agents := []string{fmt.Sprintf("a%02d", rng.IntN(60)), fmt.Sprintf("a%02d", rng.IntN(60))}
		m := 4 + rng.IntN(9)
		r := &scan.Result{Conv: c, Emotion: make([]detect.MessageEmotion, m)}
		for j := 0; j < m; j++ {
			t = t.Add(time.Duration(5+rng.IntN(300)) * time.Second)
			msg := conversation.Message{Role: conversation.RoleCustomer, Text: "这个什么时候发货呀", At: t}
			switch {
			case j%2 == 1 && rng.IntN(10) == 0:
				msg.Role, msg.Text = conversation.RoleBot, "您好，我是智能客服"
			case j%2 == 1:
				msg.Role, msg.Agent, msg.Text = conversation.RoleAgent, agents[rng.IntN(2)], "亲，今天下午就发出"
			default:
				p := rng.Float32()
				r.Emotion[j] = detect.MessageEmotion{Label: detect.EmotionNeutral, Score: 1 - p, Neg: p}
				if p > 0.8 {
					r.Emotion[j].Label = detect.EmotionNegative
				}
			}
			c.Messages = append(c.Messages, msg)
		}
		for f := rng.IntN(4); f > 0; f-- {
			bc := benchCodes[rng.IntN(len(benchCodes))]
			if bc.code == "compliance.off_platform" && rng.IntN(20) != 0 {
				continue
			}
			k := rng.IntN(m)
			r.Findings = append(r.Findings, conversation.Finding{Code: bc.code, Severity: bc.sev, Messages: []int{k},
				Evidence: c.Messages[k].Text, Detail: "synthetic"})
		}
		if rng.IntN(4) == 0 {
			r.Tags = []conversation.Tag{{Name: "logistics", Messages: []int{0}}}
		}
		r.Score, r.Deductions, r.Fatal = sheet.Apply(r.Findings)
		r.KPI = score.ConversationKPI(c, kcfg, loc, nil)
		out[i] = r
	}
	return out
}

// BenchmarkReport builds each report format from 100,000 scanned
// conversations: aggregation (Builder.Add for every result, Finish) plus
// writing to io.Discard. ms/report is the wall time of one whole report.
//
//	go test ./internal/report -run '^$' -bench Report -benchtime 3x
func BenchmarkReport(b *testing.B) {
	const n = 100000
	res := synthResults(n)
	cfg := score.DefaultConfig()
	v := func(x float64) *float64 { return &x }
	cfg.Teams = map[string][]string{"t1": {"a00", "a01", "a02"}, "t2": {"a10", "a11"}}
	cfg.Contracts = []score.Contract{{Vendor: "v1", Targets: map[string]score.Target{
		"first_response_s": {Max: v(15)}, "response_rate_3m": {Min: v(0.95)}, "mean_score": {Min: v(85)}}}}
	htmlw, err := NewHTML()
	if err != nil {
		b.Fatal(err)
	}
	writers := []struct {
		name  string
		write func(io.Writer, *Report) error
	}{
		{"text", WriteText}, {"json", WriteJSON}, {"html", htmlw.Write}, {"xlsx", WriteXLSX},
	}
	for _, w := range writers {
		b.Run(w.name, func(b *testing.B) {
			for b.Loop() {
				bld := NewBuilder(cfg, 20, w.name == "xlsx")
				for _, r := range res {
					bld.Add(r)
				}
				rep := bld.Finish("bench", "Asia/Shanghai", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
				if err := w.write(io.Discard, rep); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/report")
		})
	}
}

// TestSynthResultsDeterministic keeps the benchmark's input reproducible.
func TestSynthResultsDeterministic(t *testing.T) {
	a, b := synthResults(200), synthResults(200)
	for i := range a {
		if a[i].Score != b[i].Score || len(a[i].Findings) != len(b[i].Findings) || a[i].KPI.Rounds != b[i].KPI.Rounds {
			t.Fatalf("result %d differs between runs", i)
		}
	}
}

// BenchmarkBuilderAdd is the aggregation alone, as the scan's one sink
// goroutine does it: Builder.Add for 100,000 synthetic results (summary
// counts, the riskiest, the KPI groups). ns/conv is per result.
//
//	go test ./internal/report -run '^$' -bench BuilderAdd -benchtime 3x
func BenchmarkBuilderAdd(b *testing.B) {
	const n = 100000
	res := synthResults(n)
	cfg := score.DefaultConfig()
	cfg.Teams = map[string][]string{"t1": {"a00", "a01", "a02"}, "t2": {"a10", "a11"}}
	b.ReportAllocs()
	for b.Loop() {
		bld := NewBuilder(cfg, 20, false)
		for _, r := range res {
			bld.Add(r)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/conv")
}
