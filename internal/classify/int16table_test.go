package classify

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"math"
	"slices"
	"testing"
)

// FuzzSparse checks the sparse tables both ways: any int16s come back
// from their sparse form as they were, and whatever bytes readSparse
// accepts are the sparse form of what it read (one form per table).
func FuzzSparse(f *testing.F) {
	f.Add([]byte{1, 0, 0, 0, 5, 0}, uint8(3))
	f.Add(make([]byte, 300), uint8(64))
	f.Add(bytes.Repeat([]byte{0xff, 0x7f, 0, 0}, 70), uint8(130))
	f.Fuzz(func(t *testing.T, b []byte, n uint8) {
		qs := make([]int16, len(b)/2)
		for i := range qs {
			qs[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
		}
		enc := appendSparse(nil, qs)
		got := make([]int16, len(qs))
		if err := readSparse(enc, got, nil, 0); err != nil {
			t.Fatalf("readSparse(appendSparse(%v)): %v", qs, err)
		}
		if !slices.Equal(got, qs) {
			t.Fatalf("read %v, wrote %v", got, qs)
		}
		// The weights it writes: each step times the scale, the steps
		// 0 left at +0.
		got = make([]int16, len(qs))
		ws := make([]float32, len(qs))
		scale := float32(n)/7 + 1e-3
		if err := readSparse(enc, got, ws, scale); err != nil || !slices.Equal(got, qs) {
			t.Fatalf("readSparse with weights: %v, %v", err, got)
		}
		for i, q := range qs {
			if want := float32(q) * scale; math.Float32bits(ws[i]) != math.Float32bits(want) {
				t.Fatalf("weight %d of step %d is %v, want %v", i, q, ws[i], want)
			}
		}
		// b itself as a sparse table of n int16s.
		got = make([]int16, n)
		if err := readSparse(b, got, nil, 0); err == nil && !bytes.Equal(appendSparse(nil, got), b) {
			t.Fatalf("readSparse accepted %x, whose table %v is written %x", b, got, appendSparse(nil, got))
		}
	})
}

// sameBits reports whether a and b hold the same floats to the bit.
func sameBits(a, b []float32) bool {
	return slices.EqualFunc(a, b, func(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) })
}

// deflatedForm returns the first form of a weights file of the new form
// b: the old magic, the same header, the int16s deflated at best
// compression, as the files were written before they were sparse (n
// int16s) or, for n < 0, raw.
func deflatedForm(t *testing.T, b []byte, magic string, hdrLen, n int) []byte {
	t.Helper()
	var qs []int16
	if n < 0 {
		qs = make([]int16, (len(b)-hdrLen)/2)
		for i := range qs {
			qs[i] = int16(binary.LittleEndian.Uint16(b[hdrLen+2*i:]))
		}
	} else {
		qs = make([]int16, n)
		if err := readSparse(b[hdrLen:], qs, nil, 0); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	out.WriteString(magic)
	out.Write(b[8:hdrLen])
	zw, err := flate.NewWriter(&out, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		_ = binary.Write(zw, binary.LittleEndian, q)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestDeflatedFormsRead checks that the readers still read the weights
// files' first, deflated, form, and read the same models from it as from
// the embedded sparse files.
func TestDeflatedFormsRead(t *testing.T) {
	m, err := decodeEmotion(embeddedWeights)
	if err != nil {
		t.Fatal(err)
	}
	const hdr = 8 + 4 + 4 + 4*nClasses
	old, err := decodeEmotion(deflatedForm(t, embeddedWeights, weightsMagicDeflated, hdr, -1))
	if err != nil {
		t.Fatal(err)
	}
	if *old.tbl != *m.tbl || old.scale != m.scale || old.bias != m.bias || *old.sigs != *m.sigs {
		t.Error("the deflated emotion weights read differently")
	}

	for name, b := range map[string][]byte{"negative": embeddedNegative, "threat": embeddedThreat} {
		l, err := DecodeLinear(b)
		if err != nil {
			t.Fatal(err)
		}
		if l.Stacked {
			// The stacked format came after the deflated ones: compare the
			// deflated form of the same model in the sources format.
			flat := *l
			flat.Stacked = false
			var buf bytes.Buffer
			if err := EncodeLinear(&buf, &flat); err != nil {
				t.Fatal(err)
			}
			b = buf.Bytes()
		}
		hdr, magic := 24, linearMagicDeflated
		if string(b[:8]) == linearMagicSources {
			hdr, magic = 26+int(binary.LittleEndian.Uint16(b[24:])), linearMagicSourcesDeflated
		}
		o, err := DecodeLinear(deflatedForm(t, b, magic, hdr, len(l.W)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !sameBits(o.W, l.W) || !slices.Equal(o.Steps, l.Steps) || o.Scale != l.Scale || o.Bias != l.Bias ||
			o.Threshold != l.Threshold || !slices.Equal(o.Sources, l.Sources) {
			t.Errorf("%s: the deflated weights read differently", name)
		}
	}

	s, err := DecodeSoftmax(embeddedEnding)
	if err != nil {
		t.Fatal(err)
	}
	o, err := DecodeSoftmax(deflatedForm(t, embeddedEnding, softmaxMagicDeflated, 8+6*4+4*s.K, len(s.W)))
	if err != nil {
		t.Fatal(err)
	}
	if !sameBits(o.W, s.W) || !slices.Equal(o.Steps, s.Steps) || !slices.Equal(o.Bias, s.Bias) || o.Scale != s.Scale ||
		o.Threshold != s.Threshold || o.OrRules != s.OrRules || o.Unresolved != s.Unresolved {
		t.Error("ending: the deflated weights read differently")
	}
}
