package alert

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Delivery is one alert on its way to one channel, as the outbox keeps it.
type Delivery struct {
	ID      int64
	Channel string
	Rule    string
	Alert   Alert
	// Message, when set, is sent as it is (a scheduled report), alone and
	// never folded into a digest.
	Message   *Message
	Attempts  int
	NotBefore time.Time // not sent before this time (cool-down, digest window, retry backoff)
	Created   time.Time
	LastError string
}

// Outbox is the durable queue the dispatcher works from, so that an alert
// accepted before a crash is still sent after the restart. The store
// implements it; it is declared here, where it is used.
type Outbox interface {
	// Enqueue stores a pending delivery. It reports false, storing nothing,
	// when a delivery with the same alert key and channel exists already:
	// that is the de-duplication (one alert per conversation and code).
	Enqueue(ctx context.Context, d Delivery) (bool, error)
	// Due returns up to n pending deliveries of a channel whose NotBefore
	// is at or before now, oldest first.
	Due(ctx context.Context, channel string, now time.Time, n int) ([]Delivery, error)
	// MarkSent records deliveries as sent.
	MarkSent(ctx context.Context, ids []int64, at time.Time) error
	// MarkFailed records a failed attempt: pending again from next, or dead
	// (on the dead-letter list, never retried) when dead is set.
	MarkFailed(ctx context.Context, ids []int64, attempts int, next time.Time, lastErr string, dead bool) error
}

// Stats are the dispatcher's counters, for /metrics.
type Stats struct {
	Queued, Deduplicated, Sent, Failed, Dead, Digests int64
}

// Dispatcher routes alerts through the rules into the outbox and sends
// what is due, honouring each channel's rate limit. One Run loop sends;
// Submit may be called from any goroutine.
type Dispatcher struct {
	cfg      Config
	channels map[string]Channel
	outbox   Outbox
	log      *slog.Logger
	now      func() time.Time
	wake     chan struct{}

	mu       sync.Mutex
	lastSent map[string]time.Time   // per rule, for the cool-down
	recent   map[string][]time.Time // per channel, queue times inside the digest window
	limiters map[string]*limiter
	stats    Stats
}

// NewDispatcher builds a dispatcher over configured channels (see
// NewChannel) and an outbox. now is the clock (time.Now in production).
func NewDispatcher(cfg Config, channels []Channel, outbox Outbox, log *slog.Logger, now func() time.Time) *Dispatcher {
	d := &Dispatcher{cfg: cfg, channels: map[string]Channel{}, outbox: outbox, log: log, now: now,
		wake: make(chan struct{}, 1), lastSent: map[string]time.Time{}, recent: map[string][]time.Time{},
		limiters: map[string]*limiter{}}
	for _, ch := range channels {
		d.channels[ch.Name] = ch
		d.limiters[ch.Name] = &limiter{limit: ch.Limit}
	}
	return d
}

// Submit routes one alert: every rule that matches queues it for its
// channel once (a second alert with the same key for the same channel is
// dropped). It returns how many deliveries were queued.
func (d *Dispatcher) Submit(ctx context.Context, a Alert) (int, error) {
	queued := 0
	seen := map[string]bool{}
	for i, r := range d.cfg.Rules {
		if !r.Match(a) || seen[r.Channel] {
			continue
		}
		seen[r.Channel] = true
		rule := d.cfg.RuleName(i)
		now := d.now()
		del := Delivery{Channel: r.Channel, Rule: rule, Alert: a, Created: now, NotBefore: d.hold(rule, r, now)}
		ok, err := d.outbox.Enqueue(ctx, del)
		if err != nil {
			return queued, fmt.Errorf("queue alert: %w", err)
		}
		d.mu.Lock()
		if ok {
			queued++
			d.stats.Queued++
			// Only a delivery really queued counts toward the digest
			// window, so a replayed or repeated alert cannot make the
			// channel look busy.
			d.recent[r.Channel] = append(d.recent[r.Channel], now)
		} else {
			d.stats.Deduplicated++
		}
		d.mu.Unlock()
	}
	if queued > 0 {
		select {
		case d.wake <- struct{}{}:
		default:
		}
	}
	return queued, nil
}

// Send queues a ready message (a scheduled report) for one channel under
// key: it is sent once, whatever restarts happen, however often Send is
// called with the same key.
func (d *Dispatcher) Send(ctx context.Context, channel, key string, m Message) (bool, error) {
	if _, ok := d.channels[channel]; !ok {
		return false, fmt.Errorf("alert: no channel %q", channel)
	}
	now := d.now()
	ok, err := d.outbox.Enqueue(ctx, Delivery{Channel: channel, Alert: Alert{Key: key, Code: "report", Message: -1, At: now},
		Message: &m, Created: now, NotBefore: now})
	if err != nil {
		return false, fmt.Errorf("queue report: %w", err)
	}
	if ok {
		select {
		case d.wake <- struct{}{}:
		default:
		}
	}
	return ok, nil
}

