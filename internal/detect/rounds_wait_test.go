package detect

import (
	"testing"
	"time"

	"fullqa/internal/conversation"
)

// waitRef is a round's wait as roundsInto worked it out before it read the
// Unix seconds itself: Sub, floored at zero.
func waitRef(reply, first time.Time) time.Duration {
	return max(reply.Sub(first), 0)
}

// checkRoundsWait holds the wait Rounds gives a customer message at first
// answered at reply to waitRef.
func checkRoundsWait(t *testing.T, first, reply time.Time) {
	t.Helper()
	c := &conversation.Conversation{Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "在吗", At: first},
		{Role: conversation.RoleAgent, Text: "在的", At: reply},
	}}
	rs := Rounds(c)
	if len(rs) != 1 || !rs[0].HasTimes {
		t.Fatalf("Rounds(%v, %v) = %+v, want one timed round", first, reply, rs)
	}
	if got, want := rs[0].Wait, waitRef(reply, first); got != want {
		t.Fatalf("wait from %v to %v = %v, Sub %v", first, reply, got, want)
	}
}

// TestRoundsWait holds roundsInto's wait, read from the Unix seconds and
// nanoseconds, to Sub: times in and out of ±2^32 seconds of 1970, either
// way round, nanoseconds that borrow, zones, and times with a monotonic
// clock reading (Sub then reads those readings).
func TestRoundsWait(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	base := time.Date(2024, 3, 1, 9, 30, 0, 500, shanghai)
	now := time.Now()
	cases := [][2]time.Time{
		{base, base},
		{base, base.Add(44 * time.Second)},
		{base, base.Add(3*time.Minute + 12*time.Second + 999999999)},
		{base, base.Add(-time.Nanosecond)},
		{base, base.Add(-2 * time.Hour)},
		{base.Add(time.Nanosecond), base.Add(time.Second)},
		{base, base.UTC().Add(90 * time.Minute)},
		{time.Unix(1<<32-1, 999999999), time.Unix(1<<32-1, 999999999).Add(time.Second)},
		{time.Unix(1<<32-1, 0), time.Unix(1<<32, 0)},
		{time.Unix(-1<<32, 0), time.Unix(-1<<32, 1)},
		{time.Unix(-1<<32-1, 0), time.Unix(-1<<32, 0)},
		{time.Unix(-1<<32, 0), time.Unix(1<<32-1, 0)},
		{time.Unix(-1<<40, 0), time.Unix(1<<40, 0)},
		{time.Unix(-1<<62, 0), time.Unix(1<<62, 0)},
		{time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)},
		{now, now.Add(5 * time.Second)},
		{now, now},
		{now, now.Round(0).Add(7 * time.Second)},
		{now.Round(0), now.Add(7 * time.Second)},
		{now.Add(-time.Hour), now},
	}
	for _, p := range cases {
		checkRoundsWait(t, p[0], p[1])
		checkRoundsWait(t, p[1], p[0])
	}
}

// FuzzRoundsWait holds roundsInto's wait to Sub for any two times, with or
// without a monotonic clock reading.
func FuzzRoundsWait(f *testing.F) {
	f.Add(int64(1709256600), int64(0), int64(1709256644), int64(5), uint8(0))
	f.Add(int64(1<<32-1), int64(999999999), int64(1<<32), int64(0), uint8(1))
	f.Add(int64(-1<<32), int64(1), int64(-1<<32-1), int64(0), uint8(2))
	f.Add(int64(0), int64(0), int64(300), int64(0), uint8(3))
	now := time.Now()
	f.Fuzz(func(t *testing.T, s1, n1, s2, n2 int64, mode uint8) {
		a, b := time.Unix(s1, n1%1e9), time.Unix(s2, n2%1e9)
		if mode&1 != 0 { // with a monotonic reading (when in its range)
			a = now.Add(time.Duration(s1%(1<<40))*time.Nanosecond + time.Duration(n1%1e9))
		}
		if mode&2 != 0 {
			b = now.Add(time.Duration(s2%(1<<40))*time.Nanosecond + time.Duration(n2%1e9))
		}
		if a.IsZero() || b.IsZero() {
			return
		}
		checkRoundsWait(t, a, b)
	})
}
