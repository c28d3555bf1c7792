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
