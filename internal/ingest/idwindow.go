package ingest

import "hash/maphash"

// idWindow remembers where the last ids of a file were seen, for the
// duplicate check, in bounded memory: each id is kept as a 128-bit hash (two
// seeded 64-bit hashes; a false match is about as likely as 2^-128 per
// pair) and only the most recent max of them are kept. Keeping every id of
// a long stream made memory grow with it (issue 11: 1 GB of JSON Lines
// through stdin peaked at 3.25 GB), while duplicates in exports come close
// together: a page exported twice, a file appended to itself.
type idWindow struct {
	max    int
	s1, s2 maphash.Seed
	line   idTable // key → a line, or a file and line packed (IDsAcrossFiles); int64 on 32-bit builds too
	ring   []idKey // the kept keys in order of arrival, a ring once full
	next   int     // where the next key goes in ring once it is full
}

type idKey [2]uint64

// maxRememberedIDs is how many ids a reader remembers for the duplicate
// check: about 64 MB at most (the ring's 16 MB and the 48 MB of the
// table's 2^21 slots; the Go map it replaced took about as much). A
// duplicate further back than this many conversations is not reported.
const maxRememberedIDs = 1 << 20

func newIDWindow(max int) *idWindow {
	return &idWindow{max: max, s1: maphash.MakeSeed(), s2: maphash.MakeSeed()}
}

func (w *idWindow) key(id string) idKey {
	return idKey{maphash.String(w.s1, id), maphash.String(w.s2, id)}
}

// seen returns the line id was last added with, if it is remembered.
func (w *idWindow) seen(id string) (int64, bool) {
	return w.seenKey(w.key(id))
}

// seenKey is seen of the id whose key is k. key only reads the seeds, so
// a reader's workers can make k while parsing and hand it over.
func (w *idWindow) seenKey(k idKey) (int64, bool) { return w.line.get(k) }

// add remembers id at line, forgetting the oldest id when full.
func (w *idWindow) add(id string, line int64) {
	k := w.key(id)
	if _, ok := w.line.get(k); ok {
		w.line.put(k, line)
		return
	}
	w.addNew(k, line)
}

// addNew is add of an id (by its key) that seenKey has just not found.
func (w *idWindow) addNew(k idKey, line int64) {
	if len(w.ring) < w.max {
		w.ring = append(w.ring, k)
	} else {
		w.line.del(w.ring[w.next])
		w.ring[w.next] = k
		w.next = (w.next + 1) % w.max
	}
	w.line.put(k, line)
}

// idTable maps id keys to lines: open addressing with linear probing,
// where a Go map hashed the key, itself two hashes, once more on every
// look-up and insert (a look-up and an insert a record, about a
// thousand instructions a conversation with the map's growing). A key's
// first half is a seeded hash, so its low bits pick the slot. The key
// {0, 0} marks an empty slot and is kept apart (zero). At most half the
// slots are full; a deleted key's followers shift back into its place
// (no tombstones), so a look-up stops at the first empty slot.
// TestIDTableMatchesMap holds it to a map.
type idTable struct {
	slots    []idSlot
	n        int // keys in slots
	zero     bool
	zeroLine int64
}

type idSlot struct {
	k    idKey
	line int64
}

// len is how many keys are held.
func (t *idTable) len() int {
	if t.zero {
		return t.n + 1
	}
	return t.n
}

// get returns k's line and whether k is held.
func (t *idTable) get(k idKey) (int64, bool) {
	if k == (idKey{}) {
		return t.zeroLine, t.zero
	}
	if t.n == 0 {
		return 0, false
	}
	mask := uint64(len(t.slots) - 1)
	for i := k[0] & mask; ; i = (i + 1) & mask {
		switch s := &t.slots[i]; s.k {
		case k:
			return s.line, true
		case idKey{}:
			return 0, false
		}
	}
}

// put sets k's line, adding k when it is not held. It looks for k before
// it thinks of growing, so updating a held key never grows the table.
func (t *idTable) put(k idKey, line int64) {
	if k == (idKey{}) {
		t.zero, t.zeroLine = true, line
		return
	}
	if len(t.slots) > 0 {
		mask := uint64(len(t.slots) - 1)
		i := k[0] & mask
		for t.slots[i].k != k && t.slots[i].k != (idKey{}) {
			i = (i + 1) & mask
		}
		if t.slots[i].k == k {
			t.slots[i].line = line
			return
		}
		if 2*(t.n+1) <= len(t.slots) {
			t.slots[i] = idSlot{k, line}
			t.n++
			return
		}
	}
	t.grow()
	mask := uint64(len(t.slots) - 1)
	i := k[0] & mask
	for t.slots[i].k != (idKey{}) {
		i = (i + 1) & mask
	}
	t.slots[i] = idSlot{k, line}
	t.n++
}

// del forgets k (nothing when it is not held), shifting back the keys
// after it that would otherwise lie beyond an empty slot from their own.
func (t *idTable) del(k idKey) {
	if k == (idKey{}) {
		t.zero, t.zeroLine = false, 0
		return
	}
	if t.n == 0 {
		return
	}
	mask := uint64(len(t.slots) - 1)
	i := k[0] & mask
	for t.slots[i].k != k {
		if t.slots[i].k == (idKey{}) {
			return
		}
		i = (i + 1) & mask
	}
	for j := i; ; {
		j = (j + 1) & mask
		s := t.slots[j]
		if s.k == (idKey{}) {
			break
		}
		// s stays where it is when its home slot h lies cyclically in
		// (i, j]: the hole at i is not between h and j.
		if h := s.k[0] & mask; (h-i-1)&mask < (j-i)&mask {
			continue
		}
		t.slots[i] = s
		i = j
	}
	t.slots[i] = idSlot{}
	t.n--
}

// grow doubles the slots (1,024 at first) and puts the keys back.
func (t *idTable) grow() {
	old := t.slots
	t.slots = make([]idSlot, max(2*len(old), 1024))
	// Written once through before any slot is read: a new table's pages
	// come from the kernel unmapped, a probe's read maps each to the
	// shared zero page, and the write after it faults again and, while
	// the scan runs on two CPUs, stops the other one to flush its TLB
	// (some 2,700 such interrupts in a 126,400-chat scan). Written first,
	// a page is mapped once, writable, with no flush.
	clear(t.slots)
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.k == (idKey{}) {
			continue
		}
		i := s.k[0] & mask
		for t.slots[i].k != (idKey{}) {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}
