package server

import (
	"context"
	"html/template"
	"net/http"
	"sort"

	"fullqa/internal/report"
	"fullqa/internal/scan"
	"fullqa/internal/score"
	"fullqa/internal/store"
)

// itemRow is one scorecard item with the points it cost and examples.
type itemRow struct {
	Category, Item string
	Findings       int
	Points         int // lost, as a positive number (per finding, before caps)
	Examples       []store.Finding
}

// convRow is one conversation in a page's list.
type convRow struct {
	ID, Day, Vendor string
	Score, Findings int
	Fatal           bool
}

// dayRow is one day of KPIs.
type dayRow struct {
	Day  string
	KPIs []kpiCard
}

// peopleView is the agent page and the vendor page.
type peopleView struct {
	Kind, Name string
	P          period
	KPIs       []kpiCard
	Days       []dayRow
	ScoreChart template.HTML
	RateChart  template.HTML
	Items      []itemRow
	Convs      []convRow
	Agents     []score.KPIs
	Contracts  []score.ContractResult // the whole period first, then day by day
	Targets    []string               // the contract's KPI names, for the daily table's columns
}

// weakestItems groups findings (newest first, disputes accepted left out)
// by scorecard item, most points lost first, with up to three examples.
func (s *Server) weakestItems(ctx context.Context, f store.FindingFilter) ([]itemRow, error) {
	f.Limit = 5000
	fs, err := s.st.ListFindings(ctx, f)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(fs))
	for i := range fs {
		ids[i] = fs[i].ID
	}
	states, err := s.st.ReviewStates(ctx, ids)
	if err != nil {
		return nil, err
	}
	type itemOf struct {
		cat, item string
		points    int
	}
	items := map[string]itemOf{}
	for _, c := range s.o.Scan.Score.Scorecard.Categories {
		for _, it := range c.Items {
			for _, code := range it.Codes {
				items[code] = itemOf{c.Name, it.Name, it.Points}
			}
		}
	}
	rows := map[string]*itemRow{}
	for _, fd := range fs {
		it, ok := items[fd.Code]
		if !ok || it.points >= 0 || states[fd.ID].Dispute == store.DisputeAccepted {
			continue
		}
		k := it.cat + "\x00" + it.item
		row := rows[k]
		if row == nil {
			row = &itemRow{Category: it.cat, Item: it.item}
			rows[k] = row
		}
		row.Findings++
		row.Points -= it.points
		if len(row.Examples) < 3 {
			row.Examples = append(row.Examples, fd)
		}
	}
	var out []itemRow
	for _, r := range rows {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Points != out[j].Points {
			return out[i].Points > out[j].Points
		}
		return out[i].Item < out[j].Item
	})
	return out, nil
}

// trendCharts draws mean score and the response rates day by day.
func trendCharts(days []string, ks []score.KPIs, name func(string) string) (template.HTML, template.HTML) {
	if len(days) == 0 {
		return "", ""
	}
	sc := make([]*float64, len(ks))
	r3 := make([]*float64, len(ks))
	rr := make([]*float64, len(ks))
	for i, k := range ks {
		sc[i] = k.MeanScore
		r3[i], rr[i] = pct(k.ResponseRate3m), pct(k.ReplyRate)
	}
	return report.LineChart(days, []report.Series{{Name: name("mean_score"), Points: sc}}, 100, ""),
		report.LineChart(days, []report.Series{{Name: name("response_rate_3m"), Points: r3}, {Name: name("reply_rate"), Points: rr}}, 100, "%")
}

func pct(v *float64) *float64 {
	if v == nil {
		return nil
	}
	x := *v * 100
	return &x
}

// sortConvs puts the lowest scores first and keeps the first 200.
func sortConvs(cs []convRow) []convRow {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Score < cs[j].Score })
	if len(cs) > 200 {
		cs = cs[:200]
	}
	return cs
}

func convRowOf(c *store.Conversation, res *scan.Result) convRow {
	return convRow{ID: c.ID, Day: res.KPI.Day, Vendor: c.Vendor, Score: res.Score, Findings: len(res.Findings), Fatal: res.Fatal}
}

