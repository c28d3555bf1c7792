package classify

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
	"unicode"
)

// CharVectors are dense vectors of characters and character bigrams
// learned without labels from raw text (TrainCharVectors): characters that
// appear in the same company get near vectors, so a message can be
// represented by what its characters mean rather than by which exact
// n-grams it holds. They are read-only after training.
type CharVectors struct {
	Dim  int
	keys []uint64  // sorted: a character's code point, or bigramKey of two
	vec  []float32 // len(keys)·Dim, row k the vector of keys[k], unit length
}

// bigramKey is the key of the character bigram (a, b): above every code
// point, so unigrams and bigrams share one sorted table.
func bigramKey(a, b rune) uint64 { return 1<<42 | uint64(a)<<21 | uint64(b) }

// Len returns how many characters and bigrams have a vector.
func (v *CharVectors) Len() int { return len(v.keys) }

// row returns the vector of key, or nil when it has none.
func (v *CharVectors) row(key uint64) []float32 {
	k, ok := slices.BinarySearch(v.keys, key)
	if !ok {
		return nil
	}
	return v.vec[k*v.Dim : (k+1)*v.Dim]
}

// Pool sets mean to the average and maxv to the element-wise maximum of the
// vectors of the characters and bigrams of s that have one (s as
// text.Normalize gives it; spaces are skipped), and returns how many there
// were; with none, both are zero. mean and maxv must hold Dim values.
// It does not allocate.
func (v *CharVectors) Pool(s string, mean, maxv []float32) int {
	clear(mean)
	for d := range maxv {
		maxv[d] = float32(math.Inf(-1))
	}
	n := 0
	add := func(r []float32) {
		if r == nil {
			return
		}
		n++
		for d, x := range r {
			mean[d] += x
			maxv[d] = max(maxv[d], x)
		}
	}
	prev := rune(-1)
	for _, r := range s {
		if unicode.IsSpace(r) {
			prev = -1
			continue
		}
		add(v.row(uint64(r)))
		if prev >= 0 {
			add(v.row(bigramKey(prev, r)))
		}
		prev = r
	}
	if n == 0 {
		clear(maxv)
		return 0
	}
	for d := range mean {
		mean[d] /= float32(n)
	}
	return n
}

// CharVecConfig holds the hyper-parameters of TrainCharVectors.
type CharVecConfig struct {
	Dim        int     // dimensions of a vector
	Window     int     // context characters on each side
	MinCount   int     // a character or bigram seen fewer times gets no vector
	MaxChars   int     // at most this many characters (the most frequent), the contexts too
	MaxBigrams int     // at most this many bigrams (the most frequent); 0 for characters only
	Alpha      float64 // context-distribution smoothing of PMI (0.75 is usual)
	Iters      int     // subspace iterations of the randomized SVD
	Seed       uint64  // the random start of the SVD: same text and seed, same vectors
}

// DefaultCharVecConfig is the configuration the measurements used.
func DefaultCharVecConfig() CharVecConfig {
	return CharVecConfig{Dim: 48, Window: 2, MinCount: 5, MaxChars: 5000, MaxBigrams: 20000, Alpha: 0.75, Iters: 4, Seed: 20261206}
}

