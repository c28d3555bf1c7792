package text

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"unicode/utf8"
)

// Hit is one occurrence of a pattern in a text: the pattern's index (its
// order of addition) and the byte range [Start, End) in the scanned text.
type Hit struct {
	Pattern int32
	Start   int32
	End     int32
}

// Class names a group of patterns, such as the word list a pattern comes
// from, for a Matcher built with NewClassMatcher.
type Class int32

// ClassHit is one occurrence of a pattern of a class: a Hit that names the
// pattern's class instead of the pattern. A caller that reads hits by
// class (the detectors' word lists) gets them so from the scan, instead of
// copying every Hit to look its class up.
type ClassHit struct {
	Class Class
	Start int32 // byte offsets in the scanned text
	End   int32
}

// Matcher finds every occurrence of many patterns in one pass over a text.
// It is an Aho-Corasick automaton over characters rather than bytes: a
// Chinese character is three UTF-8 bytes, and a byte automaton for a few
// thousand words is a dense table of megabytes that the scan reads three
// times per character, missing the cache nearly every time. Here each
// character is one step, and the automaton is stored as a double array:
// the root's transitions are one dense row, and every other state's
// transitions are packed into the holes of one shared slot array.
//
// It is a deterministic automaton with no failure links to follow while
// scanning: a state's transitions are its own trie children and the
// children of the states on its failure chain below the root (the deepest
// wins), and any other character goes where it goes from the root. So each
// character is two loads (the state's slot and the root's) and a select,
// without a branch on the state or on whether a pattern ends there: chat
// text is a mix of hits and misses that no branch predictor learns, and
// mispredicted branches were most of the time of the failure-link
// automaton. (The test of ASCII against Chinese stays a branch: decoding
// each character both ways and picking one by masks, tried, took more
// time in instructions than the branch loses in mispredictions.) The price
// is size: for the detectors' words (about 3,500, some 5,900 states; 3,466
// and 5,804 when this was measured) the inherited transitions make about
// four times the slots of failure links (43,147 against 11,288 then), 8 bytes each
// and 8 more for their outputs, with the character classes of the Basic
// Multilingual Plane 128 KB more, and building takes about twice the
// instructions. An automaton of at most 65,536 slots (and more classes
// than a sparse one) keeps them in an array of that size, 512 KB of which
// it reads only its slots' part, so that the scan needs no bounds check
// on them. A Matcher is immutable and safe for concurrent use.
type Matcher struct {
	patterns []string
	// bmp maps a character of the Basic Multilingual Plane to its class;
	// class 0 is "character in no pattern". Characters beyond the BMP are
	// rare in patterns and are looked up in astral.
	bmp    *[0x10000]uint16
	astral map[rune]uint16
	// bmpValid is bmp as runSmallValid indexes it (see validClasses), for
	// a class Matcher (NewClassMatcher) with small; nil otherwise.
	bmpValid *[validSize]uint16
	// A state is named by its base: its transition on class c is
	// slots[base+c] when that slot's check is the base, else the root's,
	// slots[c]. The root's base is 0 and its row is complete. No two
	// states share a base, and class 0, which no pattern uses, is a
	// transition of none but the root's.
	// A transition value v >= 0 is the next state, which has no outputs;
	// v < 0 is ^next for a state with outputs, which are outAt[the slot's
	// index]: the next state is known from the slot alone, so reading the
	// outputs is off the path from one character to the next.
	slots []slot
	// small is slots packed four bytes a slot (see packSlots) in an
	// array, when they fit: at most 1<<16 slots (the detectors' lists
	// have about 48,500) and fewer than noClass classes, so that runSmall
	// indexes it with a uint16 and no bounds check; nil otherwise. It
	// holds what slots does in half the bytes: the scan's next step waits
	// on the slot this one reads, and on the detectors' lists most of
	// those reads missed the first-level cache at eight bytes a slot.
	small *[1 << 16]uint32
	outAt []outState // per slot, its target's outputs when v < 0
	outs  []output   // longest first, then expandPad empty entries
	// couts is outs with each pattern's class in place of its index, for
	// ScanClasses; nil for a Matcher from NewMatcher.
	couts []classOutput
	// couts16 is couts' array when it has at most 1<<16 outputs (the
	// detectors' lists have about 6,200), so that expandClasses indexes
	// it with a uint16 and no bounds check, as runSmall does slots; nil
	// otherwise.
	couts16 *[1<<16 + expandPad]classOutput
	// sums, for a class Matcher with couts16 and csets and at most 1<<16
	// slots, is per slot what expandSum reads of the outputs of a
	// transition into them: where they start in couts16, how many, their
	// set of classes and the longest one's length, in the eight bytes of
	// an outAt entry, which expandSum reads instead; nil otherwise. It is
	// an array so that expandSum indexes it with a uint16 and no bounds
	// check, as runSmall does slots.
	sums *[1 << 16]outSum
	// hitOuts is couts16 as expandSum reads it: each output's class and
	// length; nil without sums.
	hitOuts *[1<<16 + expandPad]hitOut
	// csets, for a class Matcher whose classes are all below 256, are the
	// distinct sets of classes that transitions into outputs emit, each
	// output naming its state's (see ScanValidSummary); nil otherwise.
	csets []ClassSet
	// sets is the array csets is then a slice of, for a Matcher with
	// sums, so that addSums indexes it with a uint16 and no bounds
	// check, as runSmall does slots (of its 2 MiB it touches only
	// csets' part); nil otherwise.
	sets *[1 << 16]ClassSet
	// sparse is set for a dictionary of few characters, which leaves most
	// characters of a text in none of its patterns: Scan steps over such a
	// character with a branch, then nearly always taken, instead of
	// through the transition table.
	sparse bool
	// noSingle is set when no pattern is a single character: then a
	// character in no pattern, read at the root, rules out the one before
	// it too (see runSparse).
	noSingle bool
	states   int
}

// output is one pattern a state emits, with its length in bytes, so a hit
// is made without looking the length up in another table.
type output struct{ pattern, len int32 }

// classOutput is an output of a class Matcher: the pattern's class, its
// length, and the set of classes its state emits (an index in csets),
// which every output of the state carries, in the same eight bytes as an
// output.
type classOutput struct {
	class Class
	len   uint16
	set   uint16
}

// outSum is a transition's outputs as expandSum reads them (see sums):
// span holds where they start in hitOuts (its low 16 bits) and how many
// there are (its high 16 bits), sum the index in csets of their set of
// classes (its low 16 bits) and the longest one's length (its high 16
// bits). Each pair is one 32-bit field, which the compiler loads with one
// instruction where it loaded a 16-bit field of an eight-byte entry with
// three (two address computations, which its indexed 16-bit loads do
// not scale by eight, and the load).
type outSum struct{ span, sum uint32 }

// hitOut is an output as expandSum reads it (see hitOuts).
type hitOut struct {
	class Class
	len   int32
}

// slot is one cell of the double array.
type slot struct{ check, next int32 }

// noOwner is the check of a free slot: a number no base is, and not
// negative, so that a check minus a base is negative only when they are
// equal (see run).
const noOwner = math.MaxInt32

// outState is what a state with outputs emits.
type outState struct {
	start, end int32 // its outputs in outs
}

// pending is a transition into outputs that Scan has passed and not yet
// expanded into hits: its slot and the end of its character. The slot
// noted by runSmallValid is at's low 16 bits (see there).
type pending struct{ at, end int32 }

