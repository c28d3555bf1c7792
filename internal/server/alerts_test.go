package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"fullqa/internal/alert"
	"fullqa/internal/privacy"
)

// TestAlertCatchUp: findings committed while no sink ran (a crash between
// the commit and the hook) are alerted by the start-up catch-up, once, and
// a second catch-up sends nothing more.
func TestAlertCatchUp(t *testing.T) {
	e := newTestEnv(t, nil) // no sink: the alerts are "lost"
	body := `{"id":"cu-1","vendor":"v1","messages":[{"role":"customer","text":"再不处理我就去12315投诉","at":"2026-12-06T10:00:00+08:00"},` +
		`{"role":"agent","agent":"a-1","text":"您的手机号13812345678已登记","at":"2026-12-06T10:00:20+08:00"}]}`
	e.json("qa", "POST", "/api/v1/conversations", []byte(body), 200, nil)

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
	cfg.Digest = alert.DigestConfig{}
	cfg.Channels = []alert.ChannelConfig{{Name: "ops", Type: "dingtalk", URL: robot.URL + "/?access_token=x"}}
	cfg.Rules = []alert.Rule{{Channel: "ops", Codes: []string{"threat.escalation", "privacy.pii_leak"}}}
	ch, _ := alert.NewChannel(cfg.Channels[0], robot.Client(), nil, time.Now)
	d := alert.NewDispatcher(cfg, []alert.Channel{ch}, e.st, e.srv.log, time.Now)
	sink := &AlertSink{Dispatcher: d, PublicURL: "https://qa.example.com", Redact: privacy.Redact}
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if _, err := sink.CatchUp(ctx, e.st, time.Hour, time.Now()); err != nil {
			t.Fatal(err)
		}
		d.Flush(ctx)
		d.Flush(ctx)
	}
	mu.Lock()
	defer mu.Unlock()
	all := strings.Join(posts, "\n")
	if strings.Count(all, "cu-1") == 0 || !strings.Contains(all, "12315") {
		t.Fatalf("catch-up sent nothing: %q", all)
	}
	if strings.Contains(all, "13812345678") {
		t.Fatalf("an alert carries the phone number in full: %s", all)
	}
	if n := strings.Count(all, "https://qa.example.com/conversations/cu-1"); n != 2 {
		t.Fatalf("two alerts (threat, leak) expected once each, links seen %d times:\n%s", n, all)
	}
}
