package classify

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token codes. Ordinary text is tokenised to its (folded) runes, which are all
// below tokBase; placeholders, numbers, emoji codes and links get one code
// each above it, and Latin words get a hashed code with the top bit set. A
// placeholder thus counts as one token, so "[订单x]" and "[ORDERID_12345678]"
// both read as "an order number" and their contents never become n-grams.
const (
	tokBase     = 0x110000
	tokBOS      = tokBase + iota // start of a message
	tokEOS                       // end of a message
	tokNum                       // [数字x], a run of digits
	tokOrder                     // [订单x], [ORDERID_n]
	tokUser                      // [USERID_n]
	tokMoney                     // [金额x]
	tokName                      // [姓名x]
	tokDate                      // [日期x]
	tokTime                      // [时间x]
	tokSite                      // [站点x]
	tokAddr                      // [地址x]
	tokLink                      // [链接x], http://…
	tokPhone                     // [电话x]
	tokOrg                       // [组织机构x]
	tokIDCard                    // [身份证号x]
	tokEmail                     // [邮箱x]
	tokPH                        // any other [名称x] placeholder
	tokEmoS                      // #E-s[数字x]: the chat client's smiley codes
	tokEmoOther                  // #E-b[数字x] and other #E- codes
	tokWordBit  = 1 << 31        // set on hashed Latin words and [bracketed] names
)

// maxRun caps how many times the same token is repeated in a row, so that
// "？？？？？？" and "哈哈哈哈哈" carry the signal of a run without drowning the
// other n-grams of a message.
const maxRun = 3

// tokenizer yields the token codes of one text. It works on the string in
// place and never allocates.
type tokenizer struct {
	s       string
	i       int
	last    uint32
	run     int
	pending bool // a space was skipped and is due before the next token
	started bool
	held    uint32 // a token read ahead while emitting a pending space
	hasHeld bool
	zeros   bool // a token 0 (a NUL character) was read
	spaces  int  // the space tokens given so far (unigrams counts the others by it)
	// cjkAt has bit k set for each buf[k] that cjk wrote in the last
	// fill: Chinese characters, which grams' statistics pass.
	cjkAt uint32

	// lx, when set, is fed every character the tokenizer reads, so that
	// one pass over a text yields both its tokens and its cue words
	// (cues); ls is the automaton's state.
	lx   *cueScanner
	ls   uint16
	cues [nCues]uint8

	// rows, when set with lx (the agent's unigrams, scored with the
	// model's unigram rows), takes the runs of Chinese characters cjk
	// would read: cjkRows adds their rows (rows[r-0x4E00], biased as
	// lanes sums them) to sum and counts them in nRows instead of
	// storing them in the buffer, whose loop would then read each back
	// to add the same row. The other tokens come in the buffer as
	// before.
	rows  *[0xa000 - 0x4e00]uint64
	sum   lanes
	nRows int
}

// next returns the next token, or false at the end of the text.
func (t *tokenizer) next() (uint32, bool) {
	for {
		var tok uint32
		// raw's fast path for the common Chinese characters (U+4E00–
		// U+9FFF; lead bytes E4–E9 give U+4000–U+9FFF, and XOR 80 takes
		// continuation bytes below 40), here to save a call for most
		// tokens of Chinese text.
		if s, i := t.s, t.i; !t.hasHeld && i+2 < len(s) && s[i]-0xe4 < 6 && (s[i+1]^0x80)|(s[i+2]^0x80) < 0x40 {
			if r := uint32(s[i]&0x0f)<<12 | uint32(s[i+1]&0x3f)<<6 | uint32(s[i+2]&0x3f); r >= 0x4e00 {
				t.i += 3
				tok = r
				if t.lx != nil {
					t.ls = t.lx.step(t.ls, t.lx.runeClass(r), &t.cues)
				}
			}
		}
		if tok == 0 && !t.hasHeld {
			tok = t.plain()
		}
		if tok == 0 {
			var ok bool
			if tok, ok = t.raw(); !ok {
				return 0, false
			}
		}
		if tok == ' ' {
			if t.started {
				t.pending = true
			}
			continue
		}
		if t.pending {
			// Emit the space now and hand out tok on the next call.
			t.pending = false
			t.push(tok)
			t.spaces++
			return t.note(' '), true
		}
		t.started = true
		if tok == t.last && t.run >= maxRun {
			continue
		}
		return t.note(tok), true
	}
}