// hold decides when a new delivery may go out: at once, after the rule's
// cool-down, or at the end of the digest window when the channel is busy.
func (d *Dispatcher) hold(rule string, r Rule, now time.Time) time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	at := now
	if last, ok := d.lastSent[rule]; ok && r.Cooldown > 0 && now.Sub(last) < time.Duration(r.Cooldown) {
		at = last.Add(time.Duration(r.Cooldown))
	}
	win := time.Duration(d.cfg.Digest.Window)
	if d.cfg.Digest.After > 0 && win > 0 {
		times := d.recent[r.Channel]
		cut := 0
		for cut < len(times) && now.Sub(times[cut]) >= win {
			cut++
		}
		times = times[cut:]
		d.recent[r.Channel] = times
		if len(times)+1 > d.cfg.Digest.After {
			if end := times[0].Add(win); end.After(at) {
				at = end
			}
		}
	}
	return at
}

// Stats returns a copy of the counters.
func (d *Dispatcher) Stats() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stats
}

// Run sends due deliveries until ctx ends. It polls every tick and wakes
// at once when Submit queued something.
func (d *Dispatcher) Run(ctx context.Context, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		d.Flush(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-d.wake:
		}
	}
}

// maxDigest is the most alerts one digest message carries.
const maxDigest = 50

// Flush sends, for every channel whose rate limit allows it, what is due
// now: one alert alone, several as one digest.
func (d *Dispatcher) Flush(ctx context.Context) {
	for name, ch := range d.channels {
		if ctx.Err() != nil {
			return
		}
		lim := d.limiters[name]
		for ctx.Err() == nil && lim.wait(d.now()) == 0 {
			due, err := d.outbox.Due(ctx, name, d.now(), maxDigest)
			if err != nil {
				d.log.Error("alert outbox", "channel", name, "err", err)
				break
			}
			if len(due) == 0 {
				break
			}
			d.send(ctx, ch, lim, due)
		}
	}
}

func (d *Dispatcher) send(ctx context.Context, ch Channel, lim *limiter, due []Delivery) {
	for i, del := range due {
		if del.Message != nil {
			// A ready message goes alone; the alerts before it first.
			if i > 0 {
				due = due[:i]
				break
			}
			due = due[:1]
			break
		}
	}
	alerts := make([]Alert, len(due))
	ids := make([]int64, len(due))
	for i, del := range due {
		alerts[i], ids[i] = del.Alert, del.ID
	}
	msg := Render(alerts[0])
	switch {
	case due[0].Message != nil:
		msg = *due[0].Message
	case len(alerts) > 1:
		msg = RenderDigest(alerts)
	}
	sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	_, err := ch.Sender.Send(sctx, msg)
	cancel()
	if err != nil && ctx.Err() != nil {
		// Stopping: the send was cut off, not refused. The deliveries stay
		// pending in the outbox and go out after the restart.
		return
	}
	now := d.now()
	lim.record(now)
	if err == nil {
		if err := d.outbox.MarkSent(ctx, ids, now); err != nil {
			d.log.Error("alert outbox", "channel", ch.Name, "err", err)
		}
		d.mu.Lock()
		d.stats.Sent += int64(len(ids))
		if len(ids) > 1 {
			d.stats.Digests++
		}
		for _, del := range due {
			if del.Rule != "" && now.After(d.lastSent[del.Rule]) {
				d.lastSent[del.Rule] = now
			}
		}
		d.mu.Unlock()
		return
	}
	var se *SendError
	retry := errors.As(err, &se) && se.Retryable
	if se != nil && se.RateLimited {
		lim.backOff(now, time.Minute)
	}
	attempts := due[0].Attempts + 1
	dead := !retry || attempts >= d.cfg.Retry.Attempts
	next := now.Add(d.backoff(attempts))
	if err := d.outbox.MarkFailed(ctx, ids, attempts, next, err.Error(), dead); err != nil {
		d.log.Error("alert outbox", "channel", ch.Name, "err", err)
	}
	d.mu.Lock()
	d.stats.Failed += int64(len(ids))
	if dead {
		d.stats.Dead += int64(len(ids))
	}
	d.mu.Unlock()
	d.log.Warn("alert send failed", "channel", ch.Name, "alerts", len(ids), "attempt", attempts, "dead", dead, "err", err)
}

// backoff is the wait before attempt n+1: Backoff doubled per attempt, up
// to MaxBackoff.
func (d *Dispatcher) backoff(attempts int) time.Duration {
	b := time.Duration(d.cfg.Retry.Backoff)
	max := time.Duration(d.cfg.Retry.MaxBackoff)
	for i := 1; i < attempts && b < max; i++ {
		b *= 2
	}
	if b > max {
		b = max
	}
	return b
}
