package privacy

import (
	"strings"
	"unicode/utf8"
)

// RedactConfig chooses which kinds of personal data Redact masks. It is the
// ingest-time redaction option (`redact:` in the YAML, `--redact` on the
// command line): masking happens per message, so message numbers and the
// rest of the text are kept and findings still point at the right place.
type RedactConfig struct {
	Mobile   bool `yaml:"mobile"`
	IDCard   bool `yaml:"id_card"`
	BankCard bool `yaml:"bank_card"`
	Landline bool `yaml:"landline"`
	Address  bool `yaml:"address"`
}

// DefaultRedactConfig masks every kind; a shop that wants to keep, say,
// addresses for its couriers turns that kind off.
func DefaultRedactConfig() RedactConfig {
	return RedactConfig{Mobile: true, IDCard: true, BankCard: true, Landline: true, Address: true}
}

func (c RedactConfig) wants(k Kind) bool {
	switch k {
	case KindMobile:
		return c.Mobile
	case KindIDCard:
		return c.IDCard
	case KindBankCard:
		return c.BankCard
	case KindLandline:
		return c.Landline
	case KindAddress:
		return c.Address
	}
	return false
}

// Redact masks every kind of personal data in s with the default config.
func Redact(s string) string { return DefaultRedactConfig().Redact(s) }

// Redact masks the kinds c selects in s, keeping the first three and last
// four digits of numbers (the platforms' own 138****1234 style, so that a
// reviewer can still tell two numbers apart) and replacing the house
// number of an address with *. Text without personal data is returned
// unchanged without allocating.
func (c RedactConfig) Redact(s string) string {
	// Values typed with full-width digits (１３８…, as some input methods
	// write them) are found in a narrowed copy and masked in s: detectors
	// see normalized text, so without this a value they report would be
	// written in clear under --redact.
	scan, pos := s, []int(nil)
	if hasWide(s) {
		scan, pos = narrow(s)
	}
	at := func(i int) int {
		if pos == nil {
			return i
		}
		return pos[i]
	}
	var buf [8]Span
	spans := Scan(scan, buf[:0])
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0                  // in scan
	for _, sp := range spans { // ordered by start (Scan)
		if !c.wants(sp.Kind) || sp.End <= last {
			continue
		}
		if sp.Start >= last {
			b.WriteString(s[at(last):at(sp.Start)])
			b.WriteString(Mask(sp.Kind, scan[sp.Start:sp.End]))
		} else {
			// A value that runs on past the one just masked (a house number
			// written straight after a phone number): mask the rest whole.
			b.WriteString(maskRest(sp.Kind, scan[last:sp.End]))
		}
		last = sp.End
	}
	b.WriteString(s[at(last):])
	return b.String()
}

// hasWide reports whether s may hold a full-width digit, plus, minus or X
// (U+FF0B, U+FF0D, U+FF10–U+FF19, U+FF38, U+FF58).
func hasWide(s string) bool {
	return strings.Contains(s, "\xef\xbc") || strings.Contains(s, "\xef\xbd\x98")
}

// narrow returns s with full-width digits, plus, minus and X made ASCII,
// and for every byte offset of the result (and its end) the offset in s.
func narrow(s string) (string, []int) {
	var b strings.Builder
	b.Grow(len(s))
	pos := make([]int, 0, len(s)+1)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		n := b.Len()
		switch {
		case r >= '０' && r <= '９':
			b.WriteByte(byte(r - '０' + '0'))
		case r == '＋':
			b.WriteByte('+')
		case r == '－':
			b.WriteByte('-')
		case r == 'Ｘ':
			b.WriteByte('X')
		case r == 'ｘ':
			b.WriteByte('x')
		default:
			b.WriteString(s[i : i+size]) // as written, invalid bytes included
		}
		for ; n < b.Len(); n++ {
			pos = append(pos, i)
		}
		i += size
	}
	pos = append(pos, len(s))
	return b.String(), pos
}

// maskRest masks the tail of a value whose head overlapped a value already
// masked: an address tail becomes "***", a number tail loses every digit.
func maskRest(k Kind, v string) string {
	if k == KindAddress {
		return "***"
	}
	b := []byte(v)
	for i, c := range b {
		if isDigit(c) {
			b[i] = '*'
		}
	}
	return string(b)
}

// Mask returns the masked form of one value of kind k.
func Mask(k Kind, v string) string {
	if k == KindAddress {
		return "***"
	}
	prefix := 0
	if strings.HasPrefix(v, "+86") {
		prefix = 3
	}
	keepHead, keepTail := 3, 4
	if k == KindIDCard || k == KindBankCard {
		keepHead = 4
	}
	body := v[prefix:]
	if len(body) <= keepHead+keepTail {
		return v
	}
	var b strings.Builder
	b.Grow(len(v))
	b.WriteString(v[:prefix])
	b.WriteString(body[:keepHead])
	for i := keepHead; i < len(body)-keepTail; i++ {
		if body[i] == '-' {
			b.WriteByte('-')
		} else {
			b.WriteByte('*')
		}
	}
	b.WriteString(body[len(body)-keepTail:])
	return b.String()
}
