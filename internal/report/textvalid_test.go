package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"fullqa/internal/conversation"
	"fullqa/internal/scan"
)

// TestAppendJSONResultTextValid checks that a result whose conversation
// carries TextValid (its evidence then written by appendValidString) comes
// out byte for byte as the same result without it, on evidence of every
// kind JSON escapes (quotes, backslashes, control characters, U+2028 and
// U+2029) beside Chinese, emoji and other E2-led characters, and that the
// line is valid JSON whose evidence reads back as written.
func TestAppendJSONResultTextValid(t *testing.T) {
	evidence := []string{
		"", "预计明天送达", `他说"好的"\然后`, "一\n二\r三\t四\b五\f六\x01七\x1f", "行\u2028分\u2029段",
		"€ – … ™ ←", "😀 亲～", "a\u2027b\u202a", "   ", "[数字x]个工作日内 \"退款\"",
	}
	for _, ev := range evidence {
		var out [2][]byte
		for k, valid := range []bool{false, true} {
			r := &scan.Result{
				Conv:     &conversation.Conversation{ID: "c1", Messages: []conversation.Message{{Role: conversation.RoleAgent, Text: ev}}, TextValid: valid},
				Findings: []conversation.Finding{{Code: "promise.made", Messages: []int{0}, Evidence: ev}},
			}
			out[k] = AppendJSONResult(nil, r)
		}
		if !bytes.Equal(out[0], out[1]) {
			t.Fatalf("evidence %q:\nchecked %s\nvalid   %s", ev, out[0], out[1])
		}
		var back struct {
			Findings []struct {
				Evidence string `json:"evidence"`
			} `json:"findings"`
		}
		if err := json.Unmarshal(out[1], &back); err != nil || len(back.Findings) != 1 || back.Findings[0].Evidence != ev {
			t.Fatalf("evidence %q: %s reads back as %+v (%v)", ev, out[1], back, err)
		}
	}
}
