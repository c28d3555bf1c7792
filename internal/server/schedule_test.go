package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fullqa/internal/alert"
)

// TestScheduledVendorDigest posts the example chats, fires a daily
// schedule over their day and checks each vendor's digest reached the
// channel once, with its figures, and not again when the schedule fires a
// second time for the same moment (a restart around 09:00).
func TestScheduledVendorDigest(t *testing.T) {
	e := newTestEnv(t, nil)
	body, err := os.ReadFile(filepath.Join("..", "..", "examples", "chats.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	e.json("qa", "POST", "/api/v1/conversations", body, 200, nil)
	var mu sync.Mutex
	var posts []string
	robot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		posts = append(posts, string(b))
		mu.Unlock()
		w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
	}))
	defer robot.Close()
	cfg := alert.DefaultConfig()
	cfg.Channels = []alert.ChannelConfig{{Name: "ops", Type: "wecom", URL: robot.URL + "/?key=k"}}
	ch, err := alert.NewChannel(cfg.Channels[0], robot.Client(), nil, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	d := alert.NewDispatcher(cfg, []alert.Channel{ch}, e.st, e.srv.log, time.Now)
	sc := alert.Schedule{When: "daily 09:00", Channel: "ops"}
	w, _ := alert.ParseWhen(sc.When)
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, e.srv.o.Scan.Location)
	ctx := context.Background()
	// Wait for the posted conversations' inspection.
	for i := 0; i < 200; i++ {
		if n, _ := e.st.PendingInspections(ctx); n == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for i := 0; i < 2; i++ {
		if err := e.srv.SendScheduled(ctx, d, sc, w, at, "https://qa.example.com"); err != nil {
			t.Fatal(err)
		}
		d.Flush(ctx)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(posts) < 2 {
		t.Fatalf("got %d digests, want one per vendor (at least v1 and v2): %v", len(posts), posts)
	}
	all := strings.Join(posts, "\n")
	for _, want := range []string{"v1 质检报告 2026-11-01 至 2026-11-02", "v2 质检报告", "会话量", "主要问题",
		"https://qa.example.com/?from=2026-11-01"} {
		if !strings.Contains(all, want) {
			t.Errorf("digests lack %q:\n%s", want, all)
		}
	}
	if strings.Count(all, "v1 质检报告") != 1 {
		t.Errorf("v1's digest was sent %d times", strings.Count(all, "v1 质检报告"))
	}
}
