package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestCSVRejectsRefeed: a CSV reject file starts with the input's header
// and quotes its fields, so it can be fixed and fed again as it is.
func TestCSVRejectsRefeed(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "export.csv")
	csv := "会话ID,发送方,内容\n" +
		"c1,买家,\"你好, 在吗\"\n" +
		"c1,客服,在的\n" +
		"c2,路人,\"他说\"\"退款\"\"了\"\n" + // 路人 is no built-in role: c2 is rejected
		"c2,客服,好的\n"
	if err := os.WriteFile(in, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	rejects := filepath.Join(dir, "rejects.csv")
	code, _, stderr := run(t, "", "scan", in, "--detectors", "none", "--format", "json", "--rejects", rejects)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got, _ := os.ReadFile(rejects)
	want := "会话ID,发送方,内容\nc2,路人,\"他说\"\"退款\"\"了\"\nc2,客服,好的\n"
	if string(got) != want {
		t.Fatalf("rejects file:\n%s\nwant:\n%s", got, want)
	}
	// Fixed by a role mapping, the reject file is accepted whole.
	code, out, stderr := run(t, "", "scan", rejects, "--detectors", "none", "--format", "json", "--roles", "路人=customer")
	if code != ExitOK || !strings.Contains(out, `"conversations": 1,`) || !strings.Contains(out, `"bad_records": 0`) {
		t.Errorf("re-fed rejects: exit %d, stderr %s, out %.300s", code, stderr, out)
	}
}

// TestOutFormatFromExtension: --out without --format writes the format its
// extension names, or refuses before scanning.
func TestOutFormatFromExtension(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		file, magic string
	}{
		{"r.xlsx", "PK\x03\x04"}, {"r.html", "<!doctype html>"}, {"r.json", "{\n  \"schema\": \"fullqa.kpi/v1\""},
		{"r.jsonl", "{\"id\":"}, {"r.txt", "fullqa 质检报告"}, {"R.XLSX", "PK\x03\x04"},
	} {
		out := filepath.Join(dir, tc.file)
		code, _, stderr := run(t, "", "report", kpiData, "--detectors", "response", "--out", out)
		if code != ExitOK {
			t.Errorf("%s: exit %d: %s", tc.file, code, stderr)
			continue
		}
		got, _ := os.ReadFile(out)
		if !strings.HasPrefix(string(got), tc.magic) {
			t.Errorf("%s starts %.40q, want %q", tc.file, got, tc.magic)
		}
	}
	out := filepath.Join(dir, "r.pdf")
	code, _, stderr := run(t, "", "report", kpiData, "--out", out)
	if code != ExitUsage || !strings.Contains(stderr, "give --format") {
		t.Errorf("r.pdf: exit %d, stderr %q; want a usage error naming --format", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("r.pdf was written")
	}
	// An explicit --format wins over the extension.
	code, _, _ = run(t, "", "report", kpiData, "--detectors", "response", "--format", "text", "--out", filepath.Join(dir, "x.log"))
	if code != ExitOK {
		t.Errorf("explicit --format with an unknown extension: exit %d", code)
	}
	// sample writes jsonl or xlsx only.
	code, _, stderr = run(t, "", "sample", kpiData, "--out", filepath.Join(dir, "s.html"))
	if code != ExitUsage {
		t.Errorf("sample --out s.html: exit %d %s", code, stderr)
	}
	code, _, stderr = run(t, "", "sample", kpiData, "--detectors", "response", "--out", filepath.Join(dir, "s.xlsx"))
	if code != ExitOK {
		t.Fatalf("sample --out s.xlsx: exit %d %s", code, stderr)
	}
	if f, err := excelize.OpenFile(filepath.Join(dir, "s.xlsx")); err != nil {
		t.Errorf("sample s.xlsx is no workbook: %v", err)
	} else {
		f.Close()
	}
}

// TestLogOnlyWhenAsked: stderr carries no "scan done" line unless -v or
// --log-level asks for it.
func TestLogOnlyWhenAsked(t *testing.T) {
	_, _, stderr := run(t, "", "scan", kpiData, "--detectors", "none", "--format", "json")
	if strings.Contains(stderr, "scan done") {
		t.Errorf("log line without -v: %q", stderr)
	}
	for _, flag := range [][]string{{"-v"}, {"--log-level", "info"}} {
		args := append([]string{"scan", kpiData, "--detectors", "none", "--format", "json"}, flag...)
		code, _, stderr := run(t, "", args...)
		if code != ExitOK || !strings.Contains(stderr, "msg=\"scan done\"") || !strings.Contains(stderr, "conversations=12") {
			t.Errorf("%v: exit %d, stderr %q", flag, code, stderr)
		}
		if strings.Contains(stderr, "T") && strings.Contains(stderr, "Z ") {
			t.Errorf("%v: time not local and readable: %q", flag, stderr)
		}
	}
	if code, _, _ := run(t, "", "scan", kpiData, "--log-level", "loud"); code != ExitUsage {
		t.Errorf("--log-level loud: exit %d, want %d", code, ExitUsage)
	}
}

