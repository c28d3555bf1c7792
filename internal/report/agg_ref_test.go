package report

import (
	"maps"
	"math"
	"testing"
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/score"
)

// TestAggregatesMatchRecount holds the aggregation's code counts (the
// groups' finding shares, numbered codes in slices; the summary's
// findings by code and severity, conversations by code and agents'
// findings, counted by code number and severity in slices, found without
// a map of codes seen or a second agent look-up) to a recount straight
// from the results with maps, as the aggregation counted before.
func TestAggregatesMatchRecount(t *testing.T) {
	res := synthResults(5000)
	for i, r := range res { // some severities past critical, written "unknown"
		if i%97 == 0 && len(r.Findings) > 0 {
			r.Findings = append([]conversation.Finding(nil), r.Findings...)
			r.Findings[0].Severity = conversation.Severity(5 + i%3)
		}
	}
	cfg := score.DefaultConfig()
	cfg.Teams = map[string][]string{"t1": {"a00", "a01", "a02"}, "t2": {"a10", "a11"}}
	team := map[string]string{}
	for tm, ags := range cfg.Teams {
		for _, a := range ags {
			team[a] = tm
		}
	}
	bld := NewBuilder(cfg, 20, false)
	type key struct{ dim, key string }
	owned, codes := map[key]int{}, map[key]map[string]int{}
	convsByCode, agentFindings := map[string]int{}, map[string]map[string]int{}
	byCode, bySeverity := map[string]int{}, map[string]int{}
	count := func(k key, distinct map[string]bool) {
		owned[k]++
		if codes[k] == nil {
			codes[k] = map[string]int{}
		}
		for c := range distinct {
			codes[k][c]++
		}
	}
	alone := NewSummary(20)
	for _, r := range res {
		bld.Add(r)
		alone.Add(r)
		c := r.Conv
		distinct := map[string]bool{}
		for _, f := range r.Findings {
			distinct[f.Code] = true
			byCode[f.Code]++
			bySeverity[f.Severity.String()]++
		}
		for code := range distinct {
			convsByCode[code]++
		}
		day := r.KPI.Day
		if day == "" {
			day = "(no time)"
		}
		count(key{"total", "total"}, distinct)
		count(key{"day", day}, distinct)
		if c.Vendor != "" {
			count(key{"vendor", c.Vendor}, distinct)
			count(key{"vendor_day", c.Vendor + " " + day}, distinct)
		}
		if c.Shop != "" {
			count(key{"shop", c.Shop}, distinct)
		}
		agents, main := score.Agents(c)
		if main != "" {
			count(key{"agent", main}, distinct)
			if tm, ok := team[main]; ok {
				count(key{"team", tm}, distinct)
			}
		}
		for _, f := range r.Findings {
			who := main
			for _, n := range f.Messages {
				if n < len(c.Messages) && c.Messages[n].Role == conversation.RoleAgent && c.Messages[n].Agent != "" {
					who = c.Messages[n].Agent
					break
				}
			}
			if who != "" {
				if agentFindings[who] == nil {
					agentFindings[who] = map[string]int{}
				}
				agentFindings[who][f.Code]++
			}
		}
		for _, ac := range agents {
			if agentFindings[ac.Agent] == nil {
				agentFindings[ac.Agent] = map[string]int{}
			}
		}
	}
	alone.Finish()
	rep := bld.Finish("t", "Asia/Shanghai", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	check := func(k key, got map[string]float64) {
		t.Helper()
		want := map[string]float64{}
		for c, n := range codes[k] {
			want[c] = float64(n) / float64(owned[k])
		}
		if len(got) != len(want) {
			t.Fatalf("%v: finding shares %v, want %v", k, got, want)
		}
		for c, v := range want {
			if g, ok := got[c]; !ok || math.Abs(g-v) > 0 {
				t.Fatalf("%v: %s share %v, want %v", k, c, got[c], v)
			}
		}
	}
	check(key{"total", "total"}, rep.Total.FindingShare)
	groups := 0
	for dim, ks := range rep.By {
		for _, g := range ks {
			check(key{dim, g.Key}, g.FindingShare)
			groups++
		}
	}
	if groups < 100 {
		t.Fatalf("only %d groups", groups)
	}
	// The Builder's summary and one fed by Summary.Add, which finds the
	// distinct codes itself.
	for _, sum := range []*Summary{rep.Summary, alone} {
		if !maps.Equal(sum.ByCode, byCode) {
			t.Fatalf("findings by code %v, want %v", sum.ByCode, byCode)
		}
		if !maps.Equal(sum.BySeverity, bySeverity) || bySeverity["unknown"] == 0 {
			t.Fatalf("findings by severity %v, want %v", sum.BySeverity, bySeverity)
		}
		if !maps.Equal(sum.ConvsByCode, convsByCode) {
			t.Fatalf("conversations by code %v, want %v", sum.ConvsByCode, convsByCode)
		}
		if len(sum.Agents) != len(agentFindings) {
			t.Fatalf("%d agents, want %d", len(sum.Agents), len(agentFindings))
		}
		for a, st := range sum.Agents {
			if !maps.Equal(st.Findings, agentFindings[a]) {
				t.Fatalf("agent %s findings %v, want %v", a, st.Findings, agentFindings[a])
			}
		}
	}
}
