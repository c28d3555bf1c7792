package text

import (
	"strings"
	"unicode/utf8"
)

// TrimSpace is strings.TrimSpace, quick for the common case of a message
// that starts and ends with a Chinese character or a visible ASCII one:
// strings.TrimSpace decodes such a Chinese end and asks unicode.IsSpace
// about it. Runes from U+4000 up (leads E4 and above) and bytes that are
// no UTF-8 are never white space, so text that starts with such a lead or
// a visible ASCII byte, and ends with one or with a three-byte character
// of lead E4–EF, has nothing to trim; anything else goes to
// strings.TrimSpace. Evidence quotes trim every message they quote.
// TestTrimSpace and FuzzTrimSpace hold it to strings.TrimSpace.
func TrimSpace(s string) string {
	n := len(s)
	if n == 0 {
		return s
	}
	// The tests of the first and the last byte are looked up (trimEdge),
	// where each took some six comparisons.
	c := s[n-1]
	if trimEdge[s[0]]&edgeStart != 0 && (trimEdge[c]&edgeEnd != 0 ||
		n >= 3 && s[n-3]-0xE4 <= 0xEF-0xE4 && s[n-2]&0xC0 == 0x80 && c&0xC0 == 0x80) {
		return s
	}
	return trimSpaceRest(s)
}

// trimEdge holds, for each byte, edgeStart when a text starting with it
// has nothing to trim at its start (a visible ASCII byte, or a lead of
// U+4000 and up or a byte that is no UTF-8: E4 and above) and edgeEnd
// when a text ending with it has nothing to trim at its end on that byte
// alone (a visible ASCII byte), TrimSpace's first test.
var trimEdge = func() (t [256]uint8) {
	for c := range 256 {
		b := byte(c)
		if b < utf8.RuneSelf && !asciiSpace(b) || b >= 0xE4 {
			t[c] |= edgeStart
		}
		if b < utf8.RuneSelf && !asciiSpace(b) {
			t[c] |= edgeEnd
		}
	}
	return t
}()

const (
	edgeStart = 1 << iota
	edgeEnd
)

// trimSpaceRest is strings.TrimSpace for what TrimSpace's first test
// leaves, most of it a Chinese message typed with a space at its end, or
// ending with a full stop (。、】, leads E3): strings.TrimSpace reads
// such text through unicode.IsSpace from both ends, some 450
// instructions. ASCII white space at either end is cut here (what
// remains trims as the whole text does: the cut bytes are white space at
// its ends), and what remains has nothing more to trim when it starts
// and ends as TrimSpace's test lets through or with a three-byte
// character of lead E3 that is not U+3000, the only white space of that
// lead; anything else goes to strings.TrimSpace.
func trimSpaceRest(s string) string {
	for len(s) > 0 && asciiSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	for len(s) > 0 && asciiSpace(s[0]) {
		s = s[1:]
	}
	n := len(s)
	if n == 0 {
		return s
	}
	c := s[0]
	startOK := c < utf8.RuneSelf || c >= 0xE4 || c == 0xE3 && n >= 3 && (s[1] != 0x80 || s[2] != 0x80)
	c = s[n-1]
	endOK := c < utf8.RuneSelf ||
		n >= 3 && s[n-3] >= 0xE3 && s[n-3] <= 0xEF && s[n-2]&0xC0 == 0x80 && c&0xC0 == 0x80 && (s[n-3] != 0xE3 || s[n-2] != 0x80 || c != 0x80)
	if startOK && endOK {
		return s
	}
	return strings.TrimSpace(s)
}

// asciiSpace reports whether an ASCII byte is white space to
// unicode.IsSpace: the space, \t, \n, \v, \f and \r.
func asciiSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }
