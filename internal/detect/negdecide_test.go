package detect

import (
	"math"
	"math/rand/v2"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"fullqa/internal/conversation"
)

// checkZAtLeast checks zAtLeast(p) against the sigmoid on every float32
// within window steps of it and on n random float32 values (by their
// bits, so of every magnitude): below it the sigmoid is below p, from it
// on it reaches p.
func checkZAtLeast(t *testing.T, p float32, window int64, n int, rng *rand.Rand) {
	t.Helper()
	zm := zAtLeast(p)
	check := func(z float32) {
		if math.IsNaN(float64(z)) {
			return
		}
		if below, reached := z < zm, sigmoid(z) >= p; below == reached {
			t.Fatalf("threshold %v: zMin %v, z %v (sigmoid %v): below zMin %v, reaches %v", p, zm, z, sigmoid(z), below, reached)
		}
	}
	check(zm)
	check(float32(math.Inf(-1)))
	check(float32(math.Inf(1)))
	k := floatOrder(zm)
	lo, hi := max(k-window, floatOrder(float32(math.Inf(-1)))), min(k+window, floatOrder(float32(math.Inf(1))))
	for j := lo; j <= hi; j++ {
		check(orderFloat(j))
	}
	for range n {
		check(math.Float32frombits(rng.Uint32()))
	}
}

// TestZAtLeast checks zAtLeast against the sigmoid: every float32 within
// 2^20 steps of the answer and a million random ones, for the shipped
// scorer's threshold and some others, and fewer for random thresholds
// across (0, 1]; and -Inf for a threshold outside (0, 1] (every sum goes
// on to the sigmoid).
func TestZAtLeast(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 1))
	ps := []float32{0.5, 0.4635, 1, 0.999999, 1e-7, 1e-30, math.SmallestNonzeroFloat32, 0.9, 0.1, math.Nextafter32(0.5, 0), math.Nextafter32(0.5, 1)}
	if eng := defaultEngine(t); eng.neg != nil {
		ps = append([]float32{eng.neg.threshold}, ps...)
		if got, want := eng.neg.zMin, zAtLeast(eng.neg.threshold); math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("the engine's scorer's zMin %v, want %v", got, want)
		}
	}
	window, n := int64(1<<20), 1<<20
	if testing.Short() {
		window, n = 1<<14, 1<<14
	}
	for _, p := range ps {
		checkZAtLeast(t, p, window, n, rng)
	}
	for range 200 {
		checkZAtLeast(t, float32(rng.Float64()), 1<<10, 1<<10, rng)
	}
	for _, p := range []float32{0, -0.5, 1.5, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))} {
		if z := zAtLeast(p); !math.IsInf(float64(z), -1) {
			t.Fatalf("zAtLeast(%v) = %v, want -Inf", p, z)
		}
	}
	for _, z := range []float32{0, 1, -1, 1e-40, -1e-40, 3.4e38, -3.4e38, float32(math.Inf(1)), float32(math.Inf(-1))} {
		if got := orderFloat(floatOrder(z)); got != z {
			t.Fatalf("orderFloat(floatOrder(%v)) = %v", z, got)
		}
	}
}

// FuzzZAtLeast checks zAtLeast against the sigmoid on any threshold and
// sum. Run longer with go test -run xxx -fuzz FuzzZAtLeast
// ./internal/detect/.
func FuzzZAtLeast(f *testing.F) {
	f.Add(uint32(0x3eed5a3a), uint32(0xbe15930a))
	f.Add(math.Float32bits(0.5), uint32(0))
	f.Add(math.Float32bits(1), uint32(0x7f800000))
	f.Fuzz(func(t *testing.T, pb, zb uint32) {
		p, z := math.Float32frombits(pb), math.Float32frombits(zb)
		zm := zAtLeast(p)
		if math.IsNaN(float64(z)) {
			return
		}
		if below, reached := z < zm, sigmoid(z) >= p; below && reached || !below && !reached && p > 0 && p <= 1 {
			t.Fatalf("threshold %v: zMin %v, z %v (sigmoid %v): below zMin %v, reaches %v", p, zm, z, sigmoid(z), below, reached)
		}
	})
}