// expandPad is how many outputs expand writes for a transition whatever
// its count, so that the common case (one to four) takes no branch on it;
// outs ends with as many empty entries so that the writes stay in range.
const expandPad = 4

// ErrEmptyPattern is returned when a pattern normalizes to nothing, which
// would match everywhere.
var ErrEmptyPattern = errors.New("empty pattern")

// ErrInvalidPattern is returned for a pattern that is not valid UTF-8: the
// automaton steps over characters, so such a pattern has no meaning for it
// (normalized text and word lists are always valid UTF-8).
var ErrInvalidPattern = errors.New("pattern is not valid UTF-8")

// NewMatcher compiles patterns as given (callers normalize them with the
// same Normalize the text goes through). Duplicate patterns are allowed and
// each reports its own hits.
func NewMatcher(patterns []string) (*Matcher, error) {
	m, _, err := newMatcher(patterns)
	return m, err
}

// newMatcher is NewMatcher, also returning where in outs each state's
// outputs start, in order (NewClassMatcher makes a set of classes for
// each).
func newMatcher(patterns []string) (*Matcher, []int32, error) {
	m := &Matcher{patterns: append([]string(nil), patterns...), bmp: new([0x10000]uint16)}
	// Classes: each character used by some pattern gets its own.
	ncls := 1
	classOf := func(r rune) (uint16, error) {
		if r < 0x10000 {
			if c := m.bmp[r]; c != 0 {
				return c, nil
			}
		} else if c, ok := m.astral[r]; ok {
			return c, nil
		}
		if ncls > 0xFFFF {
			return 0, errors.New("too many distinct characters in patterns")
		}
		c := uint16(ncls)
		ncls++
		if r < 0x10000 {
			m.bmp[r] = c
		} else {
			if m.astral == nil {
				m.astral = map[rune]uint16{}
			}
			m.astral[r] = c
		}
		return c, nil
	}
	// Trie.
	type node struct {
		next map[uint16]int32
		fail int32
		out  []int32
		kids []child // children by class
		ext  []child // transitions other than the root's, by class
	}
	nodes := []node{{next: map[uint16]int32{}}}
	for pi, p := range patterns {
		if p == "" {
			return nil, nil, fmt.Errorf("pattern %d: %w", pi, ErrEmptyPattern)
		}
		if !utf8.ValidString(p) {
			return nil, nil, fmt.Errorf("pattern %d: %w", pi, ErrInvalidPattern)
		}
		s := int32(0)
		for _, r := range p {
			c, err := classOf(r)
			if err != nil {
				return nil, nil, fmt.Errorf("pattern %d: %w", pi, err)
			}
			n, ok := nodes[s].next[c]
			if !ok {
				n = int32(len(nodes))
				nodes = append(nodes, node{next: map[uint16]int32{}})
				nodes[s].next[c] = n
			}
			s = n
		}
		nodes[s].out = append(nodes[s].out, int32(pi))
	}
	// Breadth-first: failure links and outputs along them.
	root := make([]int32, ncls) // in node ids for now
	order := make([]int32, 0, len(nodes))
	for c, n := range nodes[0].next {
		root[c] = n
		order = append(order, n)
	}
	sort.Slice(order, func(a, b int) bool { return order[a] < order[b] })
	for qi := 0; qi < len(order); qi++ {
		s := order[qi]
		f := nodes[s].fail
		nodes[s].out = append(nodes[s].out, nodes[f].out...)
		kids := make([]child, 0, len(nodes[s].next))
		for c, n := range nodes[s].next {
			kids = append(kids, child{c, n})
		}
		sort.Slice(kids, func(a, b int) bool { return kids[a].cls < kids[b].cls })
		for _, k := range kids {
			if s != 0 {
				g := f
				for ; g != 0; g = nodes[g].fail {
					if n, ok := nodes[g].next[k.cls]; ok {
						nodes[k.next].fail = n
						break
					}
				}
				if g == 0 {
					nodes[k.next].fail = root[k.cls]
				}
			}
			order = append(order, k.next)
		}
		nodes[s].kids = kids
		// A state's transitions besides the root's: its children, then
		// those of its failure state (already known, being shallower)
		// for the classes it has no child on. A state without children
		// has its failure state's and is never entered (see entered).
		if s != 0 {
			nodes[s].ext = mergeChildren(kids, nodes[f].ext)
		}
	}
	// Place the states in the double array: the root's dense row first,
	// then the states with the most transitions, each at the first base
	// no other state has where its transitions' slots are free. A state
	// without children is never entered: its transitions are its failure
	// state's, so a transition into it emits its outputs (it ends a
	// pattern) and continues there instead. The search tests 64 bases at
	// a time on bit sets of the filled slots and the taken bases.
	ncls32 := int32(ncls)
	base := make([]int32, len(nodes))
	var filled, taken bitSet
	for c := range ncls {
		filled.set(int32(c))
	}
	placing := make([]int32, 0, len(order))
	for _, s := range order {
		if len(nodes[s].kids) > 0 {
			placing = append(placing, s)
		}
	}
	sort.SliceStable(placing, func(a, b int) bool { return len(nodes[placing[a]].ext) > len(nodes[placing[b]].ext) })
	end := ncls32 // past the last filled slot
	sameSize, sameFrom := 0, int32(0)
	for _, s := range placing {
		ext := nodes[s].ext
		first := int32(ext[0].cls)
		last := int32(ext[len(ext)-1].cls)
		// A state with as many transitions as the one placed before it
		// starts where that one went: the crowded stretch before it
		// rarely fits either, and searching it again for each of
		// thousands of states took most of the time of building. The
		// states with one transition, placed last, fill the holes.
		b := max(ncls32, filled.firstClear()-first)
		if len(ext) == sameSize {
			b = max(b, sameFrom)
		}
		for ; ; b += 64 {
			filled.grow(b + last + 64)
			taken.grow(b + 64)
			fit := ^taken.word(b)
			for _, k := range ext {
				if fit &^= filled.word(b + int32(k.cls)); fit == 0 {
					break
				}
			}
			if fit != 0 {
				b += int32(bits.TrailingZeros64(fit))
				break
			}
		}
		base[s] = b
		sameSize, sameFrom = len(ext), b
		taken.set(b)
		for _, k := range ext {
			filled.set(b + int32(k.cls))
		}
		end = max(end, b+int32(ext[len(ext)-1].cls)+1)
	}
	// entered(s) is the state a transition into s continues from: s itself,
	// or for a state without children the first on its failure chain with
	// children (or the root), whose transitions are the same.
	entered := func(s int32) int32 {
		for s != 0 && len(nodes[s].kids) == 0 {
			s = nodes[s].fail
		}
		return base[s]
	}
	// A transition's value for each target state.
	val := make([]int32, len(nodes))
	var starts []int32
	outIdx := make([]outState, len(nodes)) // outputs, for val < 0
	for _, s := range append([]int32{0}, order...) {
		val[s] = base[s]
		if out := nodes[s].out; len(out) > 0 {
			val[s] = ^entered(s)
			out = append([]int32(nil), out...)
			sort.SliceStable(out, func(a, b int) bool { return len(patterns[out[a]]) > len(patterns[out[b]]) })
			outIdx[s] = outState{start: int32(len(m.outs)), end: int32(len(m.outs) + len(out))}
			starts = append(starts, int32(len(m.outs)))
			for _, p := range out {
				m.outs = append(m.outs, output{pattern: p, len: int32(len(patterns[p]))})
			}
		}
	}
	m.outs = append(m.outs, make([]output, expandPad)...)
	m.slots = make([]slot, end+ncls32)
	m.outAt = make([]outState, len(m.slots))
	for i := range m.slots {
		m.slots[i].check = noOwner
	}
	for c, t := range root {
		m.slots[c] = slot{check: 0, next: val[t]} // class 0 stays at the root
		m.outAt[c] = outIdx[t]
	}
	for _, s := range placing {
		b := base[s]
		for _, k := range nodes[s].ext {
			m.slots[b+int32(k.cls)] = slot{check: b, next: val[k.next]}
			m.outAt[b+int32(k.cls)] = outIdx[k.next]
		}
	}
	m.states = len(nodes)
	m.sparse = ncls <= sparseClasses
	// Only runSparse reads noSingle: a dense dictionary's patterns are
	// not counted.
	m.noSingle = m.sparse
	for _, p := range patterns {
		if !m.noSingle {
			break
		}
		if _, w := utf8.DecodeRuneInString(p); w == len(p) {
			m.noSingle = false
		}
	}
	if !m.sparse {
		m.small = packSlots(m.slots)
	}
	return m, starts, nil
}

