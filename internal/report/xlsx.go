package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"fullqa/internal/codebook"
	"fullqa/internal/score"
)

// Sheet names stay the same in every language, Chinese and English, so
// scripts that read the workbook find them.
const (
	sheetSummary   = "汇总 Summary"
	sheetCodes     = "问题 Findings"
	sheetContracts = "合同 Contracts"
	sheetAgents    = "客服 Agents"
	sheetTeams     = "班组 Teams"
	sheetDays      = "每日KPI By day"
	sheetVendors   = "供应商 Vendors"
	sheetShops     = "店铺 Shops"
	sheetConvs     = "会话 Conversations"
)

// WriteXLSX writes the workbook Chinese operations teams pass around: a
// summary, findings by code with their names and explanations, vendor
// contracts, KPIs by agent, team, day, vendor and shop, and the
// conversations with findings. Numbers are numbers (ratios formatted as
// percentages, unavailable figures empty), every table has a frozen
// header, a filter and set column widths, and a table longer than a sheet
// goes on in a second one.
func WriteXLSX(w io.Writer, r *Report) error {
	f := excelize.NewFile()
	defer f.Close()
	lang, s := r.Lang, r.Summary
	L := func(k string) string { return label(k, lang) }
	N := func(k string) string { return codebook.Name(k, lang) }
	t := r.Total.Rounded()
	type kv struct {
		k string
		v any
	}
	summary := []kv{
		{L("title"), r.Title}, {L("period"), r.From + " – " + r.To}, {L("timezone"), r.Timezone},
		{L("conversations"), s.Conversations}, {L("messages"), s.Messages}, {L("findings"), s.Findings},
		{N("mean_score"), roundTo1(s.MeanScore())}, {N("fatal"), t.Fatal}, {L("bad records"), s.Rejected},
		{N("first_response_s"), cellf(t.FirstResponseS)}, {N("mean_response_s"), cellf(t.MeanResponseS)},
		{N("response_rate_3m"), pctCell(t.ResponseRate3m)}, {N("reply_rate"), pctCell(t.ReplyRate)},
		{N("answer_ratio"), cellf(t.AnswerRatio)}, {N("satisfaction"), pctCell(t.Satisfaction)},
		{N("negative_share"), pctCell(t.NegativeShare)},
	}
	sheets := []*Sheet{{Name: sheetSummary, Columns: []Column{{L("item"), 26, Text}, {L("value"), 40, Text}},
		Rows: len(summary), Row: func(i int) []any { return []any{summary[i].k, summary[i].v} }}}

	codes := s.Codes()
	sheets = append(sheets, &Sheet{Name: sheetCodes, Columns: []Column{{L("problem"), 18, Text}, {L("code"), 28, Text},
		{L("findings"), 10, Int}, {L("conversations"), 10, Int}, {L("share"), 10, Percent}, {L("explanations"), 70, Text}},
		Rows: len(codes), Row: func(i int) []any {
			c := codes[i]
			return []any{N(c.Code), c.Code, c.Count, c.Convs, float64(c.Convs) / float64(max(1, s.Conversations)), codebook.Explain(c.Code, lang)}
		}})

	type target struct {
		c score.ContractResult
		t score.TargetResult
	}
	var targets []target
	for _, c := range r.Contracts {
		for _, tr := range c.Targets {
			targets = append(targets, target{c, tr})
		}
	}
	sheets = append(sheets, &Sheet{Name: sheetContracts, Note: L("gap note"), Columns: []Column{{L("vendor"), 14, Text},
		{L("period"), 24, Text}, {"KPI", 14, Text}, {L("code"), 20, Text}, {"", 5, Text}, {L("target"), 10, Text},
		{L("actual"), 10, Text}, {L("gap"), 10, Text}, {L("sample"), 8, Int}, {L("min sample"), 8, Int}, {L("result"), 12, Text}},
		Rows: len(targets), Row: func(i int) []any {
			x := targets[i]
			return []any{x.c.Vendor, x.c.Period, N(x.t.KPI), x.t.KPI, x.t.Op, x.t.Target, cellf(x.t.Actual), cellf(x.t.Gap),
				x.t.Sample, x.t.MinSample, L(resultStatus(x.c, x.t))}
		}})

	for _, d := range []struct{ sheet, dim string }{{sheetAgents, "agent"}, {sheetTeams, "team"}, {sheetDays, "day"},
		{sheetVendors, "vendor"}, {sheetShops, "shop"}} {
		sheets = append(sheets, kpiSheet(d.sheet, L(d.dim), r.By[d.dim], lang))
	}

	note := fmt.Sprintf("仅列出有问题的会话：%d 个（共 %d 个会话）", len(r.Rows), s.Conversations)
	if lang == codebook.EN {
		note = fmt.Sprintf("Only conversations with findings: %d of %d conversations", len(r.Rows), s.Conversations)
	}
	sheets = append(sheets, &Sheet{Name: sheetConvs, Note: note, Columns: []Column{{"ID", 16, Text}, {L("day"), 11, Text},
		{L("agents"), 14, Text}, {L("vendor"), 10, Text}, {L("shop"), 10, Text}, {L("score"), 7, Int}, {N("fatal"), 8, Text},
		{L("problem"), 30, Text}, {L("code"), 30, Text}, {L("evidence"), 80, Text}},
		Rows: len(r.Rows), Row: func(i int) []any {
			row := r.Rows[i]
			fatal := ""
			if row.Fatal && lang == codebook.EN {
				fatal = "yes"
			} else if row.Fatal {
				fatal = "是"
			}
			return []any{row.ID, row.Day, row.Agents, row.Vendor, row.Shop, row.Score, fatal, codeNames(row.Codes, lang),
				row.Codes, row.Evidence}
		}})
	if err := WriteWorkbook(f, sheets); err != nil {
		return err
	}
	_, err := f.WriteTo(w)
	return err
}

