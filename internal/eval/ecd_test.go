package eval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"fullqa/internal/conversation"
)

// TestECD reads the hand-made sample: only the lines labelled 1, the
// valid file's skipped lines and a line without roles left out, words
// joined back, roles from the roles file, ids by file and line.
func TestECD(t *testing.T) {
	td := "testdata"
	v, te, r := filepath.Join(td, "mini_ecd_valid.txt"), filepath.Join(td, "mini_ecd_test.txt"), filepath.Join(td, "mini_ecd_roles.jsonl")
	got, err := chatLines(ECD(v, te, r, 1))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"ecd-valid-3 c:我的快递怎么还没到 a:亲帮您查一下哦 c:都一个星期了 a:实在抱歉亲",
		"ecd-test-1 c:iPhone 7 plus有货吗 a:有的亲",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Without roles (the print-out): every chat past the skipped lines,
	// roles unknown.
	var ids []string
	if err := ECD(v, te, "", 0)(func(c *conversation.Conversation) error {
		ids = append(ids, c.ID)
		if c.Messages[0].Role != conversation.RoleUnknown {
			t.Fatalf("%s: role %v", c.ID, c.Messages[0].Role)
		}
		return nil
	}); err != nil || strings.Join(ids, " ") != "ecd-valid-1 ecd-valid-3 ecd-test-1" {
		t.Fatalf("print-out %v, err %v", ids, err)
	}
}

// TestECDStrict: roles of another length, roles naming no chat read and a
// line of another shape are errors naming the file.
func TestECDStrict(t *testing.T) {
	dir := t.TempDir()
	v, te := filepath.Join("testdata", "mini_ecd_valid.txt"), filepath.Join("testdata", "mini_ecd_test.txt")
	for name, c := range map[string]struct{ roles, want string }{
		"length":  {`{"session_id": "ecd-valid-3", "roles": "CAC"}`, "mini_ecd_valid.txt:3"},
		"skipped": {`{"session_id": "ecd-valid-1", "roles": "CACA"}`, "name no chat read"},
		"wrong":   {`{"session_id": "ecd-valid-2", "roles": "CACA"}`, "name no chat read"},
	} {
		r := filepath.Join(dir, name+".jsonl")
		if err := os.WriteFile(r, []byte(c.roles+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		err := ECD(v, te, r, 2)(func(*conversation.Conversation) error { return nil })
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", name, err, c.want)
		}
	}
	for body, want := range map[string]string{
		"1\ta\tb\nyes\tc\td\n": "bad.txt:2",              // a label other than 0 or 1
		"1\ta\tb\nno tab\n":    "bad.txt:2",              // no tab
		"1\ta\t \tb\n":         "bad.txt:1: utterance 1", // an empty utterance
	} {
		bad := filepath.Join(dir, "bad.txt")
		if err := os.WriteFile(bad, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		err := ECD(bad, te, "", 0)(func(*conversation.Conversation) error { return nil })
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err %v, want %q", body, err, want)
		}
	}
}

// TestDesegment: spaces go except between two ASCII letters or digits.
func TestDesegment(t *testing.T) {
	for in, want := range map[string]string{
		"3 - 5 天 客官":        "3-5天客官",
		"iPhone 7 plus 有 货": "iPhone 7 plus有货",
		" 好 的 ":             "好的",
		"1kg 以内 OK":         "1kg以内OK",
		"a  b":              "a b",
		"iPhone   7 好":      "iPhone 7好",
		"":                  "",
	} {
		if got := Desegment(in); got != want {
			t.Errorf("Desegment(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzDesegment: any input gives valid text when the input was, with no
// space at either end, no two spaces in a row, and never longer than the
// input.
func FuzzDesegment(f *testing.F) {
	f.Add("3 - 5 天 客官")
	f.Add("a  b")
	f.Fuzz(func(t *testing.T, s string) {
		got := Desegment(s)
		if len(got) > len(s) || strings.TrimSpace(got) != got || strings.Contains(got, "  ") || (utf8.ValidString(s) && !utf8.ValidString(got)) {
			t.Fatalf("Desegment(%q) = %q", s, got)
		}
	})
}

// FuzzECD: any file content gives an error or chats, never a panic, and
// every chat read has messages and an id naming its line.
func FuzzECD(f *testing.F) {
	f.Add("1\t在 吗\t您好\n0\t在 吗\t好 的\n")
	f.Add("1\ta\n\n")
	f.Add("2\tx\ty\n")
	f.Fuzz(func(t *testing.T, body string) {
		dir := t.TempDir()
		v, te := filepath.Join(dir, "valid"), filepath.Join(dir, "test")
		if err := os.WriteFile(v, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(te, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		_ = ECD(v, te, "", 0)(func(c *conversation.Conversation) error {
			if len(c.Messages) == 0 || !strings.HasPrefix(c.ID, "ecd-valid-") {
				t.Fatalf("chat %q with %d messages", c.ID, len(c.Messages))
			}
			return nil
		})
	})
}
