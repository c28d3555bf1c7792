package detect

import (
	"math"
	"testing"
)

// negBigramCollision returns a pair of runes other than (a, b) whose
// bigram lands in the same negBigrams entry, so that a memo read without
// its key compared gives the other pair's weight.
func negBigramCollision(t testing.TB, a, b rune) (rune, rune) {
	want := negBiSlot(uint64(a)<<32 | uint64(b))
	for c := rune(0x4e00); c < 0x9fff; c++ {
		for d := rune(0x4e00); d < 0x4e00+64; d++ {
			if (c != a || d != b) && negBiSlot(uint64(c)<<32|uint64(d)) == want {
				return c, d
			}
		}
	}
	t.Fatalf("no pair shares the entry of %q%q", a, b)
	return 0, 0
}

// fillNegPre empties f's features (not its memo) and adds pre of them,
// as FuzzNegProb puts features before the n-grams.
func fillNegPre(f *negFeats, pre int) {
	f.n = 0
	for k := 0; k < pre; k++ {
		f.add(nfPosition, uint32(k), float32(k%5)/3)
	}
}

// TestNegBigramsMatchHash checks finish, whose sumGrams reads bigram
// weights from the memo a negFeats keeps, against negProbRef (every
// bigram hashed), to the bit, on a sequence of texts sharing one memo:
// texts whose pairs fill entries and read them back, pairs that share an
// entry (one evicts the other), and the model changed between texts (the
// memo must be emptied). A memo that took an entry's weight without its
// key, kept another model's weights or stored a wrong weight fails it.
func TestNegBigramsMatchHash(t *testing.T) {
	c, d := negBigramCollision(t, '你', '好')
	e, g := negBigramCollision(t, '快', '递')
	texts := []string{"你好", "你好你好", string([]rune{c, d}), "你好", string([]rune{'x', c, d, '你', '好', c, d}),
		"快递到了吗", string([]rune{e, g}), "快递快递", "为什么还没发货？？！！", "", "a", "ok 123 abc", "\u9fff\ua000\u9fff\ua000",
		"你好\xe4\xbd", "在\xed\xa0\x80"}
	models := []*learnedNegative{randomNegative(1), randomNegative(2)}
	var shared negFeats
	shared.unmemoized = negBiAfter // the memo from the first text on
	for round := 0; round < 3; round++ {
		for k, s := range texts {
			for _, m := range []*learnedNegative{models[0], models[0], models[(k+round)%2]} {
				for _, pre := range []int{0, 5, maxNegFeats - 3} {
					var want negFeats
					fillNegPre(&want, pre)
					fillNegPre(&shared, pre)
					p := negProbRef(m, &want, s)
					if q := m.finish(m.sum(m.bias, &shared, 0), &shared, s); math.Float32bits(q) != math.Float32bits(p) {
						t.Fatalf("round %d, %q after %d features: finish with the memo %v, hashed %v", round, s, pre, q, p)
					}
				}
			}
		}
	}
	// Every entry the texts filled holds its pair's weight under the last model.
	m, bc := shared.biOf, shared.bi
	filled := 0
	for slot, e := range bc.e {
		key := e.key
		if key == ^uint64(0) {
			continue
		}
		filled++
		if int(negBiSlot(key)) != slot {
			t.Fatalf("pair %#x kept in entry %d, not %d", key, slot, negBiSlot(key))
		}
		if want := stepWeight(m.w[negIndex(negKey(nfBi), uint32(nfMix(key)))], m.scale); math.Float32bits(e.bi) != math.Float32bits(want) {
			t.Fatalf("pair %#x: memo %v, hash %v", key, e.bi, want)
		}
		if r := uint32(key); math.Float32bits(e.uni) != math.Float32bits(stepWeight(m.w[negIndex(negKey(nfUni), r)], m.scale)) {
			t.Fatalf("pair %#x: unigram %v, hash %v", key, e.uni, stepWeight(m.w[negIndex(negKey(nfUni), r)], m.scale))
		}
	}
	if filled == 0 {
		t.Fatal("the memo kept no bigram")
	}
}

// FuzzNegBigrams checks finish against negProbRef, to the bit, on two
// texts in turn sharing one memo that lives across the fuzzer's inputs
// (so that pairs of earlier inputs fill it), under one of two models
// picked by the input, the second text also with a pair sharing an entry
// with the first text's first pair. Run longer with go test -run xxx
// -fuzz FuzzNegBigrams ./internal/detect/.
func FuzzNegBigrams(f *testing.F) {
	for i, s := range endingFuzzSeeds {
		f.Add(s, "你好"+s, uint8(i))
	}
	f.Add("你好", "你好你好", uint8(0))
	f.Add("快递到了吗", "\u9fff\ua000\u9fff\ua000", uint8(1))
	models := []*learnedNegative{randomNegative(3), randomNegative(4)}
	var shared negFeats
	shared.unmemoized = negBiAfter // the memo from the first input on
	f.Fuzz(func(t *testing.T, a, b string, pick uint8) {
		m := models[pick%2]
		if rs := []rune(a); len(rs) >= 2 {
			c, d := negBigramCollision(t, rs[0], rs[1])
			b += string([]rune{c, d})
		}
		for _, s := range []string{a, b, a} {
			var want negFeats
			fillNegPre(&want, int(pick)%8)
			fillNegPre(&shared, int(pick)%8)
			p := negProbRef(m, &want, s)
			if q := m.finish(m.sum(m.bias, &shared, 0), &shared, s); math.Float32bits(q) != math.Float32bits(p) {
				t.Fatalf("%q: finish with the memo %v, hashed %v", s, q, p)
			}
		}
	})
}

// TestNegBigramsLazy checks that a negFeats makes its memo only after
// negBiAfter messages, scoring them the same as with the memo (to the
// bit, against negProbRef), so that a Scratch used for one conversation
// does not pay for the table.
func TestNegBigramsLazy(t *testing.T) {
	models := []*learnedNegative{randomNegative(1), randomNegative(2)}
	var f negFeats
	texts := []string{"你好你好", "快递到了吗", "为什么还没发货", "a"}
	for k := 0; k < negBiAfter+8; k++ {
		s := texts[k%len(texts)]
		m := models[0]
		if k >= negBiAfter+4 { // another model once the memo is made: it must be emptied
			m = models[1]
		}
		var want negFeats
		fillNegPre(&want, 0)
		fillNegPre(&f, 0)
		p := negProbRef(m, &want, s)
		if q := m.finish(m.sum(m.bias, &f, 0), &f, s); math.Float32bits(q) != math.Float32bits(p) {
			t.Fatalf("message %d, %q: finish %v, hashed %v", k, s, q, p)
		}
		if made := f.bi != nil; made != (k >= negBiAfter) {
			t.Fatalf("after message %d: memo made = %v", k, made)
		}
	}
}
