package score

import (
	"errors"
	"fmt"
	"sort"
)

// Contract is an outsourcing vendor's service-level targets, keyed by the
// KPI's JSON name: e.g. first_response_s {max: 15}, response_rate_3m
// {min: 0.95}, satisfaction {min: 0.9}, mean_score {min: 85}.
type Contract struct {
	Vendor  string            `yaml:"vendor"`
	Targets map[string]Target `yaml:"targets"`
}

// Target bounds one KPI from below (Min) or above (Max).
type Target struct {
	Min *float64 `yaml:"min,omitempty"`
	Max *float64 `yaml:"max,omitempty"`
}

// targetKPIs are the KPIs a contract may name, with their getters.
var targetKPIs = map[string]func(KPIs) *float64{
	"first_response_s": func(k KPIs) *float64 { return k.FirstResponseS },
	"mean_response_s":  func(k KPIs) *float64 { return k.MeanResponseS },
	"response_rate_3m": func(k KPIs) *float64 { return k.ResponseRate3m },
	"reply_rate":       func(k KPIs) *float64 { return k.ReplyRate },
	"answer_ratio":     func(k KPIs) *float64 { return k.AnswerRatio },
	"satisfaction":     func(k KPIs) *float64 { return k.Satisfaction },
	"conversion_rate":  func(k KPIs) *float64 { return k.ConversionRate },
	"mean_score":       func(k KPIs) *float64 { return k.MeanScore },
	"negative_share":   func(k KPIs) *float64 { return k.NegativeShare },
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
	}
	return nil
}

// TargetResult is one target checked against one period's KPIs.
type TargetResult struct {
	KPI    string   `json:"kpi"`
	Op     string   `json:"op"` // ">=" or "<="
	Target float64  `json:"target"`
	Actual *float64 `json:"actual"` // null when the data cannot give it
	Met    *bool    `json:"met"`    // null when Actual is null
	Gap    *float64 `json:"gap"`    // actual minus target; negative is worse for ">="
}

// ContractResult is a vendor's targets over one period.
type ContractResult struct {
	Vendor string `json:"vendor"`
	Period string `json:"period"`
	// Met is true when every target the data can give is met and at
	// least one can be given, false when one is missed, and null when no
	// target could be checked (the data lacks every KPI named).
	Met     *bool          `json:"met"`
	Targets []TargetResult `json:"targets"`
}

// Check evaluates the contract against k.
func (c Contract) Check(period string, k KPIs) ContractResult {
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
		if v := targetKPIs[n](k); v != nil {
			actual := *v
			gap := actual - tr.Target
			met := (tr.Op == ">=" && actual >= tr.Target) || (tr.Op == "<=" && actual <= tr.Target)
			tr.Actual, tr.Gap, tr.Met = &actual, &gap, &met
			if res.Met == nil {
				res.Met = new(bool)
				*res.Met = true
			}
			*res.Met = *res.Met && met
		}
		res.Targets = append(res.Targets, tr)
	}
	return res
}
