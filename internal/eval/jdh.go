package eval

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"fullqa/internal/conversation"
)

// JDH reads round H, two small public files of real JD customer-service
// chats that nobody building a detector had read
// (internal/eval/testdata/README.md):
//
//   - refundPath, a JSON Lines file of refund chats drawn from the JDDC
//     corpus (data/benchmarks/jddc/refund-candidates-100.jsonl of
//     fei8fenqian/ecommerce-cs-agent): one window a line, {"id",
//     "session_id", "turn_index", "history": [{"role": "user"|"assistant",
//     "content"}], "query"}, the customer's query last. A window's id is
//     "ref-" and its session id.
//   - mdcPath, the online test questions of the JD multimodal dialogue
//     contest JDDC-2020 (online_test_data/test_questions.json of
//     jerrylsu/JDMDC2020-Solution-2nd): a JSON array of {"SessionId",
//     "Context": ["Q:…", "A:…"], "Question"}, Q the customer and A the
//     shop's agent, the customer's question last. One speaker's messages
//     of a turn are joined by "|||"; each is a message of its own here. A
//     chat's id is "mdc-" and its session id.
//
// Both files carry roles, so the reviewers label from the chats as read
// here. The reader is strict, since the labels are keyed by message
// number: an unknown role, a context line without its Q:/A: prefix, an
// empty refund message, a session with nothing to read or a repeated id
// is an error naming the file and the line (or the array's element). The
// contest's file holds empty turns and empty pieces between "|||" (a
// reply left out of the data); they are no messages, the same way every
// time, so the numbering the labels use is stable.
func JDH(refundPath, mdcPath string) Source {
	return func(fn func(*conversation.Conversation) error) error {
		seen := map[string]bool{}
		emit := func(c *conversation.Conversation, where string) error {
			if seen[c.ID] {
				return fmt.Errorf("%s: %s read twice", where, c.ID)
			}
			seen[c.ID] = true
			return fn(c)
		}
		if err := readJDRefund(refundPath, emit); err != nil {
			return err
		}
		return readJDMDC(mdcPath, emit)
	}
}

// jdRefundWindow is one line of the refund windows' file.
type jdRefundWindow struct {
	SessionID string `json:"session_id"`
	History   []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"history"`
	Query string `json:"query"`
}

// readJDRefund yields the refund windows of path to emit.
func readJDRefund(path string, emit func(*conversation.Conversation, string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("jdh: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	for n := 1; ; n++ {
		line, err := r.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if strings.TrimSpace(line) == "" {
			if errors.Is(err, io.EOF) {
				return nil
			}
			continue
		}
		where := fmt.Sprintf("%s:%d", path, n)
		var w jdRefundWindow
		if jerr := json.Unmarshal([]byte(line), &w); jerr != nil {
			return fmt.Errorf("%s: %w", where, jerr)
		}
		if w.SessionID == "" {
			return fmt.Errorf("%s: no session_id", where)
		}
		c := &conversation.Conversation{ID: "ref-" + w.SessionID, Channel: "jd"}
		for k, h := range w.History {
			var role conversation.Role
			switch h.Role {
			case "user":
				role = conversation.RoleCustomer
			case "assistant":
				role = conversation.RoleAgent
			default:
				return fmt.Errorf("%s: history[%d].role %q: want user or assistant", where, k, h.Role)
			}
			if strings.TrimSpace(h.Content) == "" {
				return fmt.Errorf("%s: history[%d].content is empty", where, k)
			}
			c.Messages = append(c.Messages, conversation.Message{Role: role, Text: h.Content})
		}
		if strings.TrimSpace(w.Query) == "" {
			return fmt.Errorf("%s: query is empty", where)
		}
		c.Messages = append(c.Messages, conversation.Message{Role: conversation.RoleCustomer, Text: w.Query})
		if err := emit(c, where); err != nil {
			return err
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
	}
}

// jdMDCSession is one element of the JDDC-2020 test questions' array.
type jdMDCSession struct {
	SessionID string   `json:"SessionId"`
	Context   []string `json:"Context"`
	Question  string   `json:"Question"`
}

// readJDMDC yields the JDDC-2020 test sessions of path to emit.
func readJDMDC(path string, emit func(*conversation.Conversation, string) error) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("jdh: %w", err)
	}
	var sessions []jdMDCSession
	if err := json.Unmarshal(b, &sessions); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for i, s := range sessions {
		where := fmt.Sprintf("%s: element %d", path, i)
		if s.SessionID == "" {
			return fmt.Errorf("%s: no SessionId", where)
		}
		c := &conversation.Conversation{ID: "mdc-" + s.SessionID, Channel: "jd"}
		add := func(role conversation.Role, turn, field string) error {
			for _, part := range strings.Split(turn, "|||") {
				if part = strings.TrimSpace(part); part == "" {
					continue // the contest's files hold empty turns and pieces (a reply left out): no message
				}
				c.Messages = append(c.Messages, conversation.Message{Role: role, Text: part})
			}
			return nil
		}
		for k, line := range s.Context {
			field := fmt.Sprintf("Context[%d]", k)
			var err error
			switch {
			case strings.HasPrefix(line, "Q:"):
				err = add(conversation.RoleCustomer, line[2:], field)
			case strings.HasPrefix(line, "A:"):
				err = add(conversation.RoleAgent, line[2:], field)
			default:
				err = fmt.Errorf("%s: %s starts with neither Q: nor A:", where, field)
			}
			if err != nil {
				return err
			}
		}
		if err := add(conversation.RoleCustomer, s.Question, "Question"); err != nil {
			return err
		}
		if len(c.Messages) == 0 {
			return fmt.Errorf("%s: no message to read", where)
		}
		if err := emit(c, where); err != nil {
			return err
		}
	}
	return nil
}
