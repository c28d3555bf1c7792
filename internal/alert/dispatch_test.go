package alert

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"

	"fullqa/internal/detect"
)

// memOutbox is the outbox contract kept in memory, to test the
// dispatcher's logic on its own; the store's implementation is tested
// against a real database in internal/store.
type memOutbox struct {
	mu   sync.Mutex
	next int64
	rows map[int64]*Delivery
	sent map[int64]bool
	dead map[int64]bool
}

func newMemOutbox() *memOutbox {
	return &memOutbox{rows: map[int64]*Delivery{}, sent: map[int64]bool{}, dead: map[int64]bool{}}
}

func (m *memOutbox) Enqueue(_ context.Context, d Delivery) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range m.rows {
		if r.Alert.Key == d.Alert.Key && r.Channel == d.Channel {
			return false, nil
		}
	}
	m.next++
	d.ID = m.next
	m.rows[d.ID] = &d
	return true, nil
}

func (m *memOutbox) Due(_ context.Context, ch string, now time.Time, n int) ([]Delivery, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Delivery
	for id, r := range m.rows {
		if r.Channel == ch && !m.sent[id] && !m.dead[id] && !r.NotBefore.After(now) {
			out = append(out, *r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}

func (m *memOutbox) MarkSent(_ context.Context, ids []int64, _ time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		m.sent[id] = true
	}
	return nil
}

func (m *memOutbox) MarkFailed(_ context.Context, ids []int64, attempts int, next time.Time, lastErr string, dead bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		m.rows[id].Attempts, m.rows[id].NotBefore, m.rows[id].LastError = attempts, next, lastErr
		m.dead[id] = dead
	}
	return nil
}

// clock is a settable time for the dispatcher under test.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newTestDispatcher(t *testing.T, p *platform, cfg Config) (*Dispatcher, *memOutbox, *clock) {
	srv := startPlatform(t, p)
	ck := &clock{t: time.Now()}
	ch, err := NewChannel(ChannelConfig{Name: "ops", Type: p.kind, URL: srv.URL + "/?access_token=t", Secret: p.secret}, srv.Client(), nil, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Retry.Attempts == 0 {
		cfg.Retry = DefaultConfig().Retry
	}
	if len(cfg.Rules) == 0 {
		cfg.Rules = []Rule{{Codes: []string{"threat.escalation"}, MinSeverity: "high", Channel: "ops"}}
	}
	cfg.Channels = []ChannelConfig{{Name: "ops", Type: p.kind, URL: srv.URL}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ob := newMemOutbox()
	return NewDispatcher(cfg, []Channel{ch}, ob, slog.New(slog.NewTextHandler(io.Discard, nil)), ck.now), ob, ck
}

func TestDispatchDeduplicatesAndFilters(t *testing.T) {
	p := &platform{kind: "dingtalk", secret: "SECx"}
	d, _, _ := newTestDispatcher(t, p, Config{})
	ctx := context.Background()
	a := sample()
	for i := 0; i < 3; i++ {
		d.Submit(ctx, a)
	}
	low := sample()
	low.Key, low.Severity = "c-2|threat.escalation", "medium"
	other := sample()
	other.Key, other.Code = "c-3|privacy.pii_leak", "privacy.pii_leak"
	d.Submit(ctx, low)
	d.Submit(ctx, other)
	d.Flush(ctx)
	if p.count() != 1 {
		t.Fatalf("platform got %d messages, want 1", p.count())
	}
	if s := d.Stats(); s.Queued != 1 || s.Deduplicated != 2 || s.Sent != 1 {
		t.Fatalf("stats %+v", s)
	}
}

func TestDispatchCooldownAndDigest(t *testing.T) {
	p := &platform{kind: "dingtalk"}
	cfg := Config{Rules: []Rule{{Channel: "ops", Cooldown: detect.Duration(10 * time.Minute)}}}
	d, _, ck := newTestDispatcher(t, p, cfg)
	ctx := context.Background()
	submit := func(key string) {
		a := sample()
		a.Key = key
		d.Submit(ctx, a)
	}
	submit("a")
	d.Flush(ctx)
	submit("b")
	submit("c")
	submit("d")
	d.Flush(ctx)
	if p.count() != 1 {
		t.Fatalf("during the cool-down: %d messages, want 1", p.count())
	}
	ck.advance(11 * time.Minute)
	d.Flush(ctx)
	if p.count() != 2 {
		t.Fatalf("after the cool-down: %d messages, want 2 (one digest)", p.count())
	}
	if s := d.Stats(); s.Digests != 1 || s.Sent != 4 {
		t.Fatalf("stats %+v", s)
	}
}

func TestDispatchBusyChannelBecomesDigest(t *testing.T) {
	p := &platform{kind: "dingtalk"}
	cfg := Config{Digest: DigestConfig{After: 2, Window: detect.Duration(time.Minute)},
		Rules: []Rule{{Channel: "ops"}}}
	d, _, ck := newTestDispatcher(t, p, cfg)
	ctx := context.Background()
	for _, k := range []string{"a", "b", "c", "d", "e", "f"} {
		a := sample()
		a.Key = k
		d.Submit(ctx, a)
		d.Flush(ctx)
	}
	if p.count() != 2 {
		t.Fatalf("inside the window: %d messages, want 2 singles", p.count())
	}
	ck.advance(time.Minute)
	d.Flush(ctx)
	if p.count() != 3 {
		t.Fatalf("after the window: %d messages, want 3", p.count())
	}
}

func TestDispatchHonoursRateLimitAndRetries(t *testing.T) {
	p := &platform{kind: "dingtalk", fail5x: 2}
	cfg := Config{Digest: DigestConfig{}, Rules: []Rule{{Channel: "ops"}},
		Retry: RetryConfig{Attempts: 5, Backoff: detect.Duration(time.Second), MaxBackoff: detect.Duration(time.Minute)}}
	d, ob, ck := newTestDispatcher(t, p, cfg)
	ctx := context.Background()
	a := sample()
	d.Submit(ctx, a)
	d.Flush(ctx) // 502
	ck.advance(500 * time.Millisecond)
	d.Flush(ctx) // not due yet
	if p.calls != 1 {
		t.Fatalf("retried before the backoff: %d calls", p.calls)
	}
	ck.advance(time.Second)
	d.Flush(ctx) // 502 again
	ck.advance(2 * time.Second)
	d.Flush(ctx) // ok
	if p.count() != 1 || ob.rows[1].Attempts != 2 {
		t.Fatalf("accepted %d after %d attempts", p.count(), ob.rows[1].Attempts)
	}

	// 20 requests a minute (the two failed ones count): the rest wait for
	// the minute to pass and then go out as one digest.
	for i := 0; i < 25; i++ {
		b := sample()
		b.Key = string(rune('A' + i))
		d.Submit(ctx, b)
		d.Flush(ctx)
		ck.advance(time.Millisecond)
	}
	if p.calls != 20 {
		t.Fatalf("in one minute the robot got %d requests, want 20", p.calls)
	}
	ck.advance(time.Minute)
	d.Flush(ctx)
	if got, s := p.count(), d.Stats(); got != 19 || s.Sent != 26 || s.Digests != 1 {
		t.Fatalf("after the minute: %d messages, stats %+v; want 19 messages, 26 alerts sent", got, s)
	}
}

func TestDispatchDeadLetter(t *testing.T) {
	p := &platform{kind: "dingtalk", secret: "SECright"}
	srv := startPlatform(t, p)
	ck := &clock{t: time.Now()}
	cfg := DefaultConfig()
	cfg.Channels = []ChannelConfig{{Name: "ops", Type: "dingtalk", URL: srv.URL}}
	cfg.Rules = []Rule{{Channel: "ops"}}
	ch, _ := NewChannel(ChannelConfig{Name: "ops", Type: "dingtalk", URL: srv.URL + "/?access_token=t", Secret: "SECwrong"}, srv.Client(), nil, time.Now)
	ob := newMemOutbox()
	d := NewDispatcher(cfg, []Channel{ch}, ob, slog.New(slog.NewTextHandler(io.Discard, nil)), ck.now)
	d.Submit(context.Background(), sample())
	d.Flush(context.Background())
	if !ob.dead[1] || d.Stats().Dead != 1 {
		t.Fatalf("a bad sign is not retried: dead=%v stats %+v", ob.dead[1], d.Stats())
	}
}

func TestParseWhenAndNext(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	w, err := ParseWhen("weekly mon 09:00")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 12, 7, 9, 0, 0, 0, loc) // a Monday, exactly 09:00
	if got := w.Next(from, loc); !got.Equal(time.Date(2026, 12, 14, 9, 0, 0, 0, loc)) {
		t.Errorf("weekly next = %v", got)
	}
	d, _ := ParseWhen("daily 09:30")
	if got := d.Next(time.Date(2026, 12, 7, 9, 0, 0, 0, loc), loc); !got.Equal(time.Date(2026, 12, 7, 9, 30, 0, 0, loc)) {
		t.Errorf("daily next = %v", got)
	}
	for _, bad := range []string{"", "daily", "daily 25:00", "weekly xyz 09:00", "hourly 09:00", "daily 9"} {
		if _, err := ParseWhen(bad); err == nil {
			t.Errorf("ParseWhen(%q) accepted", bad)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	base := DefaultConfig()
	base.Channels = []ChannelConfig{{Name: "ops", Type: "dingtalk", URL: "https://oapi.dingtalk.com/robot/send?access_token=x"}}
	for name, mod := range map[string]func(*Config){
		"unknown channel": func(c *Config) { c.Rules = []Rule{{Channel: "nope"}} },
		"unknown code":    func(c *Config) { c.Rules = []Rule{{Channel: "ops", Codes: []string{"threat.escalaton"}}} },
		"bad severity":    func(c *Config) { c.Rules = []Rule{{Channel: "ops", MinSeverity: "huge"}} },
		"bad type":        func(c *Config) { c.Channels[0].Type = "slack" },
		"bad url":         func(c *Config) { c.Channels[0].URL = "oapi.dingtalk.com" },
		"both secrets":    func(c *Config) { c.Channels[0].Secret, c.Channels[0].SecretEnv = "a", "B" },
		"bad schedule":    func(c *Config) { c.Schedules = []Schedule{{When: "daily 9", Channel: "ops"}} },
	} {
		c := base
		c.Channels = append([]ChannelConfig(nil), base.Channels...)
		mod(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := base.Validate(); err != nil {
		t.Errorf("valid config: %v", err)
	}
}

// TestDispatchStopLeavesPending: a send cut off by the service stopping is
// neither failed nor dead; it stays pending for the restart.
func TestDispatchStopLeavesPending(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	ck := &clock{t: time.Now()}
	cfg := DefaultConfig()
	cfg.Channels = []ChannelConfig{{Name: "ops", Type: "dingtalk", URL: srv.URL}}
	cfg.Rules = []Rule{{Channel: "ops"}}
	ch, _ := NewChannel(ChannelConfig{Name: "ops", Type: "dingtalk", URL: srv.URL + "/?access_token=t"}, srv.Client(), nil, time.Now)
	ob := newMemOutbox()
	d := NewDispatcher(cfg, []Channel{ch}, ob, slog.New(slog.NewTextHandler(io.Discard, nil)), ck.now)
	d.Submit(context.Background(), sample())
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	d.Flush(ctx)
	if ob.dead[1] || ob.sent[1] || ob.rows[1].Attempts != 0 || d.Stats().Failed != 0 {
		t.Fatalf("a send cut off by stopping was recorded: dead=%v sent=%v attempts=%d stats %+v", ob.dead[1], ob.sent[1], ob.rows[1].Attempts, d.Stats())
	}
}
