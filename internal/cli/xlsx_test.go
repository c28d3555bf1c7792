package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestReportXLSX writes the workbook for the hand-worked KPI data and reads
// it back: the sheets operations teams expect, the totals, one row per
// agent and day, and one row per conversation with findings.
func TestReportXLSX(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.xlsx")
	cfg := filepath.Join("testdata", "report-config.yaml")
	code, _, stderr := run(t, "", "report", "--config", cfg, "--detectors", "response,compliance", "--format", "xlsx", "--out", out, kpiData)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{"汇总 Summary", "客服 Agents", "每日KPI By day", "供应商 Vendors", "会话 Conversations"}
	if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	rows, err := f.GetRows("汇总 Summary")
	if err != nil {
		t.Fatal(err)
	}
	cell := map[string]string{}
	for _, r := range rows {
		if len(r) >= 2 {
			cell[r[0]] = r[1]
		}
	}
	if cell["会话 conversations"] != "12" || cell["一票否决 fatal"] != "1" || cell["3分钟响应率"] != "0.4" {
		t.Errorf("summary cells: %v", cell)
	}
	agents, _ := f.GetRows("客服 Agents")
	if len(agents) != 4 || agents[1][0] != "a3" { // header + a3, a2, a1 (by volume)
		t.Errorf("agents sheet: %v", agents)
	}
	days, _ := f.GetRows("每日KPI By day")
	if len(days) != 4 { // header + (no time) + two days
		t.Errorf("days sheet has %d rows", len(days))
	}
	convs, _ := f.GetRows("会话 Conversations")
	if len(convs) < 2 || !strings.Contains(strings.Join(convs[0], ","), "证据 evidence") {
		t.Fatalf("conversations sheet: %v", convs)
	}
	found := false
	for _, r := range convs[1:] {
		if r[0] == "k11" && strings.Contains(strings.Join(r, " "), "compliance.off_platform") {
			found = true
		}
	}
	if !found {
		t.Error("k11 with its off-platform finding is missing from the conversations sheet")
	}
}
