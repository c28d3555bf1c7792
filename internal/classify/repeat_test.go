package classify

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// repeatLevelRef is repeatLevel as it was before its inline decoding
// tested a lead byte with text.Lead3Mask and the continuation bytes as one
// value: the reference TestRepeatLevelMatchesRef and FuzzRepeatLevel hold
// it to.
func repeatLevelRef(text, prev string, known *[8]uint64, next *cueMemo) int {
	text, prev = strings.TrimSpace(text), strings.TrimSpace(prev)
	if text == "" || prev == "" {
		return 0
	}
	if text == prev {
		return 2
	}
	if len(text) > 60 || len(text) < 4 {
		return 0
	}
	var bloom [8]uint64
	if known != nil {
		bloom = *known
	} else {
		bloom = bigramBloomRef(tailOf(prev, maxContextBytes))
	}
	var own [8]uint64
	total, hit := 0, 0
	var r0 rune = -1
	for i := 0; i < len(text); {
		var r rune
		if c := text[i]; c < utf8.RuneSelf {
			r = rune(c)
			i++
		} else if c&0xf0 == 0xe0 && i+2 < len(text) && text[i+1]&0xc0 == 0x80 && text[i+2]&0xc0 == 0x80 && c != 0xe0 && c != 0xed {
			r = rune(c&0x0f)<<12 | rune(text[i+1]&0x3f)<<6 | rune(text[i+2]&0x3f)
			i += 3
		} else {
			var size int
			r, size = decodeRune(text[i:])
			i += size
		}
		if r0 >= 0 {
			h := bigramHash(r0, r)
			total++
			if bloom[h>>6&7]&(1<<(h&63)) != 0 {
				hit++
			}
			own[h>>6&7] |= 1 << (h & 63)
		}
		r0 = r
	}
	if next != nil {
		next.bloom, next.hasBloom = own, true
	}
	if total >= 2 && hit*10 >= total*7 {
		return 1
	}
	return 0
}

// bigramBloomRef is bigramBloom as it was, the reference of its inline
// decoding.
func bigramBloomRef(s string) [8]uint64 {
	var bloom [8]uint64
	var r0 rune = -1
	for i := 0; i < len(s); {
		var r rune
		if c := s[i]; c < utf8.RuneSelf {
			r = rune(c)
			i++
		} else if c&0xf0 == 0xe0 && i+2 < len(s) && s[i+1]&0xc0 == 0x80 && s[i+2]&0xc0 == 0x80 && c != 0xe0 && c != 0xed {
			r = rune(c&0x0f)<<12 | rune(s[i+1]&0x3f)<<6 | rune(s[i+2]&0x3f)
			i += 3
		} else {
			var size int
			r, size = decodeRune(s[i:])
			i += size
		}
		if r0 >= 0 {
			h := bigramHash(r0, r)
			bloom[h>>6&7] |= 1 << (h & 63)
		}
		r0 = r
	}
	return bloom
}

// bigramHash is the hash of a rune pair repeatLevel's and bigramBloom's
// filters used before bigramBit, the reference it is held to.
func bigramHash(a, b rune) uint64 { return mix(uint64(a)<<32 | uint64(uint32(b))) }

// TestBigramBit checks bigramBit of foldHigh(a) ^ b against bigramHash
// on pairs of runes from every plane, the ends of the ranges decoding
// gives (U+0000, U+007F, U+0800, U+FFFD, U+10FFFF) among them.
func TestBigramBit(t *testing.T) {
	runes := []rune{0, 1, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x10ffff, '好', '？'}
	for r := rune(0); r <= 0x10ffff; r += 0x1001 {
		runes = append(runes, r)
	}
	for _, a := range runes {
		for _, b := range runes {
			if got, want := bigramBit(foldHigh(uint32(a))^uint64(b)), bigramHash(a, b); got != want {
				t.Fatalf("bigramBit(foldHigh(%#x) ^ %#x) = %#x, bigramHash %#x", a, b, got, want)
			}
		}
	}
}

