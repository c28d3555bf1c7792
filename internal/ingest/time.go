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
