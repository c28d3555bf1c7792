package detect

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"fullqa/internal/conversation"
	"fullqa/internal/text"
)

// This file keeps, as the reference of the tests, the code the promise
// features' shortcuts replaced, as it was.

// readRef is cueScan.read as it was before it decoded runs of Chinese two
// characters at a time and compared the words with the characters
// decoded in place: the characters decoded a chunk at a time, one by one
// (decodeRunesRef), a ring of the last ones read, and every character
// tested by mayEnd.
func (cs *cueScan) readRef(s string, cueBuf *[len(promiseCues)]uint16, rs, more *[runeChunk]rune) (cues []uint16, nr, runes int) {
	var seen [(len(promiseCues) + 63) / 64]uint64
	var hist [wordHistory]rune
	nc := 0
	prev := rune(-1)
	chunk := rs
	wf := cs.cues
	for i := 0; i < len(s); {
		var n int
		i, n = decodeRunesRef(s, i, chunk)
		if runes == 0 {
			nr = n
		}
		for _, r := range chunk[:n] {
			hist[runes&(wordHistory-1)] = r
			runes++
			if wf.mayEnd(prev, r) {
				for _, k := range wf.endingWith(prev, r) {
					if seen[k>>6]&(1<<(k&63)) == 0 && wf.ends(k, &hist, runes) {
						seen[k>>6] |= 1 << (k & 63)
						cueBuf[nc] = k
						nc++
					}
				}
				if k, ok := wf.singleOf(r); ok && seen[k>>6]&(1<<(k&63)) == 0 {
					seen[k>>6] |= 1 << (k & 63)
					cueBuf[nc] = k
					nc++
				}
			}
			prev = r
		}
		chunk = more
	}
	return cueBuf[:nc], nr, runes
}

// endingWith returns the words of two or more characters that end with
// the characters a, b, longest first: readRef's lookup, which cueAt
// makes in place (pairOf).
func (wf *wordFinder) endingWith(a, b rune) []uint16 {
	if sl := wf.pairOf(pairKey(a, b), a, b); sl != nil {
		return sl.ks[:sl.n]
	}
	return nil
}

