package ingest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// parseTimeLayouts is ParseTime with no layout as it was before
// parseDateTime: every layout in turn.
func parseTimeLayouts(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q (want RFC 3339, e.g. 2026-11-01T10:00:05+08:00)", s)
}

// FuzzParseTime checks that ParseTime's shortcut for "2006-01-02
// 15:04:05" gives the same time, zone and error as trying the layouts.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-11-01 09:00:07", "2024-02-29 23:59:59", "2023-02-29 10:00:00", "2026-13-01 00:00:00",
		"2026-11-01 24:00:00", "2026-11-01 10:60:00", "2026-11-01 10:00:60", "0000-01-01 00:00:00", "2026-11-01T09:00:07",
		"2026-11-01 9:00:07 ", "2026-11-0x 09:00:07", "2026-03-08 02:30:00", "2026-11-01 01:30:00", " 2026-11-01 09:00:07"} {
		f.Add(s)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EST", -5*3600)
	}
	locs := []*time.Location{time.UTC, time.FixedZone("CST", 8*3600), ny}
	f.Fuzz(func(t *testing.T, s string) {
		for _, loc := range locs {
			got, gerr := ParseTime(s, "", loc)
			want, werr := parseTimeLayouts(s, loc)
			if fmt.Sprint(gerr) != fmt.Sprint(werr) || !got.Equal(want) || got.Location() != want.Location() || got.String() != want.String() {
				t.Fatalf("ParseTime(%q) in %v = %v, %v; want %v, %v", s, loc, got, gerr, want, werr)
			}
		}
	})
}
