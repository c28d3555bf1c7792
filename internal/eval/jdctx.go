package eval

import (
	"fmt"
	"strings"

	"fullqa/internal/conversation"
)

// JDCtxExcluded is how many leading lines of the contexts file are not part
// of the labelled set: the sixteenth session's coordinator saw the first
// 16,000 characters of the file (lines 1–121 and the start of line 122) while
// judging its format, before any label existed, so those chats are not
// fresh and are left out of the round (internal/eval/testdata/README.md).
const JDCtxExcluded = 122

// JDCtx reads the development contexts of the JDDC TF-IDF baseline
// (devQuestions.txt beside devAnswers.txt): one chat fragment a line, its
// messages separated by ASCII commas, ending with the customer's last
// question; the answers file holds, one line each, what the agent answered
// to it — often several replies joined by ASCII commas, with a trailing
// comma.
// The file gives no roles, so reviewers assigned them while labelling: the
// roles file (JSONL, {"session_id", "roles": "CACA…"}, one letter a
// message, the answer's included) says who wrote each message.
//
// A conversation's id is "ctx-N", N the line number. Its messages are the
// line's non-empty comma-separated pieces (an empty piece is a picture or
// nothing, left out as a print-out leaves it out), then the answer line as
// one message, commas and all (the reviewers labelled it so), unless it is
// empty or only commas and spaces. The first skip lines are left out
// (JDCtxExcluded for the labelled round), and so is a line without a roles
// entry (not labelled). Labels are keyed by message number, so anything
// that could shift or drop a labelled chat is an error naming the file
// (and line): a roles entry whose length is not the message count, one
// that names no line read (a typo, a skipped line, past the end), a
// session given roles twice (LoadRoles), an answers file with another
// number of lines.
//
// With rolesPath empty every chat is yielded with unknown roles: the
// print-out the reviewers label from (fullqa eval print --source jdctx).
func JDCtx(questionPath, answerPath, rolesPath string, skip int) Source {
	return func(fn func(*conversation.Conversation) error) error {
		qs, err := jdDevLines(questionPath)
		if err != nil {
			return err
		}
		as, err := jdDevLines(answerPath)
		if err != nil {
			return err
		}
		qs, as = trimLastEmpty(qs), trimLastEmpty(as)
		if len(qs) != len(as) {
			return fmt.Errorf("%s: %d lines but %s has %d answers", questionPath, len(qs), answerPath, len(as))
		}
		roles, withRoles, err := loadRolesIf(rolesPath)
		if err != nil {
			return err
		}
		used := 0
		for i, line := range qs {
			if i < skip {
				continue
			}
			id := fmt.Sprintf("ctx-%d", i+1)
			texts := jdCtxMessages(line, as[i])
			c := &conversation.Conversation{ID: id, Channel: "jd"}
			rs, ok := roles[id]
			if withRoles {
				if !ok {
					continue
				}
				if len(rs) != len(texts) {
					return fmt.Errorf("%s:%d: %s has %d messages but %s gives %d roles", questionPath, i+1, id, len(texts), rolesPath, len(rs))
				}
				used++
			}
			for k, t := range texts {
				c.Messages = append(c.Messages, conversation.Message{Role: roleAt(withRoles, rs, k), Text: t})
			}
			if err := fn(c); err != nil {
				return err
			}
		}
		if used < len(roles) {
			return fmt.Errorf("%s: %d roles entries name no line read (lines %d–%d of %s)", rolesPath, len(roles)-used, skip+1, len(qs), questionPath)
		}
		return nil
	}
}

// jdCtxMessages splits one context line at its ASCII commas into the
// non-empty messages and adds the answer line as one message unless it is
// empty or only commas and spaces.
func jdCtxMessages(line, answer string) []string {
	var out []string
	for _, p := range strings.Split(line, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	if a := strings.TrimSpace(answer); strings.Trim(a, ", ") != "" {
		out = append(out, a)
	}
	return out
}

// trimLastEmpty drops the empty string a file's final line end leaves
// after splitting.
func trimLastEmpty(lines []string) []string {
	if n := len(lines); n > 0 && lines[n-1] == "" {
		return lines[:n-1]
	}
	return lines
}

// loadRolesIf loads the reviewers' roles file at path, or reports that
// there is none when path is "" (the print-out reviewers assign roles
// from): the readers of sources without roles of their own (JDCtx, ECD).
func loadRolesIf(path string) (Roles, bool, error) {
	if path == "" {
		return nil, false, nil
	}
	r, err := LoadRoles(path)
	return r, true, err
}

// roleAt is the role of message k by the roles string rs ('C' customer,
// else agent), or unknown without roles.
func roleAt(withRoles bool, rs string, k int) conversation.Role {
	switch {
	case !withRoles:
		return conversation.RoleUnknown
	case rs[k] == 'C':
		return conversation.RoleCustomer
	}
	return conversation.RoleAgent
}
