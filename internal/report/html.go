package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"

	"fullqa/internal/score"
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
		"join":     strings.Join,
		"quote":    func(r *Risky, n int) string { return r.Texts[n] },
		"role":     func(r *Risky, n int) string { return r.Roles[n] },
		"spark":    sparkline,
		"fptr":     fptr,
		"pptr":     pptr,
		"fnum":     fnum,
		"fgap": func(v *float64) string {
			if v == nil {
				return ""
			}
			return fgap(*v)
		},
		"deref": func(b *bool) bool { return b != nil && *b },
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
	R          *Report
	S          *Summary
	CodeChart  template.HTML
	ScoreChart template.HTML
	ScoreTrend template.HTML
	RespTrend  template.HTML
	EmoTrend   template.HTML
	FirstTrend template.HTML
	Severities []sevCount
	Tags       []CodeCount
	Agents     []score.KPIs
	Vendors    []score.KPIs
	Days       []score.KPIs
}

type sevCount struct {
	Name  string
	Count int
}

// Write renders the report.
func (h *HTML) Write(w io.Writer, r *Report) error {
	s := r.Summary
	d := htmlData{R: r, S: s, Agents: r.By["agent"], Vendors: r.By["vendor"]}
	var labels []string
	var values []float64
	for _, c := range s.Codes() {
		labels = append(labels, c.Code)
		values = append(values, float64(c.Count))
	}
	d.CodeChart = barChart(labels, values, "")
	labels, values = nil, nil
	for i, n := range s.ScoreBuckets {
		l := fmt.Sprintf("%d–%d", i*10, i*10+9)
		if i == 9 {
			l = "90–100"
		}
		labels = append(labels, l)
		values = append(values, float64(n))
	}
	d.ScoreChart = barChart(labels, values, "")
	var days []string
	var score, first, rate3, reply, neg []*float64
	for _, k := range r.By["day"] {
		if k.Key == "(no time)" {
			continue
		}
		d.Days = append(d.Days, k)
		days = append(days, k.Key)
		score = append(score, k.MeanScore)
		first = append(first, k.FirstResponseS)
		rate3 = append(rate3, pctOf(k.ResponseRate3m))
		reply = append(reply, pctOf(k.ReplyRate))
		neg = append(neg, pctOf(k.NegativeShare))
	}
	d.ScoreTrend = lineChart(days, []series{{"平均分 mean score", score}}, 100, "")
	d.RespTrend = lineChart(days, []series{{"3分钟响应率 %", rate3}, {"回复率 %", reply}}, 100, "%")
	// Percentages and seconds get their own axes.
	d.EmoTrend = lineChart(days, []series{{"负面情绪占比 % of customer messages", neg}}, 100, "%")
	d.FirstTrend = lineChart(days, []series{{"首响 first response s", first}}, 0, "s")
	for _, sev := range severities {
		d.Severities = append(d.Severities, sevCount{sev, s.BySeverity[sev]})
	}
	for t, n := range s.Tags {
		d.Tags = append(d.Tags, CodeCount{Code: t, Count: n})
	}
	sort.Slice(d.Tags, func(i, j int) bool { return d.Tags[i].Code < d.Tags[j].Code })
	return h.t.Execute(w, d)
}

func pctOf(v *float64) *float64 {
	if v == nil {
		return nil
	}
	p := *v * 100
	return &p
}
