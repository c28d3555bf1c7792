// Package text is the Chinese-first text core of fullqa: one normalization per
// message and one combined multi-pattern matcher that every keyword-based
// detector shares, so each message is normalized once and scanned once.
package text

import (
	"bytes"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize returns the matching form of s. It applies NFKC (so full-width
// letters, digits and punctuation become their half-width forms), lower-cases
// Latin letters, collapses runs of spaces, and removes spaces and filler
// symbols (. - _ * / | ~ · and the like) placed between two Chinese characters,
// which is how customers and agents dodge keyword filters ("加 微.信").
// Sentence punctuation (，！？ as half-width, 。 as is) is kept so that clause
// boundaries survive for negation scopes. Placeholders such as [数字x] are left
// intact. The result is deterministic and idempotent.
func Normalize(s string) string {
	return string(AppendNormalized(make([]byte, 0, len(s)), s))
}

// AppendNormalized appends the normalized form of s to dst and returns it.
// It lets hot loops reuse one buffer per worker.
func AppendNormalized(dst []byte, s string) []byte {
	start := len(dst)
	dst, amp := appendNormalized(dst, s)
	// amp is false when no '&' was written: then the look for one, a
	// second pass over every message, is skipped.
	if amp && bytes.IndexByte(dst[start:], '&') >= 0 {
		// Chat exports of web customer-service tools keep HTML entities
		// ("&nbsp;", "&gt;"). They are decoded in the normalized text, which
		// is then normalized again: the decoded characters hold no '&', so
		// the result has no entity left and normalizing stays idempotent.
		if dec, ok := decodeEntities(dst[start:]); ok {
			dst, _ = appendNormalized(dst[:start], dec)
		}
	}
	return dst
}

// decodeEntities replaces the HTML entities of b that chats carry, and
// reports whether there was any. "&amp;" is left alone: decoding it could
// make a new entity ("&amp;gt;").
func decodeEntities(b []byte) (string, bool) {
	var out []byte
	for i := 0; i < len(b); i++ {
		if b[i] == '&' {
			if r, n := htmlEntity(b[i+1:]); n > 0 {
				if out == nil {
					out = append(make([]byte, 0, len(b)), b[:i]...)
				}
				out = append(out, r)
				i += n
				continue
			}
		}
		if out != nil {
			out = append(out, b[i])
		}
	}
	return string(out), out != nil
}

// htmlEntity decodes the entity name that follows an '&' at the start of b
// ("nbsp;"), returning its character and the bytes consumed, or 0 when b
// starts no entity the normalizer knows.
func htmlEntity(b []byte) (byte, int) {
	for _, e := range htmlEntities {
		if bytes.HasPrefix(b, []byte(e.name)) {
			return e.r, len(e.name)
		}
	}
	return 0, 0
}

// htmlEntities are the entities AppendNormalized decodes, by name (what
// follows the '&').
var htmlEntities = [...]struct {
	name string
	r    byte
}{{"nbsp;", ' '}, {"gt;", '>'}, {"lt;", '<'}, {"quot;", '"'}, {"#39;", '\''}, {"apos;", '\''}}

// NormalizeKeeps reports whether every text that contains p has a
// normalized form that contains Normalize(p): then a scan of the
// normalized text that finds no Normalize(p) proves the text itself holds
// no p, and a caller matching p in the text as written (the across
// analysis's courier and kept words) may skip the texts the detectors'
// scan found none in. It holds for a word of ASCII letters and digits and
// common Chinese characters (U+4E00–U+9FFF): the normalizer maps each of
// those on its own (lower-casing the letters, copying the rest), never
// drops one, and joins them to nothing around them; the one exception,
// the HTML entities decoded after normalizing, is ruled out by asking
// that the word lie in no entity's name. FuzzNormalizeKeeps holds it to
// Normalize.
func NormalizeKeeps(p string) bool {
	if p == "" {
		return false
	}
	for _, r := range p {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', 0x4E00 <= r && r <= 0x9FFF:
		default:
			return false
		}
	}
	low := strings.ToLower(p)
	for _, e := range htmlEntities {
		if strings.Contains(e.name, low) {
			return false
		}
	}
	return true
}

// appendNormalized is AppendNormalized without the entity decoding. It
// also reports whether it may have written an '&' (false only when it
// wrote none): every '&' it writes is an ASCII '&' of s, or one that a
// character of s maps to (the full-width ＆, or through NFKC), and each
// of these sets amp.
func appendNormalized(dst []byte, s string) ([]byte, bool) {
	// pendingFiller is set when we skipped filler after a CJK rune; it is
	// written out only if the next kept rune is not CJK.
	var pendingBuf [16]byte
	pending := pendingBuf[:0]
	prevCJK := false
	amp := false
	runLen := 0 // Chinese characters written since the last other rune
	for i := 0; i < len(s); {
		c := s[i]
		if asciiPlain[c] {
			// A run of ASCII bytes that the case below copies as they
			// are (no capital, space or filler), copied in one loop:
			// flushing pending before the first, as that case does
			// before each, leaves none for the others. (The runs are
			// short, "[数字x]", "12": a byte at a time, not a copy call.)
			if len(pending) > 0 {
				dst = appendPending(dst, pending)
				pending = pending[:0]
			}
			dst = append(dst, c)
			for i++; i < len(s) && asciiPlain[s[i]]; i++ {
				dst = append(dst, s[i])
			}
			prevCJK = false
			runLen = 0
			continue
		}
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
				c = ' '
			}
			if isFiller(c) {
				amp = amp || c == '&'
				if prevCJK {
					pending = append(pending, c)
					continue
				}
				if c == ' ' && (len(dst) == 0 || dst[len(dst)-1] == ' ') {
					continue // collapse runs and drop leading space
				}
			}
			if len(pending) > 0 {
				dst = appendPending(dst, pending)
				pending = pending[:0]
			}
			dst = append(dst, c)
			prevCJK = false
			runLen = 0
			continue
		}
		if c-0xE4 < 6 {
			if j := cjkRunEnd(s, i); j > i {
				// A run of common Chinese characters (U+4E00–U+9FFF),
				// taken whole as the Chinese case below takes its first
				// character and then the run after it, without
				// decoding that first one.
				if len(pending) > 0 {
					if runLen >= 2 && onlySpaces(pending) && cjkRunAhead(s[i:]) >= 2 {
						dst = append(dst, ' ')
						runLen = 0
					}
					pending = pending[:0]
				}
				runLen += int(uint(j-i) / 3)
				dst = append(dst, s[i:j]...)
				i = j
				prevCJK = true
				continue
			}
		}
		var r rune
		var size int
		if c&0xF0 == 0xE0 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			// Three-byte characters (all of Chinese) decoded inline: the
			// library's general path is a function call per character.
			r, size = rune(c&0x0F)<<12|rune(s[i+1]&0x3F)<<6|rune(s[i+2]&0x3F), 3
			if r < 0x800 || (r >= 0xD800 && r <= 0xDFFF) {
				r, size = utf8.RuneError, 1
			}
		} else {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		if r == utf8.RuneError && size == 1 {
			dst, pending = flushPending(dst, pending)
			dst = append(dst, "\uFFFD"...)
			prevCJK = false
			runLen = 0
			continue
		}
		if (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0x3400 && r <= 0x4DBF) {
			// Filler between two Chinese characters is dropped, except a
			// space between two runs of two or more characters: that is
			// how chat exports and agents separate sentences ("您好 请问"),
			// while filter dodges split single characters ("加 微 信").
			if len(pending) > 0 {
				if runLen >= 2 && onlySpaces(pending) && cjkRunAhead(s[i-size:]) >= 2 {
					dst = append(dst, ' ')
					runLen = 0
				}
				pending = pending[:0]
			}
			// Copy this character and the run of common Chinese characters
			// (U+4E00–U+9FFF: lead bytes E4 B8.. to E9) after it in one go.
			j := cjkRunEnd(s, i)
			runLen += int(uint(j-i) / 3)
			dst = append(dst, s[i-size:j]...)
			i = j
			prevCJK = true
			runLen++
			continue
		}
		// Fast paths for the forms Chinese chat text is full of: full-width
		// ASCII (，！？：（）０-９Ａ-ｚ), the ideographic space and full stop,
		// and curly quotes, which NFKC leaves alone.
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			amp = amp || r-0xFEE0 == '&'
			dst, pending, prevCJK = appendMapped(dst, r-0xFEE0, pending, prevCJK)
			if !prevCJK {
				runLen = 0
			}
			continue
		case r == 0x3000:
			dst, pending, prevCJK = appendMapped(dst, ' ', pending, prevCJK)
			if !prevCJK {
				runLen = 0
			}
			continue
		case r == 0x3001 || r == 0x3002 || (r >= 0x2018 && r <= 0x201F) || r == 0x2026 || (r >= 0x3008 && r <= 0x3011):
			dst, pending, prevCJK = appendMapped(dst, r, pending, prevCJK)
			if !prevCJK {
				runLen = 0
			}
			continue
		}
		// Everything else goes through NFKC, which maps circled digits,
		// compatibility ideographs, ligatures and so on.
		var one [utf8.UTFMax]byte
		n := utf8.EncodeRune(one[:], r)
		mapped := one[:n]
		if !norm.NFKC.IsNormal(mapped) {
			mapped = norm.NFKC.Append(nil, mapped...)
		}
		for j := 0; j < len(mapped); {
			mr, ms := utf8.DecodeRune(mapped[j:])
			j += ms
			amp = amp || mr == '&'
			dst, pending, prevCJK = appendMapped(dst, mr, pending, prevCJK)
			if !prevCJK {
				runLen = 0
			}
		}
	}
	dst, _ = flushPending(dst, pending)
	// Trim a trailing space left by collapsing.
	if len(dst) > 0 && dst[len(dst)-1] == ' ' {
		dst = dst[:len(dst)-1]
	}
	return dst, amp
}

