package text

import (
	"math/bits"
	"unicode/utf8"
)

// ValidUTF8 is utf8.ValidString (and utf8.Valid, for a []byte) with fast
// paths for what fullqa checks most: the importers check every line or
// record they read (mostly Chinese, with ASCII columns), the engine every
// finding's detail (English). Eight ASCII bytes, or two three-byte
// characters whose leads any two continuation bytes complete validly
// (Lead3: most of Chinese), pass with one load, and the ASCII bytes before
// the first that is not are skipped at once; one such character passes
// with three byte tests; the rest goes as the library reads it. The last
// few bytes, too few for a load, go a byte at a time. The importers and
// the engine had a copy each; FuzzValidUTF8 and TestValidUTF8 hold this
// one to the library for both types.
func ValidUTF8[T string | []byte](s T) bool {
	const hi = 0x8080808080808080
	i := 0
	for i+8 <= len(s) {
		w := load8(s, i)
		switch {
		case w&hi == 0:
			i += 8
		case w&0x80 == 0:
			i += bits.TrailingZeros64(w&hi) >> 3 // to the first byte that is not ASCII
		case w&0x0000c0c000c0c000 == 0x0000808000808000 && Lead3(byte(w)) && Lead3(byte(w>>24)):
			i += 6
		default:
			n := runeLen(s, i)
			if n == 0 {
				return false
			}
			i += n
		}
	}
	for i < len(s) {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		n := runeLen(s, i)
		if n == 0 {
			return false
		}
		i += n
	}
	return true
}

// runeLen is the length of the valid UTF-8 character at s[i:], or 0 when
// there is none: three for a Lead3 lead and two continuation bytes, else
// the library's decoding of at most one character's bytes (a []byte is
// copied to a string of at most four bytes, which needs no allocation).
func runeLen[T string | []byte](s T, i int) int {
	if Lead3(s[i]) && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
		return 3
	}
	r, n := utf8.DecodeRuneInString(string(s[i:min(len(s), i+utf8.UTFMax)]))
	if r == utf8.RuneError && n <= 1 {
		return 0
	}
	return n
}

// load8 is Load8 for a string or a []byte.
func load8[T string | []byte](s T, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
