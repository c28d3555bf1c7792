package ingest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// timeLayouts are tried in order when no layout is configured: RFC 3339 with
// or without zone, the layouts Chinese export tools use, and Twitter's.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05.000",
	"2006/01/02 15:04:05",
	"2006/1/2 15:04:05",
	"2006/1/2 15:04",
	"2006-01-02 15:04",
	"2006年01月02日 15:04:05",
	time.RubyDate,
}

// ParseTime parses a timestamp. layout may be empty (try the common ones) or
// a Go layout; "unix" and "unixms" read epoch seconds or milliseconds.
// Times without a zone are taken in loc.
func ParseTime(s, layout string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	switch layout {
	case "unix", "unixms":
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("bad %s time %q", layout, s)
		}
		if layout == "unixms" {
			return time.UnixMilli(n).In(loc), nil
		}
		return time.Unix(n, 0).In(loc), nil
	case "":
		if t, ok := parseDateTime(s, loc); ok {
			return t, nil
		}
		for _, l := range timeLayouts {
			if t, err := time.ParseInLocation(l, s, loc); err == nil {
				return t, nil
			}
		}
		return time.Time{}, fmt.Errorf("bad time %q (want RFC 3339, e.g. 2026-11-01T10:00:05+08:00)", s)
	}
	t, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad time %q (want layout %s)", s, layout)
	}
	return t, nil
}

// parseDateTime reads s when it is exactly "2006-01-02 15:04:05", the
// layout most CSV exports use, as time.ParseInLocation would, without
// trying the layouts before it in timeLayouts first: each failed try
// allocates an error, and a table has a time on every row. It reports
// false for anything else (other layouts, values out of range), which
// the layouts then decide, so results and errors stay the same
// (FuzzParseTime).
func parseDateTime(s string, loc *time.Location) (time.Time, bool) {
	if len(s) != 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	y1, ok1 := digits2(s, 0)
	y2, ok2 := digits2(s, 2)
	mo, ok3 := digits2(s, 5)
	d, ok4 := digits2(s, 8)
	h, ok5 := digits2(s, 11)
	mi, ok6 := digits2(s, 14)
	sec, ok7 := digits2(s, 17)
	y := y1*100 + y2
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) || mo < 1 || mo > 12 || d < 1 || d > daysIn(mo, y) ||
		h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, 0, loc), true
}
