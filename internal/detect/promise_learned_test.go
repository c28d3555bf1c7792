package detect

import (
	"errors"
	"io/fs"
	"math"
	"math/bits"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"fullqa/internal/conversation"
	"fullqa/internal/ingest"
)

// promiseEngine is an engine of the promise detector alone.
func promiseEngine(t testing.TB) (*Engine, *promiseDetector) {
	d := newPromiseDetector(DefaultPolicyConfig(), testLexicon(t))
	eng, err := NewEngine([]Detector{d}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return eng, d
}

// hasFeature reports whether f holds feature (group, value).
func hasFeature(f *promiseFeats, group, value uint32) bool {
	var one promiseFeats
	one.add(group, value)
	for k := range f.n {
		if f.idx[k] == one.idx[0] {
			return true
		}
	}
	return false
}

// cueIndex is the feature value of cue word w.
func cueIndex(t *testing.T, w string) uint32 {
	for k, c := range promiseCues {
		if c == w {
			return uint32(k)
		}
	}
	t.Fatalf("%q is no promise cue", w)
	return 0
}

// TestPromiseFeaturesCues checks that the learned scorer sees what tells
// a commitment from the statements that look like one: hedges ("不一定能
// 保证"), conditions, policy timetables and processes run by others are
// cues beside the rules' verdict, and a commitment outside the rules' verb
// lists still shows its actor, aspect or time.
func TestPromiseFeaturesCues(t *testing.T) {
	eng, d := promiseEngine(t)
	cs := newCueScan()
	cases := []struct {
		customer, agent string
		rule            bool     // the rules read a commitment (today, right or wrong)
		cues            []string // cue words the features must hold
		question        bool     // the message is a question
	}{
		// A hedge the rules miss: they read a commitment to deliver.
		{"明天能到吗", "这边不一定能保证明天送到哦", true, []string{"不一定", "明天"}, false},
		{"什么时候退款", "退款一般[数字x]-[数字x]个工作日到账", true, []string{"一般", "个工作日", "]-[", "到账"}, false},
		// A process run by others, read by the rules as a commitment.
		{"怎么还没人联系我", "稍后会有专员和您联系的", true, []string{"稍后", "会有专员", "专员"}, false},
		{"能加急吗", "如果仓库有货的话, 这边帮您加急", false, []string{"如果", "的话", "加急", "帮您"}, false},
		{"多久能处理", "两小时内给您答复", true, []string{"小时内", "给您答复", "答复"}, false},
		// A commitment the rules' hedge list drops (试着 reads as 尝试).
		{"能帮我申请吗", "这边帮您试着申请一下", false, []string{"试着", "申请", "这边", "帮您"}, false},
		{"申请了吗", "已经给您申请了", true, []string{"已经", "申请了", "给您"}, false},
		{"我要换货", "这边帮您申请换货可以吗", true, []string{"可以吗", "申请"}, true},
	}
	for _, c := range cases {
		conv := &conversation.Conversation{ID: "t", Messages: []conversation.Message{
			{Role: conversation.RoleCustomer, Text: c.customer}, {Role: conversation.RoleAgent, Text: c.agent}}}
		in, _ := eng.Inspect(conv, nil)
		ps := d.rulePromises(in, 1, nil)
		if got := len(ps) > 0; got != c.rule {
			t.Errorf("%s: rules read a commitment %v, want %v", c.agent, got, c.rule)
		}
		var st promiseState
		st.see(in, 0)
		var f promiseFeats
		d.promiseFeatures(in, 1, ps, &st, &f, cs)
		rule := uint32(0)
		if c.rule {
			rule = 1
		}
		if !hasFeature(&f, pfRule, rule) {
			t.Errorf("%s: no rule-verdict feature %d", c.agent, rule)
		}
		for _, w := range c.cues {
			k := cueIndex(t, w)
			if !hasFeature(&f, pfCue, k) || !hasFeature(&f, pfRuleXCue, k<<1|rule) {
				t.Errorf("%s: cue %q missing", c.agent, w)
			}
		}
		for k, w := range promiseCues {
			if !strings.Contains(in.Norm[1], w) && hasFeature(&f, pfCue, uint32(k)) {
				t.Errorf("%s: cue %q present but not in the text", c.agent, w)
			}
		}
		if q := hasFeature(&f, pfQuestion, 2) || hasFeature(&f, pfQuestion, 1); q != c.question {
			t.Errorf("%s: question form %v, want %v", c.agent, q, c.question)
		}
		if !hasFeature(&f, pfPrevCust, 1) && !hasFeature(&f, pfPrevCust, 5) && !hasFeature(&f, pfPrevCust, 3) && !hasFeature(&f, pfPrevCust, 7) &&
			!hasFeature(&f, pfPrevCust, 13) && !hasFeature(&f, pfPrevCust, 15) && !hasFeature(&f, pfPrevCust, 9) && !hasFeature(&f, pfPrevCust, 11) {
			t.Errorf("%s: the customer turn before is not seen", c.agent)
		}
	}
}

// TestPromiseFeaturesTrainerView checks that PromiseFeatures gives one
// example per Chinese agent message, with the rules' verdict agreeing with
// the promise.made findings, and skips English ones (promise_en.go).
func TestPromiseFeaturesTrainerView(t *testing.T) {
	eng, _ := promiseEngine(t)
	conv := &conversation.Conversation{ID: "t", Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "什么时候发货"},
		{Role: conversation.RoleAgent, Text: "亲，今天给您发货"},
		{Role: conversation.RoleAgent, Text: "请问还有什么可以帮您的吗"},
		{Role: conversation.RoleAgent, Text: "We will send you a replacement tomorrow."},
		{Role: conversation.RoleCustomer, Text: "好的谢谢"},
	}}
	in, out := eng.Inspect(conv, nil)
	found := map[int]bool{}
	for _, f := range out.Findings {
		if f.Code == "promise.made" {
			found[f.Messages[0]] = true
		}
	}
	var s PromiseScratch
	var msgs []int
	eng.PromiseFeatures(in, &s, func(msg int, rule bool, idx []uint32, val []float32) {
		msgs = append(msgs, msg)
		if rule != found[msg] {
			t.Errorf("message %d: rule %v, finding %v", msg, rule, found[msg])
		}
		if len(idx) != len(val) || len(idx) == 0 {
			t.Errorf("message %d: %d indices, %d values", msg, len(idx), len(val))
		}
		for _, b := range idx {
			if b >= 1<<PromiseBits {
				t.Errorf("message %d: index %d outside the table", msg, b)
			}
		}
	})
	if len(msgs) != 2 || msgs[0] != 1 || msgs[1] != 2 {
		t.Errorf("examples for messages %v, want [1 2]", msgs)
	}
}

