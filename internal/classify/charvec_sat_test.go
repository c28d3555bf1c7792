package classify

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"fullqa/internal/text"
)

// withCharVecFeatures returns a copy of s with, after each example's
// features, the mean-pooled character vectors of its text (texts(i) gives
// the message and the agent text before it), each dimension one hashed
// feature valued scale times the pooled value; with agent set the agent
// text's mean too, with maxPool the message's element-wise maximum.
func withCharVecFeatures(s *featSet, v *CharVectors, texts func(i int) (msg, agent string), scale float32, agent, maxPool bool) *featSet {
	out := &featSet{label: s.label, weight: s.weight, binary: s.binary, off: []int32{0}}
	mean, mx := make([]float32, v.Dim), make([]float32, v.Dim)
	add := func(group uint64, x []float32) {
		for d, y := range x {
			out.feats = append(out.feats, uint32(mix(group<<32|uint64(d)|0x77<<56)>>(64-hashBits)))
			out.vals = append(out.vals, y*scale)
		}
	}
	for i := range s.label {
		out.feats = append(out.feats, s.feats[s.off[i]:s.off[i+1]]...)
		out.vals = append(out.vals, s.vals[s.off[i]:s.off[i+1]]...)
		msg, ag := texts(i)
		v.Pool(text.Normalize(msg), mean, mx)
		add(7001, mean)
		if maxPool {
			add(7003, mx)
		}
		if agent && ag != "" {
			v.Pool(text.Normalize(ag), mean, mx)
			add(7002, mean)
		}
		out.off = append(out.off, int32(len(out.feats)))
	}
	return out
}

// TestCharVecSatisfaction measures the emotion model's satisfaction task
// (the uss three-class macro-F1, 5-fold cross-validation by dialogue with
// the shipped configuration and seed) with character-vector features added
// to every chat turn, review and seed phrase. Nothing ships with them (the
// README has the numbers). It runs only when asked, with a vectors file
// from `fullqa train charvec`:
//
//	FULLQA_CHARVEC=charvec.bin go test ./internal/classify -run TestCharVecSatisfaction -v
//
// FULLQA_CHARVEC_VARIANTS lists the variants, comma-separated: a scale,
// then "a" to add the agent text's mean, "m" the message's maximum
// (default "1,3,1a,1m").
func TestCharVecSatisfaction(t *testing.T) {
	path := os.Getenv("FULLQA_CHARVEC")
	if path == "" {
		t.Skip("set FULLQA_CHARVEC to a file from `fullqa train charvec` to run")
	}
	needData(t)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := DecodeCharVectors(b)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cfg := defaultConfig()
	rows, nDialogs, chat, extra, _, err := loadAll(dataDir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := loadAux(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	// The texts of extra, in extraSet's order and cut as it cuts them.
	var extraTexts []string
	for _, p := range seedPhrases() {
		extraTexts = append(extraTexts, p.text)
	}
	for _, r := range rs {
		s := r.text
		if len(s) > cfg.AuxBytes {
			s = strings.ToValidUTF8(s[:cfg.AuxBytes], "")
		}
		extraTexts = append(extraTexts, s)
	}
	if len(extraTexts) != extra.len() {
		t.Fatalf("%d texts for %d extra examples", len(extraTexts), extra.len())
	}
	base, err := crossValidate(ctx, cfg, rows, nDialogs, chat, extra, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("without: macro-F1 %.4f (untuned %.4f), negative F1 %.4f", base.tuned.MacroF1, base.raw.MacroF1, base.tuned.NegF1)
	variants := os.Getenv("FULLQA_CHARVEC_VARIANTS")
	if variants == "" {
		variants = "1,3,1a,1m"
	}
	for _, spec := range strings.Split(variants, ",") {
		var scale float32
		if _, err := fmt.Sscanf(spec, "%g", &scale); err != nil {
			t.Fatalf("variant %q: %v", spec, err)
		}
		agent, maxPool := strings.Contains(spec, "a"), strings.Contains(spec, "m")
		c := withCharVecFeatures(chat, v, func(i int) (string, string) { return rows[i].ctx.Text, rows[i].ctx.PrevAgent }, scale, agent, maxPool)
		x := withCharVecFeatures(extra, v, func(i int) (string, string) { return extraTexts[i], "" }, scale, agent, maxPool)
		cv, err := crossValidate(ctx, cfg, rows, nDialogs, c, x, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("with %s: macro-F1 %.4f (untuned %.4f), negative F1 %.4f", spec, cv.tuned.MacroF1, cv.raw.MacroF1, cv.tuned.NegF1)
	}
}
