package classify

import (
	"bytes"
	"testing"
)

// TestTagModelsRoundTrip checks that the scene-tag file keeps each model's
// tag, mode, bias, threshold and (quantised) weights, that equal models
// give equal bytes, and that a cut file is an error.
func TestTagModelsRoundTrip(t *testing.T) {
	w := make([]float32, 1<<8)
	for i := range w {
		w[i] = float32(i%11-5) / 3
	}
	ms := []TagModel{
		{Tag: "quality", Mode: 1, Linear: &Linear{W: w, Bias: -1.5, Threshold: 0.42}},
		{Tag: "logistics", Mode: 2, Linear: &Linear{W: make([]float32, 1<<4), Bias: 0.25, Threshold: 0.6}},
	}
	var a, b bytes.Buffer
	if err := EncodeTagModels(&a, ms); err != nil {
		t.Fatal(err)
	}
	if err := EncodeTagModels(&b, ms); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("equal models gave different bytes")
	}
	got, err := DecodeTagModels(a.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Tag != "quality" || got[0].Mode != 1 || got[1].Tag != "logistics" || got[1].Mode != 2 {
		t.Fatalf("decoded %+v", got)
	}
	if got[0].Linear.Bias != -1.5 || got[0].Linear.Threshold != 0.42 || len(got[0].Linear.W) != len(w) {
		t.Fatalf("decoded model 0: bias %v threshold %v, %d weights", got[0].Linear.Bias, got[0].Linear.Threshold, len(got[0].Linear.W))
	}
	for i, v := range got[0].Linear.W {
		if d := v - w[i]; d > 1e-3 || d < -1e-3 {
			t.Fatalf("weight %d: %v, want %v", i, v, w[i])
		}
	}
	for _, n := range []int{0, 5, 12, len(a.Bytes()) - 3} {
		if _, err := DecodeTagModels(a.Bytes()[:n]); err == nil {
			t.Errorf("a file cut at %d bytes decoded", n)
		}
	}
	if _, err := SceneTagModels(); err != nil {
		t.Errorf("embedded tags.weights: %v", err)
	}
}

// FuzzDecodeTagModels checks that no input makes the decoder panic.
func FuzzDecodeTagModels(f *testing.F) {
	var good bytes.Buffer
	_ = EncodeTagModels(&good, []TagModel{{Tag: "quality", Mode: 1, Linear: &Linear{W: make([]float32, 16), Bias: 1}}})
	f.Add(good.Bytes())
	f.Add([]byte(tagsMagic + "\x01\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if bytes.Contains(b, []byte(linearMagic)) {
			if i := bytes.Index(b, []byte(linearMagic)); len(b) > i+8 && b[i+8] > 20 {
				return // a huge table is a valid request; skip the memory
			}
		}
		_, _ = DecodeTagModels(b)
	})
}
