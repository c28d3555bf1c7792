package detect

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// customerAnswerRef is customerAnswer as it was before it trimmed by hand
// and picked its word by the first character: the reference of
// TestCustomerAnswer.
func customerAnswerRef(c string, set uint64) (v uint32, asks bool) {
	c = strings.TrimLeft(c, " ,")
	v = 1
	for k, w := range answerWords {
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
		c, set := pieceText(r, pieces, r.IntN(5)), r.Uint64()&(1<<len(customerWords)-1)
		if r.IntN(2) == 0 {
			set = 0
		}
		gv, ga := customerAnswer(c, set)
		if wv, wa := customerAnswerRef(c, set); gv != wv || ga != wa {
			t.Fatalf("customerAnswer(%q, %b) = %d, %v, want %d, %v", c, set, gv, ga, wv, wa)
		}
	}
}

// affirmRef is affirm as it was before it picked its word by the first
// character: the reference of TestAffirm.
func affirmRef(s string) uint32 {
	t := strings.TrimLeft(s, " ,亲")
	for _, w := range [...]string{"是的", "可以", "会的", "好的", "嗯", "对的", "没问题", "能的"} {
		if strings.HasPrefix(t, w) {
			if utf8.RuneCountInString(t) <= 12 {
				return 1
			}
			return 0
		}
	}
	return 0
}

// TestAffirm checks affirm against the code it replaces on random texts
// of the words, their pieces, other characters, vocatives and invalid
// UTF-8.
func TestAffirm(t *testing.T) {
	pieces := []string{" ", ",", "亲", "是的", "是", "的", "可以", "可", "会的", "会", "好的", "好", "嗯", "对的", "对", "没问题", "没", "问题", "能的", "能",
		"呢", "a", "\xe6", "\xe6\x98", "\xff", "帮您申请"}
	r := rand.New(rand.NewPCG(11, 12))
	for range 50000 {
		s := pieceText(r, pieces, r.IntN(10))
		if got, want := affirm(s), affirmRef(s); got != want {
			t.Fatalf("affirm(%q) = %d, want %d", s, got, want)
		}
	}
}
