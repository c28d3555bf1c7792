package ingest

import (
	"math/rand/v2"
	"testing"
)

// TestIDTableMatchesMap holds idTable to the map it replaced: random
// puts, updates, deletes (of held keys and of keys never put) and gets,
// on keys whose first halves share their low bits in long runs (probe
// chains that wrap around the end of the slots and deletions inside
// them), the empty slot's key {0, 0} among them, through many growths.
func TestIDTableMatchesMap(t *testing.T) {
	for seed := uint64(0); seed < 20; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		var tab idTable
		ref := map[idKey]int64{}
		pool := make([]idKey, 50+rng.IntN(5000))
		for i := range pool {
			switch rng.IntN(4) {
			case 0: // the same few home slots, near the end of 1,024
				pool[i] = idKey{uint64(1020+rng.IntN(4)) | rng.Uint64()<<20, rng.Uint64()}
			case 1: // the same first half, told apart by the second
				pool[i] = idKey{1023, uint64(rng.IntN(1 << 20))}
			default:
				pool[i] = idKey{rng.Uint64(), rng.Uint64()}
			}
		}
		pool[0] = idKey{}
		pool[1] = idKey{0, 1}
		for op := 0; op < 40000; op++ {
			k := pool[rng.IntN(len(pool))]
			switch rng.IntN(5) {
			case 0, 1:
				v := rng.Int64()
				tab.put(k, v)
				ref[k] = v
			case 2:
				tab.del(k)
				delete(ref, k)
			default:
				got, ok := tab.get(k)
				want, wok := ref[k]
				if ok != wok || got != want {
					t.Fatalf("seed %d op %d: get(%v) = %d %v, want %d %v", seed, op, k, got, ok, want, wok)
				}
			}
			if tab.len() != len(ref) {
				t.Fatalf("seed %d op %d: %d keys, want %d", seed, op, tab.len(), len(ref))
			}
		}
		for _, k := range pool {
			got, ok := tab.get(k)
			if want, wok := ref[k]; ok != wok || got != want {
				t.Fatalf("seed %d: at the end get(%v) = %d %v, want %d %v", seed, k, got, ok, want, wok)
			}
		}
	}
}

// mapWindow is idWindow as it was, on a Go map: the reference of
// TestIDWindowMatchesMap.
type mapWindow struct {
	max  int
	line map[idKey]int64
	ring []idKey
	next int
}

func (w *mapWindow) add(k idKey, line int64) {
	if _, ok := w.line[k]; ok {
		w.line[k] = line
		return
	}
	if len(w.ring) < w.max {
		w.ring = append(w.ring, k)
	} else {
		delete(w.line, w.ring[w.next])
		w.ring[w.next] = k
		w.next = (w.next + 1) % w.max
	}
	w.line[k] = line
}

// TestIDWindowMatchesMap runs idWindow and the map version side by side
// on ids that come back within and beyond small windows, added by add and
// by addNew after seenKey.
func TestIDWindowMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, max := range []int{1, 2, 3, 10, 700, 3000} {
		w := newIDWindow(max)
		ref := &mapWindow{max: max, line: map[idKey]int64{}}
		for line := int64(1); line < 20000; line++ {
			id := string(rune('a' + rng.IntN(3*max+5)))
			k := w.key(id)
			got, ok := w.seenKey(k)
			if want, wok := ref.line[k]; ok != wok || got != want {
				t.Fatalf("window %d line %d: seen %d %v, want %d %v", max, line, got, ok, want, wok)
			}
			if !ok && rng.IntN(2) == 0 {
				w.addNew(k, line) // as the JSON Lines reader adds
			} else {
				w.add(id, line)
			}
			ref.add(k, line)
			if w.line.len() != len(ref.line) {
				t.Fatalf("window %d line %d: %d ids, want %d", max, line, w.line.len(), len(ref.line))
			}
		}
	}
}

// TestIDTableUpdateDoesNotGrow checks that setting the line of a key the
// table holds never grows it, even when the table is as full as it gets
// before growing: a window full of ids that are seen again (ids repeated
// across files) must stay the size its comment promises.
func TestIDTableUpdateDoesNotGrow(t *testing.T) {
	var tb idTable
	for i := range 512 {
		tb.put(idKey{uint64(i + 1), 7}, int64(i))
	}
	if len(tb.slots) != 1024 {
		t.Fatalf("512 keys in %d slots, want 1024", len(tb.slots))
	}
	for i := range 512 {
		tb.put(idKey{uint64(i + 1), 7}, int64(i+1000))
	}
	if len(tb.slots) != 1024 || tb.n != 512 {
		t.Fatalf("after updating every key: %d slots and %d keys, want 1024 and 512", len(tb.slots), tb.n)
	}
	if line, ok := tb.get(idKey{300, 7}); !ok || line != 1299 {
		t.Fatalf("get = %d, %v; want 1299, true", line, ok)
	}
	tb.put(idKey{9999, 7}, 1)
	if len(tb.slots) != 2048 || tb.n != 513 {
		t.Fatalf("after one new key: %d slots and %d keys, want 2048 and 513", len(tb.slots), tb.n)
	}
}