// asciiPlain marks the ASCII bytes appendNormalized copies as they are
// wherever they stand: neither capital letters, white space nor filler
// (isFiller). Bytes past ASCII are not marked.
var asciiPlain = func() (t [256]bool) {
	for c := range utf8.RuneSelf {
		b := byte(c)
		t[c] = !('A' <= b && b <= 'Z') && !isFiller(b) && !strings.ContainsRune("\t\n\r\f\v", rune(b))
	}
	return t
}()

// cjkRunEnd returns where the run of common Chinese characters
// (U+4E00–U+9FFF, valid three-byte sequences with lead bytes E4 B8.. to
// E9) that starts at s[i] ends. While eight bytes are left it tests two
// characters with one load: their four continuation bytes at once, and
// each one's first two bytes as one number in E4B8..E9BF (with the second
// a continuation byte). The rest, and the pair's first character when its
// second is not one, are tested a character at a time the same way.
func cjkRunEnd(s string, i int) int {
	for i+8 <= len(s) {
		w := Load8(s, i)
		if w&0x0000c0c000c0c000 != 0x0000808000808000 ||
			bits.ReverseBytes16(uint16(w))-0xE4B8 > 0xE9BF-0xE4B8 ||
			bits.ReverseBytes16(uint16(w>>24))-0xE4B8 > 0xE9BF-0xE4B8 {
			break
		}
		i += 6
	}
	t := s[i:] // sliced so that the loop reads without bounds checks
	for len(t) >= 3 {
		b0, b1, b2 := t[0], t[1], t[2]
		if (uint16(b0)<<8|uint16(b1))-0xE4B8 > 0xE9BF-0xE4B8 || (uint16(b1)<<8|uint16(b2))&0xC0C0 != 0x8080 {
			break
		}
		t = t[3:]
	}
	return len(s) - len(t)
}

