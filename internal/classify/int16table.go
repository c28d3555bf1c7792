package classify

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
)

// quantScale returns the step that maps the largest weight of w to ±32767,
// so a table quantised to int16 uses its whole range; 1 when every weight
// is zero. The Linear and Softmax weights files both store it.
func quantScale(w []float32) float32 {
	var mx float32
	for _, v := range w {
		mx = max(mx, float32(math.Abs(float64(v))))
	}
	if mx > 0 {
		return mx / 32767
	}
	return 1
}

// writeInt16Table writes ws, each weight divided by scale and rounded to an
// int16, as a sparse table (appendSparse): the table that follows the
// header in the Linear and Softmax weights files. The output is a
// function of ws and scale alone, so equal models give equal bytes.
func writeInt16Table(w io.Writer, ws []float32, scale float32) error {
	qs := make([]int16, len(ws))
	for i, v := range ws {
		qs[i] = int16(math.Round(float64(v / scale)))
	}
	if _, err := w.Write(appendSparse(nil, qs)); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}

// readInt16Table reads a table written by writeInt16Table into ws, which
// must already have the table's length, multiplying each int16 by scale;
// the int16 steps themselves go to steps, of the same length; both must
// be all 0.
// deflated says the table is in the files' first form, the int16s
// deflated at best compression, which the readers still accept.
func readInt16Table(b []byte, ws []float32, steps []int16, scale float32, deflated bool) error {
	if len(steps) != len(ws) {
		return fmt.Errorf("%d steps for %d weights", len(steps), len(ws))
	}
	if deflated {
		raw, err := inflate(b)
		if err != nil {
			return err
		}
		if len(raw) != 2*len(ws) {
			return fmt.Errorf("table has %d bytes, want %d", len(raw), 2*len(ws))
		}
		for i := range steps {
			steps[i] = int16(binary.LittleEndian.Uint16(raw[2*i:]))
		}
	} else if 0 < scale && scale <= math.MaxFloat32 {
		// The weights of the steps 0 are float32(0) × scale, +0 for
		// such a scale: what ws holds already. Only the others are
		// written, as they are read.
		return readSparse(b, steps, ws, scale)
	} else if err := readSparse(b, steps, nil, 0); err != nil {
		return err
	}
	ws = ws[:len(steps)]
	for i, q := range steps {
		ws[i] = float32(q) * scale
	}
	return nil
}

// inflate returns the bytes of the deflated stream b: the tables of the
// weights files' first form.
func inflate(b []byte) ([]byte, error) {
	raw, err := io.ReadAll(flate.NewReader(bytes.NewReader(b)))
	if err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	return raw, nil
}

// The weights files store their int16 tables sparse: a bitmap with a bit
// for each int16, set when it is not 0 (little-endian uint64 words, bit
// j of word w for int16 64w+j, the bits past the table's end 0), then
// the int16s that are not 0, in order, little-endian. Most of a hashed
// table's buckets are never trained (three in four of the learned
// scorers', one in five of the emotion model's), so this is about as
// small as the deflated tables the files held before, and it reads in a
// few instructions an int16 where inflating the tables cost every start
// of the program some 70 million instructions, a third of a
// one-conversation scan.

// appendSparse appends to dst the sparse form of the int16s qs.
func appendSparse(dst []byte, qs []int16) []byte {
	words := make([]uint64, (len(qs)+63)/64)
	var vals []byte
	for i, q := range qs {
		if q != 0 {
			words[i/64] |= 1 << (i % 64)
			vals = binary.LittleEndian.AppendUint16(vals, uint16(q))
		}
	}
	for _, w := range words {
		dst = binary.LittleEndian.AppendUint64(dst, w)
	}
	return append(dst, vals...)
}

// readSparse fills qs, all 0, from its sparse form b, which must be
// exactly that: every bit set in the bitmap has a value that is not 0,
// no bit past the table's end is set, and no bytes follow the last
// value. When ws is not nil (of qs's length, all 0), it sets ws[i] to
// float32(qs[i]) × scale for each qs[i] that is not 0. FuzzSparse checks
// it against appendSparse, TestDeflatedFormsRead against the tables'
// deflated first form.
func readSparse(b []byte, qs []int16, ws []float32, scale float32) error {
	if ws != nil && len(ws) != len(qs) {
		return fmt.Errorf("%d weights for %d steps", len(ws), len(qs))
	}
	words := (len(qs) + 63) / 64
	if len(b) < 8*words {
		return fmt.Errorf("sparse table of %d bytes, want a bitmap of %d", len(b), 8*words)
	}
	bm, vals := b[:8*words], b[8*words:]
	if r := len(qs) % 64; r != 0 && binary.LittleEndian.Uint64(bm[8*(words-1):])>>r != 0 {
		return fmt.Errorf("sparse table: bits set past its %d int16s", len(qs))
	}
	for w := range words {
		word := binary.LittleEndian.Uint64(bm[8*w:])
		n := 2 * bits.OnesCount64(word)
		if n > len(vals) {
			return errors.New("sparse table: values cut short")
		}
		vs := vals[:n]
		vals = vals[n:]
		out := qs[64*w:] // the bits past len(qs) are 0: no index past it
		for j := 0; word != 0; word &= word - 1 {
			v := binary.LittleEndian.Uint16(vs[j:])
			if v == 0 {
				return fmt.Errorf("sparse table: int16 %d is 0 but marked", 64*w+bits.TrailingZeros64(word))
			}
			out[bits.TrailingZeros64(word)] = int16(v)
			if ws != nil {
				ws[64*w+bits.TrailingZeros64(word)] = float32(int16(v)) * scale
			}
			j += 2
		}
	}
	if len(vals) != 0 {
		return fmt.Errorf("sparse table: %d bytes past its values", len(vals))
	}
	return nil
}
