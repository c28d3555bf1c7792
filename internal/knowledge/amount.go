package knowledge

import (
	"strings"
	"unicode/utf8"
)

// Dim is the dimension of a measured value: the unit table maps every unit
// to one, so that 七天, 一周 and 168小时 compare equal and 5000mAh never
// compares with 5000ml.
type Dim uint8

// The dimensions. Values are stored in one base unit each: hours, grams,
// millilitres, centimetres, mAh, watts, volts, gigabytes, minutes after
// midnight (clock), a plain count for sizes (43码), and yuan.
const (
	DimNone Dim = iota
	DimTime
	DimMass
	DimVolume
	DimLength
	DimCharge
	DimPower
	DimVoltage
	DimStorage
	DimSize
	DimClock
	DimMoney
)

var dimNames = [...]string{"", "time", "mass", "volume", "length", "charge", "power", "voltage", "storage", "size", "clock", "money"}

func (d Dim) String() string { return dimNames[d] }

// unit is one spelling of a unit: its dimension and its size in the base
// unit. Spellings are in normalized form (lower case, half width).
type unit struct {
	name   string
	dim    Dim
	factor float64
}

// units is ordered so that a longer spelling comes before its prefix
// (个工作日 before 个). A 工作日 counts as a day: facts and claims both say
// working days or both say days almost always, and the rare mix is within
// a weekend of the truth.
var units = []unit{
	{"个工作日", DimTime, 24}, {"工作日", DimTime, 24}, {"个自然日", DimTime, 24}, {"自然日", DimTime, 24},
	{"个小时", DimTime, 1}, {"小时", DimTime, 1}, {"个钟头", DimTime, 1}, {"钟头", DimTime, 1},
	{"分钟", DimTime, 1.0 / 60}, {"天", DimTime, 24}, {"日", DimTime, 24},
	{"个星期", DimTime, 168}, {"星期", DimTime, 168}, {"个礼拜", DimTime, 168}, {"礼拜", DimTime, 168},
	{"周", DimTime, 168}, {"个月", DimTime, 720}, {"月", DimTime, 720}, {"年", DimTime, 8760},
	{"hours", DimTime, 1}, {"hour", DimTime, 1}, {"days", DimTime, 24}, {"day", DimTime, 24}, {"h", DimTime, 1},
	{"毫安时", DimCharge, 1}, {"毫安", DimCharge, 1}, {"mah", DimCharge, 1}, {"ah", DimCharge, 1000},
	{"千克", DimMass, 1000}, {"公斤", DimMass, 1000}, {"kg", DimMass, 1000}, {"斤", DimMass, 500},
	{"克", DimMass, 1}, {"g", DimMass, 1},
	{"毫升", DimVolume, 1}, {"ml", DimVolume, 1}, {"升", DimVolume, 1000}, {"l", DimVolume, 1000},
	{"毫米", DimLength, 0.1}, {"mm", DimLength, 0.1}, {"厘米", DimLength, 1}, {"cm", DimLength, 1},
	{"英寸", DimLength, 2.54}, {"寸", DimLength, 2.54}, {"米", DimLength, 100}, {"m", DimLength, 100},
	{"千瓦", DimPower, 1000}, {"kw", DimPower, 1000}, {"瓦", DimPower, 1}, {"w", DimPower, 1},
	{"伏", DimVoltage, 1}, {"v", DimVoltage, 1},
	{"tb", DimStorage, 1024}, {"gb", DimStorage, 1}, {"g", DimStorage, 1}, {"t", DimStorage, 1024},
	{"码", DimSize, 1}, {"元", DimMoney, 1}, {"块", DimMoney, 1},
}

// Amount is a measured value read from text: a single value (Lo == Hi), a
// range (3-5天) or an upper bound (48小时内: Within, Lo 0), in the base
// unit of Dim. Masked amounts have a placeholder for a number and no value.
type Amount struct {
	Lo, Hi     float64
	Dim        Dim
	Within     bool
	Masked     bool
	Start, End int // byte offsets in the scanned text
}

// Scan finds every amount of dimension want in s (DimNone: of any
// dimension), in order. Dates ("6月8日", "2019年") are not amounts.
func Scan(s string, want Dim) []Amount {
	var out []Amount
	for i := 0; i < len(s); {
		if !isNumberStart(s, i) || (i > 0 && (isDigit(s[i-1]) || s[i-1] == '.')) {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			continue
		}
		a, ok := amountAt(s, i, want)
		if !ok {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			continue
		}
		out = append(out, a)
		i = a.End
	}
	return out
}

