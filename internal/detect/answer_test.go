package detect

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// customerAnswerRef is customerAnswer as it was before it trimmed by hand
// and read its words from a package array: the reference of
// TestCustomerAnswer.
func customerAnswerRef(c string, set uint64) (v uint32, asks bool) {
	c = strings.TrimLeft(c, " ,")
	v = 1
	for k, w := range [...]string{"好", "嗯", "可以", "行", "谢谢", "麻烦", "ok", "恩"} {
		if strings.HasPrefix(c, w) {
			v = 2 + uint32(k)
			break
		}
	}
	if set&custDecline != 0 {
		v = 20
	}
	return v, set&(custQuestionMark|custMa) != 0
}

// TestCustomerAnswer checks customerAnswer against the code it replaces
// on random openings of spaces, commas, the answer words, their pieces and
// other text, with random word sets.
func TestCustomerAnswer(t *testing.T) {
	pieces := []string{" ", ",", "好", "嗯", "可以", "可", "行", "谢谢", "谢", "麻烦", "ok", "o", "恩", "的", ".", "\xe5", "不用了"}
	r := rand.New(rand.NewPCG(9, 10))
	for range 50000 {
		var b strings.Builder
		for range r.IntN(5) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		c, set := b.String(), r.Uint64()&(1<<len(customerWords)-1)
		if r.IntN(2) == 0 {
			set = 0
		}
		gv, ga := customerAnswer(c, set)
		if wv, wa := customerAnswerRef(c, set); gv != wv || ga != wa {
			t.Fatalf("customerAnswer(%q, %b) = %d, %v, want %d, %v", c, set, gv, ga, wv, wa)
		}
	}
}
