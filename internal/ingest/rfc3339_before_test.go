package ingest

import (
	"math"
	"testing"
	"time"

	"fullqa/internal/text"
)

// zoneCacheRef is the zone cache as it was before clock8 and the cached
// offset, with its parseRFC3339: FuzzRFC3339Before holds the new one to it
// (the same Time, and accepted exactly where it accepted).
type zoneCacheRef struct {
	loc        *time.Location
	off        int
	start, end int64
	date1      uint64
	date2      uint16
	days       int64
}

func (zc *zoneCacheRef) parseRFC3339(s string, loc *time.Location) (t time.Time, ok bool) {
	var off int
	switch {
	case len(s) == 25 && (s[19] == '+' || s[19] == '-') && s[22] == ':':
		hh, ok1 := digits2(s, 20)
		mm, ok2 := digits2(s, 23)
		if !ok1 || !ok2 || hh > 23 || mm > 59 {
			return time.Time{}, false
		}
		off = (hh*60 + mm) * 60
		if s[19] == '-' {
			off = -off
		}
	case len(s) == 20 && s[19] == 'Z':
	default:
		return time.Time{}, false
	}
	if s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	h, ok1 := digits2(s, 11)
	mi, ok2 := digits2(s, 14)
	sec, ok3 := digits2(s, 17)
	if !(ok1 && ok2 && ok3) || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	date1, date2 := text.Load8(s, 0), uint16(s[8])|uint16(s[9])<<8
	if date1 != zc.date1 || date2 != zc.date2 || zc.date1 == 0 {
		if s[4] != '-' || s[7] != '-' {
			return time.Time{}, false
		}
		y1, ok1 := digits2(s, 0)
		y2, ok2 := digits2(s, 2)
		mo, ok3 := digits2(s, 5)
		d, ok4 := digits2(s, 8)
		year := y1*100 + y2
		if !(ok1 && ok2 && ok3 && ok4) || mo < 1 || mo > 12 || d < 1 || d > daysIn(mo, year) {
			return time.Time{}, false
		}
		zc.date1, zc.date2, zc.days = date1, date2, daysSinceEpoch(year, mo, d)
	}
	unix := zc.days*86400 + int64(h*3600+mi*60+sec) - int64(off)
	if s[19] == 'Z' {
		return time.Unix(unix, 0).UTC(), true
	}
	if zc.loc != loc || unix < zc.start || unix >= zc.end {
		// A new span: loc's zone at this time, where it begins and ends.
		z := time.Unix(unix, 0).In(loc)
		_, o := z.Zone()
		a, b := z.ZoneBounds()
		zc.loc, zc.off, zc.start, zc.end = loc, o, math.MinInt64, math.MaxInt64
		if !a.IsZero() {
			zc.start = a.Unix()
		}
		if !b.IsZero() {
			zc.end = b.Unix()
		}
	}
	if off != zc.off {
		return time.Time{}, false // Parse makes a fixed zone of it
	}
	return time.Unix(unix, 0).In(loc), true
}

// FuzzRFC3339Before holds parseRFC3339 (one load for the time of day, the
// last offset kept) to the version before it, in several zones, when one
// time follows another as in a conversation.
func FuzzRFC3339Before(f *testing.F) {
	for _, s := range []string{"2026-11-01T09:00:07+08:00", "2026-11-01T09:00:07Z", "2024-02-29T23:59:59-05:00",
		"2026-11-01T24:00:00+08:00", "2026-11-01T10:60:00+08:00", "2026-11-01T10:00:60+08:00", "2026-11-01T1/:00:00+08:00",
		"2026-11-01T10:0::00+08:00", "2026-11-01T10:00:0\xb9+08:00", "2026-11-01T09:00:07+08:0:", "2026-11-01T09:00:07-08:00"} {
		f.Add(s, "2026-11-01T09:00:07+08:00")
	}
	locs := []*time.Location{time.UTC, time.FixedZone("CST", 8*3600)}
	if l, err := time.LoadLocation("America/New_York"); err == nil {
		locs = append(locs, l)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, loc := range locs {
			var zc zoneCache
			var ref zoneCacheRef
			for _, s := range []string{a, b, a} { // the caches carried over
				got, ok := zc.parseRFC3339(s, loc)
				want, wantOK := ref.parseRFC3339(s, loc)
				if ok != wantOK || got != want {
					t.Fatalf("parseRFC3339(%q) in %v = %v, %v; before %v, %v", s, loc, got, ok, want, wantOK)
				}
			}
		}
	})
}

// clockRef is the time of day as digits2 read it before clock8.
func clockRef(s string) (int, bool) {
	if s[2] != ':' || s[5] != ':' {
		return 0, false
	}
	h, ok1 := digits2(s, 0)
	mi, ok2 := digits2(s, 3)
	sec, ok3 := digits2(s, 6)
	if !(ok1 && ok2 && ok3) || h > 23 || mi > 59 || sec > 59 {
		return 0, false
	}
	return h*3600 + mi*60 + sec, true
}

// TestClock8: every time of day, and each of them with any one byte
// replaced by every value, against digits2's reading.
func TestClock8(t *testing.T) {
	check := func(s string) {
		got, ok := clock8(text.Load8(s, 0))
		want, wantOK := clockRef(s)
		if ok != wantOK || ok && got != want {
			t.Fatalf("clock8(%q) = %d, %v; digits2 %d, %v", s, got, ok, want, wantOK)
		}
	}
	for c := 0; c < 24*3600; c++ {
		b := []byte(time.Date(2000, 1, 1, 0, 0, c, 0, time.UTC).Format("15:04:05"))
		check(string(b))
		if c%97 != 0 && c%3600 != 59 && c%3600 != 3599 && c < 23*3600 {
			continue // the byte replacements on a sample (and the edges)
		}
		for i := range b {
			old := b[i]
			for v := 0; v < 256; v++ {
				b[i] = byte(v)
				check(string(b))
			}
			b[i] = old
		}
	}
}
