package score

import (
	"fmt"
	"math"
	"testing"
)

// TestCustDaysExactThenSampled checks the customer-day counts: exact up to
// maxCustDays, then estimated from a bounded sample within a few percent,
// with memory that stops growing.
func TestCustDaysExactThenSampled(t *testing.T) {
	var c custDays
	mark := func(k int) {
		var f uint8
		if k%4 == 0 {
			f |= cdLate // a quarter answered late
		}
		if k%2 == 0 {
			f |= cdReceived
		}
		c.mark(fmt.Sprintf("u-%d", k), "2026-11-01", f)
	}
	for k := range maxCustDays {
		mark(k)
		mark(k) // the same customer-day again is one
	}
	all, onTime, received := c.counts()
	if all != maxCustDays || onTime != maxCustDays*3/4 || received != maxCustDays/2 {
		t.Fatalf("exact: %d %d %d", all, onTime, received)
	}
	const n = 20 * maxCustDays
	for k := maxCustDays; k < n; k++ {
		mark(k)
	}
	all, onTime, received = c.counts()
	if len(c.m) > maxCustDays {
		t.Errorf("keeps %d customer-days, more than %d", len(c.m), maxCustDays)
	}
	for _, x := range []struct {
		name      string
		got, want float64
	}{{"all", float64(all), n}, {"on time", float64(onTime), n * 3 / 4}, {"received", float64(received), n / 2}} {
		if math.Abs(x.got-x.want)/x.want > 0.03 {
			t.Errorf("%s: estimated %.0f, want %.0f ± 3 %%", x.name, x.got, x.want)
		}
	}
	if r := float64(onTime) / float64(all); math.Abs(r-0.75) > 0.01 {
		t.Errorf("reply rate %.3f, want 0.75 ± 0.01", r)
	}
}
