package detect

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"fullqa/internal/conversation"
)

// TestEmbeddedPromiseWeights checks that the shipped learned scorer loads
// with the table size the features hash into, a threshold that is a
// probability, and the names of the sources it was trained on.
func TestEmbeddedPromiseWeights(t *testing.T) {
	m, err := loadPromiseModel()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.w) != 1<<PromiseBits {
		t.Errorf("%d weights, want %d", len(m.w), 1<<PromiseBits)
	}
	if !(m.threshold > 0 && m.threshold < 1) {
		t.Errorf("threshold %v is no probability", m.threshold)
	}
	if got := strings.Join(m.sources, ","); !strings.Contains(got, "jddc") || !strings.Contains(got, "uss") {
		t.Errorf("trained on %q, want at least jddc and uss named", got)
	}
	_, d := promiseEngine(t)
	if d.model == nil || d.model.threshold != m.threshold {
		t.Error("the detector does not carry the embedded scorer")
	}
}

// promiseFindings inspects one customer request and one agent reply and
// returns the promise.made findings.
func promiseFindings(eng *Engine, customer, agent string) []conversation.Finding {
	conv := &conversation.Conversation{ID: "t", Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: customer}, {Role: conversation.RoleAgent, Text: agent}, {Role: conversation.RoleCustomer, Text: "好的"}}}
	_, out := eng.Inspect(conv, nil)
	var fs []conversation.Finding
	for _, f := range out.Findings {
		if f.Code == "promise.made" {
			fs = append(fs, f)
		}
	}
	return fs
}

// TestPromiseLearnedDecision checks, with the shipped weights, what the
// README says of the learned decision: a policy timetable or a process run
// by others that the rules read as a commitment is not reported; a
// commitment the rules miss is, marked learned, with its score and the
// action word the rules can read as its slot; a commitment both agree on
// carries its score beside the rules' slot; English messages are the
// rules' alone and carry no score. The promise rules still read the
// vetoed messages (they feed the conflict checks).
func TestPromiseLearnedDecision(t *testing.T) {
	eng, d := promiseEngine(t)
	cases := []struct {
		name, customer, agent string
		rule                  bool           // the rules read a commitment
		made                  bool           // promise.made is reported
		learned               bool           // Data["learned"]
		slot                  map[string]any // nil: not checked
	}{
		{"policy timetable vetoed", "什么时候退款", "退款审核通过后一般1-3个工作日原路退回", true, false, false, nil},
		{"process by others vetoed", "坏了怎么办", "申请之后，等待京东售后处理服务单就可以的，一般是会电话或者短信联系您的", true, false, false, nil},
		{"shipping policy vetoed", "怎么还没发货", "您好，咱们是您支付成功后[数字x]-[数字x]天发货，一般配送是[数字x]-[数字x]天的哦", true, false, false, nil},
		{"learned-only promise", "能不能快点处理", "您请放心哦  会尽快处理哒", false, true, true, map[string]any{"action": "会尽快处理哒"}},
		{"both agree", "什么时候发", "今天下午给您安排发出", true, true, false, nil},
		{"a lookup is nothing", "在吗", "您好 请问有什么可以帮您", false, false, false, nil},
	}
	for _, c := range cases {
		conv := &conversation.Conversation{ID: "t", Messages: []conversation.Message{
			{Role: conversation.RoleCustomer, Text: c.customer}, {Role: conversation.RoleAgent, Text: c.agent}, {Role: conversation.RoleCustomer, Text: "好的"}}}
		in, _ := eng.Inspect(conv, nil)
		if got := len(d.rulePromises(in, 1, nil)) > 0; got != c.rule {
			t.Errorf("%s: rules read a commitment %v, want %v", c.name, got, c.rule)
		}
		fs := promiseFindings(eng, c.customer, c.agent)
		if (len(fs) > 0) != c.made {
			t.Errorf("%s: promise.made %v, want %v (%v)", c.name, len(fs) > 0, c.made, fs)
			continue
		}
		if !c.made {
			continue
		}
		data := fs[0].Data
		p, ok := data.Get("p").(float64)
		if !ok || float32(p) < d.model.threshold-0.001 || p > 1 {
			t.Errorf("%s: p %v, want a probability at or over %.3f", c.name, data.Get("p"), d.model.threshold)
		}
		if l, _ := data.Get("learned").(bool); l != c.learned {
			t.Errorf("%s: learned %v, want %v", c.name, data.Get("learned"), c.learned)
		}
		if c.slot != nil {
			slot, _ := slotMap(data.Get("slot"))
			for k, v := range c.slot {
				if slot[k] != v {
					t.Errorf("%s: slot %v, want %v", c.name, slot, c.slot)
					break
				}
			}
		}
	}
	// English: the rules decide, no score.
	fs := promiseFindings(eng, "where is my order", "We'll send you a replacement within 3-5 business days.")
	if len(fs) != 1 {
		t.Fatalf("English promise: %v", fs)
	}
	if _, ok := fs[0].Data.Lookup("p"); ok {
		t.Errorf("English promise carries a score: %v", fs[0].Data)
	}
}

