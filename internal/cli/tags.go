package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"fullqa/internal/config"
	"fullqa/internal/eval"
)

// trainTags measures the learned scene-tag scorers (quality, compensation,
// logistics) on the labelled JDDC and uss chats and, with w set, writes
// the models of the tags whose learned decision measured better than the
// rules. The scene rules do not read the emotion model, so one engine
// serves every conversation.
func trainTags(ctx context.Context, cfg config.Config, data string, w io.Writer) (*eval.TagsReport, error) {
	sets, err := labelledSets(data)
	if err != nil {
		return nil, err
	}
	eng, err := newEngine(cfg, "all")
	if err != nil {
		return nil, err
	}
	return eval.TrainTags(ctx, sets, nil, eng, w)
}

// runEvalTags is `fullqa eval tags`: the measurement alone.
func runEvalTags(ctx context.Context, cfg config.Config, data, show string, env Env) int {
	rep, err := trainTags(ctx, cfg, data, nil)
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
	fs := flag.NewFlagSet("train tags", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	data := fs.String("data", filepath.Join("..", "shared", "data"), "the shared data folder")
	out := fs.String("out", filepath.Join("internal", "classify", "tags.weights"), "weights file to write (embedded at the next build)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return ExitUsage
	}
	var buf bytes.Buffer
	rep, err := trainTags(ctx, config.Default(), *data, &buf)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: train tags: %v\n", err)
		return ExitError
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitError
	}
	fmt.Fprintf(env.Stdout, "%s\nwrote %s (%d bytes); rebuild to embed it\n", rep, *out, buf.Len())
	return ExitOK
}
