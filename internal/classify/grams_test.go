package classify

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// gramsRef is grams as it was written before its tokens came a buffer
// at a time: one loop, a call to next per token.
func (a *acc) gramsRef(s string, lx *cueScanner) textStats {
	const (
		ns   = nsText
		maxN = 3
		nsw  = 1
	)
	var st textStats
	t := tokenizer{s: s, lx: lx}
	seed1 := mix(ns<<56 | 1<<48)
	seed2 := mix(ns<<56 | 2<<48)
	seed3 := mix(ns<<56 | 3<<48)
	p1, p2 := uint32(tokBOS), uint32(0)
	qRun, exRun := 0, 0
	var last uint32
	done := false
	for !done {
		x, ok := t.next()
		if !ok {
			x, done = tokEOS, true
			st.endQuestion = last == '?'
		} else {
			if x != ' ' {
				last = x
				st.tokens++
				// Chinese characters and the rest of U+3040–U+1EFFF
				// are in no group below: one test for most tokens.
				switch {
				case x >= 0x3040 && x < 0x1f000:
				case x == '?':
					st.question++
					st.punct++
				case x == '!':
					st.exclaim++
					st.punct++
				case x >= tokNum && x <= tokPH:
					st.specials++
				case x == tokEmoS || x == tokEmoOther || x >= 0x1f000 && x < tokBase || x >= 0x2600 && x < 0x2800:
					st.emoji++
				case x < 0x80 && x > ' ' && !isLatin(byte(x)), x >= 0x2000 && x < 0x2070, x >= 0x3000 && x < 0x3040:
					st.punct++
				}
			}
			if x == '?' {
				qRun++
				st.maxQRun = max(st.maxQRun, qRun)
			} else if x != ' ' {
				qRun = 0
			}
			if x == '!' {
				exRun++
				st.maxExRun = max(st.maxExRun, exRun)
			} else if x != ' ' {
				exRun = 0
			}
			a.add(bucket(mix(seed1 ^ uint64(x))))
			st.grams++
		}
		if p1 != 0 && maxN >= 2 {
			a.add(bucket(mix(seed2 ^ uint64(p1)<<32 ^ uint64(x))))
			st.grams++
		}
		if p2 != 0 && maxN >= 3 {
			a.add(bucket(mix(mix(seed3^uint64(p2)) ^ uint64(p1)<<32 ^ uint64(x))))
			st.grams++
		}
		p2, p1 = p1, x
	}
	st.cues = t.cues
	a.lastPart, a.lastV = a.part, 0
	if st.grams > 0 {
		a.lastV = nsw * float32(1/math.Sqrt(float64(st.grams)))
		a.endNS(a.lastV)
	}
	return st
}

// checkGrams compares grams with gramsRef on s, in scoring mode (stats,
// sums and logits) and in collect mode (the buckets in order).
func checkGrams(t *testing.T, m *Emotion, s string) {
	t.Helper()
	for _, tbl := range []*weightTable{m.tbl, nil} {
		// With the unigram rows (as the model scores: scoreRun) and
		// without.
		for _, uni := range []*uniRows{m.uni, nil} {
			a := acc{lex: m.lex, tbl: tbl, sigs: m.sigs, uni: uni, scale: m.scale}
			b := acc{lex: m.lex, tbl: tbl, sigs: m.sigs, scale: m.scale}
			a.part, b.part = [nClasses]int32{1, 2, 3}, [nClasses]int32{1, 2, 3}
			var got textStats
			a.grams(&got, s, m.lex.customer)
			want := b.gramsRef(s, m.lex.customer)
			if got != want || a.part != b.part || a.lastPart != b.lastPart || math.Float32bits(a.lastV) != math.Float32bits(b.lastV) ||
				a.logit != b.logit || !slices.Equal(a.feats, b.feats) || !slices.Equal(a.vals, b.vals) {
				t.Fatalf("grams(%q) (scoring %v, rows %v) = %+v, part %v, logits %v, %d features; want %+v, %v, %v, %d",
					s, tbl != nil, uni != nil, got, a.lastPart, a.logit, len(a.feats), want, b.lastPart, b.logit, len(b.feats))
			}
		}
	}
}

