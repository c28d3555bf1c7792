package classify

import (
	"bytes"
	"context"
	"math"
	"slices"
	"strings"
	"testing"
)

// TestJacobiEigen checks the eigen-decomposition on a symmetric matrix:
// A·v = λ·v for every pair, and the eigenvectors orthonormal.
func TestJacobiEigen(t *testing.T) {
	a := []float64{
		4, 1, 2, 0,
		1, 3, 0, 1,
		2, 0, 5, 1,
		0, 1, 1, 2,
	}
	orig := slices.Clone(a)
	n := 4
	vals, vecs := jacobiEigen(a, n)
	for e := range n {
		for i := range n {
			var av float64
			for k := range n {
				av += orig[i*n+k] * vecs[k*n+e]
			}
			if d := av - vals[e]*vecs[i*n+e]; math.Abs(d) > 1e-9 {
				t.Fatalf("eigenpair %d row %d: A·v - λv = %g", e, i, d)
			}
		}
		for f := range n {
			var dot float64
			for k := range n {
				dot += vecs[k*n+e] * vecs[k*n+f]
			}
			want := 0.0
			if e == f {
				want = 1
			}
			if math.Abs(dot-want) > 1e-9 {
				t.Fatalf("eigenvectors %d, %d: dot %g", e, f, dot)
			}
		}
	}
	if sum := vals[0] + vals[1] + vals[2] + vals[3]; math.Abs(sum-14) > 1e-9 {
		t.Fatalf("eigenvalues %v do not sum to the trace 14", vals)
	}
}

// TestRandomizedSVD checks the top singular values of a sparse matrix of
// known rank against those of its dense Gram matrix, and that the left
// singular vectors are orthonormal.
func TestRandomizedSVD(t *testing.T) {
	// A 30×20 matrix of rank 3 plus a sparse pattern: rows are mixtures
	// of three fixed column profiles.
	rows, cols := 30, 20
	dense := make([]float64, rows*cols)
	for i := range rows {
		for j := range cols {
			if (i*7+j*3)%5 == 0 {
				continue // some zeros, so the matrix is sparse
			}
			dense[i*cols+j] = float64(i%3+1)*math.Sin(float64(j+1)) + float64(i%4)*math.Cos(float64(2*j)) + float64(i%5)*0.1*float64(j%3)
		}
	}
	m := &csr{rows: rows, cols: cols, off: make([]int32, rows+1)}
	for i := range rows {
		for j := range cols {
			if x := dense[i*cols+j]; x != 0 {
				m.col = append(m.col, int32(j))
				m.val = append(m.val, x)
			}
		}
		m.off[i+1] = int32(len(m.col))
	}
	k := 3
	u, s := randomizedSVD(m, k, 6, 1)
	// Reference: eigenvalues of A·Aᵀ are the squared singular values.
	g := make([]float64, rows*rows)
	for a := range rows {
		for b := range rows {
			for j := range cols {
				g[a*rows+b] += dense[a*cols+j] * dense[b*cols+j]
			}
		}
	}
	vals, _ := jacobiEigen(g, rows)
	slices.SortFunc(vals, func(a, b float64) int {
		switch {
		case a > b:
			return -1
		case a < b:
			return 1
		}
		return 0
	})
	for d := range k {
		if want := math.Sqrt(vals[d]); math.Abs(s[d]-want) > 1e-6*want {
			t.Errorf("singular value %d: %g, want %g", d, s[d], want)
		}
	}
	for a := range k {
		for b := range k {
			var dot float64
			for i := range rows {
				dot += u[i*k+a] * u[i*k+b]
			}
			want := 0.0
			if a == b {
				want = 1
			}
			if math.Abs(dot-want) > 1e-9 {
				t.Errorf("left vectors %d, %d: dot %g", a, b, dot)
			}
		}
	}
}

// charVecCorpus is a small text where 好 and 棒 (and 坏 and 差) are used in
// the same company and never together.
func charVecCorpus() []string {
	var texts []string
	for i := range 60 {
		for _, w := range []string{"好", "棒"} {
			texts = append(texts, "这个东西真"+w+"我很喜欢", "服务态度很"+w+"下次还来")
		}
		for _, w := range []string{"坏", "差"} {
			texts = append(texts, "质量太"+w+"了我要退货", "客服态度"+w+"极了不满意")
		}
		if i%2 == 0 {
			texts = append(texts, "今天 天气 不错")
		}
	}
	return texts
}

