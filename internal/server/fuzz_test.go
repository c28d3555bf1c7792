package server

import (
	"testing"
	"time"

	"fullqa/internal/config"
	"fullqa/internal/conversation"
)

// FuzzParseEvent: any line gives an event or a rejection naming a field,
// never a panic; an accepted message has an id, a conversation, a role.
func FuzzParseEvent(f *testing.F) {
	for _, s := range []string{
		`{"message_id":"m1","conversation_id":"c1","role":"customer","text":"在吗","at":"2026-11-01T10:00:00+08:00"}`,
		`{"conversation_id":"c1","event":"close"}`,
		`{"conversation_id":"c1","event":"open"}`,
		`{"message_id":"m1","conversation_id":"c1","role":"boss","text":"x"}`,
		`{"message_id":1,"conversation_id":"c1"}`,
		`{"message_id":"m1","conversation_id":"c1","role":"agent","text":"x","at":"2026-13-45"}`,
		`{"message_id":"m1","conversation_id":"c1","role":"agent","text":"x","vendor":"v2","order_ids":["o"],"skus":[1]}`,
		`[]`, `{`, ``, `null`,
	} {
		f.Add(s, "")
		f.Add(s, "v1")
	}
	loc := time.FixedZone("CST", 8*3600)
	s := &Server{o: Options{Serve: config.DefaultServe()}}
	s.o.Scan.Location = loc
	f.Fuzz(func(t *testing.T, line, scope string) {
		ev, rj := s.parseEvent([]byte(line), scope)
		if rj != nil {
			if rj.Error == "" {
				t.Fatalf("rejection without an error: %+v", rj)
			}
			return
		}
		if ev.ConversationID == "" {
			t.Fatal("accepted without a conversation id")
		}
		if ev.Close {
			return
		}
		if ev.MessageID == "" || ev.Message.Role == conversation.RoleUnknown {
			t.Fatalf("accepted message without id or role: %+v", ev)
		}
		if scope != "" && ev.Vendor != scope {
			t.Fatalf("scope %q, event vendor %q", scope, ev.Vendor)
		}
	})
}
