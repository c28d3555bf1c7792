package detect

import "testing"

// TestSceneAt holds the scenes' places the rules read as constants
// (sceneRefundAt…, asideOf, the detector's sensitiveAt) to sceneIndex, the
// walk over the names they replace.
func TestSceneAt(t *testing.T) {
	for _, c := range []struct {
		name string
		at   int
	}{{SceneRefund, sceneRefundAt}, {SceneCompensation, sceneCompensationAt}, {SceneQuality, sceneQualityAt}, {SceneInvoice, sceneInvoiceAt}} {
		if got := sceneIndex(c.name); got != c.at || got < 0 {
			t.Errorf("sceneIndex(%q) = %d, the constant says %d", c.name, got, c.at)
		}
	}
	if want := [...]string{SceneRefund, SceneInvoice}; len(asideOf) != len(want) {
		t.Fatalf("asideOf has %d scenes, want %d", len(asideOf), len(want))
	} else {
		for k, name := range want {
			if asideOf[k] != sceneIndex(name) {
				t.Errorf("asideOf[%d] = %d, want sceneIndex(%q) = %d", k, asideOf[k], name, sceneIndex(name))
			}
		}
	}
	for _, scenes := range [][]string{nil, DefaultSensitiveConfig().Scenes, {SceneCompensation}, {SceneCompensation, SceneRefund, "nope"}} {
		d := newSceneDetector(SensitiveConfig{Scenes: scenes}, nil)
		if len(d.sensitiveAt) != len(scenes) {
			t.Fatalf("%q: %d places", scenes, len(d.sensitiveAt))
		}
		for k, name := range scenes {
			if d.sensitiveAt[k] != sceneIndex(name) {
				t.Errorf("%q: sensitiveAt[%d] = %d, want %d", scenes, k, d.sensitiveAt[k], sceneIndex(name))
			}
		}
	}
}
