package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"fullqa/internal/codebook"
	"fullqa/internal/score"
)

// TestContractWithoutData checks that a contract whose vendor has no
// conversation in the period is reported as such in every format, not
// dropped: a vendor whose chats are missing from the export must show.
func TestContractWithoutData(t *testing.T) {
	res := inspectFile(t, kpiFile, "response", score.DefaultConfig())
	cfg := score.DefaultConfig()
	v := func(x float64) *float64 { return &x }
	cfg.Contracts = []score.Contract{
		{Vendor: "v1", Targets: map[string]score.Target{"mean_score": {Min: v(85)}}},
		{Vendor: "v-absent", Targets: map[string]score.Target{"mean_score": {Min: v(85)}, "satisfaction": {Min: v(0.9)}}},
	}
	b := NewBuilder(cfg, 20, true)
	for _, r := range res {
		b.Add(r)
	}
	rep := b.Finish("t", "Asia/Shanghai", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	var absent *score.ContractResult
	for i := range rep.Contracts {
		if rep.Contracts[i].Vendor == "v-absent" {
			absent = &rep.Contracts[i]
		}
	}
	if absent == nil {
		t.Fatalf("the contract of a vendor without data was dropped: %+v", rep.Contracts)
	}
	if absent.Status != score.StatusNoConversations || absent.Met != nil || len(absent.Targets) != 2 || absent.Period == "" {
		t.Errorf("no-data contract %+v", *absent)
	}
	for _, tr := range absent.Targets {
		if tr.Status != score.StatusNoData || tr.Actual != nil || tr.Met != nil {
			t.Errorf("target of a vendor without data: %+v", tr)
		}
	}

	var text bytes.Buffer
	if err := WriteText(&text, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "v-absent") || !strings.Contains(text.String(), "本期无数据") {
		t.Errorf("text report lacks the vendor without data:\n%s", text.String())
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Contracts []struct{ Vendor, Status string }
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range doc.Contracts {
		found = found || c.Vendor == "v-absent" && c.Status == "no_conversations"
	}
	if !found {
		t.Errorf("JSON lacks the vendor without data: %+v", doc.Contracts)
	}
	h, err := NewHTML()
	if err != nil {
		t.Fatal(err)
	}
	var html bytes.Buffer
	if err := h.Write(&html, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), "v-absent") || !strings.Contains(html.String(), "本期无数据") {
		t.Error("HTML report lacks the vendor without data")
	}
	rep.Lang = codebook.EN
	text.Reset()
	WriteText(&text, rep)
	if !strings.Contains(text.String(), "no data in the period") {
		t.Errorf("English text report lacks it:\n%s", text.String())
	}
}
