package detect

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestSceneMayBits checks mayHit's presence-bit test and sceneClass
// against what they stand for (a bit of the scene's words or of one of its pair words) for
// every scene and every single class present, and for no class at all.
func TestSceneMayBits(t *testing.T) {
	eng, err := NewEngine(Registry(DefaultConfig(), testLexicon(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	var d *sceneDetector
	for _, x := range eng.Detectors() {
		if sd, ok := x.(*sceneDetector); ok {
			d = sd
		}
	}
	if d == nil {
		t.Fatal("no scene detector in the registry")
	}
	if !d.mayBitsOK {
		t.Fatalf("the registry's %d classes do not fit the presence bits", len(eng.keywords.names))
	}
	in := &Input{present: make([][presentWords]uint64, 1)}
	for c := ClassID(-1); c < ClassID(len(eng.keywords.names)); c++ {
		in.present[0] = [presentWords]uint64{}
		if c >= 0 {
			in.present[0][c>>6] |= 1 << (c & 63)
		}
		for s := range sceneDefs {
			want := in.may(0, d.scenes[s].words)
			for p := range scenePairs {
				want = want || d.pairScene[p] == s && in.may(0, d.pairWords[p])
			}
			if got := d.mayHit(in, 0, s); got != want {
				t.Fatalf("class %d (%s), scene %s: mayHit %v, want %v", c, eng.keywords.names[max(c, 0)], sceneDefs[s].name, got, want)
			}
			if got := d.sceneClass(s, c); got != want {
				t.Fatalf("class %d (%s), scene %s: sceneClass %v, want %v", c, eng.keywords.names[max(c, 0)], sceneDefs[s].name, got, want)
			}
		}
	}
}

// TestSceneScenesOf holds scenesOf, the scenes of the classes a message's
// row holds read from classScenes, to the test it replaces: a mayAny of
// the union first (none: no scene), then one mayAny for each scene. Every
// single class, no class, random rows dense and sparse, and a missing row.
func TestSceneScenesOf(t *testing.T) {
	eng, err := NewEngine(Registry(DefaultConfig(), testLexicon(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	d := detectorOf[*sceneDetector](eng)
	if !d.mayBitsOK {
		t.Fatal("the registry's classes do not fit the presence bits")
	}
	ref := func(in *Input, i int) int {
		if !in.mayAny(i, &d.anyMayBits) {
			return 0
		}
		m := -1
		for s := range sceneDefs {
			if !in.mayAny(i, &d.mayBits[s]) {
				m &^= 1 << s
			}
		}
		return m
	}
	in := &Input{present: make([][presentWords]uint64, 1)}
	check := func(what string) {
		t.Helper()
		for i := range 2 { // message 1 has no row
			// Compared as the candidates use them: within a role's scenes.
			for _, roleScenes := range []int{d.customerScenes, d.agentScenes, 1<<len(sceneDefs) - 1} {
				if got, want := roleScenes&d.scenesOf(in, i), roleScenes&ref(in, i); got != want {
					t.Fatalf("%s, message %d: scenes %07b, want %07b", what, i, got, want)
				}
			}
		}
	}
	check("no class")
	for c := range presentWords * 64 {
		in.present[0] = [presentWords]uint64{}
		in.present[0][c>>6] |= 1 << (c & 63)
		check(fmt.Sprint("class ", c))
	}
	rng := rand.New(rand.NewPCG(3, 5))
	for k := range 20000 {
		for w := range in.present[0] {
			in.present[0][w] = rng.Uint64()
			if k%2 == 0 {
				in.present[0][w] &= rng.Uint64() & rng.Uint64() & rng.Uint64()
			}
		}
		check(fmt.Sprintf("row %x", in.present[0]))
	}
}
