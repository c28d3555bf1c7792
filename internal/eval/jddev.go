package eval

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"fullqa/internal/conversation"
)

// JDDCDev reads the development set of the JDDC-2019 dialogue contest as
// stored in two files: questionPath (dev_question.txt) holds each session's
// opening context — "Q:\t" customer lines and "A:\t" agent lines — and then
// the customer's next turns as <Q1>…</Q1>, <Q2>…; answerPath
// (dev_answer.txt) holds, per session, the agent's answer to each of those
// turns, one line each. A session is framed by "<session NAME>" and
// "</session NAME>" in both files and NAME is the conversation id.
//
// The contest gave up to three reference answers per agent turn, joined by
// "<sep>"; only the first is read, taken as the reply the agent sent (in
// the file it reads as the terse original, the others as polished
// rewrites or NULL). Within a turn, "!@@@!"
// separates the messages the speaker sent one after another; each becomes
// one message, and empty or "NULL" ones (a picture or nothing) are left out,
// as a reviewer's print-out leaves them out. Message numbers count the
// messages kept, in order: the context, then each <Qk> turn followed by
// answer k.
//
// Labels are keyed by session and message number, so the reader is strict
// rather than forgiving: the two files must hold the same sessions, each
// once, with as many answers as turns, the turns numbered 1, 2, … in order;
// anything else is an error naming the file (and the line where one
// applies), never a silently different set.
func JDDCDev(questionPath, answerPath string) Source {
	return func(fn func(*conversation.Conversation) error) error {
		qs, err := readJDDevQuestions(questionPath)
		if err != nil {
			return err
		}
		as, err := readJDDevAnswers(answerPath)
		if err != nil {
			return err
		}
		if err := pairJDDev(questionPath, answerPath, qs, as); err != nil {
			return err
		}
		for _, s := range qs {
			c := &conversation.Conversation{ID: s.id, Channel: "jd"}
			add := func(role conversation.Role, turn string) {
				for _, m := range jdDevMessages(turn) {
					c.Messages = append(c.Messages, conversation.Message{Role: role, Text: m})
				}
			}
			for _, t := range s.context {
				add(t.role, t.text)
			}
			answers := as[s.id]
			for k, q := range s.turns {
				add(conversation.RoleCustomer, q)
				add(conversation.RoleAgent, answers[k])
			}
			if err := fn(c); err != nil {
				return err
			}
		}
		return nil
	}
}

// pairJDDev checks that the question and answer files describe the same
// sessions with one answer per turn.
func pairJDDev(questionPath, answerPath string, qs []jdDevSession, as map[string][]string) error {
	seen := make(map[string]bool, len(qs))
	for _, s := range qs {
		answers, ok := as[s.id]
		if !ok {
			return fmt.Errorf("%s: session %s has no answers in %s", questionPath, s.id, answerPath)
		}
		if len(answers) != len(s.turns) {
			return fmt.Errorf("%s: session %s has %d turns but %s gives %d answers", questionPath, s.id, len(s.turns), answerPath, len(answers))
		}
		seen[s.id] = true
	}
	var extra []string
	for id := range as {
		if !seen[id] {
			extra = append(extra, id)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra) // the same session named on every run
		return fmt.Errorf("%s: session %s is not in %s", answerPath, extra[0], questionPath)
	}
	return nil
}

// jdDevTurn is one context line of a dev session: who spoke and the raw
// turn (alternatives and message separators still in it).
type jdDevTurn struct {
	role conversation.Role
	text string
}

// jdDevSession is one session of dev_question.txt.
type jdDevSession struct {
	id      string
	context []jdDevTurn
	turns   []string
}

// jdDevMessages splits a raw turn into the messages the speaker sent: the
// first of the "<sep>" alternatives, cut at "!@@@!", without empty or
// "NULL" pieces.
func jdDevMessages(turn string) []string {
	first, _, _ := strings.Cut(turn, "<sep>")
	var out []string
	for _, p := range strings.Split(first, "!@@@!") {
		p = strings.TrimSpace(p)
		if p == "" || p == "NULL" {
			continue
		}
		out = append(out, p)
	}
	return out
}

// jdDevLines reads path as lines without their line ends.
func jdDevLines(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read jddc dev: %w", err)
	}
	s := strings.TrimPrefix(string(b), "\uFEFF")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Split(s, "\n"), nil
}

