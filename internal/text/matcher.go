package text

import (
	"errors"
	"fmt"
	"sort"
)

// Hit is one occurrence of a pattern in a text: the pattern's index (its
// order of addition) and the byte range [Start, End) in the scanned text.
type Hit struct {
	Pattern int32
	Start   int32
	End     int32
}

// Matcher finds every occurrence of many patterns in one pass over a text. It
// is an Aho-Corasick automaton compiled into a dense DFA over byte classes, so
// the inner loop is one table load per input byte whatever the number of
// patterns. A Matcher is immutable and safe for concurrent use.
type Matcher struct {
	patterns []string
	class    [256]uint16 // byte → column; column 0 is "byte in no pattern"
	ncls     int32
	// delta[state*ncls + class] is the next state premultiplied by ncls
	// when it has no outputs, or ^i when it is output state i (see outStates):
	// the sign test replaces a division on every hit.
	delta     []int32
	outStates []outState
	outs      []int32 // pattern indexes, longest first
	lens      []int32 // pattern lengths in bytes
	states    int
}

// outState is a state with outputs: where it continues and what it emits.
type outState struct {
	next       int32 // the state, premultiplied
	start, end int32 // its outputs in outs
}

// ErrEmptyPattern is returned when a pattern normalizes to nothing, which
// would match everywhere.
var ErrEmptyPattern = errors.New("empty pattern")

// NewMatcher compiles patterns as given (callers normalize them with the
// same Normalize the text goes through). Duplicate patterns are allowed and
// each reports its own hits.
func NewMatcher(patterns []string) (*Matcher, error) {
	m := &Matcher{patterns: append([]string(nil), patterns...)}
	// Byte classes: each byte used by some pattern gets its own column.
	var used [256]bool
	for i, p := range patterns {
		if p == "" {
			return nil, fmt.Errorf("pattern %d: %w", i, ErrEmptyPattern)
		}
		for j := 0; j < len(p); j++ {
			used[p[j]] = true
		}
	}
	m.ncls = 1
	for b := 0; b < 256; b++ {
		if used[b] {
			m.class[b] = uint16(m.ncls)
			m.ncls++
		}
	}
	// Trie.
	type node struct {
		next map[uint16]int32
		fail int32
		out  []int32
		dep  int
	}
	nodes := []node{{next: map[uint16]int32{}}}
	for pi, p := range patterns {
		s := int32(0)
		for j := 0; j < len(p); j++ {
			c := m.class[p[j]]
			n, ok := nodes[s].next[c]
			if !ok {
				n = int32(len(nodes))
				nodes = append(nodes, node{next: map[uint16]int32{}, dep: nodes[s].dep + 1})
				nodes[s].next[c] = n
			}
			s = n
		}
		nodes[s].out = append(nodes[s].out, int32(pi))
	}
	// BFS for failure links and the full transition table.
	ns := len(nodes)
	nc := int(m.ncls)
	goTo := make([]int32, ns*nc)
	order := make([]int32, 0, ns)
	for c := 0; c < nc; c++ {
		if n, ok := nodes[0].next[uint16(c)]; ok {
			goTo[c] = n
			nodes[n].fail = 0
			order = append(order, n)
		}
	}
	for qi := 0; qi < len(order); qi++ {
		s := order[qi]
		f := nodes[s].fail
		// Outputs of the failure chain (shorter suffixes) follow own ones.
		nodes[s].out = append(nodes[s].out, nodes[f].out...)
		for c := 0; c < nc; c++ {
			if n, ok := nodes[s].next[uint16(c)]; ok {
				goTo[int(s)*nc+c] = n
				nodes[n].fail = goTo[int(f)*nc+c]
				order = append(order, n)
			} else {
				goTo[int(s)*nc+c] = goTo[int(f)*nc+c]
			}
		}
	}
	// Renumber in breadth-first order, so the shallow states a scan visits
	// most sit together in the cache, and index the states with outputs.
	bfs := append([]int32{0}, order...)
	newID := make([]int32, ns)
	outIdx := make([]int32, ns)
	for i, s := range bfs {
		newID[s] = int32(i)
		outIdx[s] = -1
		if len(nodes[s].out) > 0 {
			outIdx[s] = int32(len(m.outStates))
			out := append([]int32(nil), nodes[s].out...)
			sort.SliceStable(out, func(a, b int) bool { return len(patterns[out[a]]) > len(patterns[out[b]]) })
			m.outStates = append(m.outStates, outState{next: int32(i) * m.ncls, start: int32(len(m.outs)), end: int32(len(m.outs) + len(out))})
			m.outs = append(m.outs, out...)
		}
	}
	m.delta = make([]int32, ns*nc)
	for _, s := range bfs {
		row := int(newID[s]) * nc
		for c := 0; c < nc; c++ {
			t := goTo[int(s)*nc+c]
			if outIdx[t] >= 0 {
				m.delta[row+c] = ^outIdx[t]
			} else {
				m.delta[row+c] = newID[t] * m.ncls
			}
		}
	}
	m.states = ns
	m.lens = make([]int32, len(patterns))
	for i, p := range patterns {
		m.lens[i] = int32(len(p))
	}
	return m, nil
}

// Patterns returns the number of patterns compiled in.
func (m *Matcher) Patterns() int { return len(m.patterns) }

// Pattern returns pattern i as compiled.
func (m *Matcher) Pattern(i int32) string { return m.patterns[i] }

// States returns the number of automaton states, for benchmarks and sizing.
func (m *Matcher) States() int { return m.states }

// Scan appends to dst every occurrence of every pattern in s, overlapping
// ones included, ordered by end position and, at the same end, longest
// first. It allocates only when dst must grow.
func (m *Matcher) Scan(s string, dst []Hit) []Hit {
	delta := m.delta
	cls := &m.class
	var st int32
	for i := 0; i < len(s); {
		v := delta[st+int32(cls[s[i]])]
		i++
		if v >= 0 {
			st = v
			continue
		}
		o := &m.outStates[^v]
		st = o.next
		end := int32(i)
		for _, p := range m.outs[o.start:o.end] {
			dst = append(dst, Hit{Pattern: p, Start: end - m.lens[p], End: end})
		}
	}
	return dst
}

// Count returns how many occurrences Scan would report, without recording
// them; benchmarks use it to measure the automaton alone.
func (m *Matcher) Count(s string) int {
	delta := m.delta
	cls := &m.class
	var st int32
	n := 0
	for i := 0; i < len(s); {
		v := delta[st+int32(cls[s[i]])]
		i++
		if v >= 0 {
			st = v
			continue
		}
		o := &m.outStates[^v]
		st = o.next
		n += int(o.end - o.start)
	}
	return n
}

// LeftmostLongest filters overlapping hits down to the non-overlapping ones
// a reader would pick: scanning left to right, at each position the longest
// pattern wins and hits overlapping a chosen one are dropped. hits is
// reordered in place; the result aliases it.
func LeftmostLongest(hits []Hit) []Hit {
	sort.Slice(hits, func(a, b int) bool {
		if hits[a].Start != hits[b].Start {
			return hits[a].Start < hits[b].Start
		}
		if hits[a].End != hits[b].End {
			return hits[a].End > hits[b].End
		}
		return hits[a].Pattern < hits[b].Pattern
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
