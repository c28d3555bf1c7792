package report

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"fullqa/internal/codebook"
	"fullqa/internal/conversation"
	"fullqa/internal/score"
)

// severities in display order, most serious first.
var severities = []string{"critical", "high", "medium", "low", "info"}

// WriteText writes the human report in r.Lang: totals, counts by severity
// and code (named and explained from internal/codebook), KPIs (total, by
// day, agent, team, vendor, shop), contract results, and the riskiest
// conversations with their evidence quoted. Tables are padded by display
// width. Output is deterministic so it can be diffed and golden-tested.
func WriteText(w io.Writer, r *Report) error {
	s, lang := r.Summary, r.Lang
	L := func(k string) string { return label(k, lang) }
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%s\n\n", r.Title, strings.Repeat("=", displayWidth(r.Title)))
	head := &table{}
	head.add(L("conversations"), strconv.Itoa(s.Conversations))
	head.add(L("messages"), strconv.Itoa(s.Messages))
	head.add(L("findings"), strconv.Itoa(s.Findings))
	head.add(L("mean score"), fmt.Sprintf("%.1f", s.MeanScore()))
	if r.From != "" {
		head.add(L("period"), fmt.Sprintf("%s – %s (%s)", r.From, r.To, r.Timezone))
	}
	if s.Rejected > 0 {
		head.add(L("bad records"), fmt.Sprintf("%d (%s)", s.Rejected, L("bad records note")))
	}
	head.write(&b)
	b.WriteString("\n" + L("by severity") + "\n")
	sev := &table{right: []bool{false, true}}
	for _, name := range severities {
		if n := s.BySeverity[name]; n > 0 {
			sev.add(codebook.Name(name, lang), strconv.Itoa(n))
		}
	}
	sev.write(&b)
	codes := s.Codes()
	b.WriteString("\n" + L("by code") + "\n")
	ct := &table{head: []string{L("problem"), L("code"), L("findings"), L("conversations"), L("share")},
		right: []bool{false, false, true, true, true}}
	for _, c := range codes {
		ct.add(codebook.Name(c.Code, lang), c.Code, strconv.Itoa(c.Count), strconv.Itoa(c.Convs),
			fmt.Sprintf("%.1f%%", pct(c.Convs, s.Conversations)))
	}
	ct.write(&b)
	if len(codes) > 0 {
		b.WriteString("\n" + L("explanations") + "\n")
		ex := &table{}
		for _, c := range codes {
			ex.add(codebook.Name(c.Code, lang), codebook.Explain(c.Code, lang))
		}
		ex.write(&b)
	}
	if len(s.Tags) > 0 {
		b.WriteString("\n" + L("scenes") + "\n")
		var tags []string
		for t := range s.Tags {
			tags = append(tags, t)
		}
		sort.Strings(tags)
		tt := &table{head: []string{L("scene"), "", L("conversations"), L("share")}, right: []bool{false, false, true, true}}
		for _, t := range tags {
			tt.add(codebook.Name(t, lang), t, strconv.Itoa(s.Tags[t]), fmt.Sprintf("%.1f%%", pct(s.Tags[t], s.Conversations)))
		}
		tt.write(&b)
	}
	writeKPITable(&b, L("KPIs"), []score.KPIs{r.Total}, lang)
	if days := r.By["day"]; len(days) > 1 {
		writeKPITable(&b, L("KPIs by day"), days, lang)
	}
	for _, dim := range []string{"agent", "team", "vendor", "shop"} {
		if rows := r.By[dim]; len(rows) > 0 {
			writeKPITable(&b, L("KPIs by "+dim), rows, lang)
		}
	}
	if len(r.Contracts) > 0 {
		writeContracts(&b, r.Contracts, lang)
	}
	writeCrossText(&b, r.Cross, lang)
	if len(s.Riskiest) > 0 {
		b.WriteString("\n" + L("riskiest") + "\n")
		for _, rk := range s.Riskiest {
			fmt.Fprintf(&b, "\n  %s  %s %d", rk.ID, L("score"), rk.Score)
			if len(rk.Agents) > 0 {
				fmt.Fprintf(&b, "  %s %s", L("agents"), strings.Join(rk.Agents, ","))
			}
			b.WriteByte('\n')
			if curve := rk.EmotionCurve(); curve != "" {
				fmt.Fprintf(&b, "    %s  %s\n", L("emotion"), curve)
			}
			for _, f := range rk.Findings {
				fmt.Fprintf(&b, "    [%s] %s %s %v: %s\n", codebook.Name(f.Severity.String(), lang),
					codebook.Name(f.Code, lang), f.Code, f.Messages, f.Evidence)
				if f.Detail != "" {
					fmt.Fprintf(&b, "        %s\n", codebook.Detail(f.Detail, lang))
				}
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeKPITable prints the main platform KPIs, one row per group, with the
// median and 90th percentile of the response times beside their means.
func writeKPITable(b *strings.Builder, title string, rows []score.KPIs, lang codebook.Lang) {
	L := func(k string) string { return label(k, lang) }
	t := &table{head: []string{"", L("h conv"), L("h first"), L("h first p50"), L("h mean resp"), L("h resp p50"), L("h resp p90"),
		L("h rate3"), L("h reply"), L("h ratio"), L("h satisfaction"), L("h score"), L("h slow"), L("h long")}}
	for range t.head {
		t.right = append(t.right, true)
	}
	t.right[0] = false
	for _, k := range rows {
		k = k.Rounded()
		t.add(clip(groupKey(k.Key, lang), 24), strconv.Itoa(k.Conversations),
			fptr(k.FirstResponseS, "%.1f"), fptr(k.FirstResponseP50S, "%.0f"),
			fptr(k.MeanResponseS, "%.1f"), fptr(k.ResponseP50S, "%.0f"), fptr(k.ResponseP90S, "%.0f"),
			pptr(k.ResponseRate3m), pptr(k.ReplyRate), fptr(k.AnswerRatio, "%.2f"), pptr(k.Satisfaction),
			fptr(k.MeanScore, "%.1f"), strconv.Itoa(k.SlowRounds), strconv.Itoa(k.LongConversations))
	}
	b.WriteString("\n" + title + "\n")
	t.write(b)
}

// groupKey names a KPI group's key for display.
func groupKey(key string, lang codebook.Lang) string {
	switch key {
	case "total":
		return label("all", lang)
	case "(no time)":
		return label("no time", lang)
	}
	return key
}

// writeContracts prints each vendor's targets with actual, gap (positive:
// met with that margin; negative: missed by that much) and sample.
func writeContracts(b *strings.Builder, cs []score.ContractResult, lang codebook.Lang) {
	L := func(k string) string { return label(k, lang) }
	b.WriteString("\n" + L("contracts") + "\n  " + L("gap note") + "\n")
	for _, c := range cs {
		fmt.Fprintf(b, "\n  %s  %s  %s\n", c.Vendor, c.Period, L(contractStatus(c)))
		t := &table{head: []string{"KPI", "", L("target"), L("actual"), L("gap"), L("sample"), L("result")},
			right: []bool{false, false, false, true, true, true, false}}
		for _, tr := range c.Targets {
			actual, gap := "-", "-"
			if tr.Actual != nil {
				actual, gap = fnum(*tr.Actual), fgap(*tr.Gap)
			}
			sample := strconv.Itoa(tr.Sample)
			if tr.Status == score.StatusTooFew {
				sample += fmt.Sprintf(" < %d", tr.MinSample)
			}
			t.add(codebook.Name(tr.KPI, lang), tr.KPI, tr.Op+" "+fnum(tr.Target), actual, gap, sample, L(targetStatus(tr)))
		}
		var tb strings.Builder
		t.write(&tb)
		for _, line := range strings.SplitAfter(tb.String(), "\n") {
			if line != "" {
				b.WriteString("  " + line)
			}
		}
	}
}

// contractStatus is a contract result's state, also for results written
// before Status existed.
func contractStatus(c score.ContractResult) string {
	if c.Status != "" {
		return c.Status
	}
	switch {
	case c.Met != nil && *c.Met:
		return score.StatusMet
	case c.Met != nil:
		return score.StatusMissed
	}
	return score.StatusNoData
}

func targetStatus(t score.TargetResult) string {
	if t.Status != "" {
		return t.Status
	}
	switch {
	case t.Met != nil && *t.Met:
		return score.StatusMet
	case t.Met != nil:
		return score.StatusMissed
	}
	return score.StatusNoData
}

func fptr(v *float64, f string) string {
	if v == nil {
		return "n/a"
	}
	return fmt.Sprintf(f, *v)
}

func pptr(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", *v*100)
}

func fnum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// fgap writes a signed gap readably: whole numbers when large, up to three
// decimals when small.
func fgap(v float64) string {
	if v >= 100 || v <= -100 {
		return fmt.Sprintf("%+.0f", v)
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if len(s) > 0 && s[0] != '-' {
		s = "+" + s
	}
	return s
}

func pct(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

// severityClass maps a severity to a CSS class in the HTML report.
func severityClass(s conversation.Severity) string { return "sev-" + s.String() }
