package report

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"fullqa/internal/conversation"
	"fullqa/internal/scan"
	"fullqa/internal/score"
)

// AppendJSONResult appends r as one line of scan output, the same document
// encoding/json makes of NewJSONResult(r), without reflection: scan output
// is written for every conversation, so this is on the hot path. A test
// checks both encodings agree.
func AppendJSONResult(b []byte, r *scan.Result) []byte {
	c := r.Conv
	b = append(b, `{"id":`...)
	b = appendString(b, c.ID)
	b = append(b, `,"score":`...)
	b = strconv.AppendInt(b, int64(r.Score), 10)
	b = append(b, `,"tags":`...)
	b = appendList(b, r.Tags, func(b []byte, t conversation.Tag) []byte { return appendString(b, t.Name) })
	if len(r.Tags) > 0 {
		b = append(b, `,"tag_evidence":`...)
		b = appendList(b, r.Tags, appendTag)
	}
	b = append(b, `,"findings":`...)
	b = appendList(b, r.Findings, appendFinding)
	if len(r.Deductions) > 0 {
		b = append(b, `,"deductions":`...)
		b = appendList(b, r.Deductions, appendDeduction)
	}
	if r.Ending.Label != "" {
		b = append(b, `,"ending":{"label":`...)
		b = appendString(b, r.Ending.Label)
		b = append(b, `,"p":`...)
		b = appendScore(b, r.Ending.P)
		b = append(b, '}')
	}
	b = append(b, `,"messages":[`...)
	for i := range c.Messages {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"n":`...)
		b = strconv.AppendInt(b, int64(i), 10)
		if r.Emotion != nil && c.Messages[i].Role == conversation.RoleCustomer && r.Emotion[i].Label != "" {
			b = append(b, `,"emotion":`...)
			b = appendString(b, r.Emotion[i].Label)
			b = append(b, `,"emotion_score":`...)
			b = appendScore(b, r.Emotion[i].Score)
		}
		if r.Emotion != nil && c.Messages[i].Role == conversation.RoleCustomer && r.Emotion[i].Satisfaction != "" {
			b = append(b, `,"satisfaction":{"label":`...)
			b = appendString(b, r.Emotion[i].Satisfaction)
			b = append(b, `,"p":`...)
			b = appendScore(b, r.Emotion[i].SatisfactionP)
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	b = append(b, `],"kpi":`...)
	b = appendKPI(b, &r.KPI)
	return append(b, '}', '\n')
}

// roundScore is how emotion scores are written: three decimals.
func roundScore(s float32) float64 { return float64(int(s*1000+0.5)) / 1000 }

// appendScore appends appendFloat(b, roundScore(s)) without the float
// formatter for a score in [0, 1], as probabilities are: roundScore is
// k/1000 for an integer k, the double nearest to that decimal, so the
// shortest decimal that reads back as it is k/1000 itself with its
// trailing zeros dropped. Three of these are written per customer message.
func appendScore(b []byte, s float32) []byte {
	k := int(s*1000 + 0.5)
	switch {
	case !(s >= 0 && s <= 1) || k < 0 || k > 1000:
		return appendFloat(b, roundScore(s)) // NaN or out of range: the general way
	case k == 0:
		return append(b, '0')
	case k == 1000:
		return append(b, '1')
	}
	d := [5]byte{'0', '.', byte('0' + k/100), byte('0' + k/10%10), byte('0' + k%10)}
	n := len(d)
	for d[n-1] == '0' {
		n--
	}
	return append(b, d[:n]...)
}

func appendTag(b []byte, t conversation.Tag) []byte {
	b = append(b, `{"name":`...)
	b = appendString(b, t.Name)
	b = append(b, `,"messages":`...)
	b = appendInts(b, t.Messages)
	return append(b, '}')
}

func appendFinding(b []byte, f conversation.Finding) []byte {
	b = append(b, `{"code":`...)
	b = appendString(b, f.Code)
	b = append(b, `,"severity":`...)
	b = appendString(b, f.Severity.String())
	b = append(b, `,"messages":`...)
	b = appendInts(b, f.Messages)
	b = append(b, `,"evidence":`...)
	b = appendString(b, f.Evidence)
	if f.Detail != "" {
		b = append(b, `,"detail":`...)
		b = appendString(b, f.Detail)
	}
	if len(f.Data) > 0 {
		b = append(b, `,"data":`...)
		b = appendAny(b, f.Data)
	}
	return append(b, '}')
}

func appendDeduction(b []byte, d score.Deduction) []byte {
	b = append(b, `{"finding":`...)
	b = strconv.AppendInt(b, int64(d.Finding), 10)
	b = append(b, `,"code":`...)
	b = appendString(b, d.Code)
	b = append(b, `,"category":`...)
	b = appendString(b, d.Category)
	b = append(b, `,"item":`...)
	b = appendString(b, d.Item)
	b = append(b, `,"points":`...)
	b = strconv.AppendInt(b, int64(d.Points), 10)
	if d.Fatal {
		b = append(b, `,"fatal":true`...)
	}
	return append(b, '}')
}

func appendKPI(b []byte, k *score.KPI) []byte {
	b = append(b, '{')
	first := true
	key := func(name string) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, '"', ':')
	}
	optF := func(name string, v *float64) {
		if v != nil {
			key(name)
			b = appendFloat(b, *v)
		}
	}
	intF := func(name string, v int) {
		key(name)
		b = strconv.AppendInt(b, int64(v), 10)
	}
	boolF := func(name string, v bool) {
		key(name)
		b = strconv.AppendBool(b, v)
	}
	if k.Day != "" {
		key("day")
		b = appendString(b, k.Day)
	}
	optF("first_response_s", k.FirstResponseS)
	optF("mean_response_s", k.MeanResponseS)
	intF("rounds", k.Rounds)
	intF("unanswered_rounds", k.Unanswered)
	intF("slow_rounds", k.SlowRounds)
	intF("window_rounds", k.WindowRounds)
	intF("window_answered_3m", k.WindowAnswered3)
	boolF("reply_ok", k.ReplyOK)
	intF("customer_messages", k.CustomerMsgs)
	intF("agent_messages", k.AgentMsgs)
	intF("bot_messages", k.BotMsgs)
	optF("duration_s", k.DurationS)
	boolF("long", k.Long)
	return append(b, '}')
}

func appendInts(b []byte, xs []int) []byte {
	if xs == nil {
		return append(b, "null"...)
	}
	return appendList(b, xs, func(b []byte, x int) []byte { return strconv.AppendInt(b, int64(x), 10) })
}

// appendList writes xs as a JSON array, each element by elem.
func appendList[T any](b []byte, xs []T, elem func([]byte, T) []byte) []byte {
	b = append(b, '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = elem(b, x)
	}
	return append(b, ']')
}

// appendAny encodes finding data: the value types detectors put there are
// written directly (map keys sorted, as encoding/json does); anything else
// goes through encoding/json.
func appendAny(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendString(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case int32:
		return strconv.AppendInt(b, int64(x), 10)
	case float64:
		return appendFloat(b, x)
	case float32:
		return appendFloat(b, float64(x))
	case map[string]any:
		if len(x) == 1 { // most data: one key, nothing to sort
			for k, v := range x {
				b = append(b, '{')
				b = appendString(b, k)
				b = append(b, ':')
				b = appendAny(b, v)
			}
			return append(b, '}')
		}
		// Findings' data have a few keys: sorted on the stack.
		var kb [8]string
		keys := kb[:0]
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys) // sort.Strings boxes keys, moving kb to the heap
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b = appendAny(b, x[k])
		}
		return append(b, '}')
	case []any:
		return appendList(b, x, appendAny)
	case []map[string]any:
		return appendList(b, x, func(b []byte, m map[string]any) []byte { return appendAny(b, m) })
	case []string:
		return appendList(b, x, appendString)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return append(b, "null"...)
	}
	return append(b, bytes.TrimRight(buf.Bytes(), "\n")...)
}

// appendFloat writes a float the way encoding/json does.
func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	abs := math.Abs(f)
	fmtc := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		fmtc = 'e'
	}
	b = strconv.AppendFloat(b, f, fmtc, -1, 64)
	if fmtc == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string, escaping as encoding/json does
// with HTML escaping off.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		if c >= 0xE3 && c <= 0xEF && c != 0xED && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			// U+3000 to U+FFFF but the surrogates (all of Chinese): valid,
			// and nothing to escape.
			i += 3
			continue
		}
		if c&0xF0 == 0xE0 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			// A valid three-byte character passes through; only
			// U+2028/U+2029 and surrogates need the slow path.
			if r := rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F); r >= 0x800 && r != 0x2028 && r != 0x2029 && (r < 0xD800 || r > 0xDFFF) {
				i += 3
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