// A packed slot (small) is a uint32: the owner's class on the slot in
// its top 15 bits, noClass for a free slot, then a bit set when the
// transition enters outputs, then the next state's base in the low 16
// bits. The class stands for the check: slot t is base+class of its
// owner, so for a state st stepping on class c to slot st+c the owner's
// class is c exactly when the owner's base is st, which is the check run
// makes. A root slot c is the root's (base 0) on class c.
const (
	noClass   = 1<<15 - 1 // the class of a free packed slot, no class of a packed automaton
	outBit    = 1 << 16   // set in a packed slot whose transition enters outputs
	classShft = 17        // the class's shift in a packed slot
)

// packSlots returns slots packed (see small), or nil when they do not
// fit: more than 1<<16 slots, or a class of noClass or more.
func packSlots(slots []slot) *[1 << 16]uint32 {
	if len(slots) > 1<<16 {
		return nil
	}
	p := new([1 << 16]uint32)
	for t, x := range slots {
		if x.check == noOwner {
			p[t] = noClass << classShft
			continue
		}
		cls, v := int32(t)-x.check, uint32(x.next)
		if x.next < 0 {
			v = uint32(^x.next) | outBit
		}
		if cls >= noClass {
			return nil
		}
		p[t] = uint32(cls)<<classShft | v // v < 1<<17: the base is below len(slots)
	}
	return p
}

// validSize is the length of bmpValid: its places are 20 bits (see
// validAt).
const validSize = 1 << 20

// validAt is the place in bmpValid of the three-byte character b0 b1 b2:
// b0's low four bits, then b2, then b1, (b0<<16 | b2<<8 | b1) in 20
// bits. runSmallValid reads b1 and b2 with one 16-bit load (b1 | b2<<8)
// and ORs b0<<16 to it, so the place takes three operations and a mask,
// where the character's number (b0&0x0F<<12 | b1&0x3F<<6 | b2&0x3F) or
// its bytes' sum in a uint16 took three loads, two shifts, two adds and
// a zero extension. The continuation bytes' top bits (10xxxxxx) put
// every character's place at 0x8080 or more, above ASCII's.
func validAt(b0, b1, b2 byte) uint {
	return (uint(b0)<<16 | uint(b2)<<8 | uint(b1)) & (validSize - 1)
}

// validClasses returns bmp as runSmallValid reads it: the class of a
// three-byte character (U+0800–U+FFFF) at validAt of its bytes, and an
// ASCII byte's class at the byte, below every three-byte character's
// place. The other places, those of no character (of bytes that are not
// valid UTF-8, which runSmallValid is not given), hold class 0. Of its 2
// MiB the scan reads only the places of the characters of the text;
// only those of the characters of the patterns are written, the rest
// stay as the allocation zeroed them. TestValidClasses holds it to bmp.
func validClasses(bmp *[0x10000]uint16) *[validSize]uint16 {
	v := new([validSize]uint16)
	var b [utf8.UTFMax]byte
	for r := rune(0x800); r < 0x10000; r++ {
		if c := bmp[r]; c != 0 {
			utf8.EncodeRune(b[:], r)
			v[validAt(b[0], b[1], b[2])] = c
		}
	}
	for b := range utf8.RuneSelf {
		v[b] = bmp[b]
	}
	return v
}

// ClassSet is a set of classes below 256, one bit each.
type ClassSet [4]uint64

// Summary is what ScanValidSummary adds up of a scan's hits: the set of
// their classes and the longest one's length in bytes.
type Summary struct {
	Classes ClassSet
	Longest int32
}

// NewClassMatcher is NewMatcher for patterns that each belong to a class,
// classes[i] being pattern i's: ScanClasses reports hits by class. A word
// of several classes is given once for each; its hits come out next to
// each other, in the order of its patterns.
func NewClassMatcher(patterns []string, classes []Class) (*Matcher, error) {
	return NewClassMatcherQuiet(patterns, classes, ClassSet{})
}

// NewClassMatcherQuiet is NewClassMatcher whose ScanValidSummary and
// ScanValidInto leave the hits of the quiet classes out: they are still added to the
// Summary (its classes and longest hit stay what NewClassMatcher's
// give), but not appended. A caller that asks of some classes only
// whether a text has one (the summary's bits) so does not store and
// walk past their hits. The hits left are NewClassMatcher's in the same
// order, those of quiet classes taken out. ScanClasses and
// ScanValidClasses, and ScanValidSummary and ScanValidInto when
// HasSummary is false or the automaton is too large for expandSum's
// tables (more than 1<<16 slots or outputs), still report every hit.
func NewClassMatcherQuiet(patterns []string, classes []Class, quiet ClassSet) (*Matcher, error) {
	if len(classes) != len(patterns) {
		return nil, fmt.Errorf("%d classes for %d patterns", len(classes), len(patterns))
	}
	m, starts, err := newMatcher(patterns)
	if err != nil {
		return nil, err
	}
	if len(m.outs) <= 1<<16 {
		m.couts16 = new([1<<16 + expandPad]classOutput)
		m.couts = m.couts16[:len(m.outs)]
	} else {
		m.couts = make([]classOutput, len(m.outs))
	}
	for i, o := range m.outs[:len(m.outs)-expandPad] {
		if o.len > math.MaxUint16 {
			return nil, fmt.Errorf("pattern %d: longer than %d bytes", o.pattern, math.MaxUint16)
		}
		m.couts[i] = classOutput{class: classes[o.pattern], len: uint16(o.len)}
	}
	if m.small != nil { // only the ScanValid methods, of class matchers, read it
		m.bmpValid = validClasses(m.bmp)
	}
	m.classSets(starts)
	// With couts16 there are at most 1<<16 outputs, padding included, so
	// no state emits more than outSum's 16-bit count holds.
	if m.csets != nil && m.couts16 != nil && len(m.outAt) <= 1<<16 {
		m.sumOuts(starts, quiet)
	}
	return m, nil
}

