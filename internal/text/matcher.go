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
	delta    []int32 // (state*ncls + class) → next state premultiplied by ncls
	firstOut int32   // premultiplied; states at or above it have outputs
	outStart []int32 // per state: start of its outputs in outs (len states+1)
	outs     []int32 // pattern indexes, longest first
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
	// Renumber: states without outputs first, so "has output" is one compare.
	// Within each group states keep breadth-first order, so the shallow
	// states a scan visits most sit together in the cache.
	bfs := append([]int32{0}, order...)
	newID := make([]int32, ns)
	var k int32
	for _, s := range bfs {
		if len(nodes[s].out) == 0 {
			newID[s] = k
			k++
		}
	}
	m.firstOut = k * m.ncls
	old := make([]int32, ns)
	for _, s := range bfs {
		if len(nodes[s].out) > 0 {
			newID[s] = k
			k++
		}
		old[newID[s]] = s
	}
	m.delta = make([]int32, ns*nc)
	m.outStart = make([]int32, ns+1)
	for ni := 0; ni < ns; ni++ {
		s := old[ni]
		for c := 0; c < nc; c++ {
			m.delta[ni*nc+c] = newID[goTo[int(s)*nc+c]] * m.ncls
		}
		m.outStart[ni] = int32(len(m.outs))
		out := append([]int32(nil), nodes[s].out...)
		sort.SliceStable(out, func(a, b int) bool { return len(patterns[out[a]]) > len(patterns[out[b]]) })
		m.outs = append(m.outs, out...)
	}
	m.outStart[ns] = int32(len(m.outs))
	// The root is state 0 only if it has no output, which holds since no
	// pattern is empty.
	if newID[0] != 0 {
		return nil, errors.New("matcher: internal error: root renumbered")
	}
	return m, nil
}

// Patterns returns the number of patterns compiled in.
func (m *Matcher) Patterns() int { return len(m.patterns) }

// Pattern returns pattern i as compiled.
func (m *Matcher) Pattern(i int32) string { return m.patterns[i] }

// States returns the number of automaton states, for benchmarks and sizing.
func (m *Matcher) States() int { return len(m.outStart) - 1 }

// Scan appends to dst every occurrence of every pattern in s, overlapping
// ones included, ordered by end position and, at the same end, longest
// first. It allocates only when dst must grow.
func (m *Matcher) Scan(s string, dst []Hit) []Hit {
	delta := m.delta
	cls := &m.class
	first := m.firstOut
	var st int32
	for i := 0; i < len(s); i++ {
		st = delta[st+int32(cls[s[i]])]
		if st >= first {
			ns := st / m.ncls
			for _, p := range m.outs[m.outStart[ns]:m.outStart[ns+1]] {
				end := int32(i + 1)
				dst = append(dst, Hit{Pattern: p, Start: end - int32(len(m.patterns[p])), End: end})
			}
		}
	}
	return dst
}

// Count returns how many occurrences Scan would report, without recording
// them; benchmarks use it to measure the automaton alone.
func (m *Matcher) Count(s string) int {
	delta := m.delta
	cls := &m.class
	first := m.firstOut
	var st int32
	n := 0
	for i := 0; i < len(s); i++ {
		st = delta[st+int32(cls[s[i]])]
		if st >= first {
			ns := st / m.ncls
			n += int(m.outStart[ns+1] - m.outStart[ns])
		}
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
