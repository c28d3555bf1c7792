package detect

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// trimSetCuts are the cut sets the promise rules trim with, each with its
// trimSet, and one set mixing ASCII and three-byte characters more.
var trimSetCuts = []struct {
	cut string
	t   *trimSet
}{
	{"的呢哦哈啦了吧", trimObject}, {"呢啊呀亲", trimQuestion}, {"呢啊呀亲'‘’", trimAsked}, {"啊呀哦", trimEnds}, {"呢啊呀", trimTail},
	{"们的想要看觉在", notSelfActor},
	{" ,.~!呢\u0800\uffff\u2028", newTrimSet(" ,.~!呢\u0800\uffff\u2028")},
}

// TestTrimSets holds trimSet.trimRight to strings.TrimRight with the same
// cut set: every three bytes that share their lead and second byte with a
// character of the set (the rest of its block, cut short or invalid),
// alone, after and before a character of the set, and random texts made
// of the sets' characters, pieces of them and other characters.
func TestTrimSets(t *testing.T) {
	for _, c := range trimSetCuts {
		check := func(s string) {
			t.Helper()
			if got, want := c.t.trimRight(s), strings.TrimRight(s, c.cut); got != want {
				t.Fatalf("trimSet(%q).trimRight(%q) = %q, want %q", c.cut, s, got, want)
			}
			checkOpens(t, c.t, c.cut, s)
		}
		for _, s := range []string{"", "a", "好的呢", "可以吗?", "\xff呢", "呢\xff", "\xa2", "\x91\xa2", "\xe5\x91", "呢\x91\xa2", "\xe5呢",
			"\xe5\xe5\x91\xa2", "\xf0\x9f\x98\x80呢", "\xe5\x91\xa2\xa2", "\xef\xbf\xbd", "'", "‘’", "a'", "é", "\xc3呢"} {
			check(s)
		}
		for _, r := range c.cut {
			p := string(r)
			if len(p) != 3 {
				continue
			}
			for b := range 256 {
				x := string([]byte{byte(b)})
				for _, s := range []string{p[:2] + x, "哈" + p[:2] + x, p[1:2] + x, p[:2] + x + p, p + p[:2] + x, x + p[1:], x + p, p[:1] + x + p[2:]} {
					check(s)
				}
			}
		}
		pieces := []string{"a", " ", ",", "'", "好", "的", "吗", "\xff", "\xe5", "\xe5\x91", "\x91", "\xa2", "é", "\U0001F600", "\u2028", "\uffff"}
		for _, r := range c.cut {
			pieces = append(pieces, string(r), string(r)[1:])
		}
		rng := rand.New(rand.NewPCG(3, 4))
		for range 20000 {
			check(pieceText(rng, pieces, rng.IntN(8)))
		}
	}
}

// checkOpens fails t when t.opens(s) is not whether cut holds the first
// character utf8.DecodeRuneInString reads of s.
func checkOpens(t *testing.T, ts *trimSet, cut, s string) {
	t.Helper()
	r, _ := utf8.DecodeRuneInString(s)
	if got, want := ts.opens(s), len(s) > 0 && strings.ContainsRune(cut, r); got != want {
		t.Fatalf("trimSet(%q).opens(%q) = %v, want %v", cut, s, got, want)
	}
}

// FuzzTrimSets holds trimSet.trimRight to strings.TrimRight, and opens to
// strings.ContainsRune of the first character, for every cut set of
// trimSetCuts.
func FuzzTrimSets(f *testing.F) {
	for _, s := range []string{"好的呢", "亲 ~!", "帮您申请了哈~", "\xff呢", "\xe5\xe5\x91\xa2", "联系您了么亲'", "‘’"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range trimSetCuts {
			if got, want := c.t.trimRight(s), strings.TrimRight(s, c.cut); got != want {
				t.Fatalf("trimSet(%q).trimRight(%q) = %q, want %q", c.cut, s, got, want)
			}
			checkOpens(t, c.t, c.cut, s)
		}
	})
}

// objectCutRef is objectCut as fillActionAt wrote it before: the
// characters counted one DecodeRuneInString at a time, the object cut at
// the eighth.
func objectCutRef(obj string) string {
	for k, n := 0, 0; k < len(obj); n++ {
		if n == 8 {
			return obj[:k]
		}
		_, size := utf8.DecodeRuneInString(obj[k:])
		k += size
	}
	return obj
}

// TestObjectCut holds objectCut to objectCutRef on objects of every
// length around eight characters, Chinese, ASCII, mixed and broken.
func TestObjectCut(t *testing.T) {
	pieces := []string{"a", "联", "系", "您", "[数字x]", "é", "\U0001F600", "\xff", "\xe5", "\xe5\x91", ",", " "}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 50000 {
		s := pieceText(rng, pieces, rng.IntN(14))
		if got, want := objectCut(s), objectCutRef(s); got != want {
			t.Fatalf("objectCut(%q) = %q, want %q", s, got, want)
		}
	}
}

// FuzzObjectCut holds objectCut to objectCutRef.
func FuzzObjectCut(f *testing.F) {
	for _, s := range []string{"", "仓库给您进行预约哈亲", "abcdefghij", "\xe5\x91联系您"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := objectCut(s), objectCutRef(s); got != want {
			t.Fatalf("objectCut(%q) = %q, want %q", s, got, want)
		}
	})
}
