package classify

import (
	"encoding/binary"
	"math"
	"math/bits"
	"unicode/utf8"

	"fullqa/internal/text"
)

// hashBits is the log2 of the number of hashed feature buckets. 2^16 buckets
// (a 384 KiB scoring table, see weightTable, which fits a core's L2 cache) score as well
// by cross-validation as 2^18 did (macro-F1 0.617 against 0.619, inside the
// seed-to-seed spread) and make scanning faster.
const (
	hashBits = 16
	nBuckets = 1 << hashBits
	nClasses = 3
)

// Feature namespaces: the same n-gram means something different in the
// customer's message, in the agent's text before it and in the customer's
// previous message, so each gets its own hash seed.
const (
	nsText uint64 = iota + 1
	nsAgent
	nsSignal
)

// maxContextBytes bounds how much of the agent's and the previous customer's
// text is read: the end of it is what the customer is answering, and the bound
// keeps scoring time proportional to the customer's own text.
const maxContextBytes = 96

// agentWeight scales the agent-text unigrams. Cross-validation showed that
// agent n-grams at full weight overfit the few thousand labelled turns (they
// cost about 0.02 macro-F1); at a quarter weight they neither help nor hurt
// there, and they let the model react to agent wording the flags miss.
const agentWeight = 0.25

// acc accumulates the features of one Context. In scoring mode (tbl set) it
// sums quantised weights straight into logits, so scoring needs no buffers; in
// collect mode it records bucket indices and values for training. One code
// path feeds both, so training and prediction see the very same features.
type acc struct {
	lex   *lexicon
	tbl   *weightTable
	sigs  *sigRows // scoring mode only
	uni   *uniRows // scoring mode only, may be nil
	scale float32
	part  [nClasses]int32
	logit [nClasses]float32

	feats []uint32
	vals  []float32
	mark  int

	memo *cueMemo // set when scoring a conversation's messages in order

	// lastPart and lastV are the last grams call's summed weights and
	// namespace value (scoring mode), for the agent memo.
	lastPart [nClasses]int32
	lastV    float32
}

// cueMemo remembers the cue scan of the last customer text scored in a
// Session. The next customer message's previous customer text is usually
// that very text, and scanning it again is a sixth of the scoring time.
type cueMemo struct {
	text string
	cues [nCues]uint8
	ok   bool

	// bloom is the Bloom filter of text's rune bigrams as repeatLevel
	// builds it for a previous text, when hasBloom: repeatLevel reads
	// every short text's bigrams anyway, and the next message compares
	// itself against it.
	bloom    [8]uint64
	hasBloom bool

	// The agent context's features, kept for the next customer message
	// of the same turn: customers often write several messages in a row
	// after one agent turn, and each is scored against that same turn.
	agent agentMemo
}

// agentMemo is what extract computes from the agent context alone: its cue
// counts, the summed weights of its n-grams (whole numbers, so adding them
// back gives bit for bit the logits computing them gives) with their
// namespace value, and its token count.
type agentMemo struct {
	text   string
	cues   [nCues]uint8
	part   [nClasses]int32
	v      float32
	tokens int
	ok     bool
}

// add counts one occurrence of bucket b in the current namespace.
func (a *acc) add(b uint32) {
	if a.tbl != nil {
		w := a.tbl.row(b)
		a.part[0] += int32(int16(w))
		a.part[1] += int32(int16(w >> 16))
		a.part[2] += int32(int16(w >> 32))
		return
	}
	a.feats = append(a.feats, b)
}

// sums is part while grams reads a text: a struct of three rather than
// an array, so that the sums can stay in registers. Integer sums are
// exact, so adding them to part at the end gives part to the bit.
type sums struct{ k0, k1, k2 int32 }

// lanes sums rows with two additions a row instead of three sign
// extensions, two shifts and three additions: the table holds each
// class's int16 q as the uint16 q + 2^15 (weightTable's bias, which
// rowOf leaves on: row XOR rowBias), and classes 0 and 2 sit in a's
// 32-bit lanes, whose upper 16 bits take the carries of up to 65,536
// rows. b sums the whole rows, unmasked: b - a is then the sum of the
// rows' other 16-bit parts, class 1 at bit 16 (its sum, below 2^32,
// ends under bit 48) and the next bucket's first class at bit 48, which
// sums drops. So a row costs one mask, whose constant is the only one
// the loop keeps in a register; sums takes the bias off. The sums are
// whole numbers, so they are the same as plus gives (TestLanesMatchPlus),
// and a scoring loop keeps two values in registers instead of three.
type lanes struct{ a, b uint64 }

const (
	rowBias   = 0x0000_8000_8000_8000
	laneMaskA = 0x0000_ffff_0000_ffff
)

// plus adds row w as the table holds it, biased (rowOf's; a value, not
// a pointer, method: the lanes stay in registers).
func (l lanes) plus(w uint64) lanes {
	return lanes{l.a + w&laneMaskA, l.b + w}
}

// sums returns the sums of the n rows added, n at most 65,536.
func (l lanes) sums(n int) sums {
	off := int64(n) << 15
	return sums{int32(int64(uint32(l.a)) - off), int32(int64(uint32((l.b-l.a)>>16)) - off), int32(int64(l.a>>32) - off)}
}

// add returns s + t.
func (s sums) add(t sums) sums { return sums{s.k0 + t.k0, s.k1 + t.k1, s.k2 + t.k2} }

