package detect

import (
	"math"
	"strings"
	"testing"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
)

// BenchmarkPromiseInspect measures the promise detector alone — rules,
// learned score, findings and conflict checks — per JDDC dev conversation,
// on Inputs the full registry prepared beforehand (normalization, the
// shared matcher's hits): the detector's own share of a scan's cost and
// allocations, without the engine's.
func BenchmarkPromiseInspect(b *testing.B) {
	benchDetectorAlone(b, nil, func(d Detector) bool { _, ok := d.(*promiseDetector); return ok })
}

// TestPromiseScoreMatchesTrainerView checks, on the JDDC dev chats, that
// the detector's learned decision on every Chinese agent message is what
// classify.Linear.Prob gives over the features the trainer sees
// (PromiseFeatures), and its probability, where it reaches the threshold,
// the same to the bit: the scorer's shortcuts (its early stop, the
// customer's features read last, buffers kept between messages) must not
// change a decision or a printed probability. It checks the same with
// the shipped weights under other biases, which put the threshold
// amid the scores, where the early stop's bound is tightest.
func TestPromiseScoreMatchesTrainerView(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the JDDC sample")
	}
	convs := jddcConvs(t)
	eng, d := promiseEngine(t)
	shipped := d.model
	defer func() { d.model = shipped }()
	for _, shift := range []float32{0, 1, 2, 3, 4, 5, 6, -2} {
		d.model = newPromiseModel(shipped.w, shipped.scale, shipped.bias+shift, shipped.threshold, shipped.sources, shipped.cues)
		// The float32 table the weights file decodes to, not the scorer's
		// int16 steps: the reference the scorer's sums must match.
		lin, err := classify.DecodeLinear(embeddedPromise)
		if err != nil {
			t.Fatal(err)
		}
		lin.Bias += shift
		checked, reached := 0, 0
		for _, c := range convs {
			n, r := checkScoresMatchTrainerView(t, eng, d, lin, c)
			checked, reached = checked+n, reached+r
		}
		if checked == 0 || reached == 0 || reached == checked {
			t.Fatalf("bias %+v: %d agent messages scored, %d reach the threshold", shift, checked, reached)
		}
	}
}

// checkScoresMatchTrainerView checks, on conversation c, that the
// detector's learned decision on every Chinese agent message is what
// classify.Linear.Prob gives over the features the trainer sees, and its
// probability, where it reaches the threshold, the same to the bit, as
// is the probability the scorer's exact sum (prob over promiseFeatures)
// gives every message; it returns how many messages it compared and how
// many reached the threshold.
func checkScoresMatchTrainerView(t testing.TB, eng *Engine, d *promiseDetector, lin *classify.Linear, c *conversation.Conversation) (checked, reached int) {
	t.Helper()
	var sc Scratch
	var ps PromiseScratch
	in, _ := eng.Inspect(c, &sc)
	var want []float32
	eng.PromiseFeatures(in, &ps, func(msg int, rule bool, idx []uint32, val []float32) {
		want = append(want, lin.Prob(idx, val))
	})
	var st, exactSt promiseState
	var f, exact promiseFeats
	var rs []promise
	m := d.model
	for i := range c.Messages {
		if c.Messages[i].Role == conversation.RoleAgent && !isEnglish(in.Norm[i]) {
			rs = d.rulePromises(in, i, rs[:0])
			w := want[checked]
			got, reaches := d.score(in, i, rs, &st, &f)
			if reaches != (w >= m.threshold) || reaches && math.Float32bits(got) != math.Float32bits(w) {
				t.Fatalf("%s message %d (%q): score %v (reaches %v), trainer's view %v, threshold %v", c.ID, i, in.Norm[i], got, reaches, w, m.threshold)
			}
			d.promiseFeatures(in, i, rs, &exactSt, &exact, m.cues)
			if p := m.prob(&exact, nil, exact.gramFrom); math.Float32bits(p) != math.Float32bits(w) {
				t.Fatalf("%s message %d (%q): exact score %v, trainer's view %v", c.ID, i, in.Norm[i], p, w)
			}
			// The n-grams' steps the early stop sums (the unigrams read
			// from the table but past the plane), those of the
			// trainer's n-grams where none was cut.
			if exact.gramTo-exact.gramFrom == gramCount(exact.nr) {
				steps := 0
				for _, b := range exact.idx[exact.gramFrom:exact.gramTo] {
					steps += int(m.w[b])
				}
				if got := m.gramSteps(&f); got != steps {
					t.Fatalf("%s message %d (%q): n-grams' steps %d, the trainer's n-grams' %d", c.ID, i, in.Norm[i], got, steps)
				}
			}
			checked++
			if reaches {
				reached++
			}
		}
		st.see(in, i)
		exactSt.see(in, i)
	}
	return checked, reached
}

// FuzzPromiseScoreMatchesTrainerView checks the scorer (its early stop,
// the n-grams written in place or cut) against the trainer's view on any
// agent text, long ones full of cue words included, where the feature
// buffer has no room for every n-gram, with the shipped bias and one that
// puts the threshold amid the scores.
func FuzzPromiseScoreMatchesTrainerView(f *testing.F) {
	long := strings.Join(promiseCues[:], "") // more cue features than the buffer leaves the n-grams room for
	for _, s := range []string{"", "好", "好的", "这边帮您申请", "[数字x]-[数字x]个工作日到账", "\xff\xfe帮您", "\U0001F600帮您申请", "退款已经给您审核通过了哦 如您想实时了解订单取\U0001F621消情况", long, long + "帮您申请", strings.Repeat("帮您", 200)} {
		f.Add("能帮我申请吗", s, false)
		f.Add("能帮我申请吗", s, true)
	}
	eng, d := promiseEngine(f)
	shipped := d.model
	shifted := newPromiseModel(shipped.w, shipped.scale, shipped.bias+3, shipped.threshold, shipped.sources, shipped.cues)
	lin, err := classify.DecodeLinear(embeddedPromise)
	if err != nil {
		f.Fatal(err)
	}
	linShifted := *lin
	linShifted.Bias += 3
	f.Fuzz(func(t *testing.T, customer, agent string, shift bool) {
		c := &conversation.Conversation{ID: "t", Messages: []conversation.Message{
			{Role: conversation.RoleCustomer, Text: customer}, {Role: conversation.RoleAgent, Text: agent},
			{Role: conversation.RoleAgent, Text: customer + agent}, {Role: conversation.RoleCustomer, Text: customer}}}
		l := lin
		d.model = shipped
		if shift {
			d.model, l = shifted, &linShifted
		}
		defer func() { d.model = shipped }()
		checkScoresMatchTrainerView(t, eng, d, l, c)
	})
}