// TestTrainCharVectors trains on the small corpus: characters used in the
// same company come out nearest, the vectors are of unit length, and two
// runs give the same bytes.
func TestTrainCharVectors(t *testing.T) {
	cfg := CharVecConfig{Dim: 8, Window: 2, MinCount: 2, MaxChars: 100, MaxBigrams: 50, Alpha: 0.75, Iters: 4, Seed: 3}
	var out [2]bytes.Buffer
	var v *CharVectors
	for k := range out {
		var err error
		v, err = TrainCharVectors(context.Background(), charVecCorpus(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := EncodeCharVectors(&out[k], v); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
		t.Fatal("two trainings gave different vectors")
	}
	if _, err := TrainCharVectors(context.Background(), []string{"一次"}, cfg); err == nil {
		t.Error("a corpus with no character seen MinCount times gave vectors")
	}
	for _, pair := range [][2]string{{"好", "棒"}, {"坏", "差"}} {
		if nn := v.Nearest(pair[0], 1); len(nn) != 1 || nn[0] != pair[1] {
			t.Errorf("nearest to %s: %v, want %s", pair[0], nn, pair[1])
		}
	}
	cos := func(a, b rune) float32 {
		var s float32
		for d, x := range v.row(uint64(a)) {
			s += x * v.row(uint64(b))[d]
		}
		return s
	}
	if cos('好', '棒') < cos('好', '差')+0.3 || cos('差', '坏') < cos('差', '棒')+0.3 {
		t.Errorf("cosines: 好棒 %.2f 好差 %.2f 差坏 %.2f 差棒 %.2f", cos('好', '棒'), cos('好', '差'), cos('差', '坏'), cos('差', '棒'))
	}
	if v.row(uint64(' ')) != nil {
		t.Error("a space got a vector")
	}
	if v.row(bigramKey('真', '好')) == nil {
		t.Error("the bigram 真好 got no vector")
	}
	for k := range v.Len() {
		var n float64
		for _, x := range v.vec[k*v.Dim : (k+1)*v.Dim] {
			n += float64(x) * float64(x)
		}
		if math.Abs(n-1) > 1e-4 {
			t.Fatalf("vector %d has squared length %g", k, n)
		}
	}
}

// TestCharVectorsRoundTrip decodes what EncodeCharVectors wrote to the
// same keys and to values within one int8 step, re-encodes it to the same
// bytes, and refuses cut or foreign files.
func TestCharVectorsRoundTrip(t *testing.T) {
	cfg := CharVecConfig{Dim: 6, Window: 1, MinCount: 2, MaxChars: 100, MaxBigrams: 20, Alpha: 0.75, Iters: 2, Seed: 9}
	v, err := TrainCharVectors(context.Background(), charVecCorpus(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := EncodeCharVectors(&b, v); err != nil {
		t.Fatal(err)
	}
	d, err := DecodeCharVectors(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.keys, v.keys) || d.Dim != v.Dim {
		t.Fatal("keys or dimensions changed")
	}
	for i, x := range v.vec {
		if math.Abs(float64(d.vec[i]-x)) > 0.5/127+1e-6 {
			t.Fatalf("value %d: %g decoded as %g", i, x, d.vec[i])
		}
	}
	var again bytes.Buffer
	if err := EncodeCharVectors(&again, d); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), b.Bytes()) {
		t.Fatal("re-encoding the decoded vectors changed the bytes")
	}
	for _, bad := range [][]byte{nil, b.Bytes()[:10], b.Bytes()[:b.Len()-1], append([]byte("FQLIN003"), b.Bytes()[8:]...)} {
		if _, err := DecodeCharVectors(bad); err == nil {
			t.Errorf("a bad file of %d bytes decoded", len(bad))
		}
	}
}

// TestPool checks mean and max pooling over characters and bigrams on
// hand-made vectors, spaces breaking bigrams, and that it does not
// allocate.
func TestPool(t *testing.T) {
	v := &CharVectors{Dim: 2}
	add := func(k uint64, x, y float32) {
		v.keys = append(v.keys, k)
		v.vec = append(v.vec, x, y)
	}
	// Keys in sorted order: characters below bigrams.
	add(uint64('好'), 1, 0)
	add(uint64('很'), 0, 1)
	add(bigramKey('很', '好'), -1, 3)
	mean, mx := make([]float32, 2), make([]float32, 2)
	if n := v.Pool("很好", mean, mx); n != 3 || mean[0] != 0 || mean[1] != float32(4)/3 || mx[0] != 1 || mx[1] != 3 {
		t.Errorf("很好: n %d mean %v max %v", n, mean, mx)
	}
	if n := v.Pool("很 好x", mean, mx); n != 2 || mean[0] != 0.5 || mean[1] != 0.5 || mx[0] != 1 || mx[1] != 1 {
		t.Errorf("很 好x: n %d mean %v max %v", n, mean, mx)
	}
	if n := v.Pool("没有", mean, mx); n != 0 || mean[0] != 0 || mx[1] != 0 {
		t.Errorf("没有: n %d mean %v max %v", n, mean, mx)
	}
	long := strings.Repeat("很好", 10)
	if a := testing.AllocsPerRun(100, func() { v.Pool(long, mean, mx) }); a != 0 {
		t.Errorf("Pool allocates %v times", a)
	}
}
