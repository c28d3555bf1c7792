package analyze

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
	"time"
)

// findRef is Find as written before seriesCounts: the day and hour counts
// in two Go maps. It is the reference of TestFindMatchesRef.
func (b *Bursts) findRef() []Burst {
	if len(b.convs) == 0 {
		return nil
	}
	h0, h1 := b.convs[0].hour, b.convs[0].hour
	for _, c := range b.convs {
		h0, h1 = min(h0, c.hour), max(h1, c.hour)
	}
	d0 := floorDiv(h0, 24)
	nDays := int(floorDiv(h1, 24)-d0) + 1
	total := make([]float64, nDays)
	byHour := make([][24]float64, nDays)
	day := map[uint64]int32{}
	hour := map[uint64]int32{}
	for _, c := range b.convs {
		k := floorDiv(c.hour, 24) - d0
		hod := c.hour - floorDiv(c.hour, 24)*24
		total[k]++
		byHour[k][hod]++
		for _, t := range b.arena[c.off : c.off+uint32(c.n)] {
			day[series(t, k)]++
			hour[series(t, c.hour-d0*24)]++
		}
	}
	share := b.hourShares(total, byHour)
	candidates := map[uint32]bool{}
	for key, n := range day {
		if int(n) >= b.cfg.MinCount {
			candidates[uint32(key>>32)] = true
		}
	}
	for key, n := range hour {
		if int(n) >= b.cfg.MinCount {
			candidates[uint32(key>>32)] = true
		}
	}
	var out []Burst
	for t := range candidates {
		daily := make([]float64, nDays)
		for k := range daily {
			daily[k] = float64(day[series(t, int32(k))])
		}
		base := b.cfg.Baseline(daily)
		for k := b.cfg.WarmupDays; k < nDays; k++ {
			exp := max(base[k], b.cfg.Floor)
			if n := int(daily[k]); b.cfg.Test(n, exp) {
				start := hourTime((d0+int32(k))*24, b.loc)
				out = append(out, Burst{Topic: b.topics[t], WindowStart: start, WindowEnd: start.AddDate(0, 0, 1),
					Count: n, Expected: round2(exp)})
			}
		}
		out = append(out, b.hourlyRef(t, nDays, d0, base, share, hour)...)
	}
	b.examples(out)
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if !x.WindowStart.Equal(y.WindowStart) {
			return x.WindowStart.Before(y.WindowStart)
		}
		if !x.WindowEnd.Equal(y.WindowEnd) {
			return x.WindowEnd.After(y.WindowEnd)
		}
		if x.Topic.Kind != y.Topic.Kind {
			return x.Topic.Kind < y.Topic.Kind
		}
		return x.Topic.Value < y.Topic.Value
	})
	return out
}

// hourlyRef is hourly reading the reference's map.
func (b *Bursts) hourlyRef(t uint32, nDays int, d0 int32, base []float64, share [][24]float64, hour map[uint64]int32) []Burst {
	var out []Burst
	var cur *Burst
	lastH := int32(-1)
	for k := b.cfg.WarmupDays; k < nDays; k++ {
		for hod := int32(0); hod < 24; hod++ {
			h := int32(k)*24 + hod
			n := int(hour[series(t, h)])
			if n < b.cfg.MinCount {
				continue
			}
			exp := max(max(base[k], b.cfg.Floor)*share[k][hod], b.cfg.Floor/24)
			if !b.cfg.Test(n, exp) {
				continue
			}
			if cur != nil && lastH == h-1 {
				cur.Count += n
				cur.Expected = round2(cur.Expected + exp)
				cur.WindowEnd = cur.WindowEnd.Add(time.Hour)
			} else {
				start := hourTime(d0*24+h, b.loc)
				out = append(out, Burst{Topic: b.topics[t], WindowStart: start, WindowEnd: start.Add(time.Hour),
					Count: n, Expected: round2(exp)})
				cur = &out[len(out)-1]
			}
			lastH = h
		}
	}
	return out
}

