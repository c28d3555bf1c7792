package analyze

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
	"time"
)

// TestMemoryMatchesList holds Memory, whose buyer look-up remembers its
// last answer, to a plain list of contacts searched in full: the same
// earlier contacts for every look-up of a random stream over a few
// buyers, asked about in runs and interleaved, including two whose shop
// and customer join to the same key (one buyer to Memory).
func TestMemoryMatchesList(t *testing.T) {
	// Random starts, and starts in time order with ties, where Earlier
	// stops early (a buyer's records all added in time order).
	for _, inOrder := range []bool{false, true} {
		for _, collide := range []bool{false, true} {
			memoryMatchesList(t, inOrder, collide)
		}
	}
}

// memoryMatchesList is TestMemoryMatchesList; collide gives the buyers'
// keys a hash that most share, so that buyerIndex tells them apart by
// their keys as it would two keys of one real hash.
func memoryMatchesList(t *testing.T, inOrder, collide bool) {
	type buyer struct{ shop, customer string }
	buyers := []buyer{{"s", "u1"}, {"s", "u2"}, {"t", "u1"}, {"a\x00b", "c"}, {"a", "b\x00c"}, {"s", "u3"}}
	rng := rand.New(rand.NewPCG(3, 4))
	m := NewMemory()
	if collide {
		m.buyers.hash = func(key []byte) uint64 { return uint64(len(key) % 2) }
	}
	var list []Contact
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	b := buyers[0]
	for i := 0; i < 3000; i++ {
		if rng.IntN(3) == 0 {
			b = buyers[rng.IntN(len(buyers))]
		}
		start := t0.Add(time.Duration(rng.IntN(60*24)) * time.Hour)
		if inOrder {
			start = t0.Add(time.Duration(i/3) * time.Hour)
		}
		from := start.Add(-time.Duration(rng.IntN(20*24)) * time.Hour)
		before := start
		if rng.IntN(4) == 0 { // a window ending before the newest records, ties and all
			before = start.Add(-time.Duration(rng.IntN(4)) * time.Hour)
		}
		got, err := m.Earlier(context.Background(), b.shop, b.customer, from, before, 5)
		if err != nil {
			t.Fatal(err)
		}
		var want []Contact
		for k := len(list) - 1; k >= 0; k-- {
			c := list[k]
			// Memory keys a buyer by shop, NUL, customer, so the two
			// buyers that join alike are one, as they always were.
			same := c.Shop+"\x00"+c.Customer == b.shop+"\x00"+b.customer
			if same && !c.Start.Before(from) && c.Start.Before(before) {
				want = append(want, c)
			}
		}
		sort.SliceStable(want, func(i, j int) bool { return want[i].Start.After(want[j].Start) })
		if len(want) > 5 {
			want = want[:5]
		}
		if len(got) != len(want) {
			t.Fatalf("in order %v, step %d, %v: %d earlier contacts, want %d", inOrder, i, b, len(got), len(want))
		}
		for k := range got {
			if got[k].ID != want[k].ID || !got[k].Start.Equal(want[k].Start) || got[k].Shop != b.shop || got[k].Customer != b.customer {
				t.Fatalf("step %d, %v: contact %d is %s at %v, want %s at %v", i, b, k, got[k].ID, got[k].Start, want[k].ID, want[k].Start)
			}
			if !reflect.DeepEqual(got[k].Orders, want[k].Orders) {
				t.Fatalf("step %d: orders %v, want %v", i, got[k].Orders, want[k].Orders)
			}
		}
		if rng.IntN(4) != 0 {
			c := Contact{ID: fmt.Sprintf("c%d", i), Shop: b.shop, Customer: b.customer, Start: start, End: start.Add(time.Minute),
				Orders: []string{fmt.Sprintf("o%d", i%7)}, FirstMsg: -1, NotKeptMsg: -1, EndingMsg: -1}
			m.Add(&c)
			list = append(list, c)
		}
	}
}

// BenchmarkEarlierOneBuyer measures what used to grow with the square of a
// buyer's contacts: one buyer with 5,000 contacts, each looking up the ones
// before it (in time order, where Earlier stops early, and shuffled, where
// it walks and sorts them all but expands only MaxEarlier).
func BenchmarkEarlierOneBuyer(b *testing.B) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, shuffled := range []bool{false, true} {
		name := "in-order"
		if shuffled {
			name = "shuffled"
		}
		b.Run(name, func(b *testing.B) {
			starts := make([]time.Time, 5000)
			for i := range starts {
				starts[i] = t0.Add(time.Duration(i) * time.Minute)
			}
			if shuffled {
				rng := rand.New(rand.NewPCG(1, 2))
				rng.Shuffle(len(starts), func(i, j int) { starts[i], starts[j] = starts[j], starts[i] })
			}
			for b.Loop() {
				m := NewMemory()
				for i, s := range starts {
					if _, err := m.Earlier(context.Background(), "s", "u", s.Add(-14*24*time.Hour), s, 100); err != nil {
						b.Fatal(err)
					}
					m.Add(&Contact{ID: fmt.Sprint(i), Shop: "s", Customer: "u", Start: s, End: s, FirstMsg: -1, NotKeptMsg: -1, EndingMsg: -1})
				}
			}
		})
	}
}
