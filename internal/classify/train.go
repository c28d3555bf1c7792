package classify

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// trainConfig holds the training hyper-parameters. They were chosen by
// cross-validation by dialogue on the USS JDDC set (see WEIGHTS.md); the
// defaults are what the shipped weights were trained with.
type trainConfig struct {
	Seed       uint64
	Epochs     int
	LR         float32 // AdaGrad step size
	L2         float32 // L2 penalty, applied to the weights an example touches
	ClassPower float64 // class weight = (n / (3·n_class))^ClassPower; 1 balances the classes
	AuxWeight  float32 // weight of one review relative to one chat turn
	SeedWeight float32 // weight of one hand-written seed phrase
	AuxBytes   int     // reviews are cut to their first AuxBytes bytes
	Folds      int     // folds of the cross-validation by dialogue
	TuneBias   bool    // tune per-class logit offsets for macro-F1 on out-of-fold scores
}

// defaultConfig returns the configuration of the shipped weights.
func defaultConfig() trainConfig {
	return trainConfig{
		Seed:       20260501,
		Epochs:     6,
		LR:         0.03,
		L2:         1e-5,
		ClassPower: 1,
		AuxWeight:  0.1,
		SeedWeight: 1,
		AuxBytes:   300,
		Folds:      5,
		TuneBias:   true,
	}
}

// rng is a SplitMix64-style generator (a Weyl sequence through the
// MurmurHash3 finaliser): tiny, and unlike math/rand its sequence is fixed
// here, not by the Go release, which keeps training reproducible.
type rng struct{ s uint64 }

// next returns the next 64 random bits.
func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix(r.s)
}

// intn returns a number in [0, n).
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// shuffle permutes p in place (Fisher–Yates).
func (r *rng) shuffle(p []int32) {
	for i := len(p) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		p[i], p[j] = p[j], p[i]
	}
}

// featSet holds the extracted features of many examples in flat slices, so
// that the epochs of training only walk memory.
type featSet struct {
	feats []uint32
	vals  []float32
	off   []int32 // example i has features off[i]:off[i+1]
	label []Label
	// weight and binary are set for the examples besides the chat turns:
	// their fixed training weight, and whether they tell only negative from
	// positive (reviews have no neutral class).
	weight []float32
	binary []bool
}

// len is the number of examples in s.
func (s *featSet) len() int { return len(s.label) }

// addExample extracts the features of c and appends them with label l.
func (s *featSet) addExample(a *acc, c *Context, textOnly bool, l Label) {
	if len(s.off) == 0 {
		s.off = append(s.off, 0)
	}
	a.feats, a.vals, a.mark = s.feats, s.vals, len(s.feats)
	a.extract(c, textOnly)
	s.feats, s.vals = a.feats, a.vals
	s.off = append(s.off, int32(len(s.feats)))
	s.label = append(s.label, l)
}

// chatSet extracts the features of labelled chat turns.
func chatSet(rows []labelled) *featSet {
	s := &featSet{}
	a := acc{lex: newLexicon()}
	for i := range rows {
		s.addExample(&a, &rows[i].ctx, false, rows[i].label)
	}
	return s
}

// extraSet extracts the features of the examples that are not labelled chat
// turns: the hand-written seed phrases, and the reviews cut to maxBytes.
func extraSet(rs []review, cfg trainConfig) *featSet {
	s := &featSet{}
	a := acc{lex: newLexicon()}
	for _, p := range seedPhrases() {
		c := Context{Text: p.text}
		s.addExample(&a, &c, true, p.label)
		s.weight = append(s.weight, cfg.SeedWeight)
		s.binary = append(s.binary, false)
	}
	maxBytes := cfg.AuxBytes
	for _, r := range rs {
		text := r.text
		if len(text) > maxBytes {
			text = strings.ToValidUTF8(text[:maxBytes], "")
		}
		l := Negative
		if r.positive {
			l = Positive
		}
		c := Context{Text: text}
		s.addExample(&a, &c, true, l)
		s.weight = append(s.weight, cfg.AuxWeight)
		s.binary = append(s.binary, true)
	}
	return s
}