// checkRepeatLevel compares repeatLevel with repeatLevelRef on text after
// prev, without a memo and with the memo of prev (its filter), and
// bigramBloom with bigramBloomRef on both texts.
func checkRepeatLevel(t *testing.T, text, prev string) {
	t.Helper()
	for _, s := range []string{text, prev} {
		if got, want := bigramBloom(s), bigramBloomRef(s); got != want {
			t.Fatalf("bigramBloom(%q) = %x, bigramBloomRef %x", s, got, want)
		}
	}
	known := bigramBloomRef(tailOf(strings.TrimSpace(prev), maxContextBytes))
	for _, k := range []*[8]uint64{nil, &known} {
		var gotNext, wantNext cueMemo
		got, want := repeatLevel(text, prev, k, &gotNext), repeatLevelRef(text, prev, k, &wantNext)
		if got != want || gotNext != wantNext {
			t.Fatalf("repeatLevel(%q, %q) = %d, next %+v; repeatLevelRef %d, %+v", text, prev, got, gotNext, want, wantNext)
		}
	}
}

// TestRepeatLevelMatchesRef checks repeatLevel and bigramBloom against
// the loops they replaced on repeats and near repeats, every lead byte of
// three-byte characters with valid and invalid continuations, and
// truncated characters.
func TestRepeatLevelMatchesRef(t *testing.T) {
	texts := []string{"", "好", "怎么还没发货", "怎么还没发货啊", "还没发货吗??", "ok 好的", " 人呢 ", "\u0800\u0801", "\ud7ff\ue000好"}
	for c := 0xe0; c <= 0xef; c++ {
		for _, cont := range [][2]byte{{0x80, 0x80}, {0xbf, 0xbf}, {0x9f, 0xa0}, {0xa0, 0x80}, {0x7f, 0x80}, {0x80, 0xc0}} {
			texts = append(texts, "怎么"+string([]byte{byte(c), cont[0], cont[1]})+"还没", "好好"+string([]byte{byte(c), cont[0]}))
		}
	}
	for _, a := range texts {
		for _, b := range texts {
			checkRepeatLevel(t, a, b)
			checkRepeatLevel(t, a+b, b+a)
		}
	}
	checkRepeatLevel(t, "怎么还没发货", strings.Repeat("怎么还没发货", 20))
}

// FuzzRepeatLevel checks repeatLevel and bigramBloom against the loops
// they replaced on any two texts.
func FuzzRepeatLevel(f *testing.F) {
	f.Add("怎么还没发货", "怎么还没发货啊")
	f.Add("\xed\xa0\x80好好", "\xe0\xa0\x80好")
	f.Fuzz(func(t *testing.T, text, prev string) {
		checkRepeatLevel(t, text, prev)
	})
}

// TestAgentGroups checks agentGroups and nextGroup against the loop over
// the agent groups they replaced, on every set of groups with words, each
// counted 1, 2 or 255 times, the customer groups' counts set or not.
func TestAgentGroups(t *testing.T) {
	for set := 0; set < 1<<(cueEmoji-cueApology+1); set++ {
		for _, n := range []uint8{1, 2, 255} {
			for _, other := range []uint8{0, 7} {
				var cues [nCues]uint8
				for g := range cues {
					if g < cueApology || g > cueEmoji {
						cues[g] = other
					} else if set>>(g-cueApology)&1 != 0 {
						cues[g] = n
					}
				}
				var want, got []int
				for f := cueApology; f <= cueEmoji; f++ {
					if cues[f] > 0 {
						want = append(want, f)
					}
				}
				for flags := agentGroups(&cues); flags != 0; {
					var f int
					f, flags = nextGroup(flags)
					got = append(got, f)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("counts %v: groups %v, want %v", cues, got, want)
				}
			}
		}
	}
}

// TestQuietPlaceholders checks the tokenizer's shortcut over a placeholder
// of one kind's word (quietPH) against running the scanner over it: from
// every state of both scanners, each such placeholder leads where run
// leads and counts what it counts; and both scanners take the shortcut.
func TestQuietPlaceholders(t *testing.T) {
	lex := newLexicon()
	for _, lx := range []*cueScanner{lex.customer, lex.agent} {
		if lx.quietPH == 0 {
			t.Fatal("a scanner takes no shortcut: the test compares nothing")
		}
		for st := 0; st < len(lx.nodes); st++ {
			from := lx.at(int16(st))
			for _, k := range placeholderKinds {
				if lx.quietPH>>(k.tok-tokNum)&1 == 0 {
					continue
				}
				for _, w := range k.words {
					ph := "[" + w + "x]"
					var n [nCues]uint8
					if got := lx.run(from, ph, &n); got != 0 || n != [nCues]uint8{} {
						t.Fatalf("%q from state %d: run leads to %d counting %v; the shortcut to 0 counting none", ph, st, got, n)
					}
					// And raw, which takes the shortcut, reads it
					// from this state as rawRef, which runs the
					// scanner over it, does: the same tokens, place,
					// scanner state and counts.
					a, b := tokenizer{s: "好" + ph + "好", lx: lx}, tokenizer{s: "好" + ph + "好", lx: lx}
					a.ls, b.ls = from, from
					for {
						x, ok := a.raw()
						y, ok2 := b.rawRef()
						if x != y || ok != ok2 || a != b {
							t.Fatalf("%q from state %d: raw %#x %v %+v, rawRef %#x %v %+v", ph, st, x, ok, a, y, ok2, b)
						}
						if !ok {
							break
						}
					}
				}
			}
		}
	}
}

