package cli

import (
	"context"
	"fmt"
	"io"

	"fullqa/internal/config"
	"fullqa/internal/eval"
)

// trainRepeat cross-validates the learned restatement scorer (loop.repeat)
// on the labelled JDDC and uss chats and, with w set, writes the weights of
// the final model. The rules of loop.repeat do not read the emotion model,
// so one engine serves every conversation.
func trainRepeat(ctx context.Context, cfg config.Config, data, rounds string, w io.Writer) (*eval.NegativeReport, error) {
	return repeatWith(ctx, cfg, data, rounds, w, false, false, false)
}

// repeatWith is trainRepeat, or with stacked set the measurement of the
// stacked restatement decision (eval.MeasureRepeatStacked; w unused), or
// with gated set that of the rules-or decision gated by the rules'
// exclusions (eval.MeasureRepeatGated, with their feature when exclusions
// is set; w unused; runEval refuses --stacked with --gated, and
// --exclusions without --gated).
func repeatWith(ctx context.Context, cfg config.Config, data, rounds string, w io.Writer, stacked, gated, exclusions bool) (*eval.NegativeReport, error) {
	sets, err := labelledSets(data, rounds)
	if err != nil {
		return nil, err
	}
	eng, err := newEngine(cfg, "all")
	if err != nil {
		return nil, err
	}
	switch {
	case stacked:
		return eval.MeasureRepeatStacked(ctx, sets, eng)
	case gated:
		return eval.MeasureRepeatGated(ctx, sets, eng, exclusions)
	}
	return eval.TrainRepeat(ctx, sets, eng, w)
}

// runTrainRepeat is `fullqa train repeat`: it writes the learned
// restatement scorer's weights (deterministic: the same labels give the
// same bytes). The detector does not load them yet (see the README).
func runTrainRepeat(ctx context.Context, args []string, env Env) int {
	return runTrainer(ctx, args, env, trainer{
		name:        "repeat",
		out:         "repeat.weights",
		outUsage:    "weights file to write",
		notEmbedded: true,
		train: func(ctx context.Context, data, rounds string, w io.Writer) (fmt.Stringer, error) {
			return trainRepeat(ctx, config.Default(), data, rounds, w)
		},
	})
}
