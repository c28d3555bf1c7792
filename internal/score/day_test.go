package score

import (
	"math/rand/v2"
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

// inWindow reports whether t (in loc) falls inside [a, b) of its day, as
// ConversationKPIWith told before zoneSpan: one Clock call.
func inWindow(t time.Time, loc *time.Location, a, b time.Duration) bool {
	h, m, sec := t.In(loc).Clock() // one conversion, where Hour, Minute and Second made three
	d := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second
	return d >= a && d < b
}

// zoneSecOfDay is how ConversationKPIWith reads a time's second of the
// day with z: find when z does not hold it, then secOfDay.
func zoneSecOfDay(z *zoneSpan, t time.Time, loc *time.Location) int64 {
	u := t.Unix()
	if !z.holds(u, loc) {
		z.find(t, loc)
	}
	return z.secOfDay(u)
}

// TestZoneSpanSecOfDay holds zoneSpan's second of the day to Clock's (and
// the window test to inWindow) with one zoneSpan kept throughout: over
// two days in steps of 7 seconds across DST changes (New York, Lord Howe's
// half hour, Shanghai's past ones), at random times from 1600 to 2400
// (before 1970 included), and with the location changing time by time.
func TestZoneSpanSecOfDay(t *testing.T) {
	locs := []*time.Location{time.FixedZone("CST", 8*3600), time.FixedZone("W", -(9*3600 + 30*60)), time.UTC}
	for _, name := range []string{"America/New_York", "Australia/Lord_Howe", "Asia/Shanghai", "Asia/Kolkata", "Europe/London"} {
		if loc, err := time.LoadLocation(name); err == nil {
			locs = append(locs, loc)
		}
	}
	var z zoneSpan
	check := func(tm time.Time, loc *time.Location) {
		t.Helper()
		h, m, s := tm.In(loc).Clock()
		if got, want := zoneSecOfDay(&z, tm, loc), int64(h*3600+m*60+s); got != want {
			t.Fatalf("%v in %v: second %d of the day, Clock says %d", tm, loc, got, want)
		}
		a, b := 8*time.Hour, 23*time.Hour
		d := time.Duration(zoneSecOfDay(&z, tm, loc)) * time.Second
		if got, want := d >= a && d < b, inWindow(tm, loc, a, b); got != want {
			t.Fatalf("%v in %v: in the window %v, inWindow %v", tm, loc, got, want)
		}
	}
	for _, loc := range locs {
		for _, day := range []time.Time{time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC),
			time.Date(1988, 4, 10, 0, 0, 0, 0, time.UTC), time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)} {
			for tm := day.Add(-12 * time.Hour); tm.Before(day.Add(36 * time.Hour)); tm = tm.Add(7 * time.Second) {
				check(tm, loc)
			}
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	lo, hi := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	for i := 0; i < 200000; i++ {
		u := lo + rng.Int64N(hi-lo)
		check(time.Unix(u, rng.Int64N(1e9)), locs[rng.IntN(len(locs))])
		if i%1000 == 0 { // a run of times close together, in one location
			loc := locs[rng.IntN(len(locs))]
			for j := int64(0); j < 200; j++ {
				check(time.Unix(u+j*rng.Int64N(5000), 0), loc)
			}
		}
	}
}

// TestDayAtMatchesDayOf holds Scratch.dayAt (the day told by its number
// in the zone span kept) to dayOf of the time in loc, with one Scratch
// kept throughout: times hours apart across DST changes and midnights,
// random times from 1600 to 2400, the location changing now and then.
func TestDayAtMatchesDayOf(t *testing.T) {
	locs := []*time.Location{time.FixedZone("CST", 8*3600), time.FixedZone("W", -(9*3600 + 30*60)), time.UTC}
	for _, name := range []string{"America/New_York", "Australia/Lord_Howe", "Asia/Shanghai"} {
		if loc, err := time.LoadLocation(name); err == nil {
			locs = append(locs, loc)
		}
	}
	var s Scratch
	check := func(tm time.Time, loc *time.Location) {
		t.Helper()
		if got, want := s.dayAt(tm, loc), dayOf(tm.In(loc)); got != want {
			t.Fatalf("dayAt(%v, %v) = %s, want %s", tm, loc, got, want)
		}
	}
	for _, loc := range locs {
		for tm := time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC); tm.Before(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)); tm = tm.Add(17 * time.Minute) {
			check(tm, loc)
		}
		for tm := time.Date(1969, 12, 30, 0, 0, 0, 0, time.UTC); tm.Before(time.Date(1970, 1, 2, 0, 0, 0, 0, time.UTC)); tm = tm.Add(29 * time.Minute) {
			check(tm, loc)
		}
	}
	rng := rand.New(rand.NewPCG(9, 10))
	lo, hi := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	loc := locs[0]
	for i := 0; i < 100000; i++ {
		if i%50 == 0 {
			loc = locs[rng.IntN(len(locs))]
		}
		u := lo + rng.Int64N(hi-lo)
		if i%3 != 0 { // mostly near the last day: the kept day is used
			u = hi - 1 - rng.Int64N(3*86400)
		}
		check(time.Unix(u, 0), loc)
	}
	var nilS *Scratch
	if got, want := nilS.dayAt(time.Unix(0, 0), locs[0]), "1970-01-01"; got != want {
		t.Fatalf("nil Scratch: dayAt = %s, want %s", got, want)
	}
}
