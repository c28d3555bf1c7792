package score

import (
	"errors"
	"fmt"
	"sort"
)

// Contract is an outsourcing vendor's service-level targets, keyed by the
// KPI's JSON name: e.g. first_response_s {max: 15}, response_rate_3m
// {min: 0.95}, satisfaction {min: 0.9}, mean_score {min: 85}.
//
// A target is judged only on enough data: below its minimum sample
// (MinSample of the target, else of the contract, else DefaultMinSample)
// it is "too few", neither met nor missed — a satisfaction target is not
// met on one rating.
type Contract struct {
	Vendor    string            `yaml:"vendor"`
	MinSample *int              `yaml:"min_sample,omitempty"`
	Targets   map[string]Target `yaml:"targets"`
}

// DefaultMinSample is the smallest sample a target is judged on when the
// config names none: ten ratings, ten answered rounds, ten conversations.
const DefaultMinSample = 10

// Target bounds one KPI from below (Min) or above (Max).
type Target struct {
	Min       *float64 `yaml:"min,omitempty"`
	Max       *float64 `yaml:"max,omitempty"`
	MinSample *int     `yaml:"min_sample,omitempty"`
}

// targetKPI is a KPI a contract may name: its value and the size of the
// sample it was computed on (ratings for satisfaction, answered rounds
// for response times …).
type targetKPI struct {
	value  func(KPIs) *float64
	sample func(KPIs) int
}

// targetKPIs are the KPIs a contract may name.
var targetKPIs = map[string]targetKPI{
	"first_response_s":     {func(k KPIs) *float64 { return k.FirstResponseS }, func(k KPIs) int { return k.FirstResponseN }},
	"first_response_p50_s": {func(k KPIs) *float64 { return k.FirstResponseP50S }, func(k KPIs) int { return k.FirstResponseN }},
	"first_response_p90_s": {func(k KPIs) *float64 { return k.FirstResponseP90S }, func(k KPIs) int { return k.FirstResponseN }},
	"mean_response_s":      {func(k KPIs) *float64 { return k.MeanResponseS }, func(k KPIs) int { return k.ResponseN }},
	"response_p50_s":       {func(k KPIs) *float64 { return k.ResponseP50S }, func(k KPIs) int { return k.ResponseN }},
	"response_p90_s":       {func(k KPIs) *float64 { return k.ResponseP90S }, func(k KPIs) int { return k.ResponseN }},
	"response_rate_3m":     {func(k KPIs) *float64 { return k.ResponseRate3m }, func(k KPIs) int { return k.WindowRounds }},
	"reply_rate":           {func(k KPIs) *float64 { return k.ReplyRate }, func(k KPIs) int { return k.Consulted }},
	"answer_ratio":         {func(k KPIs) *float64 { return k.AnswerRatio }, func(k KPIs) int { return k.Scored }},
	"satisfaction":         {func(k KPIs) *float64 { return k.Satisfaction }, func(k KPIs) int { return k.Rated }},
	"conversion_rate":      {func(k KPIs) *float64 { return k.ConversionRate }, func(k KPIs) int { return k.OrderKnown }},
	"mean_score":           {func(k KPIs) *float64 { return k.MeanScore }, func(k KPIs) int { return k.Scored }},
	"negative_share":       {func(k KPIs) *float64 { return k.NegativeShare }, func(k KPIs) int { return k.EmotionMessages }},
}

// Validate checks the vendor and that each target names a known KPI with
// exactly one bound.
func (c Contract) Validate() error {
	if c.Vendor == "" {
		return errors.New("vendor missing")
	}
	if len(c.Targets) == 0 {
		return fmt.Errorf("vendor %s: no targets", c.Vendor)
	}
	for name, t := range c.Targets {
		if _, ok := targetKPIs[name]; !ok {
			var names []string
			for n := range targetKPIs {
				names = append(names, n)
			}
			sort.Strings(names)
			return fmt.Errorf("vendor %s: unknown KPI %q (want one of %v)", c.Vendor, name, names)
		}
		if (t.Min == nil) == (t.Max == nil) {
			return fmt.Errorf("vendor %s: target %s: give exactly one of min or max", c.Vendor, name)
		}
		if t.MinSample != nil && *t.MinSample < 1 {
			return fmt.Errorf("vendor %s: target %s: min_sample must be at least 1", c.Vendor, name)
		}
	}
	if c.MinSample != nil && *c.MinSample < 1 {
		return fmt.Errorf("vendor %s: min_sample must be at least 1", c.Vendor)
	}
	return nil
}

