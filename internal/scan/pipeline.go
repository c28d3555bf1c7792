// Package scan is the pipeline of `fullqa scan`: it reads conversations
// from an ingest.Reader, inspects them in parallel on all cores, and hands
// the results to a sink in input order.
package scan

import (
	"cmp"
	"context"
	"errors"
	"io"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/score"
)

// Result is everything the scan knows about one conversation, or a bad
// record (Err set, Conv nil) passed through in input order.
type Result struct {
	Conv     *conversation.Conversation
	Err      error
	Findings []conversation.Finding
	Tags     []conversation.Tag
	Emotion  []detect.MessageEmotion
	// Ending is how the conversation ended by the learned ending
	// classifier; zero when it did not run.
	Ending     detect.Ending
	Score      int
	Fatal      bool
	Deductions []score.Deduction
	KPI        score.KPI
	// Encoded is Options.Encode's output, when set. It lives in a buffer
	// the pipeline reuses: it is valid only until the sink returns.
	Encoded []byte
	// Prepared is what Options.Prepare made of this result on the worker,
	// for the sink; nil when it is not set.
	Prepared any

	raw conversation.Raw // the record as cut, from a rawSource
}

// Source yields conversations; ingest.Reader satisfies it.
type Source interface {
	Next() (*conversation.Conversation, error)
}

// Options tunes the pipeline.
type Options struct {
	Workers  int            // 0 means GOMAXPROCS
	Batch    int            // conversations per unit of work; 0 means 64
	Score    score.Config   // scorecard and KPI rules
	Location *time.Location // time zone for days and the service window; nil means Asia/Shanghai
	// Redact, when set, masks personal data in message texts and finding
	// evidence after the detectors ran, before anything is written.
	Redact func(string) string
	// Encode, when set, runs on the worker after inspection, appends the
	// result's output to dst and returns it; the pipeline points
	// Result.Encoded at the appended bytes. Per-conversation output (JSON)
	// is so built in parallel instead of on the one goroutine that writes,
	// into one reused buffer per batch instead of one new buffer each.
	Encode func(dst []byte, r *Result) []byte
	// Prepare, when set, runs on the worker after inspection and before
	// Encode, for every inspected result, and may set Result.Prepared:
	// the part of the sink's work that depends on one conversation alone
	// (the across-conversation summary) is so done in parallel instead of
	// on the sink's one goroutine. It must be safe for concurrent use.
	// in is the engine's Input of the inspection (its normalized texts
	// and keyword hits), valid only during the call.
	Prepare func(r *Result, in *detect.Input)
	// Idle, when set, is called on the sink's goroutine whenever the sink
	// has been given every result inspected so far and would now wait:
	// a writer flushes there, so results reach a pipe as conversations
	// complete on an endless stream, and in large writes on a fast one.
	Idle func() error
	// KPIFigures, when set, has each result's KPI worked out for its
	// exported figures alone (score.ConversationKPIFigures): for a run
	// that writes them but aggregates no results (JSON Lines results or
	// a sample, without a report), which need not find what only the
	// aggregation reads.
	KPIFigures bool

	// sheet is Score.Scorecard made ready (Ready) for scoring many
	// conversations; nil scores with the Scorecard itself.
	sheet *score.Sheet
}

// Ready makes the scorecard ready for scoring conversation after
// conversation (a score.Sheet, read-only and safe for concurrent use). Call
// it once the scorecard is final; Run calls it on its own copy, and a
// caller of InspectContext that inspects many conversations (the service)
// should too.
func (o *Options) Ready() { o.sheet = o.Score.Scorecard.Sheet() }

// ScoreOf scores findings with the scorecard: through the Sheet when Ready
// made one, else with Scorecard.Apply, which gives the same.
func (o *Options) ScoreOf(findings []conversation.Finding) (int, []score.Deduction, bool) {
	return o.scoreWith(nil, findings)
}

// scoreWith is ScoreOf cutting the deductions from s (see score.Scratch),
// which may be nil.
func (o *Options) scoreWith(s *score.Scratch, findings []conversation.Finding) (int, []score.Deduction, bool) {
	if o.sheet != nil {
		return o.sheet.ApplyWith(s, findings)
	}
	return o.Score.Scorecard.Apply(findings)
}