// floatModel is a model during training, before quantisation.
type floatModel struct {
	w    []float32 // nBuckets × nClasses
	bias [nClasses]float32
}

// logits scores example i of s.
func (m *floatModel) logits(s *featSet, i int) [nClasses]float32 {
	z := m.bias
	for j := s.off[i]; j < s.off[i+1]; j++ {
		b, v := s.feats[j]*nClasses, s.vals[j]
		w := m.w[b : b+nClasses : b+nClasses]
		z[0] += v * w[0]
		z[1] += v * w[1]
		z[2] += v * w[2]
	}
	return z
}

// classWeights returns the example weight of each class among rows.
func classWeights(s *featSet, rows []int32, power float64) [nClasses]float32 {
	var n [nClasses]int
	for _, i := range rows {
		n[s.label[i]]++
	}
	var w [nClasses]float32
	for k := range n {
		if n[k] > 0 {
			w[k] = float32(math.Pow(float64(len(rows))/(nClasses*float64(n[k])), power))
		}
	}
	return w
}

// train fits a model on the given rows of chat plus all of extra (the seed
// phrases and reviews; may be nil) by AdaGrad, a per-weight step size that
// suits hashed sparse features whose frequencies differ by orders of
// magnitude. It is deterministic: same inputs, same seed, same model.
func train(ctx context.Context, cfg trainConfig, chat *featSet, rows []int32, extra *featSet) (*floatModel, error) {
	m := &floatModel{w: make([]float32, nBuckets*nClasses)}
	g2 := make([]float32, nBuckets*nClasses)
	var gb [nClasses]float32
	cw := classWeights(chat, rows, cfg.ClassPower)

	// order holds chat rows as themselves and extra example i as -(i+1).
	order := make([]int32, 0, len(rows)+extraLen(extra))
	r := rng{s: cfg.Seed}
	for ep := 0; ep < cfg.Epochs; ep++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("train epoch %d: %w", ep+1, err)
		}
		order = append(order[:0], rows...)
		for i := range extraLen(extra) {
			order = append(order, -int32(i)-1)
		}
		r.shuffle(order)
		for _, o := range order {
			s, i, w, binary := chat, int(o), float32(0), false
			if o < 0 {
				s, i = extra, int(-o-1)
				w, binary = extra.weight[i], extra.binary[i]
			} else {
				w = cw[chat.label[i]]
			}
			if w == 0 {
				continue
			}
			z := m.logits(s, i)
			var p [nClasses]float32
			if binary {
				// A review says nothing about neutral: learn only how
				// negative and positive compare.
				z[Neutral] = float32(math.Inf(-1))
			}
			p = softmax(z)
			var g [nClasses]float32
			for k := range g {
				g[k] = p[k]
				if Label(k) == s.label[i] {
					g[k]--
				}
				g[k] *= w
			}
			if binary {
				g[Neutral] = 0
			}
			for k := range g {
				if g[k] != 0 {
					gb[k] += g[k] * g[k]
					m.bias[k] -= cfg.LR * g[k] / float32(math.Sqrt(float64(gb[k])))
				}
			}
			for j := s.off[i]; j < s.off[i+1]; j++ {
				b, v := s.feats[j]*nClasses, s.vals[j]
				for k := range g {
					if g[k] == 0 {
						continue
					}
					wk := &m.w[b+uint32(k)]
					grad := g[k]*v + cfg.L2**wk
					if grad == 0 {
						continue
					}
					g2[b+uint32(k)] += grad * grad
					*wk -= cfg.LR * grad / float32(math.Sqrt(float64(g2[b+uint32(k)])))
				}
			}
		}
	}
	return m, nil
}

// extraLen is the number of examples in s, which may be nil.
func extraLen(s *featSet) int {
	if s == nil {
		return 0
	}
	return s.len()
}