// TestPromiseFeaturesNoAlloc checks that computing the features of an
// agent message allocates nothing (the buffer lives on the stack, the
// state in the caller), so scoring could run on the scan's hot path.
func TestPromiseFeaturesNoAlloc(t *testing.T) {
	eng, d := promiseEngine(t)
	conv := &conversation.Conversation{ID: "t", Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "能帮我催一下吗, 都一个星期了"},
		{Role: conversation.RoleAgent, Text: "好的呢 这边帮您催促站点, 预计[数字x]-[数字x]个工作日送达, 如果有问题稍后会有专员和您联系的哦"},
		{Role: conversation.RoleCustomer, Text: "好的谢谢"},
	}}
	in, _ := eng.Inspect(conv, nil)
	ps := d.rulePromises(in, 1, nil)
	var f promiseFeats
	cs := newCueScan()
	allocs := testing.AllocsPerRun(100, func() {
		var st promiseState
		st.see(in, 0)
		d.promiseFeatures(in, 1, ps, &st, &f, cs)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per message, want 0", allocs)
	}
	if f.n < 20 {
		t.Errorf("only %d features", f.n)
	}
}

// FuzzPromiseFeatures feeds arbitrary agent text to the feature extractor:
// it must not panic and must stay within its buffer and table.
func FuzzPromiseFeatures(f *testing.F) {
	for _, s := range []string{"", "这边帮您申请", "[数字x]-[数字x]个工作日到账", "是的", "?", "已经给您申请了吗?", "\xff\xfe帮您"} {
		f.Add("能帮我申请吗", s)
	}
	eng, _ := promiseEngine(f)
	f.Fuzz(func(t *testing.T, customer, agent string) {
		conv := &conversation.Conversation{ID: "t", Messages: []conversation.Message{
			{Role: conversation.RoleCustomer, Text: customer}, {Role: conversation.RoleAgent, Text: agent}, {Role: conversation.RoleCustomer, Text: customer}}}
		in, _ := eng.Inspect(conv, nil)
		var s PromiseScratch
		eng.PromiseFeatures(in, &s, func(msg int, rule bool, idx []uint32, val []float32) {
			if len(idx) > maxPromiseFeats {
				t.Fatalf("%d features", len(idx))
			}
		})
	})
}

