package classify

import (
	"strings"
	"testing"

	"fullqa/internal/text"
)

// matcherCues counts cue groups the way the lexicon did before it had its
// own automaton: text.Matcher over every cue word.
func matcherCues(t testing.TB) func(string) [nCues]uint8 {
	var words []string
	var group []uint8
	for g, ws := range cueWords() {
		for _, w := range ws {
			words = append(words, w)
			group = append(group, uint8(g))
		}
	}
	m, err := text.NewMatcher(words)
	if err != nil {
		t.Fatal(err)
	}
	return func(s string) [nCues]uint8 {
		var n [nCues]uint8
		for _, h := range m.Scan(s, nil) {
			if g := group[h.Pattern]; n[g] < 255 {
				n[g]++
			}
		}
		return n
	}
}

// lexiconAgrees reports whether the lexicon's two scans of s, alone and
// as part of the tokenizer's pass, give text.Matcher's counts (want) of
// their groups and 0 for the others.
func lexiconAgrees(l *lexicon, want func(string) [nCues]uint8, s string) (cust, agent, all [nCues]uint8, ok bool) {
	cust, agent, all = l.scan(s), l.scanAgent(s), want(s)
	// The tokenizer's pass counts the same words as a scan of its own.
	a := acc{lex: l}
	var st textStats
	if a.grams(&st, s, l.customer); st.cues != cust {
		return st.cues, agent, all, false
	}
	var ac [nCues]uint8
	if a.unigrams(s, l.agent, true, &ac); ac != agent {
		return cust, ac, all, false
	}
	for g := range all {
		isAgent := g >= cueApology && g <= cueEmoji
		if isAgent && (agent[g] != all[g] || cust[g] != 0) || !isAgent && (cust[g] != all[g] || agent[g] != 0) {
			return cust, agent, all, false
		}
	}
	return cust, agent, all, true
}

// TestLexiconScan checks the lexicon's counts against text.Matcher's on
// overlapping words, words in several groups, runs past the 255 cap,
// placeholders and broken UTF-8.
func TestLexiconScan(t *testing.T) {
	want := matcherCues(t)
	l := newLexicon()
	for _, s := range []string{
		"", "好", "不好意思，不行，不可以", "不满意不满意", "?？??？?", "ok OK Ok", "#E-s[数字x]",
		"我要打12315投诉", "谢谢谢谢谢谢", "还不行吗？？", "好的好的好评", strings.Repeat("？", 300),
		strings.Repeat("谢谢", 200), "\xe4\xb8不行\xff好", "不\xe5行", "非常满意，生活愉快，再见",
		"已经为您申请已经帮您处理好", "怎么还没到啊到底怎么回事", "\U0001F600好的", "\u00a0在吗\u3000",
		"你们[数字x]天了还没到", "ok好的OK", "12315投诉", "#E-s[数字x]抱歉", "http://a.b?? 谢谢", "&gt;&gt;??",
		"不[好意思", "还\xe4没", "？？ ？？", "生气了!!!!!!", "好 的 谢 谢", "对不起，无法办到哦亲",
	} {
		if c, a, w, ok := lexiconAgrees(l, want, s); !ok {
			t.Errorf("%q: customer scan %v, agent scan %v, want %v split between them", s, c, a, w)
		}
	}
}

// FuzzLexiconScan compares the lexicon's counts with text.Matcher's.
func FuzzLexiconScan(f *testing.F) {
	want := matcherCues(f)
	l := newLexicon()
	f.Add("不好意思，不行")
	f.Add("还没到吗？？")
	f.Fuzz(func(t *testing.T, s string) {
		if c, a, w, ok := lexiconAgrees(l, want, s); !ok {
			t.Fatalf("%q: customer scan %v, agent scan %v, want %v split between them", s, c, a, w)
		}
	})
}

