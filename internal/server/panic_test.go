package server

import (
	"context"
	"strings"
	"testing"

	"fullqa/internal/detect"
)

// boom is a detector that panics on any message containing "BOOM", as a
// detector bug would.
type boom struct{}

func (boom) Name() string    { return "boom" }
func (boom) Codes() []string { return nil }
func (boom) Inspect(in *detect.Input, out *detect.Output) {
	for _, m := range in.Conv.Messages {
		if strings.Contains(m.Text, "BOOM") {
			panic("boom")
		}
	}
}

// TestPanicDoesNotHangAWorker: a conversation that makes a detector panic
// is rejected (batch) or left uninspected (stream); the others are stored
// and the server goes on.
func TestPanicDoesNotHangAWorker(t *testing.T) {
	e := newTestEnv(t, func(o *Options) {
		eng, err := detect.NewEngine(append(o.Engine.Detectors(), boom{}), nil)
		if err != nil {
			t.Fatal(err)
		}
		o.Engine = eng
		live, err := detect.NewEngine([]detect.Detector{boom{}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		o.Live = live
	})
	body := `{"id":"ok","messages":[{"role":"customer","text":"在吗"}]}` + "\n" + `{"id":"bad","messages":[{"role":"customer","text":"BOOM"}]}`
	var a ingestAnswer
	e.json("qa", "POST", "/api/v1/conversations", []byte(body), 200, &a)
	if a.Accepted != 1 || len(a.Rejected) != 1 || a.Rejected[0].Line != 2 || !strings.Contains(a.Rejected[0].Error, "inspection failed") {
		t.Fatalf("answer: %+v", a)
	}
	// Streamed: the message is kept (its live check lost), the full
	// inspection fails once and is not retried in a loop.
	var m messagesAnswer
	e.json("qa", "POST", "/api/v1/messages", []byte(`{"message_id":"b1","conversation_id":"s-bad","role":"customer","text":"BOOM"}`+"\n"+
		`{"message_id":"g1","conversation_id":"s-ok","role":"customer","text":"在吗"}`+"\n"+
		`{"conversation_id":"s-bad","event":"close"}`+"\n"+`{"conversation_id":"s-ok","event":"close"}`), 200, &m)
	if m.Accepted != 2 || m.Closed != 2 {
		t.Fatalf("stream: %+v", m)
	}
	failed := map[failedKey]bool{}
	n, err := e.srv.InspectPending(context.Background(), failed)
	if err != nil || n != 1 || len(failed) != 1 {
		t.Fatalf("inspect pending: stored %d, failed %v, %v", n, failed, err)
	}
	if n, _ := e.srv.InspectPending(context.Background(), failed); n != 0 {
		t.Fatalf("second pass stored %d", n)
	}
	var c conversationAnswer
	e.json("qa", "GET", "/api/v1/conversations/s-ok", nil, 200, &c)
	if c.Inspections != 1 {
		t.Fatalf("s-ok: %+v", c)
	}
}