// decodeRunesRef is decodeRunes as it was: a character at a time.
func decodeRunesRef(s string, i int, chunk *[runeChunk]rune) (next, n int) {
	j, m := uint(i), uint(0)
	for m < uint(len(chunk)) && j < uint(len(s)) {
		b := s[j]
		if b < utf8.RuneSelf {
			chunk[m] = rune(b)
			j++
			m++
			continue
		}
		if b&0xF0 == 0xE0 && j+2 < uint(len(s)) {
			c := s[j+1 : j+3]
			c1, c2 := c[0], c[1]
			r := rune(b&0x0F)<<12 | rune(c1&0x3F)<<6 | rune(c2&0x3F)
			if (uint32(c1)<<8|uint32(c2))&0xC0C0 == 0x8080 && r >= 0x800 && uint32(r)-0xD800 >= 0x800 {
				chunk[m] = r
				j += 3
				m++
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		chunk[m] = r
		j += uint(size)
		m++
	}
	return int(j), int(m)
}

// ends reports whether word k ends the characters of hist, the ring of the
// last n characters read (the newest at (n-1) mod wordHistory): readRef's
// test, which read replaced by comparing with the characters decoded.
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

// mayEnd, readRef's filter (read tests the same bitmaps inline),
// reports whether a word may end at character r, read right after
// prev (any value at the start of the text: ends checks the words): false
// for most characters, which end no word.
func (wf *wordFinder) mayEnd(prev, r rune) bool {
	// Unsigned, so that the test below proves the bitmaps' index in range.
	if u := uint32(r); u >= 1<<16 || wf.last[u>>6]&(1<<(u&63)) == 0 {
		return false
	} else if wf.single[u>>6]&(1<<(u&63)) != 0 {
		return true
	}
	p := pairKey(prev, r)
	return wf.pairs[p>>6]&(1<<(p&63)) != 0
}

// readPieces are the pieces the read tests make texts of: the cue words
// and halves of them, Chinese around them, placeholders, ASCII, and
// every kind of sequence decodeRunes reads apart — lead bytes E0 and ED
// (overlong and surrogate sequences, and valid ones), E1–EC and EE–EF
// leads with broken continuations, two- and four-byte characters,
// U+FFFD, truncated sequences.
func readPieces() []string {
	pieces := []string{"您", "的", "一", "[数字x]", "-", "?", " ", "a", "\xff", "\xe5\xb8", "\xe5", "\xed\xa0\x80", "\xed\x9f\xbf", "\U0001F600", "\uFFFD",
		"\xe0\xa0\x80", "\xe0\x9f\xbf", "\xef\xbf\xbf", "\xee\x80\x80", "\xe1\x80\x80", "\xec\xbf\xbf", "\xe5\x41\x80", "\xe5\xb8\xc0", "\xe5\xc0\x80",
		"\xc2\xa9", "\xe3\x80\x82", "\xf0\x9f\x98", "\x80", "好的", "个工作日", "]-[", "。"}
	pieces = append(pieces, promiseCues[:]...)
	for _, c := range promiseCues {
		rs := []rune(c)
		pieces = append(pieces, string(rs[:len(rs)/2]), string(rs[len(rs)/2:]))
		// A character past the Basic Multilingual Plane whose low 16
		// bits are the word's last character: read's bitmaps let it by.
		last := rs[len(rs)-1]
		pieces = append(pieces, string(rs[:len(rs)-1])+string(last|0x10000), string(last|0x20000))
	}
	return pieces
}

// checkRead checks cueScan.read against readRef on s: the same cues in
// the same order, the same first characters and the same length. read
// takes valid UTF-8 (normalized text), and an invalid s is checked made
// valid (strings.ToValidUTF8); as it is, read must read it without
// leaving it and say wide just when one of the first characters it
// decoded lies past the Basic Multilingual Plane.
func checkRead(t *testing.T, cs *cueScan, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		var cueBuf [len(promiseCues)]uint16
		var v, more runeView
		_, nr, _, wide := cs.read(s, &cueBuf, &v, &more)
		if want := slices.ContainsFunc(v[wordHistory:wordHistory+nr], func(r rune) bool { return r >= 1<<16 }); wide != want {
			t.Fatalf("read(%q) wide %v, want %v", s, wide, want)
		}
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var cueBuf, refBuf [len(promiseCues)]uint16
	var v, more runeView
	var rs, rmore [runeChunk]rune
	got, nr, runes, wide := cs.read(s, &cueBuf, &v, &more)
	want, wnr, wrunes := cs.readRef(s, &refBuf, &rs, &rmore)
	if !slices.Equal(got, want) || nr != wnr || runes != wrunes || !slices.Equal(v[wordHistory:wordHistory+nr], rs[:wnr]) {
		t.Fatalf("read(%q) = %v, %d, %d, %q; readRef %v, %d, %d, %q", s, got, nr, runes, v[wordHistory:wordHistory+nr], want, wnr, wrunes, rs[:wnr])
	}
	if wantWide := slices.ContainsFunc(rs[:wnr], func(r rune) bool { return r >= 1<<16 }); wide != wantWide {
		t.Fatalf("read(%q) wide %v, want %v", s, wide, wantWide)
	}
}

// TestReadMatchesRef checks read against readRef on random texts of
// readPieces, short and long (past decodeRunes' chunks, where words
// cross from one chunk to the next), and on every text of one to three
// bytes around the three-byte lead bytes.
func TestReadMatchesRef(t *testing.T) {
	cs := newCueScan()
	pieces := readPieces()
	rng := rand.New(rand.NewPCG(11, 12))
	for it := range 50000 {
		n := 16
		if it%10 == 0 {
			n = 200
		}
		checkRead(t, cs, pieceText(rng, pieces, rng.IntN(n)))
	}
	// Every pair of a prefix of up to three bytes and a byte, at the
	// head and the tail of Chinese and before a Chinese character: the
	// two-character load sees each at every place of its word.
	bytesOf := []byte{0x00, 0x41, 0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe1, 0xe4, 0xe9, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf4, 0xff}
	for _, a := range bytesOf {
		for _, b := range bytesOf {
			for _, c := range bytesOf {
				for _, d := range bytesOf {
					x := string([]byte{a, b, c, d})
					for _, s := range []string{x, "您好" + x, x + "您好的话", "您" + x + "好", "的话" + x + "尽量"} {
						checkRead(t, cs, s)
					}
				}
			}
		}
	}
}

// FuzzRead checks read against readRef on fuzzed texts.
func FuzzRead(f *testing.F) {
	for _, s := range []string{"", "好", "这边帮您申请", "[数字x]-[数字x]个工作日到账", "\xe0\xa0\x80\xed\x9f\xbf可能", strings.Repeat("帮您申请尽量", 40)} {
		f.Add(s)
	}
	cs := newCueScan()
	f.Fuzz(func(t *testing.T, s string) {
		checkRead(t, cs, s)
	})
}

// BenchmarkCueRead measures the features' pass over the JDDC dev chats'
// agent messages (normalized): one op reads every message once.
func BenchmarkCueRead(b *testing.B) {
	convs := jddcConvs(b)
	var texts []string
	for _, c := range convs {
		for _, m := range c.Messages {
			if m.Role == conversation.RoleAgent {
				texts = append(texts, text.Normalize(m.Text))
			}
		}
	}
	cs := newCueScan()
	var f promiseFeats
	b.ResetTimer()
	for range b.N {
		for _, s := range texts {
			cs.read(s, &f.cues, &f.rs, &f.more)
		}
	}
}

// checkYiCue checks that read finds the cue word 已 in s, made valid
// UTF-8 as read's text is, just when strings.Contains(s, "已")
// (messageFeatures skips doneInClause's search in a text without it).
func checkYiCue(t *testing.T, cs *cueScan, s string) {
	t.Helper()
	var f promiseFeats
	s = strings.ToValidUTF8(s, "\uFFFD") // read's text is valid UTF-8
	cues, _, _, _ := cs.read(s, &f.cues, &f.rs, &f.more)
	if got, want := slices.Contains(cues, cs.yi), strings.Contains(s, "已"); got != want {
		t.Fatalf("read(%q) finds 已: %v, want %v", s, got, want)
	}
}

// TestYiCue checks that read's cue words hold 已 just when the text does,
// on random texts of readPieces and of 已's bytes among others (the
// character cut, after lead bytes that would claim its bytes), short and
// long, and on the JDDC dev chats' agent messages.
func TestYiCue(t *testing.T) {
	cs := newCueScan()
	if promiseCues[cs.yi] != "已" {
		t.Fatalf("cue %d is %q, not 已", cs.yi, promiseCues[cs.yi])
	}
	pieces := append(readPieces(), "已", "已经", "\xe5", "\xb7", "\xb2", "\xe5\xb7", "\xb7\xb2", "\xe5\xe5\xb7\xb2", "\xf0\xe5\xb7\xb2", "\xe4\xb8已", "[数字x]")
	rng := rand.New(rand.NewPCG(13, 14))
	for it := range 50000 {
		n := 12
		if it%10 == 0 {
			n = 300
		}
		checkYiCue(t, cs, pieceText(rng, pieces, rng.IntN(n)))
	}
	if testing.Short() {
		return
	}
	for _, c := range jddcConvsOrNone(t) {
		for _, m := range c.Messages {
			checkYiCue(t, cs, text.Normalize(m.Text))
		}
	}
}

// FuzzYiCue checks on fuzzed texts that read's cue words hold 已 just
// when the text does.
func FuzzYiCue(f *testing.F) {
	for _, s := range []string{"", "已", "已经帮您", "\xe5\xe5\xb7\xb2", "\xf0\xe5\xb7\xb2", strings.Repeat("帮您申请", 40) + "已"} {
		f.Add(s)
	}
	cs := newCueScan()
	f.Fuzz(func(t *testing.T, s string) { checkYiCue(t, cs, s) })
}

// TestCueEnds checks the cue pass's table of last characters against the
// cue finder's bitmaps it is built from, and those against the cue
// words themselves, for every character of the Basic Multilingual Plane.
func TestCueEnds(t *testing.T) {
	cs := newCueScan()
	lasts, singles := map[rune]bool{}, map[rune]bool{}
	for _, w := range promiseCues {
		rs := []rune(w)
		lasts[rs[len(rs)-1]] = true
		if len(rs) == 1 {
			singles[rs[0]] = true
		}
	}
	for u := range rune(1 << 16) {
		e := cs.ends[u]
		if got, want := e&endsLast != 0, lasts[u]; got != want {
			t.Fatalf("ends[%U] last %v, want %v", u, got, want)
		}
		if got, want := e&endsSingle != 0, singles[u]; got != want {
			t.Fatalf("ends[%U] single %v, want %v", u, got, want)
		}
		if e&^(endsLast|endsSingle) != 0 {
			t.Fatalf("ends[%U] = %b", u, e)
		}
	}
}