// Bit b of plainASCII (low word for b < 64) is set for the ASCII bytes
// that read gives as a token of their own with nothing to look up: all
// but letters, digits and the starts of placeholders, emoji codes and
// entities ('[', '#', '&'), and NUL, whose token 0 means "none" to next.
// TestPlainASCII derives it.
const (
	plainASCIILo uint64 = 0xfc00ffb7fffffffe
	plainASCIIHi uint64 = 0xf8000001f0000001
)

// plain is raw's common cases past Chinese characters, where next is
// called, without read's calls: a plain ASCII byte (see plainASCII) and
// the full-width forms U+FF01–U+FF5E other than digits (the Chinese
// comma, question and exclamation marks), which read folds to ASCII. It
// reads the character and returns its token as raw would (cue words
// included), or returns 0 and leaves the tokenizer as it was. No token
// may be held.
func (t *tokenizer) plain() uint32 {
	s, i := t.s, t.i
	if i >= len(s) {
		return 0
	}
	var tok uint32
	var c uint8 // the character's cue class
	switch b := s[i]; {
	case b < utf8.RuneSelf:
		if b < 64 && plainASCIILo>>b&1 == 0 || b >= 64 && plainASCIIHi>>(b-64)&1 == 0 {
			return 0
		}
		tok = uint32(b)
		if asciiSpace(b) {
			tok = ' '
		}
		t.i = i + 1
		if t.lx != nil {
			c = t.lx.ascii[b]
		}
	case b == 0xef && i+2 < len(s):
		// U+FF01–U+FF3F are EF BC 81–BF, U+FF40–U+FF5E EF BD 80–9E;
		// the digits U+FF10–U+FF19 (EF BC 90–99) start numbers.
		b1, b2 := s[i+1], s[i+2]
		if !(b1 == 0xbc && b2 >= 0x81 && b2 <= 0xbf && (b2 < 0x90 || b2 > 0x99) || b1 == 0xbd && b2 >= 0x80 && b2 <= 0x9e) {
			return 0
		}
		r := 0xf000 | uint32(b1&0x3f)<<6 | uint32(b2&0x3f)
		tok = r - 0xfee0
		if tok >= 'A' && tok <= 'Z' {
			tok += 'a' - 'A'
		}
		t.i = i + 3
		if t.lx != nil {
			c = t.lx.runeClass(r)
		}
	default:
		return 0
	}
	if t.lx != nil {
		t.ls = t.lx.step(t.ls, c, &t.cues)
	}
	return tok
}

// fill reads the next tokens into buf, as many as fit, and returns how
// many it read: fewer than len(buf) only at the end of the text.
func (t *tokenizer) fill(buf *[32]uint32) int {
	n := 0
	t.cjkAt = 0
	for n < len(buf) {
		if !t.hasHeld {
			n = t.fillRun(buf, n)
			if n == len(buf) {
				break
			}
			// At the end of the text, with no token held, next
			// gives none and changes nothing (a pending space
			// before no token is dropped): every text ends here, so
			// it is not asked.
			if t.i >= len(t.s) {
				break
			}
		}
		x, ok := t.next()
		if !ok {
			break
		}
		buf[n] = x
		n++
	}
	return n
}

