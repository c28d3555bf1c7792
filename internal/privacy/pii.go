// Package privacy finds and masks personal data in chat text: Chinese
// mobile numbers, resident ID numbers (GB 11643 check digit), bank card
// numbers (Luhn), landlines and detailed street addresses. Detectors use it
// to flag agents who expose a customer's data, and ingest uses Redact so
// that stored and printed text never holds the values in full. It is pure
// string code with no dependencies, so both sides agree on what PII is.
package privacy

// Kind is a kind of personal data.
type Kind uint8

// The kinds Scan recognises.
const (
	KindMobile Kind = iota + 1
	KindIDCard
	KindBankCard
	KindLandline
	KindAddress
)

// String names the kind as reports and findings print it.
func (k Kind) String() string {
	switch k {
	case KindMobile:
		return "mobile"
	case KindIDCard:
		return "id_card"
	case KindBankCard:
		return "bank_card"
	case KindLandline:
		return "landline"
	case KindAddress:
		return "address"
	}
	return "unknown"
}

// Label names the kind in Chinese, as a QA lead reads it in evidence and
// reports (手机号, 身份证号 …).
func (k Kind) Label() string {
	switch k {
	case KindMobile:
		return "手机号"
	case KindIDCard:
		return "身份证号"
	case KindBankCard:
		return "银行卡号"
	case KindLandline:
		return "固定电话"
	case KindAddress:
		return "地址"
	}
	return "未知"
}

// Span is one full (unmasked) personal value in a text, as byte offsets.
type Span struct {
	Kind       Kind
	Start, End int
}

// Scan appends to dst every full personal value in s, ordered by where it
// starts, and returns it. A value that is already masked (138****1234) is
// not found, because the mask breaks the digit run. Numbers right after an
// order or waybill label ("订单号", "单号") are taken for what the label says.
func Scan(s string, dst []Span) []Span {
	from := len(dst)
	dst = scanNumbers(s, dst)
	dst = scanAddresses(s, dst)
	sortSpans(dst[from:])
	return dst
}

// scanNumbers appends the phone, ID, bank card and landline numbers of s.
func scanNumbers(s string, dst []Span) []Span {
	for i := 0; i < len(s); {
		c := s[i]
		if !isDigit(c) && !(c == '+' && i+1 < len(s) && isDigit(s[i+1])) {
			i++
			continue
		}
		if i > 0 && isWordByte(s[i-1]) { // inside a code like "sku123"
			// Always step past the first byte: a '+' is no token byte, and
			// not moving on it ("8+128") would loop for ever.
			i++
			for i < len(s) && isTokenByte(s[i]) {
				i++
			}
			continue
		}
		j := i + 1
		for j < len(s) && isTokenByte(s[j]) {
			j++
		}
		for j > i && s[j-1] == '-' {
			j--
		}
		// An ID number may end in X.
		if j < len(s) && (s[j] == 'x' || s[j] == 'X') && (j+1 == len(s) || !isWordByte(s[j+1])) && digitsOnly(s[i:j]) && j-i == 17 {
			j++
		}
		if j < len(s) && isWordByte(s[j]) {
			i = j
			continue
		}
		if k := Classify(s[i:j]); k != 0 && !(k != KindIDCard && labelledNumber(s[:i])) {
			dst = append(dst, Span{Kind: k, Start: i, End: j})
		}
		i = j
	}
	return dst
}

// sortSpans orders spans by start, a number before an address starting at
// the same byte. Numbers and addresses are found by two passes, so an
// address written before a phone number came after it; Redact, which skips
// a span that starts inside the one it just masked, then left the address
// in clear. The lists are short: insertion sort, no allocation.
func sortSpans(sp []Span) {
	for i := 1; i < len(sp); i++ {
		for j := i; j > 0 && sp[j].Start < sp[j-1].Start; j-- {
			sp[j], sp[j-1] = sp[j-1], sp[j]
		}
	}
}

// Classify returns the kind of a whole token of digits (with hyphens, a
// leading + and a final X for ID numbers), or 0 when it is none.
func Classify(v string) Kind {
	switch {
	case IsMobile(v):
		return KindMobile
	case IsIDCard(v):
		return KindIDCard
	case IsBankCard(v):
		return KindBankCard
	case IsLandline(v):
		return KindLandline
	}
	return 0
}

