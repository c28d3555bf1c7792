package report

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"fullqa/internal/analyze"
	"fullqa/internal/codebook"
	"fullqa/internal/conversation"
	"fullqa/internal/scan"
	"fullqa/internal/score"
)

// Builder aggregates scan results into a Report as they stream by. It keeps
// counts, the riskiest conversations, KPI groups and, when asked (xlsx),
// one row per conversation with findings.
type Builder struct {
	rec      score.Record // recordOf's, reused: the aggregator keeps none of it
	codeOf   []int        // recordOf's, reused: each finding's code's place in rec.Codes
	sum      *Summary
	agg      *score.Aggregator
	cfg      score.Config
	keepRows bool
	rows     []ConvRow
	from, to string
}

// ConvRow is one conversation with findings, for spreadsheets.
type ConvRow struct {
	ID       string
	Day      string
	Agents   string
	Vendor   string
	Shop     string
	Score    int
	Fatal    bool
	Codes    string
	Evidence string
}

// NewBuilder starts a report. riskiest is how many conversations to quote;
// keepRows keeps a row per conversation with findings.
func NewBuilder(cfg score.Config, riskiest int, keepRows bool) *Builder {
	b := &Builder{sum: NewSummary(riskiest), agg: score.NewAggregator(cfg), cfg: cfg, keepRows: keepRows}
	b.sum.useNumbering(b.agg.Numbering()) // a conversation's codes numbered once for both
	return b
}

// recordOf is what the aggregator counts of one inspected result: its
// KPI inputs, score, distinct finding codes and emotion counts. Negative
// emotion counts the messages emotion.negative flagged (model plus cue
// words); the scan output's labels agree with it when the emotion detector
// ran, and without it no message is counted negative. The share is over
// the customer messages scored.
//
// codeOf is given back holding each finding's code's place in rec.Codes
// (its room reused), for the summary; rec.CodeNums holds the codes'
// numbers in names (the aggregator's), for both.
func recordOf(r *scan.Result, rec *score.Record, codeOf []int, names *codebook.Numbering) (*score.Record, []int) {
	codes, nums := rec.Codes[:0], rec.CodeNums[:0] // their room, reused
	*rec = score.Record{Conv: r.Conv, KPI: r.KPI, Score: r.Score, Fatal: r.Fatal, CodeNums: nums}
	rec.Codes, codeOf = distinctCodes(r.Findings, codes, codeOf[:0])
	// Numbered once, in the aggregator's numbering, which the summary
	// shares (NewBuilder).
	for _, code := range rec.Codes {
		nums = append(nums, names.Number(code))
	}
	rec.CodeNums = nums
	// By index: ranging by value copied every message's emotion and
	// every finding.
	for i := range r.Emotion {
		if r.Emotion[i].Label != "" && r.Conv.Messages[i].Role == conversation.RoleCustomer {
			rec.EmoMsgs++
		}
	}
	if rec.EmoMsgs > 0 {
		for i := range r.Findings {
			if r.Findings[i].Code == "emotion.negative" {
				rec.NegMsgs++
			}
		}
	}
	return rec, codeOf
}

// Add counts one result (or bad record).
func (b *Builder) Add(r *scan.Result) {
	if r.Err != nil {
		b.sum.add(r, nil, nil)
		return
	}
	var rec *score.Record
	rec, b.codeOf = recordOf(r, &b.rec, b.codeOf, b.agg.Numbering())
	b.sum.add(r, rec.CodeNums, b.codeOf)
	b.agg.Add(rec)
	if d := r.KPI.Day; d != "" {
		if b.from == "" || d < b.from {
			b.from = d
		}
		if d > b.to {
			b.to = d
		}
	}
	if b.keepRows && len(r.Findings) > 0 {
		var ev []string
		for _, f := range r.Findings {
			ev = append(ev, f.Code+" "+joinInts(f.Messages)+": "+f.Evidence)
		}
		agents, _ := r.KPI.AgentsOf(r.Conv)
		al := make([]string, len(agents))
		for i, a := range agents {
			al[i] = a.Agent
		}
		codes := append([]string(nil), rec.Codes...)
		sort.Strings(codes)
		b.rows = append(b.rows, ConvRow{ID: r.Conv.ID, Day: r.KPI.Day, Agents: strings.Join(al, ","), Vendor: r.Conv.Vendor,
			Shop: r.Conv.Shop, Score: r.Score, Fatal: r.Fatal, Codes: strings.Join(codes, ","), Evidence: strings.Join(ev, "\n")})
	}
}

// Report is a finished aggregation, what every writer renders.
type Report struct {
	Title     string
	Lang      codebook.Lang // the language of headings and names; "" is Chinese
	Generated time.Time
	Timezone  string
	From, To  string // first and last day with timestamps
	Summary   *Summary
	Total     score.KPIs
	By        map[string][]score.KPIs // dimension → groups
	Contracts []score.ContractResult
	Rows      []ConvRow
	Scorecard score.Scorecard
	// Cross is the across-conversation summary, nil when it did not run.
	Cross *analyze.Summary
	// Filters says which --since/--until/--vendor/--shop/--agent filters
	// the run applied; empty when none.
	Filters string
}

// Finish computes the figures and checks vendor contracts over the whole
// period of the input and day by day.
func (b *Builder) Finish(title, tz string, now time.Time) *Report {
	b.sum.Finish()
	rep := &Report{Title: title, Generated: now, Timezone: tz, From: b.from, To: b.to, Summary: b.sum,
		Total: b.agg.Total.KPIs(), By: map[string][]score.KPIs{}, Rows: b.rows, Scorecard: b.cfg.Scorecard}
	for _, d := range score.Dimensions() {
		rep.By[d] = b.agg.By(d)
	}
	period := b.from
	if b.to != b.from {
		period = b.from + "~" + b.to
	}
	for _, c := range b.cfg.Contracts {
		found := false
		for _, v := range rep.By["vendor"] {
			if v.Key == c.Vendor {
				rep.Contracts = append(rep.Contracts, c.Check(period, v))
				found = true
			}
		}
		if !found { // reported, not dropped: the vendor's chats may be missing
			rep.Contracts = append(rep.Contracts, c.CheckEmpty(period))
		}
		for _, v := range rep.By["vendor_day"] {
			if vendor, day, _ := strings.Cut(v.Key, " "); vendor == c.Vendor && day != "(no time)" && b.from != b.to {
				rep.Contracts = append(rep.Contracts, c.Check(day, v))
			}
		}
	}
	return rep
}

// DefaultTitle is the report title over the named inputs, in lang.
func DefaultTitle(lang codebook.Lang, inputs []string) string {
	return label("title", lang) + " · " + strings.Join(inputs, ", ")
}

func joinInts(xs []int) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, x := range xs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(x))
	}
	b.WriteByte(']')
	return b.String()
}