// readySource is implemented by sources that can tell whether their next
// conversation is already buffered. When it is not, the pipeline hands
// over the conversations it holds before asking for it, so that a slow
// stream (stdin from `tail -f`) is inspected as it arrives instead of 64
// conversations at a time.
type readySource interface {
	Ready() bool
}

// rawSource is implemented by sources that can hand out records before
// parsing them (see conversation.Raw): the reading goroutine then only
// cuts records, the workers parse them, and the sink's goroutine settles
// them in input order, so parsing is no longer bound to one core.
type rawSource interface {
	NextRaw() (conversation.Raw, error)
}

// Defaults fills unset options.
func (o *Options) Defaults() {
	if len(o.Score.Scorecard.Categories) == 0 {
		o.Score.Scorecard = score.DefaultScorecard()
	}
	if o.Score.KPI.SlowAfter == 0 {
		o.Score.KPI = score.DefaultKPIConfig()
	}
	if o.Location == nil {
		loc, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			loc = time.FixedZone("CST", 8*3600)
		}
		o.Location = loc
	}
}

// IsRecordError reports whether err is a bad record the run can skip. It
// is declared here so scan does not depend on ingest.
type IsRecordError func(error) bool

type batch struct {
	seq   int
	items []Result
	buf   []byte // the items' Encoded bytes, returned to the pool when written
}

