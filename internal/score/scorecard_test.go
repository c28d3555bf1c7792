package score

import (
	"strings"
	"testing"

	"fullqa/internal/conversation"
)

func TestDefaultConfigValidates(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
}

func fnd(code string, sev conversation.Severity) conversation.Finding {
	return conversation.Finding{Code: code, Severity: sev, Messages: []int{0}, Evidence: "x"}
}

func TestApply(t *testing.T) {
	const (
		low  = conversation.SeverityLow
		med  = conversation.SeverityMedium
		high = conversation.SeverityHigh
	)
	sheet := Scorecard{Name: "t", Categories: []Category{
		{Name: "响应", Items: []Item{
			{Name: "慢", Codes: []string{"response.slow"}, Points: -3, Cap: 7},
			{Name: "首响慢", Codes: []string{"response.first_slow"}, Points: -2, Once: true},
			{Name: "漏回复", Codes: []string{"response.missed"}, Points: -10, MinSeverity: "medium"},
		}},
		{Name: "态度", Items: []Item{
			{Name: "恶劣", Codes: []string{"attitude.rude"}, Points: -20, Fatal: true, FatalSeverity: "high"},
			{Name: "站外", Codes: []string{"compliance.off_platform"}, Fatal: true},
		}},
		{Name: "加分", Items: []Item{
			{Name: "安抚", Codes: []string{"sensitive.refund"}, Points: 4, Cap: 5},
		}},
	}}
	if err := sheet.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		findings []conversation.Finding
		score    int
		fatal    bool
		points   []int // per deduction, in order
	}{
		{"nothing", nil, 100, false, nil},
		// −3 −3 = −6, the third would reach −9 beyond the cap of 7: −1.
		{"cap", []conversation.Finding{fnd("response.slow", low), fnd("response.slow", low), fnd("response.slow", low), fnd("response.slow", low)},
			93, false, []int{-3, -3, -1}},
		{"once", []conversation.Finding{fnd("response.first_slow", low), fnd("response.first_slow", low)}, 98, false, []int{-2}},
		// min_severity medium: the low finding is ignored.
		{"min severity", []conversation.Finding{fnd("response.missed", low), fnd("response.missed", med)}, 90, false, []int{-10}},
		// rude at medium deducts 20 but is not fatal; at high it is.
		{"fatal severity below", []conversation.Finding{fnd("attitude.rude", med)}, 80, false, []int{-20}},
		{"fatal severity reached", []conversation.Finding{fnd("attitude.rude", high)}, 0, true, []int{-20}},
		// a fatal item with 0 points still zeroes the score.
		{"fatal without points", []conversation.Finding{fnd("compliance.off_platform", low)}, 0, true, []int{0}},
		// bonus +4 +4 capped at 5: +4 +1, then clamped to 100 overall.
		{"bonus capped and clamped", []conversation.Finding{fnd("sensitive.refund", info()), fnd("sensitive.refund", info())}, 100, false, []int{4, 1}},
		// −10 −3 +4 = 91; deductions come in scorecard order.
		{"bonus offsets", []conversation.Finding{fnd("response.missed", med), fnd("response.slow", low), fnd("sensitive.refund", info())}, 91, false, []int{-3, -10, 4}},
		{"unscored code", []conversation.Finding{fnd("promise.made", info())}, 100, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, ds, fatal := sheet.Apply(tc.findings)
			if s != tc.score || fatal != tc.fatal {
				t.Errorf("score %d fatal %v, want %d %v (%+v)", s, fatal, tc.score, tc.fatal, ds)
			}
			var pts []int
			for _, d := range ds {
				pts = append(pts, d.Points)
				if tc.findings[d.Finding].Code != d.Code {
					t.Errorf("deduction %+v points at finding %d of code %s", d, d.Finding, tc.findings[d.Finding].Code)
				}
			}
			if len(pts) != len(tc.points) {
				t.Fatalf("points %v, want %v", pts, tc.points)
			}
			for i := range pts {
				if pts[i] != tc.points[i] {
					t.Errorf("points %v, want %v", pts, tc.points)
				}
			}
		})
	}
	// Default sheet: off-platform is fatal at any severity; many slow
	// replies are capped at 15.
	def := DefaultScorecard()
	if s, _, fatal := def.Apply([]conversation.Finding{fnd("compliance.off_platform", low)}); s != 0 || !fatal {
		t.Errorf("default off_platform: %d %v", s, fatal)
	}
	var slow []conversation.Finding
	for i := 0; i < 10; i++ {
		slow = append(slow, fnd("response.slow", low))
	}
	if s, _, _ := def.Apply(slow); s != 85 {
		t.Errorf("default: 10 slow replies score %d, want 100−15 = 85", s)
	}
	if s, _, fatal := def.Apply([]conversation.Finding{fnd("attitude.rude", med), fnd("attitude.rude", med)}); s != 60 || fatal {
		t.Errorf("default: two medium rude findings score %d fatal %v, want 60 false", s, fatal)
	}
}

