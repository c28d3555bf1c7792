package scan_test

import (
	"fmt"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/knowledge"
	"fullqa/internal/lexicon"
	"fullqa/internal/privacy"
	"fullqa/internal/scan"
)

// This file is the property harness every detector, the engine and the
// redaction run under (issue 11): whatever the text, an inspection ends,
// does not panic, numbers its findings within the conversation and quotes
// valid UTF-8. FuzzScan (fuzz_test.go) and TestScanAdversarial feed it.

// harnessDeadline is how long one input may take before the harness calls
// it a hang. It is far above what any input takes (the largest seed,
// 10,000 messages or 200k characters, runs in well under a second); it
// only has to tell "slow" from "never ends".
const harnessDeadline = 60 * time.Second

// Limits of the harness's input language, so a fuzzed count cannot ask
// for gigabytes.
const (
	maxHarnessMessageBytes = 512 << 10
	maxHarnessMessages     = 20_000
)

// buildConv reads the harness's input language, one message a line:
//
//	c:text   a customer message      a:text  an agent message
//	b:text   a bot message           s:text  a system message
//	a500:ab  an agent message of "ab" repeated 500 times (long messages)
//	^100     the messages since the last ^ line (or the start), 100 more
//	         times (long conversations)
//
// Any other line is a message of its own, customers and agents taking
// turns. Messages get timestamps 37 s apart unless the input starts with
// "!", so both the timed and the untimed paths of the detectors run.
func buildConv(data string) *conversation.Conversation {
	c := &conversation.Conversation{ID: "h"}
	timed := !strings.HasPrefix(data, "!")
	data = strings.TrimPrefix(data, "!")
	base := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	add := func(m conversation.Message) bool {
		if len(c.Messages) >= maxHarnessMessages {
			return false
		}
		if timed {
			m.At = base.Add(time.Duration(len(c.Messages)) * 37 * time.Second)
		}
		if m.Role == conversation.RoleAgent {
			m.Agent = "a1"
		}
		c.Messages = append(c.Messages, m)
		return true
	}
	block := 0 // where the block a ^ line repeats starts
	for line := range strings.SplitSeq(data, "\n") {
		if n, ok := strings.CutPrefix(line, "^"); ok && len(c.Messages) > block {
			if k, err := strconv.Atoi(n); err == nil {
				msgs := c.Messages[block:]
			repeat:
				for ; k > 0; k-- {
					for _, m := range msgs {
						if !add(m) {
							break repeat
						}
					}
				}
				block = len(c.Messages)
				continue
			}
		}
		role, text := lineRole(line)
		if role == conversation.RoleUnknown {
			role = conversation.RoleCustomer
			if len(c.Messages)%2 == 1 {
				role = conversation.RoleAgent
			}
		}
		if !add(conversation.Message{Role: role, Text: text}) {
			break
		}
	}
	return c
}

// lineRole splits a "r:" or "rN:" prefix off a line; RoleUnknown when the
// line has none (it is then all text).
func lineRole(line string) (conversation.Role, string) {
	if line == "" {
		return conversation.RoleUnknown, line
	}
	var role conversation.Role
	switch line[0] {
	case 'c':
		role = conversation.RoleCustomer
	case 'a':
		role = conversation.RoleAgent
	case 'b':
		role = conversation.RoleBot
	case 's':
		role = conversation.RoleSystem
	default:
		return conversation.RoleUnknown, line
	}
	colon := strings.IndexByte(line, ':')
	if colon < 1 {
		return conversation.RoleUnknown, line
	}
	text := line[colon+1:]
	if colon == 1 {
		return role, text
	}
	n, err := strconv.Atoi(line[1:colon])
	if err != nil || n < 0 {
		return conversation.RoleUnknown, line
	}
	if len(text) > 0 {
		n = min(n, maxHarnessMessageBytes/len(text))
	}
	return role, strings.Repeat(text, n)
}

// harness holds what every input is run with: one engine with every
// detector and the emotion model, and one engine per detector alone, so a
// detector that only fails without the others' help is found too.
type harness struct {
	all    *detect.Engine
	single []*detect.Engine
	opts   scan.Options
}

// newHarness builds the engines; a test builds it once and runs every
// input through it, since loading the model and compiling the matcher
// dominate a short run otherwise.
func newHarness(t testing.TB) *harness {
	t.Helper()
	lex, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	model, err := classify.LoadEmotion()
	if err != nil {
		t.Fatal(err)
	}
	// With the example shop's facts, so the knowledge detector is checked
	// too: without a facts file it reads nothing; and with the learned
	// threat scorer, as the product runs it.
	cfg := detect.DefaultConfig()
	if cfg.Facts, err = knowledge.Load(filepath.Join("..", "..", "examples", "facts.yaml")); err != nil {
		t.Fatal(err)
	}
	threat, err := classify.LoadThreat()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Threat = &detect.ThreatModel{W: threat.W, Bias: threat.Bias, Threshold: threat.Threshold}
	// The learned restatement option (off by default) runs the rules'
	// loop pass and its own over the same chat: on, both are fuzzed.
	cfg.Loop.Learned = true
	h := &harness{}
	if h.all, err = detect.NewEngine(detect.Registry(cfg, lex), model); err != nil {
		t.Fatal(err)
	}
	for _, d := range detect.Registry(cfg, lex) {
		e, err := detect.NewEngine([]detect.Detector{d}, model)
		if err != nil {
			t.Fatal(err)
		}
		h.single = append(h.single, e)
	}
	h.opts.Redact = privacy.Redact
	h.opts.Defaults()
	return h
}

