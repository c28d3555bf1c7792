package detect

import (
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"fullqa/internal/conversation"
)

// TestPromiseSlots checks the structured values that later follow-up
// analysis relies on, as the rules read them (the learned scorer off, so
// that a reading it vetoes, a policy timetable, still shows its slot).
func TestPromiseSlots(t *testing.T) {
	d := newPromiseDetector(DefaultPolicyConfig(), testLexicon(t))
	eng, err := NewEngine([]Detector{d}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d.model = nil
	cases := []struct {
		text string
		kind string
		slot map[string]any
	}{
		{"亲，今天给您发货", PromiseTime, map[string]any{"days": 0, "event": "发货"}},
		{"预计三个工作日内寄出", PromiseTime, map[string]any{"within_workdays": 3, "event": "寄出"}},
		{"专员会在24小时内回电", PromiseTime, map[string]any{"within_hours": 24, "event": "回电"}},
		{"预计[数字x]个工作日到账", PromiseTime, map[string]any{"within_workdays": "[数字x]", "event": "到账"}},
		{"这边给您补偿5元", PromiseAmount, map[string]any{"verb": "补偿", "object": "5元", "yuan": 5.0, "benefit": "补偿"}},
		{"这边帮您补录订单", PromiseAction, map[string]any{"verb": "补录", "object": "订单"}},
		{"一般3-5个工作日哦", PromiseTime, map[string]any{"within_workdays": 5, "event": "个工作日"}},
		{"请您取消订单 补您10元差价", PromiseAmount, map[string]any{"benefit": "补您", "yuan": 10.0}},
		{"24小时内给您答复", PromiseTime, map[string]any{"within_hours": 24, "event": "答复"}},
		{"好的呢 会尽快帮您出库的", PromiseAction, map[string]any{"verb": "出库", "object": ""}},
		{"订单预计[数字x]月[数字x]日送达", PromiseTime, map[string]any{"date": "预计[数字x]月[数字x]日", "event": "送达"}},
		{"这边一周内发货哦", PromiseTime, map[string]any{"within_weeks": 1, "event": "发货"}},
		{"尽快为您安排发货", PromiseAction, map[string]any{"verb": "安排", "object": "发货"}},
		{"比价价保成功 [金额x]", PromiseAmount, map[string]any{"benefit": "价保成功", "yuan": "[金额x]"}},
		{"应价保 = 12元", PromiseAmount, map[string]any{"benefit": "应价保", "yuan": 12.0}},
		// English (promise_en.go).
		{"Sorry about that! We'll send you a replacement within 3-5 business days.", PromiseTime, map[string]any{"event": "send", "within_workdays": 5}},
		{"@115712 I've escalated this to our billing team. ^JD", PromiseAction, map[string]any{"verb": "escalated", "object": "this to our"}},
		{"We’ve added a $20 credit to your account.", PromiseAmount, map[string]any{"benefit": "added", "amount": 20.0, "currency": "USD"}},
		{"Thanks, a specialist will call you tomorrow.", PromiseTime, map[string]any{"event": "call", "when": "tomorrow"}},
		{"Are you able to send us your email by DM please &amp; we will get back to you shortly", "", nil},
	}
	for _, c := range cases {
		conv := &conversation.Conversation{ID: "t", Messages: []conversation.Message{{Role: conversation.RoleAgent, Text: c.text}}}
		_, out := eng.Inspect(conv, nil)
		if c.kind == "" {
			if len(out.Findings) > 0 {
				t.Errorf("%s: want no promise, got %v", c.text, out.Findings)
			}
			continue
		}
		if len(out.Findings) == 0 || out.Findings[0].Code != "promise.made" {
			t.Errorf("%s: no promise.made (got %v)", c.text, out.Findings)
			continue
		}
		d := out.Findings[0].Data
		if slot, _ := slotMap(d.Get("slot")); d.Get("kind") != c.kind || !reflect.DeepEqual(slot, c.slot) {
			t.Errorf("%s: got kind %v slot %v, want %s %v", c.text, d.Get("kind"), d.Get("slot"), c.kind, c.slot)
		}
	}
}

// TestPromiseOnce checks that a verb reached from two actor words ("这边"
// and "帮您" before 联系) is one commitment in the finding's data.
func TestPromiseOnce(t *testing.T) {
	eng, err := NewEngine([]Detector{newPromiseDetector(DefaultPolicyConfig(), testLexicon(t))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	conv := &conversation.Conversation{ID: "t", Messages: []conversation.Message{{Role: conversation.RoleAgent, Text: "这边帮您联系站点"}}}
	_, out := eng.Inspect(conv, nil)
	if len(out.Findings) != 1 {
		t.Fatalf("got %v", out.Findings)
	}
	if ps, ok := out.Findings[0].Data.Lookup("promises"); ok {
		t.Errorf("one commitment listed as several: %v", ps)
	}
}

// TestConfigYAML checks that the example config parses, keeps defaults for
// keys it leaves out, and validates.
func TestConfigYAML(t *testing.T) {
	b, err := os.ReadFile("../../examples/fullqa.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Detect Config `yaml:"detect"`
	}
	doc.Detect = DefaultConfig()
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(doc.Detect.Loop, DefaultLoopConfig()) || doc.Detect.Policy.MaxShipDays != 3 {
		t.Errorf("example config differs from the defaults: %+v", doc.Detect)
	}
	if err := doc.Detect.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := DefaultConfig()
	bad.Loop.Similarity = 2
	if bad.Validate() == nil {
		t.Error("similarity 2 accepted")
	}
	bad = DefaultConfig()
	bad.Policy.MaxShipDays = -1
	if bad.Validate() == nil {
		t.Error("negative max_ship_days accepted")
	}
}

// signature is a whole message's bigram signature, nothing skipped.
func signature(s string) sig {
	_, g := contentScan(s, nil)
	return g
}

// TestSignatureSimilarity checks the near-duplicate measure on restatements.
func TestSignatureSimilarity(t *testing.T) {
	a, b, c := signature("我的订单什么时候能发货"), signature("我的订单什么时候能发货啊"), signature("这个手机支持快充吗")
	if j := jaccard(&a, &b); j < 0.8 {
		t.Errorf("near duplicates: jaccard %.2f", j)
	}
	if j := jaccard(&a, &c); j > 0.2 {
		t.Errorf("different questions: jaccard %.2f", j)
	}
}

// negatedFromRef is negatedFrom as it was before a message without a
// negation word (its presence bit) skipped the window's bounds and hits.
func (d *promiseDetector) negatedFromRef(in *Input, i int, pos, to, cs0 int32) bool {
	cs := max(cs0, int32(backChars(in.Norm[i], int(pos), 4)))
	if endsWithIf(in.Norm[i], int(cs0)) {
		return true
	}
	for _, h := range in.touching(i, cs, to) {
		if h.Class == d.neg && h.End > cs && h.Start < to && !(h.End <= pos && closes(in.Norm[i][h.End:pos])) && !aNotA(in.Norm[i], h) {
			return true
		}
	}
	return false
}

// rulesConvs are the chats the rules' shortcuts are checked on: the JDDC
// dev chats (where present), the examples and agent messages of
// negations, conditions and actors.
func rulesConvs(t *testing.T) []*conversation.Conversation {
	convs := append(jddcConvsOrNone(t), exampleConvs(t)...)
	for k, s := range []string{"不能帮您申请", "可以的话, 帮您申请", "这边没有办法给您退款", "帮您申请不了", "我会尽快帮您处理的", "已经给您申请了, [数字x]-[数字x]个工作日到账",
		"不是不能退, 这边帮您申请", "如果可以的话我给您催促一下", "[数字x]小时内给您答复", "无法保证明天送达"} {
		convs = append(convs, &conversation.Conversation{ID: string(rune('a' + k)), Messages: []conversation.Message{
			{Role: conversation.RoleCustomer, Text: "能帮我申请吗"}, {Role: conversation.RoleAgent, Text: s}}})
	}
	return convs
}

// TestNegatedFromMatchesRef holds negatedFrom to negatedFromRef at every
// hit of every agent message of rulesConvs, from the hit's clause, the
// message's start and the hit itself, with the engine of every detector
// and of the promise detector alone.
func TestNegatedFromMatchesRef(t *testing.T) {
	eachAgentHit(t, func(d *promiseDetector, c *conversation.Conversation, in *Input, i int, s string, h KeywordHit) {
		for _, cs0 := range []int32{int32(clauseStart(s, int(h.Start))), 0, h.Start} {
			for _, to := range []int32{h.Start, h.End + 6} {
				if got, want := d.negatedFrom(in, i, h.Start, to, cs0), d.negatedFromRef(in, i, h.Start, to, cs0); got != want {
					t.Fatalf("%s message %d %q: negatedFrom(%d, %d, %d) %v, want %v", c.ID, i, s, h.Start, to, cs0, got, want)
				}
			}
		}
	})
}

// eachAgentHit calls check at every hit of every agent message of
// rulesConvs, with the engine of every detector and of the promise
// detector alone (whose matchers register different words), and fails
// the test when there was no hit to check.
func eachAgentHit(t *testing.T, check func(d *promiseDetector, c *conversation.Conversation, in *Input, i int, s string, h KeywordHit)) {
	t.Helper()
	full, err := NewEngine(Registry(DefaultConfig(), testLexicon(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	alone, _ := promiseEngine(t)
	convs := rulesConvs(t)
	checked := 0
	for _, eng := range []*Engine{full, alone} {
		d := detectorOf[*promiseDetector](eng)
		var sc Scratch
		for _, c := range convs {
			in, _ := eng.Inspect(c, &sc)
			for i := range c.Messages {
				if c.Messages[i].Role != conversation.RoleAgent {
					continue
				}
				for _, h := range in.Hits[i] {
					check(d, c, in, i, in.Norm[i], h)
					checked++
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("nothing checked")
	}
}

// TestExtractClassTables checks extract's tables of the classes it reads
// (extractOf, a byte a class, and extractWord, the one word of the
// presence row holding them) against extracts, its bits, and extract
// against itself with the row read a word at a time (extractWord -1), on
// rulesConvs.
func TestExtractClassTables(t *testing.T) {
	full, err := NewEngine(Registry(DefaultConfig(), testLexicon(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	alone, _ := promiseEngine(t)
	convs := rulesConvs(t)
	for _, eng := range []*Engine{full, alone} {
		d := detectorOf[*promiseDetector](eng)
		for c := range 256 {
			if got, want := d.extractOf[c], d.extracts[c>>6]&(1<<(c&63)) != 0; got != want {
				t.Fatalf("extractOf[%d] %v, want %v", c, got, want)
			}
		}
		if d.extractWord < 0 {
			t.Fatalf("the classes extract reads lie in more than one word: %x", d.extracts)
		}
		for w, m := range d.extracts {
			if (m != 0) != (w == d.extractWord) {
				t.Fatalf("extractWord %d, extracts %x", d.extractWord, d.extracts)
			}
		}
		byWords := *d
		byWords.extractWord = -1
		var sc Scratch
		var got, want []promise
		for _, c := range convs {
			in, _ := eng.Inspect(c, &sc)
			for i := range c.Messages {
				if c.Messages[i].Role == conversation.RoleAgent {
					got, want = d.extract(in, i, got[:0]), byWords.extract(in, i, want[:0])
					if len(got) != len(want) || len(want) > 0 && !reflect.DeepEqual(got, want) {
						t.Fatalf("%s message %d: extract %+v, by words %+v", c.ID, i, got, want)
					}
				}
			}
		}
	}
}

// lookupInRef, objectOfRef, timeNextRef and timetableAtRef are the
// rules' readers as they were before each first asked the presence bits
// whether the message holds the classes it walks the hits for.
func (d *promiseDetector) lookupInRef(in *Input, i int, from, to int32) bool {
	s := in.Norm[i]
	for _, h := range in.touching(i, from, to) {
		if h.Class == d.not && h.Start < to && h.End > from {
			if m := s[h.Start:h.End]; strings.Contains(m, "查") || strings.Contains(m, "核实") {
				return true
			}
		}
	}
	return false
}
func (d *promiseDetector) objectOfRef(in *Input, i int, start int32) bool {
	before := in.Norm[i][:start]
	for _, p := range [...]string{"和", "跟", "与", "给", "让", "向", "找", "问"} {
		if strings.HasSuffix(before, p) {
			return true
		}
	}
	for _, a := range in.near(i, start-6, start) {
		if a.Class == d.action && a.End <= start && start-a.End <= 6 && sameClause(in.Norm[i], int(a.End), int(start)) {
			return true
		}
	}
	return false
}
func (d *promiseDetector) timeNextRef(in *Input, i int, pos int32) bool {
	if numberNext(in.Norm[i][pos:]) {
		return true
	}
	for _, h := range in.startingIn(i, pos, pos) {
		if (h.Class == d.timeW || h.Class == d.subject) && h.Start == pos {
			return true
		}
	}
	return false
}
func (d *promiseDetector) timetableAtRef(in *Input, i int, h KeywordHit, c *hitClause) bool {
	s := in.Norm[i]
	from := int32(-1)
	for _, c := range in.near(i, h.Start-36, h.Start) {
		if c.Class == d.condition && c.End <= h.Start && h.Start-c.End <= 36 {
			from = c.Start
		}
	}
	if from < 0 && unitWord(s[h.Start:h.End]) != "" {
		from = int32(afterEvent(s, max(c.startOf(), backChars(s, int(h.Start), 12)), int(h.Start)))
	}
	if from < 0 {
		return false
	}
	end := int32(c.endOf())
	for _, o := range in.near(i, from, end) {
		if o.Start >= from && o.End <= end && (o.Class == d.subject || o.Class == d.timeW && s[o.Start:o.End] == "预计") {
			return false
		}
	}
	return true
}

// TestRuleGatesMatchRef holds lookupIn, objectOf, timeNext and
// timetableAt to their references at every hit of every agent message of
// rulesConvs (lookupIn and timeNext also at its end, timetableAt with the
// clause from the hit), with the engine of every detector and of the
// promise detector alone.
func TestRuleGatesMatchRef(t *testing.T) {
	eachAgentHit(t, func(d *promiseDetector, c *conversation.Conversation, in *Input, i int, s string, h KeywordHit) {
		for _, to := range []int32{h.End, h.End + 12, int32(len(s))} {
			if got, want := d.lookupIn(in, i, h.Start, to), d.lookupInRef(in, i, h.Start, to); got != want {
				t.Fatalf("%s message %d %q: lookupIn(%d, %d) %v, want %v", c.ID, i, s, h.Start, to, got, want)
			}
		}
		for _, p := range []int32{h.Start, h.End} {
			if got, want := d.objectOf(in, i, p), d.objectOfRef(in, i, p); got != want {
				t.Fatalf("%s message %d %q: objectOf(%d) %v, want %v", c.ID, i, s, p, got, want)
			}
			if got, want := d.timeNext(in, i, p), d.timeNextRef(in, i, p); got != want {
				t.Fatalf("%s message %d %q: timeNext(%d) %v, want %v", c.ID, i, s, p, got, want)
			}
		}
		c1, c2 := newHitClause(s, h.Start, h.End), newHitClause(s, h.Start, h.End)
		if got, want := d.timetableAt(in, i, h, &c1), d.timetableAtRef(in, i, h, &c2); got != want {
			t.Fatalf("%s message %d %q: timetableAt(%v) %v, want %v", c.ID, i, s, h, got, want)
		}
	})
}

// customerActsRef is customerActs as it was, each word compared by
// strings.HasSuffix: TestCustomerActsMatchesRef's reference.
func customerActsRef(s string, start int) bool {
	b := s[:start]
	for range 2 { // "您之前已经联系过"
		// Most texts end with none of the adverbs' last bytes: one bit
		// test skips the comparisons.
		if len(b) == 0 || customerAdvLast[b[len(b)-1]>>6]&(1<<(b[len(b)-1]&63)) == 0 {
			break
		}
		for _, adv := range customerAdvs {
			if strings.HasSuffix(b, adv) {
				b = b[:len(b)-len(adv)]
				break
			}
		}
	}
	if !strings.HasSuffix(b, "您") && !strings.HasSuffix(b, "你") {
		return false
	}
	b = b[:len(b)-len("您")] // 您 and 你 are both three bytes
	for _, p := range [...]string{"帮", "为", "给", "替", "和", "与", "跟", "向"} {
		if strings.HasSuffix(b, p) {
			return false
		}
	}
	return true
}

// TestCustomerActsMatchesRef holds customerActs to customerActsRef at
// every byte of random texts of its words, their halves and others,
// and FuzzCustomerActs on fuzzed ones.
func TestCustomerActsMatchesRef(t *testing.T) {
	pieces := append(customerAdvs[:len(customerAdvs):len(customerAdvs)], "您", "你", "帮", "为", "给", "替", "和", "与", "跟", "向", "经", "前", "才", "刚", "边", "之", "这",
		"申请", "a", " ", ",", "[数字x]", "\xe5", "\xb2", "\U0001F600")
	rng := rand.New(rand.NewPCG(41, 42))
	for range 20000 {
		checkCustomerActs(t, pieceText(rng, pieces, rng.IntN(8)))
	}
}

func checkCustomerActs(t *testing.T, s string) {
	t.Helper()
	for k := 0; k <= len(s); k++ {
		if got, want := customerActs(s, k), customerActsRef(s, k); got != want {
			t.Fatalf("customerActs(%q, %d) = %v, want %v", s, k, got, want)
		}
	}
}

// FuzzCustomerActs holds customerActs to customerActsRef at every byte
// of fuzzed texts.
func FuzzCustomerActs(f *testing.F) {
	for _, s := range []string{"", "您已经申请", "帮您之前已经", "您刚刚联系", "你这边也", "[数字x]您是"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkCustomerActs(t, s) })
}
