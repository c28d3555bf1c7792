package analyze_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"fullqa/internal/analyze"
)

var day0 = time.Date(2026, 10, 1, 0, 0, 0, 0, shanghai)

// steady adds 30 days of flat traffic: 40 conversations a day between
// 08:00 and 23:00, each under a topic drawn from a fixed mix.
func steady(b *analyze.Bursts, rng *rand.Rand) {
	mix := []analyze.Topic{{"sku", "A-1"}, {"sku", "A-2"}, {"scene", "logistics"}, {"scene", "refund"},
		{"courier", "中通"}, {"courier", "顺丰"}, {"code", "resolution.unresolved"}}
	for d := 0; d < 30; d++ {
		for i := 0; i < 40; i++ {
			at := day0.AddDate(0, 0, d).Add(8*time.Hour + time.Duration(rng.IntN(15*3600))*time.Second)
			ts := []analyze.Topic{mix[rng.IntN(len(mix))], mix[rng.IntN(len(mix))]}
			b.Add(fmt.Sprintf("d%d-%d", d, i), at, ts)
		}
	}
}

// TestBurstSynthetic: quiet on flat traffic; on the same traffic with 12
// conversations about courier 韵达 planted between 14:00 and 15:00 of day
// 20 (it is otherwise never named) the burst is found in that hour and
// that day, with the planted conversations as examples.
func TestBurstSynthetic(t *testing.T) {
	cfg := analyze.DefaultBurstConfig()
	flat := analyze.NewBursts(cfg, shanghai)
	steady(flat, rand.New(rand.NewPCG(1, 2)))
	if bs := flat.Find(); len(bs) != 0 {
		t.Fatalf("flat traffic: %d bursts, first %+v", len(bs), bs[0])
	}
	planted := analyze.NewBursts(cfg, shanghai)
	steady(planted, rand.New(rand.NewPCG(1, 2)))
	at := day0.AddDate(0, 0, 20).Add(14 * time.Hour)
	for i := 0; i < 12; i++ {
		planted.Add(fmt.Sprintf("plant-%d", i), at.Add(time.Duration(i)*4*time.Minute), []analyze.Topic{{"courier", "韵达"}})
	}
	bs := planted.Find()
	var hour, day bool
	for _, b := range bs {
		if b.Topic != (analyze.Topic{Kind: "courier", Value: "韵达"}) {
			t.Errorf("burst on an unplanted topic: %+v", b)
			continue
		}
		if b.Count != 12 || len(b.Conversations) != cfg.Examples || b.Conversations[0] != "plant-0" {
			t.Errorf("burst %+v: want count 12 and the planted conversations", b)
		}
		hour = hour || b.WindowStart.Equal(at) && b.WindowEnd.Equal(at.Add(time.Hour))
		day = day || b.WindowStart.Equal(day0.AddDate(0, 0, 20)) && b.WindowEnd.Equal(day0.AddDate(0, 0, 21))
	}
	if !hour || !day {
		t.Errorf("planted burst: hour window found %v, day window found %v: %+v", hour, day, bs)
	}
}

// TestBurstSmallRise: 1 → 3 a day, or 4 in an hour, is no burst.
func TestBurstSmallRise(t *testing.T) {
	b := analyze.NewBursts(analyze.DefaultBurstConfig(), shanghai)
	for d := 0; d < 20; d++ {
		n := 1
		if d == 15 {
			n = 4
		}
		for i := 0; i < n; i++ {
			b.Add(fmt.Sprintf("%d-%d", d, i), day0.AddDate(0, 0, d).Add(10*time.Hour), []analyze.Topic{{"sku", "S"}})
		}
	}
	if bs := b.Find(); len(bs) != 0 {
		t.Errorf("small rise: %+v", bs)
	}
}

func TestPoissonTail(t *testing.T) {
	for _, tc := range []struct {
		k    int
		lam  float64
		want float64
	}{{0, 3, 1}, {1, 1, 0.6321205588}, {5, 1, 0.0036598468}, {10, 2, 4.649807e-5}} {
		if got := analyze.PoissonTail(tc.k, tc.lam); got < tc.want*0.999 || got > tc.want*1.001 {
			t.Errorf("P(X≥%d | λ=%g) = %g, want %g", tc.k, tc.lam, got, tc.want)
		}
	}
}

// TestBurstJDDC re-times the real JDDC chats (../shared/data, skipped when
// absent) as steady traffic over 30 days, three passes over the 632 chats,
// and plants 25 more quality-complaint chats between 14:00 and 16:00 of day
// 22: the burst on scene "quality" is found in that window, and nothing is
// found on the same traffic without the plant.
func TestBurstJDDC(t *testing.T) {
	const path = "../../../shared/data/jddc/jddc_dev.tsv"
	if _, err := os.Stat(path); err != nil {
		t.Skip("JDDC data not present:", err)
	}
	chats := inspectFile(t, path)
	tp := topics(t)
	cfg := analyze.DefaultBurstConfig()
	build := func(plant bool) []analyze.Burst {
		b := analyze.NewBursts(cfg, shanghai)
		rng := rand.New(rand.NewPCG(7, 7))
		for pass := 0; pass < 3; pass++ {
			for i, c := range chats {
				at := day0.AddDate(0, 0, rng.IntN(30)).Add(8*time.Hour + time.Duration(rng.IntN(15*3600))*time.Second)
				b.Add(fmt.Sprintf("%s#%d-%d", c.conv.ID, pass, i), at, tp.Of(c.conv, c.findings, c.tags))
			}
		}
		if plant {
			at := day0.AddDate(0, 0, 22).Add(14 * time.Hour)
			n := 0
			for _, c := range chats {
				for _, tg := range c.tags {
					if tg.Name == "quality" && n < 25 {
						b.Add(fmt.Sprintf("plant-%d", n), at.Add(time.Duration(n)*4*time.Minute), tp.Of(c.conv, c.findings, c.tags))
						n++
					}
				}
			}
		}
		return b.Find()
	}
	if bs := build(false); len(bs) != 0 {
		t.Fatalf("steady JDDC traffic: %d bursts, first %+v", len(bs), bs[0])
	}
	found := false
	start := day0.AddDate(0, 0, 22).Add(14 * time.Hour)
	for _, b := range build(true) {
		t.Logf("burst %s=%s %s–%s count %d expected %.2f", b.Topic.Kind, b.Topic.Value,
			b.WindowStart.Format("01-02 15:04"), b.WindowEnd.Format("01-02 15:04"), b.Count, b.Expected)
		if b.Topic == (analyze.Topic{Kind: "scene", Value: "quality"}) && !b.WindowStart.Before(start) && !b.WindowEnd.After(start.Add(2*time.Hour)) {
			found = true
		}
	}
	if !found {
		t.Error("the planted quality burst was not found in its window")
	}
}
