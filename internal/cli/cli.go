// Package cli implements the fullqa commands. main passes it the process's
// arguments, streams and logger; everything else (config, detectors,
// models) is built here from flags and passed down.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// Exit codes, documented in the README.
const (
	ExitOK         = 0 // success (bad records may have been skipped and counted)
	ExitError      = 1 // the run failed: unreadable input, write error, internal error
	ExitUsage      = 2 // bad flags or config
	ExitBadRecords = 3 // --strict and at least one bad record
)

// Env is what a command may touch of the process.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Log    *slog.Logger
	// StderrIsTerminal enables the progress bar by default.
	StderrIsTerminal bool
	// Getenv reads the environment (secret_env in alert channels); nil
	// means os.Getenv.
	Getenv func(string) string
}

// getenv is the Getenv a command reads the environment with: env.Getenv,
// or os.Getenv when it is nil.
func (env Env) getenv() func(string) string {
	if env.Getenv != nil {
		return env.Getenv
	}
	return os.Getenv
}

// Run dispatches args (without the program name) and returns the exit code.
func Run(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 {
		usage(env.Stderr)
		return ExitUsage
	}
	switch args[0] {
	case "scan", "report", "sample":
		return runScan(ctx, args[0], args[1:], env)
	case "config":
		return runConfig(args[1:], env)
	case "eval":
		return runEval(ctx, args[1:], env)
	case "train":
		return runTrain(ctx, args[1:], env)
	case "alert":
		return runAlert(ctx, args[1:], env)
	case "serve":
		return runServe(ctx, args[1:], env)
	case "user":
		return runUser(ctx, args[1:], env)
	case "audit":
		return runAudit(ctx, args[1:], env)
	case "knowledge":
		return runKnowledge(args[1:], env)
	case "help", "-h", "--help":
		usage(env.Stdout)
		return ExitOK
	}
	fmt.Fprintf(env.Stderr, "fullqa: unknown command %q\n", args[0])
	usage(env.Stderr)
	return ExitUsage
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: fullqa COMMAND [flags]

commands:
  scan FILE...    inspect conversations and report findings (- reads stdin)
  report FILE...  the same scan, for the aggregated reports: --format text|json|html|xlsx
  sample FILE...  pick conversations for human review: riskiest per agent + a random share
  config          print the effective configuration
  eval detectors  measure detectors against the labelled chats (--source jddc|uss|twcs|jd2|jd3|stc3|jddev|jdctx|ecd|jdh)
  eval print      print a source's chats as reviewers label them: index, id, message numbers, roles, text
  eval knowledge  the knowledge detector's claims and findings against the labelled chats
  eval agreement  two reviewers' labels compared: kappa and F1 per code (the ceiling)
  eval emotion    measure the emotion model on uss_jddc (5-fold CV by dialogue)
  train emotion   retrain the emotion model from ../shared/data (deterministic)
  eval negative   measure the learned emotion.negative scorer (CV by conversation, leave-one-source-out)
  train negative  retrain it from the labelled chats of every source (deterministic)
  train charvec   learn character vectors without labels from ../shared/data (deterministic; for eval negative --embed, not embedded)
  eval english    measure the learned English emotion.negative scorer on the twcs threads (5-fold CV by thread, half on half; --target threat)
  train english   write its weights (internal/detect/emotion_en.weights) from the labelled twcs threads (deterministic)
  eval repeat     measure a learned loop.repeat scorer beside the rules (CV by conversation, leave-one-source-out)
  train repeat    write its weights from the labelled chats of the sources --jd2-rounds names (deterministic; nothing loads them)
  eval promise    measure a learned promise.made scorer beside the rules (CV by conversation, leave-one-source-out)
  train promise   write its weights (internal/detect/promise.weights) from the labelled chats of every source (deterministic)
  eval tags       measure learned quality/compensation/logistics tag scorers beside the rules (CV, leave-one-source-out)
  train tags      write the tags whose learned decision beat the rules (deterministic, embedded at the next build)
  eval ending     measure the conversation-ending classifier (resolved/pending/unresolved; CV, leave-one-source-out)
  train ending    retrain it from the labelled JDDC and uss chats (deterministic)
  alert test CH   send a sample alert to one configured channel and print the answer
  alert dead      list the alerts the service gave up sending (the dead-letter list)
  serve           run the service: ingestion API, store, inspection (see README)
  user add NAME   create an API user (--role admin|qa|vendor [--vendor V]); prints its token once;
                  --password-stdin (or --password P) also lets it sign in to the dashboard
  user password NAME  set a user's dashboard password (asks on a terminal, or --password-stdin)
  user revoke NAME  disable a user and its tokens; user list lists them
  audit           print the audit log of the service (who read or changed what)
  knowledge check FACTS      validate a shop facts file (every problem with its line)
  knowledge suggest CHATS    list the facts agents state most often, to start a facts file
  help            show this help

Run "fullqa COMMAND -h" for a command's flags.
`)
}

// parseInterspersed parses flags that may come before, between or after
// positional arguments, as users type them ("scan FILE --format jsonl").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	// A mistyped flag gets its error and one line pointing at -h, not the
	// whole flag list, which scrolled the error itself off the screen.
	usage := fs.Usage
	fs.Usage = func() {}
	defer func() { fs.Usage = usage }()
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			if usage != nil {
				usage()
			} else {
				fmt.Fprintf(fs.Output(), "usage of fullqa %s:\n", fs.Name())
				fs.PrintDefaults()
			}
			return nil, err
		} else if err != nil {
			fmt.Fprintf(fs.Output(), "run \"fullqa %s -h\" for the flags\n", fs.Name())
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// kvList is a repeatable flag of key=value pairs, comma-separated.
type kvList map[string]string

func (k kvList) String() string {
	var parts []string
	for a, b := range k {
		parts = append(parts, a+"="+b)
	}
	return strings.Join(parts, ",")
}

func (k kvList) Set(s string) error {
	for _, p := range strings.Split(s, ",") {
		a, b, ok := strings.Cut(p, "=")
		if !ok || strings.TrimSpace(a) == "" {
			return fmt.Errorf("want key=value, got %q", p)
		}
		k[strings.TrimSpace(a)] = strings.TrimSpace(b)
	}
	return nil
}