func info() conversation.Severity { return conversation.SeverityInfo }

func TestScorecardErrors(t *testing.T) {
	item := func(mod func(*Item)) Scorecard {
		it := Item{Name: "慢回复", Codes: []string{"response.slow"}, Points: -3}
		mod(&it)
		return Scorecard{Categories: []Category{{Name: "响应", Items: []Item{
			{Name: "漏回复", Codes: []string{"response.missed"}, Points: -10}, it}}}}
	}
	for _, tc := range []struct {
		name string
		s    Scorecard
		want []string // all must appear in the error
	}{
		{"unknown code", item(func(i *Item) { i.Codes = []string{"response.slo"} }), []string{"items[1]", "慢回复", `unknown finding code "response.slo"`}},
		{"duplicate code", item(func(i *Item) { i.Codes = []string{"response.missed"} }), []string{"慢回复", `"response.missed" is already scored by item 漏回复`}},
		{"zero points", item(func(i *Item) { i.Points = 0 }), []string{"慢回复", "points is 0"}},
		{"bad min severity", item(func(i *Item) { i.MinSeverity = "severe" }), []string{"慢回复", `unknown severity "severe"`}},
		{"bad fatal severity", item(func(i *Item) { i.Fatal, i.FatalSeverity = true, "urgent" }), []string{"慢回复", `unknown severity "urgent"`}},
		{"negative cap", item(func(i *Item) { i.Cap = -1 }), []string{"慢回复", "cap"}},
		{"no codes", item(func(i *Item) { i.Codes = nil }), []string{"慢回复", "codes missing"}},
		{"no name", item(func(i *Item) { i.Name = "" }), []string{"items[1]", "name missing"}},
		{"no categories", Scorecard{}, []string{"no categories"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Validate()
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			c := DefaultConfig()
			c.Scorecard = tc.s
			if c.Validate() == nil {
				t.Error("Config.Validate accepts it")
			}
		})
	}
}

func TestKPIConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(*KPIConfig)
		want string
	}{
		{"bad start", func(k *KPIConfig) { k.ServiceStart = "8am" }, "kpi.service_start"},
		{"bad end", func(k *KPIConfig) { k.ServiceEnd = "25:00" }, "kpi.service_end"},
		{"reversed", func(k *KPIConfig) { k.ServiceStart, k.ServiceEnd = "23:00", "08:00" }, "before"},
		{"zero slow", func(k *KPIConfig) { k.SlowAfter = 0 }, "positive"},
	} {
		k := DefaultKPIConfig()
		tc.mod(&k)
		if err := k.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
	}
}

