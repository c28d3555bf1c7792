package detect

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"
)

// wordFinder finds the words of a short fixed list in a text by their last
// characters, in one pass that decodes each character once. The learned
// promise scorer asks it for the cue words of every agent message (in the
// pass that decodes the characters of the message's n-grams: a matcher's
// scan read the text a second time through a 128 KiB character table, the
// costliest part of the features in a scan), the customerWords of the
// customer messages around it and the actor words before a verb (a
// strings.Contains per word before). A small bitmap of the words' last two
// characters (and one of the one-character words) passes few characters;
// at those it compares the words ending with the last two characters
// read, longest first, and then the one-character word, with the
// characters just read, so that its hits come in a matcher's order (by
// end, the longer first at the same end).
type wordFinder struct {
	last   [1 << 10]uint64            // bit r: a word ends with the BMP character r
	single [1 << 10]uint64            // bit r: a word is the one BMP character r
	pairs  [1 << (pairLog - 6)]uint64 // bit pairKey(a, b): a word ends with a, b
	// slots lists the words of two or more characters by their last two
	// (open addressing from pairSlot), singles the one-character words.
	slots   [wordSlots]wordLastPair
	singles []wordSingle
	runes   [][]rune // each word's characters
	// For has: the words themselves, and byLastByte[b], the set of the
	// first 64 words whose last byte is b.
	words      []string
	byLastByte [256]uint64
	// penult[k] is the byte before the last of word k (0 for a one-byte
	// word): has compares it before the whole word, which most
	// candidates a last byte passes fail.
	penult [64]byte
	// tail3 has bit tail3Key(w) set for each of the first 64 words w
	// ending with a three-byte character: has tests it at the end of
	// each three-byte sequence before comparing candidates.
	tail3 [1 << (12 - 6)]uint64
}

// tail3Key is the filter bit of a three-byte sequence ending with bytes
// b1, b2: their low six bits.
func tail3Key(b1, b2 byte) uint {
	return uint(b1&0x3F)<<6 | uint(b2&0x3F)
}

// pairLog is the log2 of the bits of a wordFinder's pair filter.
const pairLog = 12

// pairKey is the filter bit of the characters a, b read in a row.
func pairKey(a, b rune) uint32 {
	return (uint32(a)*0x9E3779B1 ^ uint32(b)*0x85EBCA77) >> (32 - pairLog)
}

// wordSlots is the size of a wordFinder's table of last character
// pairs: a power of two at least twice the distinct pairs of any list it
// indexes (pairSlot reads log2 of it bits of pairKey).
const wordSlots = 512

// pairSlot is where the search for the last characters a, b starts in
// the table.
func pairSlot(a, b rune) uint32 { return pairKey(a, b) >> (pairLog - 9) }

// wordSingle is a one-character word: word k is the character r.
type wordSingle struct {
	r rune
	k uint16
}

// wordLastPair lists the words of two or more characters that end with a,
// b: ks[:n], longest first, in the slot itself (no list to index, no
// bounds to check but n's).
type wordLastPair struct {
	a, b rune // b == 0: an empty slot
	n    uint16
	ks   [pairWords]uint16
}

// pairWords is the most words of a wordFinder's list that may end with
// the same two characters (这边, 我这边 and 您这边 among the cue words).
const pairWords = 3

// wordHistory is how many characters a wordFinder's reader remembers: a
// power of two at least as long as the longest word.
const wordHistory = 8

