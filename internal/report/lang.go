package report

import (
	"strings"

	"golang.org/x/text/width"

	"fullqa/internal/codebook"
)

// labels are the report's own words (headings, column heads, states) in
// Chinese and English; the names of codes, tags, severities and KPIs come
// from internal/codebook. An array, so nothing can change it at run time.
var labels = [...]struct{ key, zh, en string }{
	{"conversations", "会话数", "conversations"},
	{"messages", "消息数", "messages"},
	{"findings", "问题数", "findings"},
	{"mean score", "平均分", "mean score"},
	{"period", "期间", "period"},
	{"bad records", "坏记录", "bad records"},
	{"bad records note", "未质检；见错误输出或 --rejects", "not scanned; see errors / --rejects"},
	{"by severity", "按严重程度", "by severity"},
	{"by code", "按问题类型", "by code"},
	{"problem", "问题", "problem"},
	{"code", "代码", "code"},
	{"share", "占比", "share"},
	{"explanations", "问题说明", "what the codes mean"},
	{"scenes", "场景", "scenes"},
	{"scene", "场景", "scene"},
	{"KPIs", "总体 KPI", "KPIs"},
	{"KPIs by day", "每日 KPI", "KPIs by day"},
	{"KPIs by agent", "客服 KPI（按会话量）", "KPIs by agent (by volume)"},
	{"KPIs by team", "班组 KPI（按会话量）", "KPIs by team (by volume)"},
	{"KPIs by vendor", "外包供应商 KPI（按会话量）", "KPIs by vendor (by volume)"},
	{"KPIs by shop", "店铺 KPI（按会话量）", "KPIs by shop (by volume)"},
	{"all", "全部", "all"},
	{"no time", "（无时间）", "(no time)"},
	{"contracts", "外包合同目标", "vendor contracts"},
	{"gap note", "差距：正数为达标的余量，负数为未达标的差额；样本少于最低样本量时不判定。",
		"gap: positive is the margin by which a target is met, negative the shortfall; a target is not judged below its minimum sample."},
	{"target", "目标", "target"},
	{"actual", "实际", "actual"},
	{"gap", "差距", "gap"},
	{"sample", "样本", "sample"},
	{"result", "结果", "result"},
	{"vendor", "供应商", "vendor"},
	{"shop", "店铺", "shop"},
	{"team", "班组", "team"},
	{"agent", "客服", "agent"},
	{"day", "日期", "day"},
	{"met", "达标", "met"},
	{"missed", "未达标", "missed"},
	{"too_few", "样本不足", "too few"},
	{"no_data", "无数据", "no data"},
	{"no_conversations", "本期无数据（该供应商没有会话）", "no data in the period (no conversations of this vendor)"},
	{"riskiest", "风险最高的会话", "riskiest conversations"},
	{"score", "得分", "score"},
	{"agents", "客服", "agents"},
	{"emotion", "情绪", "emotion"},
	{"no findings", "没有发现问题", "no findings"},
	{"score distribution", "得分分布", "score distribution"},
	{"findings by code", "按问题类型", "findings by code"},
	{"mean score by day", "每日平均分", "mean score by day"},
	{"response by day", "每日响应 KPI", "response KPIs by day"},
	{"first response by day", "每日首响", "first response by day"},
	{"negative by day", "每日客户负面情绪", "negative emotion by day"},
	{"title", "fullqa 质检报告", "fullqa QA report"},
	{"item", "项目", "item"},
	{"timezone", "时区", "time zone"},
	{"value", "数值", "value"},
	{"evidence", "证据", "evidence"},
	{"min sample", "最低样本", "min sample"},
	// Short KPI column heads for tables.
	{"h conv", "会话", "conv"},
	{"h first", "首响s", "first s"},
	{"h first p50", "首响中位", "first p50"},
	{"h mean resp", "均响s", "resp s"},
	{"h resp p50", "响应中位", "resp p50"},
	{"h resp p90", "响应P90", "resp p90"},
	{"h rate3", "3分钟率", "3-min"},
	{"h reply", "回复率", "reply"},
	{"h ratio", "答问比", "ans/q"},
	{"h satisfaction", "满意度", "satisf."},
	{"h score", "均分", "score"},
	{"h slow", "慢回合", "slow"},
	{"h long", "长会话", "long"},
	{"h fatal", "否决", "fatal"},
	{"h consulted", "咨询人数", "consulted"},
	{"h received", "接待人数", "received"},
	{"h negative", "负面情绪", "negative"},
}

// label returns a report word in lang (Chinese unless lang is EN).
func label(key string, lang codebook.Lang) string {
	for _, l := range labels {
		if l.key == key {
			if lang == codebook.EN {
				return l.en
			}
			return l.zh
		}
	}
	return key
}

// runeWidth is the columns a terminal gives r: two for East Asian wide
// and full-width characters (Chinese), none for combining marks, else one.
func runeWidth(r rune) int {
	if r < 0x300 {
		return 1
	}
	if r >= 0x300 && r <= 0x36f || r == 0x200b || r == 0x200d || r >= 0xfe00 && r <= 0xfe0f {
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// displayWidth is the columns s takes in a terminal.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		w += runeWidth(r)
	}
	return w
}

// padRight left-aligns s in w display columns.
func padRight(s string, w int) string {
	if n := displayWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// padLeft right-aligns s in w display columns.
func padLeft(s string, w int) string {
	if n := displayWidth(s); n < w {
		return strings.Repeat(" ", w-n) + s
	}
	return s
}

// clip cuts s to at most w display columns, ending in "…" when cut.
func clip(s string, w int) string {
	if displayWidth(s) <= w {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		rw := runeWidth(r)
		if n+rw > w-1 {
			break
		}
		b.WriteRune(r)
		n += rw
	}
	b.WriteString("…")
	return b.String()
}

// table is a text table whose columns are sized and padded by display
// width, so Chinese names line up with the numbers under them.
type table struct {
	head  []string
	right []bool // right-align this column (numbers)
	rows  [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// write renders the table indented by two spaces, columns two apart; a
// nil head prints rows only.
func (t *table) write(b *strings.Builder) {
	var widths []int
	for _, row := range append([][]string{t.head}, t.rows...) {
		for i, c := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	line := func(row []string) {
		var l strings.Builder
		l.WriteString("  ")
		for i, c := range row {
			if i > 0 {
				l.WriteString("  ")
			}
			if i < len(t.right) && t.right[i] {
				l.WriteString(padLeft(c, widths[i]))
			} else {
				l.WriteString(padRight(c, widths[i]))
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	if t.head != nil {
		line(t.head)
	}
	for _, row := range t.rows {
		line(row)
	}
}

// DisplayWidth is the columns s takes in a terminal (a Chinese character
// is two), for other commands' text tables to line up as the reports do.
func DisplayWidth(s string) int { return displayWidth(s) }

// PadRight left-aligns s in w display columns.
func PadRight(s string, w int) string { return padRight(s, w) }
