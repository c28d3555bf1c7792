package detect

import (
	"strings"
	"testing"

	"fullqa/internal/conversation"
)

// TestRepeatFeatures checks the learned restatement features on a
// hand-written chat: one call per customer message, in order, the rules'
// verdict taken from the loop.repeat finding, a restatement looking more
// like the earlier request than a new question does, and no allocation.
func TestRepeatFeatures(t *testing.T) {
	c := &conversation.Conversation{ID: "r1", Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "我的订单什么时候发货？"},
		{Role: conversation.RoleAgent, Text: "您好，请稍等，正在为您查询"},
		{Role: conversation.RoleCustomer, Text: "我的订单什么时候发货啊？"},
		{Role: conversation.RoleAgent, Text: "明天发货"},
		{Role: conversation.RoleCustomer, Text: "能开发票吗"},
	}}
	eng, in, out := inspected(t, c)
	var msgs []int
	var rules []bool
	var rs RepeatScratch
	eng.RepeatFeatures(in, &out, &rs, func(msg int, rule bool, idx []uint32, val []float32) {
		msgs = append(msgs, msg)
		rules = append(rules, rule)
		if len(idx) != len(val) || len(idx) == 0 {
			t.Errorf("message %d: %d indices, %d values", msg, len(idx), len(val))
		}
		for _, b := range idx {
			if b >= 1<<RepeatBits {
				t.Errorf("message %d: bucket %d out of the table", msg, b)
			}
		}
	})
	if len(msgs) != 3 || msgs[0] != 0 || msgs[1] != 2 || msgs[2] != 4 {
		t.Fatalf("features for messages %v, want [0 2 4]", msgs)
	}
	if rules[0] || !rules[1] || rules[2] {
		t.Errorf("rule verdicts %v, want [false true false] (findings %+v)", rules, out.Findings)
	}
	allocs := testing.AllocsPerRun(20, func() {
		eng.RepeatFeatures(in, &out, &rs, func(int, bool, []uint32, []float32) {})
	})
	if allocs != 0 {
		t.Errorf("RepeatFeatures allocates %.0f times a conversation, want 0", allocs)
	}
}

// inspected runs the default engine over c and returns the engine, the
// inspected input and the findings, for the restatement features' tests.
func inspected(t *testing.T, c *conversation.Conversation) (*Engine, *Input, Output) {
	t.Helper()
	eng, err := NewEngine(Registry(DefaultConfig(), testLexicon(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	var s Scratch
	in, out := eng.Inspect(c, &s)
	return eng, in, out
}

// BenchmarkRepeatFeatures measures the learned restatement features over
// the JDDC dev chats, per conversation, on top of an already inspected
// input (what the scorer would add to a scan; it must add no allocation).
func BenchmarkRepeatFeatures(b *testing.B) {
	convs := jddcConvs(b)
	eng, err := NewEngine(Registry(DefaultConfig(), testLexicon(b)), nil)
	if err != nil {
		b.Fatal(err)
	}
	convs = convs[:min(len(convs), 256)]
	ins := make([]*Input, len(convs))
	outs := make([]Output, len(convs))
	for i, c := range convs {
		ins[i], outs[i] = eng.Inspect(c, &Scratch{})
	}
	sum := 0
	var rs RepeatScratch
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % len(convs)
		eng.RepeatFeatures(ins[k], &outs[k], &rs, func(_ int, _ bool, idx []uint32, _ []float32) { sum += len(idx) })
	}
	_ = sum
}

// FuzzHasQuestionMark holds hasQuestionMark to strings.ContainsAny, which
// the trained features were computed with.
func FuzzHasQuestionMark(f *testing.F) {
	for _, s := range []string{"", "?", "？", "好的", "在吗？", "\xef\xbc", "a?b", "\xef\xbc\x9f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := hasQuestionMark(s), strings.ContainsAny(s, "?？"); got != want {
			t.Fatalf("hasQuestionMark(%q) = %v, want %v", s, got, want)
		}
	})
}