// TestPlaceholderWord checks that placeholderWord knows every word of
// placeholderKinds, with its kind's token, and that placeholder's answer
// for labels of one word and the x (which takes placeholderWord's path)
// and for others is the kinds' search in order.
func TestPlaceholderWord(t *testing.T) {
	search := func(c string) uint32 {
		for _, k := range placeholderKinds {
			for _, w := range k.words {
				if strings.Contains(c, w) {
					return k.tok
				}
			}
		}
		return tokPH
	}
	var labels []string
	for _, k := range placeholderKinds {
		for _, w := range k.words {
			if got := placeholderWord(w); got != k.tok {
				t.Errorf("placeholderWord(%q) = %d, want %d", w, got, k.tok)
			}
			labels = append(labels, w+"x", "1"+w+"x", w+w+"x", w+"1x", "商品"+w+"x")
		}
	}
	labels = append(labels, "商品x", "数x", "字数x", "数字 x", "abcdefx", "\xe6\x95\xb0\xe5\xad\x97x", "数\xe5\xad\x97x", "数\xe5\xadx")
	for _, c := range []string{"数", "订单x", "数字x ", "", "x", "ab", "商品"} {
		if got := placeholderWord(c); got != 0 {
			t.Errorf("placeholderWord(%q) = %d, want 0", c, got)
		}
	}
	for _, c := range labels {
		tok, n := placeholder("[" + c + "]")
		if want := search(c); tok != want || n != len(c)+2 {
			t.Errorf("placeholder(%q) = %d, %d, want %d, %d", "["+c+"]", tok, n, want, len(c)+2)
		}
	}
}

// stepRef is step as it was before the automaton became a table: the
// children of st and of its suffixes searched on every character.
func (l *cueScanner) stepRef(st int16, c uint8, n *[nCues]uint8) int16 {
	for {
		if st == 0 {
			st = l.root[c]
			break
		}
		nd := &l.nodes[st]
		next := int16(-1)
		for _, k := range l.kids[nd.kids : nd.kids+nd.nKid] {
			if k.class == c {
				next = k.next
				break
			}
		}
		if next >= 0 {
			st = next
			break
		}
		st = nd.fail
	}
	if nd := &l.nodes[st]; nd.nOut > 0 {
		for _, g := range l.outs[nd.outs : nd.outs+nd.nOut] {
			if n[g] < 255 {
				n[g]++
			}
		}
	}
	return st
}

// TestStepMatchesRef checks step against stepRef from every state of
// both automata on every class, the counts included (from zero and near
// their cap of 255); step names a state by its row's offset (at), and on
// class 0 (a character in no word) stepRef was not called: the root
// came next.
func TestStepMatchesRef(t *testing.T) {
	lex := newLexicon()
	for _, l := range []*cueScanner{lex.customer, lex.agent} {
		if l.at(0) != 0 {
			t.Fatalf("the root is at %d, want 0", l.at(0))
		}
		for st := range l.nodes {
			for c := 0; c < l.classes; c++ {
				for _, start := range []uint8{0, 254, 255} {
					var a, b [nCues]uint8
					for g := range a {
						a[g], b[g] = start, start
					}
					got, want := l.step(l.at(int16(st)), uint8(c), &a), int16(0)
					if c != 0 {
						want = l.stepRef(int16(st), uint8(c), &b)
					}
					if l.stateAt(got) != want || got != l.at(want) || a != b {
						t.Fatalf("step(%d, %d) = %d, counts %v; stepRef %d, %v", st, c, got, a, want, b)
					}
				}
			}
		}
	}
}

// TestCJKClass holds the tokenizer's table of the classes of U+4E00–
// U+9FFF to the class the scanner's decoder gives each character (class,
// through pages), for both automata.
func TestCJKClass(t *testing.T) {
	lex := newLexicon()
	for _, l := range []*cueScanner{lex.customer, lex.agent} {
		for r := rune(0x4e00); r < 0xa000; r++ {
			want, _ := l.class(string(r), 0)
			if got := l.cjk[r-0x4e00]; got != want {
				t.Fatalf("class of %U in the tokenizer's table is %d, want %d", r, got, want)
			}
		}
	}
}

// stateAt is the state whose row is at offset at of l's delta (the
// tests' inverse of at).
func (l *cueScanner) stateAt(at uint16) int16 { return l.byOrder[int(at)/(l.classes+1)] }
