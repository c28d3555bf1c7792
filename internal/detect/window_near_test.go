package detect

import (
	"math/rand"
	"sort"
	"testing"
)

// nearRef is near as first written: two sort.Search calls over the hits
// ordered by end offset.
func nearRef(hs []KeywordHit, lo, hi int32) (a, b int) {
	if len(hs) == 0 || lo > hi {
		return 0, 0
	}
	a = sort.Search(len(hs), func(k int) bool { return hs[k].End >= lo })
	b = sort.Search(len(hs), func(k int) bool { return hs[k].End > hi })
	return a, b
}

// TestNear holds near, which takes the window to the row's end without a
// second search when the last hit ends by hi, to nearRef on random rows
// of hits (ends repeated, windows empty, inside, reaching either end or
// past both, lo past hi), and checks the work it counts.
func TestNear(t *testing.T) {
	rng := rand.New(rand.NewSource(16))
	for trial := 0; trial < 50000; trial++ {
		n := rng.Intn(40)
		if trial%10 == 0 {
			n = rng.Intn(400)
		}
		hs := make([]KeywordHit, n)
		end := int32(0)
		for k := range hs {
			end += int32(rng.Intn(3)) // ends repeat
			hs[k].End = end
			hs[k].Start = end - int32(rng.Intn(6))
		}
		lo := int32(rng.Intn(int(end)+8)) - 4
		hi := lo + int32(rng.Intn(int(end)+8)) - 4
		in := &Input{Hits: [][]KeywordHit{nil, hs}}
		got := in.near(1, lo, hi)
		a, b := nearRef(hs, lo, hi)
		want := hs[a:b]
		if len(got) != len(want) || len(got) > 0 && &got[0] != &want[0] {
			t.Fatalf("hits %v, [%d, %d]: near gives %d hits, want hs[%d:%d]", hs, lo, hi, len(got), a, b)
		}
		wantWork := int64(0)
		if n > 0 && lo <= hi {
			wantWork = int64(b-a) + 1
		}
		if in.work != wantWork {
			t.Fatalf("hits %v, [%d, %d]: work %d, want %d", hs, lo, hi, in.work, wantWork)
		}
	}
}