// TestGramsMatchesRef checks grams against gramsRef on texts around its
// buffer's size, runs of marks, spaces and NUL tokens.
func TestGramsMatchesRef(t *testing.T) {
	m := loadModel(t)
	cases := []string{"", " ", "?", "好", "好?", "？？？？？", "!!好!!", "在吗 ? ?", "\x00", "a\x00b", "\x00\x00好", "[数字x] #E-s[数字x] ！",
		// Tokens at the unigram rows' end (uniRunes) and past it, which
		// end scoreRun's runs: alone, first, last and between runs.
		"\u9fff", "\ua000", "\ua000好", "好\ua000", "你好\ua000吗\u9fff\ua001?", "好[数字x]好 [订单x][订单x]ab \U0001F600 好好",
		// Runs of marks across spaces (they go on) and Chinese
		// characters, which the statistics' loop does not read (they
		// end them), at the start and at the buffer's edges.
		"??好??", "? ? ?", "?好?", "! !好!!!", "好 ?? 好 ??? ?", strings.Repeat("好", 30) + "??" + strings.Repeat("好", 3) + "?",
		strings.Repeat("好", 31) + " ?" + strings.Repeat("好", 31) + "?? ?", strings.Repeat("?", 31) + "好?",
		// A mark, then a space at a buffer's end and a mark first in the
		// next buffer (the mark before it is two tokens back, in the
		// buffer before).
		strings.Repeat("你好吗", 10) + "? ?", strings.Repeat("你好吗", 10) + "! !",
		// Rows past what one lanes holds (180,000, about 2^15 each,
		// overflow a 32-bit lane): grams takes the state's sums on the
		// way.
		strings.Repeat("怎么还没发货", 10000)}
	for _, r := range []rune{0x9fff, 0xa000, 0x1f600} {
		// Past the buffer's edges.
		for _, n := range []int{30, 31, 32, 33, 64} {
			z := []rune(strings.Repeat("好", 70))
			z[n] = r
			cases = append(cases, string(z))
		}
	}
	for _, n := range []int{30, 31, 32, 33, 63, 64, 65, 100} {
		var s []rune
		for k := range n {
			s = append(s, []rune("你好吗?! 。[")[k%8])
		}
		cases = append(cases, string(s), string(s[:n-1])+"?", string(s)+"  ")
		// A NUL (token 0) at the buffer's edges: no bigram or trigram
		// across it, from there to the end of the text.
		for _, at := range []int{0, 1, 30, 31, 32, 33, n - 1} {
			if at < n {
				z := slices.Clone(s)
				z[at] = 0
				cases = append(cases, string(z))
			}
		}
	}
	for _, s := range cases {
		checkGrams(t, m, s)
	}
}

// FuzzGramsMatchesRef checks grams against gramsRef on any text.
func FuzzGramsMatchesRef(f *testing.F) {
	m := loadModel(f)
	f.Add("怎么还没发货??? 快点！！")
	f.Add("\x00 a [订单x]")
	f.Add("??好?? ? ?好!")
	f.Add("你好\ua000吗\u9fff[数字x]好\U0001F600")
	f.Fuzz(func(t *testing.T, s string) {
		checkGrams(t, m, s)
	})
}

// unigramsRef is unigrams as it was written before its tokens came a
// buffer at a time: one loop, a call to next per token.
func (a *acc) unigramsRef(ns uint64, s string, nsw float32, lx *cueScanner, apply bool) textStats {
	var st textStats
	t := tokenizer{s: s, lx: lx}
	seed1 := mix(ns<<56 | 1<<48)
	for {
		x, ok := t.next()
		if !ok {
			break
		}
		if x != ' ' {
			st.tokens++
		}
		a.add(bucket(mix(seed1 ^ uint64(x))))
		st.grams++
	}
	st.cues = t.cues
	a.lastPart, a.lastV = a.part, 0
	if st.grams > 0 {
		a.lastV = nsw * float32(1/math.Sqrt(float64(st.grams)))
		if apply || a.tbl == nil {
			a.endNS(a.lastV)
		}
	}
	if !apply && a.tbl != nil {
		a.part = [nClasses]int32{}
	}
	return st
}

