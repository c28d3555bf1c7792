package eval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fullqa/internal/conversation"
)

// TestJDDCDevSource reads the hand-written testdata/mini_jddev_*.txt: the
// first "<sep>" alternative only, "!@@@!" pieces as messages, NULL and
// empty pieces left out, turns paired with answers in order (an empty
// answer line keeps the pairing) and extra answers kept at the end.
func TestJDDCDevSource(t *testing.T) {
	q := filepath.Join("testdata", "mini_jddev_question.txt")
	a := filepath.Join("testdata", "mini_jddev_answer.txt")
	var got []string
	err := JDDCDev(q, a)(func(c *conversation.Conversation) error {
		var b strings.Builder
		b.WriteString(c.ID + ":")
		for _, m := range c.Messages {
			if m.Role == conversation.RoleCustomer {
				b.WriteString("c" + m.Text)
			} else {
				b.WriteString("a" + m.Text)
			}
		}
		got = append(got, b.String())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "s1:c你好a您好c在吗c快递到哪了c怎么还没到a在路上了a明天到 s2:a亲"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %q\nwant %q", strings.Join(got, " "), want)
	}
}

// TestJDDCDevErrors: a malformed file is an error naming the file and
// line, not a silently shorter set.
func TestJDDCDevErrors(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join("testdata", "mini_jddev_answer.txt")
	for _, tc := range []struct{ name, question, want string }{
		{"no session", "Q:\t你好\n", "bad_q.txt:1: want <session NAME>"},
		{"unclosed", "<session s1>\nQ:\t你好\n", "session s1 is not closed"},
		{"bad turn", "<session s1>\n<Q1>你好\n</session s1>\n", "bad_q.txt:2: want <Qk>text</Qk>"},
		{"stray", "<session s1>\n你好\n</session s1>\n", "bad_q.txt:2: unexpected line"},
	} {
		p := filepath.Join(dir, "bad_q.txt")
		if err := os.WriteFile(p, []byte(tc.question), 0o644); err != nil {
			t.Fatal(err)
		}
		err := JDDCDev(p, good)(func(*conversation.Conversation) error { return nil })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}
