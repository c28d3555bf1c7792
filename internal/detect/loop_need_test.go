package detect

import (
	"math"
	"strings"
	"testing"

	"fullqa/internal/conversation"
)

// checkContentScanNeed holds contentScanInto with a bound need to
// contentScanRef: the same signature, the content exact below need and at
// least need otherwise.
func checkContentScanNeed(t *testing.T, s string, skip []span, need int) {
	t.Helper()
	var gg sig
	gc := contentScanInto(s, skip, need, &gg)
	wc, wg := contentScanRef(s, skip)
	if gg != wg || (wc < need) != (gc < need) || wc < need && gc != wc || gc > wc {
		t.Fatalf("contentScanInto(%q, %v, %d) = %d, %+v; contentScanRef = %d, %+v", s, skip, need, gc, gg, wc, wg)
	}
}

// contentNeeds are the bounds the loop detector passes (0 for a reply
// without canned phrases, genericNeed's 4 and more, minContent) and
// some beyond any text here.
var contentNeeds = []int{0, 1, 3, 4, 5, 6, 9, 12, 30, math.MaxInt}

// TestContentScanNeed holds contentScanInto, every bound, to
// contentScanRef on texts of runs of Chinese (particles too) broken by
// CJK and ASCII punctuation, data tokens, ASCII words and stray bytes, at
// every skip span of up to six bytes.
func TestContentScanNeed(t *testing.T) {
	texts := append([]string{
		"好的亲，的的了吗。请问您的订单号是多少呢?我帮您查一下[订单x]好吗",
		"我想退货退款 可以吗?订单12345 已经签收了。「谢谢」",
		"ok let's go 好 的 吗 呢 了 亲",
		"#e-s01的了吗@jd_kefu 你好https://item.jd.com/1.html 好的",
		"\xff的好\xe4\xbd好的吗\xe3\x80\x82了",
		"退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款退款",
	}, endingFuzzSeeds...)
	for _, s := range texts {
		for _, need := range contentNeeds {
			checkContentScanNeed(t, s, nil, need)
			for a := 0; a <= len(s); a++ {
				for w := 0; w <= 6 && a+w <= len(s); w++ {
					checkContentScanNeed(t, s, []span{{int32(a), int32(a + w)}}, need)
				}
			}
		}
	}
}

// FuzzContentScanNeed is TestContentScanNeed's check on any text, skip
// spans and bound.
func FuzzContentScanNeed(f *testing.F) {
	seeds := append([]string{"\xf7\x9a\x84", "好\xf7\x9a\x84", "a#e-s01b", "12ab[订单x]好好", "。好、的", "\xe3\x80", "的了吗呢好好好"}, endingFuzzSeeds...)
	for i, s := range seeds {
		f.Add(s, uint8(i), uint8(2*i), uint8(i+3), uint8(i), uint8(i%12))
	}
	f.Fuzz(func(t *testing.T, s string, a, b, c, k, need uint8) {
		var skip []span
		if n := len(s); n > 0 && k%3 != 0 {
			skip = fuzzSkips(n, a, b, c, k%2 == 0)
		}
		checkContentScanNeed(t, s, skip, int(need))
	})
}

// TestGenericNeed holds genericNeed to the rule it stands for: a reply
// with canned phrases of b bytes is generic when its content is under 4
// bytes or under half of b.
func TestGenericNeed(t *testing.T) {
	for b := 0; b <= 2000; b++ {
		for content := 0; content <= 1100; content++ {
			if got, want := content < genericNeed(b), content < 4 || 2*content < b; got != want {
				t.Fatalf("content %d < genericNeed(%d) = %d: %v, want %v", content, b, genericNeed(b), got, want)
			}
		}
	}
}

// charSpans cuts disjoint spans, in order, from the character starts of s
// (as coveredSpans' are: hits begin and end on characters), their bounds
// picked by the bytes of cuts.
func charSpans(s string, cuts []byte) []span {
	var starts []int32
	for i := range s { // valid UTF-8: each i starts a character
		starts = append(starts, int32(i))
	}
	starts = append(starts, int32(len(s)))
	var sp []span
	k := 0
	for j := 0; j+1 < len(cuts) && len(sp) < maxSpans; j += 2 {
		a := k + int(cuts[j])%4
		b := a + int(cuts[j+1])%4
		if b >= len(starts) {
			break
		}
		if b > a {
			sp = append(sp, span{starts[a], starts[b]})
		}
		k = b + 1
	}
	return sp
}

