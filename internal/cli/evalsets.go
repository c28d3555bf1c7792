package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
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
// of the eighth session) or jdctx (the development contexts of the JDDC
// TF-IDF baseline at jdctx/devQuestions.txt and devAnswers.txt, with the
// reviewers' roles: the held-out set of the sixteenth session) or ecd (the
// E-commerce Dialogue Corpus sample of Taobao chats at ecd/valid and
// ecd/test, with the reviewers' roles: the held-out set of the seventeenth
// session) or jdh (JD refund windows of the JDDC corpus and the JDDC-2020
// multimodal contest's test sessions at jdh/refund-candidates-100.jsonl
// and jdh/test_questions.json: round H, the held-out set of the eighteenth
// session). It reports false for any other name.
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
	case "jdctx":
		return jdctxChats(data, filepath.Join(evalTestdata, jdctxRoles)), true
	case "ecd":
		return ecdChats(data, filepath.Join(evalTestdata, ecdRoles)), true
	case "jdh":
		return eval.JDH(filepath.Join(data, "jdh", "refund-candidates-100.jsonl"), filepath.Join(data, "jdh", "test_questions.json"), eval.JDHExcluded()), true
	}
	return nil, false
}

// jdctxRoles is the reviewers' roles file of the jdctx chats, in
// evalTestdata: the chats' own file gives no roles.
const jdctxRoles = "jdctx_roles.jsonl"

// jdctxChats reads the jdctx chats of the data folder with the roles file
// at roles, or with no roles when it is "" (the print-out reviewers assign
// them from).
func jdctxChats(data, roles string) eval.Source {
	return eval.JDCtx(filepath.Join(data, "jdctx", "devQuestions.txt"), filepath.Join(data, "jdctx", "devAnswers.txt"), roles, eval.JDCtxExcluded)
}

// ecdRoles is the reviewers' roles file of the ecd chats, in evalTestdata:
// the chats' own files give no roles.
const ecdRoles = "ecd_roles.jsonl"

// ecdChats reads the ecd chats of the data folder with the roles file at
// roles, or with no roles when it is "" (the print-out reviewers assign
// them from).
func ecdChats(data, roles string) eval.Source {
	return eval.ECD(filepath.Join(data, "ecd", "valid"), filepath.Join(data, "ecd", "test"), roles, eval.ECDValidExcluded)
}

// jd2RoundsAB is the default of --jd2-rounds: the trainers and their
// measurements read rounds A and B of the fresh JDDC-2019 chats (round C,
// the fifth session's held-out round, only when asked for).
// Round B was scored once as the held-out round of its session and has been
// training data since, like round A. The shipped weights say which rounds
// they were trained on; the earlier ones come back with the flags their
// documents name (for the round-A promise scorer `--jd2-rounds A
// --training-only ""`; for the rules-or negative scorer `--stacked=false
// --synthetic=false --jd2-rounds AB --min-precision 0.80`).
//
// Rounds D to H are the later held-out rounds, each a source of its own: D
// the JDDC-2019 contest's development sessions (jddev), E the other public
// 0.1 % sample (jd3), F the JDDC TF-IDF baseline's development contexts
// (jdctx, chat fragments with the reviewers' roles), G the Taobao chats of
// the E-commerce Dialogue Corpus sample (ecd, with the reviewers' roles), H
// the JD refund windows and JDDC-2020 test sessions (jdh). Their letters
// add the source, so "ABCDEFGH" reads every labelled fresh chat.
const jd2RoundsAB = "AB"

// jd2RoundsFlag registers --jd2-rounds on fs, stored in p, with the
// default def (jd2RoundsAB when empty): a trainer whose shipped weights read
// other rounds defaults to those.
func jd2RoundsFlag(fs *flag.FlagSet, p *string, def string) {
	if def == "" {
		def = jd2RoundsAB
	}
	fs.StringVar(p, "jd2-rounds", def, "the labelled fresh rounds (JD chats, and Taobao chats for G) to train and measure on: A, B, C (jd2), D (jddev), E (jd3), F (jdctx), G (ecd), H (jdh), in order: AB, ABC, ABCDE …")
}

// jd2Round reports whether round (a label's "round") is one of rounds, the
// round letters A to H in order ("AB", "ABC", "C", "ABCDE" …); any other
// rounds value is an error rather than a set that silently trains on
// nothing.
func jd2Round(rounds, round string) (bool, error) {
	last := byte('A' - 1)
	for i := 0; i < len(rounds); i++ {
		if c := rounds[i]; c <= last || c > 'H' {
			return false, fmt.Errorf("--jd2-rounds %q: want the rounds' letters A to H in order, e.g. AB, A, C, ABC, ABCDE or ABCDEFGH", rounds)
		}
		last = rounds[i]
	}
	if rounds == "" {
		return false, fmt.Errorf("--jd2-rounds: empty (want e.g. AB)")
	}
	return len(round) == 1 && strings.Contains(rounds, round), nil
}

// labelledSource is one labelled source of chats the trainers read: its
// name (as chatSource knows it), its labels file in evalTestdata, and the
// round letter that asks for it ("" for jddc and uss, always read; "ABC"
// for jd2, whose labels the rounds filter).
type labelledSource struct {
	name, labels, rounds string
	// roles is the reviewers' roles file in evalTestdata of a source whose
	// chats take their roles from it ("" for the others).
	roles string
	// files are the chats that must be in the data folder, relative to it.
	files []string
}

