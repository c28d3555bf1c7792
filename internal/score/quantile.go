package score

import (
	"math"
	"sort"
)

// waitHist counts waiting times for their median and 90th percentile in
// bounded memory: one bucket a whole second below ten minutes, then
// buckets 1 % wide, so a group never holds more than about 1,600 buckets
// however many rounds it counts. A quantile is the mean of the waits in
// its bucket: exact when they are equal (timestamps are usually whole
// seconds), else within a second below ten minutes and 1 % above.
type waitHist struct {
	n int
	// low holds the one-second buckets (waits under histLinear seconds,
	// nearly all of them) by index, as far as the longest such wait
	// counted: every answered round adds to two histograms in each of
	// its groups on the one goroutine that aggregates, and a map costs
	// several times an index (when low stopped at a minute, the map
	// look-ups of the waits above it were a third of Builder.Add). It
	// holds at most histLinear buckets, 9.6 KB. buckets holds the rest.
	low     []bucket
	buckets map[int32]bucket
}

// bucket counts the waits in one bucket and sums them, so a bucket's
// value is the mean of its waits: exact when they are all the same.
type bucket struct {
	n   int32
	sum float64
}

const (
	histLinear = 600 // seconds counted one bucket each
	histStep   = 1.01
	histLow    = 64 // low's first size: 1 KB a histogram
)

func (h *waitHist) add(sec float64) { h.addAt(bucketOf(sec), sec) }

// addLow is addAt of a bucket that low already holds (low is never
// longer than histLinear), reporting true; false, and h as it was, for
// any other. It is small enough for the compiler to inline where addAt is
// not: Group.add counts every timed round into some six groups'
// histograms with it, and calls addAt only when it says false.
// TestAddLowMatchesAddAt holds the pair to addAt alone.
func (h *waitHist) addLow(k int32, sec float64) bool {
	if uint(k) >= uint(len(h.low)) {
		return false
	}
	h.n++
	b := &h.low[k]
	b.n++
	b.sum += sec
	return true
}

// addAt is add of a wait whose bucketOf is k, found before.
func (h *waitHist) addAt(k int32, sec float64) {
	h.n++
	if k >= 0 && k < histLinear {
		if int(k) >= len(h.low) {
			h.grow(int(k))
		}
		b := &h.low[k]
		b.n++
		b.sum += sec
		return
	}
	if h.buckets == nil {
		h.buckets = map[int32]bucket{}
	}
	b := h.buckets[k]
	b.n++
	b.sum += sec
	h.buckets[k] = b
}

// grow lengthens low to hold bucket k: at least doubled, at least
// histLow, at most histLinear.
func (h *waitHist) grow(k int) {
	low := make([]bucket, min(max(k+1, 2*len(h.low), histLow), histLinear))
	copy(low, h.low)
	h.low = low
}

func bucketOf(sec float64) int32 {
	if sec < 0 {
		sec = 0
	}
	if sec < histLinear {
		return int32(sec)
	}
	return histLinear + int32(math.Log(sec/histLinear)/math.Log(histStep))
}

// quantile returns the nearest-rank q-quantile (0 < q ≤ 1): the smallest
// value with at least q of the counts at or below it; the median of an
// even count is the lower middle value. nil when nothing was counted.
func (h *waitHist) quantile(q float64) *float64 {
	if h.n == 0 {
		return nil
	}
	keys := make([]int32, 0, len(h.buckets))
	for k := range h.buckets {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	rank := int(math.Ceil(q * float64(h.n)))
	if rank < 1 {
		rank = 1
	}
	seen := 0
	for k := range h.low {
		b := h.low[k]
		seen += int(b.n)
		if b.n > 0 && seen >= rank {
			v := roundTo(b.sum/float64(b.n), 1)
			return &v
		}
	}
	for _, k := range keys {
		b := h.buckets[k]
		seen += int(b.n)
		if seen >= rank {
			v := roundTo(b.sum/float64(b.n), 1)
			return &v
		}
	}
	return nil // not reached: the counts add up to n
}

// roundTo rounds v to digits decimals, for display: reports and JSON show
// 0.1 where the sum of floats gave 0.09999999999999998.
func roundTo(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// roundPtr rounds a figure that may be unavailable.
func roundPtr(v *float64, digits int) *float64 {
	if v == nil {
		return nil
	}
	r := roundTo(*v, digits)
	return &r
}