// checkContentWithinSpans checks what the loop detector's shortcut for
// canned replies rests on: the content of a text is at most its bytes
// outside the skip spans, when the text is valid UTF-8 and the spans are
// disjoint and start and end on characters.
func checkContentWithinSpans(t *testing.T, s string, sp []span) {
	t.Helper()
	if c, _ := contentScan(s, sp); c > len(s)-spanBytes(sp) {
		t.Fatalf("contentScan(%q, %v) = %d content bytes, %d bytes outside the spans", s, sp, c, len(s)-spanBytes(sp))
	}
}

// TestContentWithinSpans is checkContentWithinSpans on texts of every
// kind of character contentScan reads and tokens it takes out.
func TestContentWithinSpans(t *testing.T) {
	texts := append([]string{
		"您好abcd", "您好退货", "您好的了", "有什么可以帮您[订单x]好的", "您好#e-s01在吗@jd ok12 https://a.b/c 好",
		"。好、的「退」abc def?!", "🙂好的x", "ab😀cd",
	}, endingFuzzSeeds...)
	for _, s := range texts {
		s = strings.ToValidUTF8(s, "?")
		for seed := range 200 {
			cuts := []byte{byte(seed), byte(seed / 3), byte(seed / 7), byte(seed * 5), byte(seed / 11), byte(seed * 3)}
			checkContentWithinSpans(t, s, charSpans(s, cuts))
		}
	}
}

// FuzzContentWithinSpans is TestContentWithinSpans on any valid text and
// spans.
func FuzzContentWithinSpans(f *testing.F) {
	for i, s := range append([]string{"您好abcd", "有什么可以帮您[订单x]好的", "您好#e-s01在吗"}, endingFuzzSeeds...) {
		f.Add(s, []byte{byte(i), 1, 2, 3, 0, 5})
	}
	f.Fuzz(func(t *testing.T, s string, cuts []byte) {
		s = strings.ToValidUTF8(s, "?")
		checkContentWithinSpans(t, s, charSpans(s, cuts))
	})
}

// TestLoopCannedReplies holds the loop detector's shortcut for canned
// replies (fewer bytes outside the phrases than genericNeed: generic
// unread) to the reference detector, which scans every reply, on chats
// whose agent reply is a greeting and then letters, Chinese, particles or
// data of every length around the bound: the customer asking again after
// it is a re-ask after no answer or a near duplicate, as the reply answers
// nothing or something.
func TestLoopCannedReplies(t *testing.T) {
	eng := defaultEngine(t)
	loop := detectorOf[*loopDetector](eng)
	pairs := []gatePair{{loop, &loopRefDetector{loop}}}
	ask := "我想退货退款可以吗"
	var tails []string
	for n := range 9 {
		tails = append(tails, strings.Repeat("b", n), strings.Repeat("退", n), strings.Repeat("的", n), strings.Repeat("好退", n/2)+strings.Repeat("b", n%2))
	}
	tails = append(tails, "12345", "[订单x]", "#e-s01", "b。", "bb?", "退b", "退bb", "退货b")
	found := map[string]int{}
	for _, greeting := range []string{"您好", "有什么可以帮您", "您好，有什么可以帮您"} {
		for _, tail := range tails {
			for _, reply := range []string{greeting + tail, tail + greeting} {
				c := &conversation.Conversation{ID: reply, Messages: []conversation.Message{
					{Role: conversation.RoleCustomer, Text: ask},
					{Role: conversation.RoleAgent, Text: reply},
					{Role: conversation.RoleCustomer, Text: ask},
					{Role: conversation.RoleAgent, Text: "好的"},
					{Role: conversation.RoleCustomer, Text: ask},
				}}
				in, out := eng.Inspect(c, &Scratch{})
				compareGates(t, c.ID, in, &out, pairs, found)
			}
		}
	}
	if found[loop.Name()] == 0 {
		t.Fatal("no loop findings: the test compares nothing")
	}
}
