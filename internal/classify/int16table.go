package classify

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"io"
	"math"
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
// int16, little-endian and deflated at best compression: the table that
// follows the header in the Linear and Softmax weights files. The output is
// a function of ws and scale alone, so equal models give equal bytes.
func writeInt16Table(w io.Writer, ws []float32, scale float32) error {
	zw, err := flate.NewWriter(w, flate.BestCompression)
	if err != nil {
		return fmt.Errorf("start compression: %w", err)
	}
	raw := make([]byte, 2*len(ws))
	for i, v := range ws {
		binary.LittleEndian.PutUint16(raw[2*i:], uint16(int16(math.Round(float64(v/scale)))))
	}
	if _, err := zw.Write(raw); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("finish table: %w", err)
	}
	return nil
}

// readInt16Table inflates a table written by writeInt16Table into ws, which
// must already have the table's length, multiplying each int16 by scale;
// the int16 steps themselves go to steps, of the same length.
func readInt16Table(b []byte, ws []float32, steps []int16, scale float32) error {
	raw, err := io.ReadAll(flate.NewReader(bytes.NewReader(b)))
	if err != nil {
		return fmt.Errorf("inflate: %w", err)
	}
	if len(raw) != 2*len(ws) {
		return fmt.Errorf("table has %d bytes, want %d", len(raw), 2*len(ws))
	}
	for i := range ws {
		q := int16(binary.LittleEndian.Uint16(raw[2*i:]))
		steps[i] = q
		ws[i] = float32(q) * scale
	}
	return nil
}