// BenchmarkPromiseFeatures measures the features of the JDDC dev chats'
// agent messages (after inspection), the cost scoring would add per
// conversation: the rules' second reading of each message and the
// features.
func BenchmarkPromiseFeatures(b *testing.B) {
	convs := jddcConvs(b)
	eng, _ := promiseEngine(b)
	// Every conversation keeps its own scratch, so its Input stays valid
	// and only the features are timed.
	sc := make([]Scratch, len(convs))
	ins := make([]*Input, len(convs))
	for k, c := range convs {
		ins[k], _ = eng.Inspect(c, &sc[k])
	}
	var s PromiseScratch
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		eng.PromiseFeatures(ins[i%len(ins)], &s, func(int, bool, []uint32, []float32) {})
	}
}

// jddcConvs reads the JDDC dev chats, skipping the benchmark when the
// shared data is absent.
func jddcConvs(b testing.TB) []*conversation.Conversation {
	path := filepath.Join("..", "..", "..", "shared", "data", "jddc", "jddc_dev.tsv")
	var convs []*conversation.Conversation
	err := ingest.ForEachInFile(path, ingest.Options{Format: ingest.FormatJDDC}, func(c *conversation.Conversation) error {
		convs = append(convs, c)
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		b.Skipf("shared data absent: %v", err)
	}
	if err != nil {
		b.Fatal(err)
	}
	return convs
}

// TestClassBitsMatchHas checks, on the JDDC dev chats, that the class
// features read from the presence bits (classBits) are those of a test per
// class with Input.Has, in the same order.
func TestClassBitsMatchHas(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the JDDC sample")
	}
	convs := jddcConvs(t)
	eng, d := promiseEngine(t)
	if !d.classBits.ok {
		t.Fatal("the promise classes do not fit the presence bits")
	}
	slow := *d
	slow.classBits.ok = false
	var sc Scratch
	var fast, want promiseFeats
	checked := 0
	for _, c := range convs {
		in, _ := eng.Inspect(c, &sc)
		var st1, st2 promiseState
		for i := range c.Messages {
			if c.Messages[i].Role == conversation.RoleAgent && !isEnglish(in.Norm[i]) {
				d.promiseFeatures(in, i, nil, &st1, &fast, d.model.cues)
				slow.promiseFeatures(in, i, nil, &st2, &want, d.model.cues)
				if !slices.Equal(fast.idx[:fast.n], want.idx[:want.n]) {
					t.Fatalf("%s message %d: features %v, by Has %v", c.ID, i, fast.idx[:fast.n], want.idx[:want.n])
				}
				checked++
			}
			st1.see(in, i)
			st2.see(in, i)
		}
	}
	if checked == 0 {
		t.Fatal("no agent message read")
	}
}

