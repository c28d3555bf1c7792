package classify

import (
	"bytes"
	_ "embed" // for the embedded weights
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// Label is an emotion class of a customer message. The zero value is Neutral
// so that a message nobody scored reads as "nothing to report".
type Label uint8

// The emotion classes. Their order is the order of the model's outputs and of
// the rows and columns of Metrics.Confusion.
const (
	Neutral Label = iota
	Negative
	Positive
)

// String returns the class name used in reports and the CLI.
func (l Label) String() string {
	switch l {
	case Neutral:
		return "neutral"
	case Negative:
		return "negative"
	case Positive:
		return "positive"
	}
	return fmt.Sprintf("Label(%d)", uint8(l))
}

// Context is what the classifier sees of one customer message. The customer's
// mood depends on what they are answering: "好的" after an apology is content,
// "？" after a refusal is not, so the agent text before the message and the
// customer's previous message are part of the input.
type Context struct {
	// Text is the customer message, raw text.
	Text string
	// PrevAgent is the agent's text just before the message: the most recent
	// run of consecutive agent messages before it, joined with spaces, even
	// when other customer messages came in between; "" if the agent has not
	// spoken yet. ContextsOf builds it this way.
	PrevAgent string
	// PrevCustomer is the customer's previous message, "" if none.
	PrevCustomer string
}

// Turn is one message of a conversation as ContextsOf reads it.
type Turn struct {
	Agent bool // true for the agent (or bot), false for the customer
	Text  string
}

// ContextsOf builds the Context of every customer turn of a conversation the
// way the model was trained, so callers need not re-derive the rules. The
// result has one entry per turn; entries of agent turns are zero.
func ContextsOf(turns []Turn) []Context {
	out := make([]Context, len(turns))
	var agent, prevCustomer string
	for i, t := range turns {
		if t.Agent {
			if i > 0 && turns[i-1].Agent {
				agent += " " + t.Text
			} else {
				agent = t.Text
			}
			continue
		}
		out[i] = Context{Text: t.Text, PrevAgent: agent, PrevCustomer: prevCustomer}
		prevCustomer = t.Text
	}
	return out
}

// Emotion is a trained emotion model. It is read-only after loading and so
// safe for concurrent use.
type Emotion struct {
	lex   *lexicon
	tbl   *weightTable // per bucket, the int16 weights of the classes
	sigs  *sigRows     // the rows of the common signals, copied out of tbl
	uni   *uniRows     // the rows of the common unigrams, copied out of tbl
	scale float32      // weight = int16 value × scale
	bias  [nClasses]float32
	neg   *Linear  // the learned negative-emotion scorer (negative.weights), nil if none
	end   *Softmax // the learned conversation-ending classifier (ending.weights), nil if none
}

//go:embed emotion.weights
var embeddedWeights []byte

// LoadEmotion decodes the weights embedded in the binary, with the learned
// negative-emotion scorer trained on top of them (see NegativeWeights). It is the only
// model the product needs at run time; call it once and share the result.
func LoadEmotion() (*Emotion, error) {
	m, err := decodeEmotion(embeddedWeights)
	if err != nil {
		return nil, fmt.Errorf("load embedded emotion weights: %w", err)
	}
	if len(embeddedNegative) > 0 {
		if m.neg, err = DecodeLinear(embeddedNegative); err != nil {
			return nil, fmt.Errorf("load embedded negative-emotion weights: %w", err)
		}
	}
	if len(embeddedEnding) > 0 {
		if m.end, err = DecodeSoftmax(embeddedEnding); err != nil {
			return nil, fmt.Errorf("load embedded conversation-ending weights: %w", err)
		}
	}
	return m, nil
}

// weightTable holds the quantised weights bucket by bucket, the classes of
// a bucket as three little-endian 16-bit values in Label order, as the
// weights file stores them but biased: each holds its int16 weight q as
// the uint16 q + 2^15 (q's bits XOR 0x8000), the form lanes sums (see
// rowBias), so that scoring reads a row ready to add, an XOR a row
// fewer; row takes the bias off. Six bytes a bucket make the table 384
// KiB rather than the 512 of a uint64 a bucket: scoring reads it at
// random, and in a scan it shares the cache with every detector's
// tables, so the smaller it is the more of it stays there. Two bytes of
// padding let a bucket be read as one unaligned uint64.
type weightTable [bucketBytes*nBuckets + 2]byte

// bucketBytes is the size of one bucket's weights.
const bucketBytes = 2 * nClasses

// row returns bucket b's weights packed low to high in a uint64, 16 bits
// a class (the top 16 bits are the next bucket's and must be ignored).
func (t *weightTable) row(b uint32) uint64 {
	return binary.LittleEndian.Uint64(t[bucketBytes*(b&(nBuckets-1)):]) ^ rowBias
}

// set stores weight w of class k in bucket b.
func (t *weightTable) set(b uint32, k int, w int16) {
	binary.LittleEndian.PutUint16(t[bucketBytes*b+2*uint32(k):], uint16(w)^0x8000)
}

// flipBias turns the weights of b, a table's bytes as the weights file
// stores them (int16 weights), into the table's biased form, or back:
// XOR 0x8000 is its own inverse.
func flipBias(b []byte) {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := b[i : i+8 : i+8]
		binary.LittleEndian.PutUint64(w, binary.LittleEndian.Uint64(w)^0x8000_8000_8000_8000)
	}
	for ; i+2 <= len(b); i += 2 {
		binary.LittleEndian.PutUint16(b[i:], binary.LittleEndian.Uint16(b[i:])^0x8000)
	}
}

