package score

import (
	"testing"
	"time"
)

// TestDayOf checks the hand-written day against time.Format.
func TestDayOf(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	for _, tm := range []time.Time{
		time.Date(2026, 11, 1, 23, 59, 59, 0, loc), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 0, 0, 0, 0, loc), time.Date(10000, 1, 1, 0, 0, 0, 0, loc),
		time.Date(-5, 3, 4, 0, 0, 0, 0, loc), time.Unix(1<<40, 0).In(loc),
	} {
		if got, want := dayOf(tm), tm.Format("2006-01-02"); got != want {
			t.Errorf("dayOf(%v) = %s, want %s", tm, got, want)
		}
	}
}