// TrainCharVectors learns vectors of the characters and bigrams of texts
// (normalized messages, reviews, posts) by truncated SVD of their positive
// pointwise mutual information with the characters around them (window
// cfg.Window on each side, weighted 1/distance): the classic count-based
// word vectors (Levy, Goldberg and Dagan 2015), which need no labels and,
// unlike sampled skip-gram, come out the same on every run. Each vector is
// U·√S, scaled to unit length. It is deterministic.
func TrainCharVectors(ctx context.Context, texts []string, cfg CharVecConfig) (*CharVectors, error) {
	if cfg.Dim <= 0 || cfg.Window <= 0 {
		return nil, fmt.Errorf("train char vectors: bad config %+v", cfg)
	}
	// Counts of characters, then the vocabulary: the most frequent ones.
	uni := map[rune]int{}
	for _, t := range texts {
		for _, r := range t {
			if !unicode.IsSpace(r) {
				uni[r]++
			}
		}
	}
	chars := topKeys(uni, cfg.MinCount, cfg.MaxChars)
	if len(chars) == 0 {
		return nil, fmt.Errorf("train char vectors: no character seen %d times", cfg.MinCount)
	}
	ctxOf := make(map[rune]int32, len(chars))
	for i, r := range chars {
		ctxOf[r] = int32(i)
	}
	var bigrams []uint64
	if cfg.MaxBigrams > 0 {
		bi := map[uint64]int{}
		for _, t := range texts {
			prev := rune(-1)
			for _, r := range t {
				if _, ok := ctxOf[r]; !ok {
					prev = -1
					continue
				}
				if prev >= 0 {
					bi[bigramKey(prev, r)]++
				}
				prev = r
			}
		}
		bigrams = topKeys(bi, cfg.MinCount, cfg.MaxBigrams)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("train char vectors: %w", err)
	}
	// Targets: the characters, then the bigrams.
	nc := len(chars)
	tgtOf := make(map[uint64]int32, nc+len(bigrams))
	for i, r := range chars {
		tgtOf[uint64(r)] = int32(i)
	}
	for i, k := range bigrams {
		tgtOf[k] = int32(nc + i)
	}
	nt := nc + len(bigrams)

	// Co-occurrence, target × context character, 1/distance a pair.
	co := map[uint64]float64{}
	buf := make([]int32, 0, 256)
	raw := make([]rune, 0, 256)
	for ti, t := range texts {
		if ti%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("train char vectors: %w", err)
			}
		}
		raw, buf = raw[:0], buf[:0]
		for _, r := range t {
			if unicode.IsSpace(r) {
				continue
			}
			c, ok := ctxOf[r]
			if !ok {
				c = -1
			}
			raw, buf = append(raw, r), append(buf, c)
		}
		for i, c := range buf {
			if c < 0 {
				continue
			}
			// The character itself.
			for d := 1; d <= cfg.Window; d++ {
				w := 1 / float64(d)
				if j := i - d; j >= 0 && buf[j] >= 0 {
					co[uint64(c)<<32|uint64(buf[j])] += w
				}
				if j := i + d; j < len(buf) && buf[j] >= 0 {
					co[uint64(c)<<32|uint64(buf[j])] += w
				}
			}
			// The bigram starting here, its context outside it.
			if i+1 < len(buf) && buf[i+1] >= 0 && len(bigrams) > 0 {
				b, ok := tgtOf[bigramKey(raw[i], raw[i+1])]
				if !ok {
					continue
				}
				for d := 1; d <= cfg.Window; d++ {
					w := 1 / float64(d)
					if j := i - d; j >= 0 && buf[j] >= 0 {
						co[uint64(b)<<32|uint64(buf[j])] += w
					}
					if j := i + 1 + d; j < len(buf) && buf[j] >= 0 {
						co[uint64(b)<<32|uint64(buf[j])] += w
					}
				}
			}
		}
	}
	m := ppmi(co, nt, nc, cfg.Alpha)
	u, s := randomizedSVD(m, cfg.Dim, cfg.Iters, cfg.Seed)

	// Rows sorted by key, each U·√S at unit length.
	keys := make([]uint64, nt)
	for i, r := range chars {
		keys[i] = uint64(r)
	}
	copy(keys[nc:], bigrams)
	order := make([]int, nt)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		switch {
		case keys[a] < keys[b]:
			return -1
		case keys[a] > keys[b]:
			return 1
		}
		return 0
	})
	v := &CharVectors{Dim: cfg.Dim, keys: make([]uint64, nt), vec: make([]float32, nt*cfg.Dim)}
	for k, i := range order {
		v.keys[k] = keys[i]
		row := v.vec[k*cfg.Dim : (k+1)*cfg.Dim]
		var norm float64
		for d := range cfg.Dim {
			x := u[i*cfg.Dim+d] * math.Sqrt(s[d])
			row[d] = float32(x)
			norm += x * x
		}
		if norm > 0 {
			f := float32(1 / math.Sqrt(norm))
			for d := range row {
				row[d] *= f
			}
		}
	}
	return v, nil
}