// TestPromiseIndex checks promiseIndex, which reads small values' indices
// from a table, against featureIndex for every group and the values
// around the table's end.
func TestPromiseIndex(t *testing.T) {
	for g := uint32(0); g <= pfEvent+2; g++ {
		for v := uint32(0); v < 300; v++ {
			for _, val := range []uint32{v, v << 8, ^v} {
				if got, want := promiseIndex(g, val), featureIndex(g, val, promiseSalt, PromiseBits); got != want {
					t.Fatalf("promiseIndex(%d, %d) = %d, want %d", g, val, got, want)
				}
			}
		}
	}
}

// TestGramIndex checks the n-grams' indices, whose hash starts from a
// key computed beforehand, against featureIndex on the first 65,536
// values, Chinese characters and the values' high bits.
func TestGramIndex(t *testing.T) {
	for _, g := range []struct {
		group uint32
		key   uint64
	}{{pfUni, uniKey}, {pfBi, biKey}, {pfTri, triKey}} {
		for v := uint32(0); v < 1<<16; v++ {
			for _, val := range []uint32{v, 0x4e00 + v, v << 16, ^v, v * 0x9E3779B1} {
				if got, want := gramIndex(g.key, val), featureIndex(g.group, val, promiseSalt, PromiseBits); got != want {
					t.Fatalf("gramIndex(group %d, %#x) = %d, want %d", g.group, val, got, want)
				}
			}
		}
	}
}

// FuzzGramIndex checks gramIndex against featureIndex on any value.
func FuzzGramIndex(f *testing.F) {
	f.Add(uint32(0x4e00))
	f.Add(^uint32(0))
	f.Fuzz(func(t *testing.T, v uint32) {
		for _, g := range []struct {
			group uint32
			key   uint64
		}{{pfUni, uniKey}, {pfBi, biKey}, {pfTri, triKey}} {
			if got, want := gramIndex(g.key, v), featureIndex(g.group, v, promiseSalt, PromiseBits); got != want {
				t.Fatalf("gramIndex(group %d, %#x) = %d, want %d", g.group, v, got, want)
			}
		}
	})
}

// TestPromiseGramsRolling checks promiseGrams (its trigram key rolled
// from one character to the next) and gramSteps (the sum of the
// n-grams' steps, the key rolled alike) against
// the n-grams' indices made one by one with uniIndex, biIndex and
// triIndex and their steps summed after, on random characters over the
// whole range utf8.MaxRune, every length up to past maxPromiseRunes.
func TestPromiseGramsRolling(t *testing.T) {
	m, err := loadPromiseModel()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	var buf [3 * maxPromiseRunes]uint32
	for it := range 3000 {
		rs := make([]rune, it%(maxPromiseRunes+10))
		for k := range rs {
			switch rng.IntN(3) {
			case 0:
				rs[k] = rune(rng.IntN(utf8.MaxRune + 1))
			case 1:
				rs[k] = utf8.MaxRune - rune(rng.IntN(4))
			default:
				rs[k] = 0x4e00 + rune(rng.IntN(0x5000))
			}
		}
		var want []uint32
		first := rs[:min(len(rs), maxPromiseRunes)]
		for k, r := range first {
			want = append(want, uniIndex(r))
			if k >= 1 {
				want = append(want, biIndex(first[k-1], r))
			}
			if k >= 2 {
				want = append(want, triIndex(first[k-2], first[k-1], r))
			}
		}
		wantSteps := 0
		for _, g := range want {
			wantSteps += int(m.w[g])
		}
		if n := promiseGrams(rs, &buf); !slices.Equal(buf[:n], want) {
			t.Fatalf("promiseGrams(%U): %d n-grams, want %d", rs, n, len(want))
		}
		if steps := gramSteps(rs, m.w, nil); steps != wantSteps {
			t.Fatalf("gramSteps(%U) = %d, want %d", rs, steps, wantSteps)
		}
		// The unigrams read from the table, for characters of the
		// plane.
		if !slices.ContainsFunc(rs, func(r rune) bool { return r >= 1<<16 }) {
			if steps := gramSteps(rs, m.w, m.uni); steps != wantSteps {
				t.Fatalf("gramSteps(%U, table) = %d, want %d", rs, steps, wantSteps)
			}
		}
	}
}