// weight returns the quantised weight of class k in bucket b.
func (m *Emotion) weight(b uint32, k int) int16 { return int16(m.tbl.row(b) >> (16 * k)) }

// Probs returns the probabilities of Neutral, Negative and Positive, in that
// order.
func (m *Emotion) Probs(c Context) [3]float32 { return m.probs(c, nil) }

// probs is Probs with an optional memo of the previous message's cues.
func (m *Emotion) probs(c Context, memo *cueMemo) [3]float32 {
	p0, p1, p2 := m.probs3(&c, memo)
	return [3]float32{p0, p1, p2}
}

// probs3 is probs with the probabilities returned in registers, for
// score.
func (m *Emotion) probs3(c *Context, memo *cueMemo) (p0, p1, p2 float32) {
	a := acc{memo: memo}
	a.use(m)
	a.extract(c, false)
	// The biases added class by class, written out as endNS's sums.
	return softmax3(a.logit[0]+m.bias[0], a.logit[1]+m.bias[1], a.logit[2]+m.bias[2])
}

// use sets a to score with m (scoring mode), the biases left to the
// caller.
func (a *acc) use(m *Emotion) {
	// Set field by field: a literal was built aside and copied in
	// (eighteen moves a message).
	a.lex, a.tbl, a.sigs, a.uni, a.scale = m.lex, m.tbl, m.sigs, m.uni, m.scale
}

// Predict returns the most probable label of the message and its probability.
// It does not allocate, so scoring whole archives stays cheap.
func (m *Emotion) Predict(c Context) (Label, float32) {
	p := m.Probs(c)
	best := 0
	for k := 1; k < nClasses; k++ {
		if p[k] > p[best] {
			best = k
		}
	}
	return Label(best), p[best]
}

// softmax turns logits into probabilities. The three classes are
// written out, not looped over: the same operations in the same order
// (the largest logit, each term, their sum from the first, each
// quotient), with the values in registers rather than arrays
// (FuzzSoftmaxMatchesRef holds it to the loops).
func softmax(z [nClasses]float32) [nClasses]float32 {
	const _ = uint(nClasses-3) + uint(3-nClasses) // three classes, or this fails to compile
	p0, p1, p2 := softmax3(z[0], z[1], z[2])
	return [nClasses]float32{p0, p1, p2}
}

// softmax3 is softmax of the logits z0, z1, z2, taken and given in
// registers: Go passes an array of three on the stack.
func softmax3(z0, z1, z2 float32) (float32, float32, float32) {
	mx := max(max(z0, z1), z2)
	// The largest logit's term is exp(0), exactly 1
	// (TestSoftmaxMatchesRef): one call of three saved.
	p0, p1, p2 := float32(1), float32(1), float32(1)
	if z0 != mx {
		p0 = float32(math.Exp(float64(z0 - mx)))
	}
	if z1 != mx {
		p1 = float32(math.Exp(float64(z1 - mx)))
	}
	if z2 != mx {
		p2 = float32(math.Exp(float64(z2 - mx)))
	}
	var sum float32
	sum += p0
	sum += p1
	sum += p2
	return p0 / sum, p1 / sum, p2 / sum
}

// The weights file: magic, then little-endian uint32 hash bits, float32
// scale, three float32 biases, then the int16 table (bucket-major,
// classes in Label order) as it is: four in five of its weights are not
// 0, so the sparse form of the other tables (appendSparse) would save
// little, and the table is copied in at start-up rather than inflated
// (40 million instructions in the first format, whose table is
// deflated, still read).
const (
	weightsMagic         = "FQEMO002"
	weightsMagicDeflated = "FQEMO001"
)

