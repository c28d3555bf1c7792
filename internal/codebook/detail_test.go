package codebook

import (
	"testing"
	"unicode"
)

// TestDetailZH: the detectors' English detail templates read in Chinese,
// with their values kept; English readers and unknown details get the
// detail as written.
func TestDetailZH(t *testing.T) {
	for in, want := range map[string]string{
		"negative emotion 0.55":                                                                                                   "负面情绪 0.55",
		"negative emotion rose from 0.29 to 0.96":                                                                                 "负面情绪从 0.29 升至 0.96",
		"first human reply after 1m10s (target 30s)":                                                                              "首次人工回复用时 1m10s（目标 30s）",
		"answered after 1h35m, beyond the 1h00m limit":                                                                            "1h35m 后才回复，超过 1h00m 上限",
		"customer threatens escalation: 投诉":                                                                                       "客户扬言：投诉",
		"customer threatens escalation (learned, p=0.71): 微博":                                                                     "客户扬言（模型判断 0.71）：微博",
		"compensation of 50 yuan exceeds the 20 yuan an agent may grant":                                                          "补偿 50 元，超过客服可自行给予的 20 元",
		"the agent first said  it can be done, now the opposite":                                                                  "客服先说可以，后又说不行",
		"the agent first said not it can be done, now the opposite":                                                               "客服先说不行，后又说可以",
		"agent message shows the customer's 手机号、地址 (mobile, address) in full":                                                     "客服消息完整显示了客户的手机号、地址",
		"refund scene handled against the required steps: agent never acknowledged or apologised; agent refused without a reason": "退款场景未按规定步骤处理：未致歉或安抚；拒绝时未说明理由",
		"the chat ends unresolved (ending classifier, p=0.71)":                                                                    "会话以未解决结束（结束方式模型给出的未解决概率 0.71）",
		"the chat ends unresolved (ending classifier, p=0.37); the customer's last question gets no answer":                       "会话以未解决结束（结束方式模型给出的未解决概率 0.37）；客户最后的问题没有得到回答",
		"something new a detector says":                                                                                           "something new a detector says",
		"必说话术缺失 退款: …":                                                                                                            "必说话术缺失 退款: …",
	} {
		if got := Detail(in, ZH); got != want {
			t.Errorf("Detail(%q) = %q, want %q", in, got, want)
		}
		if got := Detail(in, EN); got != in {
			t.Errorf("EN: %q changed to %q", in, got)
		}
	}
	// Every Chinese template is Chinese.
	for _, d := range detailsZH {
		han := false
		for _, r := range d.zh {
			han = han || unicode.Is(unicode.Han, r)
		}
		if !han {
			t.Errorf("template %q has no Chinese", d.zh)
		}
	}
}
