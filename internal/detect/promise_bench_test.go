package detect

import (
	"math"
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
	var sc Scratch
	var ps PromiseScratch
	checked := 0
	for _, c := range convs {
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
					t.Fatalf("%s message %d: score %v, trainer's view %v", c.ID, i, got, want[k])
				}
				k++
				checked++
			}
			st.see(in, i)
		}
	}
	if checked == 0 {
		t.Fatal("no agent message scored")
	}
}