// topKeys returns the keys of counts seen at least minCount times, the
// most frequent first (ties by key), at most limit of them.
func topKeys[K rune | uint64](counts map[K]int, minCount, limit int) []K {
	var ks []K
	for k, n := range counts {
		if n >= minCount {
			ks = append(ks, k)
		}
	}
	slices.SortFunc(ks, func(a, b K) int {
		if counts[a] != counts[b] {
			return counts[b] - counts[a]
		}
		if a < b {
			return -1
		}
		return 1
	})
	if len(ks) > limit {
		ks = ks[:limit]
	}
	return ks
}

// csr is a sparse matrix by rows.
type csr struct {
	rows, cols int
	off        []int32 // row i is col[off[i]:off[i+1]]
	col        []int32
	val        []float64
}

// ppmi turns co-occurrence weights (key target<<32 | context) into the
// positive PMI matrix, targets × contexts, with the context distribution
// raised to alpha.
func ppmi(co map[uint64]float64, rows, cols int, alpha float64) *csr {
	keys := make([]uint64, 0, len(co))
	rowSum := make([]float64, rows)
	colSum := make([]float64, cols)
	for k := range co {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	// Sums in the keys' order, so the result does not depend on the map's
	// (float addition is not associative once weights are not dyadic).
	for _, k := range keys {
		w := co[k]
		rowSum[k>>32] += w
		colSum[uint32(k)] += w
	}
	var colAlpha float64
	pc := make([]float64, cols)
	for c, n := range colSum {
		pc[c] = math.Pow(n, alpha)
		colAlpha += pc[c]
	}
	var total float64
	for _, n := range rowSum {
		total += n
	}
	m := &csr{rows: rows, cols: cols, off: make([]int32, rows+1)}
	for _, k := range keys {
		t, c := int(k>>32), int(uint32(k))
		p := math.Log(co[k] / total / (rowSum[t] / total) / (pc[c] / colAlpha))
		if p <= 0 {
			continue
		}
		m.col = append(m.col, int32(c))
		m.val = append(m.val, p)
		m.off[t+1] = int32(len(m.col))
	}
	for i := 1; i <= rows; i++ {
		m.off[i] = max(m.off[i], m.off[i-1])
	}
	return m
}

// mulDense returns m·x for x cols×l (row-major), rows×l.
func (m *csr) mulDense(x []float64, l int) []float64 {
	y := make([]float64, m.rows*l)
	for i := range m.rows {
		yi := y[i*l : (i+1)*l]
		for k := m.off[i]; k < m.off[i+1]; k++ {
			a := m.val[k]
			xj := x[int(m.col[k])*l : int(m.col[k]+1)*l]
			for d := range l {
				yi[d] += a * xj[d]
			}
		}
	}
	return y
}

// mulDenseT returns mᵀ·y for y rows×l, cols×l.
func (m *csr) mulDenseT(y []float64, l int) []float64 {
	x := make([]float64, m.cols*l)
	for i := range m.rows {
		yi := y[i*l : (i+1)*l]
		for k := m.off[i]; k < m.off[i+1]; k++ {
			a := m.val[k]
			xj := x[int(m.col[k])*l : int(m.col[k]+1)*l]
			for d := range l {
				xj[d] += a * yi[d]
			}
		}
	}
	return x
}

// orthonormalize makes the l columns of a (n×l, row-major) orthonormal by
// modified Gram–Schmidt, twice for accuracy.
func orthonormalize(a []float64, n, l int) {
	for range 2 {
		for j := range l {
			for p := range j {
				var dot float64
				for i := range n {
					dot += a[i*l+j] * a[i*l+p]
				}
				for i := range n {
					a[i*l+j] -= dot * a[i*l+p]
				}
			}
			var norm float64
			for i := range n {
				norm += a[i*l+j] * a[i*l+j]
			}
			if norm = math.Sqrt(norm); norm > 0 {
				for i := range n {
					a[i*l+j] /= norm
				}
			}
		}
	}
}

// randomizedSVD returns the top k left singular vectors of m (rows×k,
// row-major) and their singular values, by subspace iteration from a
// seeded random start (Halko, Martinsson and Tropp 2011), oversampled by
// 16 columns; past the matrix's rank or size they are 0.
func randomizedSVD(m *csr, k, iters int, seed uint64) ([]float64, []float64) {
	l := min(k+16, m.cols, m.rows)
	r := rng{s: seed}
	omega := make([]float64, m.cols*l)
	for i := range omega {
		// A uniform value in (-1, 1): any full-rank start will do.
		omega[i] = float64(r.next()>>11)/float64(1<<53)*2 - 1
	}
	q := m.mulDense(omega, l)
	orthonormalize(q, m.rows, l)
	for range iters {
		z := m.mulDenseT(q, l)
		orthonormalize(z, m.cols, l)
		q = m.mulDense(z, l)
		orthonormalize(q, m.rows, l)
	}
	// B = Qᵀ·M (l×cols), kept as its transpose Mᵀ·Q; its SVD from the
	// eigenvectors of B·Bᵀ (l×l).
	bt := m.mulDenseT(q, l)
	g := make([]float64, l*l)
	for c := range m.cols {
		row := bt[c*l : (c+1)*l]
		for a := range l {
			for b := range l {
				g[a*l+b] += row[a] * row[b]
			}
		}
	}
	vals, vecs := jacobiEigen(g, l)
	// Order by eigenvalue, largest first.
	idx := make([]int, l)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case vals[a] > vals[b]:
			return -1
		case vals[a] < vals[b]:
			return 1
		}
		return 0
	})
	u := make([]float64, m.rows*k)
	s := make([]float64, k)
	// With fewer rows or columns than k, the dimensions past them stay 0.
	for d := range min(k, l) {
		e := idx[d]
		s[d] = math.Sqrt(max(vals[e], 0))
		for i := range m.rows {
			var x float64
			for a := range l {
				x += q[i*l+a] * vecs[a*l+e]
			}
			u[i*k+d] = x
		}
	}
	return u, s
}

