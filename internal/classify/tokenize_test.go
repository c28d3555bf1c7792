package classify

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestPlainASCII derives plainASCIILo and plainASCIIHi from their
// definition.
func TestPlainASCII(t *testing.T) {
	var lo, hi uint64
	for b := 1; b < utf8.RuneSelf; b++ {
		c := byte(b)
		if isLatin(c) || c >= '0' && c <= '9' || c == '[' || c == '#' || c == '&' {
			continue
		}
		if b < 64 {
			lo |= 1 << b
		} else {
			hi |= 1 << (b - 64)
		}
	}
	if lo != plainASCIILo || hi != plainASCIIHi {
		t.Errorf("plainASCII = %#x %#x, want %#x %#x", plainASCIILo, plainASCIIHi, lo, hi)
	}
}

// nextRef is next without its shortcuts (the Chinese characters' fast
// path and plain): every character through raw.
func (t *tokenizer) nextRef() (uint32, bool) {
	for {
		tok, ok := t.raw()
		if !ok {
			return 0, false
		}
		if tok == ' ' {
			if t.started {
				t.pending = true
			}
			continue
		}
		if t.pending {
			t.pending = false
			t.push(tok)
			return t.note(' '), true
		}
		t.started = true
		if tok == t.last && t.run >= maxRun {
			continue
		}
		return t.note(tok), true
	}
}

// checkTokenizer compares next's tokens, cue counts and automaton
// state with nextRef's on s, for both lexicons and none.
func checkTokenizer(t *testing.T, lex *lexicon, s string) {
	t.Helper()
	for _, lx := range []*cueScanner{nil, lex.customer, lex.agent} {
		a, b := tokenizer{s: s, lx: lx}, tokenizer{s: s, lx: lx}
		for k := 0; ; k++ {
			x, ok := a.next()
			y, ok2 := b.nextRef()
			if x != y || ok != ok2 || a.ls != b.ls || a.i != b.i {
				t.Fatalf("%q token %d: next gives %#x %v (state %d at %d), nextRef %#x %v (state %d at %d)", s, k, x, ok, a.ls, a.i, y, ok2, b.ls, b.i)
			}
			if !ok {
				break
			}
		}
		if a.cues != b.cues {
			t.Fatalf("%q: next counts cues %v, nextRef %v", s, a.cues, b.cues)
		}
	}
}

// TestTokenizerShortcuts checks next against nextRef on the characters
// its shortcuts decide and their neighbours: every ASCII byte, the
// full-width forms and the code points around them, after and before
// Chinese text, spaces and repeats.
func TestTokenizerShortcuts(t *testing.T) {
	lex := newLexicon()
	var cases []string
	for b := 0; b < utf8.RuneSelf; b++ {
		c := string(rune(b))
		cases = append(cases, c, "好"+c+"的", c+c+c+c+"吗", " "+c+" ", "1"+c+"2", "a"+c+"b")
	}
	for r := rune(0xff00); r <= 0xff60; r++ {
		c := string(r)
		cases = append(cases, c, "好"+c+"的", c+c+c+c+"吗", " "+c+" ", "１"+c+"２", "ａ"+c+"b")
	}
	cases = append(cases, "#E-s[数字x]好", "好#E-b12", "&nbsp;在&gt;", "[数字x]个", "看www.jd.com", "12.5元", "ＯＫ１２", "\xef\xbc", "\xef\xbc\x8c\xef", "好\xef\xbd\x9f", "\xef\xbc\xc0", "不满意，！！！", "差评？？？？", "谢谢！", "怎么还没到？？", "人呢?!")
	for _, s := range cases {
		checkTokenizer(t, lex, s)
	}
}

// FuzzTokenizerShortcuts checks next against nextRef on any text.
func FuzzTokenizerShortcuts(f *testing.F) {
	lex := newLexicon()
	f.Add("不满意，！！！差评？？")
	f.Add("订单[订单x] ，ok！＃＆［ ]\x00")
	f.Fuzz(func(t *testing.T, s string) {
		checkTokenizer(t, lex, s)
	})
}

