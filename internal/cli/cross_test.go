package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// history is the multi-day hand-written history of the analyze tests.
var history = filepath.Join("..", "analyze", "testdata", "history.jsonl")

// TestReportCrossSection: `fullqa report --format json` carries the cross
// section of fullqa.kpi/v1 with the counts the history gives, and the
// across findings are counted under their codes like any other.
func TestReportCrossSection(t *testing.T) {
	code, out, stderr := run(t, "", "report", history, "--format", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Cross *struct {
			Bursts           []json.RawMessage `json:"bursts"`
			RepeatUnresolved int               `json:"repeat_unresolved"`
			PromisesDue      int               `json:"promises_due"`
			PromisesUnkept   int               `json:"promises_unkept"`
			Unlinked         int               `json:"unlinked"`
		} `json:"cross"`
		FindingsBy map[string]int `json:"findings_by_code"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	c := rep.Cross
	if c == nil || c.Bursts == nil || c.RepeatUnresolved != 2 || c.PromisesUnkept != 2 || c.PromisesDue != 3 || c.Unlinked != 2 {
		t.Fatalf("cross = %+v", c)
	}
	if rep.FindingsBy["repeat.unresolved"] != 2 || rep.FindingsBy["promise.unkept"] != 2 {
		t.Errorf("findings_by_code: %v", rep.FindingsBy)
	}
}

// TestScanCrossFindings: in scan output the later conversation carries the
// finding, its data naming the earlier conversation and message; the text
// report has the three Chinese sections.
func TestScanCrossFindings(t *testing.T) {
	code, out, stderr := run(t, "", "scan", history, "--format", "jsonl")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	found := false
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct {
			ID       string `json:"id"`
			Findings []struct {
				Code string         `json:"code"`
				Data map[string]any `json:"data"`
			} `json:"findings"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		for _, f := range r.Findings {
			if f.Code == "promise.unkept" && r.ID == "e-2" {
				p, _ := f.Data["promise"].(map[string]any)
				found = p["conversation"] == "e-1" && p["message"] == 1.0
			}
		}
	}
	if !found {
		t.Error("e-2 has no promise.unkept naming e-1 message 1")
	}
	code, out, _ = run(t, "", "report", history)
	if code != ExitOK {
		t.Fatal(code)
	}
	for _, h := range []string{"反复出现的售后问题", "到期未兑现的承诺", "突发问题"} {
		if !strings.Contains(out, h) {
			t.Errorf("text report lacks %s", h)
		}
	}
}
