package cli

import (
	"fmt"
	"path/filepath"

	"fullqa/internal/conversation"
	"fullqa/internal/eval"
)

// runEvalAgreement prints how far the second reviewer's blind labels agree
// with the first ones, per label key, for one source (jddc, uss, jd2, jd3,
// twcs — customer_negative and customer_threat only — stc3, jddev, jdctx,
// ecd or jdh). It
// reads the committed label and roles files only; with --errors KEY it also
// lists that key's disagreements, quoting the messages when the chats are
// in the data folder.
func runEvalAgreement(data, source, labels, show string, env Env) int {
	src, ok := chatSource(data, source)
	if !ok {
		fmt.Fprintf(env.Stderr, "fullqa eval agreement: unknown --source %q (want jddc, uss, jd2, jd3, twcs, stc3, jddev, jdctx, ecd or jdh)\n", source)
		return ExitUsage
	}
	if labels == "" {
		labels = filepath.Join(evalTestdata, detectorLabels[source])
	}
	ag, err := loadAgreement(labels, source)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitError
	}
	fmt.Fprint(env.Stdout, ag.String())
	if show != "" {
		printDisagreements(env, ag, show, src)
	}
	return ExitOK
}

// loadAgreement compares the first labels at path with the second
// reviewer's labels of source beside them (SOURCE_second_labels.jsonl,
// with the messages' roles in SOURCE_second_roles.jsonl).
func loadAgreement(path, source string) (*eval.Agreement, error) {
	dir := filepath.Dir(path)
	first, err := eval.LoadLabels(path)
	if err != nil {
		return nil, err
	}
	second, err := eval.LoadLabels(filepath.Join(dir, source+"_second_labels.jsonl"))
	if err != nil {
		return nil, err
	}
	roles, err := eval.LoadRoles(filepath.Join(dir, source+"_second_roles.jsonl"))
	if err != nil {
		return nil, err
	}
	return eval.CompareReviewers(first, second, roles)
}

// printDisagreements lists the units of key the reviewers read differently;
// the messages are quoted when the chats can be read, else only numbered.
func printDisagreements(env Env, ag *eval.Agreement, key string, src eval.Source) {
	texts := map[string][]string{}
	err := src(func(c *conversation.Conversation) error {
		for _, d := range ag.Disagreements {
			if d.Session == c.ID {
				for _, m := range c.Messages {
					texts[c.ID] = append(texts[c.ID], m.Text)
				}
				break
			}
		}
		return nil
	})
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: chats not quoted: %v\n", err)
	}
	fmt.Fprintf(env.Stdout, "\ndisagreements for %s (first reviewer's mark; the second marked the opposite):\n", key)
	for _, d := range ag.Disagreements {
		if d.Key != key {
			continue
		}
		mark := "first only "
		if !d.FirstSays {
			mark = "second only"
		}
		if d.Message < 0 {
			fmt.Fprintf(env.Stdout, "  %s %s\n", mark, d.Session)
			continue
		}
		text := ""
		if t := texts[d.Session]; d.Message < len(t) {
			text = " " + clipRunes(t[d.Message], 80)
		}
		fmt.Fprintf(env.Stdout, "  %s %s[%d]%s\n", mark, d.Session, d.Message, text)
	}
}

// clipRunes shortens s to n runes, marking the cut.
func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