// fillRun is next's fast paths without the call, for a run of the
// characters they take: it reads characters into buf from buf[n] on
// while they are Chinese (U+4E00–U+9FFF), plain ASCII (plainASCII: the
// punctuation, and spaces, which fold into one pending space as next
// folds them) or the full-width forms plain folds, and no repeat past
// maxRun, and returns the new count; it also reads a placeholder of
// one kind's word ("[数字x]") itself when the cue scanner, if any, counts
// nothing in it (quietPH), as next would. Anything else (a Latin word, a
// number, another placeholder, a repeat to drop) it leaves to next. No
// token may be held. Runs of Chinese characters are read by cjk (by
// cjkRows, which sums their rows instead, when rows is set); the other
// characters one at a time, writing the tokenizer's state (pending,
// last, run, ls, i) as they go. FuzzFillMatchesRef checks it against the loop
// it replaced, and FuzzTokenizerShortcuts next.
func (t *tokenizer) fillRun(buf *[32]uint32, n int) int {
	k := uint(n) // unsigned: buf[k] needs no bounds check
	_ = buf[0]   // buf checked for nil once, not at every store
	for k < uint(len(buf)) {
		// Runs of Chinese characters, the most of the text. cjk is
		// called only where one may start, at a lead byte E4–E9: a
		// third of the runs of other characters are followed by
		// another such, where it would read nothing.
		if i := t.i; i < len(t.s) && t.s[i]-0xe4 < 6 {
			if t.pending {
				// A space before a run (one in five runs): the space
				// goes first, as the characters below emit it, and
				// cjk reads the run, where they read its first
				// character alone. The character at i gives a token
				// whatever it is (one of a run, or not: U+4000–
				// U+4DFF, bytes that are no character), and none is
				// a space, so the space is due. Both need room, or
				// the character is read below (which leaves the
				// tokenizer at the buffer's end as next does).
				if k+1 >= uint(len(buf)) {
					goto other
				}
				buf[k] = ' '
				k++
				t.spaces++
				t.last, t.run, t.pending = ' ', 1, false
			}
			switch {
			case t.rows != nil:
				t.cjkRows()
			case t.lx != nil:
				k0 := k
				k = t.cjk(buf, k)
				// buf[k0:k] (k0 <= k <= 32: the shifts need no
				// test of their count).
				t.cjkAt |= uint32(uint64(1)<<(k&63)-1) &^ uint32(uint64(1)<<(k0&63)-1)
			default:
				k = t.cjkNoCues(buf, k)
			}
			if t.i != i {
				t.started = true
			}
			if k == uint(len(buf)) {
				break
			}
		}
	other:
		// One character of the others (the one after a space among
		// them, when it starts no run or has no room), read by index
		// (a resliced rest cost a masked pointer).
		s, i := t.s, t.i
		if i >= len(s) {
			break
		}
		lx := t.lx
		var r uint32 // the token
		var c uint8  // the character's cue class
		w := 3       // its bytes
		switch b0 := s[i]; {
		case b0 == '[':
			// A placeholder of one kind's word, "[数字x]", nine
			// bytes from '[' to "x]" with a word of placeholderWord
			// between (which holds no '[' or ']'): read gives it
			// the kind's token, and raw sets the cue scanner to the
			// root after it when the kind's placeholders lead there
			// from any state counting nothing (quietPH, all of them
			// for both scanners), as here. Others are next's.
			if i+8 >= len(s) || s[i+7] != 'x' || s[i+8] != ']' {
				return int(k)
			}
			if r = placeholderWord(s[i+1 : i+7]); r == 0 || lx != nil && lx.quietPH>>(r-tokNum)&1 == 0 {
				return int(k)
			}
			w = 9
		case b0 < utf8.RuneSelf:
			if b0 < 64 && plainASCIILo>>b0&1 == 0 || b0 >= 64 && plainASCIIHi>>(b0-64)&1 == 0 {
				return int(k)
			}
			if lx != nil {
				c = lx.ascii[b0]
			}
			if asciiSpace(b0) {
				// A space is due before the next token, if one
				// came before it; it is no token itself.
				if lx != nil {
					t.ls = lx.step(t.ls, c, &t.cues)
				}
				t.pending = t.pending || t.started
				t.i++
				continue
			}
			r, w = uint32(b0), 1
		case b0-0xe4 < 6 && i+2 < len(s) && (s[i+1]^0x80)|(s[i+2]^0x80) < 0x40:
			r = uint32(b0&0x0f)<<12 | uint32(s[i+1]&0x3f)<<6 | uint32(s[i+2]&0x3f)
			if r < 0x4e00 {
				return int(k)
			}
			if lx != nil {
				c = lx.runeClass(r)
			}
		case b0 == 0xef && i+2 < len(s):
			// U+FF01–U+FF3F are EF BC 81–BF, U+FF40–U+FF5E EF BD
			// 80–9E; the digits U+FF10–U+FF19 (EF BC 90–99) start
			// numbers. They fold to ASCII, upper case to lower.
			b1, b2 := s[i+1], s[i+2]
			if !(b1 == 0xbc && b2 >= 0x81 && b2 <= 0xbf && (b2 < 0x90 || b2 > 0x99) || b1 == 0xbd && b2 >= 0x80 && b2 <= 0x9e) {
				return int(k)
			}
			fr := 0xf000 | uint32(b1&0x3f)<<6 | uint32(b2&0x3f)
			r = fr - 0xfee0
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			if lx != nil {
				c = lx.runeClass(fr)
			}
		default:
			return int(k)
		}
		if t.pending {
			// The space goes first, then the token, which no run
			// of a space can cap; both need room.
			if k+1 >= uint(len(buf)) {
				return int(k)
			}
			buf[k] = ' '
			k++
			t.spaces++
			t.last, t.run, t.pending = ' ', 1, false
		} else if r == t.last && t.run >= maxRun {
			return int(k) // next drops it
		}
		if r == t.last {
			t.run++
		} else {
			t.last, t.run = r, 1
		}
		if lx != nil {
			if w != 9 {
				t.ls = lx.step(t.ls, c, &t.cues)
			} else {
				t.ls = 0 // a quiet placeholder's
			}
		}
		t.started = true
		buf[k] = r
		k++
		t.i += w
	}
	return int(k)
}