// newWordFinder indexes words (a fixed list of the package: a bad list is
// a bug, reported by a panic): non-empty, at most wordHistory characters,
// without U+FFFD, ending with a character of the Basic Multilingual Plane
// other than U+0000, at most pairWords of them ending with the same two
// characters.
func newWordFinder(words []string) *wordFinder {
	wf := &wordFinder{words: words}
	type pair struct{ a, b rune }
	var lasts []pair
	byLast := map[pair][]uint16{}
	for k, w := range words {
		rs := []rune(w)
		if len(rs) == 0 || len(rs) > wordHistory || slices.Contains(rs, utf8.RuneError) || rs[len(rs)-1] == 0 || rs[len(rs)-1] >= 1<<16 {
			panic(fmt.Sprintf("word finder: word %q", w))
		}
		wf.runes = append(wf.runes, rs)
		if k < 64 {
			wf.byLastByte[w[len(w)-1]] |= 1 << k
			if len(w) >= 2 {
				wf.penult[k] = w[len(w)-2]
			}
			if n := len(w); n >= 3 && w[n-3]&0xF0 == 0xE0 {
				key := tail3Key(w[n-2], w[n-1])
				wf.tail3[key>>6] |= 1 << (key & 63)
			}
		}
		r := rs[len(rs)-1]
		wf.last[r>>6] |= 1 << (r & 63)
		if len(rs) == 1 {
			wf.single[r>>6] |= 1 << (r & 63)
			wf.singles = append(wf.singles, wordSingle{r, uint16(k)})
			continue
		}
		pr := pair{rs[len(rs)-2], r}
		if byLast[pr] == nil {
			lasts = append(lasts, pr)
		}
		byLast[pr] = append(byLast[pr], uint16(k))
		p := pairKey(pr.a, pr.b)
		wf.pairs[p>>6] |= 1 << (p & 63)
	}
	if len(lasts) > wordSlots/2 || len(words) > 1<<16-1 {
		panic(fmt.Sprintf("word finder: %d words, %d pairs of last characters", len(words), len(lasts)))
	}
	for _, pr := range lasts {
		ks := byLast[pr]
		if len(ks) > pairWords {
			panic(fmt.Sprintf("word finder: %d words end with %q", len(ks), string([]rune{pr.a, pr.b})))
		}
		slices.SortStableFunc(ks, func(a, b uint16) int { return len(wf.runes[b]) - len(wf.runes[a]) })
		j := pairSlot(pr.a, pr.b)
		for wf.slots[j].b != 0 {
			j = (j + 1) % wordSlots
		}
		sl := wordLastPair{a: pr.a, b: pr.b, n: uint16(len(ks))}
		copy(sl.ks[:], ks)
		wf.slots[j] = sl
	}
	return wf
}

// pairOf returns the slot of the words of two or more characters that
// end with the characters a, b, whose pairKey is q; nil when none does.
// It is small enough to inline: cueAt reads the slot's words in place,
// where a call returned a slice of a list of them, its bounds checked,
// and cueAt spilled around the call.
func (wf *wordFinder) pairOf(q uint32, a, b rune) *wordLastPair {
	if wf.pairs[q>>6]&(1<<(q&63)) == 0 {
		return nil
	}
	for j := q >> (pairLog - 9); ; j = (j + 1) % wordSlots {
		switch sl := &wf.slots[j]; {
		case sl.b == 0:
			return nil
		case sl.b == b && sl.a == a:
			return sl
		}
	}
}

// singleOf returns the one-character word r (the first, should the list
// repeat it), if the list holds it.
func (wf *wordFinder) singleOf(r rune) (uint16, bool) {
	if u := uint32(r); u >= 1<<16 || wf.single[u>>6]&(1<<(u&63)) == 0 {
		return 0, false
	}
	for _, w := range wf.singles {
		if w.r == r {
			return w.k, true
		}
	}
	return 0, false
}

// endsAt reports whether word k, one of the words of pairOf's slot of
// a, b, ends the characters v whose last two are a, b: its characters
// before its last two are those before v's last two. A word of two
// characters (most are) ends v with nothing compared.
func (wf *wordFinder) endsAt(k uint16, v []rune) bool {
	rs := wf.runes[k]
	if len(rs) <= 2 {
		return true
	}
	if len(rs) > len(v) {
		return false
	}
	rs = rs[:len(rs)-2]
	v = v[len(v)-len(rs)-2:]
	for j := range rs {
		if v[j] != rs[j] {
			return false
		}
	}
	return true
}

