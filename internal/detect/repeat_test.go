package detect

import (
	"testing"
	"unicode/utf8"

	"fullqa/internal/conversation"
)

// TestEarlierIssueDetailIsText checks that the repeat.contact detail, which
// quotes a few bytes after the recalled issue, never cuts a character in
// two, whatever ASCII stands before the characters it cuts at.
func TestEarlierIssueDetailIsText(t *testing.T) {
	eng, err := NewEngine([]Detector{newRepeatDetector(testLexicon(t))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, pad := range []string{"", "a", "ab", "abc", "abcd"} {
		conv := &conversation.Conversation{ID: "t", Messages: []conversation.Message{
			{Role: conversation.RoleCustomer, Text: "之前保价的问题" + pad + "还没有处理好"}}}
		_, out := eng.Inspect(conv, nil)
		if len(out.Findings) == 0 {
			t.Fatalf("%q: no repeat.contact", pad)
		}
		if d := out.Findings[0].Detail; !utf8.ValidString(d) {
			t.Errorf("%q: detail %q is not valid UTF-8", pad, d)
		}
	}
}
