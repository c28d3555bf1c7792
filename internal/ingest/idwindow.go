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
	line   map[idKey]int64 // a line, or a file and line packed (IDsAcrossFiles); int64 on 32-bit builds too
	ring   []idKey         // the kept keys in order of arrival, a ring once full
	next   int             // where the next key goes in ring once it is full
}

type idKey [2]uint64

// maxRememberedIDs is how many ids a reader remembers for the duplicate
// check: about 48 MB at most. A duplicate further back than this many
// conversations is not reported.
const maxRememberedIDs = 1 << 20

func newIDWindow(max int) *idWindow {
	return &idWindow{max: max, s1: maphash.MakeSeed(), s2: maphash.MakeSeed(), line: map[idKey]int64{}}
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
func (w *idWindow) seenKey(k idKey) (int64, bool) {
	l, ok := w.line[k]
	return l, ok
}

// add remembers id at line, forgetting the oldest id when full.
func (w *idWindow) add(id string, line int64) {
	k := w.key(id)
	if _, ok := w.line[k]; ok {
		w.line[k] = line
		return
	}
	w.addNew(k, line)
}

// addNew is add of an id (by its key) that seenKey has just not found.
func (w *idWindow) addNew(k idKey, line int64) {
	if len(w.ring) < w.max {
		w.ring = append(w.ring, k)
	} else {
		delete(w.line, w.ring[w.next])
		w.ring[w.next] = k
		w.next = (w.next + 1) % w.max
	}
	w.line[k] = line
}