// triIndex is the table index of the trigram a, b, c, featureIndex(pfTri,
// nfMix(a<<42^b<<21^c), …) through gramIndex: the reference the rolled
// trigram keys of promiseGrams are held to.
func triIndex(a, b, c rune) uint32 {
	return gramIndex(triKey, uint32(nfMix(uint64(a)<<42^uint64(b)<<21^uint64(c))))
}

// TestUniSteps checks the unigram table against the hash it stands for:
// entry r is the step of uniIndex(r) in the weights, for every
// character of the Basic Multilingual Plane.
func TestUniSteps(t *testing.T) {
	m, err := loadPromiseModel()
	if err != nil {
		t.Fatal(err)
	}
	for r := range rune(1 << 16) {
		if got, want := m.uni[r], m.w[featureIndex(pfUni, uint32(r), promiseSalt, PromiseBits)]; got != want {
			t.Fatalf("uni[%U] = %d, want %d", r, got, want)
		}
	}
}

// gramsRef is the n-gram sums' reference: the indices promiseGrams
// writes for rs, their steps in w summed as integers (gramSteps') and
// their weights times v added to z in float32 in their order
// (gramsProb's, prob's over the indices).
func gramsRef(rs []rune, w *[1 << PromiseBits]int16, z, sc, v float32) (steps int, p float32) {
	var buf [3 * maxPromiseRunes]uint32
	for _, b := range buf[:promiseGrams(rs, &buf)] {
		steps += int(w[b])
		z += stepWeight(w[b], sc) * v
	}
	return steps, z
}

// checkGramSums checks gramSteps and gramsProb, with the unigram table
// where every character of rs lies in the plane and without it, against
// gramsRef: the same steps, the same float32 sum to the bit.
func checkGramSums(t *testing.T, m *promiseModel, rs []rune, z, v float32) {
	t.Helper()
	steps, p := gramsRef(rs, m.w, z, m.scale, v)
	wide := slices.ContainsFunc(rs[:min(len(rs), maxPromiseRunes)], func(r rune) bool { return uint32(r) >= 1<<16 })
	for _, uni := range []*uniTable{nil, m.uni} {
		if uni != nil && wide {
			continue
		}
		if got := gramSteps(rs, m.w, uni); got != steps {
			t.Fatalf("gramSteps(%U, table %v) = %d, want %d", rs, uni != nil, got, steps)
		}
		if got := gramsProb(z, rs, m.w, uni, m.scale, v); math.Float32bits(got) != math.Float32bits(p) {
			t.Fatalf("gramsProb(%U, table %v) = %v, want %v", rs, uni != nil, got, p)
		}
	}
}

// TestGramSumsMatchRef holds the n-gram sums (the unigrams read from
// the table, or hashed) to gramsRef on random characters of the plane
// and past it, every length up to past maxPromiseRunes.
func TestGramSumsMatchRef(t *testing.T) {
	m, err := loadPromiseModel()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for it := range 3000 {
		rs := make([]rune, it%(maxPromiseRunes+10))
		for k := range rs {
			switch rng.IntN(4) {
			case 0:
				rs[k] = rune(rng.IntN(1 << 16))
			case 1:
				if it%3 == 0 { // past the plane in a third of the texts
					rs[k] = rune(rng.IntN(utf8.MaxRune + 1))
				} else {
					rs[k] = 0xFFFF - rune(rng.IntN(4))
				}
			default:
				rs[k] = 0x4e00 + rune(rng.IntN(0x5000))
			}
		}
		checkGramSums(t, m, rs, rng.Float32()*4-2, rng.Float32())
	}
}

