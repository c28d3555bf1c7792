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
	// The last offset read ("+08:00" as one load, offKey; 0 for none) and
	// its seconds east of UTC: a log's times nearly all share one.
	offKey uint64
	offSec int
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
		// s[19:25], the offset, as one word (s[17] and s[18] shifted out).
		if key := text.Load8(s, 17) >> 16; key == zc.offKey {
			off = zc.offSec
		} else {
			hh, ok1 := digits2(s, 20)
			mm, ok2 := digits2(s, 23)
			if !ok1 || !ok2 || hh > 23 || mm > 59 {
				return time.Time{}, false
			}
			off = (hh*60 + mm) * 60
			if s[19] == '-' {
				off = -off
			}
			zc.offKey, zc.offSec = key, off
		}
	case len(s) == 20 && s[19] == 'Z':
	default:
		return time.Time{}, false
	}
	if s[10] != 'T' {
		return time.Time{}, false
	}
	clock, ok := clock8(text.Load8(s, 11))
	if !ok {
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
	unix := zc.days*86400 + int64(clock) - int64(off)
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

// clock8 reads the time of day "hh:mm:ss" from the word w (its eight
// bytes, little-endian: text.Load8) as seconds since midnight, with one
// test for the six digits and the two colons where digits2 took three
// reads and a test each; ok is false when it is not such a time or out of
// range (hours past 23, minutes or seconds past 59).
func clock8(w uint64) (int, bool) {
	const (
		ones   = 0x0101010101010101
		high   = 0x8080808080808080
		digits = 0xFFFF00FFFF00FFFF // the lanes of the digits
		colons = uint64(':')<<16 | uint64(':')<<40
	)
	t := w & digits
	// A lane is a digit when taking '0' off does not wrap and adding
	// 0x46 does not reach 0x80 ('9'+0x46 = 0x7F). A lane below '0' may
	// borrow from the lanes above it, but is flagged itself.
	if w&^digits != colons || ((t-ones*'0'&digits)|(t+ones*0x46&digits))&high&digits != 0 {
		return 0, false
	}
	// Each pair of digits as one number, in the lane of its first: ten
	// times the lane plus the lane above (at most 99, no carry), the
	// hours in lane 0, minutes in lane 3, seconds in lane 6. They are in
	// range when adding 0x80 less their bound (24, 60, 60) leaves bit 7
	// of their lanes clear (at most 99+0x68, no carry).
	d := t - ones*'0'&digits
	p := d*10 + d>>8
	const over = 0x80 - 24 | (0x80-60)<<24 | (0x80-60)<<48
	if (p+over)&(0x80|0x80<<24|0x80<<48) != 0 {
		return 0, false
	}
	return int(p&0xFF)*3600 + int(p>>24&0xFF)*60 + int(p>>48&0xFF), true
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
