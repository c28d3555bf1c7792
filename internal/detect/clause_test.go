package detect

import (
	"strings"
	"testing"
)

// TestIsClauseBreak checks every byte against the list of clause breaks
// the bit test stands for.
func TestIsClauseBreak(t *testing.T) {
	for b := 0; b < 256; b++ {
		if got, want := isClauseBreak(byte(b)), strings.IndexByte(",.!?; ~:\n", byte(b)) >= 0; got != want {
			t.Errorf("isClauseBreak(%#x) = %v, want %v", b, got, want)
		}
	}
}