// endNS closes a namespace whose features all have value v.
func (a *acc) endNS(v float32) {
	if a.tbl != nil {
		// The three classes written out, not looped over: the same
		// operations in the same order (each class's sum times the
		// scale, times v, added to its logit), without the loop's
		// index and tests (TestEndNSMatchesRef).
		const _ = uint(nClasses-3) + uint(3-nClasses) // three classes, or this fails to compile
		sc := a.scale
		a.logit[0] += float32(a.part[0]) * sc * v
		a.logit[1] += float32(a.part[1]) * sc * v
		a.logit[2] += float32(a.part[2]) * sc * v
		a.part = [nClasses]int32{}
		return
	}
	for i := a.mark; i < len(a.feats); i++ {
		a.vals = append(a.vals, v)
	}
	a.mark = len(a.feats)
}

// mix is the 64-bit finaliser of MurmurHash3: cheap and well spread.
func mix(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// bucket maps a 64-bit feature hash to a bucket index.
func bucket(h uint64) uint32 { return uint32(h >> (64 - hashBits)) }

// mixBucket is bucket(mix(h)) without mix's last step, h ^= h >> 33,
// which changes none of the top hashBits bits (it XORs bit j with bit
// j+33): three instructions of a dozen for every n-gram scored.
// FuzzMixBucket checks it against bucket(mix(h)).
func mixBucket(h uint64) uint32 {
	h ^= h >> 33
	return mixedBucket(h)
}

// mixedBucket is mixBucket(h) given h's first step, mixFold(h). The
// n-gram keys are a seed or a mixed token XOR tokens (below 2^32) placed
// at bits 0 and 32, and mixFold distributes over XOR: the fold of a key
// is the fold of its seed (a constant) or of its mixed token (once a
// token) XOR the folds of the tokens, of which the one at bit 0 is the
// token itself and the one at bit 32 (foldHigh of the previous token, in
// both the bigram's and the trigram's key) is the same for two n-grams.
// TestMixedBucket and FuzzMixedBucket check the keys' folds against
// mixBucket.
func mixedBucket(g uint64) uint32 {
	g *= 0xff51afd7ed558ccd
	g ^= g >> 33
	g *= 0xc4ceb9fe1a85ec53
	return uint32(g >> (64 - hashBits))
}

// rowOf is tbl.row(mixedBucket(g)) with the table's bias left on (XOR
// rowBias), as lanes adds it, the bucket's byte offset taken from
// the hash's top bits as a uint64: the compiler then knows it below the
// table's end (no bounds check) and needs no zero extensions, two
// instructions fewer for each of the three rows of a token. FuzzRowOf
// checks it against row(mixedBucket(g)).
func (t *weightTable) rowOf(g uint64) uint64 {
	g *= 0xff51afd7ed558ccd
	g ^= g >> 33
	g *= 0xc4ceb9fe1a85ec53
	return binary.LittleEndian.Uint64(t[g>>(64-hashBits)*bucketBytes:])
}

// mixFold is mix's first step.
func mixFold(h uint64) uint64 { return h ^ h>>33 }

// mixTop is mixFold(mix(h)): mix without its last step, h ^= h>>33,
// which mixFold's same step undoes (y ^ y>>33 is its own inverse on 64
// bits, for y>>33>>33 is 0), so the trigram's mixed token costs two
// shifts and two XORs less. TestMixTop and FuzzMixTop check it.
func mixTop(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	return h
}

// foldHigh is mixFold(uint64(p)<<32): a token's part of the fold of the
// keys that hold it at bit 32.
func foldHigh(p uint32) uint64 { return uint64(p)<<32 ^ uint64(p>>1) }

// textStats are the counts a pass over a text's tokens gathers on the way.
type textStats struct {
	tokens      int // tokens other than spaces
	specials    int // placeholders, numbers, links
	punct       int
	question    int // '?' tokens (runs capped at maxRun)
	exclaim     int
	maxQRun     int
	maxExRun    int
	emoji       int // #E- codes and pictographic runes
	grams       int
	endQuestion bool // the last non-space token is '?'

	cues [nCues]uint8 // the cue words of the lexicon the pass was given
}

// grams adds the 1..3-grams of the customer's text s in namespace nsText,
// framed by start and end tokens, and writes what it saw into st, which
// must be zero (the caller's, not a value returned: no copy of it), with
// the cue words of lx counted on the same pass when lx is set. The
// n-grams of a text share the value 1/√count, so a long text does not
// outvote everything else by its length. The namespace, the n and the
// value are constants so that the hash seeds are too and the loop tests
// no n.
func (a *acc) grams(st *textStats, s string, lx *cueScanner) {
	const (
		ns  = nsText
		nsw = 1
	)
	t := tokenizer{s: s, lx: lx}
	seed1 := mix(ns<<56 | 1<<48)
	seed2 := mix(ns<<56 | 2<<48)
	seed3 := mix(ns<<56 | 3<<48)
	// The tokens come a buffer at a time, and each buffer is read twice
	// by loops that make no call per token (but to grow feats in collect
	// mode): one for the statistics, one for the n-grams (scoreGrams in
	// scoring mode), each with few enough values to keep them in
	// registers. The n-grams are added in the order of the tokens, their
	// sums (exact, as integers) kept in ps and added to part at the end.
	// FuzzGramsMatchesRef checks all of it against the one loop this
	// replaced.
	var buf [32]uint32
	tbl, ur := a.tbl, a.uni
	var ps sums
	// The state at the text's start: the start token, none (0) before
	// it (constants: the compiler folds the hashes).
	h0 := foldHigh(tokBOS)
	g := gramState{p1: tokBOS, b2: mixFold(seed2) ^ h0, b3: mixTop(seed3) ^ h0, m1: mixTop(seed3^tokBOS) ^ mixFold(seed2)}
	qRun, exRun := 0, 0
	all, grams := 0, 0 // all: every token, spaces included
	for {
		nb := t.fill(&buf)
		all += nb
		// The tokens but those cjk wrote (cjkAt): Chinese characters
		// and the rest of U+3040–U+1EFFF are in no group below, and
		// spaces in none. Neither is counted here (the tokens are all
		// but the spaces, which the tokenizer counts) nor ends a run
		// of marks here: a mark's run goes on from the token before
		// it, spaces skipped (markBefore), the rare mark looking back
		// where every token ended the runs. So the loop reads none of
		// the Chinese characters of most runs.
		for m := uint32(uint64(1)<<(nb&63)-1) &^ t.cjkAt; m != 0; m &= m - 1 {
			j := bits.TrailingZeros32(m)
			x := buf[j&(len(buf)-1)] // j < 32: no bounds check
			if x-0x3040 < 0x1f000-0x3040 || x == ' ' {
				continue
			}
			switch {
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
			if x == '?' {
				if markBefore(buf[:nb], j, g.p1, g.p2) == '?' {
					qRun++
				} else {
					qRun = 1
				}
				st.maxQRun = max(st.maxQRun, qRun)
			}
			if x == '!' {
				if markBefore(buf[:nb], j, g.p1, g.p2) == '!' {
					exRun++
				} else {
					exRun = 1
				}
				st.maxExRun = max(st.maxExRun, exRun)
			}
		}
		if tbl != nil {
			grams += scoreGrams(tbl, ur, buf[:nb], &g, t.zeros)
			if g.n >= 1<<15 {
				// Far below the 65,536 rows lanes holds.
				ps = ps.add(g.l.sums(g.n))
				g.l, g.n = lanes{}, 0
			}
		} else {
			p1, p2 := g.p1, g.p2
			for _, x := range buf[:nb] {
				a.feats = append(a.feats, mixBucket(seed1^uint64(x)))
				grams++
				if p1 != 0 {
					a.feats = append(a.feats, mixBucket(seed2^uint64(p1)<<32^uint64(x)))
					grams++
				}
				if p2 != 0 {
					a.feats = append(a.feats, mixBucket(mix(seed3^uint64(p2))^uint64(p1)<<32^uint64(x)))
					grams++
				}
				p2, p1 = p1, x
			}
			g.p1, g.p2 = p1, p2
		}
		if nb < len(buf) {
			break
		}
	}
	// The end token: n-grams but no unigram and no statistics. The last
	// token is never a space (next gives a space only before a token).
	p1, p2 := g.p1, g.p2
	st.endQuestion = p1 == '?'
	if tbl != nil {
		// In scoring mode from the state's keys, as scoreGrams adds a
		// token's: g.b2 ^ tokEOS and g.b3 ^ tokEOS are the folds of
		// the bigram's and the trigram's keys below (mixedBucket of a
		// key's fold is mixBucket of the key), so no key is mixed
		// again (FuzzGramsMatchesRef).
		if p1 != 0 {
			g.l = g.l.plus(tbl.rowOf(g.b2 ^ tokEOS))
			g.n++
			grams++
		}
		if p2 != 0 {
			g.l = g.l.plus(tbl.rowOf(g.b3 ^ tokEOS))
			g.n++
			grams++
		}
	} else {
		if p1 != 0 {
			a.add(mixBucket(seed2 ^ uint64(p1)<<32 ^ uint64(tokEOS)))
			grams++
		}
		if p2 != 0 {
			a.add(mixBucket(mix(seed3^uint64(p2)) ^ uint64(p1)<<32 ^ uint64(tokEOS)))
			grams++
		}
	}
	ps = ps.add(g.l.sums(g.n))
	st.tokens, st.grams = all-t.spaces, grams
	a.part[0] += ps.k0
	a.part[1] += ps.k1
	a.part[2] += ps.k2
	st.cues = t.cues
	a.lastPart, a.lastV = a.part, 0
	if st.grams > 0 {
		a.lastV = nsw * float32(1/math.Sqrt(float64(st.grams)))
		a.endNS(a.lastV)
	}
}

// markBefore returns the token before buf[j], spaces skipped, given p1
// and p2, the last two tokens before buf: grams' runs of marks go on
// across spaces and end at any other token. A space is never the first
// token, nor follows a space, so one look past it is enough.
// FuzzGramsMatchesRef holds the runs to the loop that ended them at
// every token.
func markBefore(buf []uint32, j int, p1, p2 uint32) uint32 {
	t1, t2 := p1, p2
	switch {
	case j >= 2:
		t1, t2 = buf[j-1], buf[j-2]
	case j == 1:
		t1, t2 = buf[0], p1
	}
	if t1 == ' ' {
		return t2
	}
	return t1
}

// gramState is what grams' n-gram loop in scoring mode carries from one
// buffer of a text to the next: the last two tokens, the bigram's and the
// trigram's keys less the next token and the last token's mixed token
// (b2, b3, m1; see scoreGrams), made when the tokens are read rather than
// again from them at every buffer, and the rows summed so far in l (n of
// them; grams takes their sums at the end). m1 is held XOR the bigram
// seed's fold f2, as uniRows holds the mixed tokens, so that scoreRun
// takes and gives it as it is (see there).
type gramState struct {
	p1, p2     uint32
	b2, b3, m1 uint64
	l          lanes
	n          int
}

// scoreGrams is grams' n-gram loop in scoring mode for the tokens of
// buf, after the state g of the text's tokens before them: it leaves in g
// the state after them and returns the number of n-grams. A function of
// its own, reading g into locals and writing it back once, so that its
// values stay in registers. zeros says whether the text has a token 0 (a
// NUL character), after which grams has no bigram and no trigram
// (scoreZeros); without one, only a text's first token comes after a 0
// (p2 at the start), and the loop tests nothing.
//
// The keys are hashed from their folds (mixedBucket): the seeds' folds
// are constants, the previous token's part (h1) serves the bigram and
// the trigram, and the trigram's mixed token two back (m2) is mixed and
// folded once, when it is the last token (m1). The rows are read by
// rowOf and summed in lanes, at most 96 of them (a buffer of 32 tokens).
// With ur (the unigram rows of a loaded model; nil for a model trained or
// cross-fitted in this process, which quantise leaves without them, and in
// the tests of the hashed path), runs of tokens below
// uniRunes (most text: Chinese, ASCII, punctuation) are read by
// scoreRun, the others here; ur's table must then be tbl (a model's
// uni.tbl is its tbl).
func scoreGrams(tbl *weightTable, ur *uniRows, buf []uint32, g *gramState, zeros bool) int {
	if zeros {
		return scoreZeros(tbl, buf, g)
	}
	if len(buf) == 0 {
		return 0
	}
	f1 := mixFold(mix(nsText<<56 | 1<<48)) // constants, as in grams
	f2 := mixFold(mix(nsText<<56 | 2<<48))
	seed3 := mix(nsText<<56 | 3<<48)
	// The bigram's and the trigram's keys less the token (b2, b3),
	// made when the token before is read: fewer values live across the
	// loop, which then keeps them all in registers.
	b2, b3, m1, l := g.b2, g.b3, g.m1, g.l
	n := 3 * len(buf)
	if g.p2 == 0 {
		// The text's first token, after the start token (p1; no
		// token is 0 in a text without zeros, so only the first
		// comes after a 0), has no trigram: the loop adds its row
		// all the same, and l goes on without it (the lanes are
		// sums modulo 2^64, so taking a row off before it is added
		// gives the same bits as never adding it). FuzzGramsMatchesRef
		// holds it to the loop that tested p1 and p2 at every token.
		w := tbl.rowOf(b3 ^ uint64(buf[0]))
		l = lanes{l.a - w&laneMaskA, l.b - w}
		n--
	}
	for j := 0; j < len(buf); j++ {
		if ur != nil {
			var r int
			r, b2, b3, m1, l = scoreRun(ur, buf[j:], b2, b3, m1, l)
			if j += r; j == len(buf) {
				break
			}
		}
		x := buf[j]
		k := uint64(x)
		l = l.plus(tbl.rowOf(f1 ^ k))
		l = l.plus(tbl.rowOf(b2 ^ k))
		l = l.plus(tbl.rowOf(b3 ^ k))
		h := foldHigh(x)
		b2, b3, m1 = f2^h, m1^f2^h, mixTop(seed3^k)^f2
	}
	g.b2, g.b3, g.m1, g.l, g.n = b2, b3, m1, l, g.n+n
	if len(buf) > 1 {
		g.p2 = buf[len(buf)-2]
	} else {
		g.p2 = g.p1 // the token before buf when buf is one token
	}
	g.p1 = buf[len(buf)-1]
	return n
}

// scoreZeros is scoreGrams for the tokens of a text with a token 0 (a
// NUL character), after which a token has no bigram and the next no
// trigram: the one loop that tests p1 and p2 at every token, in a
// function of its own, which such a rare text alone calls.
//
//go:noinline
func scoreZeros(tbl *weightTable, buf []uint32, g *gramState) int {
	f1 := mixFold(mix(nsText<<56 | 1<<48)) // constants, as in grams
	f2 := mixFold(mix(nsText<<56 | 2<<48))
	seed3 := mix(nsText<<56 | 3<<48)
	p1, p2 := g.p1, g.p2
	h1 := foldHigh(p1)
	m1, m2 := mixTop(seed3^uint64(p1)), mixTop(seed3^uint64(p2))
	l := g.l
	n := 0
	for _, x := range buf {
		k := uint64(x)
		l = l.plus(tbl.rowOf(f1 ^ k))
		n++
		if p1 != 0 {
			l = l.plus(tbl.rowOf(f2 ^ h1 ^ k))
			n++
		}
		if p2 != 0 {
			l = l.plus(tbl.rowOf(m2 ^ h1 ^ k))
			n++
		}
		p2, p1 = p1, x
		h1, m2, m1 = foldHigh(x), m1, mixTop(seed3^k)
	}
	*g = gramState{p1, p2, f2 ^ h1, m2 ^ h1, m1 ^ f2, l, g.n + n}
	return n
}

// scoreRun is scoreGrams' loop over the tokens of buf from the first
// while they are below uniRunes, their unigram's row, their trigram's
// mixed token and their bigram's key read from ur where the loop hashed
// them (about 55 instructions a token where it took 100: the loop also
// spilled less). It returns how many tokens it read, and the keys, the
// mixed token (as gramState holds it, XOR f2) and the lanes after them.
// Not inlined, so that scoreGrams' values are not live in its loop; a
// loop with the table's test and the hash in one body spilled more than
// it saved.
//
//go:noinline
func scoreRun(ur *uniRows, buf []uint32, b2, b3, m uint64, l lanes) (int, uint64, uint64, uint64, lanes) {
	tbl := &ur.tbl
	_ = ur.agent[0] // checked for nil once, not at every token
	// The mixed token comes, and is carried, as the rows hold it, XOR
	// f2, so that the trigram's key less the next token is m ^ key and
	// the loop keeps no f2 in a register.
	for j, x := range buf {
		if x >= uniRunes {
			return j, b2, b3, m, l
		}
		k := uint64(x)
		e := &ur.text[x]
		l = l.plus(e.row)
		l = l.plus(tbl.rowOf(b2 ^ k))
		l = l.plus(tbl.rowOf(b3 ^ k))
		b2, b3, m = e.key, m^e.key, e.tri
	}
	return len(buf), b2, b3, m, l
}

// unigrams adds the unigrams of the agent's text s in namespace nsAgent
// with the value agentWeight/√count, with the cue words of lx counted on
// the same pass when lx is set, and returns the token count and writes
// the cue words into cues (when set), of which only those are read (no
// textStats to copy back): grams' features for n = 1, in the same
// order, without the statistics of the customer's own text. In
// scoring mode, unless apply, the namespace is left open: lastPart and
// lastV say what closing it would add, and part is left empty. As in
// grams, the tokens come a buffer at a time, read by a loop that makes
// no call per token; FuzzUnigramsMatchesRef checks it against the loop
// calling next it replaced.
func (a *acc) unigrams(s string, lx *cueScanner, apply bool, cues *[nCues]uint8) int {
	const (
		ns  = nsAgent
		nsw = agentWeight
	)
	t := tokenizer{s: s, lx: lx}
	if a.tbl != nil && a.uni != nil && lx != nil {
		// The Chinese characters' rows summed by the tokenizer
		// (cjkRows), the other tokens' here.
		t.rows = (*[0xa000 - 0x4e00]uint64)(a.uni.agent[0x4e00:])
	}
	grams := 0
	seed1 := mix(ns<<56 | 1<<48)
	var buf [32]uint32
	tbl := a.tbl
	var ps sums
	f1 := mixFold(seed1)
	for {
		nb := t.fill(&buf)
		if t.nRows > 0 {
			ps = ps.add(t.sum.sums(t.nRows))
			grams += t.nRows
			t.sum, t.nRows = lanes{}, 0
		}
		if tbl != nil {
			// The keys hashed from their folds, the rows summed in
			// lanes, as in scoreGrams; the rows of the tokens below
			// uniRunes (nearly all) read from the unigram rows when
			// the model has them.
			var l lanes
			if ur := a.uni; ur != nil {
				for _, x := range buf[:nb] {
					if x < uint32(len(ur.agent)) {
						l = l.plus(ur.agent[x])
					} else {
						l = l.plus(tbl.rowOf(f1 ^ uint64(x)))
					}
				}
			} else {
				for _, x := range buf[:nb] {
					l = l.plus(tbl.rowOf(f1 ^ uint64(x)))
				}
			}
			ps = ps.add(l.sums(nb))
		} else {
			for _, x := range buf[:nb] {
				a.feats = append(a.feats, mixBucket(seed1^uint64(x)))
			}
		}
		grams += nb
		if nb < len(buf) {
			break
		}
	}
	a.part[0] += ps.k0
	a.part[1] += ps.k1
	a.part[2] += ps.k2
	if cues != nil {
		*cues = t.cues
	}
	a.lastPart, a.lastV = a.part, 0
	if grams > 0 {
		a.lastV = nsw * float32(1/math.Sqrt(float64(grams)))
		if apply || a.tbl == nil {
			a.endNS(a.lastV)
		}
	}
	if !apply && a.tbl != nil {
		a.part = [nClasses]int32{}
	}
	// The tokens but spaces, which the tokenizer counted as it gave
	// them: no test of every token here.
	return grams - t.spaces
}

// Signal groups. A signal is a (group, value) pair hashed into the signal
// namespace; crossing groups lets a linear model express "a short reply right
// after an apology" without a hidden layer.
const (
	sigBias = iota + 1
	sigLen
	sigQuestion
	sigExclaim
	sigQRun
	sigExRun
	sigOnlySpecial
	sigEmoji
	sigNegWord
	sigPosWord
	sigUrgeWord
	sigAckWord
	sigRepeat
	sigAgentNone
	sigAgentFlag
	sigAgentLen
	sigLenXAgent
	sigPrevNone
	sigPrevQRun
	sigPrevNegWord
	sigEndQuestion
	sigAckXAgent
	sigNegWeakWord

	sigGroups // one past the last group
)

// sigBase adds the signals every message has, in this order: the bias,
// the length bucket lb, the question and exclamation counts q and e
// (each below sigSmall, as lenBucket's and extract's are). In scoring
// mode it adds their rows from sigRows, as sig does, with one call for
// the four (TestSigBase).
func (a *acc) sigBase(lb, q, e int) {
	if r := a.sigs; r != nil && a.tbl != nil && uint(lb|q|e) < sigSmall {
		const m = sigSmall - 1 // the values as they are: no bounds check
		w0, w1, w2, w3 := r.small[sigBias][0], r.small[sigLen][lb&m], r.small[sigQuestion][q&m], r.small[sigExclaim][e&m]
		a.part[0] += int32(int16(w0)) + int32(int16(w1)) + int32(int16(w2)) + int32(int16(w3))
		a.part[1] += int32(int16(w0>>16)) + int32(int16(w1>>16)) + int32(int16(w2>>16)) + int32(int16(w3>>16))
		a.part[2] += int32(int16(w0>>32)) + int32(int16(w1>>32)) + int32(int16(w2>>32)) + int32(int16(w3>>32))
		return
	}
	a.sig(sigBias, 0)
	a.sig(sigLen, lb)
	a.sig(sigQuestion, q)
	a.sig(sigExclaim, e)
}

// sig adds signal (group, value).
func (a *acc) sig(group, value int) {
	if a.sigs != nil && a.tbl != nil {
		switch {
		case uint(value) < sigSmall:
			a.addRow(a.sigs.small[group][value])
			return
		case group == sigLenXAgent && value>>8 < sigLenBuckets && value&0xff < sigSmall:
			a.addRow(a.sigs.lenX[value>>8][value&0xff])
			return
		}
	}
	a.add(sigBucket(group, value))
}

// sigBucket is the bucket of signal (group, value).
func sigBucket(group, value int) uint32 {
	return bucket(mix(nsSignal<<56 ^ uint64(group)<<32 ^ uint64(uint32(value))))
}

// addRow is add in scoring mode for a bucket whose row is at hand.
func (a *acc) addRow(w uint64) {
	a.part[0] += int32(int16(w))
	a.part[1] += int32(int16(w >> 16))
	a.part[2] += int32(int16(w >> 32))
}

// sigSmall bounds the signal values whose rows sigRows keeps, and
// sigLenBuckets the length buckets of sigLenXAgent (lenBucket's 0–9).
const (
	sigSmall      = 16
	sigLenBuckets = 10
)

// sigRows holds the weight rows of the signals every message adds (a
// dozen of them, nearly all of small values), copied out of the model's
// table at load: read from 4 KiB that stay in the cache instead of hashed
// and fetched from anywhere in the table. The values are the table's, so
// the sums are the same to the bit.
type sigRows struct {
	small [sigGroups][sigSmall]uint64     // (group, value) for values below sigSmall
	lenX  [sigLenBuckets][sigSmall]uint64 // sigLenXAgent's (lenBucket<<8 | flag)
}

// newSigRows copies the signal rows out of t.
func newSigRows(t *weightTable) *sigRows {
	r := &sigRows{}
	for g := range r.small {
		for v := range r.small[g] {
			r.small[g][v] = t.row(sigBucket(g, v))
		}
	}
	for lb := range r.lenX {
		for f := range r.lenX[lb] {
			r.lenX[lb][f] = t.row(sigBucket(sigLenXAgent, lb<<8|f))
		}
	}
	return r
}

// uniRunes bounds the tokens whose unigram rows uniRows holds: the
// characters U+0000 to U+9FFF (ASCII, the CJK punctuation and
// ideographs), nearly every token of a Chinese chat.
const uniRunes = 0xA000

// uniRows holds, for the tokens below uniRunes, the table rows (biased,
// as rowOf reads them) of their unigrams in the agent namespace (agent)
// and in the customer's text (text's row), and of the text the trigram's
// mixed token mixTop(seed3 ^ token) and the bigram's key less the next
// token f2 ^ foldHigh(token), each XOR the bigram seed's fold f2 (text's
// tri and key, beside the row), copied out of the model's table at load
// (1.3 MB, about 2 million instructions once). unigrams reads an agent
// token's row with one load where it hashed the token (a Session scores
// each agent turn's unigrams once, some 190 tokens a conversation), and
// scoreRun a customer token's row, mixed token and key with three, where
// it made the key (foldHigh and f2: five instructions a token). The rows are
// the table's, so the sums are the same to the bit (TestUniRows;
// FuzzUnigramsMatchesRef and FuzzGramsMatchesRef with the rows and
// without). The table itself comes after them (tbl, to which the
// model's points): scoreRun reads the rows and the table from one
// pointer, and its loop keeps the register the other took.
type uniRows struct {
	agent [uniRunes]uint64
	text  [uniRunes]struct{ row, tri, key uint64 }
	tbl   weightTable
}

// fill copies the unigram rows out of r.tbl.
func (r *uniRows) fill() {
	t := &r.tbl
	f := mixFold(mix(nsAgent<<56 | 1<<48))
	ft := mixFold(mix(nsText<<56 | 1<<48))
	f2 := mixFold(mix(nsText<<56 | 2<<48))
	seed3 := mix(nsText<<56 | 3<<48)
	for x := range r.agent {
		r.agent[x] = t.rowOf(f ^ uint64(x))
		r.text[x].row = t.rowOf(ft ^ uint64(x))
		r.text[x].tri = mixTop(seed3^uint64(x)) ^ f2
		r.text[x].key = f2 ^ foldHigh(uint32(x))
	}
}

// lenBucket buckets a token count on a roughly logarithmic scale.
func lenBucket(n int) int {
	switch {
	case n <= 3:
		return n
	case n <= 5:
		return 4
	case n <= 8:
		return 5
	case n <= 12:
		return 6
	case n <= 20:
		return 7
	case n <= 40:
		return 8
	}
	return 9
}

// tailOf returns at most the last n bytes of s, cut at a rune boundary.
func tailOf(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return s[i:]
}

// extract adds all features of c. textOnly leaves out the context, for
// training examples (such as product reviews) that have none.
func (a *acc) extract(c *Context, textOnly bool) {
	text := c.Text
	var st textStats
	a.grams(&st, text, a.lex.customer)
	cues := &st.cues
	// What the previous message left of its own text: the fields read,
	// not the whole memo (its filter is read in place, see below).
	var prev struct {
		text         string
		cues         [nCues]uint8
		ok, hasBloom bool
	}
	if m := a.memo; m != nil {
		// Only the text's part is replaced: the agent memo must outlive
		// the message, or the next one of the same turn misses it.
		prev.text, prev.cues, prev.ok, prev.hasBloom = m.text, m.cues, m.ok, m.hasBloom
		m.text, m.cues, m.ok, m.hasBloom = text, *cues, true, false
	}

	lb := lenBucket(st.tokens)
	a.sigBase(lb, min(st.question, 3), min(st.exclaim, 3))
	if st.maxQRun >= 2 {
		a.sig(sigQRun, min(st.maxQRun, 3))
	}
	if st.maxExRun >= 2 {
		a.sig(sigExRun, min(st.maxExRun, 3))
	}
	if st.endQuestion {
		a.sig(sigEndQuestion, 0)
	}
	if st.tokens > 0 && st.specials+st.punct == st.tokens {
		a.sig(sigOnlySpecial, min(st.specials, 2))
	}
	if st.emoji > 0 {
		a.sig(sigEmoji, min(st.emoji, 2))
	}
	if n := cues[cueNeg]; n > 0 {
		a.sig(sigNegWord, int(min(n, 3)))
	}
	if n := cues[cueNegWeak]; n > 0 {
		a.sig(sigNegWeakWord, int(min(n, 3)))
	}
	if n := cues[cuePos]; n > 0 {
		a.sig(sigPosWord, int(min(n, 3)))
	}
	if n := cues[cueUrge]; n > 0 {
		a.sig(sigUrgeWord, int(min(n, 2)))
	}
	ack := st.tokens <= 4 && cues[cueAck] > 0
	if ack {
		a.sig(sigAckWord, 0)
	}
	if textOnly {
		a.endNS(1)
		return
	}

	if c.PrevCustomer == "" {
		a.sig(sigPrevNone, 0)
	} else {
		// The previous message's filter, when it is of this text,
		// stays in the memo until repeatLevel, which reads it before it
		// writes the memo's.
		var known *[8]uint64
		if prev.hasBloom && prev.text == c.PrevCustomer {
			known = &a.memo.bloom
		}
		if r := repeatLevel(text, c.PrevCustomer, known, a.memo); r > 0 {
			a.sig(sigRepeat, r)
		}
		// The previous text's cue words: the memo's when it is of the
		// tail itself; none of the groups read below when it is of
		// the whole text and has none of them (a word of the tail is
		// a word of the whole: three in four texts past the window);
		// else the tail scanned again.
		tail := tailOf(c.PrevCustomer, maxContextBytes)
		pc := prev.cues
		switch {
		case prev.ok && prev.text == tail:
		case prev.ok && prev.text == c.PrevCustomer && pc[cueQQ]|pc[cueNeg]|pc[cueNegWeak] == 0:
		default:
			pc = a.lex.scan(tail)
		}
		if pc[cueQQ] > 0 {
			a.sig(sigPrevQRun, 0)
		}
		if n := pc[cueNeg] + pc[cueNegWeak]; n > 0 {
			a.sig(sigPrevNegWord, int(min(n, 2)))
		}
	}

	agent := tailOf(c.PrevAgent, maxContextBytes)
	if agent == "" {
		a.sig(sigAgentNone, 0)
		a.sig(sigLenXAgent, lb<<8)
		a.endNS(1)
		return
	}
	// The cue groups from cueApology to cueEmoji describe what the agent
	// just did. Scoring reads the agent's text once for its cue words and
	// its unigrams, before the signals that need the cues; the unigrams'
	// sums wait in cur to be added after the signals, in the order
	// training adds them, and a Session keeps cur for the next message
	// of the same agent turn.
	// cur is the Session's memo itself when there is one, written in
	// place (no agentMemo copied in or out).
	var own agentMemo
	cur := &own
	if a.memo != nil && a.tbl != nil {
		cur = &a.memo.agent
	}
	switch {
	case cur.ok && cur.text == agent:
	case a.tbl != nil:
		sigs := a.part
		a.part = [nClasses]int32{}
		cur.tokens = a.unigrams(agent, a.lex.agent, false, &cur.cues)
		cur.text, cur.part, cur.v, cur.ok = agent, a.lastPart, a.lastV, true
		a.part = sigs
	default:
		cur.cues = a.lex.scanAgent(agent)
	}
	for flags := agentGroups(&cur.cues); flags != 0; {
		var f int
		f, flags = nextGroup(flags)
		a.sig(sigAgentFlag, f)
		a.sig(sigLenXAgent, lb<<8|f)
		if ack {
			a.sig(sigAckXAgent, f)
		}
	}
	a.endNS(1)
	tokens := cur.tokens
	if a.tbl != nil {
		a.part = cur.part
		if cur.v != 0 {
			a.endNS(cur.v)
		}
	} else {
		tokens = a.unigrams(agent, nil, true, nil)
	}
	a.sig(sigAgentLen, lenBucket(tokens/2))
	a.endNS(1)
}

// The agent groups' counts, cueApology to cueEmoji, are eight bytes
// (this fails to compile otherwise), which agentGroups reads as one word.
const _ = uint(8-(cueEmoji-cueApology+1)) + uint((cueEmoji-cueApology+1)-8)

// agentGroups returns the agent groups' counts of cues as one word, a
// byte a group from cueApology up: extract takes the groups with words,
// its bytes not 0, in order by nextGroup instead of testing the eight
// groups, most of which have none (TestAgentGroups).
func agentGroups(cues *[nCues]uint8) uint64 {
	return binary.LittleEndian.Uint64(cues[cueApology : cueEmoji+1])
}

// nextGroup returns the first group of flags (agentGroups' word, not 0)
// and flags without it.
func nextGroup(flags uint64) (int, uint64) {
	b := bits.TrailingZeros64(flags) / 8
	return cueApology + b, flags &^ (0xff << (8 * b))
}

// repeatLevel says whether msg repeats prev: 2 for the same text, 1 when
// most of its character bigrams occur in prev, else 0. Customers who repeat
// themselves usually feel unheard. In a Session, known is the Bloom filter
// the previous message left, when prev is its text (it may be next's own,
// which is read before next is written), and next receives msg's filter for
// the next message; both are nil otherwise.
func repeatLevel(msg, prev string, known *[8]uint64, next *cueMemo) int {
	msg, prev = text.TrimSpace(msg), text.TrimSpace(prev)
	if msg == "" || prev == "" {
		return 0
	}
	if msg == prev {
		return 2
	}
	// Only short messages are compared bigram by bigram: that is where
	// repetition happens, and it bounds the quadratic cost.
	if len(msg) > 60 || len(msg) < 4 {
		return 0
	}
	// A 512-bit Bloom filter of prev's rune bigrams makes the check linear.
	var bloom [8]uint64
	if known != nil {
		bloom = *known
	} else {
		bloom = bigramBloom(tailOf(prev, maxContextBytes))
	}
	// msg is at most 60 bytes, so its own filter (the one the next
	// message needs) is made of the very bigrams read here.
	var own [8]uint64
	hit := 0
	r, w := firstRune(msg)
	hp := foldHigh(uint32(r))
	total := 0
	i := w
	for i < len(msg) {
		// decodeRune's fast paths inline (it is no leaf), in a loop of
		// their own: the call's spills stay out of it.
		for i < len(msg) {
			var x uint32
			if c := msg[i]; c < utf8.RuneSelf {
				x = uint32(c)
				i++
			} else if i < len(msg)-2 {
				r3, ok := rune3Han(c, uint32(msg[i+2])<<8|uint32(msg[i+1]))
				if !ok {
					break
				}
				x = uint32(r3)
				i += 3
			} else {
				break
			}
			h := bigramBit(hp ^ uint64(x))
			total++
			if bloom[h>>6&7]&(1<<(h&63)) != 0 {
				hit++
			}
			own[h>>6&7] |= 1 << (h & 63)
			hp = foldHigh(x)
		}
		if i < len(msg) {
			var size int
			r, size = decodeRune(msg[i:])
			i += size
			h := bigramBit(hp ^ uint64(r))
			total++
			if bloom[h>>6&7]&(1<<(h&63)) != 0 {
				hit++
			}
			own[h>>6&7] |= 1 << (h & 63)
			hp = foldHigh(uint32(r))
		}
	}
	if next != nil {
		next.bloom, next.hasBloom = own, true
	}
	if total >= 2 && hit*10 >= total*7 {
		return 1
	}
	return 0
}

// firstRune is decodeRune of the first character of s, which must not be
// empty, with ASCII and three-byte characters read in place (repeatLevel
// and bigramBloom start with it): a call of decodeRune (no leaf) spills
// its caller's registers.
func firstRune(s string) (rune, int) {
	if r := rune(s[0]); r < utf8.RuneSelf {
		return r, 1
	}
	if r3, ok := rune3Of(s, 0); ok {
		return r3, 3
	}
	return decodeRune(s)
}

// bigramBloom returns the 512-bit Bloom filter of the rune bigrams of s.
func bigramBloom(s string) [8]uint64 {
	var bloom [8]uint64
	if s == "" {
		return bloom
	}
	r, w := firstRune(s)
	hp := foldHigh(uint32(r))
	i := w
	for i < len(s) {
		// decodeRune's fast paths inline, as in repeatLevel, in a loop
		// of their own: the call's spills stay out of it.
		for i < len(s) {
			var x uint32
			if c := s[i]; c < utf8.RuneSelf {
				x = uint32(c)
				i++
			} else if i < len(s)-2 {
				r3, ok := rune3Han(c, uint32(s[i+2])<<8|uint32(s[i+1]))
				if !ok {
					break
				}
				x = uint32(r3)
				i += 3
			} else {
				break
			}
			h := bigramBit(hp ^ uint64(x))
			bloom[h>>6&7] |= 1 << (h & 63)
			hp = foldHigh(x)
		}
		if i < len(s) {
			var size int
			r, size = decodeRune(s[i:])
			i += size
			h := bigramBit(hp ^ uint64(r))
			bloom[h>>6&7] |= 1 << (h & 63)
			hp = foldHigh(uint32(r))
		}
	}
	return bloom
}

// rune3 decodes the three bytes c, b1, b2 of a character, given c and
// w = b1 | b2<<8 (a little-endian load), and reports whether they are
// one as utf8.DecodeRuneInString reads them (three bytes, neither
// overlong nor a surrogate): the fast path of the cue scanner's run and
// of repeatLevel's and bigramBloom's loops, whose other characters they
// read otherwise. XOR takes the UTF-8 marks off (E0, 80 and 80 give
// E2080 shifted in place), so any lead byte but E0–EF leaves a bit at
// 16 or above, and one range test, U+0800–U+FFFF, tests the lead byte
// and the overlong forms with it, where tests of the lead (E1–EF but
// ED, which left E0 and ED to the slow path), the masks and a bounds
// check took more. TestRune3 checks it on every three bytes.
func rune3(c uint8, w uint32) (rune, bool) {
	r := uint32(c)<<12 ^ (w&0xff)<<6 ^ w>>8 ^ 0xe2080
	return rune(r), w&0xc0c0 == 0x8080 && r-0x800 < 0x10000-0x800 && r>>11 != 0xd800>>11
}

// rune3Han is rune3 testing the range of the Chinese characters
// (U+4E00-U+9FFF) first, which holds most characters of a chat and
// needs no test of a surrogate: four instructions fewer a character in
// the loops of repeatLevel and bigramBloom. rune3 stays as it is, small
// enough for rune3Of to inline. TestRune3 checks it with rune3.
func rune3Han(c uint8, w uint32) (rune, bool) {
	r := uint32(c)<<12 ^ (w&0xff)<<6 ^ w>>8 ^ 0xe2080
	return rune(r), w&0xc0c0 == 0x8080 && (r-0x4e00 < 0xa000-0x4e00 || r-0x800 < 0x10000-0x800 && r>>11 != 0xd800>>11)
}

// bigramBit hashes the rune pair (a, b) for repeatLevel's Bloom filter,
// given foldHigh(a) ^ b: it is mix(a<<32 | b), the hash the filters have
// always used (bigramHash in the tests), whose first step, h ^= h>>33,
// is that XOR (a rune is below 2^31, so (a<<32 | b)>>33 is a>>1). The
// previous rune's part is made once, when it is the rune read, and a
// pair's needs one XOR. The filter reads the low 9 bits. TestBigramBit
// and FuzzRepeatLevel check it against bigramHash.
func bigramBit(f uint64) uint64 {
	f *= 0xff51afd7ed558ccd
	f ^= f >> 33
	f *= 0xc4ceb9fe1a85ec53
	return f ^ f>>33
}

// asciiSpace reports whether an ASCII byte is white space to unicode.IsSpace.
func asciiSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }
