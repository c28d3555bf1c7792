package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"fullqa/internal/conversation"
	"fullqa/internal/score"
)

// severities in display order, most serious first.
var severities = []string{"critical", "high", "medium", "low", "info"}

// WriteText writes the human report: totals, counts by code and severity,
// KPIs (total, by day, by agent, by vendor), contract results, and the
// riskiest conversations with their evidence quoted. Output is
// deterministic so it can be diffed and golden-tested.
func WriteText(w io.Writer, r *Report) error {
	s := r.Summary
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%s\n\n", r.Title, strings.Repeat("=", displayWidth(r.Title)))
	fmt.Fprintf(&b, "conversations  %d\nmessages       %d\nfindings       %d\nmean score     %.1f\n",
		s.Conversations, s.Messages, s.Findings, s.MeanScore())
	if r.From != "" {
		fmt.Fprintf(&b, "period         %s – %s (%s)\n", r.From, r.To, r.Timezone)
	}
	if s.Rejected > 0 {
		fmt.Fprintf(&b, "bad records    %d (not scanned; see errors / --rejects)\n", s.Rejected)
	}
	b.WriteString("\nby severity\n")
	for _, sev := range severities {
		if n := s.BySeverity[sev]; n > 0 {
			fmt.Fprintf(&b, "  %-10s %6d\n", sev, n)
		}
	}
	b.WriteString("\nby code                          findings  conversations\n")
	for _, c := range s.Codes() {
		fmt.Fprintf(&b, "  %-30s %8d  %6d (%.1f%%)\n", c.Code, c.Count, c.Convs, pct(c.Convs, s.Conversations))
	}
	if len(s.Tags) > 0 {
		b.WriteString("\nscenes\n")
		var tags []string
		for t := range s.Tags {
			tags = append(tags, t)
		}
		sort.Strings(tags)
		for _, t := range tags {
			fmt.Fprintf(&b, "  %-14s %6d (%.1f%%)\n", t, s.Tags[t], pct(s.Tags[t], s.Conversations))
		}
	}
	writeKPITable(&b, "KPIs", []score.KPIs{r.Total})
	if days := r.By["day"]; len(days) > 1 {
		writeKPITable(&b, "KPIs by day", days)
	}
	if agents := r.By["agent"]; len(agents) > 0 {
		writeKPITable(&b, "KPIs by agent", agents)
	}
	if teams := r.By["team"]; len(teams) > 0 {
		writeKPITable(&b, "KPIs by team", teams)
	}
	if vendors := r.By["vendor"]; len(vendors) > 0 {
		writeKPITable(&b, "KPIs by vendor", vendors)
	}
	if len(r.Contracts) > 0 {
		b.WriteString("\nvendor contracts\n")
		for _, c := range r.Contracts {
			state := "NO DATA"
			if c.Met != nil && *c.Met {
				state = "MET"
			} else if c.Met != nil {
				state = "MISSED"
			}
			fmt.Fprintf(&b, "  %s  %s  %s\n", c.Vendor, c.Period, state)
			for _, t := range c.Targets {
				if t.Actual == nil {
					fmt.Fprintf(&b, "    %-18s %s %-8s actual n/a (the data cannot give it)\n", t.KPI, t.Op, fnum(t.Target))
					continue
				}
				mark := "met"
				if !*t.Met {
					mark = "missed"
				}
				fmt.Fprintf(&b, "    %-18s %s %-8s actual %-8s gap %s  %s\n", t.KPI, t.Op, fnum(t.Target), fnum(*t.Actual), fgap(*t.Gap), mark)
			}
		}
	}
	if len(s.Riskiest) > 0 {
		b.WriteString("\nriskiest conversations\n")
		for _, rk := range s.Riskiest {
			fmt.Fprintf(&b, "\n  %s  score %d", rk.ID, rk.Score)
			if len(rk.Agents) > 0 {
				fmt.Fprintf(&b, "  agents %s", strings.Join(rk.Agents, ","))
			}
			b.WriteByte('\n')
			if curve := rk.EmotionCurve(); curve != "" {
				fmt.Fprintf(&b, "    emotion  %s\n", curve)
			}
			for _, f := range rk.Findings {
				fmt.Fprintf(&b, "    [%s] %s %v: %s\n", f.Severity, f.Code, f.Messages, f.Evidence)
				if f.Detail != "" {
					fmt.Fprintf(&b, "        %s\n", f.Detail)
				}
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeKPITable prints the main platform KPIs, one row per group.
func writeKPITable(b *strings.Builder, title string, rows []score.KPIs) {
	// Headers are Chinese: pad them by display width (two columns a
	// character), as terminals show them, so they sit over their numbers.
	fmt.Fprintf(b, "\n%s\n  %-20s %6s %s %s %s %s %s %s %s %s %s\n", title,
		"", "conv", padLeft("首响s", 8), padLeft("均响s", 8), padLeft("3分钟率", 7), padLeft("回复率", 7),
		padLeft("答问比", 7), padLeft("满意度", 6), padLeft("均分", 6), padLeft("慢回合", 6), padLeft("长会话", 6))
	for _, k := range rows {
		key := k.Key
		if key == "total" {
			key = "all"
		}
		fmt.Fprintf(b, "  %-20s %6d %8s %8s %7s %7s %7s %6s %6s %6d %6d\n", clipKey(key), k.Conversations,
			fptr(k.FirstResponseS, "%.1f"), fptr(k.MeanResponseS, "%.1f"), pptr(k.ResponseRate3m), pptr(k.ReplyRate),
			fptr(k.AnswerRatio, "%.2f"), pptr(k.Satisfaction), fptr(k.MeanScore, "%.1f"), k.SlowRounds, k.LongConversations)
	}
}

func clipKey(s string) string {
	r := []rune(s)
	if len(r) > 20 {
		return string(r[:19]) + "…"
	}
	return s
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

func fnum(v float64) string { return fmt.Sprintf("%.4g", v) }

// fgap writes a signed gap readably: whole numbers when large, three
// significant digits when small.
func fgap(v float64) string {
	if v >= 100 || v <= -100 {
		return fmt.Sprintf("%+.0f", v)
	}
	return fmt.Sprintf("%+.3g", v)
}

func pct(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

// padLeft right-aligns s in w display columns.
func padLeft(s string, w int) string {
	if n := displayWidth(s); n < w {
		return strings.Repeat(" ", w-n) + s
	}
	return s
}

// displayWidth counts Chinese characters as two columns, for underlines.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		if r >= 0x1100 {
			w += 2
		} else {
			w++
		}
	}
	return w
}

// severityClass maps a severity to a CSS class in the HTML report.
func severityClass(s conversation.Severity) string { return "sev-" + s.String() }
