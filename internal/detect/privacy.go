package detect

import (
	"slices"
	"strings"
	"unicode/utf8"

	"fullqa/internal/conversation"
	"fullqa/internal/privacy"
	"fullqa/internal/text"
)

// thirdPartyContext are words right before a phone number that say it is
// not the customer's: the courier's or installer's number, or the official
// hotline, which agents are right to give.
var thirdPartyContext = [...]string{"配送员", "快递员", "送货员", "骑手", "师傅", "站点", "网点", "热线", "客服电话", "官方电话", "售后电话", "服务电话", "400",
	"厂家电话", "安装电话", "维修电话", "门店电话", "商家电话", "传真"}

// shopSideLabels are labels that, anywhere in the shopSideWindow before a
// value, say it is the shop's own data, not the customer's: a return
// address with its warehouse phone ("退货地址：浙江省杭州市…88号 张先生
// 13812345678") is what agents must send, and zeroing that conversation
// would be a false fatal.
var shopSideLabels = [...]string{"退货地址", "退回地址", "退换货地址", "寄回地址", "售后地址", "返厂地址", "返修地址", "维修地址",
	"仓库地址", "公司地址", "门店地址", "店铺地址", "厂家地址", "我们的地址", "我们地址", "我司地址",
	"寄回至", "寄回到我们", "寄回我们", "寄至我们", "寄到我们", "退回至", "退回到我们", "退回我们", "返厂", "售后服务中心", "维修中心", "服务网点"}

// shopSideWindow is how far (bytes, about forty Chinese characters) before
// a value shopSideLabels are looked for: a return address runs from the
// label through province, city, road and house number to a name and phone.
const shopSideWindow = 120

// shopPlaceAfter are words right after a house number that say the address
// is a business's ("…湖滨东路61号华为售后服务中心"), not the customer's home.
var shopPlaceAfter = [...]string{"售后", "服务中心", "维修", "网点", "门店", "专卖店", "营业厅", "仓库", "旗舰店", "体验店", "服务站", "公司"}

// thirdPartyWindow is how far (bytes, about eight Chinese characters)
// before a number thirdPartyContext is looked for.
const thirdPartyWindow = 24

// privacyDetector emits privacy.pii_leak when an agent message contains a
// full personal value: a mobile number, an ID number with a valid check
// digit, a bank card passing Luhn, or a detailed street address. Masked
// values (138****1234) are not leaks, and a courier's or hotline number is
// not the customer's data.
type privacyDetector struct {
	digits digitRuns
}

func newPrivacyDetector() *privacyDetector { return &privacyDetector{} }

// RegisterKeywords registers the digit pairs (see digitRuns).
func (d *privacyDetector) RegisterKeywords(k *Keywords) error {
	d.digits.register(k)
	return nil
}

func (d *privacyDetector) Name() string { return "privacy" }

func (d *privacyDetector) Codes() []string { return []string{"privacy.pii_leak"} }

func (d *privacyDetector) Inspect(in *Input, out *Output) {
	var buf [4]privacy.Span
	rows, w, bit := d.digits.rows(in)
	for i := range in.Conv.Messages {
		if !in.isRole(i, conversation.RoleAgent) {
			continue
		}
		// d.digits.in(in, i), its presence bit read here (most agent
		// messages have no digits).
		if i < len(rows) && rows[i][w%presentWords]&bit == 0 || i >= len(rows) && !d.digits.in(in, i) {
			continue
		}
		norm := in.Norm[i]
		var first privacy.Span
		var kinds []privacy.Kind
		for _, sp := range privacy.Scan(norm, buf[:0]) {
			if (sp.Kind == privacy.KindMobile || sp.Kind == privacy.KindLandline) && (thirdParty(norm[:sp.Start]) || ownNumber(norm[:sp.Start])) || shopSide(norm, sp) {
				continue
			}
			if len(kinds) == 0 {
				first = sp
			}
			if !slices.Contains(kinds, sp.Kind) {
				kinds = append(kinds, sp.Kind)
			}
		}
		if len(kinds) == 0 {
			continue
		}
		labels := make([]string, len(kinds))
		names := make([]string, len(kinds))
		for k, kind := range kinds {
			labels[k], names[k] = kind.Label(), kind.String()
		}
		// The evidence is the value in its sentence, as written: masked
		// only when the run masks everything it writes (--redact), like the
		// message it quotes. The kinds are named in the evidence and the
		// detail, so a reviewer sees what leaked without reading digits.
		out.Add(conversation.Finding{Code: "privacy.pii_leak", Severity: conversation.SeverityHigh,
			Messages: []int{i}, Evidence: strings.Join(labels, "、") + "：" + piiQuote(in, i, first),
			Detail: "agent message shows the customer's " + strings.Join(labels, "、") + " (" + strings.Join(names, ", ") + ") in full",
			Data:   conversation.Data{{Key: "kinds", Value: names}}})
	}
}

