package analyze

import (
	"bytes"
	"hash/maphash"
)

// buyerIndex numbers the buyers of a Memory densely, from 0, by their key
// (shop, NUL, customer). It keeps the keys back to back in one byte slice
// and finds them by a 64-bit hash in a map of integers: a map keyed by
// the key strings made a string for every new buyer (an allocation a
// conversation when most buyers are new) and was full of pointers for
// the collector to follow. Two keys of one hash (a chance of one in 2^64
// for a pair) are told apart in spill, which is keyed by the key itself.
//
// The zero buyerIndex is empty and ready to use: it takes its seed and
// makes its maps when first used, so that two new Memories are alike.
type buyerIndex struct {
	hash   func(key []byte) uint64 // maphash with the index's own seed
	byHash map[uint64]uint32       // the first buyer of each hash
	spill  map[string]uint32       // the buyers whose hash an earlier buyer has
	keys   []byte
	ends   []int // buyer b's key is keys[ends[b-1]:ends[b]], from 0 for b == 0
}

// buyerLookup is what find learned of a key: its number when found, and
// what add needs to number it when not, without hashing or looking it up
// again.
type buyerLookup struct {
	id     uint32
	found  bool
	hash   uint64
	spills bool // another buyer has the hash: the key goes to spill
}

// find looks key up.
func (x *buyerIndex) find(key []byte) buyerLookup {
	if x.hash == nil {
		seed := maphash.MakeSeed()
		x.hash = func(key []byte) uint64 { return maphash.Bytes(seed, key) }
	}
	l := buyerLookup{hash: x.hash(key)}
	id, ok := x.byHash[l.hash]
	if !ok {
		return l
	}
	if bytes.Equal(x.key(id), key) {
		l.id, l.found = id, true
		return l
	}
	l.spills = true
	l.id, l.found = x.spill[string(key)]
	return l
}

// add numbers key, which find did not find (l is its answer), as the next
// buyer, and returns its number.
func (x *buyerIndex) add(key []byte, l buyerLookup) uint32 {
	id := uint32(len(x.ends))
	x.keys = append(x.keys, key...)
	x.ends = append(x.ends, len(x.keys))
	switch {
	case l.spills && x.spill == nil:
		x.spill = map[string]uint32{string(key): id}
	case l.spills:
		x.spill[string(key)] = id
	case x.byHash == nil:
		x.byHash = map[uint64]uint32{l.hash: id}
	default:
		x.byHash[l.hash] = id
	}
	return id
}

// key is buyer id's key.
func (x *buyerIndex) key(id uint32) []byte {
	from := 0
	if id > 0 {
		from = x.ends[id-1]
	}
	return x.keys[from:x.ends[id]]
}
