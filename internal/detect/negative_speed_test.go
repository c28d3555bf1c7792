package detect

import (
	"math"
	"math/rand/v2"
	"testing"

	"fullqa/internal/conversation"
)

// negGramsAdd is negGrams as the loop of negFeatures first wrote it, with
// add for every feature: the reference of FuzzNegGrams.
func negGramsAdd(f *negFeats, norm string) (runes, qs, ex int) {
	var r0 rune = -1
	first := f.n
	for _, r := range norm {
		if runes == maxNegRunes {
			break
		}
		runes++
		switch r {
		case '?':
			qs++
		case '!':
			ex++
		}
		f.add(nfUni, uint32(r), 1)
		if r0 >= 0 {
			f.add(nfBi, uint32(nfMix(uint64(r0)<<32|uint64(r))), 1)
		}
		r0 = r
	}
	if n := f.n - first; n > 0 {
		v := float32(1 / math.Sqrt(float64(n)))
		for k := first; k < f.n; k++ {
			f.val[k] = v
		}
	}
	return runes, qs, ex
}

// FuzzNegGrams checks negGrams' features (indexes and values to the bit)
// and counts against negGramsAdd's on any text (invalid UTF-8 included),
// behind 0 to maxNegFeats features already in the buffer (the full
// buffer drops n-grams). Run longer with
// go test -run xxx -fuzz FuzzNegGrams ./internal/detect/.
func FuzzNegGrams(f *testing.F) {
	for i, s := range endingFuzzSeeds {
		f.Add(s, uint16(i*7))
	}
	f.Add("为什么还没发货？？！！怎么回事啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊", uint16(20))
	f.Add("?!?!", uint16(maxNegFeats-3))
	f.Fuzz(func(t *testing.T, s string, pre uint16) {
		var got, want negFeats
		for k := 0; k < int(pre)%(maxNegFeats+1); k++ {
			got.add(nfPosition, uint32(k), 1)
			want.add(nfPosition, uint32(k), 1)
		}
		gc := negGrams(&got, s)
		gr, gq, ge := gc.runes, gc.qs, gc.ex
		wr, wq, we := negGramsAdd(&want, s)
		if gr != wr || gq != wq || ge != we || got.n != want.n || got.idx != want.idx || got.val != want.val {
			t.Fatalf("negGrams(%q) after %d: runes %d ? %d ! %d, %d features; want %d %d %d, %d (or different ones)",
				s, pre, gr, gq, ge, got.n, wr, wq, we, want.n)
		}
	})
}

// TestNegGramsDecoding checks that the inline decoding gives range's runes
// on every lead byte followed by every continuation pair shape.
func TestNegGramsDecoding(t *testing.T) {
	for c := 0x80; c <= 0xff; c++ {
		for _, tail := range []string{"\x80\x80", "\xbf\xbf", "\xa0\x80", "\x9f\xbf", "a\x80", "\x80", ""} {
			s := string([]byte{byte(c)}) + tail + "好"
			var got, want negFeats
			negGrams(&got, s)
			negGramsAdd(&want, s)
			if got.n != want.n || got.idx != want.idx || got.val != want.val {
				t.Fatalf("%q: %d features, want %d (or different ones)", s, got.n, want.n)
			}
		}
	}
}

// featureIndexRef is featureIndex as it was, on the whole of nfMix.
func featureIndexRef(group, value uint32, salt uint64, bits int) uint32 {
	return uint32(nfMix(uint64(group)<<32|uint64(value)|salt) >> (64 - bits))
}

// TestFeatureIndex checks featureIndex against featureIndexRef for every
// table size up to 2^32 on the groups and values the scorers use: every
// group number below 64 with the first 4,096 values and Chinese
// characters, and the salts of the promise and repeat scorers.
func TestFeatureIndex(t *testing.T) {
	for _, salt := range []uint64{0, promiseSalt, 1 << 62} {
		for g := uint32(0); g < 64; g++ {
			for v := uint32(0); v < 1<<12; v++ {
				for _, val := range []uint32{v, 0x4e00 + v, v << 20, ^v} {
					for bits := 1; bits <= 32; bits++ {
						if got, want := featureIndex(g, val, salt, bits), featureIndexRef(g, val, salt, bits); got != want {
							t.Fatalf("featureIndex(%d, %#x, %#x, %d) = %#x, want %#x", g, val, salt, bits, got, want)
						}
					}
				}
			}
		}
	}
}

// FuzzFeatureIndex checks featureIndex against featureIndexRef on any
// key and table size.
func FuzzFeatureIndex(f *testing.F) {
	f.Add(uint32(nfBi), uint32(0x4f60), uint64(promiseSalt), uint8(16))
	f.Fuzz(func(t *testing.T, g, v uint32, salt uint64, b uint8) {
		bits := int(b%32) + 1
		if got, want := featureIndex(g, v, salt, bits), featureIndexRef(g, v, salt, bits); got != want {
			t.Fatalf("featureIndex(%d, %#x, %#x, %d) = %#x, want %#x", g, v, salt, bits, got, want)
		}
	})
}

