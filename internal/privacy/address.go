package privacy

import (
	"strings"
	"unicode/utf8"
)

// AddressLookback is how far (in bytes, about twenty Chinese characters)
// before a house number the road and the city or district must appear
// for the text to be a detailed address. A quote of an address that keeps
// this much text before the house number is still recognised (and masked).
const AddressLookback = 60

// scanAddresses appends the house-number part of detailed addresses
// ("…市…区建国路88号3单元502室" → the span "88号3单元502室"): a number with
// 号/栋/幢/弄 after a road name that follows a city, district or county. A
// city alone or a road alone is not a detailed address, so "上海市" and
// "送到建国路" stay.
func scanAddresses(s string, dst []Span) []Span {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !(r == '号' || r == '栋' || r == '幢' || r == '弄') || i == 0 || !isDigit(s[i-1]) {
			i += n
			continue
		}
		start := i
		for start > 0 && isDigit(s[start-1]) {
			start--
		}
		from := start - AddressLookback
		if from < 0 {
			from = 0
		}
		for from < start && !utf8.RuneStart(s[from]) {
			from++
		}
		before := s[from:start]
		road := lastIndexAny(before, "路", "街", "巷", "道", "村", "胡同", "小区", "大厦")
		if road < 0 || lastIndexAny(before[:road], "省", "市", "区", "县", "镇") < 0 {
			i += n
			continue
		}
		end := i + n
		for end < len(s) {
			r2, n2 := utf8.DecodeRuneInString(s[end:])
			if isDigit(byte(r2)) && r2 < utf8.RuneSelf || r2 == '-' || strings.ContainsRune("号栋幢单元室楼层弄座", r2) {
				end += n2
				continue
			}
			break
		}
		dst = append(dst, Span{Kind: KindAddress, Start: start, End: end})
		i = end
	}
	return dst
}

// lastIndexAny returns the largest index of any of subs in s, or -1.
func lastIndexAny(s string, subs ...string) int {
	best := -1
	for _, sub := range subs {
		if j := strings.LastIndex(s, sub); j > best {
			best = j
		}
	}
	return best
}
