package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fullqa/internal/config"
	"fullqa/internal/detect"
)

var update = flag.Bool("update", false, "rewrite golden files")

// run invokes the CLI in-process and returns exit code, stdout, stderr.
func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	return code, out.String(), errb.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from golden file; got:\n%s", name, got)
	}
}

func TestScanTextGolden(t *testing.T) {
	code, out, stderr := run(t, "", "scan", "--detectors", "response", filepath.Join("..", "..", "examples", "chats.jsonl"))
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden(t, "chats.response.txt", out)
}

func TestScanJSONLContract(t *testing.T) {
	code, out, stderr := run(t, "", "scan", filepath.Join("..", "..", "examples", "chats.jsonl"), "--format", "jsonl")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 26 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		var r struct {
			ID       string `json:"id"`
			Score    *int   `json:"score"`
			Tags     []string
			Findings []struct {
				Code, Severity, Evidence string
				Messages                 []int
			}
			Messages []struct {
				N int `json:"n"`
			}
			KPI map[string]any `json:"kpi"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		if r.ID == "" || r.Score == nil || r.Tags == nil || r.KPI == nil {
			t.Errorf("missing contract fields: %s", l)
		}
		for i, m := range r.Messages {
			if m.N != i {
				t.Errorf("%s: message %d numbered %d", r.ID, i, m.N)
			}
		}
		for _, f := range r.Findings {
			if f.Code == "" || f.Severity == "" || f.Evidence == "" || len(f.Messages) == 0 {
				t.Errorf("%s: finding without code/severity/evidence: %+v", r.ID, f)
			}
		}
	}
	if !strings.Contains(out, `"first_response_s":10`) {
		t.Errorf("kpi first_response_s missing: %s", lines[0])
	}
}

func TestScanBadRecords(t *testing.T) {
	bad := filepath.Join("..", "ingest", "testdata", "bad.jsonl")
	rejects := filepath.Join(t.TempDir(), "rejects.jsonl")
	code, out, stderr := run(t, "", "scan", bad, "--format", "jsonl", "--rejects", rejects)
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	if n := strings.Count(out, "\n"); n != 3 {
		t.Errorf("%d good results, want 3", n)
	}
	if !strings.Contains(stderr, `bad.jsonl:3: messages[0].role: unknown role "cust"`) {
		t.Errorf("stderr lacks the field error:\n%s", stderr)
	}
	rj, _ := os.ReadFile(rejects)
	if n := strings.Count(string(rj), "\n"); n != 9 {
		t.Errorf("rejects file has %d lines, want 9:\n%s", n, rj)
	}
	code, out, _ = run(t, "", "scan", bad, "--strict")
	if code != ExitBadRecords {
		t.Errorf("--strict exit %d, want %d", code, ExitBadRecords)
	}
	_ = out
	code, out, _ = run(t, "", "scan", bad)
	if code != ExitOK || !strings.Contains(out, "坏记录  9 (未质检") {
		t.Errorf("text report must count bad records (exit %d):\n%s", code, out)
	}
}

func TestScanUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"scan"},
		{"scan", "x.jsonl", "--format", "pdf"},
		{"scan", "x.jsonl", "--detectors", "nope"},
		{"scan", "x.jsonl", "--bogus"},
		{"frobnicate"},
		{"scan", "x.jsonl", "--config", filepath.Join("testdata", "bad-config.yaml")},
		{"scan", "x.jsonl", "--encoding", "latin-9"},
		{"scan", "x.jsonl", "--gap", "-5m"},
		{"scan", "x.jsonl", "--gap", "0s"},
		{"scan", "x.jsonl", "--riskiest", "-3"},
		{"scan", "x.jsonl", "--workers", "-1"},
		{"report", "x.jsonl", "--riskiest", "-1"},
		{"sample", "x.jsonl", "--n", "-1"},
	} {
		if code, _, _ := run(t, "", args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, ExitUsage)
		}
	}
	if code, _, stderr := run(t, "", "scan", "does-not-exist.jsonl"); code != ExitError || !strings.Contains(stderr, "does-not-exist.jsonl") {
		t.Errorf("missing file: exit %d %s", code, stderr)
	}
}

func TestScanStdinAndNone(t *testing.T) {
	in := `{"id":"a","messages":[{"role":"customer","text":"在吗"}]}` + "\n"
	code, out, _ := run(t, in, "scan", "-", "--format", "jsonl", "--detectors", "none")
	if code != ExitOK || !strings.Contains(out, `"id":"a"`) || strings.Contains(out, "response.missed") {
		t.Errorf("exit %d out %s", code, out)
	}
}

func TestScanHTML(t *testing.T) {
	code, out, _ := run(t, "", "scan", filepath.Join("..", "..", "examples", "chats.jsonl"), "--format", "html")
	if code != ExitOK || !strings.HasPrefix(out, "<!doctype html>") || !strings.Contains(out, "response.missed") ||
		strings.Contains(out, "http://") || strings.Contains(out, "https://") {
		t.Errorf("exit %d; html must be self-contained and list findings", code)
	}
}

func TestConfigCommand(t *testing.T) {
	code, out, _ := run(t, "", "config")
	if code != ExitOK || !strings.Contains(out, "slow_after: 3m0s") || !strings.Contains(out, "timezone: Asia/Shanghai") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(cfg, []byte("detect:\n  response:\n    slow_after: 5m\n"), 0o644)
	code, out, _ = run(t, "", "config", "--config", cfg)
	if code != ExitOK || !strings.Contains(out, "slow_after: 5m0s") {
		t.Errorf("override not applied (exit %d):\n%s", code, out)
	}
	code, _, stderr := run(t, "", "config", "--config", filepath.Join("testdata", "bad-config.yaml"))
	if code != ExitUsage || !strings.Contains(stderr, "slow_aftr") {
		t.Errorf("unknown key must be an error naming it (exit %d): %s", code, stderr)
	}
}

// TestExamplesShowEveryCode checks that the bundled examples show each
// finding code and scene tag the detectors can emit, so the README's first
// command demonstrates everything.
func TestExamplesShowEveryCode(t *testing.T) {
	code, out, _ := run(t, "", "scan", filepath.Join("..", "..", "examples", "chats.jsonl"), "--format", "jsonl")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	// The knowledge codes need the example shop's facts file.
	code, kout, _ := run(t, "", "scan", filepath.Join("..", "..", "examples", "knowledge_chats.jsonl"), "--format", "jsonl",
		"--config", filepath.Join("..", "..", "examples", "fullqa.yaml"))
	if code != ExitOK {
		t.Fatalf("knowledge examples: exit %d", code)
	}
	out += kout
	seen := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct {
			Tags     []string
			Findings []struct{ Code string }
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		for _, f := range r.Findings {
			seen[f.Code] = true
		}
		for _, tg := range r.Tags {
			seen["tag:"+tg] = true
		}
	}
	cfg := config.Default()
	lex, err := cfg.Lists()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range detect.Registry(cfg.Detect, lex) {
		for _, c := range d.Codes() {
			if !seen[c] && !seen["tag:"+c] {
				t.Errorf("examples/chats.jsonl shows no %s (detector %s)", c, d.Name())
			}
		}
	}
}

// TestScanRedact checks that --redact masks personal data in everything
// written while privacy.pii_leak still fires on the raw text.
func TestScanRedact(t *testing.T) {
	in := `{"id":"p1","messages":[{"role":"customer","text":"我的手机号是13812345678"},{"role":"agent","text":"好的，已为您登记手机13812345678"}]}` + "\n"
	code, out, _ := run(t, in, "scan", "-", "--format", "jsonl", "--redact")
	if code != ExitOK || strings.Contains(out, "13812345678") || !strings.Contains(out, "privacy.pii_leak") {
		t.Errorf("exit %d, redacted output must keep the finding and lose the number:\n%s", code, out)
	}
	code, out, _ = run(t, in, "scan", "-", "--format", "text", "--redact")
	if code != ExitOK || strings.Contains(out, "13812345678") {
		t.Errorf("text report leaks the number:\n%s", out)
	}
	// Without --redact nothing is masked: the evidence shows the value as
	// the quoted message does, and names its kind.
	for _, format := range []string{"jsonl", "text", "html"} {
		code, out, _ = run(t, in, "scan", "-", "--format", format)
		if code != ExitOK || strings.Contains(out, "138****5678") || !strings.Contains(out, "手机号：") {
			t.Errorf("%s without --redact: evidence must be in clear and name the kind:\n%s", format, out)
		}
	}
}

// TestSampleCommand checks the review queue end to end.
func TestSampleCommand(t *testing.T) {
	code, out, stderr := run(t, "", "sample", filepath.Join("..", "..", "examples", "chats.jsonl"), "--n", "5", "--random", "0.2")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d picks, want 5", len(lines))
	}
	reasons := map[string]int{}
	for _, l := range lines {
		var p struct {
			Reason       string
			Conversation struct{ Messages []struct{ Text string } }
		}
		if err := json.Unmarshal([]byte(l), &p); err != nil {
			t.Fatal(err)
		}
		reasons[p.Reason]++
		if len(p.Conversation.Messages) == 0 {
			t.Error("a pick without its conversation")
		}
	}
	if reasons["risk"] != 4 || reasons["random"] != 1 {
		t.Errorf("reasons %v, want 4 risk and 1 random", reasons)
	}
	if code, _, _ := run(t, "", "sample", "x.jsonl", "--format", "html"); code != ExitUsage {
		t.Errorf("sample --format html: exit %d", code)
	}
}

// TestBadFlagIsShort: a mistyped flag is a usage error whose message is
// not buried under the whole flag list; -h still prints the list.
func TestBadFlagIsShort(t *testing.T) {
	code, _, stderr := run(t, "", "scan", "x.jsonl", "--fromat", "jsonl")
	if code != ExitUsage || !strings.Contains(stderr, "-fromat") || !strings.Contains(stderr, `"fullqa scan -h"`) || strings.Contains(stderr, "-workers") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	_, _, stderr = run(t, "", "scan", "-h")
	if !strings.Contains(stderr, "-workers") {
		t.Errorf("scan -h lacks the flags: %q", stderr)
	}
}

// TestReportsMarkExperimental checks that the text and HTML reports name
// an experimental code with its mark (in the language asked for) and a
// precise one without: a QA lead reads the report, not the README.
func TestReportsMarkExperimental(t *testing.T) {
	chats := filepath.Join("..", "..", "examples", "chats.jsonl")
	for _, c := range []struct {
		args       []string
		exp, plain string
	}{
		{[]string{"scan", chats}, "问题未解决（试验）", "客户负面情绪"},
		{[]string{"scan", chats, "--lang", "en"}, "Unresolved (experimental)", "Negative customer emotion"},
		{[]string{"scan", chats, "--format", "html"}, "问题未解决（试验）", "客户负面情绪"},
	} {
		code, out, stderr := run(t, "", c.args...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d: %s", c.args, code, stderr)
		}
		if !strings.Contains(out, c.exp) {
			t.Errorf("%v: no %q in the report", c.args, c.exp)
		}
		if !strings.Contains(out, c.plain) || strings.Contains(out, c.plain+"（试验）") || strings.Contains(out, c.plain+" (experimental)") {
			t.Errorf("%v: %q missing or marked", c.args, c.plain)
		}
	}
}
