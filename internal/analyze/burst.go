package analyze

import (
	"fmt"
	"math"
	"time"
)

// BurstConfig sets the burst test (README "Across conversations" explains
// the method). A topic's count in an hour or a day is a burst when it is at
// least MinCount, at least Ratio times the expected count, and a Poisson
// count with the expected mean reaches it with probability at most PValue.
type BurstConfig struct {
	MinCount   int     `yaml:"min_count"`   // smallest count that can be a burst (5: 1 → 3 is none)
	Ratio      float64 `yaml:"ratio"`       // count ÷ expected at least this (3)
	PValue     float64 `yaml:"p_value"`     // Poisson upper-tail probability at most this (1e-4)
	Smoothing  float64 `yaml:"smoothing"`   // EWMA weight of the newest day in the baseline (0.2)
	WarmupDays int     `yaml:"warmup_days"` // days of data before anything is tested (7)
	Floor      float64 `yaml:"floor"`       // smallest expected count a day (0.2), for new topics
	Examples   int     `yaml:"examples"`    // conversation ids named per burst (5)
}

// DefaultBurstConfig returns the documented defaults.
func DefaultBurstConfig() BurstConfig {
	return BurstConfig{MinCount: 5, Ratio: 3, PValue: 1e-4, Smoothing: 0.2, WarmupDays: 7, Floor: 0.2, Examples: 5}
}

// Validate reports a setting that cannot work.
func (c BurstConfig) Validate() error {
	switch {
	case c.MinCount < 2:
		return fmt.Errorf("cross.burst.min_count must be at least 2")
	case c.Ratio < 1:
		return fmt.Errorf("cross.burst.ratio must be at least 1")
	case c.PValue <= 0 || c.PValue >= 1:
		return fmt.Errorf("cross.burst.p_value must be between 0 and 1")
	case c.Smoothing <= 0 || c.Smoothing > 1:
		return fmt.Errorf("cross.burst.smoothing must be in (0, 1]")
	case c.WarmupDays < 1 || c.Floor <= 0 || c.Examples < 0:
		return fmt.Errorf("cross.burst.warmup_days must be at least 1, floor positive, examples not negative")
	}
	return nil
}

// Topic is what a burst is about.
type Topic struct {
	Kind  string `json:"kind"` // sku, scene, courier, code or sku_scene
	Value string `json:"value"`
}

// Burst is one topic rising far above its baseline in one window.
type Burst struct {
	Topic         Topic     `json:"topic"`
	WindowStart   time.Time `json:"window_start"`
	WindowEnd     time.Time `json:"window_end"`
	Count         int       `json:"count"`
	Expected      float64   `json:"expected"`
	Conversations []string  `json:"conversations"`
}

// Test reports whether count is a burst against expected (already
// floored), and is the one rule both the batch and the service apply.
func (c BurstConfig) Test(count int, expected float64) bool {
	return count >= c.MinCount && float64(count) >= c.Ratio*expected && PoissonTail(count, expected) <= c.PValue
}

// PoissonTail is P(X ≥ k) for X ~ Poisson(lambda), summed upward from k
// (accurate in the far tail where bursts live).
func PoissonTail(k int, lambda float64) float64 {
	if k <= 0 {
		return 1
	}
	if lambda <= 0 {
		return 0
	}
	lg, _ := math.Lgamma(float64(k) + 1)
	term := math.Exp(-lambda + float64(k)*math.Log(lambda) - lg)
	sum := 0.0
	for i := k; i < k+1000; i++ {
		sum += term
		term *= lambda / float64(i+1)
		if term < sum*1e-12 {
			break
		}
	}
	return min(sum, 1)
}

// Baseline returns, for every day k of a daily series, the expected count
// from the days before it: their running mean for the first 1/Smoothing
// days, then an exponentially weighted moving average (EWMA). Zero days
// count. out[k] is the expectation for day k before seeing it.
func (c BurstConfig) Baseline(daily []float64) []float64 {
	out := make([]float64, len(daily))
	lam := 0.0
	for k, v := range daily {
		out[k] = lam
		a := max(c.Smoothing, 1/float64(k+1))
		lam += a * (v - lam)
	}
	return out
}

func floorDiv(a, b int32) int32 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
