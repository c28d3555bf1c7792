package detect

import (
	"strings"
	"testing"
)

// TestASCIIBounded checks the word boundaries of ASCII hits: a forbidden
// or off-platform word inside a model number, a handle, a signature or a
// domain is not the word, one standing alone or ending a sentence is.
func TestASCIIBounded(t *testing.T) {
	cases := []struct {
		text string
		want bool
	}{
		{"你就是个sb", true}, {"sb!", true}, {"你就是个sb.", true}, {"sb,自己看", true}, {"加 sb 好友", true},
		{"sb-200型号", false}, {"型号sb-200", false}, {"谢谢^sb", false}, {"usb接口", false}, {"sbs", false},
		{"sb_01", false}, {"@sb", false}, {"#sb", false}, {"a.sb", false}, {"sb.com", false}, {"x+sb", false}, {"sb2", false},
	}
	for _, c := range cases {
		i := strings.Index(c.text, "sb")
		h := KeywordHit{Start: int32(i), End: int32(i + 2)}
		if got := asciiBounded(c.text, h); got != c.want {
			t.Errorf("asciiBounded(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
