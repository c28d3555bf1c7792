package cli

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var exampleChats = filepath.Join("..", "..", "examples", "chats.jsonl")

// TestOutKeptOnFailure checks that no failed run destroys the --out file
// (or the --rejects file): each writes beside the target and renames only
// on success.
func TestOutKeptOnFailure(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join("..", "ingest", "testdata", "bad.jsonl")
	for _, format := range []string{"text", "jsonl", "json", "html", "xlsx"} {
		out := filepath.Join(dir, "out."+format)
		rej := filepath.Join(dir, "rejects.jsonl")
		for _, args := range [][]string{
			{"scan", "does-not-exist.jsonl"},                     // missing input
			{"scan", exampleChats, "does-not-exist.jsonl"},       // the second input is missing
			{"scan", bad, "--strict"},                            // --strict violation
			{"scan", exampleChats, "--gap", "-5m"},               // bad flag
			{"scan", exampleChats, "--encoding", "latin-9"},      // bad encoding
			{"scan", exampleChats, "--detectors", "nonesuch"},    // bad detector
			{"scan", filepath.Join("testdata", "garbage.jsonl")}, // nothing valid
		} {
			os.WriteFile(out, []byte("old\n"), 0o600)
			os.WriteFile(rej, []byte("old rejects\n"), 0o600)
			args = append(args, "--format", format, "--out", out, "--rejects", rej)
			code, _, stderr := run(t, "", args...)
			if code == ExitOK {
				t.Errorf("%v: exit 0, want a failure", args)
			}
			if b, _ := os.ReadFile(out); string(b) != "old\n" {
				t.Errorf("%v (exit %d, %s): --out file changed to %.60q", args, code, strings.TrimSpace(stderr), b)
			}
			if b, _ := os.ReadFile(rej); string(b) != "old rejects\n" {
				t.Errorf("%v: --rejects file changed to %.60q", args, b)
			}
		}
		code, _, stderr := run(t, "", "scan", exampleChats, "--format", format, "--out", out)
		if code != ExitOK {
			t.Fatalf("%s: exit %d: %s", format, code, stderr)
		}
		if b, _ := os.ReadFile(out); string(b) == "old\n" || len(b) == 0 {
			t.Errorf("%s: a successful run did not replace the file", format)
		}
		if st, _ := os.Stat(out); st.Mode().Perm() != 0o600 {
			t.Errorf("%s: the new file's mode %v differs from the old one's", format, st.Mode().Perm())
		}
	}
	assertNoTemp(t, dir)
}

// TestOutThroughSymlinkAndDevice checks the two targets a rename must not
// replace: a symbolic link (the file it points at is written) and a
// device such as /dev/null (written directly, never renamed over).
func TestOutThroughSymlinkAndDevice(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.txt")
	link := filepath.Join(dir, "link.txt")
	os.WriteFile(real, []byte("old\n"), 0o644)
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if code, _, stderr := run(t, "", "scan", exampleChats, "--out", link); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced by a file")
	}
	if b, _ := os.ReadFile(real); !strings.HasPrefix(string(b), "fullqa 质检报告") {
		t.Errorf("the link's target was not written: %.40q", b)
	}
	if _, err := os.Stat(os.DevNull); err == nil {
		if code, _, stderr := run(t, "", "scan", exampleChats, "--format", "jsonl", "--out", os.DevNull); code != ExitOK {
			t.Fatalf("--out %s: exit %d: %s", os.DevNull, code, stderr)
		}
		if st, err := os.Stat(os.DevNull); err != nil || st.Mode().IsRegular() {
			t.Fatalf("%s was replaced by a regular file", os.DevNull)
		}
	}
	assertNoTemp(t, dir)
}