// inFour is has of the text of the four characters rs, of the Basic
// Multilingual Plane: the set of the words (the first 64) among them, a
// word of one character where its bitmap shows it, of more where the
// table of last pairs holds it and its characters before the last two
// stand before them.
func (wf *wordFinder) inFour(rs *[4]rune) (set uint64) {
	for j, r := range rs {
		u := uint32(r) & 0xFFFF
		if wf.last[u>>6]&(1<<(u&63)) == 0 {
			continue
		}
		if wf.single[u>>6]&(1<<(u&63)) != 0 {
			for _, w := range wf.singles {
				if w.r == r && w.k < 64 {
					set |= 1 << w.k
				}
			}
		}
		if j == 0 {
			continue
		}
		a := rs[j-1]
		if sl := wf.pairOf(pairKey(a, r), a, r); sl != nil {
			for _, k := range sl.ks[:sl.n] {
				if k < 64 && wf.endsAt(k, rs[:j+1]) {
					set |= 1 << k
				}
			}
		}
	}
	return set
}

// has returns the set of the words (the first 64 of the list) that occur
// in s: bit k for word k, as strings.Contains(s, word) says. It reads s
// a three-byte sequence at a time where one stands (a lead byte E0-EF and
// two continuation bytes: all of Chinese) and a byte at a time elsewhere.
// No word ends inside such a sequence (a word's last byte is ASCII or a
// continuation byte, and the byte before a continuation byte ending a
// word is never a lead byte E0-EF), so only where it ends can a word end;
// there one bit test of its last two bytes (tail3) passes most
// characters, which end no word, before the candidates of its last byte
// are compared. Elsewhere every byte is a candidate end, as before.
func (wf *wordFinder) has(s string) uint64 {
	var set uint64
	_ = wf.tail3[0] // wf checked for nil once, not at every character
	// Unsigned indices, so that the loop's tests prove its reads of s in
	// range.
	n := uint(len(s))
	for i := uint(0); i < n; {
		e := i // where a word may end
		if b := s[i]; b&0xF0 == 0xE0 && i+2 < n {
			if t := s[i+1 : i+3]; (uint(t[0])|uint(t[1])<<8)&0xC0C0 == 0x8080 {
				i += 3
				if k := uint(t[0]&0x3F)<<6 | uint(t[1]&0x3F); wf.tail3[k>>6]&(1<<(k&63)) == 0 {
					continue
				}
				e = i - 1
			} else {
				i++
			}
		} else {
			i++
		}
		for m := wf.byLastByte[s[e]] &^ set; m != 0; m &= m - 1 {
			k := bits.TrailingZeros64(m)
			if w := wf.words[k]; e+1 >= uint(len(w)) && (len(w) == 1 || s[e-1] == wf.penult[k&63] && s[e+1-uint(len(w)):e+1] == w) {
				set |= 1 << k
			}
		}
	}
	return set
}

// indexByLast is strings.Index(s, w): it looks for w's last byte with
// IndexByte and compares the rest of w before it. The words looked for
// in messages are Chinese, whose last byte is one continuation byte of
// sixty-four, where their lead (E4–E9 for most of Chinese) opens nearly
// every character of the message: strings.Index, which looks for the
// first byte, stopped at most characters and fell back to comparing at
// every byte. All matches have w's length, so they end in the order they
// start, and the first whose end is found is the first there is.
// TestIndexByLast and FuzzIndexByLast hold it to strings.Index.
func indexByLast(s, w string) int {
	n := len(w)
	if n == 0 {
		return 0
	}
	c := w[n-1]
	for i := n - 1; i < len(s); i++ {
		j := strings.IndexByte(s[i:], c)
		if j < 0 {
			return -1
		}
		i += j
		if s[i+1-n:i+1] == w {
			return i + 1 - n
		}
	}
	return -1
}

// containsByLast is strings.Contains(s, w), found as indexByLast finds it.
func containsByLast(s, w string) bool { return indexByLast(s, w) >= 0 }
