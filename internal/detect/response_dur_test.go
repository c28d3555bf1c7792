package detect

import (
	"fmt"
	"testing"
	"time"
)

// fmtDurSprintf is fmtDur as it was written with Sprintf: appendDur must
// give the same text, as details are compared byte for byte.
func fmtDurSprintf(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d.Seconds()))
	}
	if d < time.Hour {
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

func FuzzFmtDur(f *testing.F) {
	for _, d := range []time.Duration{0, 44 * time.Second, 192 * time.Second, time.Hour + 5*time.Minute, -time.Second, 999 * time.Millisecond, 59*time.Minute + 59999*time.Millisecond, 1000 * time.Hour} {
		f.Add(int64(d))
	}
	f.Fuzz(func(t *testing.T, n int64) {
		d := time.Duration(n)
		if got, want := fmtDur(d), fmtDurSprintf(d); got != want {
			t.Fatalf("fmtDur(%d) = %q, want %q", n, got, want)
		}
	})
}
