// Package text is the Chinese-first text core of fullqa: one normalization per
// message and one combined multi-pattern matcher that every keyword-based
// detector shares, so each message is normalized once and scanned once.
package text

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"slices"
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
	return string(AppendNormalized(make([]byte, 0, len(s)+plainRoom), s))
}

// AppendNormalized appends the normalized form of s to dst and returns it.
// It lets hot loops reuse one buffer per worker.
func AppendNormalized(dst []byte, s string) []byte {
	dst, _ = AppendNormalizedPlain(dst, s)
	return dst
}

// AppendNormalizedPlain is AppendNormalized that also reports whether s
// is plain: whether appendPlain took it to its end. Then neither s nor
// its normalized form holds anything a JSON string escapes (a quote, a
// backslash, a control character, U+2028, U+2029), nor an '&': appendPlain
// leaves those, and every character that normalizes to one of them (＂ ＼
// ﹨ ＆ ﹠), to appendRest. The engine tells the scan output's writer so
// (Conversation.TextPlain), which then copies the evidence quoted from
// such texts without looking for escapes. TestAppendNormalizedPlainEveryChar
// and FuzzAppendNormalizedPlain hold plain to that.
func AppendNormalizedPlain(dst []byte, s string) ([]byte, bool) {
	start := len(dst)
	dst, i, prevCJK, run := appendPlain(dst, s)
	if i == len(s) {
		// Plain to its end, as most messages are: appendNormalized
		// would only trim the space left last, and no '&' was written.
		return trimSpace(dst), true
	}
	dst, amp := appendRest(dst, s, i, prevCJK, run/3)
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
	return dst, false
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
	dst, i, prevCJK, run := appendPlain(dst, s)
	return appendRest(dst, s, i, prevCJK, run/3)
}

