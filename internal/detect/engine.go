package detect

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"unicode"
	"unicode/utf8"

	"fullqa/internal/conversation"
	"fullqa/internal/text"
)

// EmotionModel scores a customer message given what came just before it:
// the agent's last turn and the customer's previous message. It returns the
// label ("negative", "neutral" or "positive"), its probability and the
// probability of negative. It is declared here, where it is used;
// internal/classify provides one.
//
// prevAgent is the end of the agent's turn, at most maxAgentContext bytes
// of it: a model reads only the end of what the customer answers, and a
// turn of thousands of agent messages in a row must not be copied whole
// for every message of it.
type EmotionModel interface {
	Score(text, prevAgent, prevCustomer string) (label string, p, neg float32)
}

// emotionSessions is implemented by emotion models that score a
// conversation's messages in order faster with state kept per goroutine;
// the engine keeps one session in each Scratch.
type emotionSessions interface {
	Session() func(text, prevAgent, prevCustomer string) (label string, p, neg float32)
}

// Engine runs an ordered list of detectors over conversations. Build it once
// at start-up; it is immutable and safe for concurrent use.
type Engine struct {
	detectors []Detector
	names     map[string]bool // detector names, for Has
	keywords  *Keywords
	matcher   *text.Matcher // nil when no detector registered words
	emotion   EmotionModel  // nil when emotion is off
	noAnswer  noAnswerJudge // the response detector, when it runs
	neg       *learnedNegative
	end       *learnedEnding
	parts     [][2]ClassID // Input.parts
}

// maxAgentContext bounds the agent text passed to the emotion model as
// prevAgent (see EmotionModel); the model in internal/classify reads the
// last 96 bytes of it.
const maxAgentContext = 512

// EmotionReader is implemented by detectors that read Input.Emotion. The
// engine runs the emotion model only when one of its detectors does:
// `--detectors privacy` needs no model, and scoring every customer message
// is most of a scan's cost.
type EmotionReader interface {
	ReadsEmotion() bool
}

// NewEngine registers every keyword detector's words and compiles the
// combined matcher. emo may be nil; it is dropped when no detector reads
// emotions. extra register words no detector reads, for a caller that
// reads their hits in the Input after Inspect (the scan's across
// analysis, which so skips the messages that hold none of its words
// instead of scanning every message again); they are matched only when
// some detector runs (see Input.Scanned).
func NewEngine(dets []Detector, emo EmotionModel, extra ...KeywordUser) (*Engine, error) {
	needed := false
	for _, d := range dets {
		if er, ok := d.(EmotionReader); ok && er.ReadsEmotion() {
			needed = true
		}
	}
	if !needed {
		emo = nil
	}
	e := &Engine{detectors: dets, keywords: NewKeywords(), emotion: emo, names: map[string]bool{}}
	if nw, ok := emo.(negativeWeights); ok {
		if w, b, t := nw.NegativeWeights(); len(w) == 1<<NegativeBits {
			var steps []int16
			var sc float32
			if ns, ok := emo.(negativeSteps); ok {
				steps, sc = ns.NegativeSteps()
			}
			q, scale, ok := int16Table(w, steps, sc)
			if !ok {
				return nil, errors.New("negative-emotion weights: not int16 steps of one scale")
			}
			stacked := false
			if ns, ok := emo.(negativeStacked); ok {
				stacked = ns.NegativeStacked()
			}
			e.neg = (&learnedNegative{w: (*[1 << NegativeBits]int16)(q), scale: scale, bias: b, threshold: t, stacked: stacked}).withUni()
		}
	}
	end, err := newLearnedEnding(emo)
	if err != nil {
		return nil, fmt.Errorf("ending classifier: %w", err)
	}
	e.end = end
	for _, d := range dets {
		e.names[d.Name()] = true
		if j, ok := d.(noAnswerJudge); ok && e.noAnswer == nil {
			e.noAnswer = j
		}
		if ku, ok := d.(KeywordUser); ok {
			if err := ku.RegisterKeywords(e.keywords); err != nil {
				return nil, fmt.Errorf("detector %s: %w", d.Name(), err)
			}
		}
	}
	for _, ku := range extra {
		if err := ku.RegisterKeywords(e.keywords); err != nil {
			return nil, fmt.Errorf("keywords: %w", err)
		}
	}
	e.parts = make([][2]ClassID, len(e.keywords.names))
	for c := range e.parts {
		e.parts[c] = [2]ClassID{ClassID(c), ClassID(c)}
	}
	for c, p := range e.keywords.parts {
		e.parts[c] = p
	}
	if len(e.keywords.words) > 0 {
		// One matcher pattern per word and class: a word of several
		// classes is compiled once for each, which leaves the automaton
		// as it is and lists the copies' outputs next to each other in
		// class order, so the matcher reports each hit with its class
		// and the hits come out in the order a loop over each word's
		// classes gave.
		var pats []string
		var classes []ClassID
		for w, cs := range e.keywords.classOf {
			for _, c := range cs {
				pats = append(pats, e.keywords.words[w])
				classes = append(classes, c)
			}
		}
		// The classes registered only with AddPresence are quiet: the
		// summed scan (see prepare) sets their presence bits and keeps
		// no hits of them. That is exact only with the bits, so without
		// them (more classes than bits) every class keeps its hits; and
		// the matcher keeps them anyway when it has no summary, which
		// prepare then reads off the hits.
		var quiet text.ClassSet
		if len(e.keywords.names) <= presentWords*64 {
			for c, h := range e.keywords.hits {
				if !h {
					quiet[c>>6] |= 1 << (c & 63)
				}
			}
		}
		m, err := text.NewClassMatcherQuiet(pats, classes, quiet)
		if err != nil {
			return nil, fmt.Errorf("keywords: %w", err)
		}
		e.matcher = m
	}
	return e, nil
}

