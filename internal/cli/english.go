package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"fullqa/internal/config"
	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/eval"
)

// trainEnglish measures the learned English scorer of what (negative: the
// shipped negative-emotion scorer; threat: a threat scorer, measured only)
// on the labelled English Twitter support threads (twcs) and, with w set,
// writes its weights. The English features read no emotion-model score, so one
// engine serves every thread.
func trainEnglish(ctx context.Context, cfg config.Config, data, what string, w io.Writer) (*eval.EnglishReport, error) {
	src, _ := chatSource(data, "twcs")
	lab, err := eval.LoadLabels(filepath.Join(evalTestdata, detectorLabels["twcs"]))
	if err != nil {
		return nil, err
	}
	eng, err := newEngine(cfg, "all")
	if err != nil {
		return nil, err
	}
	var scratch detect.Scratch
	target := eval.EnglishTarget{
		Name: "emotion.negative",
		Key:  "customer_negative",
		Gold: func(l *eval.Labels) []int { return l.CustomerNegative },
		Features: func(c *conversation.Conversation, emit func(int, bool, bool, []uint32, []float32)) {
			in, _ := eng.Inspect(c, &scratch)
			eng.EnglishNegativeFeatures(in, emit)
		},
	}
	switch what {
	case "negative":
	case "threat":
		target = eval.EnglishTarget{
			Name: "threat.escalation",
			Key:  "customer_threat",
			Gold: func(l *eval.Labels) []int { return l.CustomerThreat },
			Features: func(c *conversation.Conversation, emit func(int, bool, bool, []uint32, []float32)) {
				in, _ := eng.Inspect(c, &scratch)
				eng.EnglishThreatFeatures(in, emit)
			},
		}
	default:
		return nil, fmt.Errorf("--target %q: want negative or threat", what)
	}
	return eval.TrainEnglish(ctx, eval.NegativeSet{Name: "twcs", Src: src, Labels: lab}, target, w)
}

// runTrainEnglish is `fullqa train english`: it writes the learned English
// negative-emotion scorer's weights (deterministic: the same labels give
// the same bytes).
func runTrainEnglish(ctx context.Context, args []string, env Env) int {
	return runTrainer(ctx, args, env, trainer{
		name:     "english",
		out:      filepath.Join("internal", "detect", "emotion_en.weights"),
		noRounds: true,
		train: func(ctx context.Context, data, _ string, w io.Writer) (fmt.Stringer, error) {
			return trainEnglish(ctx, config.Default(), data, "negative", w)
		},
	})
}
