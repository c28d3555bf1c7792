package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// TestEvalPrint prints the hand-written JDDC-2019 dev sessions of
// internal/eval/testdata the way reviewers read them: index and id, then
// message number, role and text, and only the conversations asked for.
func TestEvalPrint(t *testing.T) {
	dir := testdataFolder(t, "jddc2019", map[string]string{"mini_jddev_question.txt": "dev_question.txt", "mini_jddev_answer.txt": "dev_answer.txt"})
	code, out, errs := run(t, "", "eval", "print", "--source", "jddev", "--data", filepath.Dir(dir), "--from", "1")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if want := "=== 1 s2\n0 agent: 亲\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
	code, out, _ = run(t, "", "eval", "print", "--source", "jddev", "--data", filepath.Dir(dir), "--to", "0")
	if want := "=== 0 s1\n0 customer: 你好\n1 agent: 您好\n2 customer: 在吗\n3 customer: 快递到哪了\n4 customer: 怎么还没到\n5 agent: 在路上了\n6 customer: 还要多久\n7 agent: 明天到\n"; code != ExitOK || out != want {
		t.Errorf("exit %d, got %q, want %q", code, out, want)
	}
	if code, _, _ := run(t, "", "eval", "print", "--source", "nope"); code != ExitUsage {
		t.Errorf("unknown source: exit %d, want %d", code, ExitUsage)
	}
}

// TestEvalPrintECD prints the hand-written Taobao sample without roles,
// the words joined back: the valid file's lines the coordinator read are
// left out (the whole mini file here), the test file's chat is shown once.
func TestEvalPrintECD(t *testing.T) {
	dir := testdataFolder(t, "ecd", map[string]string{"mini_ecd_valid.txt": "valid", "mini_ecd_test.txt": "test"})
	code, out, errs := run(t, "", "eval", "print", "--source", "ecd", "--data", filepath.Dir(dir))
	if want := "=== 0 ecd-test-1\n0 unknown: iPhone 7 plus有货吗\n1 unknown: 有的亲\n"; code != ExitOK || out != want {
		t.Errorf("exit %d (%s), got %q, want %q", code, errs, out, want)
	}
}

// testdataFolder copies files of internal/eval/testdata (from → to) into
// a new folder name of a temporary data folder and returns its path.
func testdataFolder(t *testing.T, name string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for from, to := range files {
		b, err := os.ReadFile(filepath.Join("..", "eval", "testdata", from))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, to), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
