package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"

	"fullqa/internal/conversation"
)

//go:embed templates/*.html
var templateFS embed.FS

// HTML renders the one-file HTML report. Its template is embedded and
// parsed when the writer is made, so a broken template fails at start-up,
// not after a long scan.
type HTML struct {
	t *template.Template
}

// NewHTML parses the embedded template.
func NewHTML() (*HTML, error) {
	t, err := template.New("report.html").Funcs(template.FuncMap{
		"pct":      pct,
		"sevclass": severityClass,
		"width": func(n, max int) string {
			if max == 0 {
				return "0%"
			}
			return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(max))
		},
		"join":  strings.Join,
		"quote": func(r *Risky, n int) string { return r.Texts[n] },
		"role":  func(r *Risky, n int) string { return r.Roles[n] },
		"div": func(a, b int) float64 {
			if b == 0 {
				return 0
			}
			return float64(a) / float64(b)
		},
	}).ParseFS(templateFS, "templates/report.html")
	if err != nil {
		return nil, fmt.Errorf("report template: %w", err)
	}
	return &HTML{t: t}, nil
}

type htmlData struct {
	S          *Summary
	Title      string
	Codes      []CodeCount
	MaxCode    int
	Severities []sevCount
	Buckets    []bucket
	MaxBucket  int
	Tags       []CodeCount
	Agents     []*AgentStats
}

type sevCount struct {
	Name  string
	Count int
}

type bucket struct {
	Label string
	Count int
}

// Write renders the report for s.
func (h *HTML) Write(w io.Writer, s *Summary, title string) error {
	d := htmlData{S: s, Title: title, Codes: s.Codes(), Agents: s.AgentList()}
	for _, c := range d.Codes {
		if c.Count > d.MaxCode {
			d.MaxCode = c.Count
		}
	}
	for _, sev := range severities {
		d.Severities = append(d.Severities, sevCount{sev, s.BySeverity[sev]})
	}
	for i, n := range s.ScoreBuckets {
		label := fmt.Sprintf("%d–%d", i*10, i*10+9)
		if i == 9 {
			label = "90–100"
		}
		d.Buckets = append(d.Buckets, bucket{label, n})
		if n > d.MaxBucket {
			d.MaxBucket = n
		}
	}
	for t, n := range s.Tags {
		d.Tags = append(d.Tags, CodeCount{Code: t, Count: n})
	}
	sort.Slice(d.Tags, func(i, j int) bool { return d.Tags[i].Code < d.Tags[j].Code })
	return h.t.Execute(w, d)
}

// SeverityName exposes severity names to templates.
func SeverityName(s conversation.Severity) string { return s.String() }