// randomNegative returns a learned negative scorer of random weights
// (every int16 step, a random scale and bias), so that the sums the
// scorer's shortcuts must match are of any weights, not only trained ones.
func randomNegative(seed uint64) *learnedNegative {
	rng := rand.New(rand.NewPCG(seed, 1))
	m := &learnedNegative{w: new([1 << NegativeBits]int16), scale: float32(rng.Float64()*1e-2 + 1e-6), bias: float32(rng.NormFloat64())}
	for k := range m.w {
		m.w[k] = int16(rng.Uint32())
	}
	return m.withUni()
}

// TestNegUni checks withUni's table against the weight sumGrams hashed
// for every rune it holds, to the bit, with the embedded model's weights
// and random ones.
func TestNegUni(t *testing.T) {
	eng := defaultEngine(t)
	if eng.neg == nil {
		t.Skip("the binary carries no negative-emotion scorer")
	}
	for _, m := range []*learnedNegative{eng.neg, randomNegative(5)} {
		for r := range rune(negUniRunes) {
			want := stepWeight(m.w[featureIndex(nfUni, uint32(r), 0, NegativeBits)], m.scale)
			if got := m.uni[r]; math.Float32bits(got) != math.Float32bits(want) {
				t.Fatalf("uni[%#x] = %v, want %v", r, got, want)
			}
		}
	}
}

// negProbRef is what finish replaced: the n-grams and the features after
// them stored in f behind its features, then prob.
func negProbRef(m *learnedNegative, f *negFeats, s string) float32 {
	negTailRef(f, negGrams(f, s))
	return m.prob(f)
}

// negTailRef is negTail as first written, every slot hashed.
func negTailRef(f *negFeats, c runeCounts) {
	f.add(nfLen, bucketOf(c.runes), 1)
	f.add(nfQuestion, uint32(min(c.qs, 3)), 1)
	if c.ex > 0 {
		f.add(nfExclaim, 0, 1)
	}
}

// TestNegSlots checks newNegSlots' table against featureIndex for every
// group and small value, and negSlots.of for larger values.
func TestNegSlots(t *testing.T) {
	slots := newNegSlots()
	for g := uint32(0); g <= nfNextSame; g++ {
		for v := uint32(0); v < 1<<10; v++ {
			if got, want := slots.of(g, v), featureIndex(g, v, 0, NegativeBits); got != want {
				t.Fatalf("slot of (%d, %d) = %#x, want %#x", g, v, got, want)
			}
		}
	}
}

// FuzzNegProb checks the probability negProb sums without storing the
// n-grams (finish: negRunes, sumGrams, negTail) against prob over the buffer
// negGrams and negTail fill, to the bit, on any text behind 0 to
// maxNegFeats features (a full buffer drops n-grams, in order), with
// random weights. Run longer with go test -run xxx -fuzz FuzzNegProb
// ./internal/detect/.
func FuzzNegProb(f *testing.F) {
	for i, s := range endingFuzzSeeds {
		f.Add(s, uint16(i*7), uint64(i))
	}
	f.Add("为什么还没发货？？！！怎么回事啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊", uint16(70), uint64(3))
	f.Add("?!?!", uint16(maxNegFeats-3), uint64(4))
	f.Add("\u9fff\ua000\u9fff\ua000", uint16(5), uint64(2))
	models := map[uint64]*learnedNegative{}
	f.Fuzz(func(t *testing.T, s string, pre uint16, seed uint64) {
		seed %= 4
		m := models[seed]
		if m == nil {
			m = randomNegative(seed)
			models[seed] = m
		}
		var got, want negFeats
		for k := 0; k < int(pre)%(maxNegFeats+1); k++ {
			got.add(nfPosition, uint32(k), float32(k%5)/3)
			want.add(nfPosition, uint32(k), float32(k%5)/3)
		}
		p := negProbRef(m, &want, s)
		if q := m.finish(m.sum(m.bias, &got, 0), &got, s); math.Float32bits(q) != math.Float32bits(p) {
			t.Fatalf("%q after %d features: negProb's sum gives %v, prob %v", s, pre, q, p)
		}
	})
}

