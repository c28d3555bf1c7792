package classify

import (
	"bytes"
	"context"
	_ "embed" // for the embedded negative-emotion weights
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"
)

// Linear is a binary logistic regression over hashed features, with the
// decision threshold chosen for it. It is the learned per-message
// negative-emotion scorer of the emotion detector: the features are
// computed by internal/detect (so that training and scanning see exactly
// the same), the weights are trained by internal/eval on the reviewers'
// labels and embedded here. It is read-only after loading.
type Linear struct {
	W         []float32 // one weight a bucket; the length is a power of two
	Bias      float32
	Threshold float32 // probability from which the answer is yes
	// Sources names the labelled sources the weights were trained on
	// ("jddc", "uss", "jd2"), so a shipped file says what it learned
	// from; empty for files of the first format.
	Sources []string
	// Stacked says how the detector decides with the model: the rules'
	// verdict is one more feature (the caller's rule bucket, value 1 when
	// the rules say yes) and the score alone decides, so it can overrule
	// a rule's false alarm; false: the rules' yes, or the score.
	Stacked bool
	// Steps and Scale are the table as a weights file stores it, W[i]
	// being float32(Steps[i]) * Scale: a scorer that keeps the int16
	// steps (half the bytes, more of the table in the cache) takes them
	// as they were read. Steps is nil for a model not read from a file.
	Steps []int16
	Scale float32
}

// Prob returns the model's probability for an example given as bucket
// indices and values.
func (l *Linear) Prob(idx []uint32, val []float32) float32 {
	z := l.Bias
	for k, b := range idx {
		z += l.W[b] * val[k]
	}
	return float32(1 / (1 + math.Exp(-float64(z))))
}

// SparseSet holds many hashed examples with yes/no labels for training
// a Linear model.
type SparseSet = exampleSet[bool]

// LinearConfig holds the training hyper-parameters of a Linear model.
type LinearConfig struct {
	Bits   int     // log2 of the table size
	Seed   uint64  // shuffling seed: same data and seed, same model
	Epochs int     // passes over the data
	LR     float32 // AdaGrad step size
	L2     float32 // L2 penalty on the weights an example touches
	PosW   float32 // weight of a positive example (negatives weigh 1)
	// Hidden, when not 0, asks for an MLP with that many hidden units
	// beside the linear part (same step, L2 and epochs; TrainMLP): a
	// measurement only (the seventeenth session's seventh comparison),
	// so TrainLinear refuses it rather than train something else.
	Hidden int
}

// TrainLinear fits a Linear model on the given rows of s by AdaGrad on the
// logistic loss. It is deterministic. The threshold of the result is 0.5;
// the caller sets the one it chose.
func TrainLinear(ctx context.Context, cfg LinearConfig, s *SparseSet, rows []int32) (*Linear, error) {
	if cfg.Hidden != 0 {
		return nil, fmt.Errorf("train linear: %d hidden units asked for (a hidden layer is TrainMLP's, measured, never shipped)", cfg.Hidden)
	}
	n := 1 << cfg.Bits
	l := &Linear{W: make([]float32, n), Threshold: 0.5}
	g2 := make([]float32, n)
	var gb float32
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
			p := l.Prob(idx, val)
			g, w := p, float32(1)
			if y {
				g, w = p-1, cfg.PosW
			}
			g *= w
			gb += g * g
			l.Bias -= cfg.LR * g / float32(math.Sqrt(float64(gb)))
			adagradFeatures(l.W, g2, idx, val, g, cfg.LR, cfg.L2)
		}
	}
	return l, nil
}

// adagradFeatures takes one AdaGrad step on the weights w of the features
// idx (values val) of an example whose loss has gradient g with respect to
// its score, with the L2 penalty l2 on those weights; g2 holds each weight's
// sum of squared gradients. Linear and Softmax (one class's table at a
// time) share it, so both learners step the same way.
func adagradFeatures(w, g2 []float32, idx []uint32, val []float32, g, lr, l2 float32) {
	for k, b := range idx {
		grad := g*val[k] + l2*w[b]
		if grad == 0 {
			continue
		}
		g2[b] += grad * grad
		w[b] -= lr * grad / float32(math.Sqrt(float64(g2[b])))
	}
}

// The Linear weights file: magic, little-endian uint32 bits, float32
// scale, bias and threshold, then the int16 table (writeInt16Table). The
// formats with sources (a model with Sources) put a uint16 length and the
// sources, comma-separated, between the header and the table; the stacked
// format (a Stacked model) puts one flags byte after them (bit 0:
// stacked). The first two formats, whose tables are deflated, are still
// read.
const (
	linearMagic        = "FQLIN003"
	linearMagicSources = "FQLIN004"
	linearMagicStacked = "FQLIN005"

	linearFlagStacked = 1

	linearMagicDeflated        = "FQLIN001"
	linearMagicSourcesDeflated = "FQLIN002"
)