// FuzzGramSums checks the n-gram sums against gramsRef on the
// characters of fuzzed texts.
func FuzzGramSums(f *testing.F) {
	for _, s := range []string{"", "好", "好的", "这边帮您申请", "[数字x]-[数字x]个工作日到账", "\U0001F600帮您", "帮您\U0001F600", strings.Repeat("帮您申请尽量", 40)} {
		f.Add(s, float32(0.5), float32(0.25))
	}
	m, err := loadPromiseModel()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string, z, v float32) {
		checkGramSums(t, m, []rune(s), z, v)
	})
}

// messageFeaturesRef is messageFeatures as it was before the classes
// were read a byte of presence bits at a time (classBits.set) and the
// cues' and classes' features written in place: the classes a bit at a
// time, every feature by add or addIndex, the cues' indices hashed
// (featureIndex). TestMessageFeaturesMatchRef holds messageFeatures to it.
func (d *promiseDetector) messageFeaturesRef(in *Input, i int, ps []promise, f *promiseFeats, cs *cueScan) (yes uint32, runes int) {
	f.n, f.gramFrom, f.gramTo = 0, 0, 0
	s := in.Norm[i]
	f.add(pfBias, 0)
	rule := uint32(0)
	if len(ps) > 0 {
		rule = 1
	}
	f.add(pfRule, rule)
	for pk := range ps {
		p := &ps[pk]
		k := uint32(1)
		switch p.kind {
		case PromiseTime:
			k = 2
		case PromiseAmount:
			k = 3
		}
		if p.slot.isSet(slotConsent) {
			k = 4
		}
		f.add(pfKind, k)
		// Which reading of the rules fired: the slot's keys (a day, a
		// number of working days, a bare "when", a consent), the verb and
		// the event word, so the weights can learn which readings hold.
		for n := range slotFeatureKeys {
			key := slotKey(n)
			if !p.slot.isSet(key) {
				continue
			}
			f.add(pfSlotKey, k<<8|uint32(n))
			if key == slotVerb || key == slotEvent {
				if sv, ok := p.slot.stringOf(key); ok {
					if key == slotVerb {
						f.add(pfVerb, strHash(sv))
					} else {
						f.add(pfEvent, strHash(sv))
					}
				}
			}
		}
	}
	if in.present != nil && d.classBits.ok { // the message's presence bits, read once
		// The classes present, as bits in the classes' order, then
		// their features in that order.
		row := &in.present[i]
		var ks uint32
		for w := range presentWords {
			for m := row[w] & d.classBits.mask[w]; m != 0; m &= m - 1 {
				ks |= 1 << d.classBits.of[w<<6|bits.TrailingZeros64(m)]
			}
		}
		for ; ks != 0; ks &= ks - 1 {
			f.addIndex(d.classBits.index[bits.TrailingZeros32(ks)&31])
		}
	} else {
		for k, c := range &d.classes {
			if in.Has(i, c) {
				f.add(pfClass, uint32(k))
			}
		}
	}
	// The cues, each counted once, and the characters of the n-grams
	// (added last) are read in one pass over the message, into f's
	// buffers.
	cues, nr, runes, wide := cs.read(s, &f.cues, &f.rs, &f.more)
	f.nr, f.wide = nr, wide
	yi := false // whether 已 stands in s: a cue word, found by the pass
	for _, c := range cues {
		k := uint32(c)
		f.add(pfCue, k)
		f.add(pfRuleXCue, k<<1|rule&1)
		if c == cs.yi {
			yi = true
		}
	}
	// An actor right before an action verb, with or without a finished
	// aspect, whatever the rules' vetoes said.
	if in.may(i, d.action) {
		for _, h := range in.allHits(i) {
			if h.Class != d.action {
				continue
			}
			actors := cs.actors.has(s[backChars(s, int(h.Start), 4):h.Start])
			for m := actors & (1<<len(actorWords) - 1); m != 0; m &= m - 1 { // in the words' order
				f.add(pfActor, uint32(bits.TrailingZeros64(m)))
			}
			if after := s[h.End:]; strings.HasPrefix(after, "了") || strings.HasPrefix(after, "过") || strings.HasPrefix(after, "好") {
				f.add(pfDone, 0)
			}
			// Where 已 stands nowhere in s, it stands in no clause of it
			// (TestYiCue: the pass finds the character wherever its
			// bytes stand in valid UTF-8, as normalized text is).
			if yi && doneInClause(s, int(h.Start)) {
				f.add(pfDone, 1)
			}
		}
	}
	q := uint32(0)
	t := trimRightParticles(s)
	switch {
	case strings.HasSuffix(t, "?"):
		q = 1
	case strings.HasSuffix(t, "吗") || strings.HasSuffix(t, "么") || strings.HasSuffix(t, "嘛"):
		q = 2
	case d.questionMark >= 0 && uint(i) < uint(len(in.present)):
		// questionMarkBit's ok: the presence bit of "?" says whether s
		// holds one.
		if has, _ := d.questionMarkBit(in, i); has {
			q = 3
		}
	case strings.Contains(s, "?"):
		q = 3
	}
	f.add(pfQuestion, q)
	yes = affirm(s)
	f.add(pfAffirm, yes)
	return yes, runes
}

