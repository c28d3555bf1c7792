package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"fullqa/internal/config"
	"fullqa/internal/detect"
	"fullqa/internal/eval"
)

// trainTags measures the learned scene-tag scorers (quality, compensation,
// logistics) on the labelled JDDC and uss chats, and on the jd2 chats of
// rounds when data holds them (labelledSets), and, with w set, writes
// the models of the tags whose learned decision measured better than the
// rules. The scene rules do not read the emotion model, so one engine
// serves every conversation.
//
// With synthetic set, the hand-written training-only conversations of
// internal/eval/testdata/synthetic_tags.jsonl (see the README there) are
// added to every training set; they are never scored.
//
// pooled, a comma-separated list of source names (e.g. "jd2,jddev,jd3"),
// sets the pooled shipping bar of eval.TrainTags; empty, the per-source
// one.
func trainTags(ctx context.Context, cfg config.Config, data, rounds, pooled string, synthetic bool, w io.Writer) (*eval.TagsReport, error) {
	sets, err := labelledSets(data, rounds)
	if err != nil {
		return nil, err
	}
	var pool []string
	if pooled != "" {
		pool = strings.Split(pooled, ",")
		for _, name := range pool {
			if !slices.ContainsFunc(sets, func(s eval.NegativeSet) bool { return s.Name == name }) {
				return nil, fmt.Errorf("--pooled %q: %s is not among the sources read (--jd2-rounds %s)", pooled, name, rounds)
			}
		}
	}
	var extra []eval.NegativeSet
	if synthetic {
		l, err := eval.LoadLabels(filepath.Join(evalTestdata, "synthetic_tags_labels.jsonl"))
		if err != nil {
			return nil, err
		}
		extra = append(extra, eval.NegativeSet{Name: "synthetic", Src: eval.USS(filepath.Join(evalTestdata, "synthetic_tags.jsonl")), Labels: l})
	}
	lex, err := cfg.Lists()
	if err != nil {
		return nil, err
	}
	dets := detect.Registry(cfg.Detect, lex)
	detect.LearnSceneTags(dets)
	eng, err := detect.NewEngine(dets, nil)
	if err != nil {
		return nil, err
	}
	return eval.TrainTags(ctx, sets, extra, eng, pool, w)
}

// runEvalTags is `fullqa eval tags`: the measurement alone.
func runEvalTags(ctx context.Context, cfg config.Config, data, rounds, pooled, show string, synthetic bool, env Env) int {
	rep, err := trainTags(ctx, cfg, data, rounds, pooled, synthetic, nil)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: eval tags: %v\n", err)
		return ExitError
	}
	fmt.Fprint(env.Stdout, rep.String())
	for _, t := range rep.Tags {
		if show != "tag:"+t.Tag && show != t.Tag {
			continue
		}
		fmt.Fprintf(env.Stdout, "disagreements on tag:%s (cross-validated):\n", t.Tag)
		for _, set := range rep.Sets {
			for _, e := range t.Errors[set] {
				fmt.Fprintf(env.Stdout, "  %s %s\n", set, e)
			}
		}
	}
	return ExitOK
}

// runTrainTags is `fullqa train tags`: it writes the shipped scene-tag
// models (deterministic: the same labels give the same bytes), embedded
// at the next build.
func runTrainTags(ctx context.Context, args []string, env Env) int {
	var pooled string
	return runTrainer(ctx, args, env, trainer{
		name:  "tags",
		out:   filepath.Join("internal", "classify", "tags.weights"),
		flags: func(fs *flag.FlagSet) { pooledFlag(fs, &pooled) },
		train: func(ctx context.Context, data, rounds string, w io.Writer) (fmt.Stringer, error) {
			return trainTags(ctx, config.Default(), data, rounds, pooled, true, w)
		},
	})
}

// pooledFlag registers --pooled (the pooled shipping bar of the scene-tag
// scorers) on fs, stored in p.
func pooledFlag(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "pooled", "", "tags: judge each tag's learned decision pooled over these sources, comma-separated (the fifteenth session's bar: --jd2-rounds ABCDE --pooled jd2,jddev,jd3); empty: on every source")
}