// TestDecideMatchesProb checks decide against the decision it replaced,
// rule || negProb >= threshold (stacked: the rules' weight added to the
// sum, and only a threat's verdict kept), and its probability against negProb's
// for every message it calls negative, on every scored customer message
// of the JDDC dev chats and examples/chats.jsonl, with the embedded
// scorer and random ones of random thresholds (decide reads in.neg).
func TestDecideMatchesProb(t *testing.T) {
	eng := defaultEngine(t)
	if eng.neg == nil {
		t.Skip("the binary carries no negative-emotion scorer")
	}
	d := detectorOf[*emotionDetector](eng)
	convs := withJDDC(t, exampleConvs(t))
	rng := rand.New(rand.NewPCG(3, 4))
	models := []*learnedNegative{eng.neg}
	for k := range 5 {
		m := randomNegative(uint64(20 + k))
		m.threshold = float32(rng.Float64())
		m.stacked = k >= 3 // the last two decide stacked
		models = append(models, m.withUni())
	}
	skipped, checked := 0, 0
	for _, m := range models {
		var sc Scratch
		for _, c := range convs {
			in, _ := eng.Inspect(c, &sc)
			in.neg = m
			var st1, st2 negState
			var ws1, ws2 waits
			var f1, f2 negFeats
			for i := range in.Conv.Messages {
				if in.Conv.Messages[i].Role != conversation.RoleCustomer || in.Emotion[i].Label == EmotionNone {
					continue
				}
				rule := d.negative(in, i, &ws1)
				d.negative(in, i, &ws2)
				// The reference: the rules, or the score; stacked, the
				// score with the rules' verdict as one more feature, or a
				// threat.
				z := d.negSum(m, in, i, &ws1, &st1, &f1)
				verdict := rule
				if m.stacked {
					if rule {
						z += m.wf[NegativeRuleBucket]
					}
					verdict = rule && d.threatens(in, i)
				}
				p := sigmoid(z)
				want := verdict || p >= m.threshold
				got, q := d.decide(in, i, rule, rule && d.threatens(in, i), &ws2, &st2, &f2)
				if got != want || got && math.Float32bits(q) != math.Float32bits(p) {
					t.Fatalf("%s message %d (rule %v): decide %v, %v; want %v, %v", c.ID, i, rule, got, q, want, p)
				}
				if q < 0 {
					skipped++
				}
				if f2.sumW != nil {
					t.Fatalf("%s message %d: decide left the buffer summing (sumW set)", c.ID, i)
				}
				st1.after(in, i, rule)
				st2.after(in, i, rule)
				checked++
			}
		}
	}
	if skipped == 0 || skipped == checked {
		t.Fatalf("%d of %d messages decided without the sigmoid: the test does not try both ways", skipped, checked)
	}
	t.Logf("%d messages, %d without the sigmoid", checked, skipped)
}

// leadingDotsRef is leadingDots as first written: the three prefixes
// compared for every text.
func leadingDotsRef(s string) bool {
	return strings.HasPrefix(s, "…") || strings.HasPrefix(s, "。。") || strings.HasPrefix(s, "..")
}

// leadingDotsSeeds are texts for leadingDots: each ellipsis, alone, cut
// short, and after other characters of its leads' blocks.
var leadingDotsSeeds = []string{"", ".", "..", "...好吧", "…", "……好吧", "。", "。。", "。。扣了呀", "。好", "\xe2\x80", "\xe3\x80\x82",
	"\xe3\x80\x82\xe3\x80", "\xe2\x80\xa5", "好…", "a..", " ..", "\u3001\u3001", "\u2025", "\xe4\xb8\x80", "?…"}

