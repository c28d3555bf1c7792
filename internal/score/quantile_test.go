package score

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

func TestWaitHistQuantiles(t *testing.T) {
	var h waitHist
	if h.quantile(0.5) != nil {
		t.Fatal("empty histogram has a median")
	}
	for s := 1; s <= 10; s++ {
		h.add(float64(s))
	}
	// Nearest rank: the median of 1..10 is the 5th value, p90 the 9th.
	if p := *h.quantile(0.5); p != 5 {
		t.Errorf("p50 = %v, want 5", p)
	}
	if p := *h.quantile(0.9); p != 9 {
		t.Errorf("p90 = %v, want 9", p)
	}
	// One slow outlier moves the mean, not the median.
	h.add(3600)
	if p := *h.quantile(0.5); p != 6 {
		t.Errorf("p50 with an outlier = %v, want 6", p)
	}
	if p := *h.quantile(1); math.Abs(p-3600)/3600 > 0.01 {
		t.Errorf("max = %v, want 3600 within 1%%", p)
	}
	// Bounded: a million distinct waits fill at most ~1,600 buckets.
	var big waitHist
	for i := 0; i < 1_000_000; i++ {
		big.add(float64(i) * 0.37)
	}
	if n := len(big.buckets); n > 1600 {
		t.Errorf("%d buckets, want at most 1600", n)
	}
}

// TestWaitHistMatchesMap checks the histogram with its array of short
// waits against the same counting in one map (as it was before the
// array), on waits on both sides of the array's first sizes, of where it
// grows and of ten minutes.
func TestWaitHistMatchesMap(t *testing.T) {
	ref := func(waits []float64, q float64) float64 {
		m := map[int32]bucket{}
		for _, w := range waits {
			b := m[bucketOf(w)]
			b.n++
			b.sum += w
			m[bucketOf(w)] = b
		}
		var keys []int32
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		rank := max(int(math.Ceil(q*float64(len(waits)))), 1)
		seen := 0
		for _, k := range keys {
			if seen += int(m[k].n); seen >= rank {
				return roundTo(m[k].sum/float64(m[k].n), 1)
			}
		}
		return math.NaN()
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 2000; trial++ {
		var h waitHist
		var waits []float64
		for i := rng.IntN(50) + 1; i > 0; i-- {
			w := []float64{rng.Float64() * 70, rng.Float64() * 1000, float64(rng.IntN(130)), -1, 63.9, 64,
				float64(rng.IntN(700)), 127.5, 128, 599.9, 600, rng.Float64() * 600}[rng.IntN(12)]
			h.add(w)
			waits = append(waits, w)
		}
		for _, q := range []float64{0.01, 0.5, 0.9, 1} {
			if got, want := *h.quantile(q), ref(waits, q); got != want {
				t.Fatalf("q%v of %v = %v, want %v", q, waits, got, want)
			}
		}
	}
}

// TestAddLowMatchesAddAt holds Group.add's way of counting a wait (addLow,
// then addAt when it says false) to addAt alone: the same histogram, to
// the last bit of every bucket's sum, on waits in buckets low holds, in
// ones it must grow to, past its end and past ten minutes.
func TestAddLowMatchesAddAt(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 2000; trial++ {
		var a, b waitHist
		for i := rng.IntN(60) + 1; i > 0; i-- {
			w := []float64{rng.Float64() * 70, rng.Float64() * 1000, float64(rng.IntN(130)), -1, 63.9, 64,
				float64(rng.IntN(700)), 127.5, 128, 599.9, 600, rng.Float64() * 600, 1e9}[rng.IntN(13)]
			k := bucketOf(w)
			if !a.addLow(k, w) {
				a.addAt(k, w)
			}
			b.addAt(k, w)
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("trial %d: after %v: addLow then addAt %+v, addAt %+v", trial, w, a, b)
			}
		}
	}
}