// IsMobile reports whether v is a mainland mobile number: 1[3-9] and nine
// more digits, optionally after +86, 86 or a trunk 0.
func IsMobile(v string) bool {
	switch {
	case len(v) == 14 && v[:3] == "+86":
		v = v[3:]
	case len(v) == 13 && v[:2] == "86":
		v = v[2:]
	case len(v) == 12 && v[0] == '0':
		v = v[1:]
	}
	return len(v) == 11 && digitsOnly(v) && v[0] == '1' && v[1] >= '3' && v[1] <= '9'
}

// IsIDCard reports whether v is a resident ID number: 18 characters with a
// valid birth date and GB 11643 check digit, or the old 15-digit form with
// a valid date.
func IsIDCard(v string) bool {
	switch len(v) {
	case 15:
		return digitsOnly(v) && v[0] >= '1' && v[0] <= '9' && validDate("19"+v[6:12])
	case 18:
		if !digitsOnly(v[:17]) || v[0] < '1' || v[0] > '9' || !validDate(v[6:14]) {
			return false
		}
		return checkDigit(v[:17]) == upper(v[17])
	}
	return false
}

// gbWeights are the GB 11643-1999 weights of the first 17 digits.
var gbWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

func checkDigit(d17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(d17[i]-'0') * gbWeights[i]
	}
	return "10X98765432"[sum%11]
}

func validDate(ymd string) bool {
	y := atoi(ymd[:4])
	m := atoi(ymd[4:6])
	d := atoi(ymd[6:8])
	if y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	if m == 2 && !(y%4 == 0 && (y%100 != 0 || y%400 == 0)) {
		return d <= 28
	}
	return d <= days[m]
}

// IsBankCard reports whether v is a 16–19 digit card number passing Luhn.
func IsBankCard(v string) bool {
	return len(v) >= 16 && len(v) <= 19 && digitsOnly(v) && Luhn(v)
}

// Luhn reports whether a digit string passes the Luhn (mod 10) check.
func Luhn(v string) bool {
	if len(v) < 2 || !digitsOnly(v) {
		return false
	}
	sum := 0
	double := false
	for i := len(v) - 1; i >= 0; i-- {
		d := int(v[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// IsLandline reports whether v is a landline written with a hyphen: a 3–4
// digit area code and a 7–8 digit number ("010-12345678"), or both run
// together before an extension ("021123456789-123"). Bare digit runs are
// not taken for landlines: in chats they are mostly order numbers.
func IsLandline(v string) bool {
	var parts [4]string
	n := 0
	for start, i := 0, 0; i <= len(v); i++ {
		if i == len(v) || v[i] == '-' {
			if n == len(parts) || i == start || !digitsOnly(v[start:i]) {
				return false
			}
			parts[n] = v[start:i]
			n++
			start = i + 1
		}
	}
	if n < 2 {
		return false
	}
	a, b := len(parts[0]), len(parts[1])
	if a >= 3 && a <= 4 && b >= 7 && b <= 8 {
		return true // area-number[-ext]
	}
	return a >= 10 && a <= 12 && n == 2 // areanumber-ext
}

// labelledNumber reports whether the text before a number ends with a
// label saying it is an order, waybill or goods number.
func labelledNumber(before string) bool {
	for len(before) > 0 && (before[len(before)-1] == ' ' || before[len(before)-1] == ':') {
		before = before[:len(before)-1]
	}
	for _, l := range [...]string{"订单号", "单号", "订单", "编号", "运单", "商品id", "商品ID", "sku", "工号"} {
		if len(before) >= len(l) && before[len(before)-len(l):] == l {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool     { return '0' <= c && c <= '9' }
func isTokenByte(c byte) bool { return isDigit(c) || c == '-' }
func isWordByte(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || isDigit(c) || c == '_'
}
func upper(c byte) byte {
	if c == 'x' {
		return 'X'
	}
	return c
}

func digitsOnly(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
