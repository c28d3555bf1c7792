package server

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"time"

	"fullqa/internal/analyze"
	"fullqa/internal/report"
	"fullqa/internal/scan"
	"fullqa/internal/score"
	"fullqa/internal/store"
)

// period is the filter of the overview, agent and vendor pages: days in
// the configured zone (inclusive) and vendor/shop.
type period struct {
	From, To, Vendor, Shop string
	f                      store.ResultFilter
}

// periodOf reads from, to, vendor and shop (query or form); a vendor user's scope always
// applies.
func (s *Server) periodOf(r *http.Request) (period, error) {
	p := period{From: r.FormValue("from"), To: r.FormValue("to"), Vendor: r.FormValue("vendor"), Shop: r.FormValue("shop")}
	p.f = store.ResultFilter{Scope: sessionOf(r).User.Scope(), Vendor: p.Vendor, Shop: p.Shop}
	var err error
	if p.f.From, err = s.parseTime(p.From, false); err != nil {
		return p, err
	}
	p.f.To, err = s.parseTime(p.To, true)
	return p, err
}

// Query is the period as a query string, for links that keep it.
func (p period) Query() string {
	v := url.Values{}
	for k, x := range map[string]string{"from": p.From, "to": p.To, "vendor": p.Vendor, "shop": p.Shop} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v.Encode()
}

// eachResult streams the inspected conversations of a filter as the
// report sees them (resultOf: the stored scan output, disputes applied).
func (s *Server) eachResult(ctx context.Context, f store.ResultFilter, fn func(c *store.Conversation, r *scan.Result)) error {
	return s.st.EachResult(ctx, f, func(c *store.Conversation, sr *store.Result) error {
		res, err := s.resultOf(c, sr)
		if err != nil {
			return err
		}
		fn(c, res)
		return nil
	})
}

// codeRow is one finding code on the overview: how often, its daily
// trend and what reviewers said of it.
type codeRow struct {
	Code      string
	Count     int
	Convs     int
	Trend     any
	Precision *precision
}

// overviewView is the overview page.
type overviewView struct {
	P          period
	Rep        *report.Report
	KPIs       []kpiCard
	Histogram  any
	Codes      []codeRow
	Contracts  []score.ContractResult
	Bursts     []analyze.Burst
	Promises   []store.Promise
	PromiseDue string
	Vendors    []score.KPIs
	Volume     template.HTML // conversations and mean score by day
}

func (s *Server) getOverview(w http.ResponseWriter, r *http.Request) {
	p, err := s.periodOf(r)
	if err != nil {
		s.badRequest(w, r, err.Error())
		return
	}
	ctx := r.Context()
	lang := s.langOf(r)
	b := report.NewBuilder(s.o.Scan.Score, 0, false)
	perDay := map[string]map[string]int{} // code → day → findings
	err = s.eachResult(ctx, p.f, func(c *store.Conversation, res *scan.Result) {
		b.Add(res)
		for _, f := range res.Findings {
			if perDay[f.Code] == nil {
				perDay[f.Code] = map[string]int{}
			}
			perDay[f.Code][res.KPI.Day]++
		}
	})
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	rep := b.Finish("fullqa", s.o.Config.Timezone, s.now())
	v := &overviewView{P: p, Rep: rep, KPIs: kpiCards(rep.Total, lang), Histogram: scoreHistogram(rep.Summary.ScoreBuckets),
		Vendors: rep.By["vendor"]}
	whole := rep.From // the period's checks; the vendor page has the daily ones
	if rep.To != rep.From {
		whole = rep.From + "~" + rep.To
	}
	for _, c := range rep.Contracts {
		if c.Period == whole {
			v.Contracts = append(v.Contracts, c)
		}
	}
	var days []string
	var vol, mean []*float64
	for _, d := range rep.By["day"] {
		if d.Key != "(no time)" {
			days = append(days, d.Key)
			n := float64(d.Conversations)
			vol, mean = append(vol, &n), append(mean, d.MeanScore)
		}
	}
	if len(days) > 1 {
		pg := s.pageOf(r)
		v.Volume = report.LineChart(days, []report.Series{{Name: pg.Name("conversations"), Points: vol}, {Name: pg.Name("mean_score"), Points: mean}}, 0, "")
	}
	prec, err := s.precisions(ctx)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	for code, n := range rep.Summary.ByCode {
		row := codeRow{Code: code, Count: n, Convs: rep.Summary.ConvsByCode[code], Trend: trendSpark(days, perDay[code])}
		if pr, ok := prec[code]; ok {
			row.Precision = &pr
		}
		v.Codes = append(v.Codes, row)
	}
	sort.Slice(v.Codes, func(i, j int) bool {
		if v.Codes[i].Count != v.Codes[j].Count {
			return v.Codes[i].Count > v.Codes[j].Count
		}
		return v.Codes[i].Code < v.Codes[j].Code
	})
	// Promises due from the start of today to the end of tomorrow, and
	// (for users who see every vendor) the bursts of the last seven days.
	now := s.now().In(s.o.Scan.Location)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	v.PromiseDue = today.Format("2006-01-02") + " ~ " + today.AddDate(0, 0, 1).Format("2006-01-02")
	if v.Promises, err = s.st.ListPromises(ctx, store.PromiseFilter{Scope: p.f.Scope, Vendor: p.Vendor, Shop: p.Shop,
		DueAfter: today, DueBefore: today.AddDate(0, 0, 2), Limit: 200}); err != nil {
		s.failPage(w, r, err)
		return
	}
	if p.f.Scope == "" {
		if v.Bursts, err = s.st.ListBursts(ctx, now.AddDate(0, 0, -7), 50); err != nil {
			s.failPage(w, r, err)
			return
		}
	}
	s.audit(r, "overview.view", r.URL.RawQuery, "")
	s.render(w, r, http.StatusOK, "overview", "overview", v)
}
