package score

import (
	"math"
	"testing"
)

func TestWaitHistQuantiles(t *testing.T) {
	var h waitHist
	if h.quantile(0.5) != nil {
		t.Fatal("empty histogram has a median")
	}
	for s := 1; s <= 10; s++ {
		h.add(float64(s))
	}
	// Nearest rank: the median of 1..10 is the 5th value, p90 the 9th.
	if p := *h.quantile(0.5); p != 5 {
		t.Errorf("p50 = %v, want 5", p)
	}
	if p := *h.quantile(0.9); p != 9 {
		t.Errorf("p90 = %v, want 9", p)
	}
	// One slow outlier moves the mean, not the median.
	h.add(3600)
	if p := *h.quantile(0.5); p != 6 {
		t.Errorf("p50 with an outlier = %v, want 6", p)
	}
	if p := *h.quantile(1); math.Abs(p-3600)/3600 > 0.01 {
		t.Errorf("max = %v, want 3600 within 1%%", p)
	}
	// Bounded: a million distinct waits fill at most ~1,600 buckets.
	var big waitHist
	for i := 0; i < 1_000_000; i++ {
		big.add(float64(i) * 0.37)
	}
	if n := len(big.buckets); n > 1600 {
		t.Errorf("%d buckets, want at most 1600", n)
	}
}
