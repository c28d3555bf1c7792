package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"fullqa/internal/store"
)

// runAudit implements `fullqa audit`: the audit log, newest first, one
// entry a line (time, user, action, object, detail; tab-separated).
func runAudit(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	path := fs.String("config", "", "YAML config file (serve.data_dir)")
	dataDir := fs.String("data-dir", "", "data directory (default from config: ./fullqa-data)")
	user := fs.String("user", "", "only this user's entries")
	action := fs.String("action", "", "only this action (e.g. conversation.read)")
	since := fs.Duration("since", 0, "only entries of the last duration (e.g. 24h)")
	limit := fs.Int("limit", 100, "at most this many entries")
	if _, err := parseInterspersed(fs, args); err != nil {
		return ExitUsage
	}
	st, cfg, code := openServeStore(ctx, *path, *dataDir, env, "fullqa audit")
	if st == nil {
		return code
	}
	defer st.Close()
	f := store.AuditFilter{User: *user, Action: *action, Limit: *limit}
	if *since > 0 {
		f.Since = time.Now().Add(-*since)
	}
	es, err := st.ListAudit(ctx, f)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa audit: %v\n", err)
		return ExitError
	}
	loc, _ := cfg.Location()
	for _, e := range es {
		fmt.Fprintf(env.Stdout, "%s\t%s\t%s\t%s\t%s\n", e.At.In(loc).Format("2006-01-02 15:04:05"), e.User, e.Action, e.Object, e.Detail)
	}
	return ExitOK
}