// checkUnigrams compares unigrams with unigramsRef on s, in scoring mode,
// applied or left open, and in collect mode.
func checkUnigrams(t *testing.T, m *Emotion, s string) {
	t.Helper()
	for _, tbl := range []*weightTable{m.tbl, nil} {
		for _, apply := range []bool{false, true} {
			// With the unigram rows (as the model scores) and without.
			for _, uni := range []*uniRows{m.uni, nil} {
				a := acc{lex: m.lex, tbl: tbl, sigs: m.sigs, uni: uni, scale: m.scale}
				b := acc{lex: m.lex, tbl: tbl, sigs: m.sigs, scale: m.scale}
				a.part, b.part = [nClasses]int32{1, 2, 3}, [nClasses]int32{1, 2, 3}
				var got textStats
				got.tokens = a.unigrams(s, m.lex.agent, apply, &got.cues)
				want := b.unigramsRef(nsAgent, s, agentWeight, m.lex.agent, apply)
				want.grams = 0 // unigrams gives the tokens and the cues
				if got != want || a.part != b.part || a.lastPart != b.lastPart || math.Float32bits(a.lastV) != math.Float32bits(b.lastV) ||
					a.logit != b.logit || !slices.Equal(a.feats, b.feats) || !slices.Equal(a.vals, b.vals) {
					t.Fatalf("unigrams(%q) (scoring %v, apply %v, rows %v) = %+v, part %v, logits %v, %d features; want %+v, %v, %v, %d",
						s, tbl != nil, apply, uni != nil, got, a.lastPart, a.logit, len(a.feats), want, b.lastPart, b.logit, len(b.feats))
				}
			}
		}
	}
}

// TestUnigramsMatchesRef checks unigrams against unigramsRef on texts
// around the buffer's size, with spaces and NUL tokens.
func TestUnigramsMatchesRef(t *testing.T) {
	m := loadModel(t)
	cases := []string{"", " ", "好", "亲 稍等", "\x00", "a\x00b", "抱歉 给您带来不便 [数字x]",
		// Tokens at the unigram rows' end (uniRunes) and past it.
		"\u9fff\ua000\ua001 \U0001F600 abc 好",
		// A space before a lead byte E4–E9 (fillRun emits it, then
		// cjkRows reads the run): a repeat, other characters, bytes
		// that are no character.
		"等等等 等等等等", "好 \u4dff好", "好 \xe4\xb8", "好 \xe4好", " 亲 亲"}
	for _, n := range []int{30, 31, 32, 33, 63, 64, 65, 100} {
		var s []rune
		for k := range n {
			s = append(s, []rune("您好 请稍等。[")[k%8])
		}
		cases = append(cases, string(s), string(s)+"  ")
	}
	// Runs of Chinese characters the tokenizer sums (cjkRows) past
	// maxRowsRun, and past what one lanes holds (153,000 rows, about
	// 2^15 each, overflow a 32-bit lane), with repeats past maxRun.
	cases = append(cases, strings.Repeat("您好请稍等", 60), strings.Repeat("非常抱歉让您久等了", 17000), strings.Repeat("好", 300)+"等等等等等")
	for _, s := range cases {
		checkUnigrams(t, m, s)
	}
}

// FuzzUnigramsMatchesRef checks unigrams against unigramsRef on any text.
func FuzzUnigramsMatchesRef(f *testing.F) {
	m := loadModel(f)
	f.Add("亲，非常抱歉让您久等了 [数字x]")
	f.Add("\u9fff\ua000 \U0001F600 Hello")
	f.Fuzz(func(t *testing.T, s string) {
		checkUnigrams(t, m, s)
	})
}