// sumOuts fills sums and hitOuts, which expandSum reads, leaving the
// outputs of quiet classes out of hitOuts: each state's other outputs
// are moved up to follow the previous state's, in their order, and its
// sums entries count those only. The set and the longest output stay
// the state's own, of all its outputs. starts are where each state's
// outputs start in couts, in order (newMatcher), the same for every slot
// into the state; hitOuts ends with expandPad empty outputs as couts
// does, and is no longer than it.
func (m *Matcher) sumOuts(starts []int32, quiet ClassSet) {
	m.hitOuts = new([1<<16 + expandPad]hitOut)
	// moved[j] is the start and count in hitOuts of the outputs that
	// start at couts[j], for each state's start j.
	moved := make([][2]uint16, len(m.couts))
	n := 0
	for k, start := range starts {
		end := int32(len(m.couts) - expandPad)
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		from := n
		for _, q := range m.couts[start:end] {
			if quiet[uint32(q.class)>>6%4]&(1<<(uint32(q.class)&63)) == 0 {
				m.hitOuts[n] = hitOut{class: q.class, len: int32(q.len)}
				n++
			}
		}
		moved[start] = [2]uint16{uint16(from), uint16(n - from)}
	}
	m.sets = new([1 << 16]ClassSet)
	m.csets = m.sets[:copy(m.sets[:], m.csets)] // one copy of the sets, read both ways
	m.sums = new([1 << 16]outSum)
	for i, o := range m.outAt {
		if o.end > o.start {
			q, at := m.couts[o.start], moved[o.start]
			m.sums[i] = outSum{span: uint32(at[0]) | uint32(at[1])<<16, sum: uint32(q.set) | uint32(q.len)<<16}
		}
	}
}

// classSets fills csets, and each output's set, when every class is
// below 256 and the distinct sets fit a uint16; otherwise csets stays nil
// and ScanValidSummary is not to be used. starts are where each state's
// outputs start in outs, in order (newMatcher). Sets 0 to 255 are the
// classes alone, which most states emit; only the others are looked up
// in a map.
func (m *Matcher) classSets(starts []int32) {
	for _, o := range m.couts {
		if uint32(o.class) >= 256 {
			return
		}
	}
	csets := make([]ClassSet, 256)
	for c := range csets {
		csets[c][c>>6] = 1 << (c & 63)
	}
	var index map[ClassSet]uint16
	for j, start := range starts { // each state's outputs, in order in outs
		end := int32(len(m.couts) - expandPad)
		if j+1 < len(starts) {
			end = starts[j+1]
		}
		outs := m.couts[start:end]
		var cs ClassSet
		one := true
		for _, q := range outs {
			cs[q.class>>6] |= 1 << (q.class & 63)
			one = one && q.class == outs[0].class
		}
		k := uint16(outs[0].class)
		if !one {
			var ok bool
			if k, ok = index[cs]; !ok {
				if len(csets) > math.MaxUint16 {
					for i := range m.couts {
						m.couts[i].set = 0
					}
					return
				}
				if index == nil {
					index = map[ClassSet]uint16{}
				}
				k = uint16(len(csets))
				index[cs] = k
				csets = append(csets, cs)
			}
		}
		for i := range outs {
			outs[i].set = k
		}
	}
	m.csets = csets
}

// HasSummary reports whether ScanValidSummary and ScanValidInto may be used: the Matcher is
// a class Matcher whose classes are all below 256.
func (m *Matcher) HasSummary() bool { return m.csets != nil }

// bitSet is a growable set of small non-negative numbers, for placing
// states in the double array.
type bitSet []uint64

func (s *bitSet) set(i int32) {
	s.grow(i)
	(*s)[i>>6] |= 1 << (i & 63)
}

// grow makes s hold the words of i and the next, so word(i) needs no
// test of its range.
func (s *bitSet) grow(i int32) {
	for int(i>>6)+1 >= len(*s) {
		*s = append(*s, 0)
	}
}

// word returns the membership of i to i+63 as the bits of a word, the
// lowest for i, after grow(i).
func (s bitSet) word(i int32) uint64 {
	w, sh := i>>6, uint(i&63)
	return s[w]>>sh | s[w+1]<<(63-sh)<<1
}

// firstClear returns the smallest number not in s.
func (s bitSet) firstClear() int32 {
	for w, x := range s {
		if x != ^uint64(0) {
			return int32(w<<6 + bits.TrailingZeros64(^x))
		}
	}
	return int32(len(s) << 6)
}

// sparseClasses is the most classes (the distinct characters of the
// patterns, and class 0) of a dictionary that Scan treats as sparse: the
// topics' couriers and kept-promise words (some dozens of characters),
// not the detectors' lists (about a thousand, with one character of chat
// text in nine in none of them, too many misses for a branch).
const sparseClasses = 256

// child is one child of a trie state while the automaton is built.
type child struct {
	cls  uint16
	next int32
}

// mergeChildren returns own with the entries of inherited whose classes
// own lacks, both sorted by class.
func mergeChildren(own, inherited []child) []child {
	if len(inherited) == 0 {
		return own
	}
	out := make([]child, 0, len(own)+len(inherited))
	i, j := 0, 0
	for i < len(own) || j < len(inherited) {
		switch {
		case j == len(inherited) || (i < len(own) && own[i].cls < inherited[j].cls):
			out = append(out, own[i])
			i++
		case i == len(own) || inherited[j].cls < own[i].cls:
			out = append(out, inherited[j])
			j++
		default: // the same class: the deeper state's own child wins
			out = append(out, own[i])
			i, j = i+1, j+1
		}
	}
	return out
}

// Patterns returns the number of patterns compiled in.
func (m *Matcher) Patterns() int { return len(m.patterns) }

// Pattern returns pattern i as compiled.
func (m *Matcher) Pattern(i int32) string { return m.patterns[i] }

// States returns the number of automaton states, for benchmarks and sizing.
func (m *Matcher) States() int { return m.states }

// Slots returns the length of the double array, for benchmarks and sizing.
func (m *Matcher) Slots() int { return len(m.slots) }

// decode reads the character at s[i] when it is not a case Scan decodes
// inline, and returns its class and width. Bytes that are not valid UTF-8
// are class 0 and one byte wide, exactly as utf8.DecodeRuneInString steps
// over them, so a pattern matches here where it matches byte for byte.
func (m *Matcher) decode(s string, i int) (int32, int) {
	r, w := utf8.DecodeRuneInString(s[i:])
	switch {
	case r == utf8.RuneError && w == 1:
		return 0, 1
	case r < 0x10000:
		return int32(m.bmp[r]), w
	default:
		return int32(m.astral[r]), w
	}
}

// Scan appends to dst every occurrence of every pattern in s, overlapping
// ones included, ordered by end position and, at the same end, longest
// first. It allocates only when dst must grow, counting room for
// expandPad hits for each transition into outputs (see expand): a dst
// with room for the hits alone may still grow.
func (m *Matcher) Scan(s string, dst []Hit) []Hit {
	// Transitions into outputs are noted in pend and expanded into hits
	// when it is full and at the end, so the loop over the characters
	// does not branch on whether a character ends a pattern.
	var pend [pendCap]pending
	var st int32
	i, k := uint(0), uint(0)
	if m.sparse {
		// A sparse scan is mostly one call of runSparse to the end
		// (texts of three-byte characters and ASCII without a hit):
		// called here first, it answers those without steps' call and
		// tests; steps goes on from where it stopped, as it would have.
		if i, st, k = m.runSparse(s, 0, 0, &pend, 0); i >= uint(len(s)) && k == 0 {
			return dst
		}
	}
	for {
		if i, st, k = m.steps(s, i, st, &pend, k, false); k < pendCap {
			break
		}
		dst = m.expand(dst, pend[:])
		k = 0
	}
	if k == 0 {
		// Nothing to expand (most texts a sparse Matcher scans): expand
		// would grow dst by nothing and return it.
		return dst
	}
	return m.expand(dst, pend[:k])
}