// getAgentPage shows one agent: KPIs over time, the weakest scorecard
// items with examples, and the agent's conversations. A vendor user sees
// only its vendor's conversations of the agent; an agent with none is 404.
func (s *Server) getAgentPage(w http.ResponseWriter, r *http.Request) {
	agent := r.PathValue("agent")
	p, err := s.periodOf(r)
	if err != nil {
		s.badRequest(w, r, err.Error())
		return
	}
	ctx := r.Context()
	lang := s.langOf(r)
	total := report.NewBuilder(s.o.Scan.Score, 0, false)
	byDay := map[string]*report.Builder{}
	v := &peopleView{Kind: "agent", Name: agent, P: p}
	err = s.eachResult(ctx, p.f, func(c *store.Conversation, res *scan.Result) {
		agents, _ := score.Agents(res.Conv)
		for _, a := range agents {
			if a.Agent != agent {
				continue
			}
			total.Add(res)
			if res.KPI.Day != "" {
				if byDay[res.KPI.Day] == nil {
					byDay[res.KPI.Day] = report.NewBuilder(s.o.Scan.Score, 0, false)
				}
				byDay[res.KPI.Day].Add(res)
			}
			v.Convs = append(v.Convs, convRowOf(c, res))
			return
		}
	})
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if len(v.Convs) == 0 {
		s.notFound(w, r)
		return
	}
	v.Convs = sortConvs(v.Convs)
	agentKPIs := func(rep *report.Report) score.KPIs {
		for _, k := range rep.By["agent"] {
			if k.Key == agent {
				return k
			}
		}
		return score.KPIs{Key: agent}
	}
	v.KPIs = kpiCards(agentKPIs(total.Finish("", s.o.Config.Timezone, s.now())), lang)
	var days []string
	for d := range byDay {
		days = append(days, d)
	}
	sort.Strings(days)
	var ks []score.KPIs
	for _, d := range days {
		k := agentKPIs(byDay[d].Finish("", s.o.Config.Timezone, s.now()))
		ks = append(ks, k)
		v.Days = append(v.Days, dayRow{Day: d, KPIs: kpiCards(k, lang)})
	}
	name := func(k string) string { return s.pageOf(r).Name(k) }
	v.ScoreChart, v.RateChart = trendCharts(days, ks, name)
	if v.Items, err = s.weakestItems(ctx, store.FindingFilter{Scope: p.f.Scope, Agent: agent, Vendor: p.Vendor, Shop: p.Shop,
		Since: p.f.From, Until: p.f.To}); err != nil {
		s.failPage(w, r, err)
		return
	}
	s.audit(r, "agent.view", agent, r.URL.RawQuery)
	s.render(w, r, http.StatusOK, "people", s.pageOf(r).T("agent_page")+" · "+agent, v)
}

// getVendorPage shows one vendor: KPIs over time, its contract's targets
// for the period and day by day, its agents, weakest items and
// conversations. A vendor user asking for another vendor gets 404.
func (s *Server) getVendorPage(w http.ResponseWriter, r *http.Request) {
	vendor := r.PathValue("vendor")
	u := sessionOf(r).User
	if sc := u.Scope(); sc != "" && sc != vendor {
		s.notFound(w, r)
		return
	}
	p, err := s.periodOf(r)
	if err != nil {
		s.badRequest(w, r, err.Error())
		return
	}
	p.f.Vendor = vendor
	ctx := r.Context()
	lang := s.langOf(r)
	b := report.NewBuilder(s.o.Scan.Score, 0, false)
	v := &peopleView{Kind: "vendor", Name: vendor, P: p}
	err = s.eachResult(ctx, p.f, func(c *store.Conversation, res *scan.Result) {
		b.Add(res)
		v.Convs = append(v.Convs, convRowOf(c, res))
	})
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if len(v.Convs) == 0 {
		s.notFound(w, r)
		return
	}
	v.Convs = sortConvs(v.Convs)
	rep := b.Finish("", s.o.Config.Timezone, s.now())
	v.KPIs, v.Agents = kpiCards(rep.Total, lang), rep.By["agent"]
	var days []string
	var ks []score.KPIs
	for _, k := range rep.By["vendor_day"] {
		day := k.Key[len(vendor)+1:]
		if day == "(no time)" {
			continue
		}
		days = append(days, day)
		ks = append(ks, k)
		v.Days = append(v.Days, dayRow{Day: day, KPIs: kpiCards(k, lang)})
	}
	name := func(k string) string { return s.pageOf(r).Name(k) }
	v.ScoreChart, v.RateChart = trendCharts(days, ks, name)
	for _, c := range rep.Contracts {
		if c.Vendor == vendor {
			v.Contracts = append(v.Contracts, c)
		}
	}
	if len(v.Contracts) > 0 {
		for _, t := range v.Contracts[0].Targets {
			v.Targets = append(v.Targets, t.KPI)
		}
	}
	if v.Items, err = s.weakestItems(ctx, store.FindingFilter{Scope: p.f.Scope, Vendor: vendor, Shop: p.Shop,
		Since: p.f.From, Until: p.f.To}); err != nil {
		s.failPage(w, r, err)
		return
	}
	s.audit(r, "vendor.view", vendor, r.URL.RawQuery)
	s.render(w, r, http.StatusOK, "people", s.pageOf(r).T("vendor_page")+" · "+vendor, v)
}
