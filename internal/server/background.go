package server

import (
	"context"
	"sync"
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/store"
)

// wakeInspector tells the inspector that a conversation was closed.
func (s *Server) wakeInspector() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// closer closes conversations that have been silent for close_after.
func (s *Server) closer(ctx context.Context) {
	t := time.NewTicker(s.o.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := s.now()
		n, err := s.st.CloseIdle(ctx, now.Add(-time.Duration(s.o.Serve.CloseAfter)), now)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("close idle conversations", "err", err)
			}
			continue
		}
		if n > 0 {
			s.wakeInspector()
		}
	}
}

// failedKey is a conversation content whose inspection panicked; it is
// not retried until the content changes or the server restarts, so one
// bad conversation cannot keep a worker busy for ever.
type failedKey struct{ id, hash string }

// inspector inspects closed conversations in full, in batches, and
// stores each result unless the conversation changed meanwhile. It runs
// at start-up (conversations closed before a crash are still pending: the
// queue is the store) and whenever woken or every Interval.
func (s *Server) inspector(ctx context.Context) {
	failed := map[failedKey]bool{}
	for {
		n, err := s.InspectPending(ctx, failed)
		if err != nil && ctx.Err() == nil {
			s.log.Error("inspect pending conversations", "err", err)
		}
		if n > 0 && err == nil {
			continue // there may be more
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-time.After(s.o.Interval):
		}
	}
}

// InspectPending inspects one batch of closed, uninspected conversations
// and returns how many results it stored. failed may be nil.
func (s *Server) InspectPending(ctx context.Context, failed map[failedKey]bool) (int, error) {
	if failed == nil {
		failed = map[failedKey]bool{}
	}
	if n, err := s.st.PendingInspections(ctx); err == nil {
		s.pending.Store(int64(n))
	}
	pend, err := s.st.PendingConversations(ctx, 256+len(failed))
	if err != nil {
		return 0, err
	}
	var convs []*conversation.Conversation
	var hashes []string
	for _, p := range pend {
		if failed[failedKey{p.ID, p.Hash}] {
			continue
		}
		c, err := store.DecodeConversation(p.Doc)
		if err != nil {
			s.log.Error("stored conversation unreadable", "conversation", p.ID, "err", err)
			failed[failedKey{p.ID, p.Hash}] = true
			continue
		}
		convs = append(convs, c)
		hashes = append(hashes, p.Hash)
	}
	if len(convs) == 0 {
		return 0, nil
	}
	res := s.inspectAll(ctx, convs, hashes)
	var ins []store.Inspection
	var of []int
	for i, r := range res {
		if r.err != nil {
			failed[failedKey{convs[i].ID, hashes[i]}] = true
			continue
		}
		ins = append(ins, store.Inspection{ID: convs[i].ID, Hash: hashes[i], Result: &res[i].result, Findings: r.findings, Across: r.across})
		of = append(of, i)
	}
	// One transaction for the batch: a kill loses at most the batch, whose
	// conversations are then still pending and inspected after restart.
	ok, err := s.st.PutInspections(ctx, ins, s.now())
	if err != nil {
		return 0, err
	}
	stored := 0
	var found []store.Finding
	var puts []store.Put
	for k, i := range of {
		if ok[k] {
			stored++
			found = append(found, res[i].findings...)
			puts = append(puts, store.Put{Conv: convs[i], Across: res[i].across})
		}
	}
	s.pending.Add(-int64(stored)) // until the next count
	s.checkBursts(ctx, puts)
	s.sink(ctx, found, false)
	return stored, nil
}

// background starts the closer and the inspector; wg tracks them.
func (s *Server) background(ctx context.Context, wg *sync.WaitGroup) {
	wg.Add(2)
	go func() { defer wg.Done(); s.closer(ctx) }()
	go func() { defer wg.Done(); s.inspector(ctx) }()
}
