package alert

import "time"

// limiter keeps a channel inside its platform's rate limit by remembering
// the times of its recent sends. It is not safe for concurrent use: the
// dispatcher owns one per channel in its single send loop.
type limiter struct {
	limit Limit
	sent  []time.Time // send times of the last minute, oldest first
	// until holds sends back after the platform said "too fast".
	until time.Time
}

// wait returns how long to wait from now before the next send is allowed
// (0: send now).
func (l *limiter) wait(now time.Time) time.Duration {
	if now.Before(l.until) {
		return l.until.Sub(now)
	}
	cut := 0
	for cut < len(l.sent) && now.Sub(l.sent[cut]) >= time.Minute {
		cut++
	}
	l.sent = l.sent[cut:]
	var d time.Duration
	if l.limit.PerMinute > 0 && len(l.sent) >= l.limit.PerMinute {
		d = l.sent[len(l.sent)-l.limit.PerMinute].Add(time.Minute).Sub(now)
	}
	if l.limit.PerSecond > 0 && len(l.sent) >= l.limit.PerSecond {
		if w := l.sent[len(l.sent)-l.limit.PerSecond].Add(time.Second).Sub(now); w > d {
			d = w
		}
	}
	if d < 0 {
		d = 0
	}
	return d
}

// record notes a send at now.
func (l *limiter) record(now time.Time) { l.sent = append(l.sent, now) }

// backOff holds all sends for the platform's window after it answered
// "too fast" (DingTalk blocks a robot for minutes when pushed further).
func (l *limiter) backOff(now time.Time, d time.Duration) { l.until = now.Add(d) }
