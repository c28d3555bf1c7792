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

// trainRepeat cross-validates the learned restatement scorer (loop.repeat)
// on the labelled JDDC and uss chats and, with w set, writes the weights of
// the final model. The rules of loop.repeat do not read the emotion model,
// so one engine serves every conversation.
func trainRepeat(ctx context.Context, cfg config.Config, data string, w io.Writer) (*eval.NegativeReport, error) {
	sets, err := labelledSets(data)
	if err != nil {
		return nil, err
	}
	eng, err := newEngine(cfg, "all")
	if err != nil {
		return nil, err
	}
	return eval.TrainRepeat(ctx, sets, eng, w)
}

// runTrainRepeat is `fullqa train repeat`: it writes the learned
// restatement scorer's weights (deterministic: the same labels give the
// same bytes). The detector does not load them yet (see the README).
func runTrainRepeat(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("train repeat", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	data := fs.String("data", filepath.Join("..", "shared", "data"), "the shared data folder")
	out := fs.String("out", "repeat.weights", "weights file to write")
	if _, err := parseInterspersed(fs, args); err != nil {
		return ExitUsage
	}
	var buf bytes.Buffer
	rep, err := trainRepeat(ctx, config.Default(), *data, &buf)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: train repeat: %v\n", err)
		return ExitError
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitError
	}
	fmt.Fprintf(env.Stdout, "%s\nwrote %s (%d bytes)\n", rep, *out, buf.Len())
	return ExitOK
}
