package text

import (
	"math/bits"
	"unicode/utf8"
)

// RuneOffset returns the byte offset of character number n (counting from
// 0) of s, or len(s) when s has n characters or fewer. Characters are
// counted as `for range s` steps over them: a byte that is not UTF-8 is
// one character.
//
// Evidence quotes and the "is this message short" tests count characters
// of every message they look at; `for range` calls the runtime's decoder
// for every character past ASCII, which is all of Chinese. Here eight
// ASCII bytes, or two three-byte characters with leads any two
// continuation bytes complete validly (E1–EC, EE–EF), pass with one load,
// one such character with three byte tests; the rest is decoded as range
// decodes it. A pair of such characters (Lead3Pair) starts a loop of its
// own that steps over the run they begin two at a time, testing only the
// pair and the bounds in each turn, where the loop over characters made
// its ASCII and bounds tests and tested each lead alone; an ASCII byte
// starts one that counts off the ASCII bytes of eight at once, however
// many there are (chat text's ASCII runs are short: a '?', a bracket,
// a digit), where they went round the loop a byte at a time after a
// failed test of eight. FuzzRuneOffset, TestRuneOffsetBytes,
// TestRuneOffsetRuns and TestRuneOffsetASCII hold it to the range loop.
// A text of n bytes or fewer has n characters or fewer: its length is
// returned without reading it.
func RuneOffset(s string, n int) int {
	if len(s) <= n {
		// No more characters than bytes: none of them is read. Most
		// quotes clip cuts at 60 or 80 characters are shorter in bytes.
		return len(s)
	}
	i := 0
chars:
	for n > 0 && i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			// A run of ASCII: the ASCII bytes of eight read at once are
			// counted off at once (their number is that of the word's
			// low bytes without the top bit, one at least: s[i]'s),
			// eight a turn while they last; the last few bytes of s go
			// a byte a turn.
			for i+8 <= len(s) {
				k := bits.TrailingZeros64(Load8(s, i)&0x8080808080808080) >> 3
				if k >= n {
					return i + n
				}
				i, n = i+k, n-k
				if k < 8 {
					continue chars // s[i] is not ASCII
				}
			}
			for n > 0 && i < len(s) && s[i] < utf8.RuneSelf {
				i, n = i+1, n-1
			}
			continue
		}
		if n >= 2 && i+8 <= len(s) && Lead3Pair(Load8(s, i)) {
			// A run of Chinese: two characters a turn while it
			// lasts, without the tests of a turn of the loop.
			i, n = i+6, n-2
			for n >= 2 && i+8 <= len(s) && Lead3Pair(Load8(s, i)) {
				i, n = i+6, n-2
			}
			continue
		}
		n--
		if Lead3(c) && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			i += 3
			continue
		}
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return i
}

// RunesAtMost reports whether s has at most n characters, as
// utf8.RuneCountInString counts them, reading no more of s than the first
// n characters (and often only its length: a character is one to four
// bytes).
func RunesAtMost(s string, n int) bool { return RunesAtMostValid(s, n, false) }

// Lead3 reports whether c leads a three-byte character that any two
// continuation bytes complete validly (E1–EC, EE–EF: neither overlong nor
// a surrogate) — most of Chinese. The hot loops that step over such
// characters without a decoding call (here, ValidUTF8's and the JSON
// decoder's) share this one test.
func Lead3(c byte) bool { return c-0xE1 < 0x0F && c != 0xED }

// Lead3Mask is Lead3 as a mask: bit x is set exactly when E0+x passes
// Lead3 (E1–EF but ED). Loops that already hold c-0xE0 test a lead with
// one shift and one AND, x < 16 && Lead3Mask>>x&1 != 0; TestLead3Mask
// holds the two forms to each other.
const Lead3Mask = 0xDFFE

// Lead3Pair reports whether the first six bytes of the little-endian word
// w are two three-byte characters whose leads pass Lead3: bytes 0 and 3
// are 1110xxxx with a low half neither 0 (E0) nor D (ED), bytes 1, 2, 4
// and 5 are 10xxxxxx. The leads' low halves are tested in their bytes at
// once: a byte below 16 plus 0x7F has its top bit set exactly when it is
// not 0, and so has it XOR D plus 0x7F when it is not D.
func Lead3Pair(w uint64) bool {
	v := uint32(w) & 0x0F00000F
	return w&0x0000c0c0f0c0c0f0 == 0x00008080e08080e0 &&
		(v+0x7F00007F)&(v^0x0D00000D+0x7F00007F)&0x80000080 == 0x80000080
}

// RuneOffsetValid is RuneOffset(s, n) for a text its caller knows is valid
// UTF-8 (an importer vouched for it: Conversation.TextValid). In valid
// text every byte but a continuation byte (10xxxxxx) starts a character,
// so character number n starts at the byte that starts character n+1:
// the characters of eight bytes are counted with a few word operations,
// whatever mix of ASCII and Chinese they hold, and not stepped over one
// or two at a time. Most quotes are shorter than their limit and are
// counted through to their end this way. When valid is false it is
// RuneOffset; FuzzRuneOffsetValid holds it to RuneOffset on valid text
// and on any bytes.
func RuneOffsetValid(s string, n int, valid bool) int {
	if !valid {
		return RuneOffset(s, n)
	}
	if len(s) <= n {
		return len(s)
	}
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := Load8(s, i)
		// Bit 7 of each byte that is not 10xxxxxx: its bit 7 clear,
		// or its bit 6 (shifted up to bit 7) set.
		starts := (^w | w<<1) & 0x8080808080808080
		c := int((starts >> 7) * 0x0101010101010101 >> 56)
		if n < c {
			for ; n > 0; n-- {
				starts &= starts - 1
			}
			return i + bits.TrailingZeros64(starts)>>3
		}
		n -= c
	}
	for ; i < len(s); i++ {
		if s[i]&0xC0 != 0x80 {
			if n == 0 {
				return i
			}
			n--
		}
	}
	return len(s)
}

// RunesAtMostValid is RunesAtMost(s, n) for a text its caller knows is
// valid UTF-8 (see RuneOffsetValid); when valid is false it is
// RunesAtMost.
func RunesAtMostValid(s string, n int, valid bool) bool {
	switch {
	case len(s) <= n:
		return true
	case len(s) > utf8.UTFMax*n:
		return false
	}
	return RuneOffsetValid(s, n, valid) == len(s)
}
