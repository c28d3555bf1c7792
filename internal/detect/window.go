package detect

// This file holds the windowed reads of a message's keyword hits. A
// detector that looks around one hit (is there a negation in its clause, an
// event within eight characters) must read only the hits near it: walking
// every hit of the message for every hit makes a long message cost the
// square of its length (issue 11: one 100k-character agent message took
// 70 s). The hits are ordered by end offset, so a window is two binary
// searches.

// near returns the hits of message i whose end offset lies in [lo, hi].
func (in *Input) near(i int, lo, hi int32) []KeywordHit {
	hs := in.Hits[i]
	if len(hs) == 0 || lo > hi {
		return nil
	}
	// sort.Search's two searches, written out: its closure call per
	// probe was most of the cost of this, which runs for nearly every
	// hit a detector weighs.
	a, z := 0, len(hs) // the first hit ending at lo or later
	if hs[0].End >= lo {
		z = 0 // the first (about one window in six starts before the row)
	}
	for a < z {
		if m := int(uint(a+z) >> 1); hs[m].End < lo {
			a = m + 1
		} else {
			z = m
		}
	}
	// The first hit ending after hi: none when the row's last hit ends
	// by hi, as it does for about half the windows (those that reach the
	// message's end), which then need no second search (TestNear holds
	// both to nearRef).
	b, z := len(hs), len(hs)
	if hs[z-1].End > hi {
		for b = a; b < z; {
			if m := int(uint(b+z) >> 1); hs[m].End <= hi {
				b = m + 1
			} else {
				z = m
			}
		}
	}
	in.work += int64(b-a) + 1
	return hs[a:b]
}

// touching returns the hits of message i that may overlap bytes
// [from, to): every hit that does is among them (a hit is at most
// in.maxHit bytes long), and callers check the exact condition.
func (in *Input) touching(i int, from, to int32) []KeywordHit {
	return in.near(i, from+1, to+in.maxHitLen()-1)
}

// startingIn returns the hits of message i that may start in [from, to]:
// every hit that does is among them.
func (in *Input) startingIn(i int, from, to int32) []KeywordHit {
	return in.near(i, from+1, to+in.maxHitLen())
}

// maxHitLen is the longest hit of the conversation in bytes; the engine
// records it while scanning. An Input built by hand has none recorded, and
// then every window is the whole message.
func (in *Input) maxHitLen() int32 {
	if in.maxHit <= 0 {
		return 1 << 30
	}
	return in.maxHit
}

// allHits returns every hit of message i, counting the walk as work: a
// detector that reads all hits once per message stays linear, and the
// scaling tests see what it reads.
func (in *Input) allHits(i int) []KeywordHit {
	// The row is read once: read again after the store to in.work, which
	// the compiler cannot tell apart from it, it was loaded and
	// bounds-checked twice at each of the many places this is inlined.
	hs := in.Hits[i]
	in.work += int64(len(hs)) + 1
	return hs
}

// hitsFor returns every hit of message i when it has one of class c, and
// none when the presence bits say it has none: a loop over a message's
// hits that looks for one class only need not walk the hits of the many
// messages without it.
func (in *Input) hitsFor(i int, c ClassID) []KeywordHit {
	if !in.may(i, c) {
		return nil
	}
	return in.allHits(i)
}

// Work is a deterministic count of the hits the detectors have read
// through the windowed accessors (and the messages walked back over), for
// the scaling tests: it must grow in step with the conversation, never
// with its square.
func (in *Input) Work() int64 { return in.work }

// firstKey names one firstEnd question.
type firstKey struct {
	msg       int
	c, except ClassID
}

// firstEnd returns where the first hit of class c in message i that no hit
// of class except overlaps ends, or a value past every offset when there
// is none. "Is there such a hit before h" is then one comparison per hit;
// the answer is remembered per message and classes, so asking it for
// every hit of a long message reads the message once.
func (in *Input) firstEnd(i int, c, except ClassID) int32 {
	key := firstKey{i, c, except}
	if v, ok := in.firsts[key]; ok {
		return v
	}
	v := int32(1<<31 - 1)
	for _, e := range in.allHits(i) {
		if e.Class == c && !in.overlapsClass(i, except, e) {
			v = e.End
			break
		}
	}
	if in.firsts == nil {
		in.firsts = map[firstKey]int32{}
	}
	in.firsts[key] = v
	return v
}
