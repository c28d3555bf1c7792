package server

import (
	"context"
	"sync"
	"testing"
	"time"

	"fullqa/internal/config"
	"fullqa/internal/store"
)

func TestRetentionDeletesOldConversations(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	e := newTestEnv(t, func(o *Options) {
		o.Serve.Retention = config.Age(30 * 24 * time.Hour)
		o.Now = func() time.Time { return now }
	})
	e.json("qa", "POST", "/api/v1/conversations", readExamples(t), 200, nil) // November 2026
	recent := `{"id":"recent","messages":[{"role":"customer","text":"在吗","at":"2026-12-01T10:00:00+08:00"},{"role":"agent","agent":"a","text":"加我微信 abc12345","at":"2026-12-01T10:00:10+08:00"}]}`
	e.json("qa", "POST", "/api/v1/conversations", []byte(recent), 200, nil)
	n, err := e.srv.RetentionPass(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Every example starts before 2026-11-06 (30 days back), or has no
	// timestamps and arrived "now": those stay.
	if n == 0 {
		t.Fatal("nothing deleted")
	}
	if code, _, _ := e.do("qa", "GET", "/api/v1/conversations/ex-fast", nil); code != 404 {
		t.Errorf("ex-fast (2026-11-01) kept: %d", code)
	}
	e.json("qa", "GET", "/api/v1/conversations/recent", nil, 200, nil)
	var fa findingsAnswer
	e.json("qa", "GET", "/api/v1/findings?limit=1000", nil, 200, &fa)
	for _, f := range fa.Findings {
		if f.ConversationID == "ex-fast" || f.ConversationID == "ex-slow" {
			t.Errorf("finding of a deleted conversation kept: %+v", f)
		}
	}
	if c, err := e.st.CountConversations(context.Background(), ""); err != nil || c+n != 27 {
		t.Errorf("%d left + %d deleted, want 27: %v", c, n, err)
	}
}

// recordingSink is a FindingSink that keeps what it was given.
type recordingSink struct {
	mu    sync.Mutex
	live  []store.Finding
	final []store.Finding
}

func (r *recordingSink) Found(ctx context.Context, fs []store.Finding, live bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if live {
		r.live = append(r.live, fs...)
	} else {
		r.final = append(r.final, fs...)
	}
}

// TestFindingSinkAfterCommit: the sink gets every stored finding, with
// its id, once committed: per-message ones as live, full inspections not.
func TestFindingSinkAfterCommit(t *testing.T) {
	sink := &recordingSink{}
	e := newTestEnv(t, func(o *Options) { o.Sink = sink })
	e.json("qa", "POST", "/api/v1/conversations", readExamples(t), 200, nil)
	var fa findingsAnswer
	e.json("qa", "GET", "/api/v1/findings?limit=1000", nil, 200, &fa)
	if len(sink.final) != len(fa.Findings) || len(sink.live) != 0 {
		t.Fatalf("sink got %d final, %d live; stored %d", len(sink.final), len(sink.live), len(fa.Findings))
	}
	ids := map[int64]bool{}
	for _, f := range fa.Findings {
		ids[f.ID] = true
	}
	for _, f := range sink.final {
		if !ids[f.ID] {
			t.Errorf("sink finding id %d (%s) is not stored", f.ID, f.Code)
		}
	}
	e.json("qa", "POST", "/api/v1/messages", []byte(`{"message_id":"m1","conversation_id":"live","role":"agent","agent":"a","text":"加我微信 abc12345"}`), 200, nil)
	if len(sink.live) != 1 || sink.live[0].Code != "compliance.off_platform" || sink.live[0].ID == 0 {
		t.Fatalf("live: %+v", sink.live)
	}
}