// Detectors returns the engine's detectors in run order.
func (e *Engine) Detectors() []Detector { return e.detectors }

// Has reports whether a detector of that name is in the engine.
func (e *Engine) Has(name string) bool { return e.names[name] }

// Scratch holds per-worker buffers so inspecting a conversation allocates
// little. It must not be shared between goroutines.
type Scratch struct {
	buf     []byte
	khits   []KeywordHit
	ends    []int
	norm    []string
	msgHits [][]KeywordHit
	lang    []uint8 // Input.lang's room
	present [][presentWords]uint64
	emo     func(text, prevAgent, prevCustomer string) (string, float32, float32)
	emoOf   EmotionModel // the model emo is a session of
	// slabs is where what the results keep is cut from (see slab).
	slabs slabs

	// The Input and the detectors' per-conversation buffers, reused
	// conversation after conversation: a worker allocates them once,
	// not once per conversation.
	in     Input
	out    Output
	rounds []Round
	text   []byte // where the response detector builds its findings' texts
	waits  []wait
	sigs   []sig
	ints   [2][]int
	// promise is the promise detector's buffers (promiseBufs), made on
	// its first conversation.
	promise *promiseBufs
	// end and neg are the fixed-size feature buffers of the resolution
	// detector's ending classifier and of the emotion detector's learned
	// negative scorer, kept here so that no conversation zeroes them.
	end endFeats
	neg negFeats
	// repeat is the loop detector's learned restatement buffers, made on
	// its first conversation when `detect.loop.learned` is on.
	repeat *RepeatScratch
}

// Inspect normalizes and scans every message once, computes the shared
// analyses, and runs all detectors. The returned Input borrows buffers from
// s: it is valid until s is passed to Inspect again.
//
// A detector that panics panics here with a *PanicError naming it; use
// InspectContext to get it as an error instead.
func (e *Engine) Inspect(c *conversation.Conversation, s *Scratch) (*Input, Output) {
	in, out, err := e.InspectContext(context.Background(), c, s)
	if err != nil {
		panic(err)
	}
	return in, out
}

// PanicError is a detector's panic on one conversation, recovered so that
// one bad conversation (or one bug) does not take a scan of millions down:
// the scan reports the conversation as a bad record naming the detector
// and goes on.
type PanicError struct {
	Conversation string // the conversation's id
	Detector     string // the detector's name, or "engine" for the shared analyses
	Value        any    // what was passed to panic
	Stack        []byte // the panicking goroutine's stack, for a bug report
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("conversation %s: detector %s failed: %v", e.Conversation, e.Detector, e.Value)
}

