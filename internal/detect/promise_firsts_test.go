package detect

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// firstsRef is what firstMsgs replaces: the map the conflict state kept,
// created on the first add.
type firstsRef[K comparable] struct{ m map[K]int }

func (r *firstsRef[K]) get(k K) (int, bool) { v, ok := r.m[k]; return v, ok }

func (r *firstsRef[K]) add(k K, i int) {
	if r.m == nil {
		r.m = map[K]int{}
	}
	if _, ok := r.m[k]; !ok {
		r.m[k] = i
	}
}

// checkFirsts runs ops (key, message; a negative message is a lookup)
// on a firstMsgs and on the map it replaces and fails at the first
// answer they disagree on, the emptiness Inspect tests included.
func checkFirsts[K comparable](t *testing.T, ops []K, msgs []int) {
	t.Helper()
	var got firstMsgs[K]
	var want firstsRef[K]
	for j, k := range ops {
		if msgs[j] >= 0 {
			got.add(k, msgs[j])
			want.add(k, msgs[j])
		}
		g, gok := got.get(k)
		w, wok := want.get(k)
		if g != w || gok != wok || (got.n > 0) != (want.m != nil) {
			t.Fatalf("op %d (%v, %d): firstMsgs says %d %v (n %d), the map %d %v (%d keys)", j, k, msgs[j], g, gok, got.n, w, wok, len(want.m))
		}
	}
	for _, k := range ops { // every key again, once all are in
		g, gok := got.get(k)
		if w, wok := want.get(k); g != w || gok != wok {
			t.Fatalf("key %v at the end: firstMsgs says %d %v, the map %d %v", k, g, gok, w, wok)
		}
	}
}

// TestFirstMsgs checks firstMsgs against the map it replaces on random
// runs of adds and lookups over few and many keys (past the keys held in
// place, so the spill map is read too), verbs and bytes.
func TestFirstMsgs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		n := 1 + r.IntN(40)
		keys := 1 + r.IntN(2*firstMsgInline+4)
		ops, bs, msgs := make([]string, n), make([]byte, n), make([]int, n)
		for j := range n {
			k := r.IntN(keys)
			ops[j], bs[j] = "v"+strconv.Itoa(k), byte(k*37)
			msgs[j] = r.IntN(30) - 10 // a third are lookups
		}
		t.Run("", func(t *testing.T) {
			checkFirsts(t, ops, msgs)
			checkFirsts(t, bs, msgs)
		})
	}
}

// FuzzFirstMsgs checks firstMsgs against the map on the adds and lookups
// a fuzzed byte string spells: each byte pair is a key and a message (a
// message byte of 128 or more is a lookup).
func FuzzFirstMsgs(f *testing.F) {
	f.Add([]byte("a\x01b\x02a\x03\x80\x80"))
	f.Add([]byte("\x00\x01\x01\x01\x02\x01\x03\x01\x04\x01\x05\x01\x06\x01\x07\x01\x08\x01\x09\x01\x00\x02\x09\x09"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var ops []byte
		var msgs []int
		for j := 0; j+1 < len(b); j += 2 {
			ops = append(ops, b[j])
			m := int(b[j+1])
			if m >= 128 {
				m = -1
			}
			msgs = append(msgs, m)
		}
		checkFirsts(t, ops, msgs)
	})
}
