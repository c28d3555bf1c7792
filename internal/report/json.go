package report

import (
	"encoding/json"
	"io"

	"fullqa/internal/analyze"
	"fullqa/internal/score"
)

// KPIReport is the JSON form of the aggregated KPIs (`fullqa report
// --format json`); README "Scores and KPIs" documents it. Fields are never renamed.
type KPIReport struct {
	Schema      string                  `json:"schema"` // "fullqa.kpi/v1"
	Generated   string                  `json:"generated"`
	Timezone    string                  `json:"timezone"`
	From        string                  `json:"from"`
	To          string                  `json:"to"`
	BadRecords  int                     `json:"bad_records"`
	Total       score.KPIs              `json:"total"`
	By          map[string][]score.KPIs `json:"by"`
	Contracts   []score.ContractResult  `json:"contracts"`
	FindingsBy  map[string]int          `json:"findings_by_code"`
	ScoreBucket [10]int                 `json:"score_distribution"`
	Cross       *analyze.Summary        `json:"cross,omitempty"`
	Filters     string                  `json:"filters,omitempty"`
}

// WriteJSON writes the KPI report as one indented JSON document.
func WriteJSON(w io.Writer, r *Report) error {
	out := KPIReport{Schema: "fullqa.kpi/v1", Generated: r.Generated.Format("2006-01-02T15:04:05Z07:00"),
		Timezone: r.Timezone, From: r.From, To: r.To, BadRecords: r.Summary.Rejected, Total: r.Total, By: r.By,
		Contracts: r.Contracts, FindingsBy: r.Summary.ByCode, ScoreBucket: r.Summary.ScoreBuckets, Cross: r.Cross,
		Filters: r.Filters}
	// Figures rounded for display: seconds to a tenth, ratios to four
	// decimals (KPIs.Rounded); contracts are rounded by Check.
	out.Total = r.Total.Rounded()
	out.By = make(map[string][]score.KPIs, len(r.By))
	for dim, rows := range r.By {
		rr := make([]score.KPIs, len(rows))
		for i, k := range rows {
			rr[i] = k.Rounded()
		}
		out.By[dim] = rr
	}
	if out.Contracts == nil {
		out.Contracts = []score.ContractResult{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
