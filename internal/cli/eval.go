package cli

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"

	"fullqa/internal/classify"
	"fullqa/internal/config"
	"fullqa/internal/detect"
	"fullqa/internal/eval"
)

// runEval measures detectors (and, with the emotion model, emotion) against
// the hand-labelled dev set.
func runEval(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, "usage: fullqa eval detectors|emotion [flags]")
		return ExitUsage
	}
	what := args[0]
	fs := flag.NewFlagSet("eval "+what, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	data := fs.String("data", filepath.Join("..", "shared", "data"), "the shared data folder")
	labels := fs.String("labels", filepath.Join("internal", "eval", "testdata", "jddc_dev_labels.jsonl"), "labels file (detectors)")
	cfgPath := fs.String("config", "", "YAML config file")
	show := fs.String("errors", "", "list the disagreements for this label (e.g. promise.made)")
	if _, err := parseInterspersed(fs, args[1:]); err != nil {
		return ExitUsage
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitUsage
	}
	switch what {
	case "detectors":
		lab, err := eval.LoadLabels(*labels)
		if err != nil {
			fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
			return ExitError
		}
		eng, err := newEngine(cfg, "all", true)
		if err != nil {
			fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
			return ExitError
		}
		rep, err := eval.Detectors(ctx, eng, filepath.Join(*data, "jddc", "jddc_dev.tsv"), lab)
		if err != nil {
			fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
			return ExitError
		}
		fmt.Fprint(env.Stdout, rep.String())
		if *show != "" {
			fmt.Fprintf(env.Stdout, "\ndisagreements for %s:\n", *show)
			for _, e := range rep.Errors[*show] {
				fmt.Fprintln(env.Stdout, "  "+e)
			}
		}
		return ExitOK
	}
	fmt.Fprintf(env.Stderr, "fullqa eval: unknown target %q (want detectors or emotion)\n", what)
	return ExitUsage
}

// newEngine builds the detector engine from the config and a --detectors
// value. withEmotion loads the embedded emotion model when one is present.
func newEngine(cfg config.Config, spec string, withEmotion bool) (*detect.Engine, error) {
	lex, err := cfg.Lists()
	if err != nil {
		return nil, err
	}
	dets, err := detect.Select(detect.Registry(cfg.Detect, lex), spec)
	if err != nil {
		return nil, err
	}
	var emo detect.EmotionModel
	if withEmotion && cfg.Detect.Emotion.Enabled && len(dets) > 0 {
		m, err := classify.LoadEmotion()
		if err != nil {
			return nil, err
		}
		emo = m
	}
	return detect.NewEngine(dets, emo)
}
