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
	c := s[0]
	startOK := c < utf8.RuneSelf && !asciiSpace(c) || c >= 0xE4
	c = s[n-1]
	endOK := c < utf8.RuneSelf && !asciiSpace(c) ||
		n >= 3 && s[n-3] >= 0xE4 && s[n-3] <= 0xEF && s[n-2]&0xC0 == 0x80 && c&0xC0 == 0x80
	if startOK && endOK {
		return s
	}
	return strings.TrimSpace(s)
}

// asciiSpace reports whether an ASCII byte is white space to
// unicode.IsSpace: the space, \t, \n, \v, \f and \r.
func asciiSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }
