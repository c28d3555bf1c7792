package report

import (
	"bytes"
	"encoding/json"
	"math"
	"math/bits"
	"strconv"
	"unicode/utf8"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/scan"
	"fullqa/internal/score"

	"fullqa/internal/text"
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
	b = appendInt(b, r.Score)
	// The lists are appendList's loop written out: each element by a
	// direct call (and a finding by pointer), not a call of a func value
	// with a copy of the element.
	b = append(b, `,"tags":[`...)
	for i := range r.Tags {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, r.Tags[i].Name)
	}
	b = append(b, ']')
	if len(r.Tags) > 0 {
		b = appendPart(b, &tagEvidencePart)
		for i := range r.Tags {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendTag(b, &r.Tags[i])
		}
		b = append(b, ']')
	}
	b = append(b, `,"findings":[`...)
	for i := range r.Findings {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFindingOf(b, &r.Findings[i], c.TextValid, c.TextValid && c.TextPlain)
	}
	b = append(b, ']')
	if len(r.Deductions) > 0 {
		b = append(b, `,"deductions":[`...)
		for i := range r.Deductions {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendDeduction(b, &r.Deductions[i])
		}
		b = append(b, ']')
	}
	if r.Ending.Label != "" {
		b = appendPart(b, &endingPart)
		b = appendString(b, r.Ending.Label)
		b = append(b, `,"p":`...)
		b = appendScore(b, r.Ending.P)
		b = append(b, '}')
	}
	b = append(b, `,"messages":[`...)
	for i := range c.Messages {
		if i < len(msgHeads) {
			// `{"n":0`, then `,{"n":` and the number, from msgHeads:
			// eight bytes appended whole (a copy of a size the compiler
			// knows) and b cut back to the head's end.
			end := len(b) + int(msgHeadLen[i])
			b = append(b, msgHeads[i][:]...)[:end]
		} else {
			b = append(b, `,{"n":`...)
			b = appendInt(b, i)
		}
		if r.Emotion != nil && c.Messages[i].Role == conversation.RoleCustomer {
			e := &r.Emotion[i]
			if e.Label != "" {
				if part := emotionPart(e.Label); part != nil {
					b = appendPart(b, part)
				} else {
					b = append(b, `,"emotion":`...)
					b = appendString(b, e.Label)
					b = append(b, `,"emotion_score":`...)
				}
				var ok bool
				if b, ok = scoreFast(b, e.Score); !ok {
					b = appendScoreEdge(b, e.Score)
				}
			}
			if e.Satisfaction != "" {
				if part := satisfactionPart(e.Satisfaction); part != nil {
					b = appendPart(b, part)
				} else {
					b = append(b, `,"satisfaction":{"label":`...)
					b = appendString(b, e.Satisfaction)
					b = append(b, `,"p":`...)
				}
				var ok bool
				if b, ok = scoreFast(b, e.SatisfactionP); !ok {
					b = appendScoreEdge(b, e.SatisfactionP)
				}
				b = append(b, '}')
			}
		}
		b = append(b, '}')
	}
	b = append(b, `],"kpi":`...)
	b = appendKPI(b, &r.KPI)
	return append(b, '}', '\n')
}

// msgHeads is what AppendJSONResult writes at the start of message i's
// object, for the first hundred messages: `{"n":0` for the first, then a
// comma, `{"n":` and the number (eight bytes at most); msgHeadLen is its
// length. Built once, read only.
var msgHeads, msgHeadLen = func() (t [100][8]byte, n [100]uint8) {
	for i := range t {
		h := `,{"n":` + strconv.Itoa(i)
		if i == 0 {
			h = h[1:]
		}
		n[i] = uint8(copy(t[i][:], h))
	}
	return t, n
}()

// roundScore is how emotion scores are written: three decimals.
func roundScore(s float32) float64 { return float64(int(s*1000+0.5)) / 1000 }

// appendScore appends appendFloat(b, roundScore(s)) without the float
// formatter for a score in [0, 1], as probabilities are: roundScore is
// k/1000 for an integer k, the double nearest to that decimal, so the
// shortest decimal that reads back as it is k/1000 itself with its
// trailing zeros dropped. Three of these are written per customer
// message, by scoreFast and, when it cannot, appendScoreEdge.
func appendScore(b []byte, s float32) []byte {
	if b, ok := scoreFast(b, s); ok {
		return b
	}
	return appendScoreEdge(b, s)
}

// scoreFast is appendScore of a score whose k is 1 to 999, and ok false
// (b as it was) for any other: s*1000+0.5 in [1, 1000) puts s in [0, 1],
// and NaN converts to a negative k. Small enough for the compiler to
// inline, without a call: AppendJSONResult calls appendScoreEdge itself
// when it is not ok, where every score went through a call.
func scoreFast(b []byte, s float32) ([]byte, bool) {
	k := int(s*1000 + 0.5)
	if uint(k-1) >= 999 {
		return b, false
	}
	// The row's first seven bytes are appended whole (a copy of a size
	// the compiler knows, which it writes itself instead of calling
	// memmove) and b cut back to the text's end: the bytes past it are
	// b's spare room, which the next append writes over.
	m := &scoreText[k]
	n := len(b) + int(m[len(m)-1])
	return append(b, m[:len(m)-1]...)[:n], true
}

// appendScoreEdge is appendScore of a score whose k is not 1–999: 0, 1,
// and NaN or out of range, which go the general way.
func appendScoreEdge(b []byte, s float32) []byte {
	k := int(s*1000 + 0.5)
	switch {
	case !(s >= 0 && s <= 1) || k < 0 || k > 1000:
		return appendFloat(b, roundScore(s)) // NaN or out of range: the general way
	case k == 0:
		return append(b, '0')
	case k == 1000:
		return append(b, '1')
	}
	b, _ = scoreFast(b, s) // k in 1–999: a caller that did not try it first
	return b
}

// scoreText is what appendScore writes for k/1000, k in 1–999: "0", the
// point and up to three digits (appendMilli's), with their length in the
// last byte. Three scores are written per customer message; a table read
// is cheaper than appendMilli's divisions. Built once, read only.
var scoreText = func() (t [1000][8]byte) {
	for k := 1; k < 1000; k++ {
		n := copy(t[k][:], appendMilli([]byte{'0'}, k))
		t[k][len(t[k])-1] = byte(n)
	}
	return t
}()

// appendMilli appends the fraction r/1000 (r in 1–999) as appendFloat and
// appendScore write it: a point and up to three digits, trailing zeros
// dropped.
func appendMilli(b []byte, r int) []byte {
	d := [4]byte{'.', byte('0' + r/100), byte('0' + r/10%10), byte('0' + r%10)}
	n := len(d)
	for d[n-1] == '0' {
		n--
	}
	return append(b, d[:n]...)
}

// emotionPart is a message's emotion label with the keys around it,
// `,"emotion":"neutral","emotion_score":`, for the three labels the
// detectors give: one constant to append instead of three appends and a
// look at the label's bytes, padded for appendPart. nil for any other
// label, which the caller writes the general way (the same bytes:
// TestLabelParts).
func emotionPart(label string) *labelPart {
	switch label {
	case detect.EmotionNegative:
		return &emotionParts[0]
	case detect.EmotionNeutral:
		return &emotionParts[1]
	case detect.EmotionPositive:
		return &emotionParts[2]
	}
	return nil
}

// satisfactionPart is emotionPart for the satisfaction label:
// `,"satisfaction":{"label":"neutral","p":`.
func satisfactionPart(label string) *labelPart {
	switch label {
	case detect.SatisfactionDissatisfied:
		return &satisfactionParts[0]
	case detect.SatisfactionNeutral:
		return &satisfactionParts[1]
	case detect.SatisfactionSatisfied:
		return &satisfactionParts[2]
	}
	return nil
}

// A labelPart is the text of a label with its keys, padded to a fixed
// size: appendPart copies all of it (a copy of a size the compiler knows)
// and keeps its first n bytes.
type labelPart struct {
	text [48]byte
	n    int
}

// newLabelPart pads s (48 bytes at most) into a labelPart.
func newLabelPart(s string) labelPart {
	p := labelPart{n: len(s)}
	if copy(p.text[:], s) != len(s) {
		panic("report: label part too long: " + s)
	}
	return p
}

// emotionParts and satisfactionParts are the parts of the detectors'
// labels, in emotionPart's and satisfactionPart's order. Built once, read
// only.
var (
	emotionParts = func() [3]labelPart {
		const key, next = `,"emotion":"`, `","emotion_score":`
		return [3]labelPart{newLabelPart(key + detect.EmotionNegative + next),
			newLabelPart(key + detect.EmotionNeutral + next), newLabelPart(key + detect.EmotionPositive + next)}
	}()
	satisfactionParts = func() [3]labelPart {
		const key, next = `,"satisfaction":{"label":"`, `","p":`
		return [3]labelPart{newLabelPart(key + detect.SatisfactionDissatisfied + next),
			newLabelPart(key + detect.SatisfactionNeutral + next), newLabelPart(key + detect.SatisfactionSatisfied + next)}
	}()
)

// appendPart appends p's text: all of its bytes sixteen at a time (copies
// of a size the compiler knows, which it writes itself where a string of
// a length it does not know goes through memmove), then b cut back to
// p.n bytes more: the padding is b's spare room, which the next append
// writes over.
func appendPart(b []byte, p *labelPart) []byte {
	end := len(b) + p.n
	b = append(b, p.text[:16]...)
	b = append(b, p.text[16:32]...)
	b = append(b, p.text[32:48]...)
	return b[:end]
}

func appendTag(b []byte, t *conversation.Tag) []byte {
	b = append(b, `{"name":`...)
	b = appendString(b, t.Name)
	b = append(b, `,"messages":`...)
	b = appendInts(b, t.Messages)
	return append(b, '}')
}

// appendFindingOf appends finding f as the JSON Lines contract writes it;
// its evidence is known to be valid UTF-8 when valid is set: the
// conversation's texts are (Conversation.TextValid), and evidence quotes
// only them, cut at character boundaries, and literal text (the engine
// checks no evidence then either: detect's validText). Its evidence is
// then written by appendValidString, which looks for escapes only. When
// plain is set too (Conversation.TextPlain: neither the texts nor their
// normalized forms hold anything to escape, and the literal text the
// detectors add holds none either), there is nothing to look for, and
// the evidence is copied as it is (TestPlainEvidence).
func appendFindingOf(b []byte, f *conversation.Finding, valid, plain bool) []byte {
	b = append(b, `{"code":`...)
	b = appendString(b, f.Code)
	if part := severityPart(f.Severity); part != nil {
		b = appendPart(b, part)
	} else {
		b = append(b, `,"severity":`...)
		b = appendString(b, f.Severity.String())
		b = append(b, `,"messages":`...)
	}
	b = appendInts(b, f.Messages)
	b = append(b, `,"evidence":`...)
	if plain {
		b = append(append(append(b, '"'), f.Evidence...), '"')
	} else if valid {
		b = appendValidString(b, f.Evidence)
	} else {
		b = appendString(b, f.Evidence)
	}
	if f.Detail != "" {
		b = append(b, `,"detail":`...)
		b = appendString(b, f.Detail)
	}
	if len(f.Data) > 0 {
		b = append(b, `,"data":`...)
		b = appendData(b, f.Data)
	}
	return append(b, '}')
}

// appendData writes a finding's data as encoding/json writes the map it
// reads as: its fields in key order (Data.Sorted, d itself when the
// detector built it in order, as they do), each value by appendAny.
func appendData(b []byte, d conversation.Data) []byte {
	b = append(b, '{')
	for i, f := range d.Sorted() {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, f.Key)
		b = append(b, ':')
		b = appendAny(b, f.Value)
	}
	return append(b, '}')
}

// severityPart is a finding's severity with the keys around it,
// `,"severity":"low","messages":`, one constant for each severity, as
// emotionPart; nil for a value past them (TestLabelParts).
func severityPart(s conversation.Severity) *labelPart {
	if s >= conversation.SeverityInfo && int(s-conversation.SeverityInfo) < len(severityParts) {
		return &severityParts[s-conversation.SeverityInfo]
	}
	return nil
}

// severityParts are the parts of the severities from SeverityInfo on,
// and tagEvidencePart, endingPart and kpiParts other keys of more than
// sixteen bytes, which appendPart copies where append of the string
// called memmove. Built once, read only.
var (
	severityParts = func() (p [5]labelPart) {
		const key, next = `,"severity":"`, `","messages":`
		for i := range p {
			p[i] = newLabelPart(key + (conversation.SeverityInfo + conversation.Severity(i)).String() + next)
		}
		return p
	}()
	tagEvidencePart = newLabelPart(`,"tag_evidence":[`)
	endingPart      = newLabelPart(`,"ending":{"label":`)
	kpiParts        = [...]labelPart{
		newLabelPart(`,"first_response_s":`), newLabelPart(`,"mean_response_s":`),
		newLabelPart(`,"unanswered_rounds":`), newLabelPart(`,"window_rounds":`), newLabelPart(`,"window_answered_3m":`),
		newLabelPart(`,"reply_ok":true,"customer_messages":`), newLabelPart(`,"reply_ok":false,"customer_messages":`),
		newLabelPart(`,"agent_messages":`),
	}
)

// The kpiParts.
const (
	kpiFirstResponse = iota
	kpiMeanResponse
	kpiUnanswered
	kpiWindowRounds
	kpiWindowAnswered3
	kpiReplyOK
	kpiReplyNotOK
	kpiAgentMessages
)

func appendDeduction(b []byte, d *score.Deduction) []byte {
	b = append(b, `{"finding":`...)
	b = appendInt(b, d.Finding)
	b = append(b, `,"code":`...)
	b = appendString(b, d.Code)
	if d.PlainText() {
		// The scorecard's own names, known when the sheet was made to
		// need no escapes (TestDeductionPlainText holds the copy to
		// appendString's output).
		b = append(b, `,"category":"`...)
		b = append(b, d.Category...)
		b = append(b, `","item":"`...)
		b = append(b, d.Item...)
		b = append(b, '"')
	} else {
		b = append(b, `,"category":`...)
		b = appendString(b, d.Category)
		b = append(b, `,"item":`...)
		b = appendString(b, d.Item)
	}
	b = append(b, `,"points":`...)
	b = appendInt(b, d.Points)
	if d.Fatal {
		b = append(b, `,"fatal":true`...)
	}
	return append(b, '}')
}

// appendKPI writes a conversation's KPI object. Each key is one constant
// with the comma before it (dropped for the first key written: day, an
// optional figure or rounds), not a quote, the name, a quote and a colon
// appended apart; the booleans are constants with their keys.
func appendKPI(b []byte, k *score.KPI) []byte {
	b = append(b, '{')
	first := true
	if k.Day != "" {
		b = append(b, `"day":`...)
		b = appendString(b, k.Day)
		first = false
	}
	if v := k.FirstResponseS; v != nil {
		b = appendKeyPart(b, &kpiParts[kpiFirstResponse], first)
		b = appendFloat(b, *v)
		first = false
	}
	if v := k.MeanResponseS; v != nil {
		b = appendKeyPart(b, &kpiParts[kpiMeanResponse], first)
		b = appendFloat(b, *v)
		first = false
	}
	b = appendKey(b, `,"rounds":`, first)
	b = appendInt(b, k.Rounds)
	b = appendPart(b, &kpiParts[kpiUnanswered])
	b = appendInt(b, k.Unanswered)
	b = append(b, `,"slow_rounds":`...)
	b = appendInt(b, k.SlowRounds)
	b = appendPart(b, &kpiParts[kpiWindowRounds])
	b = appendInt(b, k.WindowRounds)
	b = appendPart(b, &kpiParts[kpiWindowAnswered3])
	b = appendInt(b, k.WindowAnswered3)
	if k.ReplyOK {
		b = appendPart(b, &kpiParts[kpiReplyOK])
	} else {
		b = appendPart(b, &kpiParts[kpiReplyNotOK])
	}
	b = appendInt(b, k.CustomerMsgs)
	b = appendPart(b, &kpiParts[kpiAgentMessages])
	b = appendInt(b, k.AgentMsgs)
	b = append(b, `,"bot_messages":`...)
	b = appendInt(b, k.BotMsgs)
	if k.DurationS != nil {
		b = append(b, `,"duration_s":`...)
		b = appendFloat(b, *k.DurationS)
	}
	if k.Long {
		return append(b, `,"long":true}`...)
	}
	return append(b, `,"long":false}`...)
}

