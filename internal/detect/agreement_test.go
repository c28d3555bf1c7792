package detect

import (
	"strings"
	"testing"
)

// opensWithAgreementRef is opensWithAgreement without its test of the
// first character's bytes.
func opensWithAgreementRef(s string) bool {
	i := 0
	if strings.HasPrefix(s, "那") {
		i += len("那")
	}
	return agreeingRun(s, i)
}

// TestOpensWithAgreement holds opensWithAgreement to opensWithAgreementRef
// for texts opening (after 那 or not) with every agreeing word, every
// particle, and their bytes cut short or changed one at a time, before
// tails that end the clause or go on.
func TestOpensWithAgreement(t *testing.T) {
	var texts []string
	opens := []string{"好", "行", "对", "是", "嗯", "恩", "哦", "噢", "的", "了", "吗", "我", "a", "", "\xe5", "\xe5\xa5"}
	for _, open := range opens {
		for k := range len(open) {
			for d := range 256 {
				b := []byte(open)
				b[k] = byte(d)
				opens = append(opens, string(b))
			}
		}
	}
	for _, head := range []string{"", "那"} {
		for _, open := range opens {
			for _, tail := range []string{"", "，请帮我查一下", "的", "的 电子的", "吧", "。", "请帮我查一下", "好的", "!"} {
				texts = append(texts, head+open+tail)
			}
		}
	}
	agreed := 0
	for _, s := range texts {
		got, want := opensWithAgreement(s), opensWithAgreementRef(s)
		if got != want {
			t.Fatalf("opensWithAgreement(%q) = %v, want %v", s, got, want)
		}
		if got {
			agreed++
		}
	}
	if agreed == 0 {
		t.Fatal("no text agrees: the test compares nothing")
	}
}