// TestMixBucket checks mixBucket against bucket(mix(h)) on the keys the
// model hashes: every token code below 2^21 and the placeholders, alone
// and after the namespaces' seeds and previous tokens.
func TestMixBucket(t *testing.T) {
	seeds := []uint64{0}
	for _, ns := range []uint64{nsText, nsAgent, nsSignal} {
		for n := uint64(1); n <= 3; n++ {
			seeds = append(seeds, mix(ns<<56|n<<48))
		}
	}
	for _, seed := range seeds {
		for x := uint64(0); x < tokEmoOther+1; x++ {
			for _, h := range []uint64{seed ^ x, seed ^ x<<32 ^ 0x4f60, mix(seed^x) ^ 0x4f60<<32 ^ x} {
				if got, want := mixBucket(h), bucket(mix(h)); got != want {
					t.Fatalf("mixBucket(%#x) = %d, want %d", h, got, want)
				}
			}
		}
	}
}

// FuzzMixBucket checks mixBucket against bucket(mix(h)) on any key.
func FuzzMixBucket(f *testing.F) {
	f.Add(uint64(0x4f60))
	f.Fuzz(func(t *testing.T, h uint64) {
		if got, want := mixBucket(h), bucket(mix(h)); got != want {
			t.Fatalf("mixBucket(%#x) = %d, want %d", h, got, want)
		}
	})
}

// TestLanesMatchPlus checks lanes against sums.plus on rows of every
// class at the int16 extremes and at random, up to the 65,536 rows lanes
// take, the top 16 bits of a row (the next bucket's) set at random.
func TestLanesMatchPlus(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	extremes := []int16{math.MinInt16, math.MinInt16 + 1, -1, 0, 1, math.MaxInt16 - 1, math.MaxInt16}
	pick := func() int16 {
		if rng.IntN(3) == 0 {
			return extremes[rng.IntN(len(extremes))]
		}
		return int16(rng.Uint32())
	}
	for _, n := range []int{0, 1, 2, 3, 95, 96, 97, 1000, 65535, 65536} {
		for _, same := range []bool{false, true} {
			var l lanes
			var want sums
			w0 := uint64(uint16(pick())) | uint64(uint16(pick()))<<16 | uint64(uint16(pick()))<<32
			for k := 0; k < n; k++ {
				w := w0
				if !same {
					w = uint64(uint16(pick())) | uint64(uint16(pick()))<<16 | uint64(uint16(pick()))<<32
				}
				w |= uint64(rng.Uint32()) << 48
				l = l.plus(w ^ rowBias) // biased, as the table holds it
				want = want.plus(w)
			}
			if got := l.sums(n); got != want {
				t.Fatalf("%d rows (all the same %v): lanes %+v, plus %+v", n, same, got, want)
			}
		}
	}
	// Every row the same extreme, the sums furthest from zero.
	for _, q := range extremes {
		w := uint64(uint16(q)) * 0x0000_0001_0001_0001
		var l lanes
		var want sums
		for k := 0; k < 65536; k++ {
			l = l.plus(w ^ rowBias)
			want = want.plus(w)
		}
		if got := l.sums(65536); got != want {
			t.Fatalf("65,536 rows of %d: lanes %+v, plus %+v", q, got, want)
		}
	}
}

// mixedKeys checks mixedBucket of the folds scoreGrams and unigrams
// build against mixBucket of the keys grams hashed before, for tokens x,
// p1 (the previous one) and p2 (the one before).
func mixedKeys(t *testing.T, x, p1, p2 uint32) {
	t.Helper()
	for _, ns := range []uint64{nsText, nsAgent} {
		seed1, seed2, seed3 := mix(ns<<56|1<<48), mix(ns<<56|2<<48), mix(ns<<56|3<<48)
		h1 := foldHigh(p1)
		m2 := mix(seed3 ^ uint64(p2))
		for _, k := range [][2]uint64{
			{seed1 ^ uint64(x), mixFold(seed1) ^ uint64(x)},
			{seed2 ^ uint64(p1)<<32 ^ uint64(x), mixFold(seed2) ^ h1 ^ uint64(x)},
			{m2 ^ uint64(p1)<<32 ^ uint64(x), mixFold(m2) ^ h1 ^ uint64(x)},
			{m2 ^ uint64(p1)<<32 ^ uint64(x), mixTop(seed3^uint64(p2)) ^ h1 ^ uint64(x)}, // scoreGrams' trigram key
		} {
			if got, want := mixedBucket(k[1]), mixBucket(k[0]); got != want {
				t.Fatalf("tokens %#x %#x %#x: mixedBucket(%#x) = %d, mixBucket(%#x) = %d", p2, p1, x, k[1], got, k[0], want)
			}
		}
	}
}