// appendKeyPart is appendKey of a key from kpiParts: appendPart, but
// for the object's first key, which is written without its comma.
func appendKeyPart(b []byte, p *labelPart, first bool) []byte {
	if first {
		return append(b, p.text[1:p.n]...)
	}
	return appendPart(b, p)
}

// appendKey appends key (a comma, then the quoted name and a colon), or
// key without its comma when it is the object's first.
func appendKey(b []byte, key string, first bool) []byte {
	if first {
		key = key[1:]
	}
	return append(b, key...)
}

func appendInts(b []byte, xs []int) []byte {
	if xs == nil {
		return append(b, "null"...)
	}
	// appendList's loop written out: appendInt's one-digit case is
	// inlined here, where through appendList it is a call of a func value
	// for every number.
	b = append(b, '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendInt(b, x)
	}
	return append(b, ']')
}

// appendInt is strconv.AppendInt in base 10 with the small numbers of
// scan output (message numbers, counts, points) written directly.
func appendInt(b []byte, x int) []byte {
	if uint(x) < 10 { // small enough for the compiler to inline
		return append(b, byte('0'+x))
	}
	return appendInt10(b, x)
}

// appendInt10 is appendInt of x outside 0–9: numbers of up to three
// digits, and their negatives (deductions' points), written directly,
// the rest by strconv.AppendInt.
func appendInt10(b []byte, x int) []byte {
	if x < 0 && x > -1000 {
		b = append(b, '-')
		if x = -x; x < 10 {
			return append(b, byte('0'+x))
		}
	}
	switch {
	case x >= 10 && x < 100:
		return append(b, byte('0'+x/10), byte('0'+x%10))
	case x >= 100 && x < 1000:
		return append(b, byte('0'+x/100), byte('0'+x/10%10), byte('0'+x%10))
	}
	return strconv.AppendInt(b, int64(x), 10)
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
		return appendInt(b, x)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case int32:
		return strconv.AppendInt(b, int64(x), 10)
	case float64:
		return appendFloat(b, x)
	case float32:
		return appendFloat(b, float64(x))
	case map[string]any:
		// The loops over x stop at its last pair instead of asking the
		// iterator for one more (which walks the rest of the map's slots
		// to find there is none): len(x) pairs are all there are.
		switch len(x) {
		case 1: // most data: one key, nothing to sort
			for k, v := range x {
				b = append(b, '{')
				b = appendString(b, k)
				b = append(b, ':')
				b = appendAny(b, v)
				break
			}
			return append(b, '}')
		case 2: // a slot's two fields, a commitment's kind and slot
			var k1, k2 string
			var v1, v2 any
			first := true
			for k, v := range x {
				if first {
					k1, v1, first = k, v, false
					continue
				}
				k2, v2 = k, v
				break
			}
			if k2 < k1 {
				k1, v1, k2, v2 = k2, v2, k1, v1
			}
			b = append(b, '{')
			b = appendString(b, k1)
			b = append(b, ':')
			b = appendAny(b, v1)
			b = append(b, ',')
			b = appendString(b, k2)
			b = append(b, ':')
			b = appendAny(b, v2)
			return append(b, '}')
		}
		// Findings' data have a few keys: the pairs sorted by key on the
		// stack (no lookups of the values again).
		var kb [8]keyValue
		kvs := kb[:0]
		for k, v := range x {
			kvs = append(kvs, keyValue{k, v})
			if len(kvs) == len(x) {
				break
			}
		}
		for i := 1; i < len(kvs); i++ { // insertion sort: keys are unique
			for j := i; j > 0 && kvs[j].k < kvs[j-1].k; j-- {
				kvs[j], kvs[j-1] = kvs[j-1], kvs[j]
			}
		}
		b = append(b, '{')
		for i, kv := range kvs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, kv.k)
			b = append(b, ':')
			b = appendAny(b, kv.v)
		}
		return append(b, '}')
	case conversation.Data:
		if x == nil {
			return append(b, "null"...)
		}
		return appendData(b, x)
	case []any:
		return appendList(b, x, appendAny)
	case []map[string]any:
		return appendList(b, x, func(b []byte, m map[string]any) []byte { return appendAny(b, m) })
	case []conversation.Data: // a promise's commitments, each its kind and slot
		return appendList(b, x, func(b []byte, d conversation.Data) []byte { return appendAny(b, d) })
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

