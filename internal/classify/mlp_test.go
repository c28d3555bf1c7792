package classify

import (
	"context"
	"slices"
	"testing"
)

// xorSet is the exclusive-or of two features, each example given many
// times: a linear score cannot separate it, a hidden layer can.
func xorSet() (*SparseSet, []int32) {
	s := &SparseSet{}
	var rows []int32
	for rep := 0; rep < 50; rep++ {
		for _, c := range []struct {
			idx []uint32
			y   bool
		}{{[]uint32{0}, false}, {[]uint32{0, 1}, true}, {[]uint32{0, 2}, true}, {[]uint32{0, 1, 2}, false}} {
			val := make([]float32, len(c.idx))
			for i := range val {
				val[i] = 1
			}
			rows = append(rows, int32(s.Len()))
			s.Add(c.idx, val, c.y)
		}
	}
	return s, rows
}

// prober is what the test reads of a trained model.
type prober interface {
	Prob(idx []uint32, val []float32) float32
}

// TestMLPLearnsInteraction: the hidden units learn what the linear model
// cannot (exclusive-or), which is what they were measured for.
func TestMLPLearnsInteraction(t *testing.T) {
	s, rows := xorSet()
	cfg := LinearConfig{Bits: 4, Seed: 7, Epochs: 60, LR: 0.2, PosW: 1}
	right := func(m prober) int {
		n := 0
		for i := 0; i < 4; i++ {
			idx, val, y := s.Example(i)
			if (m.Prob(idx, val) >= 0.5) == y {
				n++
			}
		}
		return n
	}
	lin, err := TrainLinear(context.Background(), cfg, s, rows)
	if err != nil {
		t.Fatal(err)
	}
	if right(lin) == 4 {
		t.Fatal("a linear model separated exclusive-or: the test proves nothing")
	}
	cfg.Hidden = 8
	mlp, err := TrainMLP(context.Background(), MLPConfig{LinearConfig: cfg, Init: 0.05}, s, rows)
	if err != nil {
		t.Fatal(err)
	}
	if got := right(mlp); got != 4 {
		t.Errorf("MLP right on %d of 4 exclusive-or cases, want 4", got)
	}
}

// TestTrainMLPDeterministic: the same data and seed give the same model.
func TestTrainMLPDeterministic(t *testing.T) {
	s, rows := xorSet()
	cfg := MLPConfig{LinearConfig: LinearConfig{Bits: 4, Seed: 3, Epochs: 5, LR: 0.1, PosW: 1, Hidden: 4}, Init: 0.05}
	a, err := TrainMLP(context.Background(), cfg, s, rows)
	if err != nil {
		t.Fatal(err)
	}
	b, err := TrainMLP(context.Background(), cfg, s, rows)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Hid, b.Hid) || !slices.Equal(a.Lin, b.Lin) || !slices.Equal(a.Out, b.Out) || !slices.Equal(a.HB, b.HB) || a.Bias != b.Bias {
		t.Error("two trainings on the same data and seed differ")
	}
}

// TestHiddenRefused: TrainLinear never trains something else than asked,
// and an MLP needs hidden units.
func TestHiddenRefused(t *testing.T) {
	s, rows := xorSet()
	if _, err := TrainLinear(context.Background(), LinearConfig{Bits: 4, Epochs: 1, LR: 0.1, Hidden: 2}, s, rows); err == nil {
		t.Error("TrainLinear with hidden units: want an error")
	}
	if _, err := TrainMLP(context.Background(), MLPConfig{LinearConfig: LinearConfig{Bits: 4, Epochs: 1, LR: 0.1}}, s, rows); err == nil {
		t.Error("TrainMLP without hidden units: want an error")
	}
}
