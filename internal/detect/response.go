package detect

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fullqa/internal/lexicon"
	"fullqa/internal/text"

	"fullqa/internal/conversation"
)

// ResponseConfig sets the response-time rules. The defaults follow the
// platforms: a human reply within 3 minutes (the 3分钟响应率 rule), a first
// human reply within 30 seconds (the usual 首响 target of JD and Tmall
// vendor contracts), and a message answered after more than an hour, or
// never, counted as not answered (the 回复率 rule).
type ResponseConfig struct {
	SlowAfter      Duration `yaml:"slow_after"`
	FirstSlowAfter Duration `yaml:"first_slow_after"`
	MissedAfter    Duration `yaml:"missed_after"`
}

// DefaultResponseConfig returns the platform defaults.
func DefaultResponseConfig() ResponseConfig {
	return ResponseConfig{
		SlowAfter:      Duration(3 * time.Minute),
		FirstSlowAfter: Duration(30 * time.Second),
		MissedAfter:    Duration(time.Hour),
	}
}

// Validate checks the thresholds.
func (c ResponseConfig) Validate() error {
	if c.SlowAfter <= 0 || c.FirstSlowAfter <= 0 || c.MissedAfter <= 0 {
		return errors.New("response: slow_after, first_slow_after and missed_after must be positive")
	}
	return nil
}

// responseDetector emits response.missed, response.first_slow and
// response.slow from the conversation's rounds.
type responseDetector struct {
	cfg       ResponseConfig
	closings  []string // lexicon list response_closings
	questions []string // lexicon list question_words
	closing   ClassID
	question  ClassID
}

func newResponseDetector(cfg ResponseConfig, lex lexicon.Lists) *responseDetector {
	return &responseDetector{cfg: cfg, closings: lex.Words("response_closings"), questions: lex.Words("question_words")}
}

func (d *responseDetector) Name() string { return "response" }

func (d *responseDetector) Codes() []string {
	return []string{"response.missed", "response.first_slow", "response.slow"}
}

func (d *responseDetector) RegisterKeywords(k *Keywords) error {
	d.closing = k.Add("response.closing", d.closings...)
	d.question = k.Add("response.question", d.questions...)
	return nil
}

func (d *responseDetector) Inspect(in *Input, out *Output) {
	c := in.Conv
	rounds := in.Rounds
	firstDone := false
	// The evidence and the details of every round's findings are built in
	// one buffer (the worker's) and become one string they are cut from
	// once the rounds are read (cuts say where): one allocation a
	// conversation, where each round with a finding took its own.
	b := in.scratch().text[:0]
	var cutsBuf [4]respCut
	cuts := cutsBuf[:0]
	for _, r := range rounds {
		if !r.Answered() {
			if d.onlyClosings(in, r) {
				continue
			}
			out.Add(conversation.Finding{Code: "response.missed", Severity: conversation.SeverityMedium,
				Messages: roundMsgs(r), Evidence: quote(c.Messages[lastSaid(c, r)].Text),
				Detail: "customer message never answered by an agent"})
			continue
		}
		if !r.HasTimes {
			continue
		}
		wait := r.Wait
		missed := wait > time.Duration(d.cfg.MissedAfter)
		slow := !missed && wait > time.Duration(d.cfg.SlowAfter)
		firstSlow := !firstDone && wait > time.Duration(d.cfg.FirstSlowAfter)
		firstDone = true
		if !missed && !slow && !firstSlow {
			continue // most rounds: no evidence to build
		}
		// roundMsgs and the reply in one list (appending the reply to
		// roundMsgs' slice took two allocations), cut from the slab.
		withReply := append(out.ints(3), r.First)
		if r.Last != r.First {
			withReply = append(withReply, r.Last)
		}
		withReply = append(withReply, r.Reply)
		ev := respCut{ev: [2]int{len(b)}}
		b = appendQuote(b, c.Messages[r.First].Text, c.TextValid)
		b = append(b, " → "...)
		b = appendQuote(b, c.Messages[r.Reply].Text, c.TextValid)
		ev.ev[1] = len(b)
		// add adds a finding whose detail is what build appends to b.
		add := func(f conversation.Finding, build func([]byte) []byte) {
			x := ev
			x.det[0] = len(b)
			b = build(b)
			x.det[1] = len(b)
			out.Add(f)
			x.k = len(out.Findings) - 1
			cuts = append(cuts, x)
		}
		if missed {
			add(conversation.Finding{Code: "response.missed", Severity: conversation.SeverityMedium, Messages: withReply},
				func(b []byte) []byte {
					return durDetail(b, "answered after ", wait, ", beyond the ", time.Duration(d.cfg.MissedAfter), " limit")
				})
		}
		var waitData conversation.Data
		if slow || firstSlow { // one Data (and one boxed wait) for both findings
			// Cut from the worker's slab, the wait boxed once a worker
			// for each whole second (Output.seconds): two allocations a
			// slow round fewer.
			waitData = out.data(1)
			waitData[0] = conversation.Field{Key: "wait_s", Value: out.seconds(wait)}
		}
		if slow {
			add(conversation.Finding{Code: "response.slow", Severity: conversation.SeverityLow, Messages: withReply,
				Data: waitData},
				func(b []byte) []byte {
					return durDetail(b, "human reply after ", wait, " (limit ", time.Duration(d.cfg.SlowAfter), ")")
				})
		}
		if firstSlow {
			add(conversation.Finding{Code: "response.first_slow", Severity: conversation.SeverityLow, Messages: withReply,
				Data: waitData},
				func(b []byte) []byte {
					return durDetail(b, "first human reply after ", wait, " (target ", time.Duration(d.cfg.FirstSlowAfter), ")")
				})
		}
	}
	in.scratch().text = b
	if len(cuts) > 0 {
		all := string(b)
		for _, x := range cuts {
			f := &out.Findings[x.k]
			f.Evidence, f.Detail = all[x.ev[0]:x.ev[1]], all[x.det[0]:x.det[1]]
		}
	}
}

// respCut says where a response finding's evidence and detail are in the
// string the detector builds them in, and which finding (its index in
// Output.Findings) they are for.
type respCut struct {
	k       int
	ev, det [2]int
}

// durDetail appends a+fmtDur(x)+b+fmtDur(y)+c to buf: Sprintf and
// fmtDur took four allocations for it.
func durDetail(buf []byte, a string, x time.Duration, b string, y time.Duration, c string) []byte {
	buf = append(buf, a...)
	buf = appendDur(buf, x)
	buf = append(buf, b...)
	buf = appendDur(buf, y)
	return append(buf, c...)
}

// roundMsgs is the message numbers a finding on round r names: its first
// customer message and, when the round has more, its last. It is built
// only for a round that gets a finding.
func roundMsgs(r Round) []int {
	if r.Last != r.First {
		return []int{r.First, r.Last}
	}
	return []int{r.First}
}

// lastSaid returns the last customer message of round r with visible
// text, the one the missed-reply evidence quotes: a round may end in a
// blank message, and a finding must quote what the customer said.
func lastSaid(c *conversation.Conversation, r Round) int {
	for i := r.Last; i > r.First; i-- {
		if c.Messages[i].Role == conversation.RoleCustomer && text.TrimSpace(c.Messages[i].Text) != "" {
			return i
		}
	}
	return r.First
}

// onlyClosings reports whether every customer message of the round needs
// no answer (see NeedsNoAnswer).
func (d *responseDetector) onlyClosings(in *Input, r Round) bool {
	for i := r.First; i <= r.Last; i++ {
		if in.Conv.Messages[i].Role == conversation.RoleCustomer && !d.NeedsNoAnswer(in, i) {
			return false
		}
	}
	return true
}

// NeedsNoAnswer reports whether customer message i needs no answer: a
// short message with a closing word ("没有了，谢谢", "好的") and no
// question in it, or nothing but punctuation, spaces and emoji codes. The
// engine cuts rounds with it, so such a message never opens a round.
func (d *responseDetector) NeedsNoAnswer(in *Input, i int) bool {
	norm := in.Norm[i]
	if len(norm) > 0 && norm[0] >= 0xE4 && norm[0] <= 0xE9 {
		// Most customer messages open with a Chinese character (lead
		// byte E4–E9). Stripping emoji codes removes only runs opening
		// with '#', so that character stays first and fillerChars is
		// false: only the closing rule can hold, and without a closing
		// word there is nothing to strip (TestNeedsNoAnswer checks this
		// against the code it replaced). A message of at most 20 bytes
		// (most closings: "好的谢谢") has at most 20 characters stripped
		// or not, and is not stripped to count them. Normalized text is
		// valid UTF-8 (FuzzNormalize holds it to that) and stripping cuts
		// it only at ASCII bytes, so its characters are counted a word at
		// a time (text.RunesAtMostValid).
		return in.Has(i, d.closing) && (len(norm) <= 20 || text.RunesAtMostValid(stripEmojiCodes(norm), 20, true)) && !in.Has(i, d.question)
	}
	norm = stripEmojiCodes(norm)
	if fillerChars(norm) { // isFillerOnly(norm): norm has no emoji code left to strip
		return true
	}
	return in.Has(i, d.closing) && text.RunesAtMostValid(norm, 20, true) && !in.Has(i, d.question)
}

