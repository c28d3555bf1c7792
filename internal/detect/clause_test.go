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

// clauseStartRef and clauseEndRef are clauseStart and clauseEnd as the
// byte tests they stand for, a byte at a time: the references of
// TestClauseBounds and FuzzClauseBounds.
func clauseStartRef(s string, pos int) int {
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

func clauseEndRef(s string, pos int) int {
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

// checkClauseBounds checks clauseStart and clauseEnd against their
// references at every offset of s.
func checkClauseBounds(t *testing.T, s string) {
	t.Helper()
	for pos := 0; pos <= len(s); pos++ {
		if got, want := clauseStart(s, pos), clauseStartRef(s, pos); got != want {
			t.Fatalf("clauseStart(%q, %d) = %d, want %d", s, pos, got, want)
		}
		if got, want := clauseEnd(s, pos), clauseEndRef(s, pos); got != want {
			t.Fatalf("clauseEnd(%q, %d) = %d, want %d", s, pos, got, want)
		}
	}
}

// TestClauseBounds checks clauseStart and clauseEnd, which read a table
// of bytes and pass eight bytes at once where none can stop them
// (quietClause8), against the byte tests they stand for, on random texts
// of breaks, full stops, their bytes apart, other characters (Chinese
// whose bytes 0x82 and 0xE3 end or start no full stop among them) and
// runs of Chinese longer than maxClauseBytes.
func TestClauseBounds(t *testing.T) {
	pieces := []string{"。", "\xe3", "\x80", "\x82", "\xe3\x80", "\x80\x82", ",", ".", "~", "\n", " ", "您", "好", "a", "1", "?", "[数字x]",
		"傂", "a\x82", "\xe3\x81\x82", "「", "、", "中文中文", "亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲亲"}
	rng := rand.New(rand.NewPCG(7, 8))
	for it := range 3000 {
		n := 10
		if it%3 == 0 {
			n = 30
		}
		checkClauseBounds(t, pieceText(rng, pieces, rng.IntN(n)))
	}
}

// FuzzClauseBounds checks clauseStart and clauseEnd against their
// references at every offset of fuzzed texts.
func FuzzClauseBounds(f *testing.F) {
	for _, s := range []string{"", "您好,请问。有什么可以帮您", "亲亲亲亲亲亲亲亲。好的\xe3\x80", "傂傂傂傂a\x82\x80\x82", strings.Repeat("中文", 120) + "。" + strings.Repeat("您好", 110)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkClauseBounds(t, s) })
}
