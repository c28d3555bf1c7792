// Package server is `fullqa serve`: the HTTP API over the store. It
// ingests conversations (whole, or message by message as they stream in),
// inspects them with the same engine and pipeline code as `fullqa scan`
// (internal/scan), stores results and findings, and serves them back with
// token authentication and vendor isolation. Routing is the standard
// library's; every handler has its own file.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"fullqa/internal/config"
	"fullqa/internal/detect"
	"fullqa/internal/scan"
	"fullqa/internal/store"
)

// FindingSink receives findings after they are committed to the store:
// the place where alerts hook in. Found runs on the request (or inspection)
// goroutine after the commit, so it must be quick (write to an outbox,
// signal a worker); a panic in it is recovered and logged. live is true for
// per-message checks run as a message arrived, false for a conversation's
// full inspection (which re-finds the per-message findings too).
type FindingSink interface {
	Found(ctx context.Context, fs []store.Finding, live bool)
}

// Options is what the server is built from; main builds it from the config.
type Options struct {
	Store *store.Store
	// Engine is the full inspection, built as `fullqa scan` builds it.
	Engine *detect.Engine
	// Live is the engine of the per-message checks (threat, privacy,
	// compliance, attitude); nil turns them off.
	Live *detect.Engine
	// Scan carries the scorecard, KPI rules and time zone, as for scan.
	Scan     scan.Options
	Serve    config.Serve
	Config   config.Config // the whole configuration, for the report (contracts, teams)
	Log      *slog.Logger
	Sink     FindingSink      // may be nil
	Now      func() time.Time // nil means time.Now
	Workers  int              // inspection workers; 0 means GOMAXPROCS
	Interval time.Duration    // how often background work looks for due conversations; 0 means 1s
}

// Server is the service. Build it with New, serve Handler, and run Run for
// the background work (closing idle conversations, inspecting closed ones,
// retention).
type Server struct {
	o       Options
	st      *store.Store
	log     *slog.Logger
	now     func() time.Time
	queue   *queue
	metrics *metrics
	wake    chan struct{} // a closed conversation is waiting for inspection
	pending atomic.Int64  // closed conversations waiting for inspection, as last counted
	cross   *crossState   // across-conversation analyzers (cross.go)
	web     *web          // the dashboard's pages (web.go)
}

// New checks the options and builds the server.
func New(o Options) (*Server, error) {
	if o.Store == nil || o.Engine == nil {
		return nil, errors.New("server: store and engine are required")
	}
	if err := o.Serve.Validate(); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	o.Scan.Defaults()
	o.Scan.Ready()
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	s := &Server{o: o, st: o.Store, log: o.Log, now: o.Now, queue: newQueue(o.Serve.Queue),
		metrics: newMetrics(), wake: make(chan struct{}, 1)}
	var err error
	if s.cross, err = newCrossState(o); err != nil {
		return nil, err
	}
	if s.web, err = newWeb(o.Config.Lang, o.Scan.Location); err != nil {
		return nil, err
	}
	var patterns []string
	for _, rt := range s.routes() {
		patterns = append(patterns, rt.pattern)
	}
	if err := checkOpenAPI(patterns); err != nil {
		return nil, err
	}
	return s, nil
}

// sink passes committed findings to the configured sink, recovering a
// panic so a broken hook cannot take a request or a worker down.
func (s *Server) sink(ctx context.Context, fs []store.Finding, live bool) {
	if s.o.Sink == nil || len(fs) == 0 {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("finding sink panicked", "panic", fmt.Sprint(p))
		}
	}()
	s.o.Sink.Found(ctx, fs, live)
}
