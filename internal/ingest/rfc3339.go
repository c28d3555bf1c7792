package ingest

import (
	"math"
	"time"

	"fullqa/internal/text"
)

// zoneCache remembers one span of time in which a location keeps one UTC
// offset, so the fast JSON decoder can read the RFC 3339 times of a
// conversation (every message has one, nearly all in the same zone)
// without time.Parse's zone lookup for each: inside the span, the time's
// own offset tells whether Parse would give the location (offset equal)
// or not. The zero value knows no span.
type zoneCache struct {
	loc        *time.Location
	off        int   // seconds east of UTC that loc keeps in [start, end)
	start, end int64 // Unix seconds

	// The last date read ("2006-01-02" as two loads) and its day number:
	// a conversation's messages mostly share one.
	date1 uint64
	date2 uint16
	days  int64
}

// parseRFC3339 reads s when it is exactly "2006-01-02T15:04:05+07:00" (or
// "-07:00", or "Z" for UTC) and gives the very Time that ParseTime(s, "",
// loc) gives, location included; ok is false for anything else (other
// shapes, fractions of a second, values out of range, an offset that is
// not loc's at that time), which ParseTime then decides. FuzzRFC3339
// checks the two against each other.
func (zc *zoneCache) parseRFC3339(s string, loc *time.Location) (t time.Time, ok bool) {
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

// digits2 reads the two decimal digits at s[i:i+2].
func digits2(s string, i int) (int, bool) {
	a, b := s[i]-'0', s[i+1]-'0'
	return int(a)*10 + int(b), a <= 9 && b <= 9
}

// daysIn is the number of days of month m (1–12) of year y, proleptic
// Gregorian as package time counts.
func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysSinceEpoch is the number of days from 1970-01-01 to y-m-d (y ≥ 0),
// proleptic Gregorian (the civil-from-days inverse by eras of 400 years).
func daysSinceEpoch(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
