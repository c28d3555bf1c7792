package text

import (
	"cmp"
	"errors"
	"fmt"
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

// Matcher finds every occurrence of many patterns in one pass over a text.
// It is an Aho-Corasick automaton over characters rather than bytes: a
// Chinese character is three UTF-8 bytes, and a byte automaton for a few
// thousand words is a dense table of megabytes that the scan reads three
// times per character, missing the cache nearly every time. Here each
// character is one step, and the trie is stored as a double array: the
// root's transitions are one dense row, every other state's children are
// packed into the holes of one shared slot array, and failure links are
// followed at scan time (at most as many as characters read, and most
// characters are read at the root or one below it). For a few thousand
// words the slots take some eighty kilobytes and the character classes of
// the Basic Multilingual Plane 128 more, and building takes milliseconds.
// A Matcher is immutable and safe for concurrent use.
type Matcher struct {
	patterns []string
	// bmp maps a character of the Basic Multilingual Plane to its class;
	// class 0 is "character in no pattern". Characters beyond the BMP are
	// rare in patterns and are looked up in astral.
	bmp    *[0x10000]uint16
	astral map[rune]uint16
	// A state is named by its base: its child on class c is slots[base+c]
	// when that slot's check is the base, and slots[base].next is its
	// failure state. The root's base is 0 and its row is complete. A
	// transition value v >= 0 is the next state, which has no outputs;
	// v < 0 is ^next for a state with outputs, which are outAt[the
	// slot's index]: the next state is known from the slot alone, so
	// reading the outputs is off the path from one character to the next.
	slots  []slot
	outAt  []outState // per slot, its target's outputs when v < 0
	outs   []output   // longest first
	lens   []int32    // pattern lengths in bytes
	states int
}

// output is one pattern a state emits, with its length in bytes, so a hit
// is made without looking the length up in another table.
type output struct{ pattern, len int32 }

// slot is one cell of the double array.
type slot struct{ check, next int32 }

// outState is what a state with outputs emits.
type outState struct {
	start, end int32 // its outputs in outs
}

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
	}
	nodes := []node{{next: map[uint16]int32{}}}
	for pi, p := range patterns {
		if p == "" {
			return nil, fmt.Errorf("pattern %d: %w", pi, ErrEmptyPattern)
		}
		if !utf8.ValidString(p) {
			return nil, fmt.Errorf("pattern %d: %w", pi, ErrInvalidPattern)
		}
		s := int32(0)
		for _, r := range p {
			c, err := classOf(r)
			if err != nil {
				return nil, fmt.Errorf("pattern %d: %w", pi, err)
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
	}
	// Place the states in the double array: the root's dense row first,
	// then the states with the most children, each at the first base where
	// its fail slot (class 0, which no pattern uses) and its children's
	// slots are free. A state without children is never entered: its
	// transitions are its failure state's, so a transition into it emits
	// its outputs (it ends a pattern) and continues there instead.
	ncls32 := int32(ncls)
	base := make([]int32, len(nodes))
	checks := make([]int32, ncls, ncls+2*len(nodes))
	// free(i) is the first free slot at or after i; filled slots point
	// past themselves, with path compression, so the search for a base
	// steps over full stretches at once.
	skip := make([]int32, ncls)
	var free func(i int32) int32
	free = func(i int32) int32 {
		if int(i) >= len(checks) || checks[i] == -1 {
			return i
		}
		r := free(skip[i])
		skip[i] = r
		return r
	}
	fill := func(i, owner int32) {
		for int(i) >= len(checks) {
			checks = append(checks, -1)
			skip = append(skip, 0)
		}
		checks[i] = owner
		skip[i] = i + 1
	}
	placing := make([]int32, 0, len(order))
	for _, s := range order {
		if len(nodes[s].kids) > 0 {
			placing = append(placing, s)
		}
	}
	sort.SliceStable(placing, func(a, b int) bool { return len(nodes[placing[a]].kids) > len(nodes[placing[b]].kids) })
	for _, s := range placing {
		kids := nodes[s].kids
		var b int32
	search:
		for b = free(ncls32); ; b = free(b + 1) {
			for _, k := range kids {
				if i := b + int32(k.cls); int(i) < len(checks) && checks[i] != -1 {
					continue search
				}
			}
			break
		}
		base[s] = b
		fill(b, -2)
		for _, k := range kids {
			fill(b+int32(k.cls), b)
		}
	}
	// entered(s) is the state a transition into s continues from: s itself,
	// or for a state without children the first on its failure chain with
	// children (or the root).
	entered := func(s int32) int32 {
		for s != 0 && len(nodes[s].kids) == 0 {
			s = nodes[s].fail
		}
		return base[s]
	}
	// A transition's value for each target state.
	val := make([]int32, len(nodes))
	outIdx := make([]outState, len(nodes)) // outputs, for val < 0
	for _, s := range append([]int32{0}, order...) {
		val[s] = base[s]
		if out := nodes[s].out; len(out) > 0 {
			val[s] = ^entered(s)
			out = append([]int32(nil), out...)
			sort.SliceStable(out, func(a, b int) bool { return len(patterns[out[a]]) > len(patterns[out[b]]) })
			outIdx[s] = outState{start: int32(len(m.outs)), end: int32(len(m.outs) + len(out))}
			for _, p := range out {
				m.outs = append(m.outs, output{pattern: p, len: int32(len(patterns[p]))})
			}
		}
	}
	m.slots = make([]slot, len(checks)+ncls)
	m.outAt = make([]outState, len(m.slots))
	for i := range m.slots {
		m.slots[i].check = -1
	}
	for c, t := range root {
		m.slots[c] = slot{check: 0, next: val[t]} // class 0 stays at the root
		m.outAt[c] = outIdx[t]
	}
	for _, s := range placing {
		b := base[s]
		m.slots[b] = slot{check: -2, next: entered(nodes[s].fail)}
		for _, k := range nodes[s].kids {
			m.slots[b+int32(k.cls)] = slot{check: b, next: val[k.next]}
			m.outAt[b+int32(k.cls)] = outIdx[k.next]
		}
	}
	m.states = len(nodes)
	m.lens = make([]int32, len(patterns))
	for i, p := range patterns {
		m.lens[i] = int32(len(p))
	}
	return m, nil
}

// child is one child of a trie state while the automaton is built.
type child struct {
	cls  uint16
	next int32
}

// Patterns returns the number of patterns compiled in.
func (m *Matcher) Patterns() int { return len(m.patterns) }

// Pattern returns pattern i as compiled.
func (m *Matcher) Pattern(i int32) string { return m.patterns[i] }

// States returns the number of automaton states, for benchmarks and sizing.
func (m *Matcher) States() int { return m.states }

// Slots returns the length of the double array, for benchmarks and sizing.
func (m *Matcher) Slots() int { return len(m.slots) }

// decode reads the character at s[i] when it is not the ASCII or
// three-byte case Scan decodes inline, and returns its class and width.
// Bytes that are not valid UTF-8 are class 0 and one byte wide, exactly as
// utf8.DecodeRuneInString steps over them, so a pattern matches here where
// it matches byte for byte.
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
// first. It allocates only when dst must grow.
func (m *Matcher) Scan(s string, dst []Hit) []Hit {
	bmp, slots := m.bmp, m.slots
	var st int32
	n := uint(len(s))
	for i := uint(0); i < n; {
		// The inner loop steps over characters until a state with
		// outputs or a character it does not decode inline (neither ASCII
		// nor a valid three-byte sequence led by E1 to EC: all of Chinese
		// is). It makes no call, so its variables stay in registers; the
		// rest is done out here. The index is unsigned so that the
		// compiler proves the reads in bounds.
		at := int32(-1) // the slot of a transition into outputs
		for i < n {
			var c int32
			if b := s[i]; b < utf8.RuneSelf {
				c = int32(bmp[b])
				i++
			} else if b-0xE1 <= 0xEC-0xE1 && i+2 < n {
				// Lead bytes E1 to EC (U+1000–U+CFFF: all of common
				// Chinese and its punctuation) start no overlong form and
				// no surrogate, so two continuation bytes make a valid
				// character; E0, ED, EE and EF go to decode.
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
				st = 0 // a character in no pattern
				continue
			}
			// Follow failure links (kept in each state's class-0 slot)
			// until a state has this child; the root has them all, so at
			// the root (most characters) the check is skipped.
			t := c
			if st != 0 {
				for {
					if t = st + c; slots[t].check == st {
						break
					}
					st = slots[st].next
				}
			}
			v := slots[t].next
			if v >= 0 {
				st = v
				continue
			}
			st, at = ^v, t
			break
		}
		if at < 0 && i < n {
			// A character for decode; it moves like any other.
			c, w := m.decode(s, int(i))
			i += uint(w)
			st, at = m.step(st, c)
		}
		if at >= 0 {
			o := m.outAt[at]
			end := int32(i)
			for _, p := range m.outs[o.start:o.end] {
				dst = append(dst, Hit{Pattern: p.pattern, Start: end - p.len, End: end})
			}
		}
	}
	return dst
}

// step is Scan's transition from state st on class c, for the characters
// its inner loop leaves to decode: the next state, and the slot when the
// transition has outputs (else -1).
func (m *Matcher) step(st, c int32) (int32, int32) {
	if c == 0 {
		return 0, -1
	}
	t := c
	if st != 0 {
		for {
			if t = st + c; m.slots[t].check == st {
				break
			}
			st = m.slots[st].next
		}
	}
	if v := m.slots[t].next; v >= 0 {
		return v, -1
	} else {
		return ^v, t
	}
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
