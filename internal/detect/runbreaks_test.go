package detect

import "testing"

// TestRunBreaks checks runBreaks for every byte against what contentScan's
// other path does with it: an ASCII byte that is no letter or digit
// (isASCIIAlnum) and not '#', '[' or '@' only ends a run, and every byte
// of 0x80 or more is no such punctuation.
func TestRunBreaks(t *testing.T) {
	for b := range 256 {
		c := byte(b)
		want := c < 0x80 && !isASCIIAlnum(c) && c != '#' && c != '[' && c != '@'
		if got := c < 0x80 && runBreaks[c>>6]>>(c&63)&1 != 0; got != want {
			t.Errorf("runBreaks of %#x = %v, want %v", c, got, want)
		}
	}
}

// TestContentScanEveryByte holds contentScan's fast path for punctuation
// to contentScanRef: every byte, between and around Chinese characters,
// ASCII letters, digits and tokens it may start, with and without a skip
// span after it, far enough from the text's end for the four-byte read
// and at its end.
func TestContentScanEveryByte(t *testing.T) {
	contexts := [][2]string{
		{"好好", "好好好"}, {"", "好好好好"}, {"ab", "12好的好"}, {"你", "e-s01好好"},
		{"好", "订单x]好好"}, {"好", "abc 好好"}, {"好好", ""}, {"好", "x"}, {"a", "。好好"},
	}
	for b := range 256 {
		for _, c := range contexts {
			s := c[0] + string([]byte{byte(b)}) + c[1]
			for _, skip := range [][]span{nil, {{int32(len(c[0]) + 1), int32(len(c[0]) + 4)}}} {
				gc, gg := contentScan(s, skip)
				wc, wg := contentScanRef(s, skip)
				if gc != wc || gg != wg {
					t.Fatalf("contentScan(%q, %v) = %d, %+v; want %d, %+v", s, skip, gc, gg, wc, wg)
				}
			}
		}
	}
}
