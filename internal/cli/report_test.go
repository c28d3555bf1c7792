package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// kpiData is the hand-worked KPI testdata of internal/report: two vendors,
// two shops, three agents in two teams, two days and one untimed chat.
var kpiData = filepath.Join("..", "report", "testdata", "kpi.jsonl")

// TestReportTextGolden pins the text report of `fullqa report` with teams
// and vendor contracts from a config file. Only the response and
// compliance detectors run, so the golden file changes with the report and
// the KPIs, not with every lexicon edit. Rewrite with -update.
func TestReportTextGolden(t *testing.T) {
	cfg := filepath.Join("testdata", "report-config.yaml")
	code, out, stderr := run(t, "", "report", "--config", cfg, "--detectors", "response,compliance", "--format", "text", kpiData)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(out, "fullqa 质检报告 · kpi.jsonl\n") {
		t.Errorf("title must name the file by its base name: %q", strings.SplitN(out, "\n", 2)[0])
	}
	golden(t, "report.kpi.txt", out)
	// Deterministic: a second run (with another worker count) is identical.
	_, again, _ := run(t, "", "report", "--config", cfg, "--detectors", "response,compliance", "--workers", "1", kpiData)
	if again != out {
		t.Error("text report differs between runs")
	}
}

// TestReportJSONKPIs reads the KPI JSON the way another tool would and
// checks the hand-worked totals and contract results (see
// internal/report/kpi_test.go for the arithmetic).
func TestReportJSONKPIs(t *testing.T) {
	cfg := filepath.Join("testdata", "report-config.yaml")
	code, out, stderr := run(t, "", "report", "--config", cfg, "--detectors", "response,compliance", "--format", "json", kpiData)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Schema, From, To, Timezone string
		Total                      map[string]any
		By                         map[string][]map[string]any
		Contracts                  []struct {
			Vendor  string
			Period  string
			Met     *bool
			Targets []struct {
				KPI    string
				Actual *float64
				Met    *bool
				Gap    *float64
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Schema != "fullqa.kpi/v1" || rep.From != "2026-11-01" || rep.To != "2026-11-02" || rep.Timezone != "Asia/Shanghai" {
		t.Errorf("header %s %s %s %s", rep.Schema, rep.From, rep.To, rep.Timezone)
	}
	for key, want := range map[string]any{
		"conversations": 12.0, "first_response_n": 9.0, "no_human_reply": 2.0, "rounds": 15.0, "slow_rounds": 4.0,
		"response_rate_3m": 0.4, "answer_ratio": 0.8, "consulted": 11.0, "received": 9.0, "satisfaction": 0.5,
		"mean_score": 87.8, "fatal": 1.0, "refunds": 1.0, "long_conversations": 1.0,
	} {
		if got := rep.Total[key]; got != want {
			t.Errorf("total.%s = %v, want %v", key, got, want)
		}
	}
	for _, v := range rep.By["vendor"] {
		if v["key"] == "v2" && (v["conversion_rate"] != nil || v["refunds"] != nil || v["satisfaction"] != nil) {
			t.Errorf("v2 has no outcomes or ratings: they must be null: %v", v)
		}
	}
	// Each vendor over the whole period, then day by day (two days).
	if len(rep.Contracts) != 6 {
		t.Fatalf("%d contract results, want 2 vendors × (period + 2 days)", len(rep.Contracts))
	}
	for _, c := range rep.Contracts {
		if c.Period == "2026-11-02" && c.Vendor == "v1" {
			for _, tr := range c.Targets {
				// v1 on 11-02: one first response of 30 s against ≤ 15 s.
				if tr.KPI == "first_response_s" && (tr.Actual == nil || *tr.Actual != 30 || *tr.Met) {
					t.Errorf("v1 2026-11-02 first_response_s: %+v", tr)
				}
			}
			continue
		}
		if c.Period != "2026-11-01~2026-11-02" {
			continue
		}
		if c.Met == nil || *c.Met {
			t.Errorf("%s: both vendors miss a target", c.Vendor)
		}
		for _, tr := range c.Targets {
			if tr.KPI == "conversion_rate" && (tr.Actual != nil || tr.Met != nil || tr.Gap != nil) {
				t.Errorf("v2 conversion_rate must be null, not guessed")
			}
			if c.Vendor == "v1" && tr.KPI == "mean_score" && (tr.Met == nil || !*tr.Met || *tr.Gap != 10) {
				t.Errorf("v1 mean_score 95 ≥ 85: met with gap 10, got %+v", tr)
			}
		}
	}
}