// TestMixedBucket checks the folded keys on every token below 2^21 (all
// characters) after and before Chinese characters, the token codes above
// it and hashed words (the top bit set).
func TestMixedBucket(t *testing.T) {
	others := []uint32{0, ' ', '?', 0x4f60, 0x9fff, tokBOS, tokEOS, tokPH, tokEmoOther, tokWordBit, tokWordBit | 0x12345, math.MaxUint32}
	for x := uint32(0); x < 1<<21; x++ {
		mixedKeys(t, x, 0x597d, 0x4f60)
		mixedKeys(t, 0x597d, x, others[x%uint32(len(others))])
	}
	for _, x := range others {
		for _, p1 := range others {
			for _, p2 := range others {
				mixedKeys(t, x, p1, p2)
			}
		}
	}
}

// FuzzMixedBucket checks the folded keys on any three tokens.
func FuzzMixedBucket(f *testing.F) {
	f.Add(uint32(0x4f60), uint32(0x597d), uint32(tokBOS))
	f.Fuzz(func(t *testing.T, x, p1, p2 uint32) {
		mixedKeys(t, x, p1, p2)
	})
}

// FuzzMixTop checks mixTop against mixFold(mix(h)), the value it
// stands for, on any key.
func FuzzMixTop(f *testing.F) {
	f.Add(uint64(0))
	f.Add(^uint64(0))
	f.Add(mix(nsText<<56|3<<48) ^ 0x4f60)
	f.Fuzz(func(t *testing.T, h uint64) {
		if got, want := mixTop(h), mixFold(mix(h)); got != want {
			t.Fatalf("mixTop(%#x) = %#x, mixFold(mix) %#x", h, got, want)
		}
	})
}

// plus adds a bucket's row (see weightTable.row) to s the plain way: the
// reference lanes is held to (TestLanesMatchPlus).
func (s sums) plus(w uint64) sums {
	return sums{s.k0 + int32(int16(w)), s.k1 + int32(int16(w>>16)), s.k2 + int32(int16(w>>32))}
}

// FuzzRowOf checks rowOf against row(mixedBucket(g)) on a table of
// random rows.
func FuzzRowOf(f *testing.F) {
	tbl := new(weightTable)
	r := rng{s: 5}
	for i := range tbl[:bucketBytes*nBuckets] {
		tbl[i] = byte(r.next())
	}
	f.Add(uint64(0))
	f.Add(^uint64(0))
	f.Add(uint64(0x123456789abcdef))
	f.Fuzz(func(t *testing.T, g uint64) {
		if got, want := tbl.rowOf(g), tbl.row(mixedBucket(g))^rowBias; got != want {
			t.Fatalf("rowOf(%#x) = %#x, row(mixedBucket) %#x", g, got, want)
		}
	})
}

