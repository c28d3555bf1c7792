package sample

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"fullqa/internal/codebook"
	"fullqa/internal/conversation"
	"fullqa/internal/scan"
)

// result makes a conversation handled by agent with findings of sev.
func result(id, agent string, score int, sevs ...conversation.Severity) *scan.Result {
	c := &conversation.Conversation{ID: id, Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "在吗"},
		{Role: conversation.RoleAgent, Agent: agent, Text: "在的"},
	}}
	r := &scan.Result{Conv: c, Score: score}
	for _, s := range sevs {
		r.Findings = append(r.Findings, conversation.Finding{Code: "response.missed", Severity: s, Messages: []int{0}, Evidence: "在吗"})
	}
	return r
}

func ids(ps []Pick) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Result.Conv.ID+":"+p.Reason)
	}
	return strings.Join(out, " ")
}

// addFixture adds the same stream to a sampler: agent a has the three
// riskiest conversations, b and c one risky each, then twenty clean ones.
func addFixture(s *Sampler) {
	s.Add(result("a1", "a", 40, conversation.SeverityHigh))
	s.Add(result("a2", "a", 50, conversation.SeverityHigh))
	s.Add(result("a3", "a", 60, conversation.SeverityHigh))
	s.Add(result("b1", "b", 90, conversation.SeverityLow))
	s.Add(result("c1", "c", 80, conversation.SeverityMedium))
	for i := 0; i < 20; i++ {
		s.Add(result(fmt.Sprintf("ok%d", i), "b", 100))
	}
}

func TestStratifiedRiskFirst(t *testing.T) {
	s := New(Options{N: 5, Random: 0.2, Seed: 7})
	addFixture(s)
	got := s.Picks()
	if len(got) != 5 {
		t.Fatalf("got %d picks", len(got))
	}
	// Four risk picks, round-robin: a's riskiest, then c (medium), then b
	// (low), then a's second; then one random pick.
	want := "a1:risk c1:risk b1:risk a2:risk"
	if prefix := ids(got[:4]); prefix != want {
		t.Errorf("risk picks %q, want %q", prefix, want)
	}
	if got[4].Reason != "random" {
		t.Errorf("last pick %+v, want a random one", got[4])
	}
	for i, p := range got {
		if p.Rank != i+1 {
			t.Errorf("rank %d at %d", p.Rank, i)
		}
	}
	// The same seed gives the same sample.
	s2 := New(Options{N: 5, Random: 0.2, Seed: 7})
	addFixture(s2)
	if ids(s2.Picks()) != ids(got) {
		t.Errorf("not reproducible: %s vs %s", ids(s2.Picks()), ids(got))
	}
}

func TestFewRiskyFillsWithRandom(t *testing.T) {
	s := New(Options{N: 4, Random: 0, Seed: 1})
	s.Add(result("r", "a", 50, conversation.SeverityHigh))
	s.Add(result("x", "a", 100))
	s.Add(result("y", "a", 100))
	got := s.Picks()
	if len(got) != 3 || got[0].Conv() != "r" {
		t.Errorf("picks %s", ids(got))
	}
	// A random pick never repeats a risk pick.
	seen := map[string]bool{}
	for _, p := range got {
		if seen[p.Conv()] {
			t.Errorf("%s picked twice", p.Conv())
		}
		seen[p.Conv()] = true
	}
}

func TestWriteJSONL(t *testing.T) {
	s := New(Options{N: 1, Seed: 1})
	s.Add(result("a1", "a", 40, conversation.SeverityHigh))
	var b bytes.Buffer
	if err := WriteJSONL(&b, s.Picks()); err != nil {
		t.Fatal(err)
	}
	var line struct {
		Rank         int    `json:"rank"`
		Reason       string `json:"reason"`
		Conversation struct {
			ID       string `json:"id"`
			Messages []struct{ Role, Text string }
		} `json:"conversation"`
	}
	if err := json.Unmarshal(b.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	if line.Rank != 1 || line.Reason != "risk" || line.Conversation.ID != "a1" || line.Conversation.Messages[1].Role != "agent" {
		t.Errorf("%s", b.String())
	}
	b.Reset()
	if err := WriteXLSX(&b, s.Picks(), codebook.ZH); err != nil || b.Len() < 1000 {
		t.Fatalf("xlsx: %v, %d bytes", err, b.Len())
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const sheet = "抽检 Review"
	dvs, err := f.GetDataValidations(sheet)
	if err != nil || len(dvs) != 1 || dvs[0].Sqref != "H2:H2" || !strings.Contains(dvs[0].Formula1, "误报 false alarm") {
		t.Errorf("verdict drop-down: %v %+v", err, dvs)
	}
	// The transcript a reviewer reads names the roles in Chinese.
	if tr, _ := f.GetCellValue(sheet, "G2"); !strings.Contains(tr, "] 客户: ") || strings.Contains(tr, "customer") {
		t.Errorf("transcript %q", tr)
	}
	if dim, _ := f.GetSheetDimension(sheet); dim != "A1:I2" {
		t.Errorf("dimension %q, want A1:I2", dim)
	}
	panes, _ := f.GetPanes(sheet)
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v", panes)
	}
	rows, _ := f.GetRows(sheet)
	if len(rows) != 2 || !strings.Contains(rows[1][5], "超权限承诺") && !strings.Contains(rows[1][5], "[高]") {
		t.Errorf("review rows: %q", rows)
	}
}
