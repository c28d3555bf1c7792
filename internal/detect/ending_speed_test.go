package detect

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"testing"
	"unicode/utf8"

	"fullqa/internal/classify"
)

// The ending features' shortcuts against the code they stand for, on any
// text (invalid UTF-8 included). Run longer with, e.g.,
// go test -run xxx -fuzz FuzzContentAtLeast ./internal/detect/.

var endingFuzzSeeds = []string{"", "好的", "谢谢亲", "嗯嗯", "#e-s[微笑]好", "#e-s01", "[订单x]呢", "ok 123 abc", "a", "呢呢呢的",
	"\xe4#e-s\xbd\xa0", "\xff好", "。。好", "……", "!!", "🙂好", "@jd 你好", "https://item.jd.com/1.html 这个", "订单号12345678 到哪了",
	"\xed\xa0\x80\xe0\xa0\x80abc", "退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款"}

// FuzzContentAtLeast checks contentAtLeast against contentScan's count,
// with skip spans cut from the fuzzer's numbers.
func FuzzContentAtLeast(f *testing.F) {
	for i, s := range endingFuzzSeeds {
		f.Add(s, uint8(i), uint8(2*i), uint8(i+3), uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, a, b, c, k uint8) {
		var skip []span
		if n := len(s); n > 0 {
			cuts := []int32{int32(int(a) % (n + 1)), int32(int(b) % (n + 1)), int32(int(c) % (n + 1))}
			slices.Sort(cuts)
			skip = []span{{cuts[0], cuts[1]}}
			if c%2 == 0 {
				skip = append(skip, span{cuts[2], cuts[2] + 2})
			}
		}
		content, _ := contentScan(s, skip)
		for _, k := range []int{int(k % 8), 3, 9} {
			if got := contentAtLeast(s, skip, k); got != (content >= k) {
				t.Fatalf("contentAtLeast(%q, %v, %d) = %v; contentScan counts %d", s, skip, k, got, content)
			}
		}
	})
}

// FuzzFillerOnly checks fillerOnly against isFillerOnly.
func FuzzFillerOnly(f *testing.F) {
	for _, s := range endingFuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := fillerOnly(s), isFillerOnly(s); got != want {
			t.Fatalf("fillerOnly(%q) = %v, isFillerOnly %v", s, got, want)
		}
	})
}

// TestFillerOnlyFirstChars checks fillerOnly against isFillerOnly for a
// message opening with every character of the Basic Multilingual Plane
// and some beyond, alone and followed by a Chinese character, a filler
// mark or an emoji code, and for every lead byte followed by bytes that
// are or are not continuations: the first-character shortcuts (an
// ideograph of U+4000–U+9FFF by its lead byte, any ideograph or ASCII
// letter or digit) must answer as the strip and the character test do.
func TestFillerOnlyFirstChars(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := fillerOnly(s), isFillerOnly(s); got != want {
			t.Fatalf("fillerOnly(%q) = %v, isFillerOnly %v", s, got, want)
		}
	}
	for r := rune(0); r < 0x10000; r++ {
		if utf8.ValidRune(r) {
			for _, rest := range []string{"", "好", "！", "#e-s[数字x]", "~"} {
				check(string(r) + rest)
			}
		}
	}
	for _, r := range []rune{0x1F000, 0x1F600, 0x20000, 0x10FFFF} {
		check(string(r))
		check(string(r) + "好")
	}
	for lead := 0; lead < 256; lead++ {
		for _, b1 := range []byte{0x7F, 0x80, 0xBF, 0xC0, '!'} {
			for _, b2 := range []byte{0x7F, 0x80, 0xBF, 0xC0, '!'} {
				check(string([]byte{byte(lead), b1, b2}))
				check(string([]byte{byte(lead), b1}))
			}
		}
	}
}

// tailGramsRange is tailGrams as first written (DecodeLastRuneInString
// and range), the reference for FuzzTailGrams.
func tailGramsRange(f *endFeats, s string, uni, bi uint32) {
	start := len(s)
	for k := 0; k < maxEndRunes && start > 0; k++ {
		_, size := utf8.DecodeLastRuneInString(s[:start])
		start -= size
	}
	first := f.n
	var r0 rune = -1
	for _, r := range s[start:] {
		if uni != 0 {
			f.add(uni, uint32(r), 1)
		}
		if r0 >= 0 {
			f.add(bi, uint32(nfMix(uint64(r0)<<32|uint64(r))), 1)
		}
		r0 = r
	}
	if n := f.n - first; n > 0 {
		v := float32(1 / math.Sqrt(float64(n)))
		for j := first; j < f.n; j++ {
			f.val[j] = v
		}
	}
}