// TestNegProbMatchesProb checks negProb against prob over negFeatures'
// buffer, to the bit, on every scored customer message of the JDDC dev
// chats and examples/chats.jsonl, with the embedded model and with random
// weights; and sumGrams at every room of the buffer on the texts.
func TestNegProbMatchesProb(t *testing.T) {
	eng := defaultEngine(t)
	if eng.neg == nil {
		t.Skip("the binary carries no negative-emotion scorer")
	}
	d := detectorOf[*emotionDetector](eng)
	convs := withJDDC(t, exampleConvs(t))
	checked := 0
	for _, m := range []*learnedNegative{eng.neg, randomNegative(7)} {
		var sc Scratch
		for _, c := range convs {
			in, _ := eng.Inspect(c, &sc)
			var st1, st2 negState
			var ws1, ws2 waits
			var f1, f2 negFeats
			for i := range in.Conv.Messages {
				if in.Conv.Messages[i].Role != conversation.RoleCustomer || in.Emotion[i].Label == EmotionNone {
					continue
				}
				rule := d.negative(in, i, &ws1)
				d.negative(in, i, &ws2)
				d.negFeatures(in, i, &ws1, &st1, &f1)
				want := m.prob(&f1)
				if got := d.negProb(m, in, i, &ws2, &st2, &f2); math.Float32bits(got) != math.Float32bits(want) {
					t.Fatalf("%s message %d: negProb %v, prob %v", c.ID, i, got, want)
				}
				if checked%50 == 0 {
					for pre := 0; pre <= maxNegFeats; pre += 7 {
						var g, w negFeats
						g.n, w.n = pre, pre
						p := negProbRef(m, &w, in.Norm[i])
						if q := m.finish(m.sum(m.bias, &g, 0), &g, in.Norm[i]); math.Float32bits(q) != math.Float32bits(p) {
							t.Fatalf("%q after %d features: %v, want %v", in.Norm[i], pre, q, p)
						}
					}
				}
				st1.after(in, i, rule)
				st2.after(in, i, rule)
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("no customer message scored")
	}
	t.Logf("%d messages", checked)
}

// TestNegIndex checks negIndex against featureIndex for the negative
// scorer's n-gram groups on every value below 2^16, and with high bits
// set.
func TestNegIndex(t *testing.T) {
	for _, g := range []uint32{nfUni, nfBi} {
		for v := uint32(0); v < 1<<16; v++ {
			for _, x := range []uint32{v, v << 16, ^v, v * 0x9e3779b9} {
				if got, want := negIndex(negKey(g), x), featureIndex(g, x, 0, NegativeBits); uint32(got) != want {
					t.Fatalf("negIndex(%d, %#x) = %#x, want %#x", g, x, got, want)
				}
			}
		}
	}
}

// FuzzNegIndex checks negIndex against featureIndex on any group and
// value.
func FuzzNegIndex(f *testing.F) {
	f.Add(uint32(nfBi), uint32(0x4f60))
	f.Fuzz(func(t *testing.T, g, v uint32) {
		if got, want := negIndex(negKey(g), v), featureIndex(g, v, 0, NegativeBits); uint32(got) != want {
			t.Fatalf("negIndex(%d, %#x) = %#x, want %#x", g, v, got, want)
		}
	})
}

// negRunesRef is negRunes as range reads the text: the reference of
// FuzzNegRunes.
func negRunesRef(norm string, rs *[maxNegRunes]rune) runeCounts {
	var c runeCounts
	for _, r := range norm {
		if c.runes == maxNegRunes {
			break
		}
		rs[c.runes] = r
		c.runes++
		switch r {
		case '?':
			c.qs++
		case '!':
			c.ex++
		}
	}
	return c
}

// FuzzNegRunes checks negRunes (its runs of three-byte characters decoded
// inline) against negRunesRef: the counts and every rune, on any text,
// invalid UTF-8 and surrogates included. Run longer with
// go test -run xxx -fuzz FuzzNegRunes ./internal/detect/.
func FuzzNegRunes(f *testing.F) {
	for _, s := range endingFuzzSeeds {
		f.Add(s)
	}
	f.Add("好\xe4\xb8\xe4\xb8\x80a\xef\xbf\xbd\xe0\xa0\x80\xed\x9f\xbf?!")
	f.Fuzz(func(t *testing.T, s string) {
		var got, want [maxNegRunes]rune
		gc, wc := negRunes(s, &got), negRunesRef(s, &want)
		if gc != wc || got != want {
			t.Fatalf("negRunes(%q) = %+v %q, want %+v %q", s, gc, got[:gc.runes], wc, want[:wc.runes])
		}
	})
}

// TestFeatsAdd holds negFeats.add and endFeats.add, one unsigned test for
// the buffer's end and the bounds checks, to add as first written (the
// end tested, then each store checked), from an empty buffer to past a
// full one: the same features kept, the rest dropped.
func TestFeatsAdd(t *testing.T) {
	var ng, nw negFeats
	var eg, ew endFeats
	for k := range maxNegFeats + maxEndFeats + 9 {
		g, v, x := uint32(k%29+1), uint32(k*7919), float32(k%5)/3
		ng.add(g, v, x)
		if nw.n != maxNegFeats {
			nw.idx[nw.n] = featureIndex(g, v, 0, NegativeBits)
			nw.val[nw.n] = x
			nw.n++
		}
		eg.add(g, v, x)
		if ew.n != maxEndFeats {
			ew.idx[ew.n] = featureIndex(g, v, 0, EndingBits)
			ew.val[ew.n] = x
			ew.n++
		}
		if ng.n != nw.n || ng.idx != nw.idx || ng.val != nw.val {
			t.Fatalf("negFeats after %d adds: %d features, want %d (or different ones)", k+1, ng.n, nw.n)
		}
		if eg.n != ew.n || eg.idx != ew.idx || eg.val != ew.val {
			t.Fatalf("endFeats after %d adds: %d features, want %d (or different ones)", k+1, eg.n, ew.n)
		}
	}
}