// TestLeadingDots checks leadingDots (its first byte tested inline)
// against leadingDotsRef on the seeds, and on every first byte before
// each ellipsis's bytes.
func TestLeadingDots(t *testing.T) {
	texts := append([]string(nil), leadingDotsSeeds...)
	for c := range 256 {
		for _, tail := range []string{"", "\x80\xa6", "\x80\x82\xe3\x80\x82", ".", "\x80\x82"} {
			texts = append(texts, string([]byte{byte(c)})+tail)
		}
	}
	for _, s := range texts {
		if got, want := leadingDots(s), leadingDotsRef(s); got != want {
			t.Fatalf("leadingDots(%q) = %v, want %v", s, got, want)
		}
	}
}

// FuzzLeadingDots checks leadingDots against leadingDotsRef on any text.
func FuzzLeadingDots(f *testing.F) {
	for _, s := range leadingDotsSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := leadingDots(s), leadingDotsRef(s); got != want {
			t.Fatalf("leadingDots(%q) = %v, want %v", s, got, want)
		}
	})
}

// TestClampNeg checks clampNeg against min(max(p, 1e-4), 1-1e-4) on the
// edges, signed zeros, infinities, NaN and random float32 probabilities
// and values.
func TestClampNeg(t *testing.T) {
	ps := []float64{0, math.Copysign(0, -1), 1e-4, math.Nextafter(1e-4, 0), math.Nextafter(1e-4, 1), 1 - 1e-4, math.Nextafter(1-1e-4, 0),
		math.Nextafter(1-1e-4, 2), 1, -1, 2, math.Inf(1), math.Inf(-1), math.NaN(), 0.5}
	rng := rand.New(rand.NewPCG(8, 9))
	for range 100000 {
		ps = append(ps, float64(rng.Float32()), float64(math.Float32frombits(rng.Uint32())))
	}
	for _, p := range ps {
		got, want := clampNeg(p), min(max(p, 1e-4), 1-1e-4)
		if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("clampNeg(%v) = %v, want %v", p, got, want)
		}
	}
}

// TestNegSignalsFit checks what signal's summing rests on: negSignals
// calls signal at most maxNegSignals times in its source (none in a
// loop: each makes one feature at most), makes no more features on the
// example chats, and makes its features by signal alone (no addIndex or
// add, which would count them).
func TestNegSignalsFit(t *testing.T) {
	src, err := os.ReadFile("negative.go")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	a := strings.Index(s, "\nfunc (d *emotionDetector) negSignals(")
	if a < 0 {
		t.Fatal("negSignals not found in negative.go")
	}
	body := s[a : a+strings.Index(s[a:], "\n}\n")]
	if n := strings.Count(body, "f.signal("); n == 0 || n > maxNegSignals {
		t.Fatalf("negSignals calls signal %d times, maxNegSignals is %d", n, maxNegSignals)
	}
	if strings.Contains(body, "f.addIndex(") || strings.Contains(body, "f.add(") || regexp.MustCompile(`\n\t+(for|goto)\b`).MatchString(body) {
		t.Fatal("negSignals adds a feature otherwise than by signal, or loops")
	}
	eng := defaultEngine(t)
	d := detectorOf[*emotionDetector](eng)
	var sc Scratch
	checked := 0
	for _, c := range exampleConvs(t) {
		in, _ := eng.Inspect(c, &sc)
		var st negState
		var ws waits
		var f negFeats
		for i := range in.Conv.Messages {
			if in.Conv.Messages[i].Role != conversation.RoleCustomer || in.Emotion[i].Label == EmotionNone {
				continue
			}
			rule := d.negative(in, i, &ws)
			d.negSignals(in, i, &ws, &st, &f)
			if f.n > maxNegSignals {
				t.Fatalf("%s message %d: %d signals, maxNegSignals %d", c.ID, i, f.n, maxNegSignals)
			}
			st.after(in, i, rule)
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no customer message")
	}
}

// gateTexts are customer messages after an agent's holding reply, and
// after the customer's own message, for TestGates: chases of bare marks
// and ellipses (first bytes '?', '.', E2, E3), presence checks, nudges,
// delays, and ordinary messages.
var gateTexts = []string{"?", "??", "。。。", "……", "...", "…好吧", "。。扣了呀", "在吗", "人呢???", "亲 在吗?", "有人吗", "在么?", "客服呢", "好了吗", "查到了吗 好了吗",
	"到现在还没送", "都六天了", "三天了还未到账", "我的快递到现在还没到", "你好", "好的", "谢谢", "", " ", "[数字x]", "ok", "这个能退吗", "。", "!"}

// gateConvs returns conversations of gateTexts: each after an agent's
// holding reply, and each after a customer message of content.
func gateConvs() []*conversation.Conversation {
	var convs []*conversation.Conversation
	for k, s := range gateTexts {
		hold := &conversation.Conversation{ID: "gate-hold-" + strconv.Itoa(k), Messages: []conversation.Message{
			{Role: conversation.RoleCustomer, Text: "我的订单什么时候发货"},
			{Role: conversation.RoleAgent, Text: "请稍等，正在为您查询"},
			{Role: conversation.RoleCustomer, Text: s}}}
		own := &conversation.Conversation{ID: "gate-own-" + strconv.Itoa(k), Messages: []conversation.Message{
			{Role: conversation.RoleAgent, Text: "您好，请问有什么可以帮您"},
			{Role: conversation.RoleCustomer, Text: "这个能退吗"},
			{Role: conversation.RoleCustomer, Text: s}}}
		convs = append(convs, hold, own)
	}
	return convs
}

// TestGates checks the tests inlined before delayed, presenceOnly and
// chased (mayDelay, mayPresence, mayChase): where one is false, delay,
// onlyPresence (and presenceOnly) and chase are false; and those inlined
// before waits' firstTerm of a refusal (its presence bit) and
// endFeatures' fillerOnly (hanFirst, which no filler passes), on every message
// of the example and JDDC chats and of gateConvs; and that each of the
// three answers true somewhere (of chase, both for a message opening
// with a byte up to E3 and for one that does not), so that the test
// reaches what the gates pass.
func TestGates(t *testing.T) {
	eng := defaultEngine(t)
	d := detectorOf[*emotionDetector](eng)
	convs := withJDDC(t, append(exampleConvs(t), gateConvs()...))
	var delays, presences, chasesLow, chasesHigh int
	var sc Scratch
	for _, c := range convs {
		in, _ := eng.Inspect(c, &sc)
		var ws waits
		for i := range in.Conv.Messages {
			if _, refused := in.firstTerm(i, d.refusal); refused && !in.may(i, d.refusal.words) {
				t.Fatalf("%s message %d: a refusal without its presence bit", c.ID, i)
			}
			if in.Conv.Messages[i].Role != conversation.RoleCustomer {
				continue
			}
			norm := in.Norm[i]
			delay, presence, chase := d.delay(in, i), d.onlyPresence(in, i), d.chase(in, i, &ws)
			kept := d.presenceOnly(in, i, &ws)
			if !d.mayDelay(in, i) && delay || !d.mayPresence(in, i) && (presence || kept) || !d.mayChase(in, i, norm) && chase {
				t.Fatalf("%s message %d %q: mayDelay %v delay %v, mayPresence %v presence %v (kept %v), mayChase %v chase %v", c.ID, i, norm,
					d.mayDelay(in, i), delay, d.mayPresence(in, i), presence, kept, d.mayChase(in, i, norm), chase)
			}
			if hanFirst(norm) && isFillerOnly(norm) {
				t.Fatalf("%s message %d %q: hanFirst, but filler only", c.ID, i, norm)
			}
			delays += int(b2u(delay))
			presences += int(b2u(presence))
			if chase && norm != "" && norm[0] <= 0xE3 {
				chasesLow++
			} else if chase {
				chasesHigh++
			}
		}
	}
	if delays == 0 || presences == 0 || chasesLow == 0 || chasesHigh == 0 {
		t.Fatalf("delays %d, presence checks %d, chases opening up to E3 %d and past it %d: each should be some", delays, presences, chasesLow, chasesHigh)
	}
}

// waitsRef is emotionDetector.waits as first written: every agent
// message of the turn asked for a refusal (firstTerm) until one is found,
// with no test of its presence bit before the call.
func waitsRef(d *emotionDetector, in *Input) []wait {
	msgs := in.Conv.Messages
	out := make([]wait, len(msgs))
	var run wait
	for i := range msgs {
		out[i] = run
		switch {
		case agentSide(msgs[i].Role):
			if i == 0 || !agentSide(msgs[i-1].Role) {
				run = wait{replied: true}
			}
			run.held = run.held || in.Has(i, d.hold)
			if !run.refused {
				_, run.refused = in.firstTerm(i, d.refusal)
			}
		case !run.waiting && msgs[i].Role == conversation.RoleCustomer:
			c, g := d.content(in, i)
			out[i].greet = g
			run.waiting = c
		}
	}
	return out
}

// TestWaitsMatchesRef checks waits against waitsRef on the example and
// JDDC chats and gateConvs, with agent refusals among them.
func TestWaitsMatchesRef(t *testing.T) {
	eng := defaultEngine(t)
	d := detectorOf[*emotionDetector](eng)
	convs := append(exampleConvs(t), gateConvs()...)
	for k, s := range []string{"这个不支持退货", "抱歉，无法为您操作", "好的"} {
		convs = append(convs, &conversation.Conversation{ID: "refusal-" + strconv.Itoa(k), Messages: []conversation.Message{
			{Role: conversation.RoleCustomer, Text: "能退吗"}, {Role: conversation.RoleAgent, Text: s}, {Role: conversation.RoleAgent, Text: "请稍等"},
			{Role: conversation.RoleCustomer, Text: "?"}}})
	}
	convs = withJDDC(t, convs)
	var sc Scratch
	refused := 0
	for _, c := range convs {
		in, _ := eng.Inspect(c, &sc)
		want := waitsRef(d, in)
		got := d.waits(in)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s message %d: wait %+v, want %+v", c.ID, i, got[i], want[i])
			}
			refused += int(b2u(want[i].refused))
		}
	}
	if refused == 0 {
		t.Fatal("no message after a refusal")
	}
}

