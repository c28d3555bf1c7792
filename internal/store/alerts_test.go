package store

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"fullqa/internal/alert"
)

// robot is a webhook receiver that fails while down is set.
type robot struct {
	mu   sync.Mutex
	got  []string
	down bool
}

func (r *robot) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.down {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	b, _ := io.ReadAll(req.Body)
	r.got = append(r.got, string(b))
	fmt.Fprint(w, `{"errcode":0,"errmsg":"ok"}`)
}

func (r *robot) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

func newDispatcher(t *testing.T, st *Store, url string, now func() time.Time) *alert.Dispatcher {
	cfg := alert.DefaultConfig()
	cfg.Channels = []alert.ChannelConfig{{Name: "ops", Type: "dingtalk", URL: url}}
	cfg.Rules = []alert.Rule{{Channel: "ops", Codes: []string{"threat.escalation"}}}
	cfg.Retry = alert.RetryConfig{Attempts: 3, Backoff: 1000000000, MaxBackoff: 60000000000}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ch, err := alert.NewChannel(cfg.Channels[0], http.DefaultClient, nil, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	return alert.NewDispatcher(cfg, []alert.Channel{ch}, st, slog.New(slog.DiscardHandler), now)
}

// TestAlertOutboxSurvivesRestart: an alert queued while the robot is down
// is neither lost when the process stops nor sent twice after it restarts;
// the same alert submitted again is de-duplicated by the store.
func TestAlertOutboxSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	rb := &robot{down: true}
	srv := httptest.NewServer(rb)
	defer srv.Close()
	clock := time.Now()
	now := func() time.Time { return clock }

	st, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	d := newDispatcher(t, st, srv.URL+"/?access_token=x", now)
	a := alert.Alert{Key: "c-1|threat.escalation", Code: "threat.escalation", Severity: "high", ConversationID: "c-1",
		Evidence: "再不处理我就去12315投诉", At: clock}
	if n, err := d.Submit(ctx, a); err != nil || n != 1 {
		t.Fatalf("submit: %d %v", n, err)
	}
	d.Flush(ctx) // 503: retried later
	if rb.count() != 0 {
		t.Fatal("sent while the robot was down")
	}
	st.Close() // the process stops here

	st, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rb.mu.Lock()
	rb.down = false
	rb.mu.Unlock()
	clock = clock.Add(5 * time.Second)
	d = newDispatcher(t, st, srv.URL+"/?access_token=x", now)
	if n, _ := d.Submit(ctx, a); n != 0 {
		t.Fatal("the same alert was queued twice")
	}
	d.Flush(ctx)
	d.Flush(ctx)
	if rb.count() != 1 {
		t.Fatalf("after the restart the robot got %d messages, want 1", rb.count())
	}
	counts, err := st.AlertCounts(ctx)
	if err != nil || counts["sent"] != 1 || counts["pending"] != 0 {
		t.Fatalf("counts %v %v", counts, err)
	}
}

// TestAlertDeadLetters: after the configured attempts a delivery is dead,
// listed with its last error, and no longer tried.
func TestAlertDeadLetters(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rb := &robot{down: true}
	srv := httptest.NewServer(rb)
	defer srv.Close()
	clock := time.Now()
	d := newDispatcher(t, st, srv.URL+"/?access_token=x", func() time.Time { return clock })
	d.Submit(ctx, alert.Alert{Key: "k", Code: "threat.escalation", Severity: "high"})
	for i := 0; i < 5; i++ {
		d.Flush(ctx)
		clock = clock.Add(time.Hour)
	}
	dead, err := st.DeadLetters(ctx, 10)
	if err != nil || len(dead) != 1 || dead[0].Attempts != 3 || dead[0].LastError == "" {
		t.Fatalf("dead letters %+v %v", dead, err)
	}
	if ok, err := d.Send(ctx, "ops", "report|daily|v1|2026-12-06", alert.Message{Title: "t", Markdown: "m"}); err != nil || !ok {
		t.Fatalf("send report: %v %v", ok, err)
	}
	if ok, _ := d.Send(ctx, "ops", "report|daily|v1|2026-12-06", alert.Message{Title: "t", Markdown: "m"}); ok {
		t.Fatal("a report was queued twice under one key")
	}
}
