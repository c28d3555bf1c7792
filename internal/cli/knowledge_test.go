package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fullqa/internal/report"
)

// TestKnowledgeCheck checks that a good facts file passes and a bad one
// fails with every problem on its line.
func TestKnowledgeCheck(t *testing.T) {
	code, out, stderr := run(t, "", "knowledge", "check", filepath.Join("..", "..", "examples", "facts.yaml"))
	if code != ExitOK || !strings.Contains(out, "ok: 30 policy facts, 4 SKUs") {
		t.Errorf("example facts: exit %d\n%s%s", code, out, stderr)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("policy:\n  return:\n    window: 7d\n  shiping: {}\nproducts:\n  - sku: \"1\"\n    attributes: {电池: 5000mha}\n"), 0o644)
	code, _, stderr = run(t, "", "knowledge", "check", bad)
	for _, w := range []string{bad + ":3: policy.return.window: bad value", bad + ":4: policy.shiping: unknown key", bad + ":7: products.1.attributes.电池: bad unit"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("missing %q in:\n%s", w, stderr)
		}
	}
	if code != ExitUsage {
		t.Errorf("exit %d, want %d", code, ExitUsage)
	}
}

// TestKnowledgeSuggest checks that suggest counts what agents state.
func TestKnowledgeSuggest(t *testing.T) {
	code, out, stderr := run(t, "", "knowledge", "suggest", filepath.Join("..", "..", "examples", "knowledge_chats.jsonl"), "--format", "jsonl")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, w := range []string{`"key":"return.window","value":"15天","count":2`, `"key":"attr.续航","value":"10天","count":1`, `"key":"invoice.types","value":"纸质普通发票"`} {
		if !strings.Contains(out, w) {
			t.Errorf("missing %s in:\n%s", w, out)
		}
	}
	// The text table lines up by display width (Chinese is two columns)
	// and says who pays in Chinese.
	_, out, _ = run(t, "", "knowledge", "suggest", filepath.Join("..", "..", "examples", "knowledge_chats.jsonl"))
	gaps := regexp.MustCompile(`\s{2,}`)
	col := -1
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		g := gaps.FindAllStringIndex(l, 3)
		if len(g) < 3 {
			t.Fatalf("line without four columns: %q", l)
		}
		// the third and fourth columns start at the same display column on every line
		k := report.DisplayWidth(l[:g[1][1]])*1000 + report.DisplayWidth(l[:g[2][1]])
		if col < 0 {
			col = k
		} else if k != col {
			t.Errorf("columns do not line up:\n%s", out)
			break
		}
	}
	if !strings.Contains(out, "买家") || strings.Contains(out, " buyer ") {
		t.Errorf("who pays not in Chinese:\n%s", out)
	}
	// With the facts file, only what it does not define is listed.
	code, out, _ = run(t, "", "knowledge", "suggest", filepath.Join("..", "..", "examples", "knowledge_chats.jsonl"),
		"--facts", filepath.Join("..", "..", "examples", "facts.yaml"))
	if code != ExitOK || !strings.Contains(out, "续航") || strings.Contains(out, "return.window") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}