// checkMessageFeatures checks messageFeatures against messageFeaturesRef
// on agent message i of in: the same features in the same order, the
// same short yes, length and first characters.
func checkMessageFeatures(t *testing.T, d *promiseDetector, in *Input, i int, ps []promise, cs *cueScan) {
	t.Helper()
	var f, want promiseFeats
	yes, runes := d.messageFeatures(in, i, ps, &f, cs)
	wyes, wrunes := d.messageFeaturesRef(in, i, ps, &want, cs)
	if yes != wyes || runes != wrunes || f.nr != want.nr || !slices.Equal(f.idx[:f.n], want.idx[:want.n]) || !slices.Equal(f.chars(), want.chars()) {
		t.Fatalf("message %d (%q): features %v (yes %d, %d characters), the reference's %v (yes %d, %d characters)", i, in.Norm[i], f.idx[:f.n], yes, runes, want.idx[:want.n], wyes, wrunes)
	}
}

// messageFeatureTexts are agent texts for TestMessageFeaturesMatchRef and
// the seeds of FuzzMessageFeatures: cue words (and more of them than the
// buffer has room for), actors and action verbs, questions, classes of
// the rules.
var messageFeatureTexts = []string{"", "好的", "是的", "这边帮您申请", "[数字x]-[数字x]个工作日到账", "已经给您申请了吗?", "我这边马上帮您催促站点, 预计明天送达, 如果有问题稍后会有专员和您联系的哦",
	"不一定能保证, 尽量帮您加急", strings.Join(promiseCues[:], ""), strings.Join(promiseCues[:], "") + strings.Join(promiseCues[:], ","), strings.Repeat("帮您申请", 60), "\xff\xfe帮您", "退款已经给您审核通过了哦 如您想实时了解订单取\U0001F621消情况"}

