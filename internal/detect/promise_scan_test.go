package detect

import (
	"reflect"
	"strings"
	"testing"

	"fullqa/internal/conversation"
)

// doneInClauseRef is the code doneInClause replaced.
func doneInClauseRef(s string, pos int) bool {
	cs := clauseStart(s, pos)
	return strings.Contains(s[cs:pos], "已")
}

// endsWithIfRef is the code endsWithIf replaced.
func endsWithIfRef(s string, cs int) bool {
	return strings.HasSuffix(strings.TrimRight(s[max(0, cs-64):cs], " ,"), "的话")
}

// scanSamples are texts that put 已, 的话, breaks, 。 and broken bytes at
// every distance from each other, and past the clause and trim windows.
var scanSamples = []string{
	"", "已", "已经帮您申请", "您已,申请", "已。申请", "。已申请", "已~帮您", "可以的话, 帮您申请", "的话 ,, ",
	"的话" + strings.Repeat(" ", 70), "的话" + strings.Repeat(",", 62), "\xb7\xb2帮您", "\xe5\xb7", "已\xe3\x80",
	strings.Repeat("好", 199) + "已", "已" + strings.Repeat("好", 199) + "帮", "已" + strings.Repeat("好", 200) + "帮",
	"x已" + strings.Repeat("好", 199) + "帮", "xx已" + strings.Repeat("好", 199) + "帮", "已" + strings.Repeat("a", 598),
}

// checkScans compares the shortcuts with their reference code at every
// offset of s.
func checkScans(t *testing.T, s string) {
	t.Helper()
	for pos := 0; pos <= len(s); pos++ {
		if got, want := doneInClause(s, pos), doneInClauseRef(s, pos); got != want {
			t.Fatalf("doneInClause(%q, %d) = %v, reference %v", s, pos, got, want)
		}
		if got, want := endsWithIf(s, pos), endsWithIfRef(s, pos); got != want {
			t.Fatalf("endsWithIf(%q, %d) = %v, reference %v", s, pos, got, want)
		}
	}
}

// TestDoneInClause checks doneInClause and endsWithIf against the code
// they replaced at every offset of the samples and of every string of up
// to four pieces drawn from the bytes and words that matter to them.
func TestDoneInClause(t *testing.T) {
	for _, s := range scanSamples {
		checkScans(t, s)
	}
	pieces := []string{"已", "的话", "。", ",", " ", "~", "好", "\xe5", "\xb7", "\xb2", "\xe3\x80", "\x82", "a"}
	var rec func(s string, n int)
	rec = func(s string, n int) {
		checkScans(t, s)
		if n == 0 {
			return
		}
		for _, p := range pieces {
			rec(s+p, n-1)
		}
	}
	rec("", 4)
}

// FuzzDoneInClause checks doneInClause and endsWithIf against the code
// they replaced on any text.
func FuzzDoneInClause(f *testing.F) {
	for _, s := range scanSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkScans(t, s) })
}

// checkClauseFrom compares clauseStartFrom and clauseEndFrom with
// clauseStart and clauseEnd, which they stand for, at every pair of
// offsets of s they are called with.
func checkClauseFrom(t *testing.T, s string) {
	t.Helper()
	for pos := 0; pos <= len(s); pos++ {
		cs, ce := clauseStart(s, pos), clauseEnd(s, pos)
		for e := cs; e <= pos; e++ {
			if got, want := clauseStartFrom(s, pos, cs, e), clauseStart(s, e); got != want {
				t.Fatalf("clauseStartFrom(%q, %d, %d, %d) = %d, clauseStart %d", s, pos, cs, e, got, want)
			}
		}
		for e := pos; e <= ce; e++ {
			if got, want := clauseEndFrom(s, pos, ce, e), clauseEnd(s, e); got != want {
				t.Fatalf("clauseEndFrom(%q, %d, %d, %d) = %d, clauseEnd %d", s, pos, ce, e, got, want)
			}
		}
	}
}

// TestClauseFrom checks clauseStartFrom and clauseEndFrom against
// clauseStart and clauseEnd on the samples, on texts whose clauses run
// past the maxClauseBytes window with a break or 。 at its edge, and on
// every string of up to four pieces of breaks, 。, its bytes and Chinese.
func TestClauseFrom(t *testing.T) {
	long := strings.Repeat("好", maxClauseBytes/3)
	for _, s := range scanSamples {
		checkClauseFrom(t, s)
	}
	for _, pre := range []string{"", ",", "。", "a", "\x80\x82"} {
		for _, post := range []string{"", ",", "。", "\xe3"} {
			for _, mid := range []string{long, long + "a", "a" + long} {
				checkClauseFrom(t, pre+mid+post)
			}
		}
	}
	checkClauseFrom(t, long+"a"+long)
	pieces := []string{"。", ",", "~", "好", "\xe3", "\x80", "\x82", "\xe3\x80", "a"}
	var rec func(s string, n int)
	rec = func(s string, n int) {
		checkClauseFrom(t, s)
		if n == 0 {
			return
		}
		for _, p := range pieces {
			rec(s+p, n-1)
		}
	}
	rec("", 4)
}

// FuzzClauseFrom checks clauseStartFrom and clauseEndFrom against
// clauseStart and clauseEnd on any text.
func FuzzClauseFrom(f *testing.F) {
	for _, s := range scanSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 2000 {
			s = s[:2000]
		}
		checkClauseFrom(t, s)
	})
}

// FuzzExtractClauseReuse checks extract, whose rules read the clause
// around a hit once (hitClause, clauseStartFrom, clauseEndFrom), against
// extractRef, where every check reads it again, on any agent text after
// a customer's request.
func FuzzExtractClauseReuse(f *testing.F) {
	for _, s := range []string{"这边帮您申请退款, 3天内到账", "我已经给您补偿5元了", "如果有差价, 帮您申请", "预计明天送达哈", "您是否需要帮您取消呢?", "好的, 我帮您催一下配送员今天送到"} {
		f.Add(s)
	}
	eng, d := promiseEngine(f)
	f.Fuzz(func(t *testing.T, agent string) {
		c := &conversation.Conversation{ID: "f", Messages: []conversation.Message{
			{Role: conversation.RoleCustomer, Text: "能帮我申请吗"}, {Role: conversation.RoleAgent, Text: agent}}}
		var sc Scratch
		in, _ := eng.Inspect(c, &sc)
		got := d.extract(in, 1, nil)
		want := d.extractRef(in, 1, nil)
		if len(got) != len(want) || len(want) > 0 && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: extract read\n%+v\nthe reference\n%+v", in.Norm[1], got, want)
		}
	})
}
