package detect

import (
	"fmt"
	"math/bits"
	"slices"
	"unicode/utf8"
)

// wordFinder finds the words of a short fixed list in a text by their last
// characters, in one pass that decodes each character once. The learned
// promise scorer asks it for the cue words of every agent message (in the
// pass that hashes the message's n-grams: a matcher's scan read the text
// a second time through a 128 KiB character table, the costliest part of
// the features in a scan), the customerWords of the customer messages
// around it and the actor words before a verb (a strings.Contains per
// word before). A small bitmap of the words' last two characters (and one
// of the one-character words) passes few characters; at those it compares
// the words ending there, longest first, with the characters just read,
// so that its hits come in a matcher's order (by end, the longer first at
// the same end).
type wordFinder struct {
	last   [1 << 10]uint64            // bit r: a word ends with the BMP character r
	single [1 << 10]uint64            // bit r: a word is the one BMP character r
	pairs  [1 << (pairLog - 6)]uint64 // bit pairKey(a, b): a word ends with a, b
	slots  [wordSlots]wordLastRune    // by last character, open addressing
	order  []uint16                   // word numbers grouped by last character, longest first
	runes  [][]rune                   // each word's characters
	// For has: the words themselves, and byLastByte[b], the set of the
	// first 64 words whose last byte is b.
	words      []string
	byLastByte [256]uint64
	// penult[k] is the byte before the last of word k (0 for a one-byte
	// word): has compares it before the whole word, which most
	// candidates a last byte passes fail.
	penult [64]byte
}

// pairLog is the log2 of the bits of a wordFinder's pair filter.
const pairLog = 12

// pairKey is the filter bit of the characters a, b read in a row.
func pairKey(a, b rune) uint32 {
	return (uint32(a)*0x9E3779B1 ^ uint32(b)*0x85EBCA77) >> (32 - pairLog)
}

// wordSlots is the size of a wordFinder's table of last characters: a
// power of two at least twice the distinct last characters of any list it
// indexes (wordSlot reads log2 of it bits).
const wordSlots = 512

// wordSlot is where the search for last character r starts in the table.
func wordSlot(r rune) uint32 { return uint32(r) * 0x9E3779B1 >> (32 - 9) }

// wordLastRune lists the words that end with r: order[lo:hi].
type wordLastRune struct {
	r      rune // 0: an empty slot
	lo, hi uint16
}

// wordHistory is how many characters a wordFinder's reader remembers: a
// power of two at least as long as the longest word.
const wordHistory = 8

// newWordFinder indexes words (a fixed list of the package: a bad list is
// a bug, reported by a panic): non-empty, at most wordHistory characters,
// without U+FFFD, ending with a character of the Basic Multilingual Plane
// other than U+0000.
func newWordFinder(words []string) *wordFinder {
	wf := &wordFinder{words: words}
	var lasts []rune
	byLast := map[rune][]uint16{}
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
		}
		r := rs[len(rs)-1]
		if byLast[r] == nil {
			lasts = append(lasts, r)
		}
		byLast[r] = append(byLast[r], uint16(k))
		wf.last[r>>6] |= 1 << (r & 63)
		if len(rs) == 1 {
			wf.single[r>>6] |= 1 << (r & 63)
		} else {
			p := pairKey(rs[len(rs)-2], r)
			wf.pairs[p>>6] |= 1 << (p & 63)
		}
	}
	if len(lasts) > wordSlots/2 || len(words) > 1<<16-1 {
		panic(fmt.Sprintf("word finder: %d words, %d last characters", len(words), len(lasts)))
	}
	for _, r := range lasts {
		ks := byLast[r]
		slices.SortStableFunc(ks, func(a, b uint16) int { return len(wf.runes[b]) - len(wf.runes[a]) })
		lo := len(wf.order)
		wf.order = append(wf.order, ks...)
		j := wordSlot(r)
		for wf.slots[j].r != 0 {
			j = (j + 1) % wordSlots
		}
		wf.slots[j] = wordLastRune{r: r, lo: uint16(lo), hi: uint16(len(wf.order))}
	}
	return wf
}

// mayEnd reports whether a word may end at character r, read right after
// prev (any value at the start of the text: ends checks the words): false
// for most characters, which end no word.
func (wf *wordFinder) mayEnd(prev, r rune) bool {
	if r >= 1<<16 || wf.last[r>>6]&(1<<(r&63)) == 0 {
		return false
	}
	if wf.single[r>>6]&(1<<(r&63)) != 0 {
		return true
	}
	p := pairKey(prev, r)
	return wf.pairs[p>>6]&(1<<(p&63)) != 0
}

// endingWith returns the words that end with r, longest first.
func (wf *wordFinder) endingWith(r rune) []uint16 {
	for j := wordSlot(r); ; j = (j + 1) % wordSlots {
		switch sl := wf.slots[j]; sl.r {
		case r:
			if r == 0 {
				return nil
			}
			return wf.order[sl.lo:sl.hi]
		case 0:
			return nil
		}
	}
}

// ends reports whether word k ends the characters of hist, the ring of the
// last n characters read (the newest at (n-1) mod wordHistory).
func (wf *wordFinder) ends(k uint16, hist *[wordHistory]rune, n int) bool {
	rs := wf.runes[k]
	if len(rs) > n {
		return false
	}
	for j := 1; j <= len(rs); j++ {
		if hist[(n-j)&(wordHistory-1)] != rs[len(rs)-j] {
			return false
		}
	}
	return true
}

// has returns the set of the words (the first 64 of the list) that occur
// in s: bit k for word k, as strings.Contains(s, word) says. It reads s
// byte by byte, without decoding: only a byte that ends a word (a few of
// the sixty-four last bytes of Chinese characters) costs a comparison.
func (wf *wordFinder) has(s string) uint64 {
	var set uint64
	for i := 0; i < len(s); i++ {
		for m := wf.byLastByte[s[i]] &^ set; m != 0; m &= m - 1 {
			k := bits.TrailingZeros64(m)
			if w := wf.words[k]; i+1 >= len(w) && (len(w) == 1 || s[i-1] == wf.penult[k&63] && s[i+1-len(w):i+1] == w) {
				set |= 1 << k
			}
		}
	}
	return set
}
