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

// trainEnding cross-validates the conversation-ending classifier on the
// labelled JDDC and uss chats (their ending labels; and the fresh
// JDDC-2019 chats when the data folder holds them) and, with w set,
// writes the final weights with the decision chosen by the
// cross-validation. As for the negative-emotion scorer, a chat's emotion
// scores come from the emotion model retrained without its fold.
func trainEnding(ctx context.Context, cfg config.Config, data, rounds string, w io.Writer, env Env) (*eval.EndingReport, error) {
	var sets []eval.EndingSet
	// The resolution rules were written and tuned on the JDDC sample.
	for _, s := range []struct {
		name, labels string
		tuned        bool
	}{{"jddc", "jddc_ending_labels.jsonl", true}, {"uss", "uss_ending_labels.jsonl", false}, {"jd2", "jd2_labels.jsonl", false}} {
		if s.name == "jd2" { // only when the data folder holds its chats (see labelledSets)
			if _, err := os.Stat(filepath.Join(data, "jddc2019", "chat_0.1per.txt")); err != nil {
				continue
			}
		}
		l, err := eval.LoadEndings(filepath.Join(evalTestdata, s.labels))
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
				keep, err := jd2Round(rounds, round)
				if err != nil {
					return nil, err
				}
				if !keep {
					delete(l, id)
				}
			}
		}
		src, _ := chatSource(data, s.name)
		sets = append(sets, eval.EndingSet{Name: s.name, Src: src, Endings: l, RulesTuned: s.tuned})
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
