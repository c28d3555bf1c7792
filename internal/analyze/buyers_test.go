package analyze

import (
	"encoding/binary"
	"testing"
)

// buyerIndexMatchesMap holds buyerIndex to a map keyed by the key
// strings, numbering new keys in order: for every key of keys, find
// answers as the map does, and a key not found is added with find's
// answer, as Memory.buyer adds it. hash, when not nil, replaces the
// index's (a degenerate one makes many keys share a hash or a slot).
func buyerIndexMatchesMap(t *testing.T, keys [][]byte, hash func([]byte) uint64) {
	t.Helper()
	var x buyerIndex
	x.hash = hash
	ref := map[string]uint32{}
	for i, k := range keys {
		l := x.find(k)
		want, ok := ref[string(k)]
		if l.found != ok || ok && l.id != want {
			t.Fatalf("key %d %q: find says %d, %v; want %d, %v", i, k, l.id, l.found, want, ok)
		}
		if !ok {
			id := x.add(k, l)
			ref[string(k)] = uint32(len(ref))
			if id != ref[string(k)] {
				t.Fatalf("key %d %q: added as %d, want %d", i, k, id, ref[string(k)])
			}
			if string(x.key(id)) != string(k) {
				t.Fatalf("key %d: buyer %d's key is %q, want %q", i, id, x.key(id), k)
			}
		}
	}
	for k, id := range ref {
		if l := x.find([]byte(k)); !l.found || l.id != id {
			t.Fatalf("%q: find at the end says %d, %v; want %d", k, l.id, l.found, id)
		}
	}
}

// TestBuyerIndexMatchesMap runs buyerIndexMatchesMap on many keys met
// again and again (the table grows several times), with the real hash,
// with hashes that all land in few slots (long probes, wrapping past the
// table's end) and with one hash for every key (told apart by key alone).
func TestBuyerIndexMatchesMap(t *testing.T) {
	var keys [][]byte
	for i := 0; i < 3000; i++ {
		keys = append(keys, []byte{'s', 0, byte('a' + i%7), byte(i % 500), byte(i % 500 >> 8)})
		keys = append(keys, []byte{}, []byte("s\x00u"))
	}
	for name, h := range map[string]func([]byte) uint64{
		"maphash": nil,
		"few":     func(k []byte) uint64 { return uint64(len(k)%3) + 1<<40 - 2 },
		"one":     func([]byte) uint64 { return 7 },
		"top":     func(k []byte) uint64 { return ^uint64(0) - uint64(len(k)%2) },
	} {
		t.Run(name, func(t *testing.T) { buyerIndexMatchesMap(t, keys, h) })
	}
}

// FuzzBuyerIndex is buyerIndexMatchesMap on keys cut from the input, two
// bytes long each by default, with the real hash and a hash of the keys'
// first byte alone.
func FuzzBuyerIndex(f *testing.F) {
	f.Add([]byte("s\x00u1s\x00u2s\x00u1abababcdcd"), uint8(2))
	f.Add(binary.LittleEndian.AppendUint64(nil, 1<<63), uint8(1))
	f.Fuzz(func(t *testing.T, in []byte, n uint8) {
		n = n%5 + 1
		var keys [][]byte
		for len(in) > 0 {
			k := min(int(n), len(in))
			keys = append(keys, in[:k])
			in = in[k:]
		}
		buyerIndexMatchesMap(t, keys, nil)
		buyerIndexMatchesMap(t, keys, func(k []byte) uint64 {
			if len(k) == 0 {
				return 0
			}
			return uint64(k[0]) * 0x9e3779b97f4a7c15 >> 7
		})
	})
}
