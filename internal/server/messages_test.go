package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/ingest"
	"fullqa/internal/store"
)

// streamEvents turns canonical conversations into message events, one
// per message, with the conversation's fields on each, and a close event
// per conversation at the end when close is set.
func streamEvents(t *testing.T, lines []byte, close bool) [][]byte {
	t.Helper()
	rd, err := ingest.Open("in.jsonl", bytes.NewReader(lines), ingest.Options{Format: ingest.FormatJSONL})
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	var ids []string
	err = ingest.ForEach(rd, func(c *conversation.Conversation) error {
		ids = append(ids, c.ID)
		for i, m := range c.Messages {
			ev := map[string]any{"message_id": fmt.Sprintf("%s/%d", c.ID, i), "conversation_id": c.ID,
				"role": m.Role.String(), "text": m.Text, "agent": m.Agent, "customer": c.Customer, "shop": c.Shop,
				"vendor": c.Vendor, "channel": c.Channel, "order_ids": c.OrderIDs, "skus": c.SKUs}
			if !m.At.IsZero() {
				ev["at"] = m.At.Format(time.RFC3339)
			}
			b, _ := json.Marshal(ev)
			out = append(out, b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if close {
		for _, id := range ids {
			out = append(out, []byte(`{"conversation_id":"`+id+`","event":"close"}`))
		}
	}
	return out
}

func TestStreamPerMessageFindingsAndClose(t *testing.T) {
	e := newTestEnv(t, nil)
	var a messagesAnswer
	evs := []string{
		`{"message_id":"m1","conversation_id":"s-1","role":"customer","text":"东西坏了怎么办","vendor":"v1","customer":"u1","at":"2026-11-03T10:00:00+08:00"}`,
		`{"message_id":"m2","conversation_id":"s-1","role":"agent","agent":"a1","text":"加我微信 abc12345 私下给您退","at":"2026-11-03T10:00:30+08:00"}`,
	}
	e.json("qa", "POST", "/api/v1/messages", []byte(evs[0]), 200, &a)
	if a.Accepted != 1 || len(a.Findings) != 0 {
		t.Fatalf("first message: %+v", a)
	}
	e.json("qa", "POST", "/api/v1/messages", []byte(evs[1]), 200, &a)
	if a.Accepted != 1 || len(a.Findings) == 0 || a.Findings[0].Code != "compliance.off_platform" ||
		a.Findings[0].Source != store.SourceMessage || a.Findings[0].Messages[0] != 1 {
		t.Fatalf("off-platform message: %+v", a)
	}
	// Resent: a duplicate, nothing new.
	e.json("qa", "POST", "/api/v1/messages", []byte(evs[0]+"\n"+evs[1]), 200, &a)
	if a.Accepted != 0 || a.Duplicate != 2 || len(a.Findings) != 0 {
		t.Fatalf("resend: %+v", a)
	}
	var c conversationAnswer
	e.json("qa", "GET", "/api/v1/conversations/s-1", nil, 200, &c)
	if c.State != store.StateOpen || c.Inspections != 0 || string(c.Result) != "null" {
		t.Fatalf("open conversation: %+v", c)
	}
	// Bad events are rejected with their line and field.
	bad := `{"conversation_id":"s-1","role":"agent","text":"x"}` + "\n" + `{"message_id":"m9","conversation_id":"s-1","role":"boss","text":"x"}` +
		"\n" + `{"conversation_id":"nope","event":"close"}` + "\n" + `{"message_id":"m8","conversation_id":"s-1","role":"agent","text":"x","at":"yesterday"}`
	e.json("qa", "POST", "/api/v1/messages", []byte(bad), 200, &a)
	want := []rejected{{1, "message_id", "missing"}, {2, "role", `unknown role "boss" (want customer, agent, bot or system)`},
		{3, "conversation_id", "no such conversation"}}
	if len(a.Rejected) != 4 || a.Rejected[0] != want[0] || a.Rejected[1] != want[1] || a.Rejected[2] != want[2] || a.Rejected[3].Field != "at" {
		t.Fatalf("rejects: %+v", a.Rejected)
	}
	e.json("qa", "POST", "/api/v1/messages", []byte(`{"conversation_id":"s-1","event":"close"}`), 200, &a)
	if a.Closed != 1 {
		t.Fatalf("close: %+v", a)
	}
	if n, err := e.srv.InspectPending(context.Background(), nil); err != nil || n != 1 {
		t.Fatalf("inspect pending: %d %v", n, err)
	}
	e.json("qa", "GET", "/api/v1/conversations/s-1", nil, 200, &c)
	if c.State != store.StateClosed || c.Inspections != 1 || !c.Inspected {
		t.Fatalf("closed conversation: %+v", c)
	}
	// The full inspection replaced the per-message findings.
	var fa findingsAnswer
	e.json("qa", "GET", "/api/v1/findings?conversation=s-1", nil, 200, &fa)
	for _, f := range fa.Findings {
		if f.Source != store.SourceInspection {
			t.Errorf("after inspection: %+v", f)
		}
	}
	// A new message opens it again; the close after it inspects again.
	e.json("qa", "POST", "/api/v1/messages", []byte(`{"message_id":"m3","conversation_id":"s-1","role":"customer","text":"好的"}`+"\n"+
		`{"conversation_id":"s-1","event":"close"}`), 200, &a)
	if a.Accepted != 1 || a.Closed != 1 {
		t.Fatalf("reopen: %+v", a)
	}
	e.srv.InspectPending(context.Background(), nil)
	e.json("qa", "GET", "/api/v1/conversations/s-1", nil, 200, &c)
	if c.Inspections != 2 || !c.Inspected {
		t.Fatalf("after reopen: %+v", c)
	}
}

func TestStreamCloseAfterIdle(t *testing.T) {
	now := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	e := newTestEnv(t, func(o *Options) { o.Now = clock })
	e.json("qa", "POST", "/api/v1/messages", []byte(`{"message_id":"m1","conversation_id":"idle","role":"customer","text":"在吗"}`), 200, nil)
	if n, _ := e.st.CloseIdle(context.Background(), now.Add(-time.Duration(e.srv.o.Serve.CloseAfter)), now); n != 0 {
		t.Fatalf("closed %d before close_after", n)
	}
	now = now.Add(time.Duration(e.srv.o.Serve.CloseAfter) + time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.srv.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	var c conversationAnswer
	for i := 0; i < 500; i++ {
		e.json("qa", "GET", "/api/v1/conversations/idle", nil, 200, &c)
		if c.Inspections == 1 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if c.State != store.StateClosed || c.Inspections != 1 {
		t.Fatalf("after close_after: %+v", c)
	}
}

// TestStreamAgreesWithScan streams the example chats message by message,
// closes them, and checks every stored result is the scan output line.
func TestStreamAgreesWithScan(t *testing.T) {
	e := newTestEnv(t, nil)
	ex := readExamples(t)
	evs := streamEvents(t, ex, true)
	// Interleave: several small requests, as a chat platform would send.
	for i := 0; i < len(evs); i += 7 {
		var a messagesAnswer
		e.json("qa", "POST", "/api/v1/messages", bytes.Join(evs[i:min(i+7, len(evs))], []byte("\n")), 200, &a)
		if len(a.Rejected) != 0 {
			t.Fatalf("rejected: %+v", a.Rejected)
		}
	}
	for {
		n, err := e.srv.InspectPending(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	// Streamed messages carry no rating, outcome or meta: compare with the
	// same conversations without them.
	var stripped []string
	for _, l := range strings.Split(strings.TrimSpace(string(ex)), "\n") {
		var m map[string]any
		json.Unmarshal([]byte(l), &m)
		delete(m, "rating")
		delete(m, "outcome")
		delete(m, "meta")
		b, _ := json.Marshal(m)
		stripped = append(stripped, string(b))
	}
	compareStored(t, e, []byte(strings.Join(stripped, "\n")))
}

// TestStreamBackpressure: with as many closed conversations waiting for
// inspection as serve.queue allows, streaming answers 429 with
// Retry-After and stores nothing; once the backlog is inspected it goes on.
func TestStreamBackpressure(t *testing.T) {
	e := newTestEnv(t, func(o *Options) { o.Serve.Queue = 1 })
	ev := `{"message_id":"m1","conversation_id":"c1","role":"customer","text":"在吗"}` + "\n" + `{"conversation_id":"c1","event":"close"}`
	e.json("qa", "POST", "/api/v1/messages", []byte(ev), 200, nil)
	if n, _ := e.st.PendingInspections(context.Background()); n != 1 {
		t.Fatalf("pending %d", n)
	}
	e.srv.pending.Store(1) // as the inspector counts it
	code, _, h := e.do("qa", "POST", "/api/v1/messages", []byte(`{"message_id":"m2","conversation_id":"c2","role":"customer","text":"在吗"}`))
	if code != 429 || h.Get("Retry-After") == "" {
		t.Fatalf("full backlog: %d, Retry-After %q", code, h.Get("Retry-After"))
	}
	if _, err := e.st.GetConversation(context.Background(), "", "c2"); err == nil {
		t.Fatal("a throttled message was stored")
	}
	if _, err := e.srv.InspectPending(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	e.json("qa", "POST", "/api/v1/messages", []byte(`{"message_id":"m2","conversation_id":"c2","role":"customer","text":"在吗"}`), 200, nil)
}
