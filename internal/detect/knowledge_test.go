package detect

import (
	"path/filepath"
	"testing"

	"fullqa/internal/conversation"
	"fullqa/internal/knowledge"
)

// exampleFacts loads the example shop's facts file, which the table cases
// are written against.
func exampleFacts(t testing.TB) *knowledge.Facts {
	t.Helper()
	f, err := knowledge.Load(filepath.Join("..", "..", "examples", "facts.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestKnowledgeTable runs testdata/knowledge.jsonl: one or more cases per
// kind of fact (periods, durations with qualifiers, clock, yes/no, choices,
// product amounts and sizes, unknown attributes, forbidden and required
// phrases, category and SKU overrides, shops) with the tricky negatives.
func TestKnowledgeTable(t *testing.T) {
	d := newKnowledgeDetector(exampleFacts(t), testLexicon(t))
	runTable(t, d, filepath.Join("testdata", "knowledge.jsonl"))
}

// TestKnowledgeWithoutFacts checks that no facts file means no findings.
func TestKnowledgeWithoutFacts(t *testing.T) {
	eng, err := NewEngine([]Detector{newKnowledgeDetector(nil, testLexicon(t))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &conversation.Conversation{ID: "x", Messages: []conversation.Message{
		{Role: conversation.RoleAgent, Text: "我们支持15天无理由退货，材质是纯棉的"}}}
	if _, out := eng.Inspect(c, nil); len(out.Findings) != 0 {
		t.Errorf("findings without facts: %+v", out.Findings)
	}
}

// TestKnowledgeEvidence checks that a contradiction names the agent's
// words, the fact and where the fact is defined.
func TestKnowledgeEvidence(t *testing.T) {
	eng, err := NewEngine([]Detector{newKnowledgeDetector(exampleFacts(t), testLexicon(t))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &conversation.Conversation{ID: "x", Messages: []conversation.Message{
		{Role: conversation.RoleAgent, Text: "我们支持15天无理由退货"}}}
	_, out := eng.Inspect(c, nil)
	if len(out.Findings) != 1 {
		t.Fatalf("want one finding, got %+v", out.Findings)
	}
	f := out.Findings[0]
	if f.Evidence != "我们支持15天无理由退货" || f.Data.Get("claimed") != "15天" || f.Data.Get("fact") != "7天" ||
		f.Data.Get("where") != filepath.Join("..", "..", "examples", "facts.yaml")+":6" {
		t.Errorf("evidence, claim, fact or place wrong: %+v", f)
	}
}

// FuzzKnowledge runs the detector over arbitrary agent text: it must not
// panic, and every finding must carry evidence.
func FuzzKnowledge(f *testing.F) {
	for _, s := range []string{"我们支持15天无理由退货", "下午5点前下单当天发货", "余额支付的3-5天到账", "尺码有xxl的",
		"电池是300mAh的", "不支持[数字x]天无理由", "拆封后就不能退了", "3天到5天送达", "十五天", "[数字x]-[数字x]5个工作日到账",
		"质量问题的话运费需要您自己承担", "默认发京东快递", "假一赔十", "半年质保", "7.5小时", "5g手机", "1点半前当天发"} {
		f.Add(s)
	}
	eng, err := NewEngine([]Detector{newKnowledgeDetector(exampleFacts(f), testLexicon(f))}, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := &conversation.Conversation{ID: "z", SKUs: []string{"7001", "5835261"}, Messages: []conversation.Message{
			{Role: conversation.RoleCustomer, Text: "退款"}, {Role: conversation.RoleAgent, Text: s}}}
		_, out := eng.Inspect(c, nil)
		for _, fd := range out.Findings {
			if len(fd.Messages) == 0 || fd.Evidence == "" {
				t.Errorf("finding without evidence: %+v", fd)
			}
		}
	})
}

// benchKnowledge inspects the JDDC dev chats with the detectors pick
// chooses from a registry configured with the facts written for them.
func benchKnowledge(b *testing.B, pick func([]Detector) []Detector) {
	convs := jddcConvs(b)
	facts, err := knowledge.Load(filepath.Join("..", "eval", "testdata", "jddc_facts.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Facts = facts
	eng, err := NewEngine(pick(Registry(cfg, testLexicon(b))), nil)
	if err != nil {
		b.Fatal(err)
	}
	var s Scratch
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		eng.Inspect(convs[i%len(convs)], &s)
	}
}

// BenchmarkKnowledgeOnly is the engine with the knowledge detector alone
// (normalisation and the matcher pass included), per JDDC conversation.
func BenchmarkKnowledgeOnly(b *testing.B) {
	benchKnowledge(b, func(all []Detector) []Detector {
		for _, d := range all {
			if d.Name() == "knowledge" {
				return []Detector{d}
			}
		}
		return nil
	})
}

// BenchmarkRegistryWithFacts is the whole registry with a facts file; set
// beside BenchmarkRegistry (no facts: the knowledge detector is silent and
// registers no words) it gives what checking facts adds per conversation.
func BenchmarkRegistryWithFacts(b *testing.B) {
	benchKnowledge(b, func(all []Detector) []Detector { return all })
}

// TestPromiseReadsFacts checks that promise.over_policy takes its limits
// from the facts file: 50 yuan of compensation is over the default 20, and
// within a file whose compensation.max is 50元.
func TestPromiseReadsFacts(t *testing.T) {
	facts, err := knowledge.Parse([]byte("policy: {compensation: {max: 50元}}\n"), "f.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c := &conversation.Conversation{ID: "p", Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "太慢了"},
		{Role: conversation.RoleAgent, Text: "这边给您补偿50元，实在抱歉"}}}
	for _, tc := range []struct {
		facts *knowledge.Facts
		want  bool
	}{{nil, true}, {facts, false}} {
		eng, err := NewEngine([]Detector{newPromiseDetector(DefaultPolicyConfig().withFacts(tc.facts), testLexicon(t))}, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, out := eng.Inspect(c, nil)
		got := false
		for _, f := range out.Findings {
			got = got || f.Code == "promise.over_policy"
		}
		if got != tc.want {
			t.Errorf("facts %v: over_policy %v, want %v (%+v)", tc.facts != nil, got, tc.want, out.Findings)
		}
	}
}

// TestKnowledgeLegacyLimit checks that a limit migrated from detect.policy
// is a maximum: a faster claim agrees with it, a slower one contradicts it.
func TestKnowledgeLegacyLimit(t *testing.T) {
	facts := knowledge.Empty()
	if err := facts.Adopt(knowledge.Legacy{Key: "shipping.dispatch", Value: "3天内", Where: "c.yaml:4"}); err != nil {
		t.Fatal(err)
	}
	eng, err := NewEngine([]Detector{newKnowledgeDetector(facts, testLexicon(t))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]bool{"我们48小时内发货": false, "一般5天内发货": true} {
		c := &conversation.Conversation{ID: "l", Messages: []conversation.Message{{Role: conversation.RoleAgent, Text: text}}}
		_, out := eng.Inspect(c, nil)
		got := len(out.Findings) == 1 && out.Findings[0].Code == "knowledge.contradiction"
		if got != want {
			t.Errorf("%s: contradiction %v, want %v (%+v)", text, got, want, out.Findings)
		}
	}
}
