package detect

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"fullqa/internal/text"
)

// This file holds small, allocation-free helpers over normalized text that
// the conversation-dynamics detectors share: clause bounds (so negations and
// slots stay within one clause) and reading a number next to a hit.

// isClauseBreak reports whether b ends a clause in normalized text, where
// sentence punctuation is already half-width.
func isClauseBreak(b byte) bool {
	// One bit test for the breaks below 64 instead of a switch's
	// comparisons: most bytes read (those of Chinese) fail both tests.
	const low uint64 = 1<<',' | 1<<'.' | 1<<'!' | 1<<'?' | 1<<';' | 1<<' ' | 1<<':' | 1<<'\n'
	return b < 64 && low>>b&1 != 0 || b == '~'
}

// fullStop is the Chinese full stop, which normalizing keeps full-width:
// it ends a clause like '.' does ("请问是否已经签收。我们会为您申请退款" is
// two clauses, a question and a promise).
const fullStop = "。"

// isFullStopEnd reports whether s[i] is the last byte of a 。.
func isFullStopEnd(s string, i int) bool {
	return s[i] == 0x82 && i >= 2 && s[i-1] == 0x80 && s[i-2] == 0xE3
}

// Bits of clauseBytes.
const (
	clauseBreak   = 1 << iota // isClauseBreak
	fullStopLast              // 0x82, the last byte of 。
	fullStopFirst             // 0xE3, its first
)

// clauseBytes marks the bytes at which the clause scans stop to look: the
// scans read one table entry per byte, and most bytes (those of Chinese
// characters) have none of its bits. Read-only once built.
var clauseBytes = func() (t [256]uint8) {
	for b := range t {
		if isClauseBreak(byte(b)) {
			t[b] |= clauseBreak
		}
	}
	t[fullStop[2]] |= fullStopLast
	t[fullStop[0]] |= fullStopFirst
	return t
}()

// maxClauseBytes bounds how far a clause is read either way from an
// offset: 200 Chinese characters without a break is a wall of pasted text,
// not a clause, and the bound keeps every look around a hit constant in
// cost, so a detector's work grows with the message, not its square.
const maxClauseBytes = 600

// quietClause8 reports whether no byte of the word w is ASCII (as every
// clause break is) or the byte b of 。 the clause scans look for, exactly:
// every byte's top bit is set, and no byte of w ^ b·ones is zero (see
// openBracket8). The scans pass such a word with no byte of it read.
func quietClause8(w uint64, b byte) bool {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	x := w ^ ones*uint64(b)
	return w&high == high && (x-ones)&^x&high == 0
}

// clauseStart returns the offset where the clause holding offset pos
// begins, at most maxClauseBytes before pos (on a character boundary).
func clauseStart(s string, pos int) int {
	lo := max(0, pos-maxClauseBytes)
	for i := pos - 1; i >= lo; {
		// Eight bytes, s[i-7:i+1], are passed at once where none is
		// ASCII (every break is) or 0x82 (the last byte of 。, which
		// the table marks): most words of Chinese text (quietClause8).
		if i-7 >= lo && quietClause8(text.Load8(s, i-7), 0x82) {
			i -= 8
			continue
		}
		for stop := max(i-8, lo-1); i > stop; i-- {
			if c := clauseBytes[s[i]]; c&(clauseBreak|fullStopLast) != 0 && (c&clauseBreak != 0 || isFullStopEnd(s, i)) {
				return i + 1
			}
		}
	}
	for lo > 0 && lo < pos && s[lo]&0xC0 == 0x80 {
		lo++
	}
	return lo
}

// clauseEnd returns the offset where the clause holding offset pos ends,
// at most maxClauseBytes after pos (on a character boundary).
func clauseEnd(s string, pos int) int {
	hi := min(len(s), pos+maxClauseBytes)
	for i := pos; i < hi; {
		// Eight bytes, s[i:i+8], are passed at once where none is ASCII
		// (every break is) or 0xE3 (the first byte of 。): most words
		// of Chinese text (quietClause8).
		if i+8 <= hi && quietClause8(text.Load8(s, i), 0xE3) {
			i += 8
			continue
		}
		for stop := min(i+8, hi); i < stop; i++ {
			if c := clauseBytes[s[i]]; c&(clauseBreak|fullStopFirst) != 0 && (c&clauseBreak != 0 || strings.HasPrefix(s[i:], fullStop)) {
				return i
			}
		}
	}
	for hi < len(s) && hi > pos && s[hi]&0xC0 == 0x80 {
		hi--
	}
	return hi
}

// sameClause reports whether offsets a <= b lie in one clause.
func sameClause(s string, a, b int) bool {
	if a > b {
		a, b = b, a
	}
	if b-a > maxClauseBytes {
		return false
	}
	for i := a; i < b && i < len(s); i++ {
		if isClauseBreak(s[i]) || s[i] == 0xE3 && strings.HasPrefix(s[i:], fullStop) {
			return false
		}
	}
	return true
}

// placeholders are the PII stand-ins of the JDDC data; they stand for real
// values and are kept as the value when read as a number.
var placeholders = []string{"[数字x]", "[金额x]", "[日期x]", "[时间x]"}

// placeholderValues are placeholders as interface values, boxed once:
// numberBefore returns one of them instead of boxing the string again
// (an allocation) every time it reads a placeholder. Read-only.
var placeholderValues = func() []any {
	v := make([]any, len(placeholders))
	for k, p := range placeholders {
		v[k] = p
	}
	return v
}()

// cnDigit returns the value of a Chinese numeral, for 三个工作日.
func cnDigit(r rune) (int, bool) {
	switch r {
	case '零':
		return 0, true
	case '一':
		return 1, true
	case '二', '两':
		return 2, true
	case '三':
		return 3, true
	case '四':
		return 4, true
	case '五':
		return 5, true
	case '六':
		return 6, true
	case '七':
		return 7, true
	case '八':
		return 8, true
	case '九':
		return 9, true
	case '十':
		return 10, true
	}
	return 0, false
}

// numberBefore reads the number that ends at offset end (skipping a range
// "1-3" to its upper bound, and one 个). It returns an int, a placeholder
// string, or nil when there is none.
func numberBefore(s string, end int) any {
	if strings.HasSuffix(s[:end], "个") {
		end -= len("个")
	}
	for k, p := range placeholders {
		if strings.HasSuffix(s[:end], p) {
			return placeholderValues[k]
		}
	}
	i := end
	for i > 0 && end-i < 7 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	if i < end && end-i < 7 {
		n, err := strconv.Atoi(s[i:end])
		if err == nil {
			return n
		}
	}
	// Chinese numerals, at most two (十五 is read as 15, 三 as 3).
	val, digits := 0, 0
	j := end
	for j > 0 && digits < 3 {
		r, size := utf8.DecodeLastRuneInString(s[:j])
		d, ok := cnDigit(r)
		if !ok {
			break
		}
		digits++
		j -= size
		switch {
		case d == 10 && val == 0:
			val = 10
		case d == 10:
			val += 10
		case digits == 1:
			val = d
		case val >= 10:
			val += d*10 - 10
		default:
			val += d * 10
		}
	}
	if digits > 0 {
		return val
	}
	return nil
}

// runeLen counts the characters of s that carry content: CJK, letters and
// digits, not punctuation or spaces.
func runeLen(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		// Every non-ASCII character has exactly one byte that is not a
		// continuation byte: count those, and ASCII letters and digits.
		if c >= 0xC0 || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			n++
		}
	}
	return n
}