// appendMapped appends one rune that came out of NFKC. It takes and
// returns the pending filler by value (not through a pointer), so the
// caller's small buffer for it stays on the stack.
func appendMapped(dst []byte, r rune, pending []byte, prevCJK bool) ([]byte, []byte, bool) {
	switch r {
	case '\u3001': // enumeration comma
		r = ','
	}
	if r < utf8.RuneSelf {
		c := byte(r)
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if unicode.IsSpace(r) {
			c = ' '
		}
		if isFiller(c) {
			if prevCJK {
				return dst, append(pending, c), true
			}
			if c == ' ' && (len(dst) == 0 || dst[len(dst)-1] == ' ') {
				return dst, pending, false
			}
		}
		dst, pending = flushPending(dst, pending)
		return append(dst, c), pending, false
	}
	if unicode.IsSpace(r) {
		return appendMapped(dst, ' ', pending, prevCJK)
	}
	if isFillerRune(r) && prevCJK {
		return dst, append(pending, ' '), true
	}
	if isCJK(r) {
		return utf8.AppendRune(dst, unicode.ToLower(r)), pending[:0], true
	}
	dst, pending = flushPending(dst, pending)
	return utf8.AppendRune(dst, unicode.ToLower(r)), pending, false
}

// flushPending writes skipped filler back when it turned out not to sit
// between two Chinese characters. Runs of spaces collapse to one.
func flushPending(dst, pending []byte) ([]byte, []byte) {
	if len(pending) == 0 {
		return dst, pending
	}
	return appendPending(dst, pending), pending[:0]
}

