package detect

import (
	"math"
	"math/rand/v2"
	"os"
	"regexp"
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
// rule || negProb >= threshold, and its probability against negProb's
// for every message it calls negative, on every scored customer message
// of the JDDC dev chats and examples/chats.jsonl, with the embedded
// scorer and random ones of random thresholds (decide reads in.neg).
func TestDecideMatchesProb(t *testing.T) {
	eng := defaultEngine(t)
	if eng.neg == nil {
		t.Skip("the binary carries no negative-emotion scorer")
	}
	d := detectorOf[*emotionDetector](eng)
	convs := exampleConvs(t)
	if !testing.Short() {
		convs = append(convs, jddcConvsOrNone(t)...)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	models := []*learnedNegative{eng.neg}
	for k := range 3 {
		m := randomNegative(uint64(20 + k))
		m.threshold = float32(rng.Float64())
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
				p := d.negProb(m, in, i, &ws1, &st1, &f1)
				want := rule || p >= m.threshold
				got, q := d.decide(in, i, rule, &ws2, &st2, &f2)
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
