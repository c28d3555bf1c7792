package classify

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// linearToy is a small separable problem: feature 1 means yes, feature 2
// means no, feature 3 is noise on both.
func linearToy() (*SparseSet, []int32) {
	var s SparseSet
	var rows []int32
	for i := range 200 {
		yes := i%3 == 0
		f := uint32(2)
		if yes {
			f = 1
		}
		s.Add([]uint32{f, 3, uint32(4 + i%7)}, []float32{1, 1, 0.5}, yes)
		rows = append(rows, int32(i))
	}
	return &s, rows
}

// TestTrainLinearLearnsAndIsDeterministic checks that the trainer separates
// the toy classes and gives the same bytes twice.
func TestTrainLinearLearnsAndIsDeterministic(t *testing.T) {
	s, rows := linearToy()
	cfg := LinearConfig{Bits: 8, Seed: 7, Epochs: 5, LR: 0.1, L2: 1e-4, PosW: 1}
	var enc [2]bytes.Buffer
	for k := range enc {
		m, err := TrainLinear(context.Background(), cfg, s, rows)
		if err != nil {
			t.Fatal(err)
		}
		m.Threshold = 0.4
		if err := EncodeLinear(&enc[k], m); err != nil {
			t.Fatal(err)
		}
		for i := range s.Len() {
			idx, val, y := s.Example(i)
			if got := m.Prob(idx, val) >= 0.5; got != y {
				t.Fatalf("example %d: predicted %v, label %v", i, got, y)
			}
		}
	}
	if !bytes.Equal(enc[0].Bytes(), enc[1].Bytes()) {
		t.Fatal("two trainings gave different weights")
	}
	m, err := DecodeLinear(enc[0].Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(m.W) != 256 || m.Threshold != 0.4 {
		t.Fatalf("decoded %d weights, threshold %v", len(m.W), m.Threshold)
	}
	idx, val, _ := s.Example(0)
	if p := m.Prob(idx, val); p < 0.5 {
		t.Fatalf("decoded model gives %.3f to a yes", p)
	}
}

// TestDecodeLinearRejectsBadInput checks that a corrupt file is an error
// wrapping errBadWeights, never a panic.
func TestDecodeLinearRejectsBadInput(t *testing.T) {
	var good bytes.Buffer
	if err := EncodeLinear(&good, &Linear{W: make([]float32, 16)}); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"empty":     nil,
		"magic":     []byte("FQEMO001xxxxxxxxxxxxxxxxxxxx"),
		"truncated": good.Bytes()[:len(good.Bytes())-3],
		"bits":      append([]byte(linearMagic), 99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
	} {
		if _, err := DecodeLinear(b); !errors.Is(err, errBadWeights) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// FuzzDecodeLinear checks that no input makes the decoder panic.
func FuzzDecodeLinear(f *testing.F) {
	var good bytes.Buffer
	_ = EncodeLinear(&good, &Linear{W: make([]float32, 16), Bias: 1})
	f.Add(good.Bytes())
	f.Add([]byte(linearMagic))
	good.Reset()
	_ = EncodeLinear(&good, &Linear{W: make([]float32, 16), Sources: []string{"jddc"}})
	f.Add(good.Bytes())
	good.Reset()
	_ = EncodeLinear(&good, &Linear{W: make([]float32, 16), Sources: []string{"jddc"}, Stacked: true})
	f.Add(good.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 12 && b[8] > 20 {
			return // a huge table is a valid request; skip the memory
		}
		_, _ = DecodeLinear(b)
	})
}

// TestEmbeddedNegativeLoads checks that the shipped scorer decodes with the
// table size the detector expects.
func TestEmbeddedNegativeLoads(t *testing.T) {
	m, err := LoadEmotion()
	if err != nil {
		t.Fatal(err)
	}
	w, _, thr := m.NegativeWeights()
	if len(w) != 1<<16 || thr <= 0 || thr >= 1 {
		t.Fatalf("embedded scorer: %d weights, threshold %v", len(w), thr)
	}
}

// TestLinearSources checks that a model with its training sources is
// written in the second format and read back with them, and that one
// without keeps the first format.
func TestLinearSources(t *testing.T) {
	m := &Linear{W: make([]float32, 16), Bias: 0.5, Threshold: 0.45, Sources: []string{"jddc", "uss", "jd2"}}
	m.W[3] = 1
	var b bytes.Buffer
	if err := EncodeLinear(&b, m); err != nil {
		t.Fatal(err)
	}
	if got := string(b.Bytes()[:8]); got != linearMagicSources {
		t.Fatalf("magic %q, want %q", got, linearMagicSources)
	}
	d, err := DecodeLinear(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(d.Sources, ",") != "jddc,uss,jd2" || d.Threshold != 0.45 || d.W[3] != 1 {
		t.Fatalf("decoded sources %q, threshold %v, w[3] %v", d.Sources, d.Threshold, d.W[3])
	}
	for cut := 8; cut < 8+16+2+len("jddc,uss,jd2"); cut++ {
		if _, err := DecodeLinear(b.Bytes()[:cut]); !errors.Is(err, errBadWeights) {
			t.Fatalf("cut at %d: err %v, want errBadWeights", cut, err)
		}
	}
	m.Sources = nil
	b.Reset()
	if err := EncodeLinear(&b, m); err != nil {
		t.Fatal(err)
	}
	if got := string(b.Bytes()[:8]); got != linearMagic {
		t.Fatalf("magic %q without sources, want %q", got, linearMagic)
	}
}

// TestLinearStacked checks that a stacked model is written in the stacked
// format, with or without sources, and read back stacked; that a cut or a
// wrong flags byte is an error; and that the other formats read as not
// stacked.
func TestLinearStacked(t *testing.T) {
	for _, src := range [][]string{{"jddc", "uss", "jd2", "jddev", "jd3"}, nil} {
		m := &Linear{W: make([]float32, 16), Bias: -0.5, Threshold: 0.42, Sources: src, Stacked: true}
		m.W[5] = 2
		var b bytes.Buffer
		if err := EncodeLinear(&b, m); err != nil {
			t.Fatal(err)
		}
		if got := string(b.Bytes()[:8]); got != linearMagicStacked {
			t.Fatalf("magic %q, want %q", got, linearMagicStacked)
		}
		d, err := DecodeLinear(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if !d.Stacked || strings.Join(d.Sources, ",") != strings.Join(src, ",") || d.Threshold != 0.42 || d.W[5] != 2 {
			t.Fatalf("decoded stacked %v, sources %q, threshold %v, w[5] %v", d.Stacked, d.Sources, d.Threshold, d.W[5])
		}
		hdr := 8 + 16 + 2 + len(strings.Join(src, ","))
		for cut := 8; cut <= hdr; cut++ {
			if _, err := DecodeLinear(b.Bytes()[:cut]); !errors.Is(err, errBadWeights) {
				t.Fatalf("cut at %d: err %v, want errBadWeights", cut, err)
			}
		}
		bad := append([]byte(nil), b.Bytes()...)
		bad[hdr] = 7
		if _, err := DecodeLinear(bad); !errors.Is(err, errBadWeights) {
			t.Fatalf("flags 7: err %v, want errBadWeights", err)
		}
	}
	var b bytes.Buffer
	if err := EncodeLinear(&b, &Linear{W: make([]float32, 16), Sources: []string{"jddc"}}); err != nil {
		t.Fatal(err)
	}
	if d, err := DecodeLinear(b.Bytes()); err != nil || d.Stacked {
		t.Fatalf("sources format: stacked %v, err %v", d != nil && d.Stacked, err)
	}
}
