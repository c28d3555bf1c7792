package detect

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// cannotDoRef is cannotDo as it was before it read the past and the
// staff shortage only for a denied verb (busy is busyEnd(s)): the
// reference of TestCannotDo.
func cannotDoRef(s string, a KeywordHit, busy int) bool {
	if containsAny(s[clauseStart(s, int(a.Start)):a.Start], []string{"之前", "以前", "刚才", "当时", "因为"}) ||
		busy <= int(a.Start) {
		return false
	}
	if cannotAfter(s[a.End:]) {
		return true
	}
	b := s[:a.Start]
	for _, p := range [...]string{"为您", "给您", "帮您", "再", "直接"} {
		if r, ok := strings.CutSuffix(b, p); ok {
			b = r
			break
		}
	}
	for _, w := range [...]string{"不能", "无法", "没法", "没办法", "不可以", "不支持"} {
		if strings.HasSuffix(b, w) {
			return true
		}
	}
	return false
}

// TestCannotDo checks cannotDo, with the staff shortage worked out by it
// or beforehand, against the code it replaces for a verb at every piece
// of random texts of verbs, can't words, actors, past and busy words.
func TestCannotDo(t *testing.T) {
	pieces := []string{"提交", "修改", "不了", "不能", "无法", "为您", "帮您", "再", "之前", "因为", "占线", "排队", "下班", ",", "。", "的", "取消", "不支持", "没办法"}
	r := rand.New(rand.NewPCG(7, 8))
	denied := 0
	for range 30000 {
		var b strings.Builder
		var starts []int
		for range 1 + r.IntN(8) {
			starts = append(starts, b.Len())
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		k := r.IntN(len(starts))
		end := len(s)
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		a := KeywordHit{Start: int32(starts[k]), End: int32(end)}
		want := cannotDoRef(s, a, busyEnd(s))
		lazy, known := -1, busyEnd(s)
		if got := cannotDo(s, a, &lazy); got != want {
			t.Fatalf("cannotDo(%q, %v) = %v, want %v", s, a, got, want)
		}
		if lazy >= 0 && lazy != busyEnd(s) {
			t.Fatalf("cannotDo(%q, %v) left busy %d, busyEnd says %d", s, a, lazy, busyEnd(s))
		}
		if got := cannotDo(s, a, &known); got != want {
			t.Fatalf("cannotDo(%q, %v) with busy known = %v, want %v", s, a, got, want)
		}
		if want {
			denied++
		}
	}
	if denied == 0 {
		t.Fatal("no verb denied: the texts test nothing")
	}
}
