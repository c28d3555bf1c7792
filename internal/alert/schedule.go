package alert

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Schedule sends a digest report per vendor at a fixed time.
type Schedule struct {
	// When is "daily HH:MM" or "weekly DAY HH:MM" (DAY: mon … sun), in the
	// configured time zone.
	When    string `yaml:"when"`
	Channel string `yaml:"channel"`
	// Vendors limits the report to these vendors; empty means one report
	// per vendor seen in the period.
	Vendors []string `yaml:"vendors,omitempty"`
}

// When is a parsed schedule time.
type When struct {
	Weekly  bool
	Weekday time.Weekday
	Hour    int
	Minute  int
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// ParseWhen parses "daily 09:00" or "weekly mon 09:00".
func ParseWhen(s string) (When, error) {
	f := strings.Fields(strings.ToLower(s))
	var w When
	var clock string
	switch {
	case len(f) == 2 && f[0] == "daily":
		clock = f[1]
	case len(f) == 3 && f[0] == "weekly":
		d, ok := weekdays[f[1]]
		if !ok {
			return w, fmt.Errorf("when %q: day %q is not mon, tue, wed, thu, fri, sat or sun", s, f[1])
		}
		w.Weekly, w.Weekday, clock = true, d, f[2]
	default:
		return w, fmt.Errorf("when %q: want \"daily HH:MM\" or \"weekly DAY HH:MM\"", s)
	}
	h, m, ok := strings.Cut(clock, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return w, fmt.Errorf("when %q: time %q is not HH:MM", s, clock)
	}
	w.Hour, w.Minute = hh, mm
	return w, nil
}

// Next returns the first time strictly after t at which the schedule
// fires, in loc. Days are calendar days in loc, so a daily 09:00 stays at
// 09:00 across daylight-saving changes where loc has them.
func (w When) Next(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	c := time.Date(t.Year(), t.Month(), t.Day(), w.Hour, w.Minute, 0, 0, loc)
	for i := 0; i < 8; i++ {
		if c.After(t) && (!w.Weekly || c.Weekday() == w.Weekday) {
			return c
		}
		c = time.Date(c.Year(), c.Month(), c.Day()+1, w.Hour, w.Minute, 0, 0, loc)
	}
	return c
}

// Period returns the report period that ends at fire time at: the day
// before for a daily schedule, the seven days before for a weekly one.
func (w When) Period(at time.Time) (from, to time.Time) {
	if w.Weekly {
		return at.AddDate(0, 0, -7), at
	}
	return at.AddDate(0, 0, -1), at
}
