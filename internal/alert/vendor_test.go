package alert

import (
	"strings"
	"testing"
)

func TestRenderVendorReport(t *testing.T) {
	ms := 86.5
	m := RenderVendorReport(VendorReport{Vendor: "v1", From: "2026-12-05", To: "2026-12-06", Conversations: 1200,
		Fatal: 2, MeanScore: &ms,
		Targets: []TargetLine{
			{Name: "首次响应时间", Actual: "42 秒", Target: "≤ 30 秒", Met: false, Gap: "12 秒"},
			{Name: "满意度", Actual: "100%", Target: "≥ 90%", TooFew: true},
			{Name: "3分钟响应率", Actual: "96%", Target: "≥ 95%", Met: true},
		},
		TopFindings: []CodeCount{{Code: "emotion.negative", Name: "客户负面情绪", Count: 31}},
		Bursts:      []string{"SKU 5835261 质量问题：今日 14 次，预期 2.1 次"},
		PromisesDue: 3, ReportLink: "http://127.0.0.1:8080/report?vendor=v1"})
	for _, want := range []string{"v1 质检报告 2026-12-05 至 2026-12-06", "会话量**：1200", "首次响应时间：42 秒（目标 ≤ 30 秒）❌ 未达标，差 12 秒",
		"满意度：100%（目标 ≥ 90%）⚪ 样本不足", "3分钟响应率：96%（目标 ≥ 95%）✅ 达标", "客户负面情绪：31 次",
		"SKU 5835261", "今日到期 3 条", "[查看完整报告](http://127.0.0.1:8080/report?vendor=v1)"} {
		if !strings.Contains(m.Markdown, want) {
			t.Errorf("digest lacks %q:\n%s", want, m.Markdown)
		}
	}
}
