package analyze_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"fullqa/internal/analyze"
	"fullqa/internal/conversation"
)

// synthConv fills c as the i-th of a synthetic month of traffic: 300,000
// buyers, one order each a fortnight, 2,000 SKUs, a scene tag, a time
// promise in one conversation of ten and an unresolved ending in one of
// five. It reuses c's slices.
func synthConv(i int, c *conversation.Conversation, fs *[]conversation.Finding, tags *[]conversation.Tag) {
	buyer := i % 300_000
	at := day0.Add(time.Duration(i) * 30 * 24 * time.Hour / 1_000_000)
	c.ID = fmt.Sprintf("c-%07d", i)
	c.Shop, c.Customer = "s1", fmt.Sprintf("u-%06d", buyer)
	c.OrderIDs = append(c.OrderIDs[:0], fmt.Sprintf("o-%06d-%d", buyer, i/600_000))
	c.SKUs = append(c.SKUs[:0], fmt.Sprintf("%d", 5_000_000+buyer%2000))
	if len(c.Messages) != 4 {
		c.Messages = make([]conversation.Message, 4)
	}
	for k := range c.Messages {
		c.Messages[k] = conversation.Message{Role: conversation.RoleCustomer, Text: "我的快递怎么还没到，中通的", At: at.Add(time.Duration(k) * time.Minute)}
		if k%2 == 1 {
			c.Messages[k] = conversation.Message{Role: conversation.RoleAgent, Agent: "a-1", Text: "亲，明天给您发出", At: at.Add(time.Duration(k) * time.Minute)}
		}
	}
	*fs = (*fs)[:0]
	if i%10 == 0 {
		*fs = append(*fs, conversation.Finding{Code: "promise.made", Messages: []int{1}, Evidence: "明天给您发出",
			Data: conversation.DataOf(map[string]any{"kind": "time", "slot": map[string]any{"days": 1, "event": "发出"}})})
	}
	if i%5 == 0 {
		*fs = append(*fs, conversation.Finding{Code: "resolution.unresolved", Severity: conversation.SeverityMedium,
			Messages: []int{3}, Evidence: "那就算了"})
	}
	*tags = append((*tags)[:0], conversation.Tag{Name: [...]string{"logistics", "refund", "quality"}[i%3], Messages: []int{0}})
}

// BenchmarkBatch1M feeds a million synthetic conversations through the
// batch analyzers and reports the heap they keep (B/conv, after a
// collection) and the time per conversation. README "Across
// conversations" quotes it:
//
//	go test -run xxx -bench Batch1M -benchtime 1x ./internal/analyze/
func BenchmarkBatch1M(b *testing.B) {
	const n = 1_000_000
	tp := topics(b)
	for it := 0; it < b.N; it++ {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		bt := analyze.NewBatch(analyze.DefaultConfig(), tp, shanghai)
		var c conversation.Conversation
		var fs []conversation.Finding
		var tags []conversation.Tag
		found := 0
		for i := 0; i < n; i++ {
			synthConv(i, &c, &fs, &tags)
			out, err := bt.Add(context.Background(), &c, fs, tags)
			if err != nil {
				b.Fatal(err)
			}
			found += len(out)
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		s := bt.Finish()
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/conv")
		b.ReportMetric(float64(found), "findings")
		b.ReportMetric(float64(len(s.Bursts)), "bursts")
		runtime.KeepAlive(bt)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/conv")
}
