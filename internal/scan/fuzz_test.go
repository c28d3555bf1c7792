package scan_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"fullqa/internal/conversation"
)

// FuzzScan runs every detector, the engine and redaction over fuzzed
// conversations written in buildConv's language. `go test` runs the seed
// corpus in testdata/fuzz/FuzzScan (the shapes issue 11 names: 8+128,
// placeholders, full-width forms, emoji, invalid UTF-8, NUL, 100k-character
// messages, 10,000-message conversations, empty messages); scripts/fuzz.sh
// runs it for as long as asked.
func FuzzScan(f *testing.F) {
	f.Add("c:在吗\na:亲，今天一定给您发出")
	f.Add("!a:8+128\nc:买了x+1个")
	h := newHarness(f)
	f.Fuzz(func(t *testing.T, data string) {
		h.check(t, buildConv(data), fmt.Sprintf("input %q", clip(data)))
	})
}

// fragments are the pieces TestScanAdversarial builds messages from: the
// characters and words that have broken scanners before (digits mixed with
// + - . / : # @, placeholders whole and cut, full-width forms, emoji,
// invalid UTF-8, NUL, whitespace) and the words the detectors react to, so
// that their rarer branches are reached too.
var fragments = []string{
	"8+128", "512GB+12GB", "x+86", "vip+1", "+", "-", ".", "/", ":", "#", "@", "++", "+-", "1+", "+1",
	"13812345678", "+8613812345678", "010-12345678", "110101199003077578", "6222020200112233445",
	"12", "3", "0", "9999999999999999999999", "1.5", "1/2", "10:30", "#12", "a@b.cn", "_", "a_1+2",
	"[数字x]", "[金额x]", "[日期x]", "[时间x]", "[地址x]", "[姓名x]", "[数字x", "数字x]", "[", "]", "[]",
	"８＋１２８", "ＡＢＣ", "１３８１２３４５６７８", "，", "。", "！", "？", "　", "～", "、", "…",
	"😀", "👍🏻", "🇨🇳", "👨‍👩‍👧", "\u200b", "\ufeff", "\u202e",
	"\xff", "\xe4\xb8", "\xc0\x80", "\xed\xa0\x80", "\x00", "\t", " ", "\r\n", "&nbsp;", "&gt;", "&amp;",
	"帮您申请退款", "今天发货", "明天送达", "预计", "个工作日", "天内", "元", "块", "号", "点",
	"我们会为您", "已经", "一定", "保证", "不", "没", "不能", "可能", "是否", "请问", "吗", "?", "的话", "如果",
	"投诉", "差评", "12315", "不会给差评", "加微信", "好评返现", "最好", "白痴", "滚", "垃圾",
	"在吗", "人呢", "稍等", "正在为您查询", "好的", "谢谢", "怎么还没", "都三天了", "还没到",
	"退款", "补偿", "赔偿", "换货", "又", "第二次", "还是没解决", "北京市朝阳区建国路88号", "收货地址",
	"hello", "refund", "tomorrow", "will ship", "not", "we'll send you", "ASAP", "SB-200", "^SB",
	"switching to", "cancel my", "amazon prime", "membership", "never", "again", "@FCC", "@shopcare",
	"already filed", "how do I", "worst", "still waiting", "not the", "lost me as a customer",
	"chargeback", "I'm", "won't", "ご丁寧に",
	"了", "打了", "本来想", "要不是", "差点", "但是", "只能", "举报", "过",
	"淘宝介入", "申请介入", "之前就", "就", "来介入",
}

// TestScanAdversarial is the property run of the harness inside `go test`:
// a few hundred random conversations of random fragments and lengths,
// from a fixed seed so a failure repeats. FULLQA_HARNESS_N runs more and
// FULLQA_HARNESS_SEED another seed (scripts/fuzz.sh sets both).
func TestScanAdversarial(t *testing.T) {
	n, seed := 150, uint64(11)
	if v, err := strconv.Atoi(os.Getenv("FULLQA_HARNESS_N")); err == nil && v > 0 {
		n = v
	}
	if v, err := strconv.ParseUint(os.Getenv("FULLQA_HARNESS_SEED"), 10, 64); err == nil {
		seed = v
	}
	h := newHarness(t)
	rng := rand.New(rand.NewPCG(seed, 0))
	for k := range n {
		c := randomConv(rng)
		h.check(t, c, fmt.Sprintf("seed %d conversation %d (%s)", seed, k, describe(c)))
		if t.Failed() {
			return
		}
	}
}

// randomConv builds a conversation of up to 40 messages of random roles,
// each of up to 60 fragments; one in ten is long (a fragment repeated up
// to 3,000 times).
func randomConv(rng *rand.Rand) *conversation.Conversation {
	roles := []conversation.Role{conversation.RoleCustomer, conversation.RoleAgent, conversation.RoleAgent,
		conversation.RoleCustomer, conversation.RoleBot, conversation.RoleSystem}
	c := &conversation.Conversation{ID: "r"}
	n := rng.IntN(40)
	timed := rng.IntN(2) == 0
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	var b strings.Builder
	for range n {
		b.Reset()
		if rng.IntN(10) == 0 {
			b.WriteString(strings.Repeat(fragments[rng.IntN(len(fragments))], 1+rng.IntN(3000)))
		} else {
			for range rng.IntN(60) {
				b.WriteString(fragments[rng.IntN(len(fragments))])
			}
		}
		m := conversation.Message{Role: roles[rng.IntN(len(roles))], Text: b.String()}
		if m.Role == conversation.RoleAgent {
			m.Agent = "a1"
		}
		if timed { // mostly forward, now and then a step back
			at = at.Add(time.Duration(rng.IntN(4000)-300) * time.Second)
			m.At = at
		}
		c.Messages = append(c.Messages, m)
	}
	return c
}

// describe names a conversation's shape for a failure message.
func describe(c *conversation.Conversation) string {
	if len(c.Messages) == 0 {
		return "no messages"
	}
	return fmt.Sprintf("%d messages, first %q", len(c.Messages), clip(c.Messages[0].Text))
}
