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
// answer line keeps the pairing); a byte-order mark and trailing spaces
// on a closing line are tolerated.
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
	want := "s1:c你好a您好c在吗c快递到哪了c怎么还没到a在路上了c还要多久a明天到 s2:a亲"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %q\nwant %q", strings.Join(got, " "), want)
	}
}

// TestJDDCDevErrors: a malformed or mismatched pair of files is an error
// naming the file (and line), not a silently different set — labels are
// keyed by session and message number.
func TestJDDCDevErrors(t *testing.T) {
	const q1 = "<session s1>\n<Q1>你好</Q1>\n</session s1>\n"
	const a1 = "<session s1>\n您好\n</session s1>\n"
	for _, tc := range []struct{ name, question, answer, want string }{
		{"no session", "Q:\t你好\n", a1, "q.txt:1: want <session NAME>"},
		{"unclosed", "<session s1>\nQ:\t你好\n", a1, "q.txt:1: session s1 is not closed"},
		{"nested", "<session s1>\n<session s2>\n</session s2>\n", a1, "q.txt:2: session s1 (line 1) is not closed"},
		{"bad turn", "<session s1>\n<Q1>你好\n</session s1>\n", a1, "q.txt:2: want <Q1>text</Q1>"},
		{"turns out of order", "<session s1>\n<Q2>你好</Q2>\n</session s1>\n", a1, "q.txt:2: want <Q1>text</Q1>"},
		{"stray", "<session s1>\n你好\n</session s1>\n", a1, "q.txt:2: unexpected line"},
		{"twice", q1 + q1, a1, "q.txt:4: session s1 appears twice"},
		{"no answers", q1, "<session s2>\n</session s2>\n", "session s1 has no answers"},
		{"too few answers", q1, "<session s1>\n</session s1>\n", "session s1 has 1 turns but"},
		{"too many answers", q1, "<session s1>\n您好\n再见\n</session s1>\n", "gives 2 answers"},
		{"answers only", q1, a1 + "<session s9>\n</session s9>\n", "a.txt: session s9 is not in"},
		{"answers unclosed", q1, "<session s1>\n您好\n<session s2>\n", "a.txt:3: session s1 (line 1) is not closed"},
		{"answers twice", q1, a1 + a1, "a.txt:4: session s1 appears twice"},
	} {
		dir := t.TempDir()
		q, a := filepath.Join(dir, "q.txt"), filepath.Join(dir, "a.txt")
		if err := os.WriteFile(q, []byte(tc.question), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(a, []byte(tc.answer), 0o644); err != nil {
			t.Fatal(err)
		}
		n := 0
		err := JDDCDev(q, a)(func(*conversation.Conversation) error { n++; return nil })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
		if n != 0 {
			t.Errorf("%s: %d conversations read before the error, want 0", tc.name, n)
		}
	}
	if err := JDDCDev(filepath.Join(t.TempDir(), "none.txt"), "a.txt")(func(*conversation.Conversation) error { return nil }); err == nil || !strings.Contains(err.Error(), "none.txt") {
		t.Errorf("missing file: err = %v, want one naming it", err)
	}
}
