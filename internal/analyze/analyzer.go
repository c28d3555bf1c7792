package analyze

import (
	"context"
	"fmt"
	"time"

	"fullqa/internal/conversation"
)

// Config sets the analyzers' windows and the burst test.
// It is the `cross:` section of the config file.
type Config struct {
	// RepeatWindowDays is how far back an earlier contact about the same
	// problem counts for repeat.unresolved (default 14).
	RepeatWindowDays int `yaml:"repeat_window_days"`
	// PromiseWindowDays is how far back promises are followed up (default
	// 30): an older promise is no longer linked to a new contact.
	PromiseWindowDays int `yaml:"promise_window_days"`
	// MaxEarlier bounds the contacts read per lookup (default 100), so a
	// closing conversation costs one bounded, indexed read.
	MaxEarlier int         `yaml:"max_earlier"`
	Burst      BurstConfig `yaml:"burst"`
}

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	return Config{RepeatWindowDays: 14, PromiseWindowDays: 30, MaxEarlier: 100, Burst: DefaultBurstConfig()}
}

// Validate reports a setting that cannot work.
func (c Config) Validate() error {
	if c.RepeatWindowDays <= 0 || c.PromiseWindowDays <= 0 {
		return fmt.Errorf("cross.repeat_window_days and cross.promise_window_days must be positive")
	}
	if c.MaxEarlier <= 0 {
		return fmt.Errorf("cross.max_earlier must be positive")
	}
	return c.Burst.Validate()
}

// RepeatWindow is RepeatWindowDays as a duration.
func (c Config) RepeatWindow() time.Duration {
	return time.Duration(c.RepeatWindowDays) * 24 * time.Hour
}

// PromiseWindow is PromiseWindowDays as a duration.
func (c Config) PromiseWindow() time.Duration {
	return time.Duration(c.PromiseWindowDays) * 24 * time.Hour
}

// Analyzer finds repeat.unresolved and promise.unkept for one contact
// against its buyer's history. It is pure apart from the History it is
// given: deterministic, no clock, safe for concurrent use.
type Analyzer struct {
	cfg Config
	loc *time.Location // times in details and data are written in it
}

// NewAnalyzer returns an Analyzer; cfg must be valid. loc is the time zone
// times are written in (nil: UTC).
func NewAnalyzer(cfg Config, loc *time.Location) *Analyzer {
	if loc == nil {
		loc = time.UTC
	}
	return &Analyzer{cfg: cfg, loc: loc}
}

// Inspect returns the across findings of c: at most one repeat.unresolved
// and one promise.unkept per overdue promise, read from one History lookup
// of the buyer's earlier contacts. An unlinked contact (no buyer id or no
// time) gets none.
func (a *Analyzer) Inspect(ctx context.Context, h History, c *Contact) ([]conversation.Finding, error) {
	if !c.Linked() {
		return nil, nil
	}
	earlier, err := a.earlier(ctx, h, c)
	if err != nil {
		return nil, err
	}
	return a.findings(c, earlier), nil
}

// earlier is Inspect's History lookup: the earlier contacts of linked c's
// buyer in the longer of the two windows, newest first.
func (a *Analyzer) earlier(ctx context.Context, h History, c *Contact) ([]Contact, error) {
	earlier, err := h.Earlier(ctx, c.Shop, c.Customer, c.Start.Add(-a.back()), c.Start, a.cfg.MaxEarlier)
	if err != nil {
		return nil, fmt.Errorf("earlier contacts of %s: %w", c.ID, err)
	}
	return earlier, nil
}

// back is how far back Inspect looks: the longer of the two windows.
func (a *Analyzer) back() time.Duration {
	return max(a.cfg.RepeatWindow(), a.cfg.PromiseWindow())
}

// findings is Inspect of linked c once its earlier contacts are read: nil
// when there are none.
func (a *Analyzer) findings(c *Contact, earlier []Contact) []conversation.Finding {
	var out []conversation.Finding
	if f, ok := a.repeat(c, earlier); ok {
		out = append(out, f)
	}
	return append(out, a.unkept(c, earlier)...)
}

// problem is the key two contacts share when they are about the same
// problem.
type problem struct{ kind, value string }

// sameProblem reports whether contacts x and y are about the same problem:
// the same order when both name orders, else the same SKU when both name
// SKUs, else the same after-sales scene.
func sameProblem(x, y *Contact) (problem, bool) {
	switch {
	case len(x.Orders) > 0 && len(y.Orders) > 0:
		v, ok := shared(x.Orders, y.Orders)
		return problem{"order", v}, ok
	case len(x.SKUs) > 0 && len(y.SKUs) > 0:
		v, ok := shared(x.SKUs, y.SKUs)
		return problem{"sku", v}, ok
	}
	for _, s := range x.Scenes {
		if s != "presale" && contains(y.Scenes, s) {
			return problem{"scene", s}, true
		}
	}
	return problem{}, false
}

func shared(xs, ys []string) (string, bool) {
	for _, x := range xs {
		if contains(ys, x) {
			return x, true
		}
	}
	return "", false
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// laterMessage is the message of c a follow-up finding is about: the one
// saying a promise was broken, else the buyer's first message.
func laterMessage(c *Contact) (int, string) {
	if c.NotKeptMsg >= 0 {
		return c.NotKeptMsg, c.NotKeptText
	}
	return max(c.FirstMsg, 0), c.FirstText
}

const stamp = "2006-01-02 15:04"
