package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"fullqa/internal/classify"
	"fullqa/internal/eval"
)

// charVecProbes are the characters and bigrams whose nearest neighbours
// `fullqa train charvec` prints, so a reader can see what the vectors
// learned: complaint, urging, thanks and refund words.
var charVecProbes = []string{"慢", "差", "失望", "垃圾", "敷衍", "快点", "催", "谢谢", "退款", "投诉"}

// charVecReport is what `fullqa train charvec` prints: the corpus, the
// vectors and the probes' neighbours.
type charVecReport struct {
	texts, runes int
	vectors      *classify.CharVectors
	cfg          classify.CharVecConfig
	elapsed      time.Duration
}

// String renders the report.
func (r charVecReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "character vectors: %d texts, %d characters read; %d characters and bigrams of %d dimensions (window %d, min count %d) in %s\n",
		r.texts, r.runes, r.vectors.Len(), r.cfg.Dim, r.cfg.Window, r.cfg.MinCount, r.elapsed.Round(time.Second))
	b.WriteString("nearest neighbours:\n")
	for _, p := range charVecProbes {
		fmt.Fprintf(&b, "  %s: %s\n", p, strings.Join(r.vectors.Nearest(p, 8), " "))
	}
	return b.String()
}

// charVecFlags adds the vectors' hyper-parameters to fs, defaulting to
// classify.DefaultCharVecConfig.
func charVecFlags(fs *flag.FlagSet, cfg *classify.CharVecConfig) {
	*cfg = classify.DefaultCharVecConfig()
	fs.IntVar(&cfg.Dim, "dim", cfg.Dim, "dimensions of a vector")
	fs.IntVar(&cfg.MaxBigrams, "bigrams", cfg.MaxBigrams, "vectors for at most this many character bigrams (0: characters only)")
}

// trainCharVectors learns the character vectors from the unlabelled text
// of data (eval.CharVecCorpus) and writes them to w when it is not nil.
func trainCharVectors(ctx context.Context, data string, cfg classify.CharVecConfig, w io.Writer) (charVecReport, error) {
	start := time.Now()
	texts, err := eval.CharVecCorpus(ctx, data)
	if err != nil {
		return charVecReport{}, err
	}
	v, err := classify.TrainCharVectors(ctx, texts, cfg)
	if err != nil {
		return charVecReport{}, err
	}
	rep := charVecReport{texts: len(texts), vectors: v, cfg: cfg, elapsed: time.Since(start)}
	for _, t := range texts {
		rep.runes += utf8.RuneCountInString(t)
	}
	if w != nil {
		if err := classify.EncodeCharVectors(w, v); err != nil {
			return charVecReport{}, err
		}
	}
	return rep, nil
}

// runTrainCharVec is `fullqa train charvec`: it writes character vectors
// learned without labels, for `fullqa eval negative --embed`. No build
// embeds them: they did not earn a place in any shipped model (README).
func runTrainCharVec(ctx context.Context, args []string, env Env) int {
	var cfg classify.CharVecConfig
	return runTrainer(ctx, args, env, trainer{
		name:        "charvec",
		out:         "charvec.bin",
		outUsage:    "vectors file to write",
		notEmbedded: true,
		noRounds:    true,
		flags:       func(fs *flag.FlagSet) { charVecFlags(fs, &cfg) },
		train: func(ctx context.Context, data, _ string, w io.Writer) (fmt.Stringer, error) {
			return trainCharVectors(ctx, data, cfg, w)
		},
	})
}

// embedFeatures builds the character-vector features `fullqa eval negative
// --embed LIST` adds: from the vectors file path (written by `fullqa train
// charvec`), or, with no path, from vectors trained here with cfg.
func embedFeatures(ctx context.Context, list, path, data string, cfg classify.CharVecConfig, scale float64) (*eval.EmbedFeatures, error) {
	var v *classify.CharVectors
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		if v, err = classify.DecodeCharVectors(b); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	} else {
		rep, err := trainCharVectors(ctx, data, cfg, nil)
		if err != nil {
			return nil, err
		}
		v = rep.vectors
	}
	return eval.ParseEmbedFeatures(ctx, list, data, v, float32(scale))
}
