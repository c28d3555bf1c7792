package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"time"

	"fullqa/internal/alert"
	"fullqa/internal/config"
)

// runAlert implements `fullqa alert test CHANNEL`: it sends a sample alert
// to one configured channel and prints the platform's answer, so a
// merchant can check a robot's URL and secret before relying on it.
func runAlert(ctx context.Context, args []string, env Env) int {
	if len(args) > 0 && args[0] == "dead" {
		return runAlertDead(ctx, args[1:], env)
	}
	if len(args) == 0 || args[0] != "test" {
		fmt.Fprintln(env.Stderr, "usage: fullqa alert test CHANNEL | dead  [--config fullqa.yaml]")
		return ExitUsage
	}
	fs := flag.NewFlagSet("alert test", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	path := fs.String("config", "", "YAML config file with alerts.channels")
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return ExitUsage
	}
	if len(pos) != 1 {
		fmt.Fprintln(env.Stderr, "usage: fullqa alert test CHANNEL [--config fullqa.yaml]")
		return ExitUsage
	}
	cfg, err := config.Load(*path)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitUsage
	}
	var cc *alert.ChannelConfig
	for i := range cfg.Alerts.Channels {
		if cfg.Alerts.Channels[i].Name == pos[0] {
			cc = &cfg.Alerts.Channels[i]
		}
	}
	if cc == nil {
		fmt.Fprintf(env.Stderr, "fullqa: alert test: no channel %q under alerts.channels\n", pos[0])
		return ExitUsage
	}
	getenv := env.getenv()
	ch, err := alert.NewChannel(*cc, &http.Client{Timeout: 15 * time.Second}, getenv, time.Now)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitUsage
	}
	a := alert.Alert{Key: "fullqa-test", Code: "threat.escalation", Name: "测试告警（fullqa alert test）",
		Severity: "high", ConversationID: "test-0001", Message: 0, Vendor: "v-test", Agent: "a-test",
		Evidence: "这是一条测试告警：再不处理我就去12315投诉", Detail: "fullqa alert test 发送的示例，无需处理", At: time.Now()}
	if loc, err := cfg.Location(); err == nil {
		a.At = a.At.In(loc) // the shop's time, as the service's alerts give it
	}
	reply, err := ch.Sender.Send(ctx, alert.Render(a))
	fmt.Fprintf(env.Stdout, "channel %s (%s): platform answered: %s\n", cc.Name, cc.Type, reply)
	if err != nil {
		var se *alert.SendError
		if errors.As(err, &se) && se.Retryable {
			fmt.Fprintf(env.Stderr, "fullqa: alert test: %v (temporary: try again)\n", err)
		} else {
			fmt.Fprintf(env.Stderr, "fullqa: alert test: %v\n", err)
		}
		return ExitError
	}
	fmt.Fprintln(env.Stdout, "ok: the sample alert was accepted")
	return ExitOK
}

// runAlertDead implements `fullqa alert dead`: the dead-letter list, the
// alerts the service gave up sending after alerts.retry.attempts failures
// (or at once, for an answer like a bad sign that retrying cannot fix).
func runAlertDead(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("alert dead", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	path := fs.String("config", "", "YAML config file")
	dataDir := fs.String("data-dir", "", "the service's data directory (default from config)")
	limit := fs.Int("n", 50, "how many to list, newest first")
	if _, err := parseInterspersed(fs, args); err != nil {
		return ExitUsage
	}
	st, cfg, code := openServeStore(ctx, *path, *dataDir, env, "fullqa")
	if st == nil {
		return code
	}
	defer st.Close()
	dead, err := st.DeadLetters(ctx, *limit)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitError
	}
	loc, _ := cfg.Location() // checked by loadServeConfig
	if len(dead) == 0 {
		fmt.Fprintln(env.Stdout, "no dead letters: every alert was sent or is still being tried")
		return ExitOK
	}
	for _, d := range dead {
		fmt.Fprintf(env.Stdout, "%s\t%s\t%s\t%s\tattempts %d\t%s\n", d.Created.In(loc).Format("2006-01-02 15:04:05"),
			d.Channel, d.Alert.Code, d.Alert.Key, d.Attempts, d.LastError)
	}
	return ExitOK
}
