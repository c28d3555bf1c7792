package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestReportXLSX writes the workbook for the hand-worked KPI data and reads
// it back: the sheets operations teams expect, the totals as numbers
// (ratios formatted as percentages, unavailable figures empty), one row
// per agent, team, day, vendor and shop, and one row per conversation
// with findings, under a note saying that only those are listed.
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
	want := []string{"汇总 Summary", "问题 Findings", "合同 Contracts", "客服 Agents", "班组 Teams", "每日KPI By day",
		"供应商 Vendors", "店铺 Shops", "会话 Conversations"}
	if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	rows, err := f.GetRows("汇总 Summary", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	cell := map[string]string{}
	for _, r := range rows {
		if len(r) >= 2 {
			cell[r[0]] = r[1]
		}
	}
	if cell["会话数"] != "12" || cell["一票否决"] != "1" || cell["3分钟响应率"] != "0.4" || cell["首响(秒)"] != "453.4" {
		t.Errorf("summary cells: %v", cell)
	}
	shown, _ := f.GetRows("汇总 Summary")
	for _, r := range shown {
		if r[0] == "3分钟响应率" && r[1] != "40.0%" {
			t.Errorf("3分钟响应率 shows %q, want 40.0%%", r[1])
		}
	}
	agents, _ := f.GetRows("客服 Agents", excelize.Options{RawCellValue: true})
	if len(agents) != 4 || agents[1][0] != "a3" { // header + a3, a2, a1 (by volume)
		t.Fatalf("agents sheet: %v", agents)
	}
	// a3 has no ratings: satisfaction (column Q) is an empty cell, not "n/a".
	if v, _ := f.GetCellValue("客服 Agents", "Q2"); v != "" {
		t.Errorf("a3 satisfaction cell %q, want empty", v)
	}
	for _, sheet := range []string{"班组 Teams", "供应商 Vendors", "店铺 Shops"} {
		if r, _ := f.GetRows(sheet); len(r) != 3 {
			t.Errorf("%s has %d rows, want a header and two groups", sheet, len(r))
		}
	}
	days, _ := f.GetRows("每日KPI By day")
	if len(days) != 4 { // header + (no time) + two days
		t.Errorf("days sheet has %d rows", len(days))
	}
	for _, sheet := range f.GetSheetList() {
		if p, _ := f.GetPanes(sheet); !p.Freeze {
			t.Errorf("%s: header not frozen", sheet)
		}
	}
	if dim, _ := f.GetSheetDimension("会话 Conversations"); dim != "A1:J11" { // note, header, 9 conversations
		t.Errorf("conversations dimension %q", dim)
	}
	convs, _ := f.GetRows("会话 Conversations")
	if len(convs) < 3 || !strings.HasPrefix(convs[0][0], "仅列出有问题的会话：9 个（共 12 个会话）") ||
		!strings.Contains(strings.Join(convs[1], ","), "证据") {
		t.Fatalf("conversations sheet: %v", convs[:min(3, len(convs))])
	}
	found := false
	for _, r := range convs[2:] {
		if r[0] == "k11" && strings.Contains(strings.Join(r, " "), "compliance.off_platform") && strings.Contains(strings.Join(r, " "), "引导站外交易") {
			found = true
		}
	}
	if !found {
		t.Error("k11 with its off-platform finding is missing from the conversations sheet")
	}
	contracts, _ := f.GetRows("合同 Contracts")
	if len(contracts) != 2+18 || !strings.Contains(strings.Join(contracts[0], ""), "差距") {
		t.Errorf("contracts sheet: %d rows, note %q", len(contracts), contracts[0])
	}
}