// cjk reads Chinese characters (U+4E00–U+9FFF) into buf from buf[k] on,
// while they come and are no repeat past maxRun and buf has room, and
// returns the new count, stepping the tokenizer's cue scanner (which
// must be set; cjkNoCues reads without one): fillRun's hot loop, in a
// function of its own so that none of fillRun's other values is live in
// it and its own all stay in registers (inlined in fillRun, the loop
// reloaded spilled values on every character). It reads the text from
// t.i as an index from 0 into the rest, so the indexes need no bounds
// checks and no pointer is masked, and tests the two continuation bytes
// as one value.
//
//go:noinline
func (t *tokenizer) cjk(buf *[32]uint32, k uint) uint {
	s := t.s[t.i:]
	last, run, ls, lx := t.last, t.run, t.ls, t.lx
	out := buf[:]  // a slice: buf is checked for nil once, not at every store
	_ = lx.outFrom // lx checked for nil once, not at every character
	i := 0
	for ; i < len(s)-2 && k < uint(len(out)); i += 3 {
		r, ok := cjkRune(s[i], uint32(s[i+1])|uint32(s[i+2])<<8)
		if !ok {
			break
		}
		if r == last {
			if run >= maxRun {
				break
			}
			run++
		} else {
			last, run = r, 1
		}
		ls = lx.step(ls, lx.cjk[r-0x4e00], &t.cues)
		out[k] = r
		k++
	}
	t.i += i
	t.last, t.run, t.ls = last, run, ls
	return k
}

// cjkRune decodes the three bytes b0, b1, b2 of a Chinese character
// (U+4E00–U+9FFF), given b0 and w = b1 | b2<<8 (a little-endian load),
// and reports whether they are one: continuation bytes b1 and b2 (top
// bits 10), and the character they make with b0 in the range. XOR takes
// the UTF-8 marks off (E0, 80 and 80 give E2080 shifted in place), so
// any lead byte but E0–EF leaves a bit at 16 or above, and the range
// test alone tests the lead byte: E4–E9, as the check it replaced
// (b0-0xe4 < 6, then r >= 0x4e00) did, with one comparison fewer.
// TestCJKRune checks it on every three bytes.
func cjkRune(b0 uint8, w uint32) (uint32, bool) {
	r := uint32(b0)<<12 ^ (w&0xff)<<6 ^ w>>8 ^ 0xe2080
	return r, w&0xc0c0 == 0x8080 && r-0x4e00 < 0xa000-0x4e00
}