// ScanClasses is Scan reporting each hit's class (see NewClassMatcher),
// in the same order. It must be called only on a Matcher from
// NewClassMatcher.
func (m *Matcher) ScanClasses(s string, dst []ClassHit) []ClassHit {
	return m.scanClasses(s, dst, false)
}

// ScanValidClasses is ScanClasses for s that is valid UTF-8, as
// normalized text always is (FuzzNormalize checks it): the hits are
// ScanClasses' own. Knowing the text valid, the scan reads each
// three-byte character without testing its bytes (see runSmallValid).
// On other text the hits are unspecified, but the scan stays in bounds.
func (m *Matcher) ScanValidClasses(s string, dst []ClassHit) []ClassHit {
	return m.scanClasses(s, dst, true)
}

// ScanValidSummary is ScanValidClasses that also adds the classes of the
// hits it appends to sum.Classes and raises sum.Longest to the longest
// one's length. It is summed by transition, not by hit: each state's set
// of classes is made once, at construction, and its longest output comes
// first. It must be called only when HasSummary.
func (m *Matcher) ScanValidSummary(s string, dst []ClassHit, sum *Summary) []ClassHit {
	return m.scanValidSum(s, dst, &sum.Classes, &sum.Longest)
}

// ScanValidInto is ScanValidSummary adding to a summary whose parts the
// caller keeps where it reads them: the classes in *classes, the longest
// hit in *longest. The engine keeps each message's classes in a slice
// and the conversation's longest hit, which so need no copy and no max
// of their own after every message. Like ScanValidSummary, it must be
// called only when HasSummary.
func (m *Matcher) ScanValidInto(s string, dst []ClassHit, classes *ClassSet, longest *int32) []ClassHit {
	return m.scanValidSum(s, dst, classes, longest)
}

// ScanValidEach is ScanValidInto for each of a conversation's texts,
// cut from the one string s they were normalized into: text i is
// s[from:ends[0]] for the first, s[ends[i-1]:ends[i]] for the others. It
// stores text i in texts[i], adds its classes to classes[i], appends its
// hits to dst, raises *longest, and sets hits[i] to its hits cut from dst
// as dst is after it (their capacity ending with them), leaving hits[i]
// as it is when text i has none: exactly what a loop of ScanValidInto
// over the texts, cutting each one's text and hits, gives. It is one call
// for all the texts rather than one a text, which the engine made for
// every message: the calls, scanValidSum's tests of what the Matcher has
// and its zeroing of pend are made once a conversation, not once a
// message. texts, hits and classes must be at least as long as ends, and
// like ScanValidInto it must be called only when HasSummary.
// TestScanValidEachMatchesRef and FuzzMatcher (checkEach) hold it to
// that loop.
func (m *Matcher) ScanValidEach(s string, from int, ends []int, texts []string, hits [][]ClassHit, dst []ClassHit, classes [][4]uint64, longest *int32) []ClassHit {
	texts, hits, classes = texts[:len(ends)], hits[:len(ends)], classes[:len(ends)]
	if m.small == nil || m.sums == nil {
		for i, end := range ends {
			t := s[from:end]
			from = end
			texts[i] = t
			n := len(dst)
			if dst = m.scanValidSum(t, dst, (*ClassSet)(&classes[i]), longest); len(dst) > n {
				hits[i] = dst[n:len(dst):len(dst)]
			}
		}
		return dst
	}
	var pend [pendCap]pending
	for x, end := range ends {
		t := s[from:end]
		from = end
		texts[x] = t
		h := len(dst)
		dst = m.sumValid(t, &pend, dst, (*ClassSet)(&classes[x]), longest)
		if len(dst) > h {
			hits[x] = dst[h:len(dst):len(dst)]
		}
	}
	return dst
}

// scanValidSum is scanClassesSum for valid text and a sum. On a Matcher
// with small and sums, as the engine's, it is the loop of steps with
// runSmallValid and expandSum called directly: steps' and expandAny's
// tests of what the Matcher has, made for every message and every turn,
// are made once here, and one function call less wraps each message.
// expandSum is not called when no transition into outputs was noted: it
// would leave dst and sum as they are (no outputs to add, room for none
// to make). TestScanValidSumMatchesRef and FuzzMatcher (checkSummary)
// hold it to scanClassesSum.
func (m *Matcher) scanValidSum(s string, dst []ClassHit, classes *ClassSet, longest *int32) []ClassHit {
	if m.small == nil || m.sums == nil {
		sum := Summary{Classes: *classes, Longest: *longest}
		dst = m.scanClassesSum(s, dst, true, &sum)
		*classes, *longest = sum.Classes, sum.Longest
		return dst
	}
	var pend [pendCap]pending
	return m.sumValid(s, &pend, dst, classes, longest)
}

// sumValid is the loop of scanValidSum and ScanValidEach over one valid
// text s, from the automaton's root with pend empty (left so: the noted
// transitions are expanded before it returns).
func (m *Matcher) sumValid(s string, pend *[pendCap]pending, dst []ClassHit, classes *ClassSet, longest *int32) []ClassHit {
	var st int32
	i, k, n := uint(0), uint(0), uint(len(s))
	for {
		if i, st, k = m.runSmallValid(s, i, st, pend, k); k == pendCap {
			dst = m.expandSum(dst, pend[:], classes, longest)
			k = 0
			continue
		}
		if i >= n {
			break
		}
		// A character runSmallValid leaves to decode.
		i, st, k = m.stepDecoded(s, i, st, pend, k)
	}
	if k == 0 {
		return dst
	}
	return m.expandSum(dst, pend[:k], classes, longest)
}

// scanClasses is ScanClasses, and ScanValidClasses when valid is set.
func (m *Matcher) scanClasses(s string, dst []ClassHit, valid bool) []ClassHit {
	return m.scanClassesSum(s, dst, valid, nil)
}

// scanClassesSum is scanClasses adding up sum when it is not nil.
func (m *Matcher) scanClassesSum(s string, dst []ClassHit, valid bool, sum *Summary) []ClassHit {
	var pend [pendCap]pending
	var st int32
	i, k := uint(0), uint(0)
	for {
		if i, st, k = m.steps(s, i, st, &pend, k, valid); k < pendCap {
			break
		}
		dst = m.expandAny(dst, pend[:], sum)
		k = 0
	}
	return m.expandAny(dst, pend[:k], sum)
}

// expandAny is expandSum when it applies (a sum, and sums), else
// expandClasses.
func (m *Matcher) expandAny(dst []ClassHit, pend []pending, sum *Summary) []ClassHit {
	if sum != nil && m.sums != nil {
		return m.expandSum(dst, pend, &sum.Classes, &sum.Longest)
	}
	return m.expandClasses(dst, pend, sum)
}

