package eval

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"fullqa/internal/conversation"
)

// JDHExcluded returns the refund windows left out of round H because they may
// be chats someone here had read: one of their customer messages of twelve
// or more characters occurs, once or twice, in the chats of an earlier
// source (JDDC sample, uss, jd2, jd3, jddev, jdctx), or one of their agent
// messages of that length occurs there exactly once (a script's check of
// overlap, fixed before any label; internal/eval/testdata/README.md).
func JDHExcluded() []string {
	return []string{
		"ref-acfed3c9716d5dc6c205deaa6e63eaf8",
		"ref-9685bef4c1b1eccb69d658c27e7cdc4f",
		"ref-44677444e48cff9d944472b7d0a55008",
		"ref-21d8f4c0633b929f545fd0f9545ff478",
		"ref-07ca8a5890bb54a2ed19497e34bcf604",
		"ref-9ff211391bd6ea8baf90704038dea5d2",
		"ref-f77876d0c14d486d017c3b43cde7fd1c",
		"ref-9a812f11653df2c13a4812051e1b22b9",
		"ref-29702ea2430f9420d19ceb0c350ce847",
		"ref-2f6e6637c067040602bd444046721088",
		"ref-c8f9236b2094566caafd9df2fa064c12",
		"ref-1d3175cdda8789938c5bb07bdb824f2e",
		"ref-ce0e8834420c04a011f582f6f58c3c86",
		"ref-4f18d07ebe462bc120d092ce116d7feb",
		"ref-eb0792b63af3b2688cd002fe4e58cd3c",
	}
}

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
// empty refund message or query, an empty contest question or a repeated
// id is an error naming the file and the line (or the array's element;
// a contest file that is no JSON array of sessions names the file). The
// contest's file holds empty turns and empty pieces between "|||" (a
// reply left out of the data); they are no messages, the same way every
// time, so the numbering the labels use is stable.
//
// The chats whose ids skip names are left out (JDHExcluded for the
// labelled round); an id there that names no chat of the files is an
// error, since a window quietly put back would shift the print-out's
// indexes the labels record.
func JDH(refundPath, mdcPath string, skip []string) Source {
	return func(fn func(*conversation.Conversation) error) error {
		seen := map[string]bool{}
		left := map[string]bool{}
		for _, id := range skip {
			left[id] = true
		}
		emit := func(c *conversation.Conversation, where string) error {
			if seen[c.ID] {
				return fmt.Errorf("%s: %s read twice", where, c.ID)
			}
			seen[c.ID] = true
			if left[c.ID] {
				return nil
			}
			return fn(c)
		}
		if err := readJDRefund(refundPath, emit); err != nil {
			return err
		}
		if err := readJDMDC(mdcPath, emit); err != nil {
			return err
		}
		for _, id := range skip {
			if !seen[id] {
				return fmt.Errorf("jdh: %s, to be left out, names no chat read", id)
			}
		}
		return nil
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
	err := forEachJSONLine(path, func(n int, w *jdRefundWindow) error {
		where := fmt.Sprintf("%s:%d", path, n)
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
		return emit(c, where)
	})
	if err != nil {
		return fmt.Errorf("jdh: %w", err)
	}
	return nil
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
		add := func(role conversation.Role, turn string) {
			for _, part := range strings.Split(turn, "|||") {
				if part = strings.TrimSpace(part); part == "" {
					continue // the contest's files hold empty turns and pieces (a reply left out): no message
				}
				c.Messages = append(c.Messages, conversation.Message{Role: role, Text: part})
			}
		}
		for k, line := range s.Context {
			switch {
			case strings.HasPrefix(line, "Q:"):
				add(conversation.RoleCustomer, line[2:])
			case strings.HasPrefix(line, "A:"):
				add(conversation.RoleAgent, line[2:])
			default:
				return fmt.Errorf("%s: Context[%d] starts with neither Q: nor A:", where, k)
			}
		}
		if strings.TrimSpace(strings.ReplaceAll(s.Question, "|||", "")) == "" {
			return fmt.Errorf("%s: Question is empty", where)
		}
		add(conversation.RoleCustomer, s.Question)
		if err := emit(c, where); err != nil {
			return err
		}
	}
	return nil
}
