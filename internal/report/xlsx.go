package report

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"fullqa/internal/score"
)

// WriteXLSX writes the workbook Chinese operations teams pass around: a
// summary sheet, agents, conversations with findings, and KPIs by day.
func WriteXLSX(w io.Writer, r *Report) error {
	f := excelize.NewFile()
	defer f.Close()
	const summary = "汇总 Summary"
	if err := f.SetSheetName("Sheet1", summary); err != nil {
		return err
	}
	s := r.Summary
	rows := [][]any{
		{"fullqa 质检报告", r.Title},
		{"期间 period", r.From + " – " + r.To},
		{"时区 timezone", r.Timezone},
		{"会话 conversations", s.Conversations},
		{"消息 messages", s.Messages},
		{"发现 findings", s.Findings},
		{"平均分 mean score", round(s.MeanScore(), 1)},
		{"一票否决 fatal", r.Total.Fatal},
		{"坏记录 bad records", s.Rejected},
		{"首响(秒) first response s", num(r.Total.FirstResponseS)},
		{"平均响应(秒) mean response s", num(r.Total.MeanResponseS)},
		{"3分钟响应率", num(r.Total.ResponseRate3m)},
		{"回复率 reply rate", num(r.Total.ReplyRate)},
		{"答问比 answer ratio", num(r.Total.AnswerRatio)},
		{"满意度 satisfaction", num(r.Total.Satisfaction)},
		{},
		{"问题 code", "发现 findings", "会话 conversations", "占比 share"},
	}
	for _, c := range s.Codes() {
		rows = append(rows, []any{c.Code, c.Count, c.Convs, round(float64(c.Convs)/float64(max1(s.Conversations)), 4)})
	}
	if len(r.Contracts) > 0 {
		rows = append(rows, []any{}, []any{"供应商 vendor", "期间 period", "KPI", "目标 target", "实际 actual", "差距 gap", "达标 met"})
		for _, c := range r.Contracts {
			for _, t := range c.Targets {
				met := "n/a"
				if t.Met != nil {
					met = map[bool]string{true: "达标 met", false: "未达标 missed"}[*t.Met]
				}
				rows = append(rows, []any{c.Vendor, c.Period, t.KPI, t.Op + " " + fnum(t.Target), num(t.Actual), num(t.Gap), met})
			}
		}
	}
	if err := writeRows(f, summary, rows); err != nil {
		return err
	}
	kpiHeader := []any{"", "会话", "首响s", "均响s", "回合", "慢回合", "3分钟响应率", "回复率", "答问比", "咨询人数", "接待人数", "长会话", "满意度", "均分", "一票否决", "负面情绪占比"}
	kpiRow := func(k score.KPIs) []any {
		return []any{k.Key, k.Conversations, num(k.FirstResponseS), num(k.MeanResponseS), k.Rounds, k.SlowRounds,
			num(k.ResponseRate3m), num(k.ReplyRate), num(k.AnswerRatio), k.Consulted, k.Received, k.LongConversations,
			num(k.Satisfaction), num(k.MeanScore), k.Fatal, num(k.NegativeShare)}
	}
	for _, sh := range []struct{ name, dim, first string }{{"客服 Agents", "agent", "客服 agent"}, {"每日KPI By day", "day", "日期 day"}, {"供应商 Vendors", "vendor", "供应商 vendor"}} {
		if _, err := f.NewSheet(sh.name); err != nil {
			return err
		}
		h := append([]any{sh.first}, kpiHeader[1:]...)
		rows := [][]any{h}
		for _, k := range r.By[sh.dim] {
			rows = append(rows, kpiRow(k))
		}
		if err := writeRows(f, sh.name, rows); err != nil {
			return err
		}
	}
	const convs = "会话 Conversations"
	if _, err := f.NewSheet(convs); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(convs)
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{"会话ID id", "日期 day", "客服 agents", "供应商 vendor", "店铺 shop", "得分 score", "一票否决 fatal", "问题 codes", "证据 evidence"}); err != nil {
		return err
	}
	for i, row := range r.Rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		fatal := ""
		if row.Fatal {
			fatal = "是"
		}
		if err := sw.SetRow(cell, []any{row.ID, row.Day, row.Agents, row.Vendor, row.Shop, row.Score, fatal, row.Codes, row.Evidence}); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

func writeRows(f *excelize.File, sheet string, rows [][]any) error {
	for i, row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return err
		}
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return fmt.Errorf("sheet %s: %w", sheet, err)
		}
	}
	return nil
}

// num turns a KPI that may be unavailable into a cell value.
func num(v *float64) any {
	if v == nil {
		return "n/a"
	}
	return round(*v, 4)
}

func round(v float64, digits int) float64 {
	p := 1.0
	for i := 0; i < digits; i++ {
		p *= 10
	}
	if v < 0 {
		return -float64(int64(-v*p+0.5)) / p
	}
	return float64(int64(v*p+0.5)) / p
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}