// maxRowsRun bounds the characters one call of cjkRows reads, so that
// the rows summed in sum between two of unigrams' flushes (a buffer's
// fill, which calls cjkRows at most twice for each of its 32 tokens)
// stay far below the 65,536 lanes can hold.
const maxRowsRun = 256

// cjkRows is cjk for a tokenizer with rows (and a cue scanner): the
// same loop, which adds each character's row to sum instead of storing
// the character in the buffer, at most maxRowsRun characters a call.
// FuzzUnigramsMatchesRef holds unigrams, which sets rows, to the loop
// calling next.
//
//go:noinline
func (t *tokenizer) cjkRows() {
	s := t.s[t.i:]
	if len(s) > 3*maxRowsRun {
		s = s[:3*maxRowsRun]
	}
	last, run, ls, lx, rows, l := t.last, t.run, t.ls, t.lx, t.rows, t.sum
	_ = lx.outFrom // lx checked for nil once, not at every character
	_ = rows[0]    // and rows
	i := 0
	for ; i < len(s)-2; i += 3 {
		r, ok := cjkRune(s[i], uint32(s[i+1])|uint32(s[i+2])<<8)
		if !ok {
			break
		}
		if r == last {
			if run >= maxRun {
				break
			}
			run++
		} else {
			last, run = r, 1
		}
		ls = lx.step(ls, lx.cjk[r-0x4e00], &t.cues)
		l = l.plus(rows[r-0x4e00])
	}
	t.i += i
	t.last, t.run, t.ls, t.sum, t.nRows = last, run, ls, l, t.nRows+i/3
}

// cjkNoCues is cjk for a tokenizer without a cue scanner (training's
// agent unigrams): the same loop, decoding by cjkRune, without the
// scanner's step, so that cjk tests no scanner for every character.
func (t *tokenizer) cjkNoCues(buf *[32]uint32, k uint) uint {
	s := t.s[t.i:]
	last, run := t.last, t.run
	i := 0
	for ; i < len(s)-2 && k < uint(len(buf)); i += 3 {
		r, ok := cjkRune(s[i], uint32(s[i+1])|uint32(s[i+2])<<8)
		if !ok {
			break
		}
		if r == last {
			if run >= maxRun {
				break
			}
			run++
		} else {
			last, run = r, 1
		}
		buf[k] = r
		k++
	}
	t.i += i
	t.last, t.run = last, run
	return k
}

// note records tok as the last emitted token for run capping.
func (t *tokenizer) note(tok uint32) uint32 {
	if tok == t.last {
		t.run++
	} else {
		t.last, t.run = tok, 1
	}
	return tok
}

// push stores one token to be returned by raw before reading on. A tokenizer
// holds at most one such token, which is all next needs.
func (t *tokenizer) push(tok uint32) {
	t.held = tok
	t.hasHeld = true
}

// raw returns the next token before space folding and run capping.
func (t *tokenizer) raw() (uint32, bool) {
	if t.hasHeld {
		t.hasHeld = false
		return t.held, true
	}
	i0 := t.i
	tok, ok := t.read()
	if ok {
		t.zeros = t.zeros || tok == 0 // the only tokens 0 are read's
		if t.lx != nil {
			if t.i-i0 == 9 && tok-tokNum < 32 && t.lx.quietPH>>(tok-tokNum)&1 != 0 && t.s[i0] == '[' && t.s[i0+7] == 'x' {
				// A placeholder of one kind's word, "[数字x]" (the
				// only nine bytes from '[' to "x]" read gives a
				// kind's token), which leads the scanner to the
				// root (offset 0) from any state, counting nothing
				// (quietPH).
				t.ls = 0
			} else {
				t.ls = t.lx.run(t.ls, t.s[i0:t.i], &t.cues)
			}
		}
	}
	return tok, ok
}

