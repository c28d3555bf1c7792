package analyze

import (
	"fullqa/internal/conversation"
	"testing"
	"time"
)

func TestDueTime(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	made := time.Date(2026, 11, 6, 15, 30, 0, 0, loc) // a Friday
	for _, tc := range []struct {
		slot map[string]any
		want string // "" when not due-tracked
	}{
		{map[string]any{"days": 0, "event": "发出"}, "2026-11-07 00:00"},
		{map[string]any{"days": 1}, "2026-11-08 00:00"},
		{map[string]any{"days": 1.0}, "2026-11-08 00:00"}, // after a JSON round trip
		{map[string]any{"within_hours": 24}, "2026-11-07 15:30"},
		{map[string]any{"within_days": 3}, "2026-11-10 00:00"},
		{map[string]any{"within_workdays": 1}, "2026-11-10 00:00"}, // Friday + 1 working day = Monday
		{map[string]any{"within_workdays": 3}, "2026-11-12 00:00"},
		{map[string]any{"within_weeks": 1}, "2026-11-14 00:00"},
		{map[string]any{"date": "15号"}, "2026-11-16 00:00"},
		{map[string]any{"date": "12月3日"}, "2026-12-04 00:00"},
		{map[string]any{"date": "3号"}, "2026-12-04 00:00"}, // the 3rd is past: next month
		{map[string]any{"date": "18点前"}, "2026-11-06 18:00"},
		{map[string]any{"within_workdays": "[数字x]"}, ""},
		{map[string]any{"date": "[日期x]"}, ""},
		{map[string]any{"when": "尽快"}, ""},
	} {
		// The map (the learned scorer's, or after a JSON round trip) and
		// the Data the rules write give the same due time.
		for _, slot := range []slotView{{m: tc.slot}, {d: conversation.DataOf(tc.slot)}} {
			due, ok := dueTime(slot, made, loc)
			got := ""
			if ok {
				got = due.Format("2006-01-02 15:04")
			}
			if got != tc.want {
				t.Errorf("%v: due %q, want %q", tc.slot, got, tc.want)
			}
		}
	}
}

func TestCourierName(t *testing.T) {
	for in, want := range map[string]string{"顺丰速运": "顺丰", "京东快递": "京东物流", "中通快递": "中通", "ems": "EMS",
		"中国邮政": "EMS", "极兔速递": "极兔", "德邦": "德邦"} {
		if got := courierName(in); got != want {
			t.Errorf("courierName(%s) = %s, want %s", in, got, want)
		}
	}
}

// FuzzDueTime: any slot value and written date gives either no due time or
// one after the promise was made.
func FuzzDueTime(f *testing.F) {
	for _, s := range []string{"15号", "12月3日", "18点前", "[日期x]", "下午3点", "2月30日", "0号", "99点", "月日", "晚上8点左右"} {
		f.Add(s, 3)
	}
	loc := time.FixedZone("CST", 8*3600)
	made := time.Date(2026, 11, 6, 15, 30, 0, 0, loc)
	f.Fuzz(func(t *testing.T, date string, n int) {
		for _, slot := range []map[string]any{{"date": date}, {"days": n}, {"within_hours": n}, {"within_days": n},
			{"within_workdays": n}, {"within_weeks": n}} {
			due, ok := dueTime(slotView{m: slot}, made, loc)
			if ok && !due.After(made) && slot["date"] == nil {
				t.Errorf("%v: due %v not after %v", slot, due, made)
			}
			if ok && due.Before(made.Add(-24*time.Hour)) {
				t.Errorf("%v: due %v long before %v", slot, due, made)
			}
		}
	})
}
