package classify

import (
	"context"
	"fmt"
	"math"
)

// MLP is a binary classifier over hashed features with one hidden layer
// beside a linear part: z = bias + Σ lin[b]·v + Σ_j out[j]·relu(hb[j] +
// Σ hid[b·H+j]·v). The linear part is Linear's; the hidden units let it
// weigh a feature by what else the message holds (a weak cue in a heated
// chat), which a linear score cannot. It was measured against the shipped
// linear scorers (`fullqa eval negative|promise --hidden N`, the README's
// seventh comparison) and lost on chats of sources it never saw, so
// nothing ships with it and it has no weights file.
type MLP struct {
	Bits int       // log2 of the number of buckets
	H    int       // hidden units
	Lin  []float32 // one weight a bucket
	Hid  []float32 // H weights a bucket
	HB   []float32 // H hidden biases
	Out  []float32 // H output weights
	Bias float32
	// Threshold is the probability from which the answer is yes.
	Threshold float32
}

// MLPConfig holds the training hyper-parameters of an MLP: the linear
// part's (its Hidden is the number of hidden units) and the half-width of
// the uniform initial hidden weights.
type MLPConfig struct {
	LinearConfig
	Init float32
}

// Prob returns the model's probability for an example.
func (m *MLP) Prob(idx []uint32, val []float32) float32 {
	z := m.forward(idx, val, make([]float32, m.H))
	return float32(1 / (1 + math.Exp(-float64(z))))
}

// forward returns the score, leaving the hidden units' pre-activations in
// act (H long), which training reads back.
func (m *MLP) forward(idx []uint32, val []float32, act []float32) float32 {
	h := m.H
	copy(act, m.HB)
	z := m.Bias
	for k, b := range idx {
		v := val[k]
		z += m.Lin[b] * v
		row := m.Hid[int(b)*h : int(b)*h+h]
		for j := range act {
			act[j] += row[j] * v
		}
	}
	for j, a := range act {
		if a > 0 {
			z += m.Out[j] * a
		}
	}
	return z
}

// TrainMLP fits an MLP on the given rows of s by AdaGrad on the logistic
// loss. It is deterministic.
func TrainMLP(ctx context.Context, cfg MLPConfig, s *SparseSet, rows []int32) (*MLP, error) {
	n, h := 1<<cfg.Bits, cfg.Hidden
	if h <= 0 {
		return nil, fmt.Errorf("train mlp: %d hidden units", h)
	}
	m := &MLP{Bits: cfg.Bits, H: h, Lin: make([]float32, n), Hid: make([]float32, n*h), HB: make([]float32, h), Out: make([]float32, h), Threshold: 0.5}
	r := rng{s: cfg.Seed ^ 0x6d6c70}
	for i := range m.Hid {
		m.Hid[i] = (float32(r.next()>>40)/float32(1<<24)*2 - 1) * cfg.Init
	}
	for j := range m.Out {
		m.Out[j] = (float32(r.next()>>40)/float32(1<<24)*2 - 1) * 0.1
		m.HB[j] = 0.01
	}
	gLin := make([]float32, n)
	gHid := make([]float32, n*h)
	gHB := make([]float32, h)
	gOut := make([]float32, h)
	var gb float32
	act := make([]float32, h)
	order := make([]int32, len(rows))
	for ep := range cfg.Epochs {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("train epoch %d: %w", ep+1, err)
		}
		copy(order, rows)
		r.shuffle(order)
		for _, i := range order {
			idx, val, y := s.Example(int(i))
			z := m.forward(idx, val, act)
			p := float32(1 / (1 + math.Exp(-float64(z))))
			g, w := p, float32(1)
			if y {
				g, w = p-1, cfg.PosW
			}
			g *= w
			gb += g * g
			m.Bias -= cfg.LR * g / float32(math.Sqrt(float64(gb)))
			adagradFeatures(m.Lin, gLin, idx, val, g, cfg.LR, cfg.L2)
			for j, a := range act {
				if a <= 0 {
					continue
				}
				ga := g * a
				gOut[j] += ga * ga
				dj := g * m.Out[j]
				m.Out[j] -= cfg.LR * ga / float32(math.Sqrt(float64(gOut[j])))
				gHB[j] += dj * dj
				m.HB[j] -= cfg.LR * dj / float32(math.Sqrt(float64(gHB[j])))
				for k, b := range idx {
					q := int(b)*h + j
					grad := dj*val[k] + cfg.L2*m.Hid[q]
					if grad == 0 {
						continue
					}
					gHid[q] += grad * grad
					m.Hid[q] -= cfg.LR * grad / float32(math.Sqrt(float64(gHid[q])))
				}
			}
		}
	}
	return m, nil
}
