package server

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fullqa/internal/config"
	"fullqa/internal/conversation"
	"fullqa/internal/scan"
	"fullqa/internal/store"
)

// benchConv is the i-th of a synthetic month: 2,000 buyers, 200 SKUs, a
// time promise in one of ten, an unresolved ending in one of five.
func benchConv(i int, day0 time.Time) (*conversation.Conversation, scan.Result) {
	at := day0.Add(time.Duration(i) * 30 * 24 * time.Hour / 20_000)
	buyer := i % 2000
	c := &conversation.Conversation{ID: fmt.Sprintf("c-%06d", i), Shop: "s1", Vendor: "v1", Customer: fmt.Sprintf("u-%04d", buyer),
		OrderIDs: []string{fmt.Sprintf("o-%04d-%d", buyer, i/7_000)}, SKUs: []string{fmt.Sprint(1000 + buyer%200)},
		Messages: []conversation.Message{
			{Role: conversation.RoleCustomer, Text: "我的快递怎么还没到，中通的", At: at},
			{Role: conversation.RoleAgent, Agent: "a-1", Text: "亲，明天给您发出", At: at.Add(time.Minute)}}}
	r := scan.Result{Conv: c, Tags: []conversation.Tag{{Name: "logistics", Messages: []int{0}}}}
	if i%10 == 0 {
		r.Findings = append(r.Findings, conversation.Finding{Code: "promise.made", Messages: []int{1}, Evidence: "明天给您发出",
			Data: conversation.DataOf(map[string]any{"kind": "time", "slot": map[string]any{"days": 1, "event": "发出"}})})
	}
	if i%5 == 0 {
		r.Findings = append(r.Findings, conversation.Finding{Code: "resolution.unresolved", Severity: conversation.SeverityMedium,
			Messages: []int{0}, Evidence: "那就算了"})
	}
	return c, r
}

// BenchmarkCrossClose measures the across work of one closing
// conversation in the service against a store holding a month of 20,000
// conversations (2,000 buyers): the buyer lookup, the analyzers, the
// store write of its contact, promises and topic counts, and the burst
// test of its topics. README "Across conversations" quotes it:
//
//	go test -run xxx -bench CrossClose -benchtime 1000x ./internal/server/
func BenchmarkCrossClose(b *testing.B) {
	ctx := context.Background()
	cfg := config.Default()
	st, err := store.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	eng, _ := engines(b, cfg)
	loc, _ := cfg.Location()
	srv, err := New(Options{Store: st, Engine: eng, Config: cfg, Serve: cfg.Serve, Scan: scan.Options{Score: cfg.Score, Location: loc}})
	if err != nil {
		b.Fatal(err)
	}
	day0 := time.Date(2026, 10, 1, 0, 0, 0, 0, loc)
	const history = 20_000
	put := func(lo, hi int) {
		var puts []store.Put
		for i := lo; i < hi; i++ {
			c, r := benchConv(i, day0)
			res := []inspected{{scan: r, result: store.Result{Doc: []byte("{}")}}}
			srv.crossAll(ctx, []*conversation.Conversation{c}, res)
			doc, _ := store.EncodeConversation(c)
			puts = append(puts, store.Put{Conv: c, Doc: doc, Hash: store.ContentHash(doc), Result: res[0].result,
				Findings: res[0].findings, Across: res[0].across})
		}
		if _, err := st.PutConversations(ctx, "", puts, time.Now(), nil); err != nil {
			b.Fatal(err)
		}
	}
	for lo := 0; lo < history; lo += 1000 {
		put(lo, lo+1000)
	}
	next := history
	newPut := func() []store.Put {
		c, r := benchConv(next, day0)
		next++
		res := []inspected{{scan: r, result: store.Result{Doc: []byte("{}")}}}
		srv.crossAll(ctx, []*conversation.Conversation{c}, res)
		doc, _ := store.EncodeConversation(c)
		return []store.Put{{Conv: c, Doc: doc, Hash: store.ContentHash(doc), Result: res[0].result, Findings: res[0].findings, Across: res[0].across}}
	}
	// lookup: the buyer's earlier contacts and the analyzers (crossAll).
	b.Run("lookup", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			c, r := benchConv(history+i, day0)
			srv.crossAll(ctx, []*conversation.Conversation{c}, []inspected{{scan: r, result: store.Result{Doc: []byte("{}")}}})
		}
	})
	// store: the conversation's write transaction with its contact,
	// promises and topic counts (one fsync).
	b.Run("store", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			p := newPut()
			b.StartTimer()
			if _, err := st.PutConversations(ctx, "", p, time.Now(), nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	// bursts: the burst test of the stored conversation's topics.
	b.Run("bursts", func(b *testing.B) {
		p := newPut()
		if _, err := st.PutConversations(ctx, "", p, time.Now(), nil); err != nil {
			b.Fatal(err)
		}
		for i := 0; i < b.N; i++ {
			srv.checkBursts(ctx, p)
		}
	})
}