// jacobiEigen returns the eigenvalues and eigenvectors (columns of the
// row-major n×n result) of the symmetric matrix a (overwritten), by cyclic
// Jacobi rotations.
func jacobiEigen(a []float64, n int) ([]float64, []float64) {
	v := make([]float64, n*n)
	for i := range n {
		v[i*n+i] = 1
	}
	for sweep := 0; sweep < 100; sweep++ {
		var off float64
		for p := range n {
			for q := p + 1; q < n; q++ {
				off += a[p*n+q] * a[p*n+q]
			}
		}
		if off < 1e-22 {
			break
		}
		for p := range n {
			for q := p + 1; q < n; q++ {
				apq := a[p*n+q]
				if math.Abs(apq) < 1e-300 {
					continue
				}
				theta := (a[q*n+q] - a[p*n+p]) / (2 * apq)
				t := math.Copysign(1, theta) / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := range n {
					akp, akq := a[k*n+p], a[k*n+q]
					a[k*n+p] = c*akp - s*akq
					a[k*n+q] = s*akp + c*akq
				}
				for k := range n {
					apk, aqk := a[p*n+k], a[q*n+k]
					a[p*n+k] = c*apk - s*aqk
					a[q*n+k] = s*apk + c*aqk
				}
				for k := range n {
					vkp, vkq := v[k*n+p], v[k*n+q]
					v[k*n+p] = c*vkp - s*vkq
					v[k*n+q] = s*vkp + c*vkq
				}
			}
		}
	}
	vals := make([]float64, n)
	for i := range n {
		vals[i] = a[i*n+i]
	}
	return vals, v
}