// labelledSources are the labelled sources in the order the trainers
// read them.
var labelledSources = []labelledSource{
	{name: "jddc", labels: "jddc_dev_labels.jsonl"},
	{name: "uss", labels: "uss_labels.jsonl"},
	{name: "jd2", labels: "jd2_labels.jsonl", rounds: "ABC", files: []string{filepath.Join("jddc2019", "chat_0.1per.txt")}},
	{name: "jddev", labels: "jddev_labels.jsonl", rounds: "D", files: []string{filepath.Join("jddc2019", "dev_question.txt"), filepath.Join("jddc2019", "dev_answer.txt")}},
	{name: "jd3", labels: "jd3_labels.jsonl", rounds: "E", files: []string{filepath.Join("jddc2019b", "chat_0.1per.txt")}},
	{name: "jdctx", labels: "jdctx_labels.jsonl", rounds: "F", roles: jdctxRoles, files: []string{filepath.Join("jdctx", "devQuestions.txt"), filepath.Join("jdctx", "devAnswers.txt")}},
	{name: "ecd", labels: "ecd_labels.jsonl", rounds: "G", roles: ecdRoles, files: []string{filepath.Join("ecd", "valid"), filepath.Join("ecd", "test")}},
	{name: "jdh", labels: "jdh_labels.jsonl", rounds: "H", files: []string{filepath.Join("jdh", "refund-candidates-100.jsonl"), filepath.Join("jdh", "test_questions.json")}},
}

// sourcesFor returns the labelled sources rounds asks for whose chats the
// data folder holds: jddc and uss always; jd2 when rounds names one of A,
// B, C and data holds its file (with the default rounds, AB, left out
// silently when it does not, since ../shared does not hold it; any other
// rounds value is an explicit ask, an error then); jddev for D, jd3 for E,
// jdctx for F, ecd for G and jdh for H, an error when asked for and missing.
func sourcesFor(data, rounds string) ([]labelledSource, error) {
	if _, err := jd2Round(rounds, ""); err != nil {
		return nil, err
	}
	var out []labelledSource
	for _, s := range labelledSources {
		if s.rounds != "" && !strings.ContainsAny(rounds, s.rounds) {
			continue
		}
		missing := ""
		for _, f := range s.files {
			if _, err := os.Stat(filepath.Join(data, f)); err != nil {
				missing = f
				break
			}
		}
		switch {
		case missing != "" && s.name == "jd2" && rounds == jd2RoundsAB:
			continue // AB (the default, or asked for) reads jd2 only when the data folder holds it
		case missing != "":
			return nil, fmt.Errorf("--jd2-rounds %q reads %s: %s is not in %s", rounds, s.name, missing, data)
		}
		out = append(out, s)
	}
	return out, nil
}

// keepRound reports whether a label of source s with the given round is
// one rounds asks for: every label of a source read whole, and the jd2
// labels of the rounds named.
func (s labelledSource) keepRound(rounds, round string) (bool, error) {
	if s.name != "jd2" {
		return true, nil
	}
	return jd2Round(rounds, round)
}

// labelledSets are the labelled sources the learned scorers train and are
// measured on (sourcesFor): the JDDC sample and the uss dialogues with their
// labels, and the fresh chats of the rounds named in rounds — only when
// data holds them, since ../shared does not; the shipped weights say which
// sources they were trained on.
func labelledSets(data, rounds string) ([]eval.NegativeSet, error) {
	srcs, err := sourcesFor(data, rounds)
	if err != nil {
		return nil, err
	}
	var sets []eval.NegativeSet
	for _, s := range srcs {
		l, err := eval.LoadLabels(filepath.Join(evalTestdata, s.labels))
		if err != nil {
			return nil, err
		}
		for id, lab := range l {
			keep, err := s.keepRound(rounds, lab.Round)
			if err != nil {
				return nil, err
			}
			if !keep {
				delete(l, id)
			}
		}
		if err := rolesCoverLabels(s.roles, l); err != nil {
			return nil, err
		}
		src, _ := chatSource(data, s.name)
		sets = append(sets, eval.NegativeSet{Name: s.name, Src: src, Labels: l})
	}
	return sets, nil
}

// rolesOf returns the roles file of the labelled source named source (""
// when its chats carry their own roles).
func rolesOf(source string) string {
	for _, s := range labelledSources {
		if s.name == source {
			return s.roles
		}
	}
	return ""
}

// rolesCoverLabels checks, for a source whose chats take their roles from
// the reviewers' roles file roles (in evalTestdata; "" passes), that every
// labelled chat has a roles entry: the reader leaves a chat without one
// out, and a labelled chat left out must be an error, not a smaller set.
func rolesCoverLabels(roles string, labels map[string]*eval.Labels) error {
	if roles == "" {
		return nil
	}
	path := filepath.Join(evalTestdata, roles)
	rs, err := eval.LoadRoles(path)
	if err != nil {
		return err
	}
	var missing []string
	for id := range labels {
		if _, ok := rs[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing) // the same one named on every run
		return fmt.Errorf("%s: %d labelled chats have no roles entry (first %s)", path, len(missing), missing[0])
	}
	return nil
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