// keyValue is one entry of a map being written in key order.
type keyValue struct {
	k string
	v any
}

// appendFloat writes a float the way encoding/json does.
func appendFloat(b []byte, f float64) []byte {
	// Decimals of up to three places below a billion (rounded
	// probabilities, seconds) without the float formatter: when
	// float64(k)/1000 == f for an integer k, f is the double nearest the
	// decimal k/1000, and the shortest decimal that reads back as f is
	// k/1000 itself (any shorter one is also a multiple of 0.001, and two
	// of those are further apart than f's neighbours). -0 is not here.
	if f > 0 && f < 1e9 || f == 0 && !math.Signbit(f) {
		if k := int64(f*1000 + 0.5); float64(k)/1000 == f {
			// The whole part by appendInt (below a thousand without
			// strconv: seconds, and the 0 of probabilities), the
			// fraction by appendScore's table: its row for r is "0",
			// the point and the digits, of which the point and the
			// digits are appended (six bytes, a copy of a size the
			// compiler knows) and b cut back to them.
			b = appendInt(b, int(k/1000))
			if r := k % 1000; r != 0 {
				m := &scoreText[r]
				n := len(b) + int(m[len(m)-1]) - 1
				b = append(b, m[1:len(m)-1]...)[:n]
			}
			return b
		}
	}
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
// with HTML escaping off. Plain ASCII is passed over eight bytes at a
// time and Chinese two characters at a time; FuzzAppendStringBytes checks
// the bytes against encoding/json.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	// Strings of four to sixteen bytes (most keys, codes and labels: two
	// in three strings written) are tested here, with plainASCII's two
	// loads, without calling it.
	var plain bool
	switch n := len(s); {
	case n >= 8 && n <= 16:
		plain = text.JSONPlain8(text.Load8(s, 0))|text.JSONPlain8(text.Load8(s, n-8)) == 0
	case n >= 4 && n < 8:
		plain = text.JSONPlain8(load4(s, 0)|load4(s, n-4)<<32) == 0
	default:
		plain = plainASCII(s)
	}
	if plain { // codes, labels, keys, English details
		b = append(b, s...)
		return append(b, '"')
	}
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				for i+8 <= len(s) {
					if m := text.JSONPlain8(text.Load8(s, i)); m != 0 {
						i += bits.TrailingZeros64(m) >> 3
						break
					}
					i += 8
				}
				continue
			}
			b = appendEscaped(append(b, s[start:i]...), c)
			i++
			start = i
			continue
		}
		// Two characters of safeLead3 leads a word (valid, nothing to
		// escape), in a loop of its own: a run of Chinese does not go
		// through the checks of the loop around it.
		if i+8 <= len(s) && safeCJK2(text.Load8(s, i)) {
			i += 6
			for i+8 <= len(s) && safeCJK2(text.Load8(s, i)) {
				i += 6
			}
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

// appendValidString is appendString for s known to be valid UTF-8: it
// looks only for what a JSON string escapes (a quote, a backslash, a
// control character, U+2028 and U+2029, which begin with E2), eight
// bytes at a time whatever they are (jsonLook8), where appendString also
// checks every character's bytes for validity, Chinese two characters at
// a time and its ASCII apart. For s that is not valid UTF-8 it writes the
// invalid bytes as they are. FuzzAppendValidString holds it to
// appendString on valid UTF-8.
func appendValidString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; ; i++ {
		if i = lookAt(s, i); i >= len(s) {
			break
		}
		c := s[i]
		if c == 0xE2 {
			if i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9) {
				b = append(b, s[start:i]...)
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[s[i+2]&0xF])
				i += 2
				start = i + 1
			}
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' {
			continue // a byte lookAt marked in the last word that needs nothing
		}
		b = appendEscaped(append(b, s[start:i]...), c)
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// lookAt returns the first position from i on of a byte of s that
// appendValidString must look at (jsonLook8's: a quote, a backslash, a
// control character or E2), len(s) when there is none; it may stop early
// at a byte of s's last eight that needs nothing, which the caller then
// passes. It goes two words of eight bytes a step, then one, the last few
// bytes in the word that ends s (its lanes before i cleared), in a loop
// of its own: in appendValidString's, every word went through spills of
// the registers the writing holds.
func lookAt(s string, i int) int {
	// Two words a step, which share jsonLook8's constants.
	for i+16 <= len(s) {
		m1, m2 := jsonLook8(text.Load8(s, i)), jsonLook8(text.Load8(s, i+8))
		if m1|m2 != 0 {
			if m1 != 0 {
				return i + bits.TrailingZeros64(m1)>>3
			}
			return i + 8 + bits.TrailingZeros64(m2)>>3
		}
		i += 16
	}
	if i+8 <= len(s) {
		if m := jsonLook8(text.Load8(s, i)); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	if i >= len(s) {
		return len(s)
	}
	if len(s) < 8 {
		for ; i < len(s); i++ {
			if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c == 0xE2 {
				return i
			}
		}
		return i
	}
	// The word that ends s, without its lanes before i: a lane past one
	// of those may be marked by its borrow, a byte that needs nothing.
	k := len(s) - 8
	m := jsonLook8(text.Load8(s, k)) &^ (1<<(8*(i-k)) - 1)
	if m == 0 {
		return len(s)
	}
	return k + bits.TrailingZeros64(m)>>3
}

// appendEscaped appends the JSON escape of c, an ASCII byte a JSON string
// may not hold as it is (a quote, a backslash or a control character):
// the short forms where JSON has them, else \u00XX. appendString and
// appendValidString share it, so the two cannot escape differently.
func appendEscaped(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}

// jsonLook8 marks (bit 7 of its byte) every byte of the word w that
// appendValidString must look at: a quote, a backslash, a control
// character, and E2, which begins U+2028 and U+2029; it is 0 when there
// is none. Bytes above a marked one may be marked wrongly (borrows); the
// lowest mark never is.
func jsonLook8(w uint64) uint64 {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	q := w ^ (ones * '"')
	bs := w ^ (ones * '\\')
	e2 := w ^ (ones * 0xE2)
	return (((w-ones*0x20)|(q-ones)|(bs-ones))&^w | (e2-ones)&^e2) & high
}

// plainASCII reports whether s is all plain ASCII (no byte that
// text.JSONPlain8 marks), reading eight bytes or more in words (the last
// word overlapping the one before) and shorter strings a byte at a time:
// appendString, its caller, tests strings of four to sixteen bytes itself.
func plainASCII(s string) bool {
	n := len(s)
	switch {
	case n >= 8:
		for i := 0; i < n-8; i += 8 {
			if text.JSONPlain8(text.Load8(s, i)) != 0 {
				return false
			}
		}
		return text.JSONPlain8(text.Load8(s, n-8)) == 0
	}
	for i := 0; i < n; i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// load4 is the four bytes at s[i:] as a little-endian word (one load).
func load4(s string, i int) uint64 {
	s = s[i : i+4]
	return uint64(uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24)
}

// safeLead3 reports whether c leads a three-byte character that any two
// continuation bytes complete validly and that encoding/json writes as
// it is: E1 and E3–EF but ED (E0 can be overlong, E2 can be U+2028 or
// U+2029, ED a surrogate).
func safeLead3(c byte) bool { return c-0xE1 < 0x0F && c != 0xE2 && c != 0xED }

// safeCJK2 reports whether the word w (eight bytes of a string,
// little-endian) starts with two three-byte characters of safeLead3
// leads, as safeLead3 of each lead with its two continuation bytes does
// (TestSafeCJK2 holds the two to each other): the byte pattern with one
// mask, then the leads' low nibbles, bytes 0 and 3 of x, side by side —
// x&0xD is 0 only for E0 and E2, x^0xD only for ED, and adding 0x7F to a
// nibble sets bit 7 exactly when it is not 0 (no carry leaves a byte).
func safeCJK2(w uint64) bool {
	const lanes, add, high = 0x0D00000D, 0x7F00007F, 0x80000080
	x := uint32(w) & 0x0F00000F
	return w&0x0000c0c0f0c0c0f0 == 0x00008080e08080e0 && ((x&lanes)+add)&((x^lanes)+add)&high == high
}