// TestContractMinSample: a target is not judged on a sample below its
// minimum (the contract's, the target's own, or DefaultMinSample).
func TestContractMinSample(t *testing.T) {
	v := func(x float64) *float64 { return &x }
	n := func(x int) *int { return &x }
	c := Contract{Vendor: "v1", MinSample: n(5), Targets: map[string]Target{
		"satisfaction":     {Min: v(0.9)},
		"first_response_s": {Max: v(15), MinSample: n(2)},
	}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	// One rating of 5 is 100 % satisfaction: too few, not met.
	res := c.Check("2026-11-01", KPIs{Satisfaction: v(1), Rated: 1, FirstResponseS: v(20), FirstResponseN: 2})
	for _, tr := range res.Targets {
		switch tr.KPI {
		case "satisfaction":
			if tr.Status != StatusTooFew || tr.Met != nil || tr.Sample != 1 || tr.MinSample != 5 || !near(tr.Gap, v(0.1)) {
				t.Errorf("satisfaction on one rating: %+v", tr)
			}
		case "first_response_s":
			if tr.Status != StatusMissed || tr.Met == nil || *tr.Met || tr.MinSample != 2 || !near(tr.Gap, v(-5)) {
				t.Errorf("first response on its own minimum: %+v", tr)
			}
		}
	}
	if res.Met == nil || *res.Met || res.Status != StatusMissed {
		t.Errorf("contract: met %v status %s", bp(res.Met), res.Status)
	}
	res = c.Check("2026-11-01", KPIs{Satisfaction: v(1), Rated: 4})
	if res.Met != nil || res.Status != StatusTooFew {
		t.Errorf("nothing judged: met %v status %s, want null too_few", bp(res.Met), res.Status)
	}
	def := Contract{Vendor: "v1", Targets: map[string]Target{"satisfaction": {Min: v(0.9)}}}
	if tr := def.Check("p", KPIs{Satisfaction: v(1), Rated: DefaultMinSample - 1}).Targets[0]; tr.Status != StatusTooFew {
		t.Errorf("default minimum: %+v", tr)
	}
	if tr := def.Check("p", KPIs{Satisfaction: v(1), Rated: DefaultMinSample}).Targets[0]; tr.Status != StatusMet {
		t.Errorf("default minimum reached: %+v", tr)
	}
	if err := (Contract{Vendor: "v1", MinSample: n(0), Targets: def.Targets}).Validate(); err == nil {
		t.Error("min_sample 0 accepted")
	}
}

func TestContracts(t *testing.T) {
	v := func(x float64) *float64 { return &x }
	c := Contract{Vendor: "v1", Targets: map[string]Target{
		"first_response_s": {Max: v(15)},
		"response_rate_3m": {Min: v(0.95)},
		"mean_score":       {Min: v(85)},
		"conversion_rate":  {Min: v(0.1)},
	}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	type tw struct {
		actual, gap *float64
		met         *bool
	}
	yes, no := true, false
	for _, tc := range []struct {
		name string
		k    KPIs
		met  *bool
		want map[string]tw // by KPI
	}{
		// 首响 12 ≤ 15 met, gap 15−12 = +3 (positive: the margin); 3m
		// rate 0.9 < 0.95 missed, gap −0.05 (negative: the shortfall);
		// mean 90 ≥ 85 met, +5; no outcomes: null.
		{"mixed", KPIs{FirstResponseS: v(12), ResponseRate3m: v(0.9), MeanScore: v(90), FirstResponseN: 10, WindowRounds: 10, Scored: 10}, &no, map[string]tw{
			"first_response_s": {v(12), v(3), &yes}, "response_rate_3m": {v(0.9), v(-0.05), &no},
			"mean_score": {v(90), v(5), &yes}, "conversion_rate": {nil, nil, nil}}},
		// Bounds are inclusive: exactly 15 s and exactly 0.95 are met.
		{"on the bound", KPIs{FirstResponseS: v(15), ResponseRate3m: v(0.95), MeanScore: v(85), ConversionRate: v(0.1),
			FirstResponseN: 10, WindowRounds: 10, Scored: 10, OrderKnown: 10}, &yes, map[string]tw{
			"first_response_s": {v(15), v(0), &yes}, "response_rate_3m": {v(0.95), v(0), &yes}}},
		{"no data at all", KPIs{}, nil, map[string]tw{"first_response_s": {nil, nil, nil}}},
		// Rounded as shown: 0.1+0.2 is 0.30000000000000004 in floats.
		{"rounded", KPIs{FirstResponseS: v(15.04), ResponseRate3m: v(0.1 + 0.2), MeanScore: v(85), FirstResponseN: 10, WindowRounds: 10, Scored: 10},
			&no, map[string]tw{"first_response_s": {v(15), v(0), &yes}, "response_rate_3m": {v(0.3), v(-0.65), &no}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := c.Check("2026-11-01~2026-11-02", tc.k)
			if (res.Met == nil) != (tc.met == nil) || (res.Met != nil && *res.Met != *tc.met) {
				t.Errorf("met %v, want %v", bp(res.Met), bp(tc.met))
			}
			if res.Vendor != "v1" || res.Period != "2026-11-01~2026-11-02" || len(res.Targets) != 4 {
				t.Errorf("result %+v", res)
			}
			for _, tr := range res.Targets {
				w, ok := tc.want[tr.KPI]
				if !ok {
					continue
				}
				if !near(tr.Actual, w.actual) || !near(tr.Gap, w.gap) || bp(tr.Met) != bp(w.met) {
					t.Errorf("%s: actual %v gap %v met %v, want %v %v %v", tr.KPI, fp(tr.Actual), fp(tr.Gap), bp(tr.Met),
						fp(w.actual), fp(w.gap), bp(w.met))
				}
			}
		})
	}
	for _, tc := range []struct {
		name string
		c    Contract
		want string
	}{
		{"unknown KPI", Contract{Vendor: "v1", Targets: map[string]Target{"first_reply": {Max: v(15)}}}, `vendor v1: unknown KPI "first_reply"`},
		{"both bounds", Contract{Vendor: "v1", Targets: map[string]Target{"mean_score": {Min: v(80), Max: v(90)}}}, "target mean_score: give exactly one of min or max"},
		{"no bound", Contract{Vendor: "v1", Targets: map[string]Target{"mean_score": {}}}, "exactly one"},
		{"no vendor", Contract{Targets: map[string]Target{"mean_score": {Min: v(80)}}}, "vendor missing"},
		{"no targets", Contract{Vendor: "v9"}, "vendor v9: no targets"},
	} {
		err := tc.c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
		cfg := DefaultConfig()
		cfg.Contracts = []Contract{c, tc.c}
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "contracts[1]") {
			t.Errorf("%s: config error %v does not name contracts[1]", tc.name, err)
		}
	}
}

func TestTeamsValidate(t *testing.T) {
	c := DefaultConfig()
	c.Teams = map[string][]string{"a": {"x"}, "b": {"x"}}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), `agent "x" is in both`) {
		t.Errorf("agent in two teams: %v", err)
	}
}

func near(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	d := *a - *b
	return d < 1e-9 && d > -1e-9
}

func fp(v *float64) any {
	if v == nil {
		return "null"
	}
	return *v
}

func bp(v *bool) any {
	if v == nil {
		return "null"
	}
	return *v
}