// checkEvery is how many messages the engine handles between two looks at
// its context: a 200,000-message conversation stops within a fraction of a
// second of a Ctrl-C instead of after all of it. The loops take the
// index's remainder unsigned, uint(i)%checkEvery: a signed one's takes a
// correction for negative numbers, for every message.
const checkEvery = 4096

// InspectContext is Inspect that stops when ctx is done (between detectors
// and every checkEvery messages of the shared analyses), returning
// ctx.Err(), and that recovers a panic, returning a *PanicError. After an
// error the Scratch is reset and the Input and Output are not to be used.
func (e *Engine) InspectContext(ctx context.Context, c *conversation.Conversation, s *Scratch) (in *Input, out Output, err error) {
	if s == nil {
		s = &Scratch{}
	}
	// stage is the detector running, by its index, or -1 for the
	// engine's shared analyses: its name is asked only for a panic, not
	// of every detector of every conversation.
	stage := -1
	defer func() {
		if p := recover(); p != nil {
			*s = Scratch{} // its buffers may be half-written
			name := "engine"
			if stage >= 0 {
				name = e.detectors[stage].Name()
			}
			in, out, err = nil, Output{}, &PanicError{Conversation: c.ID, Detector: name, Value: p, Stack: debug.Stack()}
		}
	}()
	if in, err = e.prepare(ctx, c, s); err != nil {
		return nil, Output{}, err
	}
	// The detectors append to an Output in the scratch: a local one
	// escapes through the interface call, an allocation per conversation.
	o := &s.out
	*o = Output{slabs: &s.slabs}
	for k, d := range e.detectors {
		if err := ctx.Err(); err != nil {
			return nil, Output{}, err
		}
		stage = k
		d.Inspect(in, o)
	}
	stage = -1
	validText(o.Findings, c.TextValid)
	out, *o = *o, Output{}
	out.slabs = nil // the scratch's, not the caller's
	return in, out, nil
}