// TestPromiseDecisionMechanics checks the decision with hand-set models,
// whatever the shipped weights say: a model that scores everything low
// vetoes every Chinese rule promise but keeps promise.over_policy (on the
// rules' reading) and the English rules; one that scores everything high
// reports every Chinese agent message, the ones the rules miss marked
// learned, with a duration, the action word or the first clause that says
// something as their slot (none when nothing is said).
func TestPromiseDecisionMechanics(t *testing.T) {
	eng, d := promiseEngine(t)
	shipped := d.model
	zero := new([1 << PromiseBits]int16)
	low := newPromiseModel(zero, shipped.scale, -20, shipped.threshold, shipped.sources, shipped.cues)
	high := newPromiseModel(zero, shipped.scale, 20, shipped.threshold, shipped.sources, shipped.cues)

	conv := &conversation.Conversation{ID: "t", Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "能补偿吗"},
		{Role: conversation.RoleAgent, Text: "这边给您补偿100元"},                 // rules: amount, over the 20元 policy
		{Role: conversation.RoleAgent, Text: "亲亲, 仓库那边很忙"},                 // rules: nothing, no action word
		{Role: conversation.RoleAgent, Text: "可以补发的哦"},                     // rules: nothing, an action word
		{Role: conversation.RoleAgent, Text: "We'll refund you tomorrow."}, // English
		{Role: conversation.RoleAgent, Text: "亲"},                          // says nothing
		{Role: conversation.RoleAgent, Text: "大概[数字x]个小时"},                 // rules: nothing, a duration
	}}
	findings := func() map[string]conversation.Finding {
		_, out := eng.Inspect(conv, nil)
		got := map[string]conversation.Finding{}
		for _, f := range out.Findings {
			got[f.Code+"@"+string(rune('0'+f.Messages[0]))] = f
		}
		return got
	}

	d.model = low
	got := findings()
	if _, ok := got["promise.over_policy@1"]; !ok {
		t.Errorf("low: over_policy lost with the vetoed promise: %v", got)
	}
	for _, k := range []string{"promise.made@1", "promise.made@2", "promise.made@3", "promise.made@5"} {
		if _, ok := got[k]; ok {
			t.Errorf("low: %s reported", k)
		}
	}
	if _, ok := got["promise.made@4"]; !ok {
		t.Errorf("low: the English promise is not the rules' alone: %v", got)
	}

	d.model = high
	got = findings()
	if f, ok := got["promise.made@1"]; !ok || f.Data.Get("learned") != nil || f.Data.Get("p") != 1.0 {
		t.Errorf("high: rule promise %v", f.Data)
	}
	if f := got["promise.made@2"]; f.Data.Get("learned") != true || slotMapOf(f.Data.Get("slot"))["action"] != "仓库那边很忙" {
		t.Errorf("high: learned-only without an action word: %v", f.Data)
	}
	if f := got["promise.made@3"]; slotMapOf(f.Data.Get("slot"))["verb"] != "补发" {
		t.Errorf("high: learned-only with an action word: %v", f.Data)
	}
	if f := got["promise.made@6"]; f.Data.Get("kind") != PromiseTime || slotMapOf(f.Data.Get("slot"))["within_hours"] != "[数字x]" {
		t.Errorf("high: learned-only with a duration: %v", f.Data)
	}
	if f, ok := got["promise.made@5"]; !ok || f.Data.Get("slot") != nil || strings.TrimSpace(f.Evidence) == "" {
		t.Errorf("high: a message saying nothing: %v, %+v", ok, f)
	}
	d.model = shipped
}

// TestPromiseScoreNoAlloc checks that the learned decision on a message
// the rules read nothing in, and that it scores under the threshold,
// allocates nothing: the features and their hits live on the stack.
func TestPromiseScoreNoAlloc(t *testing.T) {
	eng, d := promiseEngine(t)
	conv := &conversation.Conversation{ID: "t", Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "能帮我催一下吗, 都一个星期了"},
		{Role: conversation.RoleAgent, Text: "您好 请问有什么可以帮您的吗 这边看一下您的订单哦"},
	}}
	in, _ := eng.Inspect(conv, nil)
	var f promiseFeats
	var out Output
	allocs := testing.AllocsPerRun(100, func() {
		var st promiseState
		st.see(in, 0)
		d.decide(in, 1, isEnglish(in.Norm[1]), nil, &st, &f, &out)
	})
	if allocs != 0 || len(out.Findings) != 0 {
		t.Errorf("%v allocations, %d findings per message, want none", allocs, len(out.Findings))
	}
}

// BenchmarkPromiseLearned measures the promise detector over the JDDC dev
// chats with the rules alone and with the learned scorer deciding, per
// conversation (the difference is the scorer's cost; allocations too).
func BenchmarkPromiseLearned(b *testing.B) {
	for _, learned := range []bool{false, true} {
		name := "rules"
		if learned {
			name = "learned"
		}
		b.Run(name, func(b *testing.B) {
			benchEngine(b, func(all []Detector) []Detector {
				for _, det := range all {
					if pd, ok := det.(*promiseDetector); ok {
						return []Detector{&rulesOnlyPromise{pd, learned}}
					}
				}
				b.Fatal("no promise detector")
				return nil
			}, nil)
		})
	}
}

