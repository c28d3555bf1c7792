package detect

import (
	"slices"
	"strings"
	"testing"

	"fullqa/internal/conversation"
)

// sceneOf returns the engine's scene detector.
func sceneOf(t testing.TB, eng *Engine) *sceneDetector {
	t.Helper()
	for _, d := range eng.detectors {
		if sd, ok := d.(*sceneDetector); ok {
			return sd
		}
	}
	t.Fatal("no scene detector")
	return nil
}

// sceneEngine builds an engine of the scene detector alone with the given
// learned models in place of the embedded ones (nil: none).
func sceneEngine(t testing.TB, models [NumLearnedTags]*tagModel) *Engine {
	t.Helper()
	dets := []Detector{newSceneDetector(DefaultSensitiveConfig(), testLexicon(t))}
	LearnSceneTags(dets)
	eng, err := NewEngine(dets, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := sceneOf(t, eng)
	d.learn.models = models
	d.learn.any = false
	for _, m := range models {
		d.learn.any = d.learn.any || m != nil
	}
	return eng
}

// creakModel is a quality model that knows one thing: a customer's "咯吱"
// (a creak, in no rule list) is a defect.
func creakModel(mode uint8) *tagModel {
	m := &tagModel{w: make([]float32, 1<<SceneTagBits), bias: -1, threshold: 0.5, mode: mode}
	m.w[tagBucket(tagKey(tfCustBi, '咯', '吱'))] = 40
	return m
}

func chat(turns ...string) *conversation.Conversation {
	c := &conversation.Conversation{ID: "t"}
	for i, tx := range turns {
		r := conversation.RoleCustomer
		if i%2 == 1 {
			r = conversation.RoleAgent
		}
		c.Messages = append(c.Messages, conversation.Message{Role: r, Text: tx})
	}
	return c
}

func tagMsgs(out Output, name string) ([]int, bool) {
	for _, tg := range out.Tags {
		if tg.Name == name {
			return tg.Messages, true
		}
	}
	return nil, false
}

// TestLearnedTags checks how a shipped model's decision combines with the
// rules: rule-or adds a tag the rules miss, naming the messages that
// raised the score; a near miss stays untagged; a stacked model can drop
// a rule's tag, and with it the sensitive finding.
func TestLearnedTags(t *testing.T) {
	q := learnedIndex(SceneQuality)
	c := learnedIndex(SceneCompensation)
	var or [NumLearnedTags]*tagModel
	or[q] = creakModel(TagRuleOr)
	eng := sceneEngine(t, or)

	creak := chat("你好", "您好，请问有什么可以帮您", "柜门一开就咯吱咯吱的，才装好两天", "抱歉亲，给您安排师傅上门")
	if _, rules := sceneEngine(t, [NumLearnedTags]*tagModel{}).Inspect(creak, nil); len(rules.Tags) > 0 {
		t.Fatalf("the rules already tag the creak (%v): the case tests nothing", rules.Tags)
	}
	_, out := eng.Inspect(creak, nil)
	msgs, ok := tagMsgs(out, SceneQuality)
	if !ok || !slices.Equal(msgs, []int{2}) {
		t.Errorf("learned-only quality: got %v %v, want the creak message [2]", ok, msgs)
	}
	_, out = eng.Inspect(chat("柜门开关顺滑吗", "很顺滑的亲，用的是阻尼铰链"), nil)
	if _, ok := tagMsgs(out, SceneQuality); ok {
		t.Errorf("near miss tagged quality")
	}
	// The rules' own tag stays with rule-or, with the rules' evidence.
	_, out = eng.Inspect(chat("收到的杯子碎了", "抱歉亲，给您补发一个"), nil)
	if msgs, ok := tagMsgs(out, SceneQuality); !ok || !slices.Equal(msgs, []int{0}) {
		t.Errorf("rule quality under rule-or: got %v %v", ok, msgs)
	}

	var veto [NumLearnedTags]*tagModel
	veto[c] = &tagModel{w: make([]float32, 1<<SceneTagBits), bias: -5, threshold: 0.5, mode: TagStacked}
	comp := chat("东西坏了，你们要赔偿我", "抱歉亲，这边给您申请补偿")
	_, out = sceneEngine(t, [NumLearnedTags]*tagModel{}).Inspect(comp, nil)
	if _, ok := tagMsgs(out, SceneCompensation); !ok {
		t.Fatalf("the rules do not tag the compensation case: it tests nothing")
	}
	_, out = sceneEngine(t, veto).Inspect(comp, nil)
	if _, ok := tagMsgs(out, SceneCompensation); ok {
		t.Errorf("stacked veto: compensation still tagged")
	}
	for _, f := range out.Findings {
		if f.Code == "sensitive.compensation" {
			t.Errorf("stacked veto: sensitive.compensation still reported")
		}
	}
}

// TestSceneTagFeatures checks that the trainer sees the features the
// detector scores: the score summed from SceneTagFeatures' output equals
// the detector's own (streamed) score, and the rules' verdicts are
// reported.
func TestSceneTagFeatures(t *testing.T) {
	m := creakModel(TagRuleOr)
	for i := range m.w {
		m.w[i] += float32(i%7-3) / 100
	}
	var ms [NumLearnedTags]*tagModel
	ms[learnedIndex(SceneQuality)] = m
	eng := sceneEngine(t, ms)
	d := sceneOf(t, eng)
	c := chat("快递什么时候送到", "亲，预计明天送达", "柜门咯吱响", "给您登记售后")
	in, _ := eng.Inspect(c, nil)
	calls := 0
	ok := eng.SceneTagFeatures(in, func(rule [NumLearnedTags]bool, idx []uint32, val []float32) {
		calls++
		var z float32
		for k, b := range idx {
			z += m.w[b] * val[k]
		}
		tallies, first, _ := d.rules(in)
		s := tagSink{models: &d.learn.models}
		d.tagFeatures(in, &first, &tallies, &s)
		if got := s.z[learnedIndex(SceneQuality)]; diff(got, z) > 1e-3 {
			t.Errorf("streamed score %v, collected %v", got, z)
		}
		if !rule[learnedIndex(SceneLogistics)] {
			t.Errorf("rules' logistics verdict not reported: %v", rule)
		}
	})
	if !ok || calls != 1 {
		t.Fatalf("SceneTagFeatures reported %v and called fn %d times", ok, calls)
	}
	plain, err := NewEngine([]Detector{newSceneDetector(DefaultSensitiveConfig(), testLexicon(t))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if plain.SceneTagFeatures(in, func([NumLearnedTags]bool, []uint32, []float32) {}) {
		t.Errorf("an engine built without LearnSceneTags (and no model shipped) reported features")
	}
}

func diff(a, b float32) float32 {
	if a > b {
		return a - b
	}
	return b - a
}

// BenchmarkSceneLearned measures the scene detector over the JDDC dev
// chats with all three learned tags scored (dense random weights, so every
// path runs) against the rules alone; allocations must not grow with the
// models.
func BenchmarkSceneLearned(b *testing.B) {
	convs := jddcConvs(b)
	var dense [NumLearnedTags]*tagModel
	for t := range dense {
		m := &tagModel{w: make([]float32, 1<<SceneTagBits), bias: -2, threshold: 0.9, mode: TagStacked}
		for i := range m.w {
			m.w[i] = float32((i*7919+t)%13-6) / 20
		}
		dense[t] = m
	}
	for _, bc := range []struct {
		name   string
		models [NumLearnedTags]*tagModel
	}{{"rules", [NumLearnedTags]*tagModel{}}, {"learned", dense}} {
		b.Run(bc.name, func(b *testing.B) {
			eng := sceneEngine(b, bc.models)
			var s Scratch
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				eng.Inspect(convs[i%len(convs)], &s)
			}
		})
	}
}

// FuzzSceneLearned feeds arbitrary customer and agent text to the scene
// detector with three dense learned models: it must not panic, a tag's
// evidence must be messages of the chat, and the trainer's features must
// give the score the detector streams.
func FuzzSceneLearned(f *testing.F) {
	for _, s := range []string{"", "柜门咯吱咯吱响", "快递什么时候送到", "赔礼道歉", "\xff\xfe坏了", "[数字x]京豆补偿", strings.Repeat("漏水", 3000)} {
		f.Add(s, "抱歉亲，给您补发")
	}
	var dense [NumLearnedTags]*tagModel
	for t := range dense {
		m := &tagModel{w: make([]float32, 1<<SceneTagBits), bias: -1, threshold: 0.5, mode: uint8(1 + t%2)}
		for i := range m.w {
			m.w[i] = float32((i*7919+t)%13-6) / 20
		}
		dense[t] = m
	}
	eng := sceneEngine(f, dense)
	d := sceneOf(f, eng)
	f.Fuzz(func(t *testing.T, customer, agent string) {
		c := chat(customer, agent, customer)
		in, out := eng.Inspect(c, nil)
		for _, tg := range out.Tags {
			for _, m := range tg.Messages {
				if m < 0 || m >= len(c.Messages) {
					t.Fatalf("tag %s names message %d of %d", tg.Name, m, len(c.Messages))
				}
			}
		}
		eng.SceneTagFeatures(in, func(_ [NumLearnedTags]bool, idx []uint32, val []float32) {
			tallies, first, _ := d.rules(in)
			s := tagSink{models: &d.learn.models}
			d.tagFeatures(in, &first, &tallies, &s)
			for k, m := range dense {
				var z float32
				for j, b := range idx {
					z += m.w[b] * val[j]
				}
				if diff(z, s.z[k]) > 1e-2*max(1, diff(z, 0)) {
					t.Fatalf("model %d: collected %v, streamed %v", k, z, s.z[k])
				}
			}
		})
	})
}

// TestSceneTagScoreAllocs checks that scoring a conversation with the
// learned models allocates nothing, however long it is.
func TestSceneTagScoreAllocs(t *testing.T) {
	var ms [NumLearnedTags]*tagModel
	for k := range ms {
		ms[k] = creakModel(TagRuleOr)
	}
	eng := sceneEngine(t, ms)
	d := sceneOf(t, eng)
	turns := make([]string, 0, 200)
	for range 100 {
		turns = append(turns, "快递什么时候送到，柜门咯吱响", "抱歉亲，这边给您补发一个")
	}
	in, _ := eng.Inspect(chat(turns...), nil)
	tallies, first, _ := d.rules(in)
	if n := testing.AllocsPerRun(20, func() {
		s := tagSink{models: &d.learn.models}
		d.tagFeatures(in, &first, &tallies, &s)
	}); n != 0 {
		t.Errorf("scoring allocates %v times", n)
	}
}
