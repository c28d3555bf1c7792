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
// the detector's learned probability of every Chinese agent message is,
// to the bit, what classify.Linear.Prob gives over the features the
// trainer sees (PromiseFeatures): the scorer's shortcuts (n-gram weights
// applied without being written, buffers kept between messages) must not
// change a single sum.
func TestPromiseScoreMatchesTrainerView(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the JDDC sample")
	}
	convs := jddcConvs(t)
	eng, d := promiseEngine(t)
	// The float32 table the weights file decodes to, not the scorer's
	// int16 steps: the reference the scorer's sums must match.
	lin, err := classify.DecodeLinear(embeddedPromise)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, c := range convs {
		checked += checkScoresMatchTrainerView(t, eng, d, lin, c)
	}
	if checked == 0 {
		t.Fatal("no agent message scored")
	}
}

// checkScoresMatchTrainerView checks, on conversation c, that the
// detector's learned probability of every Chinese agent message (its
// n-grams hashed as they are summed, addGrams) is, to the bit, what
// classify.Linear.Prob gives over the features the trainer sees (their
// indices written), and returns how many messages it compared.
func checkScoresMatchTrainerView(t testing.TB, eng *Engine, d *promiseDetector, lin *classify.Linear, c *conversation.Conversation) int {
	t.Helper()
	var sc Scratch
	var ps PromiseScratch
	in, _ := eng.Inspect(c, &sc)
	var want []float32
	eng.PromiseFeatures(in, &ps, func(msg int, rule bool, idx []uint32, val []float32) {
		want = append(want, lin.Prob(idx, val))
	})
	var st promiseState
	var f promiseFeats
	var rs []promise
	k := 0
	for i := range c.Messages {
		if c.Messages[i].Role == conversation.RoleAgent && !isEnglish(in.Norm[i]) {
			rs = d.rulePromises(in, i, rs[:0])
			if got := d.score(in, i, rs, &st, &f); math.Float32bits(got) != math.Float32bits(want[k]) {
				t.Fatalf("%s message %d (%q): score %v, trainer's view %v", c.ID, i, in.Norm[i], got, want[k])
			}
			k++
		}
		st.see(in, i)
	}
	return k
}

// FuzzPromiseScoreMatchesTrainerView checks the scorer's n-gram shortcut
// (addGrams) against the trainer's written indices on any agent text,
// long ones full of cue words included, where the feature buffer has no
// room for every n-gram and the scorer reads the written ones.
func FuzzPromiseScoreMatchesTrainerView(f *testing.F) {
	long := strings.Join(promiseCues[:], "") // more cue features than the buffer leaves the n-grams room for
	for _, s := range []string{"", "好", "好的", "这边帮您申请", "[数字x]-[数字x]个工作日到账", "\xff\xfe帮您", long, long + "帮您申请", strings.Repeat("帮您", 200)} {
		f.Add("能帮我申请吗", s)
	}
	eng, d := promiseEngine(f)
	lin, err := classify.DecodeLinear(embeddedPromise)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, customer, agent string) {
		c := &conversation.Conversation{ID: "t", Messages: []conversation.Message{
			{Role: conversation.RoleCustomer, Text: customer}, {Role: conversation.RoleAgent, Text: agent},
			{Role: conversation.RoleAgent, Text: customer + agent}, {Role: conversation.RoleCustomer, Text: customer}}}
		checkScoresMatchTrainerView(t, eng, d, lin, c)
	})
}