// TestEndFeaturesFiller checks endFeatures' choice of the customer's last
// message with content, which tests fillerOnly's first test (hanFirst)
// inline: a last message opening with ASCII, or with a character below
// U+4000, is the one whose unigrams the features hold, and a filler-only
// last message is passed over.
func TestEndFeaturesFiller(t *testing.T) {
	eng := defaultEngine(t)
	for _, tc := range []struct {
		last string
		uni  rune // a character of the message the unigrams must be of
	}{{"ok 谢谢", 'o'}, {"[订单x] 还没到", '['}, {"。。好吧", '吧'}, {"好的 谢谢", '谢'}, {"??", '问'}, {"#E-s[数字x]", '问'}} {
		c := &conversation.Conversation{ID: "filler", Messages: []conversation.Message{
			{Role: conversation.RoleCustomer, Text: "问一下"}, {Role: conversation.RoleAgent, Text: "您好"},
			{Role: conversation.RoleCustomer, Text: tc.last}}}
		var sc Scratch
		in, out := eng.Inspect(c, &sc)
		found, called := false, false
		eng.EndingFeatures(in, &out, func(why int, idx []uint32, val []float32) {
			called = true
			want := featureIndex(efC0Uni, uint32(tc.uni), 0, EndingBits)
			for _, x := range idx {
				found = found || x == want
			}
		})
		if called && !found {
			t.Fatalf("last message %q: no unigram of %q among the ending features", tc.last, tc.uni)
		}
		if !called {
			t.Fatalf("last message %q: no ending features", tc.last)
		}
	}
}
