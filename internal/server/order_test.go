package server

import (
	"strings"
	"testing"
)

// TestIngestTimeOrder checks that the API rejects a conversation whose
// messages step back in time, as the CLI does, and sorts it instead when
// the config says ingest.sort_by_time.
func TestIngestTimeOrder(t *testing.T) {
	body := []byte(`{"id":"o1","messages":[{"role":"customer","text":"在吗","at":"2026-11-01T10:05:00+08:00"},{"role":"agent","text":"在的","at":"2026-11-01T10:00:00+08:00"}]}` + "\n")
	e := newTestEnv(t, nil)
	var a ingestAnswer
	e.json("qa", "POST", "/api/v1/conversations", body, 200, &a)
	if a.Accepted != 0 || len(a.Rejected) != 1 || a.Rejected[0].Field != "messages[1].at" || !strings.Contains(a.Rejected[0].Error, "out of time order") {
		t.Errorf("out-of-order conversation: %+v", a)
	}
	e = newTestEnv(t, func(o *Options) { o.Config.Ingest.SortByTime = true })
	a = ingestAnswer{}
	e.json("qa", "POST", "/api/v1/conversations", body, 200, &a)
	if a.Accepted != 1 || len(a.Rejected) != 0 {
		t.Errorf("with ingest.sort_by_time: %+v", a)
	}
}
