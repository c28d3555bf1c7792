package report

import "html/template"

// Series is one named line of a LineChart; nil points are gaps.
type Series struct {
	Name   string
	Points []*float64
}

// LineChart draws series over x labels as inline SVG, the way the HTML
// report draws its daily trends, for other server-rendered pages (the
// dashboard). yMax 0 scales to the data.
func LineChart(xs []string, ss []Series, yMax float64, unit string) template.HTML {
	in := make([]series, len(ss))
	for i, s := range ss {
		in[i] = series(s)
	}
	return lineChart(xs, in, yMax, unit)
}

// BarChart draws one horizontal bar per label as inline SVG.
func BarChart(labels []string, values []float64, unit string) template.HTML {
	return barChart(labels, values, unit)
}