// EncodeLinear writes l quantised to 16 bits a weight. Equal models give
// equal bytes. A model without Sources is written in the format without
// them, a Stacked one in the stacked format.
func EncodeLinear(w io.Writer, l *Linear) error {
	bits := 0
	for 1<<bits < len(l.W) {
		bits++
	}
	if 1<<bits != len(l.W) {
		return fmt.Errorf("encode linear model: %d weights is not a power of two", len(l.W))
	}
	scale := quantScale(l.W)
	var hdr bytes.Buffer
	src := strings.Join(l.Sources, ",")
	if len(src) > math.MaxUint16 {
		return fmt.Errorf("encode linear model: %d bytes of sources", len(src))
	}
	switch {
	case l.Stacked:
		hdr.WriteString(linearMagicStacked)
	case src == "":
		hdr.WriteString(linearMagic)
	default:
		hdr.WriteString(linearMagicSources)
	}
	for _, v := range []any{uint32(bits), scale, l.Bias, l.Threshold} {
		_ = binary.Write(&hdr, binary.LittleEndian, v)
	}
	if src != "" || l.Stacked {
		_ = binary.Write(&hdr, binary.LittleEndian, uint16(len(src)))
		hdr.WriteString(src)
	}
	if l.Stacked {
		hdr.WriteByte(linearFlagStacked)
	}
	if _, err := w.Write(hdr.Bytes()); err != nil {
		return fmt.Errorf("write linear header: %w", err)
	}
	if err := writeInt16Table(w, l.W, scale); err != nil {
		return fmt.Errorf("write linear weights: %w", err)
	}
	return nil
}

// DecodeLinear reads a model written by EncodeLinear.
func DecodeLinear(b []byte) (*Linear, error) {
	const fixedLen = 8 + 4*4
	var magic string
	if len(b) >= fixedLen {
		magic = string(b[:8])
	}
	stacked := magic == linearMagicStacked
	withSources := stacked || magic == linearMagicSources || magic == linearMagicSourcesDeflated
	deflated := magic == linearMagicDeflated || magic == linearMagicSourcesDeflated
	if !withSources && !deflated && magic != linearMagic {
		return nil, fmt.Errorf("%w: linear model: missing header", errBadWeights)
	}
	hdrLen := fixedLen
	var sources []string
	if withSources {
		if len(b) < fixedLen+2 {
			return nil, fmt.Errorf("%w: linear model: missing sources", errBadWeights)
		}
		n := int(binary.LittleEndian.Uint16(b[fixedLen:]))
		if len(b) < fixedLen+2+n {
			return nil, fmt.Errorf("%w: linear model: sources cut short", errBadWeights)
		}
		if n > 0 {
			sources = strings.Split(string(b[fixedLen+2:fixedLen+2+n]), ",")
		}
		hdrLen = fixedLen + 2 + n
	}
	if stacked {
		if len(b) < hdrLen+1 {
			return nil, fmt.Errorf("%w: linear model: missing flags", errBadWeights)
		}
		if f := b[hdrLen]; f != linearFlagStacked {
			return nil, fmt.Errorf("%w: linear model: flags %#x", errBadWeights, f)
		}
		hdrLen++
	}
	bits := binary.LittleEndian.Uint32(b[8:])
	if bits == 0 || bits > 24 {
		return nil, fmt.Errorf("%w: linear model: %d bits", errBadWeights, bits)
	}
	f := func(off int) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(b[off:])) }
	scale := f(12)
	l := &Linear{Bias: f(16), Threshold: f(20), W: make([]float32, 1<<bits), Sources: sources, Stacked: stacked, Steps: make([]int16, 1<<bits), Scale: scale}
	if err := readInt16Table(b[hdrLen:], l.W, l.Steps, scale, deflated); err != nil {
		return nil, fmt.Errorf("%w: linear model: %w", errBadWeights, err)
	}
	return l, nil
}

//go:embed negative.weights
var embeddedNegative []byte

// NegativeWeights returns the learned negative-emotion scorer embedded
// with the model (detect's negativeWeights): its table, bias and
// threshold; a nil table when the binary carries none.
func (m *Emotion) NegativeWeights() ([]float32, float32, float32) {
	if m.neg == nil {
		return nil, 0, 0
	}
	return m.neg.W, m.neg.Bias, m.neg.Threshold
}

// NegativeStacked reports whether the negative-emotion scorer decides
// stacked (Linear.Stacked): the rules' verdict one of its features, its
// score alone deciding.
func (m *Emotion) NegativeStacked() bool { return m.neg != nil && m.neg.Stacked }

// NegativeSteps returns the negative-emotion scorer's table as the int16
// steps and scale its file stores (NegativeWeights' table is each step
// times the scale), so that detect need not recover them from the floats;
// nil when the binary carries none.
func (m *Emotion) NegativeSteps() ([]int16, float32) {
	if m.neg == nil {
		return nil, 0
	}
	return m.neg.Steps, m.neg.Scale
}

//go:embed threat.weights
var embeddedThreat []byte

// LoadThreat returns the learned customer-threat scorer embedded in the
// binary (written by `fullqa train threat` from the training-only
// synthetic conversations in traindata/), with its threshold. The threat
// detector adds its findings to the rules' (internal/detect/threatscore.go).
func LoadThreat() (*Linear, error) {
	l, err := DecodeLinear(embeddedThreat)
	if err != nil {
		return nil, fmt.Errorf("threat scorer: %w", err)
	}
	return l, nil
}