// rulesOnlyPromise is the promise detector with its learned scorer
// dropped after registration when learned is false.
type rulesOnlyPromise struct {
	*promiseDetector
	learned bool
}

func (r *rulesOnlyPromise) RegisterKeywords(k *Keywords) error {
	err := r.promiseDetector.RegisterKeywords(k)
	if !r.learned {
		r.model = nil
	}
	return err
}

// FuzzLearnedOnlyPromise runs every agent message of random chats through
// the learned-only path (a model that scores everything high), whose slot
// and evidence cut the text by byte offsets: no panic, message numbers in
// range, evidence and slot strings valid UTF-8, and the clause saysClause
// picks on a boundary of the text.
func FuzzLearnedOnlyPromise(f *testing.F) {
	for _, s := range []string{"可以补发的哦", "大概[数字x]个小时", "亲", "亲亲, 仓库那边很忙", "这边给您补偿100元", "\xff\xfe补发", "，，，。。。", "会在[数字x]天内给您回复吧 好的", strings.Repeat("帮您申请一下，", 200)} {
		f.Add("在吗", s)
	}
	eng, d := promiseEngine(f)
	d.model = newPromiseModel(new([1 << PromiseBits]int16), d.model.scale, 20, d.model.threshold, d.model.sources, d.model.cues)
	f.Fuzz(func(t *testing.T, customer, agent string) {
		if start, end := saysClause(agent); start < 0 || end < start || end > len(agent) ||
			(utf8.ValidString(agent) && end > start && (!utf8.RuneStart(agent[start]) || end < len(agent) && !utf8.RuneStart(agent[end]))) {
			t.Fatalf("saysClause(%q) = %d, %d", agent, start, end)
		}
		conv := &conversation.Conversation{ID: "f", Messages: []conversation.Message{
			{Role: conversation.RoleCustomer, Text: customer},
			{Role: conversation.RoleAgent, Text: agent},
			{Role: conversation.RoleCustomer, Text: agent},
			{Role: conversation.RoleAgent, Text: customer + agent},
		}}
		_, out := eng.Inspect(conv, nil)
		for _, fd := range out.Findings {
			for _, m := range fd.Messages {
				if m < 0 || m >= len(conv.Messages) {
					t.Fatalf("%s: message %d out of range", fd.Code, m)
				}
			}
			if !utf8.ValidString(fd.Evidence) && utf8.ValidString(customer+agent) {
				t.Fatalf("%s: evidence not valid UTF-8: %q", fd.Code, fd.Evidence)
			}
			if slot, ok := slotMap(fd.Data.Get("slot")); ok {
				for k, v := range slot {
					if s, isStr := v.(string); isStr && !utf8.ValidString(s) && utf8.ValidString(customer+agent) {
						t.Fatalf("%s: slot %s not valid UTF-8: %q", fd.Code, k, s)
					}
				}
			}
		}
	})
}

// TestPValue checks that the shared interface values of Data["p"] are
// the probabilities roundP gives, across the range and at its ends.
func TestPValue(t *testing.T) {
	for k := range 200001 {
		p := float32(k) / 200000
		if got, want := pValue(p), roundP(p); got != any(want) {
			t.Fatalf("pValue(%v) = %v, want %v", p, got, want)
		}
	}
}

// TestPromiseBelowLimit checks the bound the scorer stops by (see
// newPromiseModel): every float32 sum below logit(threshold) - 1/1024
// gives a probability under the threshold — each float32 value from
// there down over 2^22 units in the last place, then every 1/4096 to -64
// — and the bound itself lies under that limit by the margin of the
// float sums' roundings.
func TestPromiseBelowLimit(t *testing.T) {
	_, d := promiseEngine(t)
	m := d.model
	zLimit := math.Log(float64(m.threshold)/(1-float64(m.threshold))) - 1.0/1024
	if !(m.below < zLimit-0.01 && m.below > zLimit-0.2) {
		t.Fatalf("below %v, limit %v: want a margin of a few hundredths", m.below, zLimit)
	}
	z := float32(zLimit)
	if float64(z) >= zLimit {
		z = math.Nextafter32(z, float32(math.Inf(-1)))
	}
	for range 1 << 22 {
		if p := sigmoid(z); p >= m.threshold {
			t.Fatalf("sigmoid(%v) = %v, not under the threshold %v", z, p, m.threshold)
		}
		z = math.Nextafter32(z, float32(math.Inf(-1)))
	}
	for ; z > -64; z -= 1.0 / 4096 {
		if p := sigmoid(z); p >= m.threshold {
			t.Fatalf("sigmoid(%v) = %v, not under the threshold %v", z, p, m.threshold)
		}
	}
}
