package detect

import (
	"slices"
	"testing"
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
var contentNeeds = []int{0, 1, 3, 4, 5, 6, 9, 12, 30, 1 << 62}

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
			cuts := []int32{int32(int(a) % (n + 1)), int32(int(b) % (n + 1)), int32(int(c) % (n + 1))}
			slices.Sort(cuts)
			skip = []span{{cuts[0], cuts[1]}}
			if k%2 == 0 {
				skip = append(skip, span{cuts[2], cuts[2] + 2})
			}
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
