package report

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// Charts are drawn as inline SVG on the server, so the HTML report is one
// file that renders in any browser with no network and no script.

var palette = []string{"#3d7bd9", "#d9363e", "#2ca58d", "#f5a623", "#8e5bd9", "#5f6b7a"}

// barChart draws horizontal bars, one per label.
func barChart(labels []string, values []float64, unit string) template.HTML {
	if len(labels) == 0 {
		return template.HTML(`<p class="muted">no data</p>`)
	}
	const rowH, labelW, barW = 22, 210, 420
	max := 0.0
	for _, v := range values {
		max = math.Max(max, v)
	}
	if max == 0 {
		max = 1
	}
	h := rowH*len(labels) + 8
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" width="%d" height="%d" viewBox="0 0 %d %d" role="img">`, labelW+barW+90, h, labelW+barW+90, h)
	for i, l := range labels {
		y := 4 + i*rowH
		w := values[i] / max * barW
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" font-size="12">%s</text>`, labelW-6, y+15, html.EscapeString(l))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s" rx="2"/>`, labelW, y+3, w, rowH-6, palette[0])
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="12">%s%s</text>`, float64(labelW)+w+6, y+15, trimFloat(values[i]), unit)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// series is one line of a line chart; nil points are gaps.
type series struct {
	Name   string
	Points []*float64
}

// lineChart draws series over x labels (days) on a shared y axis from 0 to
// the largest value (or yMax when set).
func lineChart(xs []string, ss []series, yMax float64, unit string) template.HTML {
	if len(xs) == 0 {
		return template.HTML(`<p class="muted">no timestamps: no daily trend</p>`)
	}
	any := false
	for _, s := range ss {
		for _, p := range s.Points {
			any = any || p != nil
		}
	}
	if !any {
		return template.HTML(`<p class="muted">no data for this chart (the input lacks what it needs)</p>`)
	}
	const w, h, left, right, bottom, top = 640, 220, 50, 40, 40, 14
	max := yMax
	if max == 0 {
		for _, s := range ss {
			for _, p := range s.Points {
				if p != nil {
					max = math.Max(max, *p)
				}
			}
		}
		max = niceCeil(max)
	}
	if max == 0 {
		max = 1
	}
	plotW, plotH := float64(w-left-right), float64(h-bottom-top)
	x := func(i int) float64 {
		if len(xs) == 1 {
			return float64(left) + plotW/2
		}
		return float64(left) + plotW*float64(i)/float64(len(xs)-1)
	}
	y := func(v float64) float64 { return float64(top) + plotH*(1-v/max) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" width="%d" height="%d" viewBox="0 0 %d %d" role="img">`, w, h+18*len(ss), w, h+18*len(ss))
	for k := 0; k <= 4; k++ {
		v := max * float64(k) / 4
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#e5e5e5"/>`, left, w-right, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" font-size="11" fill="#666">%s%s</text>`, left-4, y(v)+4, trimFloat(v), unit)
	}
	step := 1 + len(xs)/8
	for i, l := range xs {
		if i%step == 0 || i == len(xs)-1 {
			anchor := "middle" // the first and last labels stay inside the chart
			if len(xs) > 1 && i == 0 {
				anchor = "start"
			} else if len(xs) > 1 && i == len(xs)-1 {
				anchor = "end"
			}
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="%s" font-size="11" fill="#666">%s</text>`, x(i), h-bottom+16, anchor, html.EscapeString(l))
		}
	}
	for si, s := range ss {
		col := palette[si%len(palette)]
		var pts []string
		flush := func() {
			if len(pts) > 1 {
				fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, col, strings.Join(pts, " "))
			}
			pts = pts[:0]
		}
		for i, p := range s.Points {
			if p == nil {
				flush()
				continue
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(*p)))
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s %s: %s</title></circle>`, x(i), y(*p), col, html.EscapeString(s.Name), html.EscapeString(xs[i]), trimFloat(*p))
		}
		flush()
		ly := h + 18*si
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="4" fill="%s"/><text x="%d" y="%d" font-size="12">%s</text>`, left, ly, col, left+18, ly+6, html.EscapeString(s.Name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// niceCeil rounds v up to 1, 2, 2.5 or 5 times a power of ten, so the four
// grid lines of a chart fall on round numbers.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*p*(1+1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// sparkline draws a conversation's emotion curve (0 calm … 1 angry).
func sparkline(vs []float32) template.HTML {
	if len(vs) == 0 {
		return ""
	}
	const w, h = 160, 28
	var pts []string
	for i, v := range vs {
		x := 2.0
		if len(vs) > 1 {
			x = 2 + float64(w-4)*float64(i)/float64(len(vs)-1)
		}
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, 2+float64(h-4)*(1-float64(v))))
	}
	return template.HTML(fmt.Sprintf(`<svg width="%d" height="%d" class="spark" role="img"><title>negative emotion per customer message</title><line x1="0" x2="%d" y1="%d" y2="%d" stroke="#eee"/><polyline fill="none" stroke="#d9363e" stroke-width="1.5" points="%s"/></svg>`,
		w, h, w, h/2, h/2, strings.Join(pts, " ")))
}

func trimFloat(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e9 {
		return fmt.Sprintf("%d", int64(v))
	}
	if math.Abs(v) >= 10 {
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}
