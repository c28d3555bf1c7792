package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"

	"fullqa/internal/alert"
	"fullqa/internal/config"
	"fullqa/internal/detect"
	"fullqa/internal/scan"
	"fullqa/internal/server"
	"fullqa/internal/store"
)

// liveDetectors are the per-message checks run as each streamed message
// arrives: they need no later context, and what they find (a threat, a
// leaked phone number, steering off the platform, rudeness) is worth an
// alert within seconds.
const liveDetectors = "threat,attitude,compliance,privacy"

// runServe implements `fullqa serve`: it runs until SIGINT/SIGTERM, then
// stops accepting, finishes in-flight requests and background steps,
// closes the store and exits 0.
func runServe(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	path := fs.String("config", "", "YAML config file (section serve:)")
	listen := fs.String("listen", "", "listen address (default from config: 127.0.0.1:8080)")
	dataDir := fs.String("data-dir", "", "data directory (default from config: ./fullqa-data)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return ExitUsage
	}
	cfg, err := loadServeConfig(*path, *listen, *dataDir)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitUsage
	}
	release, err := store.LockServe(cfg.Serve.DataDir)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa serve: %v\n", err)
		return ExitError
	}
	defer release()
	srv, st, alerts, alertSink, err := newServer(ctx, cfg, env)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa serve: %v\n", err)
		return ExitError
	}
	defer st.Close()
	ln, err := net.Listen("tcp", cfg.Serve.Listen)
	if errors.Is(err, syscall.EADDRINUSE) {
		fmt.Fprintf(env.Stderr, "fullqa serve: %v (another program, perhaps another fullqa serve, listens there: choose another address with --listen or serve.listen)\n", err)
		return ExitError
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa serve: %v\n", err)
		return ExitError
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	env.Log.Info("fullqa serve listening", "addr", "http://"+ln.Addr().String(), "data", st.Path())
	bg, stopBG := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); srv.Run(bg) }()
	if alerts != nil {
		// Findings committed just before a crash may not have reached the
		// outbox: offer the last hour's again (the outbox drops repeats).
		if n, err := alertSink.CatchUp(ctx, st, time.Hour, time.Now()); err != nil {
			env.Log.Error("alert catch-up", "err", err)
		} else {
			env.Log.Info("alert catch-up", "looked_at", n)
		}
		wg.Add(2)
		go func() { defer wg.Done(); alerts.Run(bg, time.Second) }()
		go func() { defer wg.Done(); srv.RunSchedules(bg, alerts, cfg.Alerts.Schedules, cfg.Serve.PublicURL) }()
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	code := ExitOK
	select {
	case err := <-served:
		fmt.Fprintf(env.Stderr, "fullqa serve: %v\n", err)
		code = ExitError
	case <-ctx.Done():
		env.Log.Info("fullqa serve shutting down")
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Duration(cfg.Serve.ShutdownTimeout))
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		env.Log.Error("shutdown", "err", err)
		code = ExitError
	}
	stopBG()
	wg.Wait()
	env.Log.Info("fullqa serve stopped")
	return code
}

// openServeStore opens the service's store for a command run beside it
// (user, audit, alert dead): the config with --data-dir over it, then the
// store. On failure it prints the error as cmd and returns a nil store with
// the exit code to return.
func openServeStore(ctx context.Context, path, dataDir string, env Env, cmd string) (*store.Store, config.Config, int) {
	cfg, err := loadServeConfig(path, "", dataDir)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return nil, cfg, ExitUsage
	}
	st, err := store.Open(ctx, cfg.Serve.DataDir)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", cmd, err)
		return nil, cfg, ExitError
	}
	return st, cfg, ExitOK
}

// loadServeConfig loads the config with the flags over it.
func loadServeConfig(path, listen, dataDir string) (config.Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return cfg, err
	}
	if listen != "" {
		cfg.Serve.Listen = listen
	}
	if dataDir != "" {
		cfg.Serve.DataDir = dataDir
	}
	return cfg, cfg.Validate()
}

// newServer opens the store and builds the server with the same engine
// and scan options `fullqa scan` uses.
func newServer(ctx context.Context, cfg config.Config, env Env) (*server.Server, *store.Store, *alert.Dispatcher, *server.AlertSink, error) {
	eng, err := newEngine(cfg, "all")
	if err != nil {
		return nil, nil, nil, nil, err
	}
	lex, err := cfg.Lists()
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if cfg, err = withThreatModel(cfg); err != nil {
		return nil, nil, nil, nil, err
	}
	dets, err := detect.Select(detect.Registry(cfg.Detect, lex), liveDetectors)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	live, err := detect.NewEngine(dets, nil)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	loc, err := cfg.Location()
	if err != nil {
		return nil, nil, nil, nil, err
	}
	st, err := store.Open(ctx, cfg.Serve.DataDir)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	var alerts *alert.Dispatcher
	var alertSink *server.AlertSink
	var sink server.FindingSink
	if len(cfg.Alerts.Channels) > 0 {
		getenv := env.getenv()
		client := &http.Client{Timeout: 15 * time.Second}
		var chans []alert.Channel
		for _, cc := range cfg.Alerts.Channels {
			ch, err := alert.NewChannel(cc, client, getenv, time.Now)
			if err != nil {
				st.Close()
				return nil, nil, nil, nil, err
			}
			chans = append(chans, ch)
		}
		alerts = alert.NewDispatcher(cfg.Alerts, chans, st, env.Log, time.Now)
		alertSink = &server.AlertSink{Dispatcher: alerts, PublicURL: cfg.Serve.PublicURL,
			Redact: cfg.Ingest.Redact.RedactConfig.Redact, Loc: loc, Log: env.Log}
		sink = alertSink
	}
	srv, err := server.New(server.Options{Store: st, Engine: eng, Live: live, Config: cfg, Serve: cfg.Serve,
		Scan: scan.Options{Score: cfg.Score, Location: loc}, Workers: cfg.Scan.Workers, Log: env.Log, Sink: sink})
	if err != nil {
		st.Close()
		return nil, nil, nil, nil, err
	}
	return srv, st, alerts, alertSink, nil
}
