package knowledge

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Masked is the placeholder that anonymised chats (JDDC) put where a number
// was. A masked number is a number of unknown value: a claim with one still
// names its unit and attribute, but its value cannot be compared.
const Masked = "[数字x]"

// readNumber reads a number that starts at s[i]: ASCII digits with an
// optional decimal part, Chinese numerals (七, 十五, 二十四, 两, 半), or the
// masked placeholder. It returns the value, the end offset, whether it was
// masked, and ok=false when no number starts at i.
func readNumber(s string, i int) (v float64, end int, masked, ok bool) {
	if strings.HasPrefix(s[i:], Masked) {
		end = i + len(Masked)
		// JDDC masks leading digits only ("[数字x]5个工作日" was 15): the
		// trailing digits are swallowed with it.
		for end < len(s) && isDigit(s[end]) {
			end++
		}
		return 0, end, true, true
	}
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	if j > i {
		if j+1 < len(s) && s[j] == '.' && isDigit(s[j+1]) {
			j++
			for j < len(s) && isDigit(s[j]) {
				j++
			}
		}
		f, err := strconv.ParseFloat(s[i:j], 64)
		if err != nil || j-i > 9 {
			return 0, 0, false, false
		}
		return f, j, false, true
	}
	return readChinese(s, i)
}

// readChinese reads a Chinese numeral up to 万 at s[i]: 七, 十五, 二十四,
// 一百二十, 两, 半 (0.5), 一个半 is not handled (rare in chats).
func readChinese(s string, i int) (float64, int, bool, bool) {
	total, cur := 0.0, 0.0
	j := i
	seen := false
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		switch r {
		case '零', '〇':
			cur = 0
		case '一', '二', '两', '三', '四', '五', '六', '七', '八', '九':
			cur = float64(cnDigitValue(r))
		case '十':
			if cur == 0 {
				cur = 1
			}
			total += cur * 10
			cur = 0
		case '百':
			total += cur * 100
			cur = 0
		case '千':
			total += cur * 1000
			cur = 0
		case '半':
			if !seen {
				return 0.5, j + size, false, true
			}
			return total + cur, j, false, seen
		default:
			if !seen {
				return 0, 0, false, false
			}
			return total + cur, j, false, true
		}
		seen = true
		j += size
	}
	if !seen {
		return 0, 0, false, false
	}
	return total + cur, j, false, true
}

func cnDigitValue(r rune) int {
	if r == '两' {
		return 2
	}
	return strings.IndexRune("零一二三四五六七八九", r) / len("零") // each is 3 bytes
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isNumberStart reports whether a number may start at s[i].
func isNumberStart(s string, i int) bool {
	if isDigit(s[i]) || strings.HasPrefix(s[i:], Masked) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return strings.ContainsRune("零〇一二两三四五六七八九十半", r)
}

// rangeSep returns the length of a range separator at s[i] ("-", "–", "~",
// "至", "到"), or 0.
func rangeSep(s string, i int) int {
	for _, sep := range [...]string{"-", "–", "—", "~", "～", "至", "到"} {
		if strings.HasPrefix(s[i:], sep) {
			return len(sep)
		}
	}
	return 0
}
