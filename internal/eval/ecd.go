package eval

import (
	"fmt"
	"os"
	"strings"

	"fullqa/internal/conversation"
)

// ECDValidExcluded is how many leading lines of ECD_sample/valid are not
// part of the labelled round: the seventeenth session's coordinator saw the
// first 16,000 characters of the file (lines 1–73 and the start of line 74)
// while judging its format, and the first messages of line 75's chat while
// checking the print-out, before any label existed, so those chats are not
// fresh and are left out (internal/eval/testdata/README.md).
const ECDValidExcluded = 75

// ECD reads the sample of the E-commerce Dialogue Corpus (Zhang et al.,
// COLING 2018; real Taobao customer-service chats) that its authors
// publish beside their code, ECD_sample/valid and ECD_sample/test: one
// response-selection example a line, "label\tutterance\t…\tresponse",
// the words of every utterance separated by spaces. Only the lines
// labelled 1 are read — the chat as it went, the context and the response
// the agent really gave — so each chat is read once however many wrong
// candidates the file pairs with it. The words are joined back
// (Desegment). The files give no roles, so reviewers assigned them while
// labelling (the roles file of JDCtx: {"session_id", "roles": "CACA…"}).
//
// A conversation's id is "ecd-valid-N" or "ecd-test-N", N the line number.
// The first validSkip lines of the valid file are left out
// (ECDValidExcluded for the labelled round), and so is a line without a
// roles entry (not labelled). A roles entry of another length than the
// chat, or one that names no line read, is an error naming the file; so
// is a line of another shape (no tab, a label other than 0 or 1) and an
// empty utterance in a chat read, which would shift the message numbers
// the labels are keyed by if it were dropped.
//
// With rolesPath empty every chat is yielded with unknown roles: the
// print-out the reviewers label from (fullqa eval print --source ecd).
func ECD(validPath, testPath, rolesPath string, validSkip int) Source {
	return func(fn func(*conversation.Conversation) error) error {
		roles, withRoles, err := loadRolesIf(rolesPath)
		if err != nil {
			return err
		}
		used := 0
		for _, f := range []struct {
			path, name string
			skip       int
		}{{validPath, "valid", validSkip}, {testPath, "test", 0}} {
			b, err := os.ReadFile(f.path)
			if err != nil {
				return fmt.Errorf("ecd: %w", err)
			}
			for i, line := range trimLastEmpty(strings.Split(string(b), "\n")) {
				label, rest, ok := strings.Cut(line, "\t")
				if !ok || (label != "0" && label != "1") {
					return fmt.Errorf("%s:%d: want a 0 or 1 label, a tab and the utterances", f.path, i+1)
				}
				if label != "1" || i < f.skip {
					continue
				}
				id := fmt.Sprintf("ecd-%s-%d", f.name, i+1)
				rs, ok := roles[id]
				if withRoles && !ok {
					continue
				}
				texts := strings.Split(rest, "\t")
				if withRoles {
					if len(rs) != len(texts) {
						return fmt.Errorf("%s:%d: %s has %d messages but %s gives %d roles", f.path, i+1, id, len(texts), rolesPath, len(rs))
					}
					used++
				}
				c := &conversation.Conversation{ID: id, Channel: "taobao"}
				for k, t := range texts {
					text := Desegment(t)
					if text == "" {
						return fmt.Errorf("%s:%d: utterance %d is empty", f.path, i+1, k)
					}
					c.Messages = append(c.Messages, conversation.Message{Role: roleAt(withRoles, rs, k), Text: text})
				}
				if err := fn(c); err != nil {
					return err
				}
			}
		}
		if used < len(roles) {
			return fmt.Errorf("%s: %d roles entries name no chat read", rolesPath, len(roles)-used)
		}
		return nil
	}
}

// Desegment joins the words of a segmented Chinese utterance back into
// text: a run of spaces becomes one space between two ASCII letters or
// digits ("iPhone 7 plus") and nothing elsewhere, since Chinese is written
// without spaces ("3 - 5 天 客官" is "3-5天客官").
func Desegment(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if s[i] != ' ' {
			b = append(b, s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] == ' ' {
			j++
		}
		if len(b) > 0 && j < len(s) && asciiAlnum(b[len(b)-1]) && asciiAlnum(s[j]) {
			b = append(b, ' ')
		}
		i = j
	}
	return strings.TrimSpace(string(b))
}

// asciiAlnum reports whether c is an ASCII letter or digit.
func asciiAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
