package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"fullqa/internal/config"
	"fullqa/internal/eval"
)

// threatTraindata is the training-only synthetic threat set, relative to
// the repository root: conversations in the canonical input format and
// their customer_threat labels (see its README: never scored as held-out).
var threatTraindata = filepath.Join("internal", "classify", "traindata")

// trainThreat cross-validates the learned threat scorer on the synthetic
// set, measures the model trained on all of it on the real labelled chats
// and the threat candidates (when data holds them), and, with w set,
// writes its weights. The threat rules do not read the emotion model, so
// one engine serves every conversation.
func trainThreat(ctx context.Context, cfg config.Config, data, rounds string, w io.Writer) (*eval.ThreatLearnReport, error) {
	syn, err := eval.LoadLabels(filepath.Join(threatTraindata, "threats_labels.jsonl"))
	if err != nil {
		return nil, err
	}
	in := eval.ThreatInputs{Synthetic: eval.NegativeSet{Name: "synthetic",
		Src: eval.Canonical(filepath.Join(threatTraindata, "threats.jsonl")), Labels: syn}}
	if _, err := os.Stat(filepath.Join(data, "jddc", "jddc_dev.tsv")); err == nil {
		if in.Real, err = labelledSets(data, rounds); err != nil {
			return nil, err
		}
		in.JDDC, _ = chatSource(data, "jddc")
		in.USS, _ = chatSource(data, "uss")
		in.Candidates = filepath.Join(evalTestdata, "threat_candidates.jsonl")
	}
	eng, err := newEngine(cfg, "threat")
	if err != nil {
		return nil, err
	}
	return eval.TrainThreat(ctx, in, eng, w)
}

// runTrainThreat is `fullqa train threat`: it writes the learned threat
// scorer's weights (deterministic: the same data gives the same bytes).
func runTrainThreat(ctx context.Context, args []string, env Env) int {
	return runTrainer(ctx, args, env, trainer{
		name:      "threat",
		dataUsage: "the shared data folder (for the held-out measurement only)",
		out:       filepath.Join("internal", "classify", "threat.weights"),
		train: func(ctx context.Context, data, rounds string, w io.Writer) (fmt.Stringer, error) {
			return trainThreat(ctx, config.Default(), data, rounds, w)
		},
	})
}