// FuzzTailGrams checks tailGrams' features (indexes and values, to the
// bit) against tailGramsRange's, behind 0 to maxEndFeats features (a
// full buffer drops n-grams, as add does): its runes read from the end
// (ASCII and valid three-byte characters) and tailGramsDecode (any other
// character among the last maxEndRunes).
func FuzzTailGrams(f *testing.F) {
	for i, s := range endingFuzzSeeds {
		f.Add(s, uint16(i%3*(maxEndFeats-40)))
	}
	f.Add("退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款a", uint16(maxEndFeats-60))
	f.Add("ab\xe4\xb8\xad\xed\x9f\xbf\xe4\xb8", uint16(0))
	f.Fuzz(func(t *testing.T, s string, pre uint16) {
		var got, want endFeats
		for k := 0; k < int(pre)%(maxEndFeats+1); k++ {
			got.add(efTag, uint32(k), float32(k%5)/3)
			want.add(efTag, uint32(k), float32(k%5)/3)
		}
		for _, g := range []struct{ uni, bi uint32 }{{efC0Uni, efC0Bi}, {0, efC1Bi}} {
			tailGrams(&got, s, g.uni, g.bi)
			tailGramsRange(&want, s, g.uni, g.bi)
		}
		if got.n != want.n || got.idx != want.idx || got.val != want.val {
			t.Fatalf("tailGrams(%q) after %d features: %d features, want %d (or different ones)", s, pre, got.n, want.n)
		}
	})
}

// TestEndIndex checks endIndex against featureIndex for the ending's
// n-gram groups (and any group) on every value below 2^16, and with high
// bits set.
func TestEndIndex(t *testing.T) {
	for _, g := range []uint32{efC0Uni, efC0Bi, efC1Bi, 0, 1<<32 - 1} {
		for v := uint32(0); v < 1<<16; v++ {
			for _, x := range []uint32{v, v << 16, ^v, v * 0x9e3779b9} {
				if got, want := endIndex(negKey(g), x), featureIndex(g, x, 0, EndingBits); got != want {
					t.Fatalf("endIndex(%d, %#x) = %#x, want %#x", g, x, got, want)
				}
			}
		}
	}
}

// FuzzEndIndex checks endIndex against featureIndex on any group and
// value.
func FuzzEndIndex(f *testing.F) {
	f.Add(uint32(efC0Bi), uint32(0x4f60))
	f.Fuzz(func(t *testing.T, g, v uint32) {
		if got, want := endIndex(negKey(g), v), featureIndex(g, v, 0, EndingBits); got != want {
			t.Fatalf("endIndex(%d, %#x) = %#x, want %#x", g, v, got, want)
		}
	})
}

// TestEndingCodeIndex holds endingCodeIndex to the walk of endingCodes it
// replaced, for every code a registered detector reports, every code of
// the list, and a few near misses (a prefix, a longer code, case).
func TestEndingCodeIndex(t *testing.T) {
	walk := func(code string) int {
		for c, e := range endingCodes {
			if code == e {
				return c
			}
		}
		return -1
	}
	codes := []string{"", "emotion", "emotion.negativ", "emotion.negative.x", "Emotion.negative", "promise.made", "loop.repeat "}
	codes = append(codes, endingCodes[:]...)
	for _, d := range Registry(DefaultConfig(), testLexicon(t)) {
		codes = append(codes, d.Codes()...)
	}
	hits := 0
	for _, code := range codes {
		got, want := endingCodeIndex(code), walk(code)
		if got != want {
			t.Errorf("endingCodeIndex(%q) = %d, want %d", code, got, want)
		}
		if got >= 0 {
			hits++
		}
	}
	if hits < 2*len(endingCodes) {
		t.Errorf("only %d codes of the list seen: the registry lost codes", hits)
	}
}

// endingCodes is the list endingCodeIndex answers from, in feature order:
// the walk of it the switch replaced is the test's reference.
var endingCodes = [...]string{
	"emotion.negative", "emotion.escalating", "emotion.unaddressed", "threat.escalation",
	"loop.repeat", "loop.agent_template", "loop.misunderstanding", "response.missed",
	"response.slow", "attitude.rude", "promise.conflict", "sensitive.mishandled",
}