// kpiSheet is one KPI table: a row per group, by volume (days by date).
func kpiSheet(name, keyHead string, rows []score.KPIs, lang codebook.Lang) *Sheet {
	N := func(k string) string { return codebook.Name(k, lang) }
	L := func(k string) string { return label(k, lang) }
	cols := []Column{{keyHead, 16, Text}, {N("conversations"), 9, Int}, {N("first_response_s"), 10, Dec1},
		{L("h first p50"), 10, Dec1}, {L("h first p50") + "P90", 10, Dec1}, {N("mean_response_s"), 10, Dec1},
		{L("h resp p50"), 10, Dec1}, {L("h resp p90"), 10, Dec1}, {N("rounds"), 8, Int}, {N("slow_rounds"), 8, Int},
		{N("response_rate_3m"), 11, Percent}, {N("reply_rate"), 9, Percent}, {N("answer_ratio"), 9, Dec2},
		{N("consulted"), 9, Int}, {N("received"), 9, Int}, {N("long_conversations"), 9, Int},
		{N("satisfaction"), 9, Percent}, {N("mean_score"), 9, Dec1}, {N("fatal"), 9, Int}, {N("negative_share"), 11, Percent}}
	if lang == codebook.EN {
		cols[4].Head = "first p90"
	} else {
		cols[4].Head = "首响P90"
	}
	return &Sheet{Name: name, Columns: cols, Rows: len(rows), Row: func(i int) []any {
		k := rows[i].Rounded()
		return []any{groupKey(k.Key, lang), k.Conversations, cellf(k.FirstResponseS), cellf(k.FirstResponseP50S),
			cellf(k.FirstResponseP90S), cellf(k.MeanResponseS), cellf(k.ResponseP50S), cellf(k.ResponseP90S), k.Rounds,
			k.SlowRounds, cellf(k.ResponseRate3m), cellf(k.ReplyRate), cellf(k.AnswerRatio), k.Consulted, k.Received,
			k.LongConversations, cellf(k.Satisfaction), cellf(k.MeanScore), k.Fatal, cellf(k.NegativeShare)}
	}}
}

// codeNames names comma-separated codes in lang.
func codeNames(codes string, lang codebook.Lang) string {
	if codes == "" {
		return ""
	}
	sep := "、"
	if lang == codebook.EN {
		sep = ", "
	}
	parts := strings.Split(codes, ",")
	for i, c := range parts {
		parts[i] = codebook.Name(c, lang)
	}
	return strings.Join(parts, sep)
}

// percent is a ratio shown as a percentage in any column (the summary
// sheet mixes kinds in one column).
type percent float64

// pctCell is a ratio cell, empty when unavailable.
func pctCell(v *float64) any {
	if v == nil {
		return nil
	}
	return percent(*v)
}

func roundTo1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }

// resultStatus is what a contract sheet's row says: the target's status,
// or that the vendor has no conversation in the period.
func resultStatus(c score.ContractResult, t score.TargetResult) string {
	if c.Status == score.StatusNoConversations {
		return c.Status
	}
	return targetStatus(t)
}