// amountAt reads an amount that starts at s[i].
func amountAt(s string, i int, want Dim) (Amount, bool) {
	lo, end, masked, ok := readNumber(s, i)
	if !ok {
		return Amount{}, false
	}
	hi := lo
	j := end
	// "3-5天": a second number before the unit.
	if n := rangeSep(s, j); n > 0 && j+n < len(s) && isNumberStart(s, j+n) {
		if v, e, m, ok := readNumber(s, j+n); ok {
			hi, j, masked = v, e, masked || m
		}
	}
	u, ulen, ok := unitAt(s, j, want)
	if !ok || !plausible(s, i, j+ulen, u, hi) {
		return Amount{}, false
	}
	a := Amount{Lo: lo * u.factor, Hi: hi * u.factor, Dim: u.dim, Masked: masked, Start: i, End: j + ulen}
	if a.Lo > a.Hi {
		a.Lo, a.Hi = a.Hi, a.Lo
	}
	// "3天到5天": a range written with the unit twice.
	if n := rangeSep(s, a.End); n > 0 && a.End+n < len(s) && isNumberStart(s, a.End+n) && lo == hi {
		if b, ok := amountAt(s, a.End+n, u.dim); ok && b.Lo == b.Hi && !b.Within {
			a.Hi, a.End, a.Masked = b.Hi, b.End, a.Masked || b.Masked
		}
	}
	for _, w := range [...]string{"之内", "以内", "内"} {
		if strings.HasPrefix(s[a.End:], w) {
			a.Within, a.Lo, a.End = true, 0, a.End+len(w)
			break
		}
	}
	return a, true
}

// unitAt matches a unit of dimension want (any when DimNone) at s[j],
// skipping one space and one 个 that the table does not spell.
func unitAt(s string, j int, want Dim) (unit, int, bool) {
	skip := 0
	if j < len(s) && s[j] == ' ' {
		skip = 1
	}
	for _, u := range units {
		if want != DimNone && u.dim != want {
			continue
		}
		if strings.HasPrefix(s[j+skip:], u.name) {
			return u, skip + len(u.name), true
		}
	}
	return unit{}, 0, false
}

// plausible rejects readings that are not measures: dates (月 followed by a
// day, a day after a month, a four-digit year), ASCII units glued to a
// longer word ("5g网络" is a network, "3m" inside "3mm" is not metres), and
// a bare 月 without 个 unless a window word follows (三月 is March).
func plausible(s string, start, end int, u unit, v float64) bool {
	if u.name != "" && isASCIILetter(u.name[0]) && end < len(s) && (isASCIILetter(s[end]) || isDigit(s[end])) {
		return false
	}
	if strings.HasSuffix(s[:start], "月") || strings.HasSuffix(s[:start], "年") {
		return false // the day or month of a date
	}
	switch u.name {
	case "月":
		return strings.HasPrefix(s[end:], "内") || strings.HasPrefix(s[end:], "之内") || strings.HasPrefix(s[end:], "以内") ||
			strings.HasPrefix(s[end:], "质保") || strings.HasPrefix(s[end:], "保修")
	case "年":
		return v < 100
	case "日":
		return end >= len(s) || !isNumberStart(s, end)
	case "g", "t":
		// 5g / 4g after a number is the network generation as often as a
		// weight or a size; it counts only when nothing follows that makes
		// it a word ("5g手机", "4g网络").
		return end >= len(s) || !strings.HasPrefix(s[end:], "手机") && !strings.HasPrefix(s[end:], "网")
	}
	return true
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' }

// ScanClock finds times of day ("16:00", "下午4点", "16点半") in s, as
// minutes after midnight in Lo and Hi.
func ScanClock(s string) []Amount {
	var out []Amount
	for i := 0; i < len(s); {
		if !isNumberStart(s, i) || (i > 0 && isDigit(s[i-1])) {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			continue
		}
		v, end, masked, ok := readNumber(s, i)
		if !ok {
			i++
			continue
		}
		h, m := v, 0.0
		switch {
		case strings.HasPrefix(s[end:], ":") && end+3 <= len(s) && isDigit(s[end+1]) && isDigit(s[end+2]):
			m = float64((s[end+1]-'0')*10 + s[end+2] - '0')
			end += 3
		case strings.HasPrefix(s[end:], "点半"):
			m, end = 30, end+len("点半")
		case strings.HasPrefix(s[end:], "点"):
			end += len("点")
			if mv, e, _, ok := readNumber(s, end); ok && mv < 60 {
				m, end = mv, e
				if strings.HasPrefix(s[end:], "分") {
					end += len("分")
				}
			}
		default:
			i = end
			continue
		}
		if h > 24 {
			i = end
			continue
		}
		for _, p := range [...]string{"下午", "晚上", "傍晚"} {
			if strings.HasSuffix(s[:i], p) && h < 12 {
				h += 12
			}
		}
		if strings.HasSuffix(s[:i], "中午") && h < 3 {
			h += 12
		}
		min := h*60 + m
		out = append(out, Amount{Lo: min, Hi: min, Dim: DimClock, Masked: masked, Start: i, End: end})
		i = end
	}
	return out
}
