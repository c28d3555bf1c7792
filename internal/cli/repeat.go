package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"fullqa/internal/config"
	"fullqa/internal/eval"
)

// trainRepeat cross-validates the learned restatement scorer (loop.repeat)
// on the labelled chats of rounds and, with w set, writes the weights of
// the final model; with gated set, the decision it is measured and its
// threshold chosen for is the gated one (the rules' exclusions keep the
// score from deciding), the one the loop detector takes when
// `detect.loop.learned` is on. The rules of loop.repeat do not read the
// emotion model, so one engine serves every conversation.
func trainRepeat(ctx context.Context, cfg config.Config, data, rounds string, w io.Writer, gated bool) (*eval.NegativeReport, error) {
	return repeatWith(ctx, cfg, data, rounds, w, false, gated, false)
}

// repeatShippedRounds are the labelled sources of the embedded restatement
// weights: all eight (the thirteenth comparison, internal/eval/testdata/README.md).
const repeatShippedRounds = "ABCDEFGH"

// repeatWith is trainRepeat, or with stacked set the measurement of the
// stacked restatement decision (eval.MeasureRepeatStacked; w unused), or
// with gated set that of the rules-or decision gated by the rules'
// exclusions (eval.MeasureRepeatGated, with their feature when exclusions
// is set; runEval refuses --stacked with --gated, and --exclusions without
// --gated), which with w set (and no exclusions) also writes the gated
// model (eval.TrainRepeatGated).
func repeatWith(ctx context.Context, cfg config.Config, data, rounds string, w io.Writer, stacked, gated, exclusions bool) (*eval.NegativeReport, error) {
	sets, err := labelledSets(data, rounds)
	if err != nil {
		return nil, err
	}
	// The features read the rules' verdict: the learned option's own finds
	// must not count as the rules'.
	cfg.Detect.Loop.Learned = false
	eng, err := newEngine(cfg, "all")
	if err != nil {
		return nil, err
	}
	switch {
	case stacked:
		return eval.MeasureRepeatStacked(ctx, sets, eng)
	case gated && w != nil && !exclusions:
		return eval.TrainRepeatGated(ctx, sets, eng, w)
	case gated:
		return eval.MeasureRepeatGated(ctx, sets, eng, exclusions)
	}
	return eval.TrainRepeat(ctx, sets, eng, w)
}

// runTrainRepeat is `fullqa train repeat`: it writes the learned
// restatement scorer's weights (deterministic: the same labels give the
// same bytes), by default the gated scorer on all eight labelled sources
// that the loop detector embeds and reads when `detect.loop.learned` is on.
func runTrainRepeat(ctx context.Context, args []string, env Env) int {
	gated := true
	embedded := filepath.Join("internal", "detect", "repeat.weights")
	var out *flag.Flag
	return runTrainer(ctx, args, env, trainer{
		name:   "repeat",
		out:    embedded,
		rounds: repeatShippedRounds,
		flags: func(fs *flag.FlagSet) {
			out = fs.Lookup("out")
			fs.BoolVar(&gated, "gated", true, "train the decision gated by the rules' exclusions, which the loop detector takes (false: the ungated scorer of the eighth comparison's first plan, which nothing loads)")
		},
		train: func(ctx context.Context, data, rounds string, w io.Writer) (fmt.Stringer, error) {
			// The detector reads the embedded file as the gated scorer:
			// an ungated one goes elsewhere.
			if !gated && out.Value.String() == embedded {
				return nil, fmt.Errorf("--gated=false writes a scorer the loop detector must not load: give --out")
			}
			return trainRepeat(ctx, config.Default(), data, rounds, w, gated)
		},
	})
}
