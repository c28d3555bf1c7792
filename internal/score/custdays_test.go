package score

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"fullqa/internal/conversation"
)

// TestCustDaysExactThenSampled checks the customer-day counts: exact up to
// maxCustDays, then estimated from a bounded sample within a few percent,
// with memory that stops growing.
func TestCustDaysExactThenSampled(t *testing.T) {
	var c custDays
	mark := func(k int) {
		var f uint8
		if k%4 == 0 {
			f |= cdLate // a quarter answered late
		}
		if k%2 == 0 {
			f |= cdReceived
		}
		c.mark(fmt.Sprintf("u-%d", k), "2026-11-01", f)
	}
	for k := range maxCustDays {
		mark(k)
		mark(k) // the same customer-day again is one
	}
	all, onTime, received := c.counts()
	if all != maxCustDays || onTime != maxCustDays*3/4 || received != maxCustDays/2 {
		t.Fatalf("exact: %d %d %d", all, onTime, received)
	}
	const n = 20 * maxCustDays
	for k := maxCustDays; k < n; k++ {
		mark(k)
	}
	all, onTime, received = c.counts()
	if c.n > maxCustDays || len(c.keys) > 4*maxCustDays {
		t.Errorf("keeps %d customer-days in %d slots, more than %d", c.n, len(c.keys), maxCustDays)
	}
	for _, x := range []struct {
		name      string
		got, want float64
	}{{"all", float64(all), n}, {"on time", float64(onTime), n * 3 / 4}, {"received", float64(received), n / 2}} {
		if math.Abs(x.got-x.want)/x.want > 0.03 {
			t.Errorf("%s: estimated %.0f, want %.0f ± 3 %%", x.name, x.got, x.want)
		}
	}
	if r := float64(onTime) / float64(all); math.Abs(r-0.75) > 0.01 {
		t.Errorf("reply rate %.3f, want 0.75 ± 0.01", r)
	}
}

// custDaysRef is custDays as it was, with a map of hashes; custDays'
// table must agree with it.
type custDaysRef struct {
	m     map[uint64]uint8
	level uint
}

func (c *custDaysRef) kept(h uint64) bool { return c.level == 0 || h>>(64-c.level) == 0 }

func (c *custDaysRef) markHash(h uint64, flags uint8) {
	if !c.kept(h) {
		return
	}
	if c.m == nil {
		c.m = map[uint64]uint8{}
	}
	c.m[h] |= flags
	for len(c.m) > maxCustDays && c.level < 63 {
		c.level++
		for k := range c.m {
			if !c.kept(k) {
				delete(c.m, k)
			}
		}
	}
}

func (c *custDaysRef) counts() (all, onTime, received int) {
	for _, f := range c.m {
		all++
		if f&cdLate == 0 {
			onTime++
		}
		if f&cdReceived != 0 {
			received++
		}
	}
	return all << c.level, onTime << c.level, received << c.level
}

// TestCustDaysMatchesMap holds the table to the map it replaced on
// streams of hashes from few to past the sample's first halvings, with
// repeats, the hash 0, hashes equal in their low bits (one probe chain)
// and random flags: the same counts, level and size at every step checked.
func TestCustDaysMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 40, 5000, 3 * maxCustDays} {
		var c custDays
		var ref custDaysRef
		var seen []uint64
		for i := 0; i < n; i++ {
			var h uint64
			switch r := rng.IntN(10); {
			case r == 0 && len(seen) > 0:
				h = seen[rng.IntN(len(seen))] // a customer-day again
			case r == 1:
				h = 0
			case r == 2:
				h = uint64(rng.IntN(64)) << 40 // the same low bits
			default:
				h = hashKey(fmt.Sprint(rng.Uint64()), "2026-11-01")
			}
			seen = append(seen, h)
			f := uint8(rng.IntN(4))
			c.markHash(h, f)
			ref.markHash(h, f)
			if i%997 == 0 || i == n-1 {
				a1, o1, r1 := c.counts()
				a2, o2, r2 := ref.counts()
				if a1 != a2 || o1 != o2 || r1 != r2 || c.level != ref.level || c.n != len(ref.m) {
					t.Fatalf("n %d, step %d: table %d %d %d level %d size %d, map %d %d %d level %d size %d",
						n, i, a1, o1, r1, c.level, c.n, a2, o2, r2, ref.level, len(ref.m))
				}
			}
		}
	}
}

// hashKeyRef is hashKey as it was, one loop over the bytes of each part:
// the reference for hashKey and custDayKey.
func hashKeyRef(customer, day string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(customer); i++ {
		h ^= uint64(customer[i])
		h *= 1099511628211
	}
	h ^= '|'
	h *= 1099511628211
	for i := 0; i < len(day); i++ {
		h ^= uint64(day[i])
		h *= 1099511628211
	}
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// FuzzCustDayKey holds hashKey to hashKeyRef and custDayKey to it of the
// customer, or of "conv:" and the id when there is none.
func FuzzCustDayKey(f *testing.F) {
	f.Add("u1", "c1", "2026-11-01")
	f.Add("", "1-0000b82c", "")
	f.Add("买家", "", "(no time)")
	f.Fuzz(func(t *testing.T, customer, id, day string) {
		if got, want := hashKey(customer, day), hashKeyRef(customer, day); got != want {
			t.Fatalf("hashKey(%q, %q) = %x, want %x", customer, day, got, want)
		}
		cust := customer
		if cust == "" {
			cust = "conv:" + id
		}
		c := &conversation.Conversation{ID: id, Customer: customer}
		if got, want := custDayKey(c, day), hashKeyRef(cust, day); got != want {
			t.Fatalf("custDayKey(%q, %q, %q) = %x, want %x", customer, id, day, got, want)
		}
	})
}