// rawRef is raw as it was before its placeholder shortcut: the scanner
// run over every token read gives.
func (t *tokenizer) rawRef() (uint32, bool) {
	if t.hasHeld {
		t.hasHeld = false
		return t.held, true
	}
	i0 := t.i
	tok, ok := t.read()
	if ok {
		t.zeros = t.zeros || tok == 0
		if t.lx != nil {
			t.ls = t.lx.run(t.ls, t.s[i0:t.i], &t.cues)
		}
	}
	return tok, ok
}

// FuzzRawQuietPlaceholders checks raw against rawRef, token by token, on
// any text with both scanners: tokens, place, scanner state and counts.
func FuzzRawQuietPlaceholders(f *testing.F) {
	lex := newLexicon()
	f.Add("快点[站点x]说[电话x]评[价格x]好[数字x][订单x]")
	f.Add("[USERIDx][数字xx][数字x")
	f.Fuzz(func(t *testing.T, s string) {
		for _, lx := range []*cueScanner{lex.customer, lex.agent} {
			a, b := tokenizer{s: s, lx: lx}, tokenizer{s: s, lx: lx}
			for {
				x, ok := a.raw()
				y, ok2 := b.rawRef()
				if x != y || ok != ok2 || a != b {
					t.Fatalf("%q: raw %#x %v %+v, rawRef %#x %v %+v", s, x, ok, a, y, ok2, b)
				}
				if !ok {
					break
				}
			}
		}
	})
}

// TestSigBase checks sigBase against the four sig calls it stands for,
// in scoring mode (the sums) and in collect mode (the features, in
// order), on every length bucket and count extract gives and on values
// past sigRows' small ones, which take sig's other ways.
func TestSigBase(t *testing.T) {
	m := loadModel(t)
	vals := []int{0, 1, 2, 3, 9, 15, 16, 17, 255}
	for _, lb := range vals {
		for _, q := range vals {
			for _, e := range vals {
				for _, scoring := range []bool{true, false} {
					a, b := acc{lex: m.lex}, acc{lex: m.lex}
					if scoring {
						a = acc{lex: m.lex, tbl: m.tbl, sigs: m.sigs, scale: m.scale}
						b = a
					}
					a.sigBase(lb, q, e)
					b.sig(sigBias, 0)
					b.sig(sigLen, lb)
					b.sig(sigQuestion, q)
					b.sig(sigExclaim, e)
					if a.part != b.part || !slices.Equal(a.feats, b.feats) {
						t.Fatalf("sigBase(%d, %d, %d), scoring %v: sums %v, features %v; sig gives %v, %v", lb, q, e, scoring, a.part, a.feats, b.part, b.feats)
					}
				}
			}
		}
	}
}

// TestRune3 checks rune3 and rune3Han on every lead byte and every two
// bytes after it against utf8.DecodeRuneInString: they accept exactly
// the three bytes the library reads as one character of three bytes,
// and give its rune.
func TestRune3(t *testing.T) {
	n := 0
	for c := range 256 {
		for w := range uint32(1 << 16) {
			b := string([]byte{byte(c), byte(w), byte(w >> 8)})
			want, size := utf8.DecodeRuneInString(b)
			r, ok := rune3(uint8(c), w)
			if ok != (size == 3) || ok && r != want {
				t.Fatalf("rune3(%x) = %#x, %v; DecodeRuneInString %#x, %d", b, r, ok, want, size)
			}
			if r2, ok2 := rune3Han(uint8(c), w); ok2 != ok || ok && r2 != r {
				t.Fatalf("rune3Han(%x) = %#x, %v; rune3 %#x, %v", b, r2, ok2, r, ok)
			}
			if ok {
				n++
			}
		}
	}
	if n != 0xf800-0x800 {
		t.Fatalf("rune3 accepts %d characters, want %d", n, 0xf800-0x800)
	}
}