// quantise turns a float model plus tuned logit offsets into an Emotion.
func quantise(m *floatModel, offset [nClasses]float32) *Emotion {
	var mx float32
	for _, v := range m.w {
		mx = max(mx, float32(math.Abs(float64(v))))
	}
	e := &Emotion{lex: newLexicon(), tbl: new(weightTable), scale: 1}
	if mx > 0 {
		e.scale = mx / 32767
	}
	for i, v := range m.w {
		q := int16(math.Round(float64(v / e.scale)))
		e.tbl.set(uint32(i/nClasses), i%nClasses, q)
	}
	e.sigs = newSigRows(e.tbl)
	for k := range e.bias {
		e.bias[k] = m.bias[k] + offset[k]
	}
	return e
}

// cvResult is the outcome of a cross-validation by dialogue.
type cvResult struct {
	oof     [][nClasses]float32 // out-of-fold logits of every chat row
	fold    []int               // fold of every chat row
	raw     Metrics             // argmax of the out-of-fold logits
	tuned   Metrics             // with offsets tuned on the other folds only
	offsets [nClasses]float32   // offsets tuned on all out-of-fold logits, for the final model

	models     []*floatModel       // the model of each fold, trained without it
	foldOffset [][nClasses]float32 // the offsets of each fold, tuned on the other folds
	dialogFold []int               // fold of every dialogue
}

// crossValidate trains cfg.Folds models, each on all dialogues but one fold's
// plus the reviews, and scores the held-out fold. Folds run in parallel; each
// is deterministic, so the result is too.
func crossValidate(ctx context.Context, cfg trainConfig, rows []labelled, nDialogs int, chat, extra *featSet, log *slog.Logger) (cvResult, error) {
	k := cfg.Folds
	perm := make([]int32, nDialogs)
	for i := range perm {
		perm[i] = int32(i)
	}
	r := rng{s: cfg.Seed ^ 0x5eed_f01d}
	r.shuffle(perm)
	dialogFold := make([]int, nDialogs)
	for rank, d := range perm {
		dialogFold[d] = rank % k
	}
	res := cvResult{oof: make([][nClasses]float32, len(rows)), fold: make([]int, len(rows)),
		models: make([]*floatModel, k), foldOffset: make([][nClasses]float32, k), dialogFold: dialogFold}
	for i, row := range rows {
		res.fold[i] = dialogFold[row.dialog]
	}

	var wg sync.WaitGroup
	errs := make([]error, k)
	sem := make(chan struct{}, max(1, min(k, runtime.GOMAXPROCS(0))))
	for f := range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			var trainRows []int32
			for i := range rows {
				if res.fold[i] != f {
					trainRows = append(trainRows, int32(i))
				}
			}
			start := time.Now()
			m, err := train(ctx, cfg, chat, trainRows, extra)
			if err != nil {
				errs[f] = fmt.Errorf("fold %d: %w", f+1, err)
				return
			}
			res.models[f] = m
			for i := range rows {
				if res.fold[i] == f {
					res.oof[i] = m.logits(chat, i)
				}
			}
			if log != nil {
				log.Info("cross-validation fold trained", "fold", f+1, "of", k, "train_turns", len(trainRows), "elapsed", time.Since(start).Round(time.Millisecond))
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return cvResult{}, err
		}
	}

	truth := make([]Label, len(rows))
	for i, row := range rows {
		truth[i] = row.label
	}
	pred := make([]Label, len(rows))
	for i := range rows {
		pred[i] = argmax(res.oof[i], [nClasses]float32{})
	}
	method := fmt.Sprintf("%d-fold cross-validation by dialogue", k)
	res.raw = newMetrics(method+", untuned", truth, pred)
	res.tuned = res.raw
	if cfg.TuneBias {
		for f := range k {
			var sel []int
			for i := range rows {
				if res.fold[i] != f {
					sel = append(sel, i)
				}
			}
			off := tuneOffsets(res.oof, truth, sel)
			res.foldOffset[f] = off
			for i := range rows {
				if res.fold[i] == f {
					pred[i] = argmax(res.oof[i], off)
				}
			}
		}
		res.tuned = newMetrics(method+", class offsets tuned on the training folds", truth, pred)
		all := make([]int, len(rows))
		for i := range all {
			all[i] = i
		}
		res.offsets = tuneOffsets(res.oof, truth, all)
	}
	return res, nil
}

