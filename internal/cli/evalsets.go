package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fullqa/internal/classify"
	"fullqa/internal/config"
	"fullqa/internal/detect"
	"fullqa/internal/eval"
)

// evalTestdata is where the labels live, relative to the repository root
// (the eval and train commands run from there).
var evalTestdata = filepath.Join("internal", "eval", "testdata")

// chatSource names the labelled chats of one source in the data folder:
// jddc (the JDDC sample), uss (the uss_jddc dialogues), twcs (the
// Twitter support sample), jd2 (more JDDC-2019 chats, the fresh held-out
// rounds: the public chat_0.1per.txt, or the labelled part of it, at
// jddc2019/chat_0.1per.txt; see internal/eval/testdata/README.md) or stc3
// (Weibo customer–helpdesk threads at stc3/test_data_cn.json, the held-out
// set of the seventh session), jd3 (JDDC-2019 chats of the other public
// 0.1 % sample file, at jddc2019b/chat_0.1per.txt: round E, the held-out
// set of the twelfth session) or jddev (the JDDC-2019 contest's development
// sessions at jddc2019/dev_question.txt and dev_answer.txt, the held-out set
// of the eighth session). It reports false for any other name.
func chatSource(data, source string) (eval.Source, bool) {
	switch source {
	case "jddc":
		return eval.JDDC(filepath.Join(data, "jddc", "jddc_dev.tsv")), true
	case "uss":
		return eval.USS(filepath.Join(data, "uss_jddc", "valid_jddc.dialogs.jsonl")), true
	case "twcs":
		return eval.TWCS(filepath.Join(data, "twcs", "twcs_head.csv")), true
	case "jd2":
		return eval.JDDC(filepath.Join(data, "jddc2019", "chat_0.1per.txt")), true
	case "jd3":
		return eval.JDDC(filepath.Join(data, "jddc2019b", "chat_0.1per.txt")), true
	case "stc3":
		return eval.STC3(filepath.Join(data, "stc3", "test_data_cn.json")), true
	case "jddev":
		return eval.JDDCDev(filepath.Join(data, "jddc2019", "dev_question.txt"), filepath.Join(data, "jddc2019", "dev_answer.txt")), true
	}
	return nil, false
}

// jd2RoundsAB is the default of --jd2-rounds: the trainers and their
// measurements read rounds A and B of the fresh JDDC-2019 chats (round C,
// the fifth session's held-out round, only when asked for).
// Round B was scored once as the held-out round of its session and has been
// training data since, like round A. The shipped weights say which rounds
// they were trained on; `--jd2-rounds A` gives again those trained on round
// A alone (promise, ending), and a --data folder without jddc2019 those
// trained on none (negative emotion).
const jd2RoundsAB = "AB"

// jd2RoundsFlag registers --jd2-rounds on fs, stored in p.
func jd2RoundsFlag(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "jd2-rounds", jd2RoundsAB, "the labelled rounds of the fresh JDDC-2019 chats (jd2) to train and measure on: AB, A, B, C, ABC …")
}

// jd2Round reports whether round (a label's "round") is one of rounds, the
// round letters A, B and C in order ("AB", "ABC", "C" …); any other rounds
// value is an error rather than a set that silently trains on nothing.
func jd2Round(rounds, round string) (bool, error) {
	last := byte('A' - 1)
	for i := 0; i < len(rounds); i++ {
		if c := rounds[i]; c <= last || c > 'C' {
			return false, fmt.Errorf("--jd2-rounds %q: want the rounds' letters A, B, C in order, e.g. AB, A, B, C or ABC", rounds)
		}
		last = rounds[i]
	}
	if rounds == "" {
		return false, fmt.Errorf("--jd2-rounds: empty (want e.g. AB)")
	}
	return len(round) == 1 && strings.Contains(rounds, round), nil
}

// labelledSets are the labelled sources the learned scorers train and are
// measured on: the JDDC sample and the uss dialogues with their labels, and
// the fresh JDDC-2019 chats (jd2) of the rounds named in rounds (the round
// letters A, B, C in order: "AB", "ABC", "C" …; see jd2RoundsAB and jd2Round) — only when data holds them
// (jddc2019/chat_0.1per.txt), since ../shared does not; the shipped weights
// say which sources they were trained on.
func labelledSets(data, rounds string) ([]eval.NegativeSet, error) {
	var sets []eval.NegativeSet
	for _, s := range []struct{ name, labels string }{{"jddc", "jddc_dev_labels.jsonl"}, {"uss", "uss_labels.jsonl"}, {"jd2", "jd2_labels.jsonl"}} {
		if s.name == "jd2" {
			if _, err := os.Stat(filepath.Join(data, "jddc2019", "chat_0.1per.txt")); err != nil {
				continue
			}
		}
		l, err := eval.LoadLabels(filepath.Join(evalTestdata, s.labels))
		if err != nil {
			return nil, err
		}
		if s.name == "jd2" {
			for id, lab := range l {
				keep, err := jd2Round(rounds, lab.Round)
				if err != nil {
					return nil, err
				}
				if !keep {
					delete(l, id)
				}
			}
		}
		src, _ := chatSource(data, s.name)
		sets = append(sets, eval.NegativeSet{Name: s.name, Src: src, Labels: l})
	}
	return sets, nil
}

// crossFitEngines gives every labelled conversation the engine whose
// emotion model was trained without that conversation's fold (the shipped
// model's engine for conversations no fold holds), so a learned scorer
// never reads emotion scores of a model that saw the conversation.
func crossFitEngines(ctx context.Context, cfg config.Config, data string, env Env) (func(id string) *detect.Engine, error) {
	shipped, err := classify.LoadEmotion()
	if err != nil {
		return nil, err
	}
	base, err := engineWith(cfg, shipped)
	if err != nil {
		return nil, err
	}
	cf, err := classify.CrossFitEmotion(ctx, data, env.Log)
	if err != nil {
		return nil, err
	}
	folds := make([]*detect.Engine, len(cf.Models))
	for f, m := range cf.Models {
		if folds[f], err = engineWith(cfg, m); err != nil {
			return nil, err
		}
	}
	return func(id string) *detect.Engine {
		if f, ok := cf.FoldOf[id]; ok {
			return folds[f]
		}
		return base
	}, nil
}