// TestFindMatchesRef checks Find against findRef on random batches: a few
// to some thousands of topics (the counts' tables grow many times), one
// day to two years, bursts planted on random topics, days and hours, and
// times before 1970 (negative hours).
func TestFindMatchesRef(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	rng := rand.New(rand.NewPCG(16, 1))
	bursts := 0
	for k := 0; k < 60; k++ {
		cfg := DefaultBurstConfig()
		cfg.WarmupDays = rng.IntN(8)
		b := NewBursts(cfg, loc)
		nTopics := 1 + rng.IntN([]int{5, 50, 3000}[k%3])
		days := 1 + rng.IntN([]int{3, 40, 730}[k/3%3])
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
		if k%7 == 0 {
			start = time.Date(1969, 12, 20, 0, 0, 0, 0, loc)
		}
		topic := func() Topic { return Topic{Kind: "sku", Value: fmt.Sprint(rng.IntN(nTopics))} }
		n := rng.IntN(6000)
		for i := 0; i < n; i++ {
			at := start.Add(time.Duration(rng.Int64N(int64(days) * 24 * int64(time.Hour))))
			ts := make([]Topic, rng.IntN(5))
			for j := range ts {
				ts[j] = topic()
			}
			b.Add(fmt.Sprint("c", i), at, ts)
		}
		for p := rng.IntN(4); p > 0; p-- { // planted: one topic many times in an hour
			tp, at := topic(), start.Add(time.Duration(rng.IntN(days*24))*time.Hour)
			for i := 5 + rng.IntN(30); i > 0; i-- {
				b.Add(fmt.Sprint("p", p, "-", i), at.Add(time.Duration(rng.IntN(3600))*time.Second), []Topic{tp})
			}
		}
		got, want := b.Find(), b.findRef()
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("batch %d (%d topics, %d days, %d conversations): Find\n%+v\nwant\n%+v", k, nTopics, days, b.Len(), got, want)
		}
		bursts += len(want)
	}
	if bursts < 30 {
		t.Fatalf("only %d bursts: the test tests little", bursts)
	}
}

// TestSeriesCounts holds seriesCounts to a map: counts of random keys
// (topics and buckets near each other and far apart, 0 included), every
// count and absent keys asked after each growth, and each visiting every
// key once.
func TestSeriesCounts(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var c seriesCounts
	want := map[uint64]int32{}
	for i := 0; i < 20000; i++ {
		var key uint64
		switch rng.IntN(3) {
		case 0:
			key = series(uint32(rng.IntN(8)), int32(rng.IntN(24)))
		case 1:
			key = series(uint32(rng.IntN(5000)), int32(rng.IntN(20000))-100)
		default:
			key = rng.Uint64()
		}
		c.inc(key)
		want[key]++
		if i&(i+1) == 0 || i == 19999 { // 0, 1, 3, 7, …: across the growths
			for k, n := range want {
				if got := c.get(k); got != n {
					t.Fatalf("get(%#x) = %d, want %d", k, got, n)
				}
				if got := c.get(k ^ 1<<63); want[k^1<<63] != got {
					t.Fatalf("get(%#x) = %d, want %d", k^1<<63, got, want[k^1<<63])
				}
			}
			seen := map[uint64]int32{}
			c.each(func(k uint64, n int32) {
				if _, dup := seen[k]; dup {
					t.Fatalf("each: %#x twice", k)
				}
				seen[k] = n
			})
			if !reflect.DeepEqual(seen, want) {
				t.Fatalf("each visits %d keys, want %d", len(seen), len(want))
			}
		}
	}
	var empty seriesCounts
	if empty.get(0) != 0 {
		t.Fatal("empty table counts key 0")
	}
}

// TestTopicIDsMatchesMap holds topicIDs to the map keyed by Topic it
// replaced: random topics of the usual kinds, of others and of kinds
// that are one another's prefixes, numbered as first met, asked for
// before and after.
func TestTopicIDsMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	kinds := []string{"sku", "scene", "courier", "code", "sku_scene", "", "sk", "scene ", "日"}
	values := []string{"", "a", "A-1", "中通", "resolution.unresolved", "顺丰速运", "x y"}
	var ids topicIDs
	ref := map[Topic]uint32{}
	for i := 0; i < 20000; i++ {
		tp := Topic{Kind: kinds[rng.IntN(len(kinds))], Value: values[rng.IntN(len(values))] + fmt.Sprint(rng.IntN(20))}
		n, ok := ids.get(tp)
		if rn, rok := ref[tp]; n != rn || ok != rok {
			t.Fatalf("get(%v) = %d %v, want %d %v", tp, n, ok, rn, rok)
		}
		if !ok {
			ids.set(tp, uint32(len(ref)))
			ref[tp] = uint32(len(ref))
		}
	}
	for tp, rn := range ref {
		if n, ok := ids.get(tp); !ok || n != rn {
			t.Fatalf("at the end get(%v) = %d %v, want %d", tp, n, ok, rn)
		}
	}
}
