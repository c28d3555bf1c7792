package cli

import (
	"context"
	"fmt"
	"sort"
	"time"

	"fullqa/internal/analyze"
	"fullqa/internal/detect"
	"fullqa/internal/lexicon"
	"fullqa/internal/report"
	"fullqa/internal/scan"
)

// newCross starts the across-conversation analyzers of a scan run
// (repeat.unresolved, promise.unkept, burst.topic) from the config's word
// lists (cfg.Lists, read once for the run) and its cross section.
// findingsOnly starts them for a run that writes no report, which needs
// their findings but not their summary (analyze.NewFindingsBatch).
func newCross(lex lexicon.Lists, cfg analyze.Config, loc *time.Location, findingsOnly bool) (*analyze.Batch, error) {
	tp, err := analyze.NewTopics(lex.Words("logistics_courier"), lex.Words("cross_kept"))
	if err != nil {
		return nil, err
	}
	if findingsOnly {
		return analyze.NewFindingsBatch(cfg, tp, loc), nil
	}
	return analyze.NewBatch(cfg, tp, loc), nil
}

// crossWords registers the across analyzers' topic words
// (analyze.TopicWords) with the detection engine, whose scan of the
// normalized messages then tells the analyzers which messages may hold
// one: they scan those only, instead of every message a second time
// (about 9,000 instructions a JDDC conversation). It registers nothing
// when TopicWords refuses the config's lists.
type crossWords struct {
	words []string
	class detect.ClassID
	ok    bool // registered: class is the words'
}

// RegisterKeywords implements detect.KeywordUser.
func (w *crossWords) RegisterKeywords(k *detect.Keywords) error {
	if len(w.words) > 0 {
		w.class, w.ok = k.Add("cross.topics", w.words...), true
	}
	return nil
}

// prepareCross returns the scan's Prepare: the across summary of a
// result, told by the engine's Input which messages may hold a topic word
// when the engine matched them. It is not told when the messages were
// redacted after the engine read them (a mask could spell a word the
// engine did not see), when the engine ran no detector (--detectors
// none) or when the words were not registered.
func (s *scanRun) prepareCross(redacted bool) func(r *scan.Result, in *detect.Input) {
	w := s.words
	held := w != nil && w.ok && !redacted
	return func(r *scan.Result, in *detect.Input) {
		if !held || in == nil || !in.Scanned() {
			r.Prepared = s.cross.Prepare(r.Conv, r.Findings, r.Tags)
			return
		}
		r.Prepared = s.cross.PrepareNext(r.Conv, r.Findings, r.Tags, func(from int) int { return in.NextHas(w.class, from) })
	}
}

// addCross runs the across analyzers on a result in the sink, in input
// order, before it is counted and written: their findings join the
// result's, the score is taken again (a scorecard may weigh them), and a
// result already encoded on a worker is encoded again.
func (s *scanRun) addCross(ctx context.Context, r *scan.Result) error {
	p, ok := r.Prepared.(*analyze.Prepared)
	if !ok { // not prepared on a worker
		p = s.cross.Prepare(r.Conv, r.Findings, r.Tags)
	}
	r.Prepared = nil // AddPrepared takes it
	fs, err := s.cross.AddPrepared(ctx, r.Conv, p)
	if err != nil {
		return fmt.Errorf("across conversations: %w", err)
	}
	if len(fs) == 0 {
		return nil
	}
	r.Findings = append(r.Findings, fs...)
	sort.SliceStable(r.Findings, func(i, j int) bool {
		return firstMessage(r.Findings[i].Messages) < firstMessage(r.Findings[j].Messages)
	})
	if s.sheet == nil {
		s.sheet = s.cfg.Score.Scorecard.Sheet()
	}
	r.Score, r.Deductions, r.Fatal = s.sheet.Apply(r.Findings)
	if r.Encoded != nil {
		r.Encoded = report.AppendJSONResult(nil, r)
	}
	return nil
}

func firstMessage(ms []int) int {
	if len(ms) == 0 {
		return 1 << 30
	}
	return ms[0]
}
