package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"fullqa/internal/conversation"
)

// severities in display order, most serious first.
var severities = []string{"critical", "high", "medium", "low", "info"}

// WriteText writes the human summary of a scan: totals, counts by code and
// severity, the riskiest conversations with their evidence quoted, and
// per-agent counts when agents are known. Output is deterministic.
func WriteText(w io.Writer, s *Summary) error {
	var b strings.Builder
	fmt.Fprintf(&b, "fullqa scan report\n==================\n\n")
	fmt.Fprintf(&b, "conversations  %d\nmessages       %d\nfindings       %d\nmean score     %.1f\n",
		s.Conversations, s.Messages, s.Findings, s.MeanScore())
	if s.Rejected > 0 {
		fmt.Fprintf(&b, "bad records    %d (not scanned; see errors / --rejects)\n", s.Rejected)
	}
	b.WriteString("\nby severity\n")
	for _, sev := range severities {
		if n := s.BySeverity[sev]; n > 0 {
			fmt.Fprintf(&b, "  %-10s %6d\n", sev, n)
		}
	}
	b.WriteString("\nby code                      findings  conversations\n")
	for _, c := range s.Codes() {
		fmt.Fprintf(&b, "  %-26s %8d  %6d (%.1f%%)\n", c.Code, c.Count, c.Convs, pct(c.Convs, s.Conversations))
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
	if agents := s.AgentList(); len(agents) > 0 {
		b.WriteString("\nagents                conversations  findings  per conv  mean score\n")
		for _, a := range agents {
			fmt.Fprintf(&b, "  %-20s %13d  %8d  %8.2f  %10.1f\n", a.Agent, a.Conversations, a.Total(),
				float64(a.Total())/float64(a.Conversations), float64(a.ScoreSum)/float64(a.Conversations))
		}
	}
	if len(s.Riskiest) > 0 {
		b.WriteString("\nriskiest conversations\n")
		for _, r := range s.Riskiest {
			fmt.Fprintf(&b, "\n  %s  score %d", r.ID, r.Score)
			if len(r.Agents) > 0 {
				fmt.Fprintf(&b, "  agents %s", strings.Join(r.Agents, ","))
			}
			b.WriteByte('\n')
			for _, f := range r.Findings {
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

func pct(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

// severityClass maps a severity to a CSS class in the HTML report.
func severityClass(s conversation.Severity) string { return "sev-" + s.String() }
