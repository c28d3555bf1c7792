package cli

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

func convLine(id, vendor, at string) string {
	return `{"id":"` + id + `","vendor":"` + vendor + `","messages":[{"role":"customer","text":"怎么还没发货","at":"` + at + `"},{"role":"agent","agent":"a-1","text":"今天给您发出","at":"` + at + `"}]}` + "\n"
}

func writeGz(t *testing.T, path, s string) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeZst(t *testing.T, path, s string) {
	var b bytes.Buffer
	zw, _ := zstd.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func ids(t *testing.T, jsonl string) []string {
	var out []string
	for _, ln := range strings.Split(strings.TrimSpace(jsonl), "\n") {
		if ln == "" {
			continue
		}
		var r struct{ ID string }
		if err := json.Unmarshal([]byte(ln), &r); err != nil {
			t.Fatalf("%v: %s", err, ln)
		}
		out = append(out, r.ID)
	}
	return out
}

// TestFolderGzipState: a folder with plain, gzip and zstd files reads in
// name order; with --state the second run reads only the file added
// between the runs, and a third run finds nothing new.
func TestFolderGzipState(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "exports")
	os.MkdirAll(filepath.Join(in, "2026-11", "done"), 0o755)
	os.WriteFile(filepath.Join(in, "2026-11", "01.jsonl"), []byte(convLine("a", "v1", "2026-11-01T10:00:00+08:00")), 0o644)
	writeGz(t, filepath.Join(in, "2026-11", "02.jsonl.gz"), convLine("b", "v1", "2026-11-02T10:00:00+08:00"))
	os.WriteFile(filepath.Join(in, "2026-11", "done", "old.jsonl"), []byte(convLine("old", "v1", "2026-10-01T10:00:00+08:00")), 0o644)
	os.WriteFile(filepath.Join(in, ".hidden.jsonl"), []byte("not read"), 0o644)
	state := filepath.Join(dir, "state.json")

	code, out, errs := run(t, "", "scan", in, "--state", state, "--format", "jsonl")
	if code != 0 || strings.Join(ids(t, out), ",") != "a,b" {
		t.Fatalf("first run: exit %d, ids %v, stderr %s", code, ids(t, out), errs)
	}
	writeZst(t, filepath.Join(in, "2026-11", "03.jsonl.zst"), convLine("c", "v2", "2026-11-03T10:00:00+08:00"))
	code, out, errs = run(t, "", "scan", in, "--state", state, "--format", "jsonl")
	if code != 0 || strings.Join(ids(t, out), ",") != "c" {
		t.Fatalf("second run: exit %d, ids %v, stderr %s", code, ids(t, out), errs)
	}
	code, out, errs = run(t, "", "scan", in, "--state", state, "--format", "jsonl")
	if code != 0 || out != "" || !strings.Contains(errs, "no new input") {
		t.Fatalf("third run: exit %d, out %q, stderr %s", code, out, errs)
	}
	// A file whose content changed under the same name is read again.
	os.WriteFile(filepath.Join(in, "2026-11", "01.jsonl"), []byte(convLine("a2", "v1", "2026-11-01T11:00:00+08:00")), 0o644)
	code, out, _ = run(t, "", "scan", in, "--state", state, "--format", "jsonl")
	if code != 0 || strings.Join(ids(t, out), ",") != "a2" {
		t.Fatalf("changed file: exit %d, ids %v", code, ids(t, out))
	}
}

// TestFailedRunKeepsState: a run that fails does not record its files.
func TestFailedRunKeepsState(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "a.jsonl")
	os.WriteFile(f, []byte(convLine("a", "v1", "2026-11-01T10:00:00+08:00")+"{bad\n"), 0o644)
	state := filepath.Join(dir, "state.json")
	if code, _, _ := run(t, "", "scan", f, "--state", state, "--strict", "--format", "jsonl"); code != ExitBadRecords {
		t.Fatalf("strict: exit %d", code)
	}
	if _, err := os.Stat(state); err == nil {
		t.Fatal("a failed run wrote the state")
	}
}

func TestGlobAndBadRecordNamesFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "d1.jsonl"), []byte(convLine("x1", "v1", "2026-11-01T10:00:00+08:00")), 0o644)
	os.WriteFile(filepath.Join(dir, "d2.jsonl"), []byte(`{"id":"x2","messages":[{"role":"cust","text":"hi"}]}`+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "other.txt"), []byte("ignored"), 0o644)
	code, out, errs := run(t, "", "scan", filepath.Join(dir, "d*.jsonl"), "--format", "jsonl")
	if code != 0 || strings.Join(ids(t, out), ",") != "x1" || !strings.Contains(errs, "d2.jsonl:1: messages[0].role") {
		t.Fatalf("glob: exit %d ids %v stderr %s", code, ids(t, out), errs)
	}
	if code, _, errs := run(t, "", "scan", filepath.Join(dir, "nomatch*.jsonl")); code != ExitError || !strings.Contains(errs, "no file matches") {
		t.Fatalf("no match: exit %d %s", code, errs)
	}
}

// TestFilters: --since/--until/--vendor/--agent keep the matching
// conversations and the report says which filters were applied.
func TestFilters(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "c.jsonl")
	os.WriteFile(f, []byte(convLine("n1", "v1", "2026-11-01T10:00:00+08:00")+convLine("n2", "v2", "2026-11-02T10:00:00+08:00")+
		convLine("n3", "v1", "2026-11-03T10:00:00+08:00")), 0o644)
	code, out, _ := run(t, "", "scan", f, "--format", "jsonl", "--since", "2026-11-02", "--vendor", "v1")
	if code != 0 || strings.Join(ids(t, out), ",") != "n3" {
		t.Fatalf("since+vendor: exit %d ids %v", code, ids(t, out))
	}
	code, out, _ = run(t, "", "report", f, "--format", "json", "--until", "2026-11-02")
	if code != 0 || !strings.Contains(out, `"filters": "until 2026-11-02 00:00"`) || !strings.Contains(out, `"conversations": 1`) {
		t.Fatalf("until: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, "", "report", f, "--agent", "a-1", "--vendor", "v2")
	if code != 0 || !strings.Contains(out, "筛选：外包商 v2；客服 a-1（排除 2 个会话）") {
		t.Fatalf("text report heading: exit %d\n%s", code, out)
	}
	if code, _, errs := run(t, "", "report", f, "--vendor", "nobody"); code != ExitError || !strings.Contains(errs, "no conversation passed the filters") {
		t.Fatalf("nothing passes: exit %d %s", code, errs)
	}
	if code, _, _ := run(t, "", "report", f, "--since", "yesterday"); code != ExitUsage {
		t.Fatalf("bad --since: exit %d", code)
	}
}

// TestDuplicateAcrossFiles: a conversation already read from an earlier
// file of the run (the same export twice in a folder, in plain and gzip)
// is a bad record naming both places, not a second conversation; with
// --vendor the check still holds, and a file's own ids are its own.
func TestDuplicateAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	day := convLine("a", "v1", "2026-11-01T10:00:00+08:00") + convLine("b", "v2", "2026-11-01T11:00:00+08:00")
	os.WriteFile(filepath.Join(dir, "1.jsonl"), []byte(day), 0o644)
	writeGz(t, filepath.Join(dir, "2.jsonl.gz"), convLine("c", "v1", "2026-11-02T10:00:00+08:00")+convLine("a", "v1", "2026-11-01T10:00:00+08:00"))
	code, out, errs := run(t, "", "scan", dir, "--format", "jsonl")
	if code != 0 || strings.Join(ids(t, out), ",") != "a,b,c" ||
		!strings.Contains(errs, `2.jsonl.gz:2: id: duplicate id "a": already read from `) || !strings.Contains(errs, "1.jsonl:1") {
		t.Fatalf("exit %d, ids %v, stderr %s", code, ids(t, out), errs)
	}
	code, out, _ = run(t, "", "scan", dir, "--vendor", "v1", "--format", "jsonl")
	if code != 0 || strings.Join(ids(t, out), ",") != "a,c" {
		t.Fatalf("--vendor v1: exit %d, ids %v", code, ids(t, out))
	}
	_, rep, _ := run(t, "", "report", dir, "--format", "json")
	if !strings.Contains(rep, `"conversations": 3,`) || !strings.Contains(rep, `"bad_records": 1`) {
		t.Errorf("report counts the duplicate: %s", rep[:min(len(rep), 400)])
	}
}