// steps is the scans' walk from s[i] in state st with k transitions
// noted in pend: it steps until pend is full or s ends, and returns where
// it stopped. valid says s is valid UTF-8 (see ScanValidClasses).
func (m *Matcher) steps(s string, i uint, st int32, pend *[pendCap]pending, k uint, valid bool) (uint, int32, uint) {
	n := uint(len(s))
	for {
		if valid && m.small != nil && m.bmpValid != nil { // small is nil for a sparse matcher, bmpValid for one without classes
			i, st, k = m.runSmallValid(s, i, st, pend, k)
		} else {
			i, st, k = m.run(s, i, st, pend, k)
		}
		if k == pendCap || i >= n {
			return i, st, k
		}
		// A character run leaves to decode; it moves like any other.
		i, st, k = m.stepDecoded(s, i, st, pend, k)
	}
}

// stepDecoded steps the machine in state st over the character at s[i],
// one the fast loops leave to decode (not three bytes wide, or not valid
// UTF-8), noting a transition into an output in pend at k (which must
// have room); it returns where the next character starts, the state and
// k. The scans share it so that a decoded character moves the same way
// in each.
func (m *Matcher) stepDecoded(s string, i uint, st int32, pend *[pendCap]pending, k uint) (uint, int32, uint) {
	c, w := m.decode(s, int(i))
	i += uint(w)
	v, at := m.step(st, c)
	if v < 0 {
		pend[k] = pending{at: at, end: int32(i)}
		k++
	}
	return i, v ^ v>>31, k
}

// pendCap is how many transitions into outputs Scan notes before it
// expands them into hits.
const pendCap = 16

// run is Scan's inner loop, from s[i] in state st with k transitions
// noted in pend: it steps until pend is full, s ends or a character it
// does not decode. It reads ASCII (to the last byte: a message ending in
// ASCII punctuation, as most do, was left to decode for its last two
// bytes, a return to steps and a decoding call each) and the three-byte
// characters (all of Chinese, its punctuation and the full-width forms raw
// chat text is full of) but those led by E0 and ED, which start the
// overlong forms and the surrogates; after the others two continuation
// bytes make a valid character. The rest (two- and four-byte characters,
// E0 and ED, bytes that are not UTF-8) goes to decode. It is a function of
// its own so that its variables stay in registers; the index is unsigned
// so that the compiler proves the reads in bounds.
func (m *Matcher) run(s string, i uint, st int32, pend *[pendCap]pending, k uint) (uint, int32, uint) {
	if m.sparse {
		return m.runSparse(s, i, st, pend, k)
	}
	if m.small != nil {
		return m.runSmall(s, i, st, pend, k)
	}
	bmp, slots := m.bmp, m.slots
	n := uint(len(s))
	for i < n && k < pendCap {
		var c int32
		if b := s[i]; b < utf8.RuneSelf {
			c = int32(bmp[b])
			i++
		} else if b-0xE1 <= 0xEF-0xE1 && b != 0xED && i+2 < n {
			b1, b2 := s[i+1], s[i+2]
			if (uint16(b1)<<8|uint16(b2))&0xC0C0 != 0x8080 {
				break // not UTF-8: decode says so
			}
			c = int32(bmp[uint16(b&0x0F)<<12|uint16(b1&0x3F)<<6|uint16(b2&0x3F)])
			i += 3
		} else {
			break
		}
		// The state's transition if it has one on c, else the root's,
		// selected with a mask: a branch here would be mispredicted on
		// every other character (the compiler does not make this one a
		// conditional move: its result is a load address).
		t := st + c
		x, r := slots[t], slots[c].next
		own := (x.check ^ st - 1) >> 31 // -1 when the check is st, else 0
		v := r ^ (x.next^r)&own
		pend[k] = pending{at: c ^ (t^c)&own, end: int32(i)}
		k += uint(uint32(v) >> 31)
		st = v ^ v>>31
	}
	return i, st, k
}

// runSmall is run for an automaton of at most 1<<16 slots, indexing
// them with a uint16: a state plus a class is always a slot of the
// automaton, so it names the same slot, with no bounds check.
func (m *Matcher) runSmall(s string, i uint, st0 int32, pend *[pendCap]pending, k uint) (uint, int32, uint) {
	bmp, slots := m.bmp, m.small
	st := uint32(st0)
	n := uint(len(s))
	for i < n && k < pendCap {
		var c int32
		if b := s[i]; b < utf8.RuneSelf {
			c = int32(bmp[b])
			i++
		} else if b-0xE1 <= 0xEF-0xE1 && b != 0xED && i+2 < n {
			b1, b2 := s[i+1], s[i+2]
			if (uint16(b1)<<8|uint16(b2))&0xC0C0 != 0x8080 {
				break // not UTF-8: decode says so
			}
			c = int32(bmp[uint16(b&0x0F)<<12|uint16(b1&0x3F)<<6|uint16(b2&0x3F)])
			i += 3
		} else {
			break
		}
		// The state's transition if its class is c, else the
		// root's, selected with a mask as run does. own is -1 when
		// x's class is c, else 0: x XOR c in the class's place is
		// below outBit<<1 exactly when the classes are equal, and
		// taking that off leaves it negative then only (in 64 bits,
		// so that no class wraps around); c's shift is off the path
		// from x to the next state. The state keeps the bits above
		// its low 16 (outBit and a class): a slot is indexed by the
		// low 16 bits of the state plus a class, which they do not
		// change, so they are cleared only on return.
		t := uint16(st + uint32(c))
		x, r := slots[t], slots[uint16(c)]
		own := int64(uint64(x^uint32(c)<<classShft)-outBit<<1) >> 63
		st = r ^ (x^r)&uint32(own)
		pend[k] = pending{at: c ^ (int32(t)^c)&int32(own), end: int32(i)}
		k += uint(st >> 16 & 1)
	}
	return i, int32(uint16(st)), k
}

// runSmallValid is runSmall for text that is valid UTF-8. A byte from E0
// to EF then leads a character of three bytes whose next two are
// continuation bytes (10xxxxxx), so the character needs no test of its
// bytes, E0 and ED included, and its class is read in bmpValid at
// validAt of its bytes, its last two read with one load. On text that is
// not valid the index is in bounds all the same (validAt's mask).
//
// It tests for a three-byte character first, then for ASCII: most
// characters of Chinese chat are three bytes, and each took both tests.
// A transition's slot is noted as the class plus the state masked by
// own, whose low 16 bits are the slot (the state's base plus the class,
// or the root's, the class): the readers of pend index with them
// (expandSum, expandMany, and expandClasses on a Matcher with small),
// where taking the select of the slot from the two took a register
// copy, a zero extension and three operations more a character.
//
// FuzzMatcher compares it with runSmall on valid text.
func (m *Matcher) runSmallValid(s string, i uint, st0 int32, pend *[pendCap]pending, k uint) (uint, int32, uint) {
	bmp, slots := m.bmpValid, m.small
	// Tested for nil once here, not on every character in the loop.
	_, _, _ = bmp[0], slots[0], pend[0]
	st := uint32(st0)
	// While three bytes are left, a three-byte character's are all in s.
	// This loop reads s[j], s[j+1] and s[j+2] as s0[j], s1[j] and s2[j],
	// three views of s of one length, len(s)-2, so that its one test of
	// j against that length proves all three in bounds: read from s,
	// with j < len(s)-2, the compiler proved s[j+1] and s[j+2] but
	// checked s[j] for every character. The steps are the loop's below.
	j := i
	if len(s) >= 3 {
		n := len(s) - 2
		s0, s1, s2 := s[:n], s[1:n+1], s[2:]
		for j < uint(len(s0)) && k < pendCap {
			var c uint32
			if b := s0[j]; b-0xE0 < 0x10 {
				// validAt(b, s1[j], s2[j]): the uint16 of s1[j] and
				// s2[j] is one load (a tree of its own, which b<<16
				// in it would break).
				c = uint32(bmp[(uint(b)<<16|uint(uint16(s1[j])|uint16(s2[j])<<8))&(validSize-1)])
				j += 3
			} else if b < utf8.RuneSelf {
				c = uint32(bmp[b])
				j++
			} else {
				break
			}
			x, r := slots[uint16(st+c)], slots[uint16(c)]
			own := uint32(int64(uint64(x^c<<classShft)-outBit<<1) >> 63)
			pend[k] = pending{at: int32(c + st&own), end: int32(j)}
			st = r ^ (x^r)&own
			k += uint(st >> 16 & 1)
		}
	}
	i = j
	n := uint(len(s))
	for i < n && k < pendCap {
		var c uint32
		if b := s[i]; b < utf8.RuneSelf {
			c = uint32(bmp[b])
			i++
		} else if b-0xE0 < 0x10 && i+2 < n {
			b2 := s[i+2] // first, so that s[i+1] needs no bounds check
			c = uint32(bmp[validAt(b, s[i+1], b2)])
			i += 3
		} else {
			break
		}
		x, r := slots[uint16(st+c)], slots[uint16(c)]
		own := uint32(int64(uint64(x^c<<classShft)-outBit<<1) >> 63)
		pend[k] = pending{at: int32(c + st&own), end: int32(i)}
		st = r ^ (x^r)&own
		k += uint(st >> 16 & 1)
	}
	return i, int32(uint16(st)), k
}