func appendPending(dst, pending []byte) []byte {
	for _, c := range pending {
		if c == ' ' && (len(dst) == 0 || dst[len(dst)-1] == ' ') {
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

func onlySpaces(b []byte) bool {
	for _, c := range b {
		if c != ' ' {
			return false
		}
	}
	return true
}

// cjkRunAhead counts the Chinese characters at the start of s, up to two.
// It is asked at every space between two Chinese characters, and a range
// loop calls the runtime's decoder for each of them: the characters
// isCJK takes are all three bytes long, so each is tested in place
// (cjkAt). TestCJKRunAheadBytes holds it to the range loop.
func cjkRunAhead(s string) int {
	switch {
	case !cjkAt(s):
		return 0
	case !cjkAt(s[3:]):
		return 1
	}
	return 2
}

// cjkAt reports whether s starts with a character isCJK takes. Every such
// character is three bytes, led by E3, E4 to E9 or EF: the bytes are
// decoded without the validity tests, as those that fail them (E0's
// overlong forms below U+0800, ED's surrogates and U+D000–U+D7FF) decode
// to no Chinese character anyway.
func cjkAt(s string) bool {
	if len(s) < 3 || s[0]&0xF0 != 0xE0 || (uint16(s[1])<<8|uint16(s[2]))&0xC0C0 != 0x8080 {
		return false
	}
	return isCJK(rune(s[0]&0x0F)<<12 | rune(s[1]&0x3F)<<6 | rune(s[2]&0x3F))
}

// isFiller reports whether an ASCII byte is a symbol people insert inside
// words to break keyword filters.
func isFiller(c byte) bool {
	switch c {
	case ' ', '.', '-', '_', '*', '/', '\\', '|', '~', '\'', '"', '`', '^', '+', '=', '#', '@', '&':
		return true
	}
	return false
}

// isFillerRune covers non-ASCII dots and bullets that NFKC leaves alone.
func isFillerRune(r rune) bool {
	switch r {
	case '·', '•', '‧', '∙', '・', '丶', '\u200b', '\u200c', '\u200d', '\ufeff':
		return true
	}
	return false
}

// isCJK reports whether r is a Chinese character (CJK unified ideographs and
// extension A), the script whose words have no spaces.
func isCJK(r rune) bool {
	return (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0x3400 && r <= 0x4DBF) || (r >= 0xF900 && r <= 0xFAFF)
}
