package detect

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// wordFinder finds which words of a short fixed list occur in a text, in
// one pass over it. The learned promise scorer asks this of the customer
// messages around an agent message (a request, a question, a yes) and of
// the words before an action verb (an actor): a strings.Contains per word
// scanned the text once per word. Most characters start no word, which an 8 KiB
// bitmap (it stays in the cache, where a full automaton's character table
// does not) tells at once; the others find their words in a small
// open-addressed table.
type wordFinder struct {
	words []string
	first [1 << 10]uint64          // bit r: a word starts with the BMP rune r
	slots [wordSlots]wordFirstRune // by first rune, open addressing
	order []uint16                 // word numbers grouped by first rune
}

// wordSlots is the size of a wordFinder's table of first runes: a power
// of two at least twice the distinct first runes of any list it indexes.
const wordSlots = 512

// wordFirstRune lists the words that start with rune r: order[lo:hi].
type wordFirstRune struct {
	r      rune // 0: an empty slot
	lo, hi uint16
}

// wordSlot is where the search for first rune r starts in the table.
func wordSlot(r rune) uint32 { return uint32(r) * 0x9E3779B1 >> (32 - 9) }

// newWordFinder indexes words, a fixed list of the package (a bad list is
// a bug, reported by a panic): non-empty words starting with a character
// of the Basic Multilingual Plane other than U+0000, at most wordSlots/2
// distinct first characters.
func newWordFinder(words []string) *wordFinder {
	wf := &wordFinder{words: words}
	var firsts []rune
	byFirst := map[rune][]uint16{}
	for k, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if w == "" || r == 0 || r == utf8.RuneError || r >= 1<<16 {
			panic(fmt.Sprintf("word finder: word %q", w))
		}
		if byFirst[r] == nil {
			firsts = append(firsts, r)
		}
		byFirst[r] = append(byFirst[r], uint16(k))
		wf.first[r>>6] |= 1 << (r & 63)
	}
	if len(firsts) > wordSlots/2 || len(words) > 1<<16-1 {
		panic(fmt.Sprintf("word finder: %d words, %d first characters", len(words), len(firsts)))
	}
	for _, r := range firsts {
		lo := len(wf.order)
		wf.order = append(wf.order, byFirst[r]...)
		j := wordSlot(r)
		for wf.slots[j].r != 0 {
			j = (j + 1) % wordSlots
		}
		wf.slots[j] = wordFirstRune{r: r, lo: uint16(lo), hi: uint16(len(wf.order))}
	}
	return wf
}

// startingWith returns the numbers of the words that start with r, which
// the first bitmap holds.
func (wf *wordFinder) startingWith(r rune) []uint16 {
	for j := wordSlot(r); ; j = (j + 1) % wordSlots {
		if sl := wf.slots[j]; sl.r == r {
			return wf.order[sl.lo:sl.hi]
		}
	}
}

// has returns the set of the words (the first 64 of the list) that occur
// in s: bit k for word k.
func (wf *wordFinder) has(s string) uint64 {
	var set uint64
	for i := 0; i < len(s); {
		// nextRune, inlined: this loop reads every customer message.
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			if b := s[i]; b&0xF0 == 0xE0 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 &&
				(b != 0xE0 || s[i+1] >= 0xA0) && (b != 0xED || s[i+1] < 0xA0) {
				r, size = rune(b&0x0F)<<12|rune(s[i+1]&0x3F)<<6|rune(s[i+2]&0x3F), 3
			} else {
				r, size = utf8.DecodeRuneInString(s[i:])
			}
		}
		if r < 1<<16 && wf.first[r>>6]&(1<<(r&63)) != 0 {
			for _, w := range wf.startingWith(r) {
				if w < 64 && strings.HasPrefix(s[i:], wf.words[w]) {
					set |= 1 << w
				}
			}
		}
		i += size
	}
	return set
}

// cueFinder finds the cue words of a message (promiseCues) by their last
// character, in the same pass over the message that hashes its n-grams:
// a matcher's scan read the text a second time through a 128 KiB character
// table, the costliest part of the features in a scan. At each character
// it looks at the cues ending there, longest first, comparing them with
// the characters just read, so that its hits come in a matcher's order (by
// end, the longer first at the same end).
type cueFinder struct {
	last  [1 << 10]uint64          // bit r: a cue ends with the BMP rune r
	slots [wordSlots]wordFirstRune // by last rune, open addressing
	order []uint16                 // cue numbers grouped by last rune, longest first
	runes [][]rune                 // each cue's characters
}

// cueHistory is how many characters a cueFinder remembers: a power of two
// at least as long as the longest cue.
const cueHistory = 8

// newCueFinder indexes words (a fixed list of the package: a bad list is a
// bug, reported by a panic): non-empty, at most cueHistory characters,
// ending with a character of the Basic Multilingual Plane other than
// U+0000 and U+FFFD.
func newCueFinder(words []string) *cueFinder {
	cf := &cueFinder{}
	var lasts []rune
	byLast := map[rune][]uint16{}
	for k, w := range words {
		rs := []rune(w)
		if len(rs) == 0 || len(rs) > cueHistory || slices.Contains(rs, utf8.RuneError) || rs[len(rs)-1] == 0 || rs[len(rs)-1] >= 1<<16 {
			panic(fmt.Sprintf("cue finder: word %q", w))
		}
		cf.runes = append(cf.runes, rs)
		r := rs[len(rs)-1]
		if byLast[r] == nil {
			lasts = append(lasts, r)
		}
		byLast[r] = append(byLast[r], uint16(k))
		cf.last[r>>6] |= 1 << (r & 63)
	}
	if len(lasts) > wordSlots/2 || len(words) > 1<<16-1 {
		panic(fmt.Sprintf("cue finder: %d words, %d last characters", len(words), len(lasts)))
	}
	for _, r := range lasts {
		ks := byLast[r]
		slices.SortStableFunc(ks, func(a, b uint16) int { return len(cf.runes[b]) - len(cf.runes[a]) })
		lo := len(cf.order)
		cf.order = append(cf.order, ks...)
		j := wordSlot(r)
		for cf.slots[j].r != 0 {
			j = (j + 1) % wordSlots
		}
		cf.slots[j] = wordFirstRune{r: r, lo: uint16(lo), hi: uint16(len(cf.order))}
	}
	return cf
}

// endingWith returns the cues that end with r, longest first, when the
// last bitmap holds r (else nil).
func (cf *cueFinder) endingWith(r rune) []uint16 {
	if r >= 1<<16 || cf.last[r>>6]&(1<<(r&63)) == 0 {
		return nil
	}
	for j := wordSlot(r); ; j = (j + 1) % wordSlots {
		if sl := cf.slots[j]; sl.r == r {
			return cf.order[sl.lo:sl.hi]
		}
	}
}

// ends reports whether cue k ends the characters of hist, the ring of the
// last n characters read (the newest at (n-1) mod cueHistory).
func (cf *cueFinder) ends(k uint16, hist *[cueHistory]rune, n int) bool {
	rs := cf.runes[k]
	if len(rs) > n {
		return false
	}
	for j := 1; j <= len(rs); j++ {
		if hist[(n-j)&(cueHistory-1)] != rs[len(rs)-j] {
			return false
		}
	}
	return true
}
