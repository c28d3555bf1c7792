package server

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWatchFolder drops files into the watched folder: good conversations
// are stored and the file moves to done/ with its bad records beside it; a
// file with nothing readable moves to rejected/; a file is taken only once
// it stood still for a pass.
func TestWatchFolder(t *testing.T) {
	e := newTestEnv(t, nil)
	ctx := context.Background()
	dir := t.TempDir()
	good := `{"id":"w-1","vendor":"v1","messages":[{"role":"customer","text":"怎么还没发货","at":"2026-11-01T10:00:00+08:00"},{"role":"agent","agent":"a","text":"今天发出","at":"2026-11-01T10:00:30+08:00"}]}
{"id":"w-2","messages":[{"role":"cust","text":"x"}]}
{"id":"w-3","vendor":"v2","messages":[{"role":"customer","text":"再不处理我就去12315投诉"}]}
`
	os.MkdirAll(filepath.Join(dir, "day1"), 0o755)
	os.WriteFile(filepath.Join(dir, "day1", "chats.jsonl"), []byte(good), 0o644)
	os.WriteFile(filepath.Join(dir, "junk.jsonl"), []byte("this is not json\n"), 0o644)

	seen := map[string]string{}
	if err := e.srv.WatchPass(ctx, dir, seen); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "day1", "chats.jsonl")); err != nil {
		t.Fatal("a file was taken on the pass that first saw it")
	}
	if err := e.srv.WatchPass(ctx, dir, seen); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"w-1", "w-3"} {
		if _, err := e.st.GetConversation(ctx, "", id); err != nil {
			t.Errorf("%s not stored: %v", id, err)
		}
	}
	done := filepath.Join(dir, "done", "day1_chats.jsonl")
	if _, err := os.Stat(done); err != nil {
		t.Fatalf("not moved to done/: %v", err)
	}
	errs, _ := os.ReadFile(done + ".errors")
	rej, _ := os.ReadFile(done + ".rejects")
	if !strings.Contains(string(errs), "day1/chats.jsonl:2: messages[0].role") || !strings.Contains(string(rej), `"id":"w-2"`) {
		t.Fatalf("errors %q rejects %q", errs, rej)
	}
	if _, err := os.Stat(filepath.Join(dir, "rejected", "junk.jsonl")); err != nil {
		t.Fatalf("junk not moved to rejected/: %v", err)
	}
	// The same export dropped again is stored once (unchanged) and kept
	// apart in done/.
	os.WriteFile(filepath.Join(dir, "again.jsonl"), []byte(good), 0o644)
	if err := e.srv.WatchPass(ctx, dir, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "done", "again.jsonl")); err != nil {
		t.Fatal(err)
	}
	n, err := e.st.CountConversations(ctx, "")
	if err != nil || n != 2 {
		t.Fatalf("stored %d conversations, want 2: %v", n, err)
	}
}