// sessionName returns NAME of a "<session NAME>" line.
func sessionName(line string) (string, bool) {
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, "<session ") || !strings.HasSuffix(line, ">") {
		return "", false
	}
	return strings.TrimSpace(line[len("<session ") : len(line)-1]), true
}

// jdDevBlock is one "<session NAME>" … "</session NAME>" block of a dev
// file: its name, the line it opens on and its body lines with their line
// numbers.
type jdDevBlock struct {
	name  string
	start int
	lines []jdDevLine
}

// jdDevLine is one body line of a block and its 1-based line number.
type jdDevLine struct {
	no   int
	text string
}

// readJDDevBlocks splits the dev file at path into its session blocks, in
// file order: both files share this framing, and the same errors — text
// outside a block, a session twice, a block not closed before the next
// opens or at the end. Blank lines between blocks are skipped; inside a
// block every line is kept for the caller to read.
func readJDDevBlocks(path string) ([]jdDevBlock, error) {
	lines, err := jdDevLines(path)
	if err != nil {
		return nil, err
	}
	var (
		out  []jdDevBlock
		cur  *jdDevBlock
		seen = map[string]bool{}
	)
	for i, line := range lines {
		bad := func(what string) error { return fmt.Errorf("%s:%d: %s", path, i+1, what) }
		switch {
		case cur == nil:
			if strings.TrimSpace(line) == "" {
				continue
			}
			name, ok := sessionName(line)
			if !ok {
				return nil, bad("want <session NAME>")
			}
			if seen[name] {
				return nil, bad("session " + name + " appears twice")
			}
			seen[name] = true
			out = append(out, jdDevBlock{name: name, start: i + 1})
			cur = &out[len(out)-1]
		case strings.TrimRight(line, " ") == "</session "+cur.name+">":
			cur = nil
		case strings.HasPrefix(line, "<session "):
			return nil, bad(fmt.Sprintf("session %s (line %d) is not closed", cur.name, cur.start))
		default:
			cur.lines = append(cur.lines, jdDevLine{no: i + 1, text: line})
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: session %s is not closed", path, cur.start, cur.name)
	}
	return out, nil
}

// readJDDevQuestions parses dev_question.txt into its sessions, in file
// order.
func readJDDevQuestions(path string) ([]jdDevSession, error) {
	blocks, err := readJDDevBlocks(path)
	if err != nil {
		return nil, err
	}
	out := make([]jdDevSession, len(blocks))
	for b, blk := range blocks {
		cur := &out[b]
		cur.id = blk.name
		for _, l := range blk.lines {
			bad := func(what string) error { return fmt.Errorf("%s:%d: %s", path, l.no, what) }
			line := strings.TrimRight(l.text, " ")
			switch {
			case strings.TrimSpace(line) == "":
			case line == "<context>" || line == "</context>":
			case strings.HasPrefix(line, "Q:\t"):
				cur.context = append(cur.context, jdDevTurn{conversation.RoleCustomer, line[len("Q:\t"):]})
			case strings.HasPrefix(line, "A:\t"):
				cur.context = append(cur.context, jdDevTurn{conversation.RoleAgent, line[len("A:\t"):]})
			case strings.HasPrefix(line, "<Q"):
				tag := fmt.Sprintf("Q%d", len(cur.turns)+1)
				text, ok := strings.CutPrefix(line, "<"+tag+">")
				if ok {
					text, ok = strings.CutSuffix(text, "</"+tag+">")
				}
				if !ok {
					return nil, bad("want <" + tag + ">text</" + tag + ">")
				}
				cur.turns = append(cur.turns, text)
			default:
				return nil, bad("unexpected line in session " + cur.id)
			}
		}
	}
	return out, nil
}

// readJDDevAnswers parses dev_answer.txt: each session's answer lines, in
// order, keyed by session name. An empty line is an empty answer, so the
// turns stay paired.
func readJDDevAnswers(path string) (map[string][]string, error) {
	blocks, err := readJDDevBlocks(path)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]string, len(blocks))
	for _, blk := range blocks {
		answers := make([]string, 0, len(blk.lines))
		for _, l := range blk.lines {
			answers = append(answers, l.text)
		}
		out[blk.name] = answers
	}
	return out, nil
}
