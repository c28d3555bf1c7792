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

// TestScratchWindow checks that the service window a Scratch remembers is
// given only for the same configured strings, whatever came between.
func TestScratchWindow(t *testing.T) {
	var s Scratch
	for _, c := range [][2]string{{"08:00", "23:00"}, {"08:00", "23:00"}, {"09:30", "23:00"},
		{"09:30", "18:00"}, {"", ""}, {"08:00", "23:00"}, {"", ""}, {"7:00", "bad"}} {
		cfg := KPIConfig{ServiceStart: c[0], ServiceEnd: c[1]}
		a, b := s.window(cfg)
		wa, wb := cfg.window()
		if a != wa || b != wb {
			t.Errorf("Scratch.window(%q) = %v, %v, want %v, %v", c, a, b, wa, wb)
		}
		if a, b := (*Scratch)(nil).window(cfg); a != wa || b != wb {
			t.Errorf("nil Scratch.window(%q) = %v, %v, want %v, %v", c, a, b, wa, wb)
		}
	}
}

// TestInWindowClock checks inWindow (one Clock call) against the hour,
// minute and second read one by one, over a day in steps of 7 seconds and
// across a zone with a DST change.
func TestInWindowClock(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EST", -5*3600)
	}
	old := func(tm time.Time, loc *time.Location, a, b time.Duration) bool {
		lt := tm.In(loc)
		d := time.Duration(lt.Hour())*time.Hour + time.Duration(lt.Minute())*time.Minute + time.Duration(lt.Second())*time.Second
		return d >= a && d < b
	}
	a, b := 8*time.Hour, 23*time.Hour
	for _, loc := range []*time.Location{time.FixedZone("CST", 8*3600), ny, time.UTC} {
		for tm := time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC); tm.Before(time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)); tm = tm.Add(7 * time.Second) {
			if got, want := inWindow(tm, loc, a, b), old(tm, loc, a, b); got != want {
				t.Fatalf("inWindow(%v, %v) = %v, want %v", tm, loc, got, want)
			}
		}
	}
}
