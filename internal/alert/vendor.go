package alert

import (
	"fmt"
	"strings"
)

// VendorReport is what a scheduled digest says about one vendor for one
// period. The service fills it from the store (the same figures as the
// fullqa.kpi/v1 report); this package only words it, in Chinese, for a
// group chat.
type VendorReport struct {
	Vendor         string
	From, To       string // the period, as dates in the configured zone
	Conversations  int
	Fatal          int
	MeanScore      *float64
	Targets        []TargetLine
	TopFindings    []CodeCount
	Bursts         []string // one line per new burst, already worded
	PromisesDue    int      // promises whose due time falls in the next day
	PromisesUnkept int
	ReportLink     string // the full HTML report
}

// TargetLine is one contract target's result.
type TargetLine struct {
	Name   string // the KPI's name in Chinese
	Actual string
	Target string // e.g. "≤ 30 秒"
	Met    bool
	TooFew bool // too few cases to judge
	Gap    string
}

// CodeCount is a finding code with its name and count.
type CodeCount struct {
	Code, Name string
	Count      int
}

// RenderVendorReport words a vendor's period as a short markdown digest:
// volume, each contract target met or missed with the gap, the most
// frequent findings, new bursts, promises due, and a link to the full
// report.
func RenderVendorReport(r VendorReport) Message {
	vendor := r.Vendor
	if vendor == "" {
		vendor = "（未标注外包商）"
	}
	title := fmt.Sprintf("【fullqa】%s 质检报告 %s 至 %s", vendor, r.From, r.To)
	var b strings.Builder
	fmt.Fprintf(&b, "### %s\n\n", title)
	fmt.Fprintf(&b, "- **会话量**：%d\n", r.Conversations)
	if r.MeanScore != nil {
		fmt.Fprintf(&b, "- **平均质检分**：%.1f\n", *r.MeanScore)
	}
	fmt.Fprintf(&b, "- **一票否决**：%d 次\n", r.Fatal)
	if len(r.Targets) > 0 {
		b.WriteString("\n**合同指标**\n\n")
		for _, t := range r.Targets {
			state := "✅ 达标"
			switch {
			case t.TooFew:
				state = "⚪ 样本不足"
			case !t.Met:
				state = "❌ 未达标"
			}
			fmt.Fprintf(&b, "- %s：%s（目标 %s）%s", t.Name, t.Actual, t.Target, state)
			if !t.Met && !t.TooFew && t.Gap != "" {
				fmt.Fprintf(&b, "，差 %s", t.Gap)
			}
			b.WriteString("\n")
		}
	}
	if len(r.TopFindings) > 0 {
		b.WriteString("\n**主要问题**\n\n")
		for i, f := range r.TopFindings {
			if i == 5 {
				break
			}
			name := f.Name
			if name == "" {
				name = f.Code
			}
			fmt.Fprintf(&b, "%d. %s：%d 次\n", i+1, name, f.Count)
		}
	}
	if len(r.Bursts) > 0 {
		b.WriteString("\n**突发问题**\n\n")
		for _, s := range r.Bursts {
			fmt.Fprintf(&b, "- %s\n", oneLine(s, 120))
		}
	}
	if r.PromisesDue > 0 || r.PromisesUnkept > 0 {
		fmt.Fprintf(&b, "\n- **到期承诺**：今日到期 %d 条，到期未兑现 %d 条\n", r.PromisesDue, r.PromisesUnkept)
	}
	if r.ReportLink != "" {
		fmt.Fprintf(&b, "\n[查看完整报告](%s)\n", r.ReportLink)
	}
	return Message{Title: title, Markdown: b.String()}
}
