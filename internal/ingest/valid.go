package ingest

import "unicode/utf8"

// validUTF8 is utf8.Valid with a fast path for the three-byte characters
// that make up most of Chinese chat text: every line of an import is
// checked, and the library's general loop costs about twice as much on it.
// FuzzValidUTF8 checks that both always agree. It takes a string too (a
// table's fields), as utf8.ValidString.
func validUTF8[T string | []byte](b T) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		// E1–EC and EE–EF leads take any two continuation bytes; E0, ED
		// and everything else go to the library, from here on.
		if c >= 0xE1 && c <= 0xEF && c != 0xED && i+2 < len(b) && b[i+1]&0xC0 == 0x80 && b[i+2]&0xC0 == 0x80 {
			i += 3
			continue
		}
		if n := utf8RuneLen(b[i:]); n > 0 {
			i += n
			continue
		}
		return false
	}
	return true
}

// utf8RuneLen returns the length of the valid UTF-8 character at the start
// of b, or 0 when it is not valid.
func utf8RuneLen[T string | []byte](b T) int {
	r, size := utf8.DecodeRuneInString(string(b[:min(len(b), utf8.UTFMax)]))
	if r == utf8.RuneError && size <= 1 {
		return 0
	}
	return size
}
