package server

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"

	"fullqa/internal/codebook"
	"fullqa/internal/report"
	"fullqa/internal/score"
)

// trendSpark draws daily counts as a small inline SVG line (no script, no
// network), the way the HTML report draws its sparklines.
func trendSpark(days []string, counts map[string]int) template.HTML {
	if len(days) < 2 {
		return ""
	}
	const w, h = 140, 26
	mx := 0
	for _, d := range days {
		mx = max(mx, counts[d])
	}
	if mx == 0 {
		mx = 1
	}
	var pts []string
	for i, d := range days {
		x := 2 + float64(w-4)*float64(i)/float64(len(days)-1)
		y := 2 + float64(h-4)*(1-float64(counts[d])/float64(mx))
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
	}
	return template.HTML(fmt.Sprintf(`<svg width="%d" height="%d" class="spark" role="img"><title>%s … %s</title><polyline fill="none" stroke="#3d7bd9" stroke-width="1.5" points="%s"/></svg>`,
		w, h, template.HTMLEscapeString(days[0]), template.HTMLEscapeString(days[len(days)-1]), strings.Join(pts, " ")))
}

// scoreHistogram draws the score distribution in the report's ten bands.
func scoreHistogram(b [10]int) template.HTML {
	labels := make([]string, 10)
	vals := make([]float64, 10)
	for i := range b {
		labels[i] = fmt.Sprintf("%d–%d", i*10, i*10+9)
		if i == 9 {
			labels[i] = "90–100"
		}
		vals[i] = float64(b[i])
	}
	return report.BarChart(labels, vals, "")
}

// kpiCard is one KPI as shown: its codebook name, explanation and value.
type kpiCard struct {
	Key, Name, Explain, Value string
}

// overviewKPIs are the KPIs on the overview, in order.
func overviewKPIs() []string {
	return []string{"conversations", "mean_score", "fatal", "first_response_s", "response_rate_3m", "reply_rate",
		"answer_ratio", "satisfaction", "negative_share", "conversion_rate"}
}

// kpiCards formats a group's KPIs for people (rates as percentages,
// times in seconds, "—" where the data cannot give one).
func kpiCards(k score.KPIs, lang codebook.Lang) []kpiCard {
	var out []kpiCard
	for _, key := range overviewKPIs() {
		out = append(out, kpiCard{Key: key, Name: codebook.Name(key, lang), Explain: codebook.Explain(key, lang), Value: kpiValue(k, key)})
	}
	return out
}

// kpiValue is one KPI of a group, formatted.
func kpiValue(k score.KPIs, key string) string {
	switch key {
	case "conversations":
		return strconv.Itoa(k.Conversations)
	case "fatal":
		return strconv.Itoa(k.Fatal)
	case "mean_score":
		return fmtNum(k.MeanScore, 1, "")
	case "first_response_s":
		return fmtNum(k.FirstResponseS, 0, "s")
	case "response_rate_3m":
		return fmtPct(k.ResponseRate3m)
	case "reply_rate":
		return fmtPct(k.ReplyRate)
	case "answer_ratio":
		return fmtNum(k.AnswerRatio, 2, "")
	case "satisfaction":
		return fmtPct(k.Satisfaction)
	case "negative_share":
		return fmtPct(k.NegativeShare)
	case "conversion_rate":
		return fmtPct(k.ConversionRate)
	}
	return "—"
}

func fmtPct(v *float64) string {
	if v == nil {
		return "—"
	}
	return strconv.FormatFloat(math.Round(*v*1000)/10, 'f', -1, 64) + "%"
}

func fmtNum(v *float64, prec int, unit string) string {
	if v == nil {
		return "—"
	}
	return strconv.FormatFloat(*v, 'f', prec, 64) + unit
}

// fmtTarget formats a contract target or actual in its KPI's unit.
func fmtTarget(kpi string, v *float64) string {
	if v == nil {
		return "—"
	}
	if strings.HasSuffix(kpi, "_s") {
		return fmtNum(v, 0, "s")
	}
	if *v <= 1 && (strings.Contains(kpi, "rate") || strings.Contains(kpi, "share") || kpi == "satisfaction") {
		return fmtPct(v)
	}
	return fmtNum(v, 2, "")
}