// Run reads src to the end, inspects every conversation with eng, and calls
// sink with each result in input order. Bad records (isRecord) are passed to
// sink as results with Err set; any other read error stops the run. sink
// runs on one goroutine; an error from it stops the run.
func Run(ctx context.Context, src Source, isRecord IsRecordError, eng *detect.Engine, opts Options, sink func(*Result) error) error {
	opts.Defaults()
	opts.Ready() // opts is Run's copy: the scorecard does not change under it
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	size := opts.Batch
	if size <= 0 {
		size = 64
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Encoding buffers go back to bufs once the sink has had their batch.
	var bufs sync.Pool
	in := make(chan batch, workers*2)
	out := make(chan batch, workers*2)
	var readErr error
	go func() {
		defer close(in)
		seq := 0
		cur := batch{seq: seq, items: make([]Result, 0, size)}
		send := func() bool {
			select {
			case in <- cur:
			case <-ctx.Done():
				return false
			}
			seq++
			cur = batch{seq: seq, items: make([]Result, 0, size)}
			return true
		}
		ready, _ := src.(readySource)
		rs, _ := src.(rawSource)
		for {
			if ready != nil && len(cur.items) > 0 && !ready.Ready() && !send() {
				return
			}
			var raw conversation.Raw
			var conv *conversation.Conversation
			var err error
			if rs != nil {
				raw, err = rs.NextRaw()
			} else {
				conv, err = src.Next()
			}
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil && (isRecord == nil || !isRecord(err)) {
				readErr = err
				break
			}
			// The result is filled in its place in the batch (len < size
			// = cap here, and make zeroed it) rather than built apart and
			// copied in: a Result is some 500 bytes.
			cur.items = cur.items[:len(cur.items)+1]
			res := &cur.items[len(cur.items)-1]
			res.raw, res.Conv, res.Err = raw, conv, err
			if len(cur.items) == size && !send() {
				return
			}
		}
		if len(cur.items) > 0 {
			send()
		}
	}()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var scratch detect.Scratch
			var kpis score.Scratch
			for b := range in {
				if opts.Encode != nil {
					if p, ok := bufs.Get().(*[]byte); ok {
						b.buf = (*p)[:0]
					}
				}
				for i := range b.items {
					r := &b.items[i]
					var din *detect.Input
					if r.raw != nil {
						r.Conv = r.raw.Parse()
					}
					if r.Err == nil && r.Conv != nil {
						// Cancellation is looked at inside each
						// conversation too: one long chat must not keep
						// a Ctrl-C waiting.
						var err error
						if din, err = inspect(ctx, eng, r, &scratch, &kpis, &opts); err != nil {
							return
						}
					}
					if r.Err == nil && r.Conv != nil {
						if opts.Prepare != nil {
							opts.Prepare(r, din)
						}
						if opts.Encode != nil {
							start := len(b.buf)
							b.buf = opts.Encode(b.buf, r)
							r.Encoded = b.buf[start:len(b.buf):len(b.buf)]
						}
					}
				}
				select {
				case out <- b:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(out) }()

	// Reorder batches and feed the sink in input order.
	next := 0
	var held []batch
	var sinkErr error
	for b := range out {
		if sinkErr != nil {
			continue // drain
		}
		// Insert b in order (held is short): sort.Slice allocated its
		// swapper a batch.
		i := len(held)
		held = append(held, b)
		for ; i > 0 && held[i-1].seq > b.seq; i-- {
			held[i] = held[i-1]
		}
		held[i] = b
		for sinkErr == nil && len(held) > 0 && held[0].seq == next {
			for i := range held[0].items {
				r := &held[0].items[i]
				if r.raw != nil {
					_, skip, err := r.raw.Settle()
					r.raw = nil
					if err != nil {
						*r = Result{Err: err}
					} else if skip {
						continue
					}
				}
				if err := sink(r); err != nil {
					sinkErr = err
					cancel()
					break
				}
			}
			if buf := held[0].buf; buf != nil {
				bufs.Put(&buf)
			}
			held = held[1:]
			next++
		}
		if sinkErr == nil && opts.Idle != nil && len(out) == 0 {
			if err := opts.Idle(); err != nil {
				sinkErr = err
				cancel()
			}
		}
	}
	if sinkErr != nil {
		return sinkErr
	}
	if readErr != nil {
		return readErr
	}
	return ctx.Err()
}

// agreeEmotion makes each customer message's emotion label agree with the
// emotion.negative findings: "negative" exactly on the messages the
// detector flagged (model plus cue words). The model's own arg-max calls
// about five times as many messages negative as reviewers do (precision
// 0.16 on the labelled JDDC set, against 0.90 for the finding), and a
// label that contradicts the findings beside it misleads whoever reads the
// output. A demoted message becomes "neutral" with the probability that it
// is not negative as its score; emotion_score of a negative message is its
// negative probability.
func agreeEmotion(r *Result) {
	var neg msgSet
	neg.startsOf(r.Findings, "emotion.negative", len(r.Emotion))
	for i := range r.Emotion {
		e := &r.Emotion[i]
		switch {
		case e.Label == "":
		case neg.has(i):
			e.Label, e.Score = detect.EmotionNegative, e.Neg
		case e.Label == detect.EmotionNegative:
			e.Label, e.Score = detect.EmotionNeutral, 1-e.Neg
		}
	}
}

// msgSet is a set of message numbers, as bits: in the value itself for a
// conversation of up to 256 messages (no allocation, as a []bool per
// conversation was), else in a slice.
type msgSet struct {
	small [4]uint64
	big   []uint64
}

// add puts message m (of n) in the set.
func (s *msgSet) add(m, n int) {
	w := s.small[:]
	if n > 64*len(s.small) {
		if s.big == nil {
			s.big = make([]uint64, (n+63)/64)
		}
		w = s.big
	}
	w[m/64] |= 1 << (m % 64)
}

// has reports whether message m is in the set.
func (s *msgSet) has(m int) bool {
	w := s.small[:]
	if s.big != nil {
		w = s.big
	}
	return m >= 0 && m/64 < len(w) && w[m/64]&(1<<(m%64)) != 0
}

// startsOf adds the messages (of n) at which a finding with code starts.
// One pass over the findings: asking per message cost messages ×
// findings, 30 s on one 200k-message chat.
func (s *msgSet) startsOf(fs []conversation.Finding, code string, n int) {
	for k := range fs {
		if fs[k].Code != code || len(fs[k].Messages) == 0 {
			continue
		}
		if m := fs[k].Messages[0]; m >= 0 && m < n {
			s.add(m, n)
		}
	}
}

// Inspect fills r from r.Conv: findings, tags, emotions, score and KPI.
// opts must have had Defaults applied. A detector that panics makes r a
// bad record: Err is a *detect.PanicError naming it, Conv is nil.
func Inspect(eng *detect.Engine, r *Result, scratch *detect.Scratch, opts *Options) {
	_ = InspectContext(context.Background(), eng, r, scratch, opts) // Background is never done
}

// InspectContext is Inspect that stops when ctx is done, returning
// ctx.Err() and leaving r unfinished; it returns nil otherwise, also when
// r became a bad record.
func InspectContext(ctx context.Context, eng *detect.Engine, r *Result, scratch *detect.Scratch, opts *Options) error {
	_, err := inspect(ctx, eng, r, scratch, nil, opts)
	return err
}

// inspect is InspectContext with the worker's KPI scratch (nil for none),
// also returning the engine's Input (which borrows scratch).
func inspect(ctx context.Context, eng *detect.Engine, r *Result, scratch *detect.Scratch, kpis *score.Scratch, opts *Options) (in *detect.Input, err error) {
	id := r.Conv.ID
	defer func() {
		if p := recover(); p != nil { // scoring or redaction, after the detectors
			r.Conv, r.Err = nil, &detect.PanicError{Conversation: id, Detector: "scan", Value: p, Stack: debug.Stack()}
			in, err = nil, nil
		}
	}()
	in, out, err := eng.InspectContext(ctx, r.Conv, scratch)
	if err != nil {
		var pe *detect.PanicError
		if errors.As(err, &pe) {
			r.Conv, r.Err = nil, err
			return nil, nil
		}
		return nil, err
	}
	r.Findings, r.Tags, r.Emotion, r.Ending = out.Findings, out.Tags, in.Emotion, out.Ending
	if r.Emotion != nil && eng.Has("emotion") {
		agreeEmotion(r)
	}
	sortFindings(r.Findings)
	r.Score, r.Deductions, r.Fatal = opts.scoreWith(kpis, r.Findings)
	// When the response detector ran, an unanswered round it did not flag
	// as missed is a closing that needs no answer ("好的谢谢"): the KPIs
	// leave it out, so 回复率 and the 3-minute rate agree with the findings.
	var excused func(int) bool
	if eng.Has("response") {
		var missed msgSet
		missed.startsOf(r.Findings, "response.missed", len(r.Conv.Messages))
		excused = func(first int) bool { return !missed.has(first) }
	}
	if in.Rounds == nil { // --detectors none: the engine did not cut them
		in.Rounds = detect.Rounds(r.Conv)
	}
	if opts.KPIFigures {
		r.KPI = score.ConversationKPIFigures(kpis, r.Conv, in.Rounds, opts.Score.KPI, opts.Location, excused)
	} else {
		r.KPI = score.ConversationKPIWith(kpis, r.Conv, in.Rounds, opts.Score.KPI, opts.Location, excused)
	}
	if opts.Redact != nil {
		for i := range r.Conv.Messages {
			r.Conv.Messages[i].Text = opts.Redact(r.Conv.Messages[i].Text)
		}
		for i := range r.Findings {
			r.Findings[i].Evidence = opts.Redact(r.Findings[i].Evidence)
			r.Findings[i].Detail = opts.Redact(r.Findings[i].Detail)
		}
	}
	return in, nil
}

// sortFindings sorts findings by their first message (firstMsg), stably:
// the order slices.SortStableFunc gives (the one stable order there is),
// without its calls of the comparison, which took two findings by value,
// for every pair it compared. The keys are read once each: findings
// already in order (most conversations') are left as they are after one
// look at each; a few are put in order by insertion, their keys beside
// them; many go to slices.SortStableFunc. FuzzSortFindings holds it to
// slices.SortStableFunc.
func sortFindings(fs []conversation.Finding) {
	var kb [32]int
	if len(fs) > len(kb) {
		slices.SortStableFunc(fs, func(a, b conversation.Finding) int {
			return cmp.Compare(firstMsg(&a), firstMsg(&b))
		})
		return
	}
	keys := kb[:len(fs)]
	sorted := true
	for i := range fs {
		keys[i] = firstMsg(&fs[i])
		if i > 0 && keys[i] < keys[i-1] {
			sorted = false
		}
	}
	if sorted {
		return
	}
	for i := 1; i < len(fs); i++ {
		k := keys[i]
		if k >= keys[i-1] {
			continue
		}
		f := fs[i]
		j := i
		for ; j > 0 && k < keys[j-1]; j-- {
			keys[j], fs[j] = keys[j-1], fs[j-1]
		}
		keys[j], fs[j] = k, f
	}
}

// firstMsg is the finding's first message, the key findings are sorted
// by (those without one last).
func firstMsg(f *conversation.Finding) int {
	if len(f.Messages) == 0 {
		return 1 << 30
	}
	return f.Messages[0]
}
