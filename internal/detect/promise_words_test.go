package detect

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestWordFinderAgreesWithContains checks wordFinder.has against
// strings.Contains word by word, on the features' own lists and on random
// texts made of pieces of their words, other characters and invalid
// UTF-8, so that the one-pass reading gives the features strings.Contains
// gave them.
func TestWordFinderAgreesWithContains(t *testing.T) {
	lists := [][]string{customerWords, actorWords[:], {"a", "ab", "abc", "b", "好的", "好", "的话"}}
	pieces := []string{"?", "吗", "么", "能", "不", "可", "以", "帮", "我", "您", "给", "什么", "时候", "多", "久", "几", "天", "用", "要", "算了",
		"为", "这边", "会", "已", "经", "再", "先", "去", "a", "b", "c", " ", ",", "\xff", "\xe5", "\xe5\xb8", "\xe0\x80\x80", "\xed\xa0\x80", "\U0001F600", "[数字x]", "好的", "的话"}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, words := range lists {
		wf := newWordFinder(words)
		for range 5000 {
			var b strings.Builder
			for range rng.IntN(12) {
				b.WriteString(pieces[rng.IntN(len(pieces))])
			}
			s := b.String()
			got := wf.has(s)
			for k, w := range words {
				if want := strings.Contains(s, w); (got&(1<<k) != 0) != want {
					t.Fatalf("has(%q) word %q: %v, strings.Contains says %v", s, w, !want, want)
				}
			}
		}
	}
}

// TestTrimRightParticles checks the hand-written trim against
// strings.TrimRight with the same cut set.
func TestTrimRightParticles(t *testing.T) {
	for _, s := range []string{"", "好的呢", "可以吗?", "哦哦哦", "亲 ~!", "帮您申请了哈~", "\xff呢", "呢\xff", "是的.", "a b ", "亲亲"} {
		if got, want := trimRightParticles(s), strings.TrimRight(s, " .~!呢哦哈呀啊亲"); got != want {
			t.Errorf("trimRightParticles(%q) = %q, want %q", s, got, want)
		}
	}
}