// probsRef is learnedEnding.probs as it was before it summed in locals
// and masked the buckets, over the weights laid out flat as they then
// were (bucket b's classes at w[3*b:3*b+3]).
func probsRef(m *learnedEnding, w []int16, f *endFeats) (p [NumEndingClasses]float32) {
	p = m.bias
	sc := m.scale
	for k := range f.n {
		w, v := (*[NumEndingClasses]int16)(w[3*f.idx[k]:]), f.val[k]
		p[0] += stepWeight(w[0], sc) * v
		p[1] += stepWeight(w[1], sc) * v
		p[2] += stepWeight(w[2], sc) * v
	}
	mx := max(p[0], p[1], p[2])
	var sum float32
	for c := range p {
		p[c] = float32(math.Exp(float64(p[c] - mx)))
		sum += p[c]
	}
	for c := range p {
		p[c] /= sum
	}
	return p
}

// endingRef returns the engine's ending classifier and the reference's
// flat table, laid out from the model's own int16 steps (class-major, as
// the weights file has them), not from m.w, so that a mistake in
// newLearnedEnding's layout fails the tests that use it.
func endingRef(t testing.TB) (*Engine, *learnedEnding, []int16) {
	eng := defaultEngine(t)
	m := eng.end
	if m == nil {
		t.Fatal("no ending classifier: the test compares nothing")
	}
	emo, err := classify.LoadEmotion()
	if err != nil {
		t.Fatal(err)
	}
	w, _, _, _, _, _ := emo.EndingWeights()
	var steps []int16
	var sc float32
	if es, ok := any(emo).(endingSteps); ok {
		steps, sc = es.EndingSteps()
	}
	q, _, ok := int16Table(w, steps, sc)
	if !ok {
		t.Fatal("the ending weights are not int16 steps")
	}
	const n = 1 << EndingBits
	flat := make([]int16, NumEndingClasses*n)
	for c := range NumEndingClasses {
		for j := range n {
			flat[NumEndingClasses*j+c] = q[c*n+j]
		}
	}
	return eng, m, flat
}

// sameProbs reports whether two probability triples are equal, bit for bit.
func sameProbs(a, b [NumEndingClasses]float32) bool {
	for c := range a {
		if math.Float32bits(a[c]) != math.Float32bits(b[c]) {
			return false
		}
	}
	return true
}

// TestEndingProbsMatchRef holds probs to probsRef, bit for bit, with the
// shipped weights: on the features of every gate chat's ending, as the
// trainer sees them (f.ones 0) and as endFeatures leaves them (the
// signals counted in f.ones, every one of value 1), and on random features filling the buffer (buckets from
// featureIndex, values from tailGrams' 1/√n to large ones, a random
// prefix of 1s claimed in f.ones or not).
func TestEndingProbsMatchRef(t *testing.T) {
	eng, m, flat := endingRef(t)
	d := detectorOf[*resolutionDetector](eng)
	check := func(id string, f *endFeats) {
		t.Helper()
		if got, want := m.probs(f), probsRef(m, flat, f); !sameProbs(got, want) {
			t.Fatalf("%s: probs %v, reference %v", id, got, want)
		}
	}
	chats, signals := 0, 0
	for _, c := range gateChats(t) {
		in, out := eng.Inspect(c, &Scratch{})
		eng.EndingFeatures(in, &out, func(why int, idx []uint32, val []float32) {
			var f endFeats
			f.n = copy(f.idx[:], idx)
			copy(f.val[:], val)
			check(c.ID, &f)
			// endFeatures' own buffer, its ones claimed.
			var g endFeats
			for k := range g.val {
				g.val[k] = float32(math.NaN())
			}
			d.endFeatures(in, &out, why, &g)
			if g.n != f.n || g.idx != f.idx || g.ones < 1 || !slices.Equal(g.val[g.ones:g.n], f.val[g.ones:f.n]) {
				t.Fatalf("%s: endFeatures: %d features, %d ones, not EndingFeatures' %d", c.ID, g.n, g.ones, f.n)
			}
			for k := range g.ones {
				if f.val[k] != 1 {
					t.Fatalf("%s: feature %d of %d ones has value %v", c.ID, k, g.ones, f.val[k])
				}
			}
			if got, want := m.probs(&g), probsRef(m, flat, &f); !sameProbs(got, want) {
				t.Fatalf("%s: probs of endFeatures' buffer %v, reference %v", c.ID, got, want)
			}
			chats++
			signals += g.ones
		})
	}
	if chats == 0 || signals == 0 {
		t.Fatal("no chat with an ending: the test compares nothing")
	}
	rng := rand.New(rand.NewSource(16))
	for r := range 2000 {
		f := randomEndFeats(rng)
		check(fmt.Sprintf("random %d", r), &f)
	}
}

