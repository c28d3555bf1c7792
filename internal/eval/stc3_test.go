package eval

import (
	"path/filepath"
	"strings"
	"testing"

	"fullqa/internal/conversation"
)

// TestSTC3Source reads the hand-written testdata/mini_stc3.json: blank
// utterances are left out and the rest numbered in order across turns,
// with helpdesk turns as the agent's.
func TestSTC3Source(t *testing.T) {
	var got []string
	err := STC3(filepath.Join("testdata", "mini_stc3.json"))(func(c *conversation.Conversation) error {
		var b strings.Builder
		b.WriteString(c.ID + ":")
		for _, m := range c.Messages {
			if m.Role == conversation.RoleCustomer {
				b.WriteByte('c')
			} else {
				b.WriteByte('a')
			}
		}
		got = append(got, b.String())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "s1:cac s2:ca"; strings.Join(got, " ") != want {
		t.Errorf("got %q, want %q", strings.Join(got, " "), want)
	}
	if err := STC3(filepath.Join("testdata", "mini.tsv"))(func(*conversation.Conversation) error { return nil }); err == nil || !strings.Contains(err.Error(), "mini.tsv") {
		t.Errorf("a file that is not STC-3 JSON: err = %v, want one naming the file", err)
	}
}