// argmax returns the class with the largest logit after adding off.
func argmax(z, off [nClasses]float32) Label {
	best := 0
	for k := 1; k < nClasses; k++ {
		if z[k]+off[k] > z[best]+off[best] {
			best = k
		}
	}
	return Label(best)
}

// tuneOffsets searches offsets for the negative and positive logits (neutral
// stays at 0) that maximise macro-F1 over the selected rows. Logistic
// regression maximises likelihood, not macro-F1; shifting the decision
// boundaries towards the rarer classes recovers part of the difference.
func tuneOffsets(z [][nClasses]float32, truth []Label, sel []int) [nClasses]float32 {
	const step, span = 0.05, 40
	best, bestF := [nClasses]float32{}, -1.0
	pred := make([]Label, len(sel))
	tr := make([]Label, len(sel))
	for j, i := range sel {
		tr[j] = truth[i]
	}
	for a := -span; a <= span; a++ {
		for b := -span; b <= span; b++ {
			off := [nClasses]float32{0, float32(a) * step, float32(b) * step}
			for j, i := range sel {
				pred[j] = argmax(z[i], off)
			}
			f := macroF1(tr, pred)
			// Prefer smaller offsets on ties so the result is stable.
			if f > bestF+1e-9 || (math.Abs(f-bestF) <= 1e-9 && abs32(off[1])+abs32(off[2]) < abs32(best[1])+abs32(best[2])) {
				best, bestF = off, f
			}
		}
	}
	return best
}

func abs32(v float32) float32 { return float32(math.Abs(float64(v))) }

// TrainReport summarises a training run.
type TrainReport struct {
	Dialogues   int           // USS JDDC dialogues read
	Turns       int           // labelled customer turns trained on
	Reviews     int           // auxiliary polarity reviews trained on
	CV          Metrics       // honest estimate: cross-validation by dialogue
	CVUntuned   Metrics       // the same without the tuned class offsets
	Offsets     [3]float32    // logit offsets added for Neutral, Negative, Positive
	WeightBytes int           // size of the weights file written
	Elapsed     time.Duration // wall time of the whole run
}

// String renders the report for the CLI.
func (r TrainReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "trained on %d labelled turns of %d dialogues and %d reviews in %s\n", r.Turns, r.Dialogues, r.Reviews, r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(&b, "logit offsets neutral/negative/positive: %.2f %.2f %.2f\n", r.Offsets[0], r.Offsets[1], r.Offsets[2])
	fmt.Fprintf(&b, "weights: %d bytes\n", r.WeightBytes)
	b.WriteString(r.CV.String())
	b.WriteString(r.CVUntuned.String())
	return b.String()
}

// loadAll reads the chat and review sets and extracts their features.
func loadAll(dataDir string, cfg trainConfig) (rows []labelled, nDialogs int, chat, extra *featSet, nReviews int, err error) {
	rows, nDialogs, err = loadUSS(filepath.Join(dataDir, ussPath))
	if err != nil {
		return nil, 0, nil, nil, 0, err
	}
	chat = chatSet(rows)
	var rs []review
	if cfg.AuxWeight > 0 {
		if rs, err = loadAux(dataDir); err != nil {
			return nil, 0, nil, nil, 0, err
		}
	}
	extra = extraSet(rs, cfg)
	nReviews = len(rs)
	return rows, nDialogs, chat, extra, nReviews, nil
}

// TrainEmotion trains the emotion model on the data folder (the layout of
// shared/data: uss_jddc/ and sentiment/) and writes the weights file to w. It
// first cross-validates by dialogue, which gives the honest metrics in the
// report and the class offsets, then trains the final model on everything.
// Training is deterministic: the same data gives the same bytes.
func TrainEmotion(ctx context.Context, dataDir string, w io.Writer, log *slog.Logger) (TrainReport, error) {
	return trainEmotion(ctx, defaultConfig(), dataDir, w, log)
}

