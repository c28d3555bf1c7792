package classify

import (
	"bytes"
	"context"
	_ "embed" // for the embedded conversation-ending weights
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// Softmax is a multinomial logistic regression over hashed features: one
// weight table and bias a class. It is the learned conversation-ending
// classifier (resolved / pending / unresolved) of the resolution detector:
// as with Linear, internal/detect computes the features, internal/eval
// trains the weights on the reviewers' labels and they are embedded here.
// Threshold and OrRules are the one decision it ships with: a chat is
// unresolved when the probability of class Unresolved reaches Threshold,
// or when the resolution rules say so for a reason whose bit is in
// OrRules (the reasons as internal/detect numbers them). It is read-only
// after loading.
type Softmax struct {
	K          int       // classes
	Bits       int       // log2 of one class's table size
	W          []float32 // K tables of 1<<Bits weights, class after class
	Bias       []float32 // one a class
	Threshold  float32   // probability of the Unresolved class from which a chat is unresolved
	OrRules    uint32    // bit r set: the rules' verdict for reason r also makes a chat unresolved
	Unresolved int       // the class the threshold is about
	// Steps and Scale are W as the weights file stores it, W[i] being
	// float32(Steps[i]) * Scale (see Linear.Steps); nil for a model not
	// read from a file.
	Steps []int16
	Scale float32
}

// Probs writes the class probabilities of an example given as bucket
// indices and values to p (len K).
func (m *Softmax) Probs(idx []uint32, val []float32, p []float32) {
	n := 1 << m.Bits
	mx := float32(math.Inf(-1))
	for c := range m.K {
		z := m.Bias[c]
		w := m.W[c*n : (c+1)*n]
		for k, b := range idx {
			z += w[b] * val[k]
		}
		p[c] = z
		mx = max(mx, z)
	}
	var sum float32
	for c := range m.K {
		p[c] = float32(math.Exp(float64(p[c] - mx)))
		sum += p[c]
	}
	for c := range m.K {
		p[c] /= sum
	}
}

// MultiSet holds many hashed examples with class labels for training a
// Softmax model.
type MultiSet = exampleSet[int]

// SoftmaxConfig holds the training hyper-parameters of a Softmax model.
type SoftmaxConfig struct {
	K      int     // classes
	Bits   int     // log2 of one class's table size
	Seed   uint64  // shuffling seed: same data and seed, same model
	Epochs int     // passes over the data
	LR     float32 // AdaGrad step size
	L2     float32 // L2 penalty on the weights an example touches
	// ClassW weighs each class's examples (nil: all 1), so a rare class
	// is not drowned by the common ones.
	ClassW []float32
}

// TrainSoftmax fits a Softmax model on the given rows of s by AdaGrad on
// the cross-entropy loss. It is deterministic. The result has no decision
// threshold yet (1, never reached); the caller sets the one it chose.
func TrainSoftmax(ctx context.Context, cfg SoftmaxConfig, s *MultiSet, rows []int32) (*Softmax, error) {
	n := 1 << cfg.Bits
	m := &Softmax{K: cfg.K, Bits: cfg.Bits, W: make([]float32, cfg.K*n), Bias: make([]float32, cfg.K), Threshold: 1}
	g2 := make([]float32, cfg.K*n)
	gb := make([]float32, cfg.K)
	p := make([]float32, cfg.K)
	order := make([]int32, len(rows))
	r := rng{s: cfg.Seed}
	for ep := range cfg.Epochs {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("train epoch %d: %w", ep+1, err)
		}
		copy(order, rows)
		r.shuffle(order)
		for _, i := range order {
			idx, val, y := s.Example(int(i))
			m.Probs(idx, val, p)
			w := float32(1)
			if cfg.ClassW != nil {
				w = cfg.ClassW[y]
			}
			for c := range cfg.K {
				g := p[c]
				if c == y {
					g--
				}
				g *= w
				gb[c] += g * g
				if gb[c] > 0 {
					m.Bias[c] -= cfg.LR * g / float32(math.Sqrt(float64(gb[c])))
				}
				adagradFeatures(m.W[c*n:(c+1)*n], g2[c*n:(c+1)*n], idx, val, g, cfg.LR, cfg.L2)
			}
		}
	}
	return m, nil
}

