package detect

import (
	"math/rand/v2"
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

// TestClauseBounds checks clauseStart and clauseEnd, which read a table
// of bytes, against the byte tests they stand for, on random texts of
// breaks, full stops, their bytes apart and other characters.
func TestClauseBounds(t *testing.T) {
	start := func(s string, pos int) int {
		lo := max(0, pos-maxClauseBytes)
		for i := pos - 1; i >= lo; i-- {
			if isClauseBreak(s[i]) || isFullStopEnd(s, i) {
				return i + 1
			}
		}
		for lo > 0 && lo < pos && s[lo]&0xC0 == 0x80 {
			lo++
		}
		return lo
	}
	end := func(s string, pos int) int {
		hi := min(len(s), pos+maxClauseBytes)
		for i := pos; i < hi; i++ {
			if isClauseBreak(s[i]) || s[i] == 0xE3 && strings.HasPrefix(s[i:], fullStop) {
				return i
			}
		}
		for hi < len(s) && hi > pos && s[hi]&0xC0 == 0x80 {
			hi--
		}
		return hi
	}
	pieces := []string{"。", "\xe3", "\x80", "\x82", "\xe3\x80", "\x80\x82", ",", ".", "~", "\n", " ", "您", "好", "a", "1", "?", "亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲"}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 600 {
		var b strings.Builder
		for range rng.IntN(10) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		for pos := 0; pos <= len(s); pos++ {
			if got, want := clauseStart(s, pos), start(s, pos); got != want {
				t.Fatalf("clauseStart(%q, %d) = %d, want %d", s, pos, got, want)
			}
			if got, want := clauseEnd(s, pos), end(s, pos); got != want {
				t.Fatalf("clauseEnd(%q, %d) = %d, want %d", s, pos, got, want)
			}
		}
	}
}
