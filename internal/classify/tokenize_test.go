package classify

import (
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
