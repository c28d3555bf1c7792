package server

import (
	"context"
	"sync"
	"time"
)

// Run does the background work until ctx is done: closing idle streamed
// conversations, inspecting closed ones, and retention. It
// returns when every background goroutine has finished its current step,
// so a shutdown never leaves a half-written transaction behind (and a kill
// cannot either: each step is one transaction).
func (s *Server) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	s.background(ctx, &wg)
	if s.o.Serve.Retention > 0 {
		wg.Add(1)
		go func() { defer wg.Done(); s.retention(ctx) }()
	}
	if s.o.Serve.Watch != "" {
		wg.Add(1)
		go func() { defer wg.Done(); s.watch(ctx) }()
	}
	wg.Wait()
	<-ctx.Done()
	return nil
}

// retention deletes conversations past serve.retention, at start-up and
// then every hour (or every Interval, when that is longer).
func (s *Server) retention(ctx context.Context) {
	every := max(time.Hour, s.o.Interval)
	for {
		if n, err := s.RetentionPass(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("retention", "err", err)
		} else if n > 0 {
			s.log.Info("retention deleted conversations", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

// RetentionPass deletes every conversation older than serve.retention,
// in transactions of 1,000, and returns how many it deleted.
func (s *Server) RetentionPass(ctx context.Context) (int, error) {
	if s.o.Serve.Retention <= 0 {
		return 0, nil
	}
	cutoff := s.now().Add(-time.Duration(s.o.Serve.Retention))
	total := 0
	for {
		n, err := s.st.DeleteOlderThan(ctx, cutoff, 1000)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}