// prepare normalizes and scans every message once and computes the shared
// analyses (rounds, keyword hits, emotions) the detectors read.
func (e *Engine) prepare(ctx context.Context, c *conversation.Conversation, s *Scratch) (*Input, error) {
	n := len(c.Messages)
	in := &s.in
	*in = Input{Conv: c, scr: s}
	if len(e.detectors) == 0 && e.emotion == nil {
		return in, nil // --detectors none: parse only
	}
	// Input borrows these from the scratch too: nothing keeps them after
	// the detectors ran (findings quote the normalized text through its
	// one string, not through this slice).
	if cap(s.norm) < n {
		s.norm, s.msgHits = make([]string, n), make([][]KeywordHit, n)
	}
	in.Norm, in.Hits = s.norm[:n], s.msgHits[:n]
	in.parts = e.parts
	clear(in.Hits)
	if cap(s.lang) < n {
		s.lang = make([]uint8, n)
	}
	in.lang = s.lang[:n]
	clear(in.lang)
	// All messages are normalized into one buffer and converted to one
	// string, and all hits share one slice: two allocations per
	// conversation instead of two per message.
	if cap(s.ends) < n {
		s.ends = make([]int, n)
	}
	msgs := c.Messages
	ends := s.ends[:len(msgs)]
	// The buffer is a local while the loop appends to it (the Scratch's
	// field was written, and read back, for every message).
	buf := s.buf[:0]
	plain := true
	for i := range msgs {
		if uint(i)%checkEvery == checkEvery-1 && ctx.Err() != nil {
			s.buf = buf
			return nil, ctx.Err()
		}
		var pl bool
		buf, pl = text.AppendNormalizedPlain(buf, msgs[i].Text)
		plain = plain && pl
		ends[i] = len(buf)
	}
	c.TextPlain = plain
	s.buf = buf
	all := string(buf)
	if e.matcher == nil {
		start := 0
		for i := range in.Norm {
			in.Norm[i] = all[start:ends[i]]
			start = ends[i]
		}
	} else {
		// The matcher appends each message's hits, with their classes,
		// to the conversation's one slice. With at most 256 classes it
		// also sums up the presence bits and the longest hit, by
		// transition (text.Summary); otherwise they are read off the
		// hits, the loop running for every hit of every message. Each
		// message's text is cut from the one string as it is scanned.
		var present [][presentWords]uint64
		if len(e.keywords.names) <= presentWords*64 {
			present = zeroed(&s.present, n)
			in.present = present
		}
		summed := present != nil && e.matcher.HasSummary()
		khits, maxHit := s.khits[:0], in.maxHit
		norms, hits := in.Norm[:len(ends)], in.Hits[:len(ends)]
		if summed {
			// The matcher scans all the messages in one call (see
			// text.Matcher.ScanValidEach): it cuts each message's text
			// and hits as the loop below does, adds its classes to its
			// bits (zeroed above) and the longest hit to the
			// conversation's. The messages go to it checkEvery at a
			// time (the first batch one fewer), the context looked at
			// before each batch but the first: before the same
			// messages as in the loop below. TestHitsAcrossBatches
			// holds the batches to the words' hits.
			for lo := 0; lo < len(ends); {
				if lo > 0 && ctx.Err() != nil {
					s.khits = khits
					return nil, ctx.Err()
				}
				hi := min(len(ends), (lo+1)|(checkEvery-1))
				from := 0
				if lo > 0 {
					from = ends[lo-1]
				}
				khits = e.matcher.ScanValidEach(all, from, ends[lo:hi], norms[lo:hi], hits[lo:hi], khits, present[lo:hi], &maxHit)
				lo = hi
			}
		} else {
			start := 0
			for i, end := range ends {
				if uint(i)%checkEvery == checkEvery-1 && ctx.Err() != nil {
					s.khits = khits
					return nil, ctx.Err()
				}
				norm := all[start:end]
				start = end
				norms[i] = norm
				from := len(khits)
				// Normalized text is valid UTF-8, which the matcher
				// reads without testing each character's bytes.
				khits = e.matcher.ScanValidClasses(norm, khits)
				for _, h := range khits[from:] {
					maxHit = max(maxHit, h.End-h.Start)
					if present != nil {
						present[i][uint32(h.Class)>>6%presentWords] |= 1 << (uint32(h.Class) & 63)
					}
				}
				// The message's hits are cut from the slice as it is
				// now. Should a later message's scan grow it, they stay
				// in the array they were written to, which nothing
				// writes again: the same hits as cut from the grown
				// slice after the loop, where they were before (its
				// start and end were kept for every message, then read
				// again in a loop of their own).
				if len(khits) > from {
					hits[i] = khits[from:len(khits):len(khits)]
				}
			}
		}
		// The hits stay in the scratch buffer (those of messages cut
		// before it grew, in the array it grew from, which the Scratch
		// no longer holds): Input is only valid until the Scratch is
		// used again, and nothing keeps hits.
		s.khits, in.maxHit, in.scanned = khits, maxHit, true
	}
	// Rounds are cut once the keyword hits are known, so a closing that
	// needs no answer does not open one.
	if cap(s.rounds) < n/2+1 {
		s.rounds = make([]Round, 0, n/2+1)
	}
	if e.noAnswer != nil {
		in.Rounds = roundsInto(s.rounds, c, func(i int) bool { return e.noAnswer.NeedsNoAnswer(in, i) })
	} else {
		in.Rounds = roundsInto(s.rounds, c, nil)
	}
	if e.emotion != nil {
		score := e.emotion.Score
		if sm, ok := e.emotion.(emotionSessions); ok {
			if s.emo == nil || s.emoOf != e.emotion {
				s.emo, s.emoOf = sm.Session(), e.emotion
			}
			score = s.emo
		}
		in.Emotion = s.slabs.emotions.take(n, slabEmotions)
		in.neg, in.end = e.neg, e.end
		emo := in.Emotion[:len(msgs)]
		prevAgent, prevCustomer := "", ""
		afterCustomer := true
		for i := range msgs {
			if uint(i)%checkEvery == checkEvery-1 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			m := &msgs[i]
			switch m.Role {
			case conversation.RoleCustomer:
				if isBlank(m.Text) {
					continue // nothing said, no emotion (and no context)
				}
				l, p, neg := score(m.Text, prevAgent, prevCustomer)
				emo[i] = MessageEmotion{Label: l, Score: p, Neg: neg, Satisfaction: SatisfactionOf(l), SatisfactionP: p}
				prevCustomer = m.Text
				afterCustomer = true
			case conversation.RoleAgent, conversation.RoleBot:
				// Consecutive agent messages form one turn of context,
				// of which the model reads only the end.
				if afterCustomer {
					prevAgent = m.Text
				} else {
					prevAgent = joinTail(prevAgent, m.Text, maxAgentContext)
				}
				afterCustomer = false
			}
		}
	}
	return in, nil
}

