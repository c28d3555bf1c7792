package eval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fullqa/internal/conversation"
)

// TestJDCtx reads the hand-made contexts: empty pieces and empty answers
// are left out, the skipped lines and a line without roles are not read,
// roles come from the roles file, and ids are the line numbers.
func TestJDCtx(t *testing.T) {
	td := filepath.Join("testdata")
	q, a, r := filepath.Join(td, "mini_jdctx_questions.txt"), filepath.Join(td, "mini_jdctx_answers.txt"), filepath.Join(td, "mini_jdctx_roles.jsonl")
	got, err := chatLines(JDCtx(q, a, r, 1))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"ctx-2 c:在吗 a:请问还有其他还可以帮到您的吗? c:怎么还没发货 c:都三天了",
		"ctx-3 c:退款呢 a:马上核实情况，请您稍等哈 c:好了没 a:已经为您加急处理了",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Without roles (the print-out) every line past the skipped ones is
	// read, roles unknown, the answer last.
	var n int
	err = JDCtx(q, a, "", 0)(func(c *conversation.Conversation) error {
		n++
		for _, m := range c.Messages {
			if m.Role != conversation.RoleUnknown {
				t.Fatalf("%s: role %v, want unknown", c.ID, m.Role)
			}
		}
		if c.ID == "ctx-1" && c.Messages[len(c.Messages)-1].Text != "亲，已经在配送途中了哦" {
			t.Fatalf("ctx-1 ends %q", c.Messages[len(c.Messages)-1].Text)
		}
		return nil
	})
	if err != nil || n != 3 {
		t.Fatalf("print-out read %d chats, err %v; want 3", n, err)
	}
}

// chatLines reads src into one line a chat: its id, then each message as
// role letter and text ("ctx-2 c:在吗 a:…"), for the readers' tests.
func chatLines(src Source) ([]string, error) {
	var got []string
	err := src(func(c *conversation.Conversation) error {
		var b strings.Builder
		b.WriteString(c.ID)
		for _, m := range c.Messages {
			b.WriteString(" " + m.Role.String()[:1] + ":" + m.Text)
		}
		got = append(got, b.String())
		return nil
	})
	return got, err
}

// TestJDCtxStrict: roles of another length and an answers file of another
// length are errors naming the file, never a differently numbered set.
func TestJDCtxStrict(t *testing.T) {
	dir := t.TempDir()
	td := filepath.Join("testdata")
	q, a := filepath.Join(td, "mini_jdctx_questions.txt"), filepath.Join(td, "mini_jdctx_answers.txt")
	roles := filepath.Join(dir, "roles.jsonl")
	if err := os.WriteFile(roles, []byte(`{"session_id": "ctx-3", "roles": "CAC"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := JDCtx(q, a, roles, 0)(func(*conversation.Conversation) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "mini_jdctx_questions.txt:3") {
		t.Fatalf("err %v, want the questions file and line 3", err)
	}
	// A roles entry that names no line read — a skipped line, a typo, a
	// line past the end — or a session given twice would drop or shift a
	// labelled chat: errors.
	for name, body := range map[string]string{
		"skipped": `{"session_id": "ctx-1", "roles": "ACCA"}` + "\n" + `{"session_id": "ctx-3", "roles": "CACA"}` + "\n",
		"typo":    `{"session_id": "ctx-03", "roles": "CACA"}` + "\n",
		"past":    `{"session_id": "ctx-9", "roles": "CA"}` + "\n",
		"twice":   `{"session_id": "ctx-3", "roles": "CACA"}` + "\n" + `{"session_id": "ctx-3", "roles": "CACA"}` + "\n",
	} {
		p := filepath.Join(dir, name+".jsonl")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		err := JDCtx(q, a, p, 1)(func(*conversation.Conversation) error { return nil })
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: err %v, want an error naming the roles file", name, err)
		}
	}
	// The skip boundary: with skip 1 the roles of line 2 are read.
	ok := filepath.Join(dir, "ok.jsonl")
	if err := os.WriteFile(ok, []byte(`{"session_id": "ctx-2", "roles": "CACC"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var ids []string
	if err := JDCtx(q, a, ok, 1)(func(c *conversation.Conversation) error { ids = append(ids, c.ID); return nil }); err != nil || len(ids) != 1 || ids[0] != "ctx-2" {
		t.Errorf("skip 1: read %v, err %v; want [ctx-2]", ids, err)
	}
	if err := JDCtx(q, a, ok, 2)(func(*conversation.Conversation) error { return nil }); err == nil {
		t.Error("skip 2 with roles for line 2: want an error (the entry names no line read)")
	}

	short := filepath.Join(dir, "answers.txt")
	if err := os.WriteFile(short, []byte("一\n二\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = JDCtx(q, short, "", 0)(func(*conversation.Conversation) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "2 answers") {
		t.Fatalf("err %v, want the answer count named", err)
	}
}