// read returns the next token of the text and moves past it. Every token
// covers whole characters, as utf8.DecodeRuneInString steps over them.
func (t *tokenizer) read() (uint32, bool) {
	s := t.s
	if t.i >= len(s) {
		return 0, false
	}
	c := s[t.i]
	if c >= 0xe4 && c <= 0xe9 && t.i+2 < len(s) {
		// Fast path for the common CJK ideographs U+4E00–U+9FFF: three
		// bytes, no folding, no special meaning.
		c1, c2 := s[t.i+1], s[t.i+2]
		if c1&0xc0 == 0x80 && c2&0xc0 == 0x80 {
			r := uint32(c&0x0f)<<12 | uint32(c1&0x3f)<<6 | uint32(c2&0x3f)
			if r >= 0x4e00 && r <= 0x9fff {
				t.i += 3
				return r, true
			}
		}
	}
	switch {
	case c == '[':
		if tok, n := placeholder(s[t.i:]); n > 0 {
			t.i += n
			return tok, true
		}
	case c == '#':
		if n := emojiCode(s[t.i:]); n > 0 {
			tok := uint32(tokEmoOther)
			if n > 3 && s[t.i+3] == 's' {
				tok = tokEmoS
			}
			t.i += n
			return tok, true
		}
	case c == '&':
		if r, n := htmlEntity(s[t.i:]); n > 0 {
			t.i += n
			return r, true
		}
	case c == 'h' || c == 'H' || c == 'w' || c == 'W':
		if n := link(s[t.i:]); n > 0 {
			t.i += n
			return tokLink, true
		}
	}
	r, size := utf8.DecodeRuneInString(s[t.i:])
	r = fold(r)
	switch {
	case r >= '0' && r <= '9':
		t.i += size
		for t.i < len(s) {
			r2, n2 := utf8.DecodeRuneInString(s[t.i:])
			r2 = fold(r2)
			if (r2 < '0' || r2 > '9') && r2 != '.' {
				break
			}
			t.i += n2
		}
		return tokNum, true
	case c < utf8.RuneSelf && isLatin(c):
		h := uint32(2166136261)
		for t.i < len(s) && s[t.i] < utf8.RuneSelf && (isLatin(s[t.i]) || s[t.i] >= '0' && s[t.i] <= '9' || s[t.i] == '_') {
			b := s[t.i]
			if b >= 'A' && b <= 'Z' {
				b += 'a' - 'A'
			}
			h = (h ^ uint32(b)) * 16777619
			t.i++
		}
		return h | tokWordBit, true
	case unicode.IsSpace(r) || r == 0xfe0f || r == 0x200b:
		t.i += size
		return ' ', true
	}
	t.i += size
	return uint32(r), true
}

// isLatin reports whether b is an ASCII letter.
func isLatin(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }

// fold maps full-width forms and common CJK punctuation onto their ASCII
// counterparts, so "？" and "?" or "！" and "!" are one token each, and
// upper-case Latin letters onto lower-case ones.
func fold(r rune) rune {
	if r >= 0xff01 && r <= 0xff5e {
		r -= 0xfee0
	}
	switch {
	case r == 0x3000:
		return ' '
	case r == '。':
		return '.'
	case r == '、':
		return ','
	case r == '…':
		return '.'
	case r == '～':
		return '~'
	case r == '【':
		return '['
	case r == '】':
		return ']'
	case r == '“' || r == '”':
		return '"'
	case r == '‘' || r == '’':
		return '\''
	case r >= 'A' && r <= 'Z':
		return r + 'a' - 'A'
	}
	return r
}

// placeholderKinds name the kinds of [...x] placeholders by a word of
// their label, tried in order: [数字x] is a number, [订单x] an order and so on.
var placeholderKinds = [...]struct {
	words []string
	tok   uint32
}{
	{[]string{"数字"}, tokNum}, {[]string{"订单"}, tokOrder}, {[]string{"金额", "价格"}, tokMoney},
	{[]string{"姓名"}, tokName}, {[]string{"日期"}, tokDate}, {[]string{"时间"}, tokTime},
	{[]string{"站点"}, tokSite}, {[]string{"地址"}, tokAddr}, {[]string{"链接"}, tokLink},
	{[]string{"电话", "手机"}, tokPhone}, {[]string{"组织", "机构"}, tokOrg}, {[]string{"身份"}, tokIDCard},
	{[]string{"邮箱"}, tokEmail},
}

