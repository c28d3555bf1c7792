package analyze

import (
	"bytes"
	"hash/maphash"
)

// buyerIndex numbers the buyers of a Memory densely, from 0, by their key
// (shop, NUL, customer). It keeps the keys back to back in one byte slice
// and finds them by a 64-bit hash in a table of its own: slots, open
// addressing with linear probing, holds 1 + the number of the buyer whose
// hash led there (0: empty), and hashes each buyer's hash. A map keyed by
// the key strings made a string for every new buyer (an allocation a
// conversation when most buyers are new) and was full of pointers for the
// collector to follow; a map[uint64]uint32 of the hashes cost some 600
// instructions a new buyer to insert into and to grow, where the table
// stores a number in the slot find already found empty, and grows by
// placing the stored hashes again, hashing no key twice. Keys of one hash
// (a chance of one in 2^64 for a pair) sit in later slots of the same
// probe and are told apart by the key itself.
//
// The zero buyerIndex is empty and ready to use: it takes its seed and
// makes its table when first used, so that two new Memories are alike.
type buyerIndex struct {
	hash   func(key []byte) uint64 // maphash with the index's own seed
	slots  []uint32                // 1 + buyer, 0 for an empty slot; a power of two long
	hashes []uint64                // buyer b's hash
	keys   []byte
	ends   []int // buyer b's key is keys[ends[b-1]:ends[b]], from 0 for b == 0
}

// buyerLookup is what find learned of a key: its number when found, and
// what add needs to number it when not, without hashing or probing again.
type buyerLookup struct {
	id    uint32
	found bool
	hash  uint64
	slot  int // the empty slot the probe ended at, when not found
}

// minSlots is the table's size when first made.
const minSlots = 64

// find looks key up.
func (x *buyerIndex) find(key []byte) buyerLookup {
	if x.hash == nil {
		seed := maphash.MakeSeed()
		x.hash = func(key []byte) uint64 { return maphash.Bytes(seed, key) }
	}
	l := buyerLookup{hash: x.hash(key)}
	if x.slots == nil {
		x.slots = make([]uint32, minSlots)
	}
	mask := len(x.slots) - 1
	for i := int(l.hash) & mask; ; i = (i + 1) & mask {
		s := x.slots[i]
		if s == 0 {
			l.slot = i
			return l
		}
		if x.hashes[s-1] == l.hash && bytes.Equal(x.key(s-1), key) {
			l.id, l.found = s-1, true
			return l
		}
	}
}

// add numbers key, which find did not find (l is its answer, and no key
// was added since), as the next buyer, and returns its number.
func (x *buyerIndex) add(key []byte, l buyerLookup) uint32 {
	id := uint32(len(x.ends))
	x.keys = append(x.keys, key...)
	x.ends = append(x.ends, len(x.keys))
	x.hashes = append(x.hashes, l.hash)
	x.slots[l.slot] = id + 1
	// At most half full, so that a probe is short and meets an empty
	// slot.
	if 2*len(x.hashes) > len(x.slots) {
		x.grow()
	}
	return id
}

// grow doubles the table, placing every buyer again by its stored hash,
// in the order they were numbered.
func (x *buyerIndex) grow() {
	slots := make([]uint32, 2*len(x.slots))
	mask := len(slots) - 1
	for b, h := range x.hashes {
		i := int(h) & mask
		for slots[i] != 0 {
			i = (i + 1) & mask
		}
		slots[i] = uint32(b) + 1
	}
	x.slots = slots
}

// key is buyer id's key.
func (x *buyerIndex) key(id uint32) []byte {
	from := 0
	if id > 0 {
		from = x.ends[id-1]
	}
	return x.keys[from:x.ends[id]]
}