// TestReportLanguages: the text report speaks the configured language,
// Chinese by default, and names every code from the codebook.
func TestReportLanguages(t *testing.T) {
	cfg := filepath.Join("testdata", "report-config.yaml")
	_, zh, _ := run(t, "", "report", "--config", cfg, "--detectors", "response,compliance", kpiData)
	code, en, stderr := run(t, "", "report", "--config", cfg, "--detectors", "response,compliance", "--lang", "en", kpiData)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"按问题类型", "引导站外交易", "客服引导客户加微信", "样本不足", "首响中位"} {
		if !strings.Contains(zh, want) {
			t.Errorf("Chinese report lacks %q", want)
		}
	}
	for _, want := range []string{"by code", "Off-platform contact", "The agent steered the customer off the platform", "too few", "fullqa QA report"} {
		if !strings.Contains(en, want) {
			t.Errorf("English report lacks %q", want)
		}
	}
	if strings.Contains(en, "按问题类型") || strings.Contains(en, "引导站外交易") {
		t.Error("English report has Chinese headings or names")
	}
	_, page, _ := run(t, "", "report", "--config", cfg, "--detectors", "response,compliance", "--lang", "en", "--format", "html", kpiData)
	for _, want := range []string{`<html lang="en">`, "Off-platform contact", "KPIs by team (by volume)", "too few"} {
		if !strings.Contains(page, want) {
			t.Errorf("English HTML lacks %q", want)
		}
	}
	if strings.Contains(page, "反复出现") || strings.Contains(page, "突发问题") {
		t.Error("English HTML has Chinese across-conversation headings")
	}
	// The Chinese HTML report is Chinese throughout: the across-conversation
	// headings and the roles of quoted messages too.
	_, zhPage, _ := run(t, "", "report", "--config", cfg, "--detectors", "response,compliance", "--format", "html", kpiData)
	for _, want := range []string{"反复出现的售后问题", "到期未兑现的承诺", "突发问题", "] 客户</i>", "] 客服</i>"} {
		if !strings.Contains(zhPage, want) {
			t.Errorf("Chinese HTML lacks %q", want)
		}
	}
	for _, bad := range []string{"Repeat contacts", "Promises not kept", "Bursts", "] customer</i>", "] agent</i>", ">无 none<"} {
		if strings.Contains(zhPage, bad) {
			t.Errorf("Chinese HTML has English %q", bad)
		}
	}
	book := filepath.Join(t.TempDir(), "en.xlsx")
	if code, _, stderr := run(t, "", "report", "--detectors", "response,compliance", "--lang", "en", "--out", book, kpiData); code != ExitOK {
		t.Fatalf("en xlsx: exit %d %s", code, stderr)
	}
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("会话 Conversations", "A1"); v != "Only conversations with findings: 9 of 12 conversations" {
		t.Errorf("en conversations note %q", v)
	}
	if code, _, _ := run(t, "", "report", "--lang", "fr", kpiData); code != ExitUsage {
		t.Errorf("--lang fr: exit %d, want %d", code, ExitUsage)
	}
}

// TestProgressLineFits: the progress line fits an 80-column terminal even
// with huge counts and rates, and redraws in place.
func TestProgressLineFits(t *testing.T) {
	var read atomic.Int64
	var buf strings.Builder
	p := newProgress(&buf, 1<<40, &read, true)
	read.Store(1 << 39)
	p.convs.Store(123_456_789_012)
	for _, final := range []bool{false, true} {
		l := p.line(p.start.Add(3*time.Millisecond), final)
		if len(l) > progressWidth {
			t.Errorf("progress line is %d columns: %q", len(l), l)
		}
	}
	p.draw(p.start.Add(time.Hour), false)
	if got := buf.String(); !strings.HasPrefix(got, "\r") || !strings.HasSuffix(got, "\x1b[K") {
		t.Errorf("progress draw %q does not redraw in place", got)
	}
	stdin := newProgress(&buf, 0, &read, true)
	stdin.convs.Store(1 << 40)
	if l := stdin.line(stdin.start.Add(time.Nanosecond), false); len(l) > progressWidth {
		t.Errorf("stdin progress line is %d columns: %q", len(l), l)
	}
}

// TestJSONFiguresRounded: the KPI JSON shows figures as a person reads
// them (no 0.6666666666666666 or 0.09999999999999998), with medians and
// p90s beside the means and each contract target's status and sample.
func TestJSONFiguresRounded(t *testing.T) {
	cfg := filepath.Join("testdata", "report-config.yaml")
	code, out, stderr := run(t, "", "report", "--config", cfg, "--detectors", "response,compliance", "--format", "json", kpiData)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if m := regexp.MustCompile(`[0-9]\.[0-9]{5,}`).FindString(out); m != "" {
		t.Errorf("unrounded figure %s in the JSON report", m)
	}
	for _, want := range []string{`"first_response_p50_s": 30,`, `"response_p90_s": 360,`, `"status": "too_few"`,
		`"min_sample": 5`, `"satisfaction": 0.6667`} {
		if !strings.Contains(out, want) {
			t.Errorf("JSON report lacks %s", want)
		}
	}
}
