package detect

import "testing"

// TestEndSlots checks endSlot, which reads endSlots for values below 16
// and hashes the rest, against featureIndex for every feature group and
// the values around the table's edge and far past it.
func TestEndSlots(t *testing.T) {
	for g := uint32(0); g < uint32(len(endSlots)); g++ {
		for v := uint32(0); v < 1<<12; v++ {
			if got, want := endSlot(g, v), featureIndex(g, v, 0, EndingBits); got != want {
				t.Fatalf("slot of (%d, %d) = %#x, want %#x", g, v, got, want)
			}
		}
		for _, v := range []uint32{1 << 16, 1<<31 - 1, 1 << 31, ^uint32(0)} {
			if got, want := endSlot(g, v), featureIndex(g, v, 0, EndingBits); got != want {
				t.Fatalf("slot of (%d, %#x) = %#x, want %#x", g, v, got, want)
			}
		}
	}
}