// piiQuote quotes the message holding a personal value: a short message
// whole, a long one from far enough before the value that a redacting
// writer still recognises it (an address needs its city and road, up to
// privacy.AddressLookback bytes before the house number) to the end of the
// value's clause.
func piiQuote(in *Input, i int, sp privacy.Span) string {
	if orig := in.Conv.Messages[i].Text; text.RunesAtMostValid(orig, 60, in.Conv.TextValid) {
		return strings.TrimSpace(orig)
	}
	s := in.Norm[i]
	start := max(0, sp.Start-privacy.AddressLookback)
	for start > 0 && !utf8.RuneStart(s[start]) {
		start--
	}
	end := sp.End
	for n := 0; n < 20 && end < len(s) && !isClauseBreak(s[end]); n++ {
		_, size := utf8.DecodeRuneInString(s[end:])
		end += size
	}
	return s[start:end]
}

// digitRuns answers hasDigitRun for a message from the shared keyword
// scan: the hundred words "00"…"99" (digitPairs), registered as one
// presence class, are in a message's normalized text exactly when it has
// two digits in a row. The privacy and compliance detectors asked
// hasDigitRun of every agent message, each scan reading the whole text
// again. FuzzDigitRuns holds it to hasDigitRunRef, the scan it replaces.
type digitRuns struct {
	class ClassID
	ok    bool // class is registered
	// word and bit are where class's presence bit is in a message's row
	// (bit 0 before it is registered), read by in.
	word uint8
	bit  uint64
}

// register adds the digit pairs to k: detectors that register them share
// one class (Keywords.Add's lists).
func (r *digitRuns) register(k *Keywords) {
	r.class, r.ok = k.AddPresence("privacy.digit_run", digitPairs()...), true
	r.word, r.bit = uint8(r.class)>>6, 1<<(uint8(r.class)&63) // as Input.may reads it
}

// in reports hasDigitRun(in.Norm[i]): by the class's presence when the
// engine scanned the messages for it (its bit, or Has walking the hits it
// kept), else from the text. The detectors' loops over every agent
// message read the bit inline (rows) and ask in only past the rows.
func (r *digitRuns) in(in *Input, i int) bool {
	if uint(i) < uint(len(in.present)) && r.bit != 0 { // bits only the engine keeps, as Has reads them
		return in.present[i][r.word%presentWords]&r.bit != 0
	}
	if r.ok && in.scanned {
		return in.Has(i, r.class)
	}
	return hasDigitRun(in.Norm[i])
}

// rows returns what in reads of the presence bits, for a loop that reads
// them inline: message i (below len(rows)) has a digit run when
// rows[i][word]&bit != 0; no rows when the class is not registered.
func (r *digitRuns) rows(in *Input) (rows [][presentWords]uint64, word uint8, bit uint64) {
	if r.bit == 0 {
		return nil, 0, 0
	}
	return in.present, r.word % presentWords, r.bit
}

// digitPairs returns the hundred words of two ASCII digits.
func digitPairs() []string {
	out := make([]string, 0, 100)
	for a := '0'; a <= '9'; a++ {
		for b := '0'; b <= '9'; b++ {
			out = append(out, string([]rune{a, b}))
		}
	}
	return out
}

// hasDigitRun reports whether s has two digits in a row, the least any
// personal value (a house number included) needs; most messages have none
// and skip the scan.
//
// It runs for every agent message and reads eight bytes at a time: a
// word's digit bytes are marked (digits8), and two marks in neighbouring
// lanes, or a digit ending one word and another opening the next, are a
// run. TestHasDigitRun and FuzzHasDigitRun check it against the byte loop
// it replaces.
func hasDigitRun(s string) bool {
	i, last := 0, uint64(0) // last: the digit mark of the byte before i, in lane 0
	for ; i+8 <= len(s); i += 8 {
		w := text.Load8(s, i)
		if w&0x8080808080808080 == 0x8080808080808080 {
			// Eight bytes past ASCII (most words of Chinese text): no
			// digit, so no run and no digit carried into the next word.
			last = 0
			continue
		}
		m := digits8(w)
		if m&(m>>8|last) != 0 {
			return true
		}
		last = m >> 56
	}
	prev := last != 0
	for ; i < len(s); i++ {
		d := s[i] >= '0' && s[i] <= '9'
		if d && prev {
			return true
		}
		prev = d
	}
	return false
}

// digits8 marks (bit 7 of its byte) every ASCII digit byte of the word w,
// exactly: every byte has its top bit set before the subtractions, so
// none borrows from its neighbour.
func digits8(w uint64) uint64 {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	top := w | high
	atLeast0 := top - ones*'0'   // bit 7 set: the low seven bits are >= '0'
	above9 := top - ones*('9'+1) // bit 7 set: they are > '9'
	return atLeast0 &^ above9 &^ w & high
}

func thirdParty(before string) bool {
	if len(before) > thirdPartyWindow {
		before = before[len(before)-thirdPartyWindow:]
	}
	for _, w := range thirdPartyContext {
		if strings.Contains(before, w) {
			return true
		}
	}
	return false
}

// shopSide reports whether the value sp of norm is the shop's own: a return
// or service address (and the phone that goes with it) by a label before
// it, or an address followed by a business name.
func shopSide(norm string, sp privacy.Span) bool {
	before := norm[max(0, sp.Start-shopSideWindow):sp.Start]
	for _, w := range shopSideLabels {
		if strings.Contains(before, w) {
			return true
		}
	}
	if sp.Kind != privacy.KindAddress {
		return false
	}
	after := norm[sp.End:min(len(norm), sp.End+18)]
	for _, w := range shopPlaceAfter {
		if strings.Contains(after, w) {
			return true
		}
	}
	return false
}