// runSparse is run for a sparse Matcher: a character in no pattern goes
// to the root with a branch, nearly always taken, the rest through the
// transition table as in run. While eight bytes are left it first reads
// the next two characters with one load: a three-byte one in no pattern
// (most of the text) is stepped over to the root, and so is the next when
// it is one too. (One loop for both dictionaries, testing sparse on each
// character, took run a sixth more instructions: its variables no longer
// fit in registers.)
func (m *Matcher) runSparse(s string, i uint, st int32, pend *[pendCap]pending, k uint) (uint, int32, uint) {
	bmp, slots, pairs := m.bmp, m.slots, m.noSingle
	n := uint(len(s))
	for i < n && k < pendCap {
		if i+8 <= n {
			// Two three-byte sequences (lead E0–EF, two continuation
			// bytes each), whose classes are read as run reads a
			// character's. A sequence led by E0 or ED that is no
			// character (an overlong form, a surrogate) is three bytes
			// of class 0 to decode, so stepping over it to the root when
			// its would-be class is 0 is what the slow path does too.
			//
			// At the root, with no pattern of one character, the second
			// is read first: when it is in no pattern, no pattern holds
			// the first either (a match holding it would begin there, at
			// the root, and go on into the second), so both are stepped
			// over having read one class (FuzzMatcher, TestSparsePairSkip).
			if w := Load8(s, int(i)); w&0x0000c0c0f0c0c0f0 == 0x00008080e08080e0 {
				// The second's class is read ahead only when it may decide
				// (pairs, at the root): elsewhere, as in the matchers of a
				// few detectors' words read on normalized text, reading it
				// before the first cost 3 k instructions a conversation.
				if pairs && st == 0 && bmp[uint16(w>>24&0x0F)<<12|uint16(w>>32&0x3F)<<6|uint16(w>>40&0x3F)] == 0 {
					// And so on while pairs like it follow, in a loop
					// of its own: the outer loop's tests of the end, of
					// pend and of the state hold for all of them.
					// ASCII in no pattern is stepped over there too.
					for i += 6; i+8 <= n; {
						w = Load8(s, int(i))
						if w&0x0000c0c0f0c0c0f0 == 0x00008080e08080e0 &&
							bmp[uint16(w>>24&0x0F)<<12|uint16(w>>32&0x3F)<<6|uint16(w>>40&0x3F)] == 0 {
							i += 6
						} else if b := byte(w); b < utf8.RuneSelf && bmp[b] == 0 {
							i++
						} else {
							break
						}
					}
					continue
				}
				if bmp[uint16(w&0x0F)<<12|uint16(w>>8&0x3F)<<6|uint16(w>>16&0x3F)] == 0 {
					st = 0
					i += 3
					if bmp[uint16(w>>24&0x0F)<<12|uint16(w>>32&0x3F)<<6|uint16(w>>40&0x3F)] == 0 {
						i += 3
					}
					continue
				}
			}
		}
		var c int32
		if b := s[i]; b < utf8.RuneSelf {
			c = int32(bmp[b])
			i++
		} else if b-0xE1 <= 0xEF-0xE1 && b != 0xED && i+2 < n {
			b1, b2 := s[i+1], s[i+2]
			if (uint16(b1)<<8|uint16(b2))&0xC0C0 != 0x8080 {
				break // not UTF-8: decode says so
			}
			c = int32(bmp[uint16(b&0x0F)<<12|uint16(b1&0x3F)<<6|uint16(b2&0x3F)])
			i += 3
		} else {
			break
		}
		if c == 0 {
			st = 0
			continue
		}
		t := st + c
		x, r := slots[t], slots[c].next
		own := (x.check ^ st - 1) >> 31
		v := r ^ (x.next^r)&own
		pend[k] = pending{at: c ^ (t^c)&own, end: int32(i)}
		k += uint(uint32(v) >> 31)
		st = v ^ v>>31
	}
	return i, st, k
}

// step is Scan's transition from state st on class c, for the characters
// its inner loop leaves to decode: the transition's value and its slot.
func (m *Matcher) step(st, c int32) (int32, int32) {
	if m.small != nil { // the packed slots, as runSmall reads them
		t := st + c
		x := m.small[uint16(t)]
		if x>>classShft != uint32(c) {
			x, t = m.small[uint16(c)], c
		}
		v := int32(uint16(x))
		if x&outBit != 0 {
			v = ^v
		}
		return v, t
	}
	if t := st + c; m.slots[t].check == st {
		return m.slots[t].next, t
	}
	return m.slots[c].next, c
}

// expand appends the hits of the transitions into outputs in pend. For a
// transition with up to expandPad outputs (nearly all) it writes
// expandPad hits and keeps as many as there are, so that it takes no
// branch on the count, which varies from one to the next; dst grows
// before the loop, not in it.
func (m *Matcher) expand(dst []Hit, pend []pending) []Hit {
	outAt, outs := m.outAt, m.outs
	dst = slices.Grow(dst, len(pend)*expandPad)
	for j, p := range pend {
		o := outAt[p.at]
		if o.end-o.start > expandPad {
			for _, q := range outs[o.start:o.end] {
				dst = append(dst, Hit{Pattern: q.pattern, Start: p.end - q.len, End: p.end})
			}
			dst = slices.Grow(dst, (len(pend)-j-1)*expandPad)
			continue
		}
		n := len(dst)
		w := (*[expandPad]Hit)(dst[n : n+expandPad])
		q := (*[expandPad]output)(outs[o.start : o.start+expandPad])
		w[0] = Hit{Pattern: q[0].pattern, Start: p.end - q[0].len, End: p.end}
		w[1] = Hit{Pattern: q[1].pattern, Start: p.end - q[1].len, End: p.end}
		w[2] = Hit{Pattern: q[2].pattern, Start: p.end - q[2].len, End: p.end}
		w[3] = Hit{Pattern: q[3].pattern, Start: p.end - q[3].len, End: p.end}
		dst = dst[:n+int(o.end-o.start)]
	}
	return dst
}