// fillRef is fill as it was before its Chinese characters were read in
// runs by fillCJK (now fillRun): the fast path tested and the tokenizer's fields
// written for every character.
func (t *tokenizer) fillRef(buf *[32]uint32) int {
	n := 0
	s := t.s
	for n < len(buf) {
		if i := t.i; !t.hasHeld && !t.pending && i+2 < len(s) && s[i]-0xe4 < 6 && (s[i+1]^0x80)|(s[i+2]^0x80) < 0x40 {
			if r := uint32(s[i]&0x0f)<<12 | uint32(s[i+1]&0x3f)<<6 | uint32(s[i+2]&0x3f); r >= 0x4e00 && (r != t.last || t.run < maxRun) {
				t.i = i + 3
				if t.lx != nil {
					if c := t.lx.runeClass(r); c != 0 {
						t.ls = t.lx.step(t.ls, c, &t.cues)
					} else {
						t.ls = 0
					}
				}
				t.started = true
				if r == t.last {
					t.run++
				} else {
					t.last, t.run = r, 1
				}
				buf[n] = r
				n++
				continue
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

// checkFill compares fill's buffers, cue counts and tokenizer state with
// fillRef's on s, for both lexicons and none.
func checkFill(t *testing.T, lex *lexicon, s string) {
	t.Helper()
	for _, lx := range []*cueScanner{nil, lex.customer, lex.agent} {
		a, b := tokenizer{s: s, lx: lx}, tokenizer{s: s, lx: lx}
		for k := 0; ; k++ {
			var x, y [32]uint32
			n, m := a.fill(&x), b.fillRef(&y)
			// A token held and handed out stays in held, unread
			// (raw reads it only while hasHeld); fill's fast paths
			// hold none.
			if !a.hasHeld && !b.hasHeld {
				a.held, b.held = 0, 0
			}
			// cjkAt (fillRef keeps none) marks Chinese characters
			// of the buffer only, those grams' statistics pass.
			for j := range 32 {
				if a.cjkAt>>j&1 != 0 && (j >= n || x[j]-0x4e00 >= 0xa000-0x4e00) {
					t.Fatalf("%q buffer %d: cjkAt %#x marks %d of %d tokens %x", s, k, a.cjkAt, j, n, x[:n])
				}
			}
			a.cjkAt = 0
			if n != m || x != y || a != b {
				t.Fatalf("%q buffer %d: fill gives %d tokens %x, state %+v; fillRef %d %x, %+v", s, k, n, x[:n], a, m, y[:m], b)
			}
			if n < len(x) {
				break
			}
		}
	}
}

// TestFillMatchesRef checks fill against fillRef on runs of Chinese
// characters around the buffer's size, repeats past maxRun, characters
// just outside the fast path's range and spaces between runs.
func TestFillMatchesRef(t *testing.T) {
	lex := newLexicon()
	cases := []string{"", "好", "好好好好好", "好好好好好的", "一丁", "\u4dff好", "好 好", "好  怎么还没发货", "好\xe4\xb8", "好\xe4", "好好\xe4\xb8\x80",
		// A space before a lead byte E4–E9, which fillRun emits before
		// cjk reads the run: a run, a repeat of the character before
		// the space, characters of E4 below the runs', bytes that are
		// no character, cut at the text's end, and spaces at the start.
		" 好", "  好好", "好好好 好好", "好好好 \t 好好好好", "好 \u4dff", "好 \u4dff好", "好 \u9fff\u4e00", "好 \xe4\xb8", "好 \xe4", "好 \xe4好",
		"好 \xe4\xb8x", "好 \xe9\xbf", "a 好", "? 好?", "[数字x] 好", "好 好 好 好 好 好"}
	for _, n := range []int{30, 31, 32, 33, 34, 63, 64, 65, 100} {
		var s []rune
		for k := range n {
			s = append(s, []rune("怎么还没发货啊啊啊啊")[k%10])
		}
		cases = append(cases, string(s), string(s)+"?", " "+string(s)+" ", string(s)+"好好好好")
		// fillRun's other characters: punctuation, full-width forms
		// and spaces (a space and its token need two places) at and
		// around the buffer's end.
		for _, sep := range []string{" ", "  ", "，", "?", "！！！！", " ， ", "\t\n", "　", "Ａ", "a", " a "} {
			var t []string
			for k := range n {
				t = append(t, string(s[k:k+1]))
			}
			cases = append(cases, strings.Join(t, sep), sep+strings.Join(t, sep)+sep, strings.Repeat(sep, n))
		}
	}
	// Placeholders of one kind's word, which fillRun reads, and the
	// forms next reads: other labels, cut short, at the text's end.
	for _, ph := range []string{"[数字x]", "[订单x]", "[价格x]", "[手机x]", "[邮箱x]", "[机构x]", "[名称x]", "[数字xx]", "[数字x", "[数字]", "[[数字x]", "[ORDERID_1]", "[数字y]"} {
		for _, n := range []int{1, 4, 30, 31, 32, 33} {
			var b strings.Builder
			for k := range n {
				b.WriteString([]string{ph, "好", " ", ph, "差评", "?"}[k%6])
			}
			cases = append(cases, b.String(), strings.Repeat(ph, n), strings.Repeat(ph+" ", n), "人呢"+ph+"投诉", ph[:len(ph)-1])
		}
	}
	for _, s := range cases {
		checkFill(t, lex, s)
	}
}

// FuzzFillMatchesRef checks fill against fillRef on any text.
func FuzzFillMatchesRef(f *testing.F) {
	lex := newLexicon()
	f.Add("怎么还没发货??? 快点！！好好好好")
	f.Add("\x00 a [订单x]差评差评差评")
	f.Add("[数字x][数字x][数字x][数字x] [电话x]投诉[名称x][金额x")
	f.Fuzz(func(t *testing.T, s string) {
		checkFill(t, lex, s)
	})
}

// TestCJKRune checks cjkRune on every lead byte and every two bytes
// after it against the test it replaced: a lead byte E4–E9, two
// continuation bytes, a character from U+4E00 on, decoded by masks.
func TestCJKRune(t *testing.T) {
	n := 0
	for b0 := range 256 {
		for w := range uint32(1 << 16) {
			b1, b2 := uint8(w), uint8(w>>8)
			want := uint32(b0&0x0f)<<12 | uint32(b1&0x3f)<<6 | uint32(b2&0x3f)
			wantOK := uint8(b0)-0xe4 < 6 && b1&0xc0 == 0x80 && b2&0xc0 == 0x80 && want >= 0x4e00
			r, ok := cjkRune(uint8(b0), w)
			if ok != wantOK || ok && r != want {
				t.Fatalf("cjkRune(%#x, %#x) = %#x, %v; want %#x, %v", b0, w, r, ok, want, wantOK)
			}
			if ok {
				n++
			}
		}
	}
	if n != 0xa000-0x4e00 {
		t.Fatalf("%d characters decoded, want the %d of U+4E00–U+9FFF", n, 0xa000-0x4e00)
	}
}
