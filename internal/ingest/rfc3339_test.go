package ingest

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// FuzzRFC3339 checks the fast decoder's reading of RFC 3339 times against
// ParseTime: whenever it accepts a string, the Time is the same to the
// last field (wall clock, seconds and location pointer), in zones with
// and without daylight saving, with the zone cache carried from input to
// input as the decoder carries it from line to line. Run longer with
// go test -run xxx -fuzz FuzzRFC3339 ./internal/ingest/.
func FuzzRFC3339(f *testing.F) {
	for _, s := range []string{"2026-11-01T09:00:07+08:00", "2026-11-01T09:00:07Z", "2024-02-29T23:59:59-05:00",
		"2023-02-29T10:00:00+08:00", "2026-13-01T00:00:00+08:00", "2026-11-01T24:00:00+08:00", "2026-11-01T10:60:00+08:00",
		"2026-11-01T10:00:60+08:00", "0000-01-01T00:00:00+00:00", "9999-12-31T23:59:59-23:59", "2026-03-08T02:30:00-05:00",
		"2026-03-08T03:30:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00", "1991-09-15T01:30:00+09:00",
		"1988-04-10T03:00:00+09:00", "2026-11-01T09:00:07+24:00", "2026-11-01T09:00:07+08:60", "2026-11-01t09:00:07+08:00",
		"2026-11-01T09:00:07.5+08:00", " 2026-11-01T09:00:07+08:00", "2026-11-01T09:00:07+0800", "1900-03-01T00:00:00Z",
		"2000-02-29T12:00:00+05:30", "2100-02-29T12:00:00+05:30", "2026-11-01T09:00:07-00:00"} {
		f.Add(s)
	}
	locs := []*time.Location{time.UTC, time.FixedZone("CST", 8*3600)}
	for _, name := range []string{"Asia/Shanghai", "America/New_York", "Asia/Kolkata"} {
		if l, err := time.LoadLocation(name); err == nil {
			locs = append(locs, l)
		}
	}
	caches := make([]zoneCache, len(locs))
	var shared zoneCache // one cache for all the zones, as a pooled decoder may see
	f.Fuzz(func(t *testing.T, s string) {
		for i, loc := range locs {
			want, werr := ParseTime(s, "", loc)
			for _, zc := range []*zoneCache{&caches[i], &shared, new(zoneCache)} {
				got, ok := zc.parseRFC3339(s, loc)
				if !ok {
					continue
				}
				if werr != nil || got != want {
					t.Fatalf("parseRFC3339(%q) in %v = %#v; ParseTime gives %#v, %v", s, loc, got, want, werr)
				}
			}
		}
	})
}

// TestRFC3339Accepts checks that the common shapes take the fast path.
func TestRFC3339Accepts(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	var zc zoneCache
	for _, s := range []string{"2026-11-01T09:00:07+08:00", "2026-11-01T09:00:07Z", "2024-02-29T23:59:59+08:00"} {
		got, ok := zc.parseRFC3339(s, loc)
		want, err := ParseTime(s, "", loc)
		if !ok || err != nil || got != want {
			t.Errorf("%q: fast %v %v, ParseTime %v %v", s, got, ok, want, err)
		}
	}
	if _, ok := zc.parseRFC3339("2026-11-01T09:00:07+09:00", loc); ok {
		t.Error("an offset other than the zone's took the fast path (ParseTime makes a fixed zone)")
	}
}

// TestRFC3339Random compares the fast path with ParseTime on random well
// formed times of years 0–9999 (day up to 31 whatever the month, hour up
// to 24, offsets of every quarter hour), in zones with daylight saving.
func TestRFC3339Random(t *testing.T) {
	locs := []*time.Location{time.UTC, time.FixedZone("CST", 8*3600)}
	for _, name := range []string{"Asia/Shanghai", "America/New_York"} {
		if l, err := time.LoadLocation(name); err == nil {
			locs = append(locs, l)
		}
	}
	caches := make([]zoneCache, len(locs))
	var shared zoneCache
	rng := rand.New(rand.NewPCG(1, 2))
	n := 100000
	if testing.Short() {
		n = 10000
	}
	accepted := 0
	for i := 0; i < n; i++ {
		year := rng.IntN(10000)
		if i%2 == 0 {
			year = 1980 + rng.IntN(60) // where the zones change
		}
		zone := "Z"
		if rng.IntN(8) > 0 {
			q := rng.IntN(24*4*2) - 24*4
			sign := '+'
			if q < 0 {
				sign, q = '-', -q
			}
			zone = fmt.Sprintf("%c%02d:%02d", sign, q/4, q%4*15)
		}
		mo, d, h := 1+rng.IntN(12), 1+rng.IntN(31), rng.IntN(25)
		li := rng.IntN(len(locs))
		loc := locs[li]
		if rng.IntN(2) == 0 { // mostly the zone's own offset then
			_, off := time.Date(year, time.Month(mo), d, h, 0, 0, 0, loc).Zone()
			sign := '+'
			if off < 0 {
				sign, off = '-', -off
			}
			zone = fmt.Sprintf("%c%02d:%02d", sign, off/3600, off/60%60)
		}
		s := fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d%s", year, mo, d, h, rng.IntN(60), rng.IntN(60), zone)
		want, err := ParseTime(s, "", loc)
		// A fresh cache, the zone's own and one all share, each read
		// twice (the second time from the date cache).
		for _, zc := range []*zoneCache{new(zoneCache), &caches[li], &shared, &caches[li], &shared} {
			got, ok := zc.parseRFC3339(s, loc)
			if ok {
				accepted++
				if err != nil || got != want {
					t.Fatalf("parseRFC3339(%q) in %v = %#v; ParseTime gives %#v, %v", s, loc, got, want, err)
				}
			}
		}
		if rng.IntN(4) == 0 { // the same date at another time of day
			s2 := s[:11] + fmt.Sprintf("%02d", rng.IntN(25)) + s[13:]
			want, err := ParseTime(s2, "", loc)
			if got, ok := caches[li].parseRFC3339(s2, loc); ok && (err != nil || got != want) {
				t.Fatalf("parseRFC3339(%q) in %v after %q = %#v; ParseTime gives %#v, %v", s2, loc, s, got, want, err)
			}
		}
	}
	if accepted < 5*n/4 {
		t.Errorf("only %d of %d readings took the fast path", accepted, 5*n)
	}
}
