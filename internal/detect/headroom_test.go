package detect

import "testing"

// TestPresenceHeadroom checks that the default engine's keyword classes
// fit the presence bits (presentWords words of 64) with room to spare:
// past them every presence-bit shortcut quietly turns off (the detectors
// then read the hits, correct and slower), so a list or class added later
// should fail here first, not in a benchmark.
func TestPresenceHeadroom(t *testing.T) {
	eng := defaultEngine(t)
	n, limit := len(eng.keywords.names), presentWords*64
	if n > limit-32 {
		t.Fatalf("%d keyword classes of the %d presence bits: fewer than 32 left; raise presentWords", n, limit)
	}
	if !eng.matcher.HasSummary() {
		t.Fatal("the default engine's matcher keeps no summary: the presence bits are read off the hits")
	}
}
