package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"fullqa/internal/config"
	"fullqa/internal/eval"
)

// trainEnding cross-validates the conversation-ending classifier on the
// labelled JDDC and uss chats (their ending labels; and the fresh
// JDDC-2019 chats when the data folder holds them) and, with w set,
// writes the final weights with the decision chosen by the
// cross-validation. As for the negative-emotion scorer, a chat's emotion
// scores come from the emotion model retrained without its fold.
func trainEnding(ctx context.Context, cfg config.Config, data, rounds string, w io.Writer, env Env) (*eval.EndingReport, error) {
	srcs, err := sourcesFor(data, rounds)
	if err != nil {
		return nil, err
	}
	var sets []eval.EndingSet
	for _, s := range srcs {
		// The resolution rules were written and tuned on the JDDC sample,
		// whose ending labels have a file of their own, as have uss's.
		labels := s.labels
		switch s.name {
		case "jddc":
			labels = "jddc_ending_labels.jsonl"
		case "uss":
			labels = "uss_ending_labels.jsonl"
		}
		l, err := eval.LoadEndings(filepath.Join(evalTestdata, labels))
		if err != nil {
			return nil, err
		}
		if s.name == "jd2" {
			lab, err := eval.LoadLabels(filepath.Join(evalTestdata, s.labels))
			if err != nil {
				return nil, err
			}
			for id := range l {
				round := ""
				if lab[id] != nil {
					round = lab[id].Round
				}
				keep, err := s.keepRound(rounds, round)
				if err != nil {
					return nil, err
				}
				if !keep {
					delete(l, id)
				}
			}
		}
		src, _ := chatSource(data, s.name)
		sets = append(sets, eval.EndingSet{Name: s.name, Src: src, Endings: l, RulesTuned: s.name == "jddc"})
	}
	engineFor, err := crossFitEngines(ctx, cfg, data, env)
	if err != nil {
		return nil, err
	}
	return eval.TrainEnding(ctx, sets, engineFor, w)
}

// runTrainEnding cross-validates the conversation-ending classifier and
// writes its weights, with the decision the cross-validation chose, to
// the file embedded at the next build.
func runTrainEnding(ctx context.Context, args []string, env Env) int {
	return runTrainer(ctx, args, env, trainer{
		name: "ending",
		out:  filepath.Join("internal", "classify", "ending.weights"),
		train: func(ctx context.Context, data, rounds string, w io.Writer) (fmt.Stringer, error) {
			return trainEnding(ctx, config.Default(), data, rounds, w, env)
		},
	})
}
