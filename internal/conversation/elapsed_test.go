package conversation

import (
	"testing"
	"time"
)

// TestElapsed holds Elapsed to Sub: times in and out of ±2^32 seconds of
// 1970, either way round, nanoseconds that borrow, zones, and times with
// a monotonic clock reading.
func TestElapsed(t *testing.T) {
	base := time.Date(2024, 3, 1, 9, 30, 0, 500, time.FixedZone("CST", 8*3600))
	now := time.Now()
	cases := [][2]time.Time{
		{base, base},
		{base, base.Add(3*time.Minute + 999999999)},
		{base, base.Add(-time.Nanosecond)},
		{base.Add(time.Nanosecond), base.UTC().Add(time.Second)},
		{time.Unix(1<<32-1, 999999999), time.Unix(1<<32, 0)},
		{time.Unix(-1<<32, 0), time.Unix(-1<<32-1, 1)},
		{time.Unix(-1<<32, 0), time.Unix(1<<32-1, 0)},
		{time.Unix(-1<<40, 0), time.Unix(1<<40, 0)},
		{time.Unix(-1<<62, 0), time.Unix(1<<62, 0)},
		{time.Time{}, time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)},
		{now, now.Add(5 * time.Second)},
		{now, now.Round(0).Add(7 * time.Second)},
		{now.Round(0), now.Add(-7 * time.Second)},
	}
	for _, p := range cases {
		for _, q := range [][2]time.Time{p, {p[1], p[0]}} {
			if got, want := Elapsed(q[0], q[1]), q[1].Sub(q[0]); got != want {
				t.Fatalf("Elapsed(%v, %v) = %v, Sub %v", q[0], q[1], got, want)
			}
		}
	}
}

// FuzzElapsed holds Elapsed to Sub for any two times, with or without a
// monotonic clock reading.
func FuzzElapsed(f *testing.F) {
	f.Add(int64(1709256600), int64(0), int64(1709256644), int64(5), uint8(0))
	f.Add(int64(1<<32-1), int64(999999999), int64(1<<32), int64(0), uint8(1))
	f.Add(int64(-1<<32), int64(1), int64(-1<<32-1), int64(0), uint8(2))
	f.Add(int64(0), int64(0), int64(300), int64(0), uint8(3))
	now := time.Now()
	f.Fuzz(func(t *testing.T, s1, n1, s2, n2 int64, mode uint8) {
		a, b := time.Unix(s1, n1%1e9), time.Unix(s2, n2%1e9)
		if mode&1 != 0 {
			a = now.Add(time.Duration(s1%(1<<40))*time.Nanosecond + time.Duration(n1%1e9))
		}
		if mode&2 != 0 {
			b = now.Add(time.Duration(s2%(1<<40))*time.Nanosecond + time.Duration(n2%1e9))
		}
		if got, want := Elapsed(a, b), b.Sub(a); got != want {
			t.Fatalf("Elapsed(%v, %v) = %v, Sub %v", a, b, got, want)
		}
	})
}
