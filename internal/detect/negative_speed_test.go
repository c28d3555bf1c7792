package detect

import (
	"math"
	"testing"
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
		gr, gq, ge := negGrams(&got, s)
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