// TestMessageFeaturesMatchRef checks messageFeatures against
// messageFeaturesRef on the engine of every detector (the promise
// classes' bits past the row's first word) and of the promise detector
// alone (in its first), with and without the rules' reading, on
// messageFeatureTexts, random texts of cue words and the rules' words,
// and the JDDC dev chats' agent messages.
func TestMessageFeaturesMatchRef(t *testing.T) {
	full, err := NewEngine(Registry(DefaultConfig(), testLexicon(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	alone, _ := promiseEngine(t)
	texts := slices.Clone(messageFeatureTexts)
	pieces := append(readPieces(), "帮您", "为您", "我会", "已经", "申请", "处理", "退款", "发货", "明天", "吗", "?", "不能", "一定", "如果", "保证", "[金额x]元")
	rng := rand.New(rand.NewPCG(21, 22))
	for range 2000 {
		texts = append(texts, pieceText(rng, pieces, rng.IntN(40)))
	}
	for _, eng := range []*Engine{full, alone} {
		d := detectorOf[*promiseDetector](eng)
		if !d.classBits.ok || d.classBits.first < 0 {
			t.Fatalf("the promise classes %v are not read a byte at a time", d.classes)
		}
		cs := d.model.cues
		for _, s := range texts {
			conv := &conversation.Conversation{ID: "t", Messages: []conversation.Message{
				{Role: conversation.RoleCustomer, Text: "能帮我申请吗"}, {Role: conversation.RoleAgent, Text: s}}}
			in, _ := eng.Inspect(conv, nil)
			checkMessageFeatures(t, d, in, 1, nil, cs)
			checkMessageFeatures(t, d, in, 1, d.rulePromises(in, 1, nil), cs)
		}
		if testing.Short() {
			continue
		}
		var sc Scratch
		for _, c := range jddcConvsOrNone(t) {
			in, _ := eng.Inspect(c, &sc)
			for i := range c.Messages {
				if c.Messages[i].Role == conversation.RoleAgent && !in.english(i) {
					checkMessageFeatures(t, d, in, i, d.rulePromises(in, i, nil), cs)
				}
			}
		}
	}
}

// FuzzMessageFeatures checks messageFeatures against messageFeaturesRef
// on fuzzed agent texts.
func FuzzMessageFeatures(f *testing.F) {
	for _, s := range messageFeatureTexts {
		f.Add(s)
	}
	eng, err := NewEngine(Registry(DefaultConfig(), testLexicon(f)), nil)
	if err != nil {
		f.Fatal(err)
	}
	d := detectorOf[*promiseDetector](eng)
	f.Fuzz(func(t *testing.T, s string) {
		conv := &conversation.Conversation{ID: "t", Messages: []conversation.Message{
			{Role: conversation.RoleCustomer, Text: "能帮我申请吗"}, {Role: conversation.RoleAgent, Text: s}}}
		in, _ := eng.Inspect(conv, nil)
		checkMessageFeatures(t, d, in, 1, nil, d.model.cues)
		checkMessageFeatures(t, d, in, 1, d.rulePromises(in, 1, nil), d.model.cues)
	})
}

// TestClassBitsSet checks classBits.set against a test of each class's
// bit, on classes of consecutive numbers in any order (read a byte at a
// time), across a word of the row, spread wider than 32 and anywhere
// (read a bit at a time), on rows of random, all and no bits.
func TestClassBitsSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	fast := 0
	for it := range 4000 {
		var classes [29]ClassID
		lo := ClassID(rng.IntN(presentWords*64 - 40))
		switch it % 4 {
		case 0, 1: // consecutive, in any order
			for k, p := range rng.Perm(len(classes)) {
				classes[k] = lo + ClassID(p)
			}
		case 2: // within forty of each other
			for k, p := range rng.Perm(40)[:len(classes)] {
				classes[k] = lo + ClassID(p)
			}
		default: // anywhere
			for k, p := range rng.Perm(presentWords * 64)[:len(classes)] {
				classes[k] = ClassID(p)
			}
		}
		cb := newClassBits(&classes)
		if !cb.ok {
			t.Fatalf("classes %v: not ok", classes)
		}
		if cb.first >= 0 {
			fast++
		}
		for r := range 20 {
			var row [presentWords]uint64
			for w := range row {
				switch r {
				case 0:
				case 1:
					row[w] = ^uint64(0)
				default:
					row[w] = rng.Uint64() & rng.Uint64()
				}
			}
			var want uint32
			for k, c := range classes {
				if row[c>>6]>>(c&63)&1 != 0 {
					want |= 1 << k
				}
			}
			if got := cb.set(&row); got != want {
				t.Fatalf("classes %v (first %d), row %x: set %b, want %b", classes, cb.first, row, got, want)
			}
		}
	}
	if fast == 0 {
		t.Fatal("no classes read a byte at a time")
	}
}
