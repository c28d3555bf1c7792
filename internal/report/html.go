package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"

	"fullqa/internal/codebook"
	"fullqa/internal/conversation"
	"fullqa/internal/score"
)

//go:embed templates/*.html
var templateFS embed.FS

// HTML renders the one-file HTML report in the report's language, with
// finding codes, tags, severities and KPIs named and explained from
// internal/codebook. Its template is embedded and
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
		"role":     func(r *Risky, n int, lang codebook.Lang) string { return RoleName(r.Roles[n], lang) },
		"X":        crossLabel,
		"detail":   codebook.Detail,
		"spark":    sparkline,
		"fptr":     fptr,
		"pptr":     pptr,
		"fnum":     fnum,
		"name":     codebook.Name,
		"explain":  codebook.Explain,
		"sevname": func(s conversation.Severity, lang codebook.Lang) string {
			return codebook.Name(s.String(), lang)
		},
		"L":        label,
		"groupkey": groupKey,
		"cstatus":  contractStatus,
		"tstatus":  targetStatus,
		"rounded":  func(k score.KPIs) score.KPIs { return k.Rounded() },
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
	Lang       codebook.Lang
	HTMLLang   string // the <html lang> attribute
	S          *Summary
	CodeChart  template.HTML
	ScoreChart template.HTML
	ScoreTrend template.HTML
	RespTrend  template.HTML
	EmoTrend   template.HTML
	FirstTrend template.HTML
	Severities []sevCount
	Tags       []CodeCount
	Groups     []kpiGroup // agent, team, vendor and shop tables
	Days       []score.KPIs
	Cross      *crossView
}

// kpiGroup is one KPI table of the HTML report: a dimension's title, the
// head of its key column and its rows (by volume).
type kpiGroup struct {
	ID, Title, KeyHead string
	Rows               []score.KPIs
}

type sevCount struct {
	Name  string
	Count int
}

// Write renders the report.
func (h *HTML) Write(w io.Writer, r *Report) error {
	s := r.Summary
	lang := r.Lang
	d := htmlData{R: r, S: s, Lang: lang, HTMLLang: "zh-CN", Cross: newCrossView(r.Cross, lang)}
	if lang == codebook.EN {
		d.HTMLLang = "en"
	}
	for _, dim := range []string{"agent", "team", "vendor", "shop"} {
		if rows := r.By[dim]; len(rows) > 0 {
			d.Groups = append(d.Groups, kpiGroup{ID: "kpi-" + dim, Title: label("KPIs by "+dim, lang), KeyHead: label(dim, lang), Rows: rows})
		}
	}
	var labels []string
	var values []float64
	for _, c := range s.Codes() {
		labels = append(labels, codebook.Name(c.Code, lang))
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
	kn := func(k string) string { return codebook.Name(k, lang) }
	d.ScoreTrend = lineChart(days, []series{{kn("mean_score"), score}}, 100, "")
	d.RespTrend = lineChart(days, []series{{kn("response_rate_3m") + " %", rate3}, {kn("reply_rate") + " %", reply}}, 100, "%")
	// Percentages and seconds get their own axes.
	d.EmoTrend = lineChart(days, []series{{kn("negative_share") + " %", neg}}, 100, "%")
	d.FirstTrend = lineChart(days, []series{{kn("first_response_s"), first}}, 0, "s")
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

// roleNames name a message's role in the reader's language, for the
// quoted messages under each finding.
var roleNames = map[string][2]string{
	"customer": {"客户", "customer"}, "agent": {"客服", "agent"}, "bot": {"机器人", "bot"}, "system": {"系统", "system"},
}

// RoleName is role in lang (客户, 客服, 机器人, 系统), for every writer that
// quotes messages; a role it does not know stays as it is.
func RoleName(role string, lang codebook.Lang) string {
	n, ok := roleNames[role]
	if !ok {
		return role
	}
	if lang == codebook.EN {
		return n[1]
	}
	return n[0]
}
