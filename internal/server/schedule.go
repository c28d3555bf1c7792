package server

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"fullqa/internal/alert"
	"fullqa/internal/codebook"
	"fullqa/internal/report"
	"fullqa/internal/score"
	"fullqa/internal/store"
)

// RunSchedules sends the scheduled vendor digests (alerts.schedules) until
// ctx ends: at each schedule's time it builds, per vendor, the period's
// figures from the store and queues one message for the schedule's
// channel. The key of each message names the schedule, vendor and fire
// time, so a restart around the fire time neither skips nor repeats it.
func (s *Server) RunSchedules(ctx context.Context, d *alert.Dispatcher, scheds []alert.Schedule, publicURL string) {
	if len(scheds) == 0 {
		return
	}
	loc := s.o.Scan.Location
	next := make([]time.Time, len(scheds))
	whens := make([]alert.When, len(scheds))
	for i, sc := range scheds {
		whens[i], _ = alert.ParseWhen(sc.When) // checked by config.Validate
		next[i] = whens[i].Next(s.now(), loc)
	}
	for {
		first := 0
		for i := range next {
			if next[i].Before(next[first]) {
				first = i
			}
		}
		t := time.NewTimer(time.Until(next[first]))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		at := next[first]
		if err := s.SendScheduled(ctx, d, scheds[first], whens[first], at, publicURL); err != nil {
			s.log.Error("scheduled report", "when", scheds[first].When, "err", err)
		}
		next[first] = whens[first].Next(at, loc)
	}
}

// SendScheduled queues the digests of one schedule firing at at.
func (s *Server) SendScheduled(ctx context.Context, d *alert.Dispatcher, sc alert.Schedule, w alert.When, at time.Time, publicURL string) error {
	from, to := w.Period(at)
	reps, err := s.vendorReports(ctx, from, to)
	if err != nil {
		return err
	}
	vendors := sc.Vendors
	if len(vendors) == 0 {
		for v := range reps {
			vendors = append(vendors, v)
		}
		sort.Strings(vendors)
	}
	dueFrom, dueTo := at, at.Add(24*time.Hour)
	for _, v := range vendors {
		vr := vendorDigest(v, reps[v], from, to.Add(-time.Second))
		if ps, err := s.st.ListPromises(ctx, store.PromiseFilter{Vendor: v, DueAfter: dueFrom, DueBefore: dueTo, Limit: 10000}); err == nil {
			vr.PromisesDue = len(ps)
		}
		if ps, err := s.st.ListPromises(ctx, store.PromiseFilter{Vendor: v, DueAfter: from, DueBefore: to, Limit: 10000}); err == nil {
			for _, p := range ps {
				if p.UnkeptBy != "" {
					vr.PromisesUnkept++
				}
			}
		}
		if bs, err := s.st.ListBursts(ctx, from, 5); err == nil {
			for _, b := range bs {
				if b.WindowStart.Before(to) {
					vr.Bursts = append(vr.Bursts, fmt.Sprintf("%s %s：%d 次，预期 %.1f 次（%s）", b.Topic.Kind, b.Topic.Value,
						b.Count, b.Expected, b.WindowStart.In(s.o.Scan.Location).Format("01-02 15:04")))
				}
			}
		}
		if publicURL != "" {
			q := url.Values{"vendor": {v}, "from": {from.In(s.o.Scan.Location).Format("2006-01-02")},
				"to": {to.Add(-time.Second).In(s.o.Scan.Location).Format("2006-01-02")}}
			vr.ReportLink = strings.TrimRight(publicURL, "/") + "/?" + q.Encode()
		}
		key := fmt.Sprintf("report|%s|%s|%d", sc.When, v, at.Unix())
		if _, err := d.Send(ctx, sc.Channel, key, alert.RenderVendorReport(vr)); err != nil {
			return err
		}
	}
	return nil
}

// vendorReports builds one report per vendor over conversations that
// started in [from, to), in one pass over the store.
func (s *Server) vendorReports(ctx context.Context, from, to time.Time) (map[string]*report.Report, error) {
	builders := map[string]*report.Builder{}
	f := store.ResultFilter{From: from, To: to.Add(-time.Millisecond)}
	err := s.st.EachResult(ctx, f, func(c *store.Conversation, sr *store.Result) error {
		res, err := s.resultOf(c, sr)
		if err != nil {
			return err
		}
		b := builders[c.Vendor]
		if b == nil {
			b = report.NewBuilder(s.o.Scan.Score, 0, false)
			builders[c.Vendor] = b
		}
		b.Add(res)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[string]*report.Report{}
	for v, b := range builders {
		out[v] = b.Finish("fullqa", s.o.Config.Timezone, s.now())
	}
	return out, nil
}

// vendorDigest takes what a digest says from a vendor's report; a vendor
// with no conversations in the period gets an empty digest that says so.
func vendorDigest(vendor string, rep *report.Report, from, to time.Time) alert.VendorReport {
	vr := alert.VendorReport{Vendor: vendor, From: from.Format("2006-01-02"), To: to.Format("2006-01-02")}
	if rep == nil {
		return vr
	}
	vr.Conversations = rep.Summary.Conversations
	vr.Fatal = rep.Total.Fatal
	vr.MeanScore = rep.Total.MeanScore
	for _, c := range rep.Contracts {
		if c.Vendor != vendor {
			continue
		}
		// The first result is the whole period's; the day-by-day ones follow.
		for _, t := range c.Targets {
			vr.Targets = append(vr.Targets, targetLine(t))
		}
		break
	}
	var codes []alert.CodeCount
	for code, n := range rep.Summary.ByCode {
		codes = append(codes, alert.CodeCount{Code: code, Name: codebook.Name(code, codebook.ZH), Count: n})
	}
	sort.Slice(codes, func(i, j int) bool {
		if codes[i].Count != codes[j].Count {
			return codes[i].Count > codes[j].Count
		}
		return codes[i].Code < codes[j].Code
	})
	vr.TopFindings = codes
	return vr
}

func targetLine(t score.TargetResult) alert.TargetLine {
	name := codebook.Name(t.KPI, codebook.ZH)
	fmtv := func(v float64) string {
		switch {
		case strings.HasSuffix(t.KPI, "_s"):
			return fmt.Sprintf("%.0f 秒", v)
		case strings.Contains(t.KPI, "rate") || strings.Contains(t.KPI, "share") || t.KPI == "satisfaction":
			return fmt.Sprintf("%.1f%%", v*100)
		}
		return fmt.Sprintf("%.2f", v)
	}
	op := "≥"
	if t.Op == "<=" {
		op = "≤"
	}
	tl := alert.TargetLine{Name: name, Target: op + " " + fmtv(t.Target), Actual: "无数据",
		Met: t.Status == "met", TooFew: t.Status == "too_few" || t.Status == "no_data"}
	if t.Actual != nil {
		tl.Actual = fmtv(*t.Actual)
	}
	if t.Gap != nil && t.Status == "missed" {
		g := *t.Gap
		if g < 0 {
			g = -g
		}
		tl.Gap = fmtv(g)
	}
	return tl
}