// TestNoValidConversation checks that a run that read no valid
// conversation fails with a clear message instead of an empty report
// that looks like a clean one.
func TestNoValidConversation(t *testing.T) {
	for _, in := range []string{
		filepath.Join("testdata", "garbage.jsonl"), // binary data named .jsonl
		filepath.Join("..", "ingest", "testdata", "chat.csv") + ":jsonl",
	} {
		args := []string{"scan"}
		if name, f, ok := strings.Cut(in, ":"); ok {
			args = append(args, name, "--input-format", f)
		} else {
			args = append(args, in)
		}
		code, out, stderr := run(t, "", args...)
		if code != ExitError || out != "" || !strings.Contains(stderr, "no valid conversation") {
			t.Errorf("%v: exit %d, stdout %.40q, stderr:\n%s", args, code, out, stderr)
		}
	}
	code, _, stderr := run(t, "", "scan", "-")
	if code != ExitError || !strings.Contains(stderr, "no valid conversation read from -") {
		t.Errorf("empty stdin: exit %d: %s", code, stderr)
	}
}

// TestGzipInput checks that a gzip-compressed input is read as what it
// holds, whatever its name: fed as JSON Lines it used to give a clean
// empty report.
func TestGzipInput(t *testing.T) {
	plain, err := os.ReadFile(exampleChats)
	if err != nil {
		t.Fatal(err)
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(plain)
	zw.Close()
	for _, name := range []string{"chats.jsonl.gz", "chats.jsonl"} {
		path := filepath.Join(t.TempDir(), name)
		os.WriteFile(path, z.Bytes(), 0o644)
		_, want, _ := run(t, "", "scan", exampleChats, "--format", "jsonl")
		code, got, stderr := run(t, "", "scan", path, "--format", "jsonl")
		if code != ExitOK || got != want {
			t.Errorf("%s: exit %d, %d bytes of results (want %d): %s", name, code, len(got), len(want), stderr)
		}
	}
}

// TestNewestFirstExport is the case end to end: a CSV export
// sorted newest first used to give negative durations, 0 s first
// responses and wrong response.missed. Now each conversation is a bad
// record saying so; with --sort-by-time (or ingest.sort_by_time) the
// results equal those of the same export in time order.
func TestNewestFirstExport(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "ingest", "testdata", "chat.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	rev := []string{rows[0]}
	for i := len(rows) - 1; i > 0; i-- {
		rev = append(rev, rows[i])
	}
	dir := t.TempDir()
	fwd, back := filepath.Join(dir, "fwd.csv"), filepath.Join(dir, "back.csv")
	os.WriteFile(fwd, b, 0o644)
	os.WriteFile(back, []byte(strings.Join(rev, "\n")+"\n"), 0o644)
	_, want, _ := run(t, "", "scan", fwd, "--format", "jsonl")
	want = sortedLines(want) // the reversed file lists its conversations in reverse
	code, out, stderr := run(t, "", "scan", back, "--format", "jsonl")
	if strings.Contains(out, `"first_response_s":0,`) || strings.Contains(out, `_s":-`) {
		t.Errorf("negative or zero waits from a newest-first export:\n%s", out)
	}
	if !strings.Contains(stderr, "back.csv:") || !strings.Contains(stderr, ": time: ") || !strings.Contains(stderr, "newest first") {
		t.Errorf("exit %d; the errors must name file, line and field and say the file is newest first:\n%s", code, stderr)
	}
	code, got, stderr := run(t, "", "scan", back, "--format", "jsonl", "--sort-by-time")
	if got = sortedLines(got); code != ExitOK || got != want {
		t.Errorf("--sort-by-time: exit %d %s\ngot  %s\nwant %s", code, stderr, got, want)
	}
	cfg := filepath.Join(dir, "c.yaml")
	os.WriteFile(cfg, []byte("ingest:\n  sort_by_time: true\n"), 0o644)
	if _, got, _ := run(t, "", "scan", back, "--format", "jsonl", "--config", cfg); sortedLines(got) != want {
		t.Errorf("ingest.sort_by_time: results differ from the ordered export")
	}
}

func sortedLines(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