// check runs conversation c through every engine of h (and redaction)
// with a deadline and reports every broken property.
func (h *harness) check(t testing.TB, c *conversation.Conversation, label string) {
	t.Helper()
	engines := append([]*detect.Engine{h.all}, h.single...)
	if len(c.Messages) > 2000 || convBytes(c) > 64<<10 {
		engines = engines[:1] // the big inputs once, with everything on
	}
	for _, eng := range engines {
		name := "all"
		if eng != h.all {
			name = eng.Detectors()[0].Name()
		}
		r, err := runWithDeadline(eng, c, &h.opts)
		if err != nil {
			t.Fatalf("%s: detectors %s: %v", label, name, err)
		}
		for _, p := range brokenProperties(c, r) {
			t.Errorf("%s: detectors %s: %s", label, name, p)
		}
	}
}

func convBytes(c *conversation.Conversation) int {
	n := 0
	for i := range c.Messages {
		n += len(c.Messages[i].Text)
	}
	return n
}

// runWithDeadline inspects a copy of c (redaction rewrites the texts) on a
// goroutine of its own, turning a panic into an error with its stack and
// a run past harnessDeadline into a hang. A conversation whose texts are
// all valid UTF-8 is marked TextValid, as an importer marks it: the engine
// then does not check the evidence, and brokenProperties holds every
// detector to quoting valid text from valid texts.
func runWithDeadline(eng *detect.Engine, c *conversation.Conversation, opts *scan.Options) (*scan.Result, error) {
	cc := *c
	cc.Messages = append([]conversation.Message(nil), c.Messages...)
	cc.TextValid = true
	for _, m := range cc.Messages {
		cc.TextValid = cc.TextValid && utf8.ValidString(m.Text)
	}
	r := &scan.Result{Conv: &cc}
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("panic: %v\n%s", p, debug.Stack())
			}
		}()
		var s detect.Scratch
		scan.Inspect(eng, r, &s, opts)
		if pe, ok := r.Err.(*detect.PanicError); ok {
			done <- fmt.Errorf("%v\n%s", pe, pe.Stack)
			return
		}
		done <- r.Err
	}()
	select {
	case err := <-done:
		return r, err
	case <-time.After(harnessDeadline):
		return nil, fmt.Errorf("hang: no result after %v (%d messages, %d bytes)", harnessDeadline, len(c.Messages), convBytes(c))
	}
}

// brokenProperties lists what is wrong with result r of conversation c: a
// message number out of range, evidence or detail that is not valid
// UTF-8, a finding without evidence, an emotion list of the wrong length.
func brokenProperties(c *conversation.Conversation, r *scan.Result) []string {
	var bad []string
	n := len(c.Messages)
	for _, f := range r.Findings {
		if len(f.Messages) == 0 {
			bad = append(bad, fmt.Sprintf("%s has no message numbers", f.Code))
		}
		for _, m := range f.Messages {
			if m < 0 || m >= n {
				bad = append(bad, fmt.Sprintf("%s names message %d of %d", f.Code, m, n))
			}
		}
		if f.Evidence == "" {
			bad = append(bad, fmt.Sprintf("%s has no evidence", f.Code))
		}
		if !utf8.ValidString(f.Evidence) {
			bad = append(bad, fmt.Sprintf("%s evidence is not valid UTF-8: %q", f.Code, clip(f.Evidence)))
		}
		if !utf8.ValidString(f.Detail) {
			bad = append(bad, fmt.Sprintf("%s detail is not valid UTF-8: %q", f.Code, clip(f.Detail)))
		}
	}
	for _, tg := range r.Tags {
		for _, m := range tg.Messages {
			if m < 0 || m >= n {
				bad = append(bad, fmt.Sprintf("tag %s names message %d of %d", tg.Name, m, n))
			}
		}
	}
	if r.Emotion != nil && len(r.Emotion) != n {
		bad = append(bad, fmt.Sprintf("%d emotions for %d messages", len(r.Emotion), n))
	}
	if len(r.Conv.Messages) != n {
		bad = append(bad, fmt.Sprintf("redaction left %d of %d messages", len(r.Conv.Messages), n))
	}
	return bad
}

func clip(s string) string {
	for i := range s {
		if i >= 80 {
			return s[:i] + "…"
		}
	}
	return s
}