// expandClasses is expand for ScanClasses: the hits name the patterns'
// classes. With sum, it adds each transition's set of classes and its
// longest output (the first) to sum.
func (m *Matcher) expandClasses(dst []ClassHit, pend []pending, sum *Summary) []ClassHit {
	outAt, outs, csets := m.outAt, m.couts, m.csets
	// runSmallValid notes a packed automaton's slot in the low 16 bits
	// of at only (see there).
	at := int32(-1)
	if m.small != nil {
		at = 0xFFFF
	}
	dst = slices.Grow(dst, len(pend)*expandPad)
	for j, p := range pend {
		o := outAt[p.at&at]
		// The first expandPad outputs from the state's first: its own,
		// then the next state's or outs' empty padding, which are not
		// kept.
		var q *[expandPad]classOutput
		if m.couts16 != nil {
			q = (*[expandPad]classOutput)(m.couts16[uint16(o.start):])
		} else {
			q = (*[expandPad]classOutput)(outs[o.start : o.start+expandPad])
		}
		if sum != nil {
			cs := &csets[q[0].set]
			sum.Classes[0] |= cs[0]
			sum.Classes[1] |= cs[1]
			sum.Classes[2] |= cs[2]
			sum.Classes[3] |= cs[3]
			sum.Longest = max(sum.Longest, int32(q[0].len))
		}
		if o.end-o.start > expandPad {
			for _, q := range outs[o.start:o.end] {
				dst = append(dst, ClassHit{Class: q.class, Start: p.end - int32(q.len), End: p.end})
			}
			dst = slices.Grow(dst, (len(pend)-j-1)*expandPad)
			continue
		}
		n := len(dst)
		w := (*[expandPad]ClassHit)(dst[n : n+expandPad])
		w[0] = ClassHit{Class: q[0].class, Start: p.end - int32(q[0].len), End: p.end}
		w[1] = ClassHit{Class: q[1].class, Start: p.end - int32(q[1].len), End: p.end}
		w[2] = ClassHit{Class: q[2].class, Start: p.end - int32(q[2].len), End: p.end}
		w[3] = ClassHit{Class: q[3].class, Start: p.end - int32(q[3].len), End: p.end}
		dst = dst[:n+int(o.end-o.start)]
	}
	return dst
}

// expandSum is expandClasses with a sum, for a Matcher with sums (the
// engine's scan of every message): the same hits and the same sum, with
// a sixth fewer instructions. A transition's outputs, their set of
// classes and its longest output are one record (sums), and its outputs
// are pairs of 32-bit numbers (hitOuts), which load without the
// extension and address arithmetic of couts' 16-bit fields. Room for
// expandPad hits per transition is made once, so that a transition writes
// its first hits without testing the room or appending, keeping as many
// as it has: two always, and the next two when it has more than two
// (about one transition in seven of the engine's scan, where writing all
// four, as expandClasses does, took fourteen instructions more for each
// of the others). The few transitions with more than expandPad outputs
// leave the rest of pend to expandMany, which makes room as
// it goes: dst grows by what the hits need, not by the most outputs any
// state has for every transition. The sum is added up in a loop of its
// own, in locals: in one loop with the hits there are more values than
// registers, and they are spilled and reloaded for each transition.
func (m *Matcher) expandSum(dst []ClassHit, pend []pending, classes *ClassSet, longest *int32) []ClassHit {
	sums := m.sums
	*longest = addSums(sums, m.sets, pend, classes, *longest)
	n := len(dst)
	dst = slices.Grow(dst, len(pend)*expandPad)
	dst = dst[:cap(dst)]
	outs := m.hitOuts
	_, _ = sums[0], outs[0] // tested for nil once here, not for each transition
	for i, p := range pend {
		r := sums[uint16(p.at)].span
		q := (*[expandPad]hitOut)(outs[uint16(r):])
		w := (*[expandPad]ClassHit)(dst[n : n+expandPad])
		end := p.end
		w[0] = ClassHit{Class: q[0].class, Start: end - q[0].len, End: end}
		w[1] = ClassHit{Class: q[1].class, Start: end - q[1].len, End: end}
		if r > 2<<16|0xFFFF {
			if r > expandPad<<16|0xFFFF {
				return m.expandMany(dst[:n], pend[i:])
			}
			w[2] = ClassHit{Class: q[2].class, Start: end - q[2].len, End: end}
			w[3] = ClassHit{Class: q[3].class, Start: end - q[3].len, End: end}
		}
		n += int(r >> 16)
	}
	return dst[:n]
}

// addSums adds the classes of the transitions pend to classes, and
// returns longest raised to their longest output, for expandSum. It is a
// function of its own, not inlined, so that its sum stays in registers:
// in expandSum, with the values its hits loop needs live around it, five
// were spilled and reloaded for each transition. It returns the longest
// rather than storing it through a pointer, which was reloaded from the
// stack on every turn, and reads the sets from an array (sets), not a
// slice that each was checked against.
//
//go:noinline
func addSums(sums *[1 << 16]outSum, sets *[1 << 16]ClassSet, pend []pending, classes *ClassSet, longest int32) int32 {
	_, _ = sums[0], sets[0] // tested for nil once here, not for each transition
	s0, s1, s2, s3 := classes[0], classes[1], classes[2], classes[3]
	for _, p := range pend {
		r := sums[uint16(p.at)].sum
		cs := &sets[uint16(r)]
		s0, s1, s2, s3 = s0|cs[0], s1|cs[1], s2|cs[2], s3|cs[3]
		longest = max(longest, int32(r>>16))
	}
	*classes = ClassSet{s0, s1, s2, s3}
	return longest
}

// expandMany appends the hits of transitions pend, the first of which has
// more than expandPad outputs, to dst, as expandSum writes them: each
// transition's outputs in hitOuts from its start, growing dst as needed.
func (m *Matcher) expandMany(dst []ClassHit, pend []pending) []ClassHit {
	for _, p := range pend {
		r := m.sums[uint16(p.at)].span
		for _, q := range m.hitOuts[uint16(r) : int(uint16(r))+int(r>>16)] {
			dst = append(dst, ClassHit{Class: q.class, Start: p.end - q.len, End: p.end})
		}
	}
	return dst
}

// LeftmostLongest filters overlapping hits down to the non-overlapping ones
// a reader would pick: scanning left to right, at each position the longest
// pattern wins and hits overlapping a chosen one are dropped. hits is
// reordered in place; the result aliases it.
func LeftmostLongest(hits []Hit) []Hit {
	// The order is total (no two hits are equal), so any sort gives the
	// same result; slices.SortFunc does not allocate as sort.Slice does.
	slices.SortFunc(hits, func(a, b Hit) int {
		if a.Start != b.Start {
			return cmp.Compare(a.Start, b.Start)
		}
		if a.End != b.End {
			return cmp.Compare(b.End, a.End)
		}
		return cmp.Compare(a.Pattern, b.Pattern)
	})
	out := hits[:0]
	var reach int32 = -1
	for _, h := range hits {
		if h.Start >= reach {
			out = append(out, h)
			reach = h.End
		}
	}
	return out
}