// appendRest is appendNormalized from s[i] on, after appendPlain took the
// plain start of s and stopped there with prevCJK and runLen (and no
// filler pending): its loop of its own keeps its few values in
// registers, where this one's spilled a dozen to the stack on every
// character.
func appendRest(dst []byte, s string, i int, prevCJK bool, runLen int) ([]byte, bool) {
	// pendingFiller is set when we skipped filler after a CJK rune; it is
	// written out only if the next kept rune is not CJK.
	var pendingBuf [16]byte
	pending := pendingBuf[:0]
	amp := false
	for i < len(s) {
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
	return trimSpace(dst), amp
}

// trimSpace trims a trailing space left by collapsing.
func trimSpace(dst []byte) []byte {
	if len(dst) > 0 && dst[len(dst)-1] == ' ' {
		dst = dst[:len(dst)-1]
	}
	return dst
}

// appendPlain appends the normalized form of the plain start of s to dst
// and returns where in s it stopped, whether the last character it took
// was Chinese (prevCJK) and the bytes of the Chinese characters it wrote
// since the last other one (run, three a character: appendRest's runLen
// is run/3, which its callers divide for it only when s goes on there):
// appendNormalized's state there, with no filler pending and no '&'
// written. Plain characters are those that appendNormalized writes the
// same wherever they stand, given no filler pending: runs of common
// Chinese characters (U+4E00–U+9FFF), ASCII that is no white space,
// control character or filler (capitals lower-cased), the full-width forms of these, and the
// Chinese punctuation 。、「」《》【】 and curly quotes and the ellipsis,
// which NFKC leaves alone (、 becomes ','); and it takes the spaces and
// the other filler but '&', '"' and '\\' whose fate it can tell from the next
// character or the end of s ("好的~", "12-3", "好~好", "好~ 好", "好 ",
// "好 ，"): a message that ended in a space, or held "~ " after a
// Chinese character, went through appendRest from there. Most
// chat messages are plain to their end or nearly: this loop keeps its few
// values in registers, where appendRest's spills a dozen to the stack on
// every character, and writes into room made once (plain output is never
// longer than its input), a Chinese run as it tests it (cjkRunEnd's
// test) instead of finding its end and then copying it.
// FuzzAppendNormalized and TestAppendNormalizedEveryChar hold
// appendNormalized, this included, to appendNormalizedRef.
func appendPlain(dst []byte, s string) ([]byte, int, bool, int) {
	n := len(dst)
	if cap(dst)-n < len(s)+plainRoom {
		// Tested here: slices.Grow's own test of the room, which the
		// engine's buffer nearly always has, took a dozen
		// instructions.
		dst = slices.Grow(dst, len(s)+plainRoom)
	}
	// n-len(dst) never exceeds i: every plain character is written in as
	// many bytes as it takes in s or fewer, so the room made is enough
	// for every write below, the eight-byte ones included (see there).
	b := dst[:cap(dst)]
	// run is runLen in bytes, three a character: a Chinese run adds its
	// length, where counting characters divided it by three (a
	// multiplication and a shift a run); runLen >= 2 is run >= 6.
	prevCJK, run := false, 0
	// i is compared with len(s) as unsigned (it is never negative), so
	// that the compiler proves s[i] in bounds: compared as ints, every
	// turn also tested it, with the jump padding before the test.
	i := 0
	for uint(i) < uint(len(s)) {
		c := s[i]
		if m := plainByte[c]; m != 0 {
			b[n] = m
			n++
			i++
			prevCJK, run = false, 0
			continue
		}
		if c-0xE4 < 6 {
			// A run of common Chinese characters, tested as cjkRunEnd
			// tests it and copied as it is tested: while eight bytes
			// are left, two characters at a time by storing the eight
			// bytes read, the last two of which the next write
			// overwrites or which lie past the result (the room holds
			// them: n-len(dst) is at most j, and j+8 at most len(s)).
			// (The eight bytes are read under j < len(s)-7, which proves
			// them in bounds, and written to b[n:n+8], whose length is
			// known: Load8 and b[n:] took nine instructions more a pair,
			// for bounds and an empty slice's pointer.)
			//
			// The pair that fails the test ends the run: after its first
			// character when that one passes alone (cjkFirst, the test
			// of one character below on the word's first three bytes,
			// which are written then), else before it. The last bytes
			// of s, fewer than eight (most messages end in a Chinese
			// run, which went through a loop of one character at a
			// time there), are read with the last eight of s, shifted
			// so that s[j] is the low byte and zeros follow the end,
			// and tested the same way, once: they hold two characters
			// at most, and a zero is no continuation byte, so the pair
			// passes only with six bytes left and its first character
			// with three. The eight bytes written then end at most two
			// past s's length in the output (plainRoom). Only a text of
			// fewer than eight bytes is read a character at a time.
			j := i
			for e := len(s) - 7; j < e; { // e once a run, not once a pair
				w := uint64(s[j]) | uint64(s[j+1])<<8 | uint64(s[j+2])<<16 | uint64(s[j+3])<<24 |
					uint64(s[j+4])<<32 | uint64(s[j+5])<<40 | uint64(s[j+6])<<48 | uint64(s[j+7])<<56
				if !cjkPair(w) {
					if cjkFirst(w) {
						o := b[n : n+3]
						o[0], o[1], o[2] = byte(w), byte(w>>8), byte(w>>16)
						j += 3
						n += 3
					}
					goto runEnd
				}
				binary.LittleEndian.PutUint64(b[n:n+8], w)
				j += 6
				n += 6
			}
			if len(s) >= 8 {
				w := Load8(s, len(s)-8) >> (uint(8-(len(s)-j)) * 8)
				if cjkPair(w) {
					binary.LittleEndian.PutUint64(b[n:n+8], w)
					j += 6
					n += 6
				} else if cjkFirst(w) {
					o := b[n : n+3]
					o[0], o[1], o[2] = byte(w), byte(w>>8), byte(w>>16)
					j += 3
					n += 3
				}
				goto runEnd
			}
			for j < len(s)-2 {
				b0, b1, b2 := s[j], s[j+1], s[j+2]
				if (uint16(b0)<<8|uint16(b1))-0xE4B8 > 0xE9BF-0xE4B8 || (uint16(b1)<<8|uint16(b2))&0xC0C0 != 0x8080 {
					break
				}
				w := b[n : n+3]
				w[0], w[1], w[2] = b0, b1, b2
				j += 3
				n += 3
			}
		runEnd:
			if j == i {
				break
			}
			run += j - i
			i = j
			prevCJK = true
			continue
		}
		if c == ' ' {
			if prevCJK {
				goto pending // see there
			}
			// The first space is written unless it would lead the text
			// or follow a space; the rest collapse into it.
			k := i + 1
			for k < len(s) && s[k] == ' ' {
				k++
			}
			if n > 0 && b[n-1] != ' ' {
				b[n] = ' '
				n++
				run = 0
			}
			i = k
			continue
		}
		if fillerMark[c] {
			if prevCJK {
				goto pending // see there
			}
			// Filler other than the space and '&' ("-", "~", "+"):
			// after anything but a Chinese character it is written as
			// it is. (run is 0 then, as after every other case.)
			b[n] = c
			n++
			i++
			continue
		}
		{ // a block, so that goto pending jumps over no declaration
			if i+2 >= len(s) {
				break
			}
			c1, c2 := s[i+1], s[i+2]
			if c2&0xC0 != 0x80 {
				break
			}
			switch {
			case c == 0xEF && (c1 == 0xBC && c2 >= 0x81 || c1 == 0xBD && c2 <= 0x9E):
				// Full-width ASCII, U+FF01–U+FF5E: EF BC 81 to EF BD 9E
				// map to '!' (0x21) to '~' (0x7E).
				m := plainByte[c2-0x60+(c1-0xBC)*0x40]
				if m == 0 {
					return dst[:n], i, prevCJK, run
				}
				b[n] = m
				n++
			case c == 0xE3 && c1 == 0x80 && (c2 == 0x82 || c2-0x88 <= 0x91-0x88):
				// 。 and U+3008–U+3011 (《》「」【】 and the like).
				w := b[n : n+3]
				w[0], w[1], w[2] = c, c1, c2
				n += 3
			case c == 0xE3 && c1 == 0x80 && c2 == 0x81:
				b[n] = ',' // 、
				n++
			case c == 0xE2 && c1 == 0x80 && (c2-0x98 <= 0x9F-0x98 || c2 == 0xA6):
				// Curly quotes (U+2018–U+201F) and the ellipsis (U+2026).
				w := b[n : n+3]
				w[0], w[1], w[2] = c, c1, c2
				n += 3
			default:
				return dst[:n], i, prevCJK, run
			}
			i += 3
			prevCJK, run = false, 0
			continue
		}
	pending:
		// Spaces and filler but '&', '"' and '\\' after a Chinese character are
		// pending filler, a run of them: what follows decides.
		// Before a Chinese run they are dropped, but for one space
		// when they are all spaces and both runs are of two
		// characters or more. At the end of s, or before a
		// character written as it stands that is no Chinese one
		// (plain ASCII, a full-width form of it, 。、「」《》【】,
		// curly quotes, the ellipsis: plainMark), they are written,
		// each run of spaces as one (the last byte written is a
		// Chinese character's, no space), and AppendNormalized
		// trims a space that ends the text. Anything else is left
		// to appendNormalized, from the first of them.
		k, spaces := i+1, c == ' '
		for ; k < len(s); k++ {
			if d := s[k]; d != ' ' {
				if !fillerMark[d] {
					break
				}
				spaces = false
			}
		}
		if cjkStartsAt(s, k) {
			// cjkRunAhead(s[k:]) >= 2: its first character is one
			// (cjkStartsAt's characters are cjkAt's), so the
			// second is asked alone, by cjkStartsAt's test first,
			// cheaper than cjkAt's decoding and true for most.
			if spaces && run >= 6 && (cjkStartsAt(s, k+3) || cjkAt(s[k+3:])) {
				b[n] = ' '
				n++
				run = 0
			}
			i = k
			continue
		}
		if k == len(s) || plainByte[s[k]] != 0 || plainMark(s, k) {
			for ; i < k; i++ {
				if d := s[i]; d != ' ' || b[n-1] != ' ' {
					b[n] = d
					n++
				}
			}
			prevCJK, run = false, 0
			continue
		}
		break
	}
	return dst[:n], i, prevCJK, run
}

// plainMark reports whether s[k:] starts with a three-byte character
// that appendPlain writes as it stands or as plain ASCII and that is no
// Chinese character, no space and no filler: a full-width form of plain
// ASCII (plainByte), 。、 and U+3008–U+3011, curly quotes and the
// ellipsis, those its last cases take. TestPlainMark holds it to them.
func plainMark(s string, k int) bool {
	if k+2 >= len(s) {
		return false
	}
	c, c1, c2 := s[k], s[k+1], s[k+2]
	if c2&0xC0 != 0x80 {
		return false
	}
	switch {
	case c == 0xEF && (c1 == 0xBC && c2 >= 0x81 || c1 == 0xBD && c2 <= 0x9E):
		return plainByte[c2-0x60+(c1-0xBC)*0x40] != 0
	case c == 0xE3 && c1 == 0x80:
		return c2 == 0x81 || c2 == 0x82 || c2-0x88 <= 0x91-0x88
	case c == 0xE2 && c1 == 0x80:
		return c2-0x98 <= 0x9F-0x98 || c2 == 0xA6
	}
	return false
}

// plainByte is, for each ASCII byte that appendNormalized writes the same
// wherever it stands when no filler is pending, what it writes: the byte
// itself (asciiPlain) or a capital's lower case; 0 for the others (white
// space, filler, control characters, and bytes past ASCII): a control
// character is left to appendRest, which writes it the same, so that
// AppendNormalizedPlain's plain rules it out.
var plainByte = func() (t [256]byte) {
	for c := 1; c < utf8.RuneSelf; c++ {
		switch b := byte(c); {
		case 'A' <= b && b <= 'Z':
			t[c] = b + 'a' - 'A'
		case asciiPlain[b] && b >= 0x20:
			t[c] = b
		}
	}
	return t
}()

// fillerMark marks the filler bytes (isFiller) but the space, '&', the
// quote and the backslash, which appendPlain takes: the space has its own
// case there, '&' is left to appendNormalized, which looks for entities
// after writing one, and the quote and the backslash to appendRest, which
// writes them the same, so that AppendNormalizedPlain's plain rules them
// out.
var fillerMark = func() (t [256]bool) {
	for c := range utf8.RuneSelf {
		t[c] = isFiller(byte(c)) && c != ' ' && c != '&' && c != '"' && c != '\\'
	}
	return t
}()

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
	for i+8 <= len(s) && cjkPair(Load8(s, i)) {
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

// plainRoom is the room appendPlain makes past its output's longest,
// len(s), for the eight bytes it writes of a pair of Chinese characters
// that ends s, six bytes or seven before its end (see there): two more.
// Normalize makes it in its buffer too, which Grow would otherwise
// reallocate.
const plainRoom = 2

// cjkPair reports whether the first six bytes of the little-endian word
// w are two common Chinese characters (cjkRunEnd's pair test): the four
// continuation bytes at once, and each one's first two bytes as one
// number in E4B8..E9BF.
func cjkPair(w uint64) bool {
	return w&0x0000c0c000c0c000 == 0x0000808000808000 &&
		bits.ReverseBytes16(uint16(w))-0xE4B8 <= 0xE9BF-0xE4B8 &&
		bits.ReverseBytes16(uint16(w>>24))-0xE4B8 <= 0xE9BF-0xE4B8
}

// cjkFirst reports whether the first three bytes of the little-endian
// word w are a common Chinese character as cjkRunEnd tests one: its
// first two bytes a number in E4B8..E9BF, its second and third
// continuation bytes.
func cjkFirst(w uint64) bool {
	return w&0xc0c000 == 0x808000 && bits.ReverseBytes16(uint16(w))-0xE4B8 <= 0xE9BF-0xE4B8
}

// cjkStartsAt reports whether a run of common Chinese characters starts
// at s[i], cjkRunEnd(s, i) > i, testing its first character only: the
// space case of appendPlain asks no more, and its loop then reads the
// run as it copies it, where cjkRunEnd read all of it first, only for
// its end to be dropped. cjkRunEnd's first test of a pair holds the
// pair's first character to this test, and its test of one character is
// this one, so the run is not empty exactly when its first character
// passes. TestCJKStartsAt and FuzzCJKRunEnd hold it to cjkRunEnd.
func cjkStartsAt(s string, i int) bool {
	if i+3 > len(s) {
		return false
	}
	t := s[i : i+3]
	return (uint16(t[0])<<8|uint16(t[1]))-0xE4B8 <= 0xE9BF-0xE4B8 && (uint16(t[1])<<8|uint16(t[2]))&0xC0C0 == 0x8080
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
