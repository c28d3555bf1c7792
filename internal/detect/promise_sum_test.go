package detect

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"fullqa/internal/conversation"
)

// sum64Ref and add64Ref are the scorer's float64 sums before the weight-1
// features' steps were summed as integers (each weight converted,
// multiplied by scale and added in float64): the reference sum64 and
// add64 are held to.
func sum64Ref(m *promiseModel, f *promiseFeats) float64 {
	z := add64Ref(m, float64(m.bias), f.idx[:f.gramFrom])
	z += float64(f.steps) * float64(m.scale) * float64(f.gramV)
	return add64Ref(m, z, f.idx[f.gramTo:f.n])
}

func add64Ref(m *promiseModel, z float64, idx []uint32) float64 {
	const mask = 1<<PromiseBits - 1
	for _, b := range idx {
		z += float64(stepWeight(m.w[b&mask], m.scale))
	}
	return z
}

// probSum is prob's float32 sum z (the trainer's), whose sigmoid prob
// returns, over features f alone.
func probSum(m *promiseModel, f *promiseFeats) float32 {
	const mask = 1<<PromiseBits - 1
	z := m.bias
	for _, b := range f.idx[:f.gramFrom] {
		z += stepWeight(m.w[b&mask], m.scale)
	}
	for _, b := range f.idx[f.gramFrom:f.gramTo] {
		z += stepWeight(m.w[b&mask], m.scale) * f.gramV
	}
	for _, b := range f.idx[f.gramTo:f.n] {
		z += stepWeight(m.w[b&mask], m.scale)
	}
	return z
}

// checkSum64 checks sum64 on features f against the float64 sum it
// replaced (to float64's roundings of a few operations) and against
// prob's float32 sum, within the margin newPromiseModel leaves under the
// threshold's logit (the early stop's proof); and add64 on f's features
// of weight 1 against add64Ref.
func checkSum64(t *testing.T, m *promiseModel, f *promiseFeats) {
	t.Helper()
	const mask = 1<<PromiseBits - 1
	size := math.Abs(float64(m.bias)) // the sum of the terms' sizes
	for _, b := range f.idx[:f.n] {
		size += math.Abs(float64(stepWeight(m.w[b&mask], m.scale)))
	}
	// The float64 sum it replaced added weights rounded to float32 (a
	// relative error of 2^-24 each); the exact weights' products with
	// scale and gramV, summed in float64, differ by float64's roundings.
	got, ref := m.sum64(f), sum64Ref(m, f)
	if math.Abs(got-ref) > size*0x1p-23 {
		t.Fatalf("sum64 %v, the float64 sum it replaced %v (%d features)", got, ref, f.n)
	}
	exact := float64(m.bias)
	for k, b := range f.idx[:f.n] {
		x := float64(m.w[b&mask]) * float64(m.scale)
		if k >= f.gramFrom && k < f.gramTo {
			x *= float64(f.gramV)
		}
		exact += x
	}
	if math.Abs(got-exact) > size*0x1p-40 {
		t.Fatalf("sum64 %v, the exact weights' sum %v (%d features)", got, exact, f.n)
	}
	zLimit := math.Log(float64(m.threshold)/(1-float64(m.threshold))) - 1.0/1024
	if z := float64(probSum(m, f)); math.Abs(got-z) > zLimit-m.below {
		t.Fatalf("sum64 %v, prob's sum %v: more than the margin %v apart", got, z, zLimit-m.below)
	}
	ones := slices.Concat(f.idx[:f.gramFrom], f.idx[f.gramTo:f.n])
	if a, b := m.add64(0.5, ones), add64Ref(m, 0.5, ones); math.Abs(a-b) > (size+1)*0x1p-23 {
		t.Fatalf("add64 %v, the float64 sum it replaced %v", a, b)
	}
}

// TestSum64MatchesRef checks sum64 and add64 (steps summed as integers)
// against the float64 sums they replaced and prob's float32 sum: on the
// features of every Chinese agent message of the JDDC dev chats, and on
// random feature buffers of every size, their indices drawn from the
// table's largest weights of one sign, of both, or from anywhere.
func TestSum64MatchesRef(t *testing.T) {
	eng, d := promiseEngine(t)
	m := d.model
	if !testing.Short() {
		for _, c := range jddcConvsOrNone(t) {
			var sc Scratch
			in, _ := eng.Inspect(c, &sc)
			var st promiseState
			var f promiseFeats
			var ps []promise
			for i := range c.Messages {
				if c.Messages[i].Role == conversation.RoleAgent && !in.english(i) {
					ps = d.rulePromises(in, i, ps[:0])
					d.promiseFeatures(in, i, ps, &st, &f, m.cues)
					// The n-grams' steps, as the scorer sums them.
					f.steps = m.gramSteps(&f)
					checkSum64(t, m, &f)
				}
				st.see(in, i)
			}
		}
	}
	// The table's indices by weight, largest first.
	byWeight := make([]uint32, len(m.w))
	for k := range byWeight {
		byWeight[k] = uint32(k)
	}
	slices.SortFunc(byWeight, func(a, b uint32) int { return int(m.w[b]) - int(m.w[a]) })
	rng := rand.New(rand.NewPCG(7, 8))
	var f promiseFeats
	for it := range 20000 {
		f.n = rng.IntN(maxPromiseFeats + 1)
		f.gramFrom = rng.IntN(f.n + 1)
		f.gramTo = f.gramFrom + rng.IntN(f.n-f.gramFrom+1)
		f.steps = 0
		for k := range f.n {
			var x uint32
			switch it % 4 {
			case 0: // the largest weights
				x = byWeight[rng.IntN(64)]
			case 1: // the smallest
				x = byWeight[len(byWeight)-1-rng.IntN(64)]
			case 2: // both
				x = byWeight[rng.IntN(32)]
				if rng.IntN(2) == 0 {
					x = byWeight[len(byWeight)-1-rng.IntN(32)]
				}
			default:
				x = rng.Uint32()
			}
			f.idx[k] = x
			if k >= f.gramFrom && k < f.gramTo {
				f.steps += int(m.w[x&(1<<PromiseBits-1)])
			}
		}
		f.gramV = 1
		if n := f.gramTo - f.gramFrom; n > 0 {
			f.gramV = float32(1 / math.Sqrt(float64(n)))
		}
		checkSum64(t, m, &f)
	}
}