// detectorOf returns the engine's detector of type T (the last, should it
// run several), or T's zero value: the trainers' feature calls read the
// detector whose features they replay.
func detectorOf[T Detector](e *Engine) T {
	var d T
	for _, det := range e.detectors {
		if td, ok := det.(T); ok {
			d = td
		}
	}
	return d
}

// scratch returns the worker's Scratch the Input borrows from, or a new
// one for an Input built by hand.
func (in *Input) scratch() *Scratch {
	if in.scr == nil {
		in.scr = &Scratch{}
	}
	return in.scr
}

// waitBuf returns n zeroed waits from the worker's scratch.
func (in *Input) waitBuf(n int) []wait { return zeroed(&in.scratch().waits, n) }

// sigBuf returns n zeroed sigs from the worker's scratch.
func (in *Input) sigBuf(n int) []sig { return zeroed(&in.scratch().sigs, n) }

// zeroed returns n zero elements in *buf, growing it when it is too
// short, so that a scratch slice is reused from one conversation to the
// next.
func zeroed[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	*buf = (*buf)[:n]
	clear(*buf)
	return *buf
}

// intBuf returns the worker's scratch slice of ints number k (0 or 1),
// empty, for a detector to append to and give back with putInts so the
// next use reuses its growth. What a detector keeps past its Inspect must
// be copied out.
func (in *Input) intBuf(k int) []int { return in.scratch().ints[k][:0] }

// putInts gives intBuf slice number k back.
func (in *Input) putInts(k int, b []int) { in.scratch().ints[k] = b[:0] }

// joinTail returns the last n bytes (or a few fewer, to start on a
// character) of a+" "+b, copying no more than that: joining a turn of k
// agent messages in a row costs k×n, not k².
func joinTail(a, b string, n int) string {
	if len(b) >= n {
		return cutToRune(b, len(b)-n)
	}
	if keep := n - len(b) - 1; keep < len(a) {
		a = cutToRune(a, len(a)-keep)
	}
	return a + " " + b
}

// cutToRune returns s from byte i on, moved forward to a character start.
func cutToRune(s string, i int) string {
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return s[i:]
}

// validText replaces invalid UTF-8 in the findings' evidence and detail.
// Importers reject such text, but the engine is also fed by other callers,
// and a detector quotes the message as written: a report must not carry
// bytes that are no text.
//
// textValid (Conversation.TextValid: an importer vouches for every
// message's text) skips the evidence, about two thirds of the check's
// cost: a detector's evidence quotes only the messages' texts (as written
// or normalized, cut at character boundaries) and literal text, so it is
// valid when they are (the scan harness holds every detector to that).
// The detail is checked always: it also quotes configuration (scene
// names, a facts file's name and lines), which no importer vouches for.
func validText(fs []conversation.Finding, textValid bool) {
	for k := range fs {
		f := &fs[k]
		if !textValid && !text.ValidUTF8(f.Evidence) {
			f.Evidence = strings.ToValidUTF8(f.Evidence, "\uFFFD")
		}
		if !text.ValidUTF8(f.Detail) {
			f.Detail = strings.ToValidUTF8(f.Detail, "\uFFFD")
		}
	}
}

// isBlank reports whether s is empty or only white space (full-width
// spaces included): such a message says nothing, so it gets no emotion
// rather than the model's guess for an empty input.
//
// It stops at the first character that is not a space (a message's first,
// nearly always), and a character past U+3000, the last space, is no space
// without asking unicode.IsSpace: trimming both ends, as this was written
// first, read each message from both ends and looked each end's character
// up in the table of spaces.
func isBlank(s string) bool {
	if len(s) > 0 && s[0] >= 0xE4 {
		// A character past U+3FFF or a byte that is no UTF-8 (U+FFFD):
		// no space, and most Chinese messages stop here without the
		// range loop's call to decode their first character.
		return false
	}
	for _, r := range s {
		if r > '\u3000' || !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}