// placeholderWord returns the token of a word of placeholderKinds, or 0
// for any other text: the kinds' lookup without a search of the label.
// TestPlaceholderWord keeps it and placeholderKinds in step.
func placeholderWord(w string) uint32 {
	switch w {
	case "数字":
		return tokNum
	case "订单":
		return tokOrder
	case "金额", "价格":
		return tokMoney
	case "姓名":
		return tokName
	case "日期":
		return tokDate
	case "时间":
		return tokTime
	case "站点":
		return tokSite
	case "地址":
		return tokAddr
	case "链接":
		return tokLink
	case "电话", "手机":
		return tokPhone
	case "组织", "机构":
		return tokOrg
	case "身份":
		return tokIDCard
	case "邮箱":
		return tokEmail
	}
	return 0
}

// placeholder recognises a bracketed placeholder at the start of s, such as
// "[数字x]", "[ORDERID_12345678]" or "[商品快照]", and returns its token and
// byte length, or a zero length when s does not start with one.
func placeholder(s string) (uint32, int) {
	end := -1
	for j := 1; j < len(s) && j < 64; j++ {
		if s[j] == '[' {
			return 0, 0
		}
		if s[j] == ']' {
			end = j
			break
		}
	}
	if end <= 1 {
		return 0, 0
	}
	c := s[1:end]
	n := end + 1
	switch {
	case strings.HasPrefix(c, "ORDERID"):
		return tokOrder, n
	case strings.HasPrefix(c, "USERID"):
		return tokUser, n
	case c[len(c)-1] == 'x':
		// Nearly every placeholder is one two-character word and the x:
		// such a label can contain no kind's word but its own (the words
		// are all two Chinese characters, and they are distinct).
		if len(c) == 7 {
			if tok := placeholderWord(c[:6]); tok != 0 {
				return tok, n
			}
		}
		for _, k := range placeholderKinds {
			for _, w := range k.words {
				if strings.Contains(c, w) {
					return k.tok, n
				}
			}
		}
		return tokPH, n
	case len(c) <= 24:
		// A short bracketed name such as [商品快照] or [Facepalm] is a
		// client artefact: one token, hashed by its name.
		h := uint32(2166136261)
		for j := 0; j < len(c); j++ {
			h = (h ^ uint32(c[j])) * 16777619
		}
		return h | tokWordBit, n
	}
	return 0, 0
}

// emojiCode recognises the chat client's emoji codes "#E-s[数字x]", "#E-b12"
// at the start of s and returns their byte length, or 0.
func emojiCode(s string) int {
	if len(s) < 4 || s[1] != 'E' || s[2] != '-' || !isLatin(s[3]) {
		return 0
	}
	n := 4
	if n < len(s) && s[n] == '[' {
		if _, m := placeholder(s[n:]); m > 0 {
			return n + m
		}
	}
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// htmlEntity decodes the few HTML entities that leak into chat exports.
func htmlEntity(s string) (uint32, int) {
	for _, e := range [...]struct {
		name string
		r    uint32
	}{{"&nbsp;", ' '}, {"&gt;", '>'}, {"&lt;", '<'}, {"&amp;", '&'}, {"&quot;", '"'}} {
		if strings.HasPrefix(s, e.name) {
			return e.r, len(e.name)
		}
	}
	return 0, 0
}

// link recognises an http(s) or www link at the start of s and returns its
// byte length, or 0. A link ends at the first space or non-ASCII rune.
func link(s string) int {
	if !(hasPrefixFold(s, "http://") || hasPrefixFold(s, "https://") || hasPrefixFold(s, "www.")) {
		return 0
	}
	n := 0
	for n < len(s) && s[n] > ' ' && s[n] < utf8.RuneSelf {
		n++
	}
	return n
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case.
func hasPrefixFold(s, p string) bool {
	return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p)
}
