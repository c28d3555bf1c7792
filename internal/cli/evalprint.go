package cli

import (
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"fullqa/internal/conversation"
)

// runEvalPrint prints the chats of one labelled source the way reviewers
// read them to label: each conversation's index and id, then one line per
// message with its number (the key of the labels), role and text. The
// message numbers are the ones the eval commands score, because the chats
// come from the same readers (chatSource); nothing else — no findings, no
// labels — is shown, so a blind reviewer can work from it.
func runEvalPrint(args []string, env Env) int {
	fs := flag.NewFlagSet("eval print", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	data := fs.String("data", filepath.Join("..", "shared", "data"), "the data folder")
	source := fs.String("source", "jddc", "the chats to print: jddc, uss, twcs, jd2, jd3, stc3, jddev, jdctx, ecd or jdh (jdctx and ecd without roles: the reviewers assign them)")
	from := fs.Int("from", 0, "first conversation index to print")
	to := fs.Int("to", -1, "last conversation index to print (-1: to the end)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return ExitUsage
	}
	src, ok := chatSource(*data, *source)
	// jdctx's and ecd's files give no roles: the print-out is what
	// reviewers assign them from, so it shows every chat, roles unknown.
	switch *source {
	case "jdctx":
		src = jdctxChats(*data, "")
	case "ecd":
		src = ecdChats(*data, "")
	}
	if !ok {
		fmt.Fprintf(env.Stderr, "fullqa eval print: unknown --source %q (want jddc, uss, twcs, jd2, jd3, stc3, jddev, jdctx, ecd or jdh)\n", *source)
		return ExitUsage
	}
	// A message's own line breaks and tabs would break the one-line-per-
	// message layout reviewers count on.
	oneLine := strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ")
	i := -1
	err := src(func(c *conversation.Conversation) error {
		i++
		if i < *from || (*to >= 0 && i > *to) {
			return nil
		}
		fmt.Fprintf(env.Stdout, "=== %d %s\n", i, c.ID)
		for k, m := range c.Messages {
			fmt.Fprintf(env.Stdout, "%d %s: %s\n", k, m.Role, oneLine.Replace(m.Text))
		}
		return nil
	})
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitError
	}
	return ExitOK
}
