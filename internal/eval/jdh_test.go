package eval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fullqa/internal/conversation"
)

// TestJDH reads the hand-made round H sample: the refund windows with
// their history and the customer's query last, a blank line skipped, a
// window left out by id; the contest sessions with Q/A roles, "|||"
// pieces as messages and empty turns and pieces as none.
func TestJDH(t *testing.T) {
	r, m := filepath.Join("testdata", "mini_jdh_refund.jsonl"), filepath.Join("testdata", "mini_jdh_mdc.json")
	got, err := chatLines(JDH(r, m, []string{"ref-s3"}))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"ref-s1 c:我要退款 a:好的亲，这边帮您申请 c:多久到账",
		"ref-s2 c:退货运费谁出",
		"mdc-m1 c:这个锅能用电磁炉吗 a:可以的 a:亲 c:好 c:那我买了 c:什么时候发货",
		"mdc-m2 c:abc123.jpg",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestJDHStrict: an unknown role, an empty refund message, a context line
// without its prefix, an empty question, a repeated id and bad JSON are
// errors naming the file and where in it; so is an id to leave out that
// names no chat.
func TestJDHStrict(t *testing.T) {
	dir := t.TempDir()
	okRefund, okMDC := filepath.Join("testdata", "mini_jdh_refund.jsonl"), filepath.Join("testdata", "mini_jdh_mdc.json")
	for name, c := range map[string]struct{ refund, mdc, want string }{
		"role":     {`{"session_id": "a", "history": [{"role": "bot", "content": "x"}], "query": "y"}`, "", "refund.jsonl:1: history[0].role"},
		"empty":    {`{"session_id": "a", "history": [{"role": "user", "content": " "}], "query": "y"}`, "", "refund.jsonl:1: history[0].content is empty"},
		"query":    {"\n" + `{"session_id": "a", "history": [], "query": ""}`, "", "refund.jsonl:2: query is empty"},
		"no id":    {`{"history": [], "query": "y"}`, "", "refund.jsonl:1: no session_id"},
		"twice":    {`{"session_id": "a", "query": "y"}` + "\n" + `{"session_id": "a", "query": "z"}`, "", "refund.jsonl:2: ref-a read twice"},
		"json":     {`{"session_id": "a",`, "", "refund.jsonl:1"},
		"prefix":   {"", `[{"SessionId": "m", "Context": ["C:你好"], "Question": "在吗"}]`, "mdc.json: element 0: Context[0] starts with neither"},
		"question": {"", `[{"SessionId": "m", "Context": ["A:你好"], "Question": " ||| "}]`, "mdc.json: element 0: Question is empty"},
		"mdc json": {"", `{"SessionId": "m"}`, "mdc.json: json: cannot unmarshal"},
	} {
		r, m := okRefund, okMDC
		if c.refund != "" {
			r = filepath.Join(dir, "refund.jsonl")
			if err := os.WriteFile(r, []byte(c.refund), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if c.mdc != "" {
			m = filepath.Join(dir, "mdc.json")
			if err := os.WriteFile(m, []byte(c.mdc), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		err := JDH(r, m, nil)(func(*conversation.Conversation) error { return nil })
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", name, err, c.want)
		}
	}
	err := JDH(okRefund, okMDC, []string{"ref-s1", "ref-nope"})(func(*conversation.Conversation) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "ref-nope, to be left out, names no chat read") {
		t.Errorf("unknown id to leave out: err %v", err)
	}
}

// FuzzJDH: any content of either file gives an error or chats, never a
// panic, and every chat read has messages, none empty, and an id of its
// file.
func FuzzJDH(f *testing.F) {
	f.Add(`{"session_id": "a", "history": [{"role": "user", "content": "x"}], "query": "y"}`, `[{"SessionId": "m", "Context": ["Q:a|||b", "A:"], "Question": "c"}]`)
	f.Add("\n\n", "[]")
	f.Add(`{"session_id": "a"}`, `[{"SessionId": "m", "Context": ["A:|||"]}]`)
	f.Fuzz(func(t *testing.T, refund, mdc string) {
		dir := t.TempDir()
		r, m := filepath.Join(dir, "r.jsonl"), filepath.Join(dir, "m.json")
		if err := os.WriteFile(r, []byte(refund), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(m, []byte(mdc), 0o644); err != nil {
			t.Fatal(err)
		}
		_ = JDH(r, m, nil)(func(c *conversation.Conversation) error {
			if len(c.Messages) == 0 || !strings.HasPrefix(c.ID, "ref-") && !strings.HasPrefix(c.ID, "mdc-") {
				t.Fatalf("chat %q with %d messages", c.ID, len(c.Messages))
			}
			for k, msg := range c.Messages {
				if strings.TrimSpace(msg.Text) == "" {
					t.Fatalf("%s: message %d empty", c.ID, k)
				}
			}
			return nil
		})
	})
}