// weightsError is the type of errBadWeights; a string constant of it keeps
// the sentinel immutable.
type weightsError string

func (e weightsError) Error() string { return string(e) }

// errBadWeights is wrapped by every weights-format error, so callers can tell
// a corrupt file from an I/O problem.
const errBadWeights = weightsError("bad emotion weights")

// encodeEmotion writes m in the weights format. The output is a function of
// the weights alone, so equal models give equal bytes.
func encodeEmotion(w io.Writer, m *Emotion) error {
	var hdr bytes.Buffer
	hdr.WriteString(weightsMagic)
	_ = binary.Write(&hdr, binary.LittleEndian, uint32(hashBits))
	_ = binary.Write(&hdr, binary.LittleEndian, m.scale)
	_ = binary.Write(&hdr, binary.LittleEndian, m.bias)
	if _, err := w.Write(hdr.Bytes()); err != nil {
		return fmt.Errorf("write weights header: %w", err)
	}
	raw := make([]byte, bucketBytes*nBuckets)
	copy(raw, m.tbl[:])
	flipBias(raw) // the file's int16 weights
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("write weights table: %w", err)
	}
	return nil
}

// decodeEmotion reads a model written by encodeEmotion.
func decodeEmotion(b []byte) (*Emotion, error) {
	const hdrLen = 8 + 4 + 4 + 4*nClasses
	if len(b) < hdrLen || string(b[:8]) != weightsMagic && string(b[:8]) != weightsMagicDeflated {
		return nil, fmt.Errorf("%w: missing header", errBadWeights)
	}
	if bits := binary.LittleEndian.Uint32(b[8:]); bits != hashBits {
		return nil, fmt.Errorf("%w: %d hash bits, want %d", errBadWeights, bits, hashBits)
	}
	m := &Emotion{lex: newLexicon(), scale: math.Float32frombits(binary.LittleEndian.Uint32(b[12:]))}
	for k := range m.bias {
		m.bias[k] = math.Float32frombits(binary.LittleEndian.Uint32(b[16+4*k:]))
	}
	m.uni = new(uniRows) // the table and the rows copied out of it
	m.tbl = &m.uni.tbl
	raw := b[hdrLen:]
	if string(b[:8]) == weightsMagicDeflated {
		var err error
		if raw, err = inflate(raw); err != nil {
			return nil, fmt.Errorf("%w: table: %w", errBadWeights, err)
		}
	}
	if len(raw) != bucketBytes*nBuckets {
		return nil, fmt.Errorf("%w: table has %d bytes, want %d", errBadWeights, len(raw), bucketBytes*nBuckets)
	}
	copy(m.tbl[:], raw)
	flipBias(m.tbl[:bucketBytes*nBuckets])
	m.sigs = newSigRows(m.tbl)
	m.uni.fill()
	return m, nil
}

// Score is the model as the detector engine uses it (detect.EmotionModel):
// the label's name, its probability, and the probability of negative.
func (m *Emotion) Score(text, prevAgent, prevCustomer string) (string, float32, float32) {
	return m.score(text, prevAgent, prevCustomer, nil)
}

// Session returns a scoring function for one goroutine that gives exactly
// Score's results. It remembers the last customer text it scored, so that
// scoring a conversation's customer messages in order reads each text's
// cue words once instead of twice (as the text, then as the next message's
// previous customer text). The function is not safe for concurrent use.
func (m *Emotion) Session() func(text, prevAgent, prevCustomer string) (string, float32, float32) {
	memo := &cueMemo{}
	return func(text, prevAgent, prevCustomer string) (string, float32, float32) {
		return m.score(text, prevAgent, prevCustomer, memo)
	}
}

// score is Score with an optional memo of the previous message (a
// Session's). It is probs and the label of the largest probability
// written out, the probabilities in registers (probs3): no arrays
// returned on the stack, no loop (TestScoreMatchesProbs).
func (m *Emotion) score(text, prevAgent, prevCustomer string, memo *cueMemo) (string, float32, float32) {
	p0, p1, p2 := m.probs3(&Context{Text: text, PrevAgent: prevAgent, PrevCustomer: prevCustomer}, memo)
	// The first of the largest, as a loop over the classes takes it.
	best, pb := Neutral, p0
	if p1 > pb {
		best, pb = Negative, p1
	}
	if p2 > pb {
		best, pb = Positive, p2
	}
	return best.String(), pb, p1
}
