package analyze

import (
	"strconv"
	"strings"
	"time"

	"fullqa/internal/conversation"
)

// slotView is a commitment's slot as a promise.made finding holds it:
// a conversation.Data (in key order) from the rules, a map[string]any from
// the learned scorer or after a JSON round trip (the service's store,
// which decodes nested objects as maps). m, when not nil, is the slot;
// d otherwise.
type slotView struct {
	d conversation.Data
	m map[string]any
}

// get is the slot's value of key, nil when there is none.
func (s slotView) get(key string) any {
	if s.m != nil {
		return s.m[key]
	}
	return s.d.Get(key)
}

// dueTime turns a time promise's slot (promise.made data) into the moment
// it falls due, counted from at, the time of the promise message. Day-based
// promises are due at the end of their day in loc ("明天发出" made on the
// 1st is due at 24:00 on the 2nd); working days skip Saturdays and Sundays
// (public holidays are not known); hours count from the message. Slots
// without a number ("[数字x]个工作日" in anonymized data), vague ones
// ("尽快", "预计") and promises without a time are not due-tracked: ok is
// false.
func dueTime(slot slotView, at time.Time, loc *time.Location) (time.Time, bool) {
	if at.IsZero() {
		return time.Time{}, false
	}
	if loc == nil {
		loc = time.UTC
	}
	at = at.In(loc)
	if n, ok := intOf(slot.get("days")); ok && n >= 0 && n <= 31 {
		return endOfDay(at, n), true
	}
	if n, ok := intOf(slot.get("within_hours")); ok && n > 0 && n <= 24*31 {
		return at.Add(time.Duration(n) * time.Hour), true
	}
	if n, ok := intOf(slot.get("within_days")); ok && n > 0 && n <= 90 {
		return endOfDay(at, n), true
	}
	if n, ok := intOf(slot.get("within_weeks")); ok && n > 0 && n <= 12 {
		return endOfDay(at, 7*n), true
	}
	if n, ok := intOf(slot.get("within_workdays")); ok && n > 0 && n <= 60 {
		d := 0
		for k := 1; ; k++ {
			wd := at.AddDate(0, 0, k).Weekday()
			if wd != time.Saturday && wd != time.Sunday {
				d++
			}
			if d == n {
				return endOfDay(at, k), true
			}
		}
	}
	if s, ok := slot.get("date").(string); ok {
		return dateDue(s, at)
	}
	return time.Time{}, false
}

// dateDue reads a written date or hour ("15号", "12月3日", "3点前") with
// real digits and returns its next occurrence at or after at: the end of
// that day, or that hour.
func dateDue(s string, at time.Time) (time.Time, bool) {
	s = strings.TrimSuffix(strings.TrimSuffix(s, "前"), "左右")
	switch {
	case strings.HasSuffix(s, "点"):
		h, ok := lastNumber(strings.TrimSuffix(s, "点"))
		if !ok || h > 24 {
			return time.Time{}, false
		}
		if h < 12 && at.Hour() >= 12 && strings.Contains(s, "下午") || strings.Contains(s, "晚上") && h < 12 {
			h += 12
		}
		t := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, at.Location()).Add(time.Duration(h) * time.Hour)
		if t.Before(at) {
			t = t.AddDate(0, 0, 1)
		}
		return t, true
	case strings.HasSuffix(s, "号") || strings.HasSuffix(s, "日"):
		body := s[:len(s)-len("号")]
		d, ok := lastNumber(body)
		if !ok || d < 1 || d > 31 {
			return time.Time{}, false
		}
		month := at.Month()
		if k := strings.Index(body, "月"); k >= 0 {
			if m, ok := lastNumber(body[:k]); ok && m >= 1 && m <= 12 {
				month = time.Month(m)
			}
		}
		t := time.Date(at.Year(), month, d, 0, 0, 0, 0, at.Location())
		if t.Month() != month { // 2月30日
			return time.Time{}, false
		}
		if t.AddDate(0, 0, 1).Before(at) {
			t = t.AddDate(0, 1, 0)
			if month != at.Month() {
				t = time.Date(at.Year()+1, month, d, 0, 0, 0, 0, at.Location())
			}
		}
		return t.AddDate(0, 0, 1), true
	}
	return time.Time{}, false
}

// endOfDay is the start of the day n days after at's day, in at's zone.
func endOfDay(at time.Time, n int) time.Time {
	return time.Date(at.Year(), at.Month(), at.Day()+n+1, 0, 0, 0, 0, at.Location())
}

// intOf reads a slot number: an int from the detector, or a float64 after a
// JSON round trip. Placeholders ("[数字x]") are not numbers.
func intOf(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case float64:
		return int(n), n == float64(int(n))
	}
	return 0, false
}

// lastNumber reads the ASCII digits at the end of s.
func lastNumber(s string) (int, bool) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	if i == len(s) || len(s)-i > 4 {
		return 0, false
	}
	n, err := strconv.Atoi(s[i:])
	return n, err == nil
}