// trainEmotion is TrainEmotion with a given configuration, for tests.
func trainEmotion(ctx context.Context, cfg trainConfig, dataDir string, w io.Writer, log *slog.Logger) (TrainReport, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	rows, nDialogs, chat, extra, nReviews, err := loadAll(dataDir, cfg)
	if err != nil {
		return TrainReport{}, fmt.Errorf("train emotion: %w", err)
	}
	log.Info("emotion training data loaded", "dialogues", nDialogs, "turns", len(rows), "reviews", nReviews, "elapsed", time.Since(start).Round(time.Millisecond))
	cv, err := crossValidate(ctx, cfg, rows, nDialogs, chat, extra, log)
	if err != nil {
		return TrainReport{}, fmt.Errorf("train emotion: %w", err)
	}
	log.Info("emotion cross-validation done", "macro_f1", fmt.Sprintf("%.4f", cv.tuned.MacroF1), "accuracy", fmt.Sprintf("%.4f", cv.tuned.Accuracy))
	all := make([]int32, len(rows))
	for i := range all {
		all[i] = int32(i)
	}
	fm, err := train(ctx, cfg, chat, all, extra)
	if err != nil {
		return TrainReport{}, fmt.Errorf("train emotion: final model: %w", err)
	}
	var buf bytes.Buffer
	if err := encodeEmotion(&buf, quantise(fm, cv.offsets)); err != nil {
		return TrainReport{}, fmt.Errorf("train emotion: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return TrainReport{}, fmt.Errorf("train emotion: write weights: %w", err)
	}
	rep := TrainReport{
		Dialogues: nDialogs, Turns: len(rows), Reviews: nReviews,
		CV: cv.tuned, CVUntuned: cv.raw, Offsets: cv.offsets,
		WeightBytes: buf.Len(), Elapsed: time.Since(start),
	}
	log.Info("emotion weights written", "bytes", buf.Len(), "elapsed", rep.Elapsed.Round(time.Millisecond))
	return rep, nil
}

// CrossFit is the emotion model retrained without each fold of the USS
// dialogues, as the cross-validation trains it: a model for every fold,
// and the fold of every dialogue id. A model trained on top of the emotion
// model's scores (the learned negative-emotion scorer) must see, on the
// dialogues the emotion model trained on, the scores of a model that did
// not see them, or it learns to trust scores that are only that good on
// their own training data.
type CrossFit struct {
	Models []*Emotion
	FoldOf map[string]int // USS dialogue id → fold
}

// CrossFitEmotion runs the emotion model's cross-validation (the same
// folds, seed and configuration as TrainEmotion) and keeps its models.
func CrossFitEmotion(ctx context.Context, dataDir string, log *slog.Logger) (*CrossFit, error) {
	cfg := defaultConfig()
	rows, nDialogs, chat, extra, _, err := loadAll(dataDir, cfg)
	if err != nil {
		return nil, fmt.Errorf("cross-fit emotion: %w", err)
	}
	ids, err := ussIDs(filepath.Join(dataDir, ussPath))
	if err != nil {
		return nil, fmt.Errorf("cross-fit emotion: %w", err)
	}
	if len(ids) != nDialogs {
		return nil, fmt.Errorf("cross-fit emotion: %d ids for %d dialogues", len(ids), nDialogs)
	}
	cv, err := crossValidate(ctx, cfg, rows, nDialogs, chat, extra, log)
	if err != nil {
		return nil, fmt.Errorf("cross-fit emotion: %w", err)
	}
	out := &CrossFit{FoldOf: map[string]int{}}
	for f, m := range cv.models {
		out.Models = append(out.Models, quantise(m, cv.foldOffset[f]))
	}
	for d, id := range ids {
		out.FoldOf[id] = cv.dialogFold[d]
	}
	return out, nil
}
