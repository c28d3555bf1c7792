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

// TestScratchDayOf checks that the day a Scratch remembers is given only
// to a time on that same day, whatever came between.
func TestScratchDayOf(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	var s Scratch
	for _, tm := range []time.Time{
		time.Date(2026, 11, 1, 9, 0, 0, 0, loc), time.Date(2026, 11, 1, 23, 59, 59, 0, loc),
		time.Date(2026, 11, 2, 0, 0, 0, 0, loc), time.Date(2026, 12, 2, 0, 0, 0, 0, loc),
		time.Date(2027, 12, 2, 0, 0, 0, 0, loc), time.Date(2026, 11, 1, 9, 0, 0, 0, loc),
		time.Date(10000, 1, 1, 0, 0, 0, 0, loc), time.Date(10000, 1, 1, 5, 0, 0, 0, loc),
	} {
		if got, want := s.dayOf(tm), tm.Format("2006-01-02"); got != want {
			t.Errorf("Scratch.dayOf(%v) = %s, want %s", tm, got, want)
		}
	}
	if got, want := (*Scratch)(nil).dayOf(time.Date(2026, 1, 2, 0, 0, 0, 0, loc)), "2026-01-02"; got != want {
		t.Errorf("nil Scratch: %s, want %s", got, want)
	}
}
