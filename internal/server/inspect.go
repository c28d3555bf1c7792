package server

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/report"
	"fullqa/internal/scan"
	"fullqa/internal/store"
)

// queue bounds the conversations waiting for or in inspection. A request
// reserves room for its conversations before inspecting them and gives it
// back when done; when there is no room it gets 429 with Retry-After
// instead of growing memory.
type queue struct {
	size  int64
	depth atomic.Int64
}

func newQueue(size int) *queue { return &queue{size: int64(size)} }

// reserve takes n places, or reports false when they are not free.
func (q *queue) reserve(n int) bool {
	for {
		d := q.depth.Load()
		if d+int64(n) > q.size && d > 0 {
			return false
		}
		if q.depth.CompareAndSwap(d, d+int64(n)) {
			return true
		}
	}
}

func (q *queue) release(n int) { q.depth.Add(-int64(n)) }

// inspected is one conversation's inspection, ready to store.
type inspected struct {
	result   store.Result
	findings []store.Finding
	err      error         // the inspection panicked: the record is rejected, others go on
	scan     scan.Result   // the inspection, for the across analyzers (cross.go)
	across   *store.Across // what the across analyzers keep of it
}

// inspectAll inspects convs in parallel with the full engine, through
// scan.Inspect (exactly what `fullqa scan` runs per conversation), and
// encodes each result as its scan output line. A panic inspecting one
// conversation is recovered and reported as that conversation's error.
func (s *Server) inspectAll(ctx context.Context, convs []*conversation.Conversation, hashes []string) []inspected {
	out := make([]inspected, len(convs))
	workers := s.o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(convs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var scratch detect.Scratch
			var buf []byte
			for {
				i := int(next.Add(1) - 1)
				if i >= len(convs) {
					return
				}
				out[i], buf = s.inspectOne(convs[i], hashes[i], &scratch, buf[:0])
			}
		}()
	}
	wg.Wait()
	s.crossAll(ctx, convs, out)
	return out
}

// inspectOne runs the full inspection of one conversation.
func (s *Server) inspectOne(c *conversation.Conversation, hash string, scratch *detect.Scratch, buf []byte) (res inspected, _ []byte) {
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("inspection panicked", "conversation", c.ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			res = inspected{err: fmt.Errorf("inspection failed: %v", p)}
			*scratch = detect.Scratch{} // its buffers may be half-written
			s.metrics.inspectFailures.Add(1)
		}
	}()
	r := scan.Result{Conv: c}
	scan.Inspect(s.o.Engine, &r, scratch, &s.o.Scan)
	if r.Err != nil { // a detector panicked; scan made it a bad record
		s.log.Error("inspection failed", "conversation", c.ID, "err", r.Err)
		s.metrics.inspectFailures.Add(1)
		return inspected{err: fmt.Errorf("inspection failed: %v", r.Err)}, buf
	}
	if r.Err != nil { // a detector panicked: scan.Inspect recovered it
		var stack []byte
		if pe, ok := r.Err.(*detect.PanicError); ok {
			stack = pe.Stack
		}
		s.log.Error("inspection panicked", "conversation", c.ID, "err", r.Err, "stack", string(stack))
		s.metrics.inspectFailures.Add(1)
		return inspected{err: fmt.Errorf("inspection failed: %w", r.Err)}, buf
	}
	buf = report.AppendJSONResult(buf, &r)
	now := s.now()
	res.result = store.Result{Hash: hash, Score: r.Score, Fatal: r.Fatal, Doc: append([]byte(nil), buf[:len(buf)-1]...), InspectedAt: now}
	res.findings = store.NewFindings(c, r.Findings, store.SourceInspection, now)
	res.scan = r
	s.metrics.observeInspection(time.Since(start))
	return res, buf
}
