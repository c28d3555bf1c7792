package detect

import "testing"

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