// Target states, in TargetResult.Status.
const (
	StatusMet    = "met"     // the actual is on the good side of the target
	StatusMissed = "missed"  // it is not
	StatusTooFew = "too_few" // the sample is below the minimum: not judged
	StatusNoData = "no_data" // the data cannot give the KPI
	// StatusNoConversations is a contract's status when the vendor has
	// no conversation at all in the period: reported, not dropped, so a
	// vendor whose chats are missing from the export is noticed.
	StatusNoConversations = "no_conversations"
)

// TargetResult is one target checked against one period's KPIs.
//
// Gap has one sign convention for every target: positive is the margin by
// which the target is met, negative the shortfall by which it is missed
// (target − actual for a max target such as first_response_s, actual −
// target for a min target such as satisfaction). It is given whenever
// Actual is, even for a too-small sample.
type TargetResult struct {
	KPI       string   `json:"kpi"`
	Op        string   `json:"op"` // ">=" or "<="
	Target    float64  `json:"target"`
	Actual    *float64 `json:"actual"` // null when the data cannot give it
	Met       *bool    `json:"met"`    // null unless the status is met or missed
	Gap       *float64 `json:"gap"`    // see the sign convention above
	Status    string   `json:"status"` // met, missed, too_few or no_data
	Sample    int      `json:"sample"` // the size of the sample behind Actual
	MinSample int      `json:"min_sample"`
}

// ContractResult is a vendor's targets over one period.
type ContractResult struct {
	Vendor string `json:"vendor"`
	Period string `json:"period"`
	// Met is true when every target that could be judged is met and at
	// least one could, false when one is missed, and null when none could
	// be judged (no data, or samples below the minimum).
	Met *bool `json:"met"`
	// Status sums the targets up: met, missed, too_few (nothing judged,
	// some sample too small), no_data, or no_conversations (the vendor
	// has no conversation in the period).
	Status  string         `json:"status"`
	Targets []TargetResult `json:"targets"`
}

// CheckEmpty is the contract's result for a period in which the vendor
// has no conversation: every target without data, the whole contract
// StatusNoConversations.
func (c Contract) CheckEmpty(period string) ContractResult {
	res := c.Check(period, KPIs{Key: c.Vendor})
	res.Status = StatusNoConversations
	return res
}

// Check evaluates the contract against k, rounded as reports show it so
// a displayed actual equal to its target is met.
func (c Contract) Check(period string, k KPIs) ContractResult {
	k = k.Rounded()
	res := ContractResult{Vendor: c.Vendor, Period: period}
	var names []string
	for n := range c.Targets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t := c.Targets[n]
		tr := TargetResult{KPI: n}
		if t.Min != nil {
			tr.Op, tr.Target = ">=", *t.Min
		} else {
			tr.Op, tr.Target = "<=", *t.Max
		}
		tk := targetKPIs[n]
		tr.Sample, tr.MinSample = tk.sample(k), DefaultMinSample
		if t.MinSample != nil {
			tr.MinSample = *t.MinSample
		} else if c.MinSample != nil {
			tr.MinSample = *c.MinSample
		}
		tr.Status = StatusNoData
		if v := tk.value(k); v != nil {
			actual := *v
			gap := actual - tr.Target
			if tr.Op == "<=" {
				gap = -gap
			}
			if gap = roundTo(gap, 4); gap == 0 {
				gap = 0 // not -0
			}
			tr.Actual, tr.Gap = &actual, &gap
			tr.Status = StatusTooFew
		}
		if tr.Actual != nil && tr.Sample >= tr.MinSample {
			met := *tr.Gap >= 0
			tr.Met = &met
			tr.Status = StatusMissed
			if met {
				tr.Status = StatusMet
			}
			if res.Met == nil {
				res.Met = new(bool)
				*res.Met = true
			}
			*res.Met = *res.Met && met
		}
		res.Targets = append(res.Targets, tr)
	}
	res.Status = StatusNoData
	switch {
	case res.Met != nil && *res.Met:
		res.Status = StatusMet
	case res.Met != nil:
		res.Status = StatusMissed
	default:
		for _, t := range res.Targets {
			if t.Status == StatusTooFew {
				res.Status = StatusTooFew
			}
		}
	}
	return res
}