// TestUniRows holds every row of the model's unigram rows to the
// table's row of the unigram's bucket, bias on, as unigrams and
// scoreGrams read it before the rows were copied out (the agent's and
// the customer's namespace), and the trigram's mixed token and the
// bigram's key (the fold of the seed XOR the token at bit 32) to mix's
// fold, for each token below uniRunes.
func TestUniRows(t *testing.T) {
	m := loadModel(t)
	seed1 := mix(nsAgent<<56 | 1<<48)
	text1, text3 := mix(nsText<<56|1<<48), mix(nsText<<56|3<<48)
	nsText2 := mix(nsText<<56 | 2<<48)
	for x := range uint32(uniRunes) {
		if got, want := m.uni.agent[x], m.tbl.row(mixBucket(seed1^uint64(x)))^rowBias; got != want {
			t.Fatalf("agent unigram row of %#x = %#x, want %#x", x, got, want)
		}
		if got, want := m.uni.text[x].row, m.tbl.row(mixBucket(text1^uint64(x)))^rowBias; got != want {
			t.Fatalf("text unigram row of %#x = %#x, want %#x", x, got, want)
		}
		// The trigram's mixed token and the bigram's key less the next
		// token, each XOR the bigram seed's fold f2 (scoreRun's form).
		f2 := mixFold(mix(nsText<<56 | 2<<48))
		if got, want := m.uni.text[x].tri, mixFold(mix(text3^uint64(x)))^f2; got != want {
			t.Fatalf("trigram key of %#x = %#x, want %#x", x, got, want)
		}
		if got, want := m.uni.text[x].key, mixFold(nsText2^uint64(x)<<32); got != want {
			t.Fatalf("bigram key of %#x = %#x, want %#x", x, got, want)
		}
	}
}

// checkGramState scores the tokens of toks a few at a time (as grams'
// buffers come) through scoreGrams, with the unigram rows and without,
// scoreZeros after a token 0 as grams does, and checks after each call
// that the state's keys are what its last two tokens make: the bigram's
// and the trigram's keys less the next token (b2, b3; grams reads the end
// token's rows from them) and the last token's mixed token XOR the
// bigram seed's fold (m1).
func checkGramState(t *testing.T, m *Emotion, toks []uint32, step int) {
	t.Helper()
	f2 := mixFold(mix(nsText<<56 | 2<<48))
	seed3 := mix(nsText<<56 | 3<<48)
	for _, ur := range []*uniRows{m.uni, nil} {
		h0 := foldHigh(tokBOS)
		g := gramState{p1: tokBOS, b2: f2 ^ h0, b3: mixTop(seed3) ^ h0, m1: mixTop(seed3^tokBOS) ^ f2}
		zeros := false
		for i := 0; i < len(toks); i += step {
			buf := toks[i:min(i+step, len(toks))]
			zeros = zeros || slices.Contains(buf, 0)
			scoreGrams(m.tbl, ur, buf, &g, zeros)
			h1 := foldHigh(g.p1)
			if g.b2 != f2^h1 || g.b3 != mixTop(seed3^uint64(g.p2))^h1 || g.m1 != mixTop(seed3^uint64(g.p1))^f2 {
				t.Fatalf("%x by %d (rows %v), after %d: state %+v, want keys of p1 %#x, p2 %#x", toks, step, ur != nil, i+len(buf), g, g.p1, g.p2)
			}
		}
	}
}

// TestGramState checks checkGramState on tokens below the unigram rows'
// end and past it, and tokens 0.
func TestGramState(t *testing.T) {
	m := loadModel(t)
	cases := [][]uint32{{'?'}, {'好', '?'}, {'好', 0xa000, '吗'}, {tokNum, '好', tokWordBit | 5}, {0, '好'}, {'好', 0, 0xa000, '吗'}, {0x9fff, 0xa000, 0x1f600, ' ', '好'}}
	for _, toks := range cases {
		for _, step := range []int{1, 2, 3, 32} {
			checkGramState(t, m, toks, step)
		}
	}
}

// FuzzGramState checks checkGramState on any tokens, as 16-bit and 32-bit
// values.
func FuzzGramState(f *testing.F) {
	m := loadModel(f)
	f.Add([]byte("\x00好\xa0\x00吗?"), uint8(2))
	f.Fuzz(func(t *testing.T, b []byte, step uint8) {
		var toks []uint32
		for i := 0; i+1 < len(b); i += 2 {
			x := uint32(b[i]) | uint32(b[i+1])<<8
			if x&1 != 0 && i+3 < len(b) {
				x |= uint32(b[i+2])<<16 | uint32(b[i+3])<<24
				i += 2
			}
			toks = append(toks, x)
		}
		checkGramState(t, m, toks, int(step%40)+1)
	})
}