// TestRepeatGated: the gate the eighth comparison measured holds where
// the rules' own exclusions do — the first reply to the agent asking for
// something, a message going on from the customer's previous one with a
// connective, a statement that asks nothing — and nowhere else.
func TestRepeatGated(t *testing.T) {
	c := &conversation.Conversation{ID: "g1", Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "我的订单什么时候发货？"},    // 0: asks
		{Role: conversation.RoleAgent, Text: "请提供一下订单号"},          // asks for the order number
		{Role: conversation.RoleCustomer, Text: "订单号[订单x]什么时候发货"}, // 2: the first reply to the ask
		{Role: conversation.RoleAgent, Text: "正在为您查询"},
		{Role: conversation.RoleCustomer, Text: "订单已经付款了"},    // 4: asks nothing
		{Role: conversation.RoleCustomer, Text: "所以什么时候能发货呢"}, // 5: goes on from 4
		{Role: conversation.RoleAgent, Text: "明天发货"},
		{Role: conversation.RoleCustomer, Text: "到底什么时候发货？"}, // 7: asks again
		{Role: conversation.RoleAgent, Text: "明天一定发货"},
		{Role: conversation.RoleCustomer, Text: "我说的是发货的事情"}, // 9: marked as a restatement, no request word
		{Role: conversation.RoleAgent, Text: "请提供一下订单号"},
		{Role: conversation.RoleCustomer, Text: "好"},       // 11: the reply to the ask
		{Role: conversation.RoleCustomer, Text: "什么时候发货呢"}, // 12: a customer message came between
	}}
	eng, in, out := inspected(t, c)
	got := map[int]bool{}
	var rs RepeatScratch
	eng.RepeatFeaturesGated(in, &out, &rs, func(msg int, _, gated bool, _ []uint32, _ []float32) { got[msg] = gated })
	want := map[int]bool{0: false, 2: true, 4: true, 5: true, 7: false, 9: false, 11: true, 12: false}
	for msg, w := range want {
		if g, ok := got[msg]; !ok || g != w {
			t.Errorf("message %d: gated %v (read %v), want %v", msg, g, ok, w)
		}
	}
}

// TestRepeatExclusionsFeature: with Exclusions set every message gets one
// more feature, the bits of the exclusions that hold, and nothing else
// changes; without it the features are the eighth comparison's.
func TestRepeatExclusionsFeature(t *testing.T) {
	c := &conversation.Conversation{ID: "x1", Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "我的订单什么时候发货？"},
		{Role: conversation.RoleAgent, Text: "请提供一下订单号"},
		{Role: conversation.RoleCustomer, Text: "订单号[订单x]什么时候发货"},
		{Role: conversation.RoleAgent, Text: "正在为您查询"},
		{Role: conversation.RoleCustomer, Text: "订单已经付款了"},
	}}
	eng, in, out := inspected(t, c)
	read := func(ex bool) map[int][]uint32 {
		got := map[int][]uint32{}
		rs := RepeatScratch{Exclusions: ex}
		eng.RepeatFeaturesGated(in, &out, &rs, func(msg int, _, _ bool, idx []uint32, _ []float32) {
			got[msg] = append([]uint32(nil), idx...)
		})
		return got
	}
	plain, with := read(false), read(true)
	for msg, bits := range map[int]uint32{0: 0, 2: 1, 4: 4} {
		p, w := plain[msg], with[msg]
		if len(w) != len(p)+1 {
			t.Fatalf("message %d: %d features with the exclusions, %d without", msg, len(w), len(p))
		}
		for k := range p {
			if p[k] != w[k] {
				t.Fatalf("message %d: feature %d differs", msg, k)
			}
		}
		if want := featureIndex(rfExclusions, bits, 1<<62, RepeatBits); w[len(p)] != want {
			t.Errorf("message %d: last feature %d, want the exclusions' %d (bits %b)", msg, w[len(p)], want, bits)
		}
	}
}