// isFillerOnly reports whether s has nothing but punctuation, spaces, emoji
// codes like #e-s[数字x] and tildes.
func isFillerOnly(s string) bool {
	return fillerChars(stripEmojiCodes(s))
}

// fillerChars reports whether every character of s is filler: ASCII
// spaces and punctuation (asciiFiller), the full-width ！～。，, the
// ellipsis, and pictographs. It runs for every customer message (the
// engine's rounds ask NeedsNoAnswer), so it reads bytes, not runes: an
// ASCII byte by a mask, and a lead byte E4–E9 (U+4000–U+9FFF, most of
// Chinese, or a byte that is no character: neither is filler) at once.
// TestFillerChars checks it against the loop over runes it replaces.
func fillerChars(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiFiller[c>>6]>>(c&63)&1 == 0 {
				return false
			}
			i++
			continue
		}
		if c >= 0xE4 && c <= 0xE9 {
			return false
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r != '…' && r != '！' && r != '～' && r != '。' && r != '，' && r < 0x1F000 && (r < 0x2600 || r > 0x27BF) {
			return false
		}
		i += n
	}
	return true
}

// asciiFiller has bit c set for the ASCII filler characters
// " ,.!?~:;()[]-_^".
var asciiFiller = func() (m [2]uint64) {
	for _, c := range []byte(" ,.!?~:;()[]-_^") {
		m[c>>6] |= 1 << (c & 63)
	}
	return m
}()

// stripEmojiCodes removes JD-style emoji codes (#e-s[数字x], #e-s01) and
// bracketed sticker names ([微笑]) from normalized text.
func stripEmojiCodes(s string) string {
	for {
		i := strings.Index(s, "#e-s")
		if i < 0 {
			break
		}
		j := i + 4
		if strings.HasPrefix(s[j:], "[") {
			if k := strings.IndexByte(s[j:], ']'); k >= 0 {
				j += k + 1
			}
		}
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		s = s[:i] + s[j:]
	}
	return s
}

// quote shortens a message for evidence, keeping whole characters. It
// runs for every finding, so it counts instead of converting to runes.
func quote(s string) string {
	s = text.TrimSpace(s)
	if len(s) <= maxQuote { // at most maxQuote bytes is at most maxQuote characters
		return s
	}
	if i := text.RuneOffset(s, maxQuote); i < len(s) {
		return s[:i] + "…"
	}
	return s
}

// appendQuote appends quote(s) to b without building it first. valid says
// that s is valid UTF-8 (Conversation.TextValid), which lets
// text.RuneOffsetValid count its characters a word at a time.
func appendQuote(b []byte, s string, valid bool) []byte {
	s = text.TrimSpace(s)
	if len(s) <= maxQuote {
		return append(b, s...)
	}
	if i := text.RuneOffsetValid(s, maxQuote, valid); i < len(s) {
		return append(append(b, s[:i]...), "…"...)
	}
	return append(b, s...)
}

// maxQuote is how many characters a quote keeps.
const maxQuote = 80

// fmtDur writes a wait the way details quote it: 44s, 3m12s, 1h05m.
func fmtDur(d time.Duration) string { return string(appendDur(nil, d)) }

// appendDur appends fmtDur(d) to b.
func appendDur(b []byte, d time.Duration) []byte {
	if d < time.Minute {
		b = strconv.AppendInt(b, int64(int(d.Seconds())), 10)
		return append(b, 's')
	}
	if d < time.Hour {
		b = strconv.AppendInt(b, int64(int(d.Minutes())), 10)
		b = append(b, 'm')
		b = append2d(b, int(d.Seconds())%60)
		return append(b, 's')
	}
	b = strconv.AppendInt(b, int64(int(d.Hours())), 10)
	b = append(b, 'h')
	b = append2d(b, int(d.Minutes())%60)
	return append(b, 'm')
}

// append2d appends n as %02d does.
func append2d(b []byte, n int) []byte {
	if n >= 0 && n < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(n), 10)
}
