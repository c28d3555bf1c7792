package text

import "unicode/utf8"

// Load8 is the eight bytes at s[i:] as a little-endian word: the JSON
// readers and writers scan plain text eight bytes at a time with it.
func Load8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// JSONPlain8 marks (bit 7 of its byte) every byte of the word w that a JSON
// string cannot hold as it is — a quote, a backslash, a control character —
// or that is past ASCII and must be looked at; it is 0 when there is none,
// so a reader or writer can pass eight bytes at once. Bytes above a marked
// one may be marked wrongly (borrows); the lowest mark never is.
func JSONPlain8(w uint64) uint64 {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	q := w ^ (ones * '"')
	bs := w ^ (ones * '\\')
	return (w | (w - ones*0x20) | (q - ones) | (bs - ones)) & high
}

// JSONPlain reports whether s goes into a JSON string as it is, as the
// result writers write strings: valid UTF-8 without a quote, a backslash,
// a control character (below U+0020), U+2028 or U+2029, the characters
// they escape (they do not escape <, > and &). A value fixed for a whole
// scan, such as a scorecard item's name, is asked once, and the writer
// then copies it instead of reading it for escapes in every result.
func JSONPlain(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || r == '\u2028' || r == '\u2029' {
			return false
		}
		i += n
	}
	return true
}