// The Softmax weights file: magic, little-endian uint32 bits, classes,
// unresolved class and the rule reasons OR-ed in, float32 scale and threshold, the biases,
// then the int16 tables (writeInt16Table). The first format, whose
// tables are deflated, is still read.
const (
	softmaxMagic         = "FQSMX002"
	softmaxMagicDeflated = "FQSMX001"
)

// EncodeSoftmax writes m quantised to 16 bits a weight. Equal models give
// equal bytes.
func EncodeSoftmax(w io.Writer, m *Softmax) error {
	if len(m.W) != m.K<<m.Bits || len(m.Bias) != m.K {
		return fmt.Errorf("encode softmax model: %d weights and %d biases for %d classes of %d bits", len(m.W), len(m.Bias), m.K, m.Bits)
	}
	scale := quantScale(m.W)
	var hdr bytes.Buffer
	hdr.WriteString(softmaxMagic)
	for _, v := range []any{uint32(m.Bits), uint32(m.K), uint32(m.Unresolved), m.OrRules, scale, m.Threshold, m.Bias} {
		_ = binary.Write(&hdr, binary.LittleEndian, v)
	}
	if _, err := w.Write(hdr.Bytes()); err != nil {
		return fmt.Errorf("write softmax header: %w", err)
	}
	if err := writeInt16Table(w, m.W, scale); err != nil {
		return fmt.Errorf("write softmax weights: %w", err)
	}
	return nil
}

// DecodeSoftmax reads a model written by EncodeSoftmax.
func DecodeSoftmax(b []byte) (*Softmax, error) {
	const fixed = 8 + 6*4
	if len(b) < fixed || string(b[:8]) != softmaxMagic && string(b[:8]) != softmaxMagicDeflated {
		return nil, fmt.Errorf("%w: softmax model: missing header", errBadWeights)
	}
	u := func(off int) uint32 { return binary.LittleEndian.Uint32(b[off:]) }
	f := func(off int) float32 { return math.Float32frombits(u(off)) }
	bits, k, unres, flags := u(8), u(12), u(16), u(20)
	if bits == 0 || bits > 24 || k < 2 || k > 16 || unres >= k {
		return nil, fmt.Errorf("%w: softmax model: %d bits, %d classes, class %d", errBadWeights, bits, k, unres)
	}
	hdrLen := fixed + 4*int(k)
	if len(b) < hdrLen {
		return nil, fmt.Errorf("%w: softmax model: short header", errBadWeights)
	}
	scale := f(24)
	m := &Softmax{K: int(k), Bits: int(bits), Unresolved: int(unres), OrRules: flags, Threshold: f(28),
		Bias: make([]float32, k), W: make([]float32, int(k)<<bits), Steps: make([]int16, int(k)<<bits), Scale: scale}
	for c := range m.Bias {
		m.Bias[c] = f(fixed + 4*c)
	}
	if err := readInt16Table(b[hdrLen:], m.W, m.Steps, scale, string(b[:8]) == softmaxMagicDeflated); err != nil {
		return nil, fmt.Errorf("%w: softmax model: %w", errBadWeights, err)
	}
	return m, nil
}

//go:embed ending.weights
var embeddedEnding []byte

// EndingWeights returns the learned conversation-ending classifier
// embedded with the model (detect's endingWeights): its tables (class
// after class, 1<<bits each), biases, the unresolved class, and the
// decision (threshold on that class's probability, the rule reasons OR-ed in); a
// nil table when the binary carries none.
func (m *Emotion) EndingWeights() (w, bias []float32, bits, unresolved int, threshold float32, orRules uint32) {
	if m.end == nil {
		return nil, nil, 0, 0, 0, 0
	}
	e := m.end
	return e.W, e.Bias, e.Bits, e.Unresolved, e.Threshold, e.OrRules
}

// EndingSteps returns the ending classifier's tables as the int16 steps
// and scale its file stores (EndingWeights' tables are each step times
// the scale), so that detect need not recover them from the floats; nil
// when the binary carries none.
func (m *Emotion) EndingSteps() ([]int16, float32) {
	if m.end == nil {
		return nil, 0
	}
	return m.end.Steps, m.end.Scale
}