// randomEndFeats fills a buffer with 0 to maxEndFeats features: buckets
// from featureIndex, values from tailGrams' 1/√n to large ones, after a
// prefix of 1s that f.ones claims half the time (all of it, or less).
func randomEndFeats(rng *rand.Rand) endFeats {
	var f endFeats
	f.n = rng.Intn(maxEndFeats + 1)
	ones := rng.Intn(f.n + 1)
	for k := range f.n {
		f.idx[k] = featureIndex(uint32(rng.Intn(32)), rng.Uint32(), 0, EndingBits)
		f.val[k] = [...]float32{1, float32(1 / math.Sqrt(float64(1+rng.Intn(96)))), rng.Float32() * 100, -rng.Float32()}[rng.Intn(4)]
		if k < ones {
			f.val[k] = 1
		}
	}
	if rng.Intn(2) == 0 {
		f.ones = ones - rng.Intn(ones+1)/4
	}
	return f
}

// TestEndingExpZero checks what probs' skipped call rests on: the
// exponential of 0 (and of -0) is exactly 1.
func TestEndingExpZero(t *testing.T) {
	for _, z := range []float64{0, math.Copysign(0, -1)} {
		if e := float32(math.Exp(z)); math.Float32bits(e) != math.Float32bits(1) {
			t.Fatalf("exp(%v) = %v, want exactly 1", z, e)
		}
	}
}

// FuzzEndingProbs holds probs to probsRef on features the fuzzer's seed
// draws (randomEndFeats), and on the same with the values of the
// claimed 1s overwritten (probs must not read them).
func FuzzEndingProbs(f *testing.F) {
	_, m, flat := endingRef(f)
	for _, seed := range []int64{0, 1, 16, 1 << 40} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, seed int64) {
		rng := rand.New(rand.NewSource(seed))
		g := randomEndFeats(rng)
		want := probsRef(m, flat, &g)
		if got := m.probs(&g); !sameProbs(got, want) {
			t.Fatalf("seed %d: probs %v, reference %v", seed, got, want)
		}
		for k := range g.ones {
			g.val[k] = float32(math.NaN())
		}
		if got := m.probs(&g); !sameProbs(got, want) {
			t.Fatalf("seed %d: probs with its %d ones unwritten %v, reference %v", seed, g.ones, got, want)
		}
	})
}

// TestEndingAgentKinds holds endFeatures' kinds of the last two agent
// replies, written out, to the table they were walked from: on every gate
// chat's ending, the efAgent features among the signals, in order, are
// those of the table's kinds each reply has, reply by reply.
func TestEndingAgentKinds(t *testing.T) {
	eng := defaultEngine(t)
	d := detectorOf[*resolutionDetector](eng)
	kinds := [...]struct {
		kind uint32
		id   ClassID
	}{{akGeneric, d.generic}, {akHold, d.hold}, {akRefusal, d.refusal}, {akNextStep, d.nextStep}, {akAppease, d.appease}, {akClosing, d.closing}}
	slots := map[uint32]bool{}
	for k := range 2 {
		for _, c := range kinds {
			slots[endSlot(efAgent, uint32(k)<<8|c.kind)] = true
		}
	}
	chats, seen := 0, 0
	for _, c := range gateChats(t) {
		in, out := eng.Inspect(c, &Scratch{})
		eng.EndingFeatures(in, &out, func(why int, _ []uint32, _ []float32) {
			var f endFeats
			d.endFeatures(in, &out, why, &f)
			var want, got []uint32
			k := 0
			for j := len(in.Conv.Messages) - 1; j >= 0 && k < 2; j-- {
				if !agentSide(in.Conv.Messages[j].Role) {
					continue
				}
				for _, c := range kinds {
					if in.Has(j, c.id) {
						want = append(want, endSlot(efAgent, uint32(k)<<8|c.kind))
					}
				}
				k++
			}
			for _, x := range f.idx[:f.ones] {
				if slots[x] {
					got = append(got, x)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s: agent kinds %v, want %v", c.ID, got, want)
			}
			chats++
			seen += len(want)
		})
	}
	if chats == 0 || seen == 0 {
		t.Fatal("no agent kinds: the test compares nothing")
	}
}