// Nearest returns the n characters or bigrams whose vectors are most like
// the vector of w (one character or two), for looking at what was learned.
func (v *CharVectors) Nearest(w string, n int) []string {
	rs := []rune(w)
	var q []float32
	switch len(rs) {
	case 1:
		q = v.row(uint64(rs[0]))
	case 2:
		q = v.row(bigramKey(rs[0], rs[1]))
	}
	if q == nil {
		return nil
	}
	type hit struct {
		k   uint64
		sim float32
	}
	var hits []hit
	for k, key := range v.keys {
		if len(rs) == 1 && key == uint64(rs[0]) || len(rs) == 2 && key == bigramKey(rs[0], rs[1]) {
			continue // w itself
		}
		var s float32
		for d, x := range v.vec[k*v.Dim : (k+1)*v.Dim] {
			s += x * q[d]
		}
		hits = append(hits, hit{key, s})
	}
	slices.SortFunc(hits, func(a, b hit) int {
		switch {
		case a.sim > b.sim:
			return -1
		case a.sim < b.sim:
			return 1
		}
		return 0
	})
	var out []string
	for _, h := range hits[:min(n, len(hits))] {
		if h.k >= 1<<42 {
			out = append(out, string(rune(h.k>>21&(1<<21-1)))+string(rune(h.k&(1<<21-1))))
		} else {
			out = append(out, string(rune(h.k)))
		}
	}
	return out
}

// The character-vector file: the magic, uint32 dimensions and count, the
// sorted keys as unsigned varint gaps, then every vector as int8 steps of
// 1/127 (the vectors are of unit length, so no value is outside ±1).
const charVecMagic = "FQCVEC01"

// EncodeCharVectors writes v; equal vectors give equal bytes.
func EncodeCharVectors(w io.Writer, v *CharVectors) error {
	b := []byte(charVecMagic)
	b = binary.LittleEndian.AppendUint32(b, uint32(v.Dim))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(v.keys)))
	prev := uint64(0)
	for _, k := range v.keys {
		b = binary.AppendUvarint(b, k-prev)
		prev = k
	}
	for _, x := range v.vec {
		b = append(b, byte(int8(math.Round(float64(min(max(x, -1), 1))*127))))
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("write char vectors: %w", err)
	}
	return nil
}

// DecodeCharVectors reads vectors written by EncodeCharVectors.
func DecodeCharVectors(b []byte) (*CharVectors, error) {
	if len(b) < 16 || string(b[:8]) != charVecMagic {
		return nil, fmt.Errorf("%w: char vectors: missing header", errBadWeights)
	}
	dim, n := int(binary.LittleEndian.Uint32(b[8:])), int(binary.LittleEndian.Uint32(b[12:]))
	if dim <= 0 || dim > 1024 || n < 0 || n > len(b) {
		return nil, fmt.Errorf("%w: char vectors: %d×%d", errBadWeights, n, dim)
	}
	v := &CharVectors{Dim: dim, keys: make([]uint64, n)}
	b = b[16:]
	prev := uint64(0)
	for i := range n {
		d, m := binary.Uvarint(b)
		if m <= 0 || (i > 0 && d == 0) {
			return nil, fmt.Errorf("%w: char vectors: bad key %d", errBadWeights, i)
		}
		prev += d
		v.keys[i] = prev
		b = b[m:]
	}
	if len(b) != n*dim {
		return nil, fmt.Errorf("%w: char vectors: %d bytes of vectors for %d×%d", errBadWeights, len(b), n, dim)
	}
	v.vec = make([]float32, n*dim)
	for i, x := range b {
		v.vec[i] = float32(int8(x)) / 127
	}
	return v, nil
}
