package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// trainer describes one `fullqa train X` command: every trainer takes the
// shared data folder, writes deterministic weights to a file and reports
// what it measured, so the flag handling, the write and the messages live
// once in runTrainer.
type trainer struct {
	// name is X in `fullqa train X`, used in the flag set and in errors.
	name string
	// dataUsage is the --data help; empty means "the shared data folder".
	dataUsage string
	// out is the default of --out, relative to the repository root.
	out string
	// outUsage is the --out help; empty means the file is embedded at the
	// next build.
	outUsage string
	// notEmbedded drops "rebuild to embed it" from the closing message, for
	// weights that no build reads yet.
	notEmbedded bool
	// noRounds drops --jd2-rounds, for a trainer that reads no labels
	// (every other one trains on the labelled jd2 rounds it names).
	noRounds bool
	// rounds is the default of --jd2-rounds; empty means jd2RoundsAB.
	rounds string
	// flags, when set, adds the command's own flags.
	flags func(fs *flag.FlagSet)
	// train trains on data, with the jd2 rounds --jd2-rounds names, and
	// writes the weights to w.
	train func(ctx context.Context, data, rounds string, w io.Writer) (fmt.Stringer, error)
}

// runTrainer parses args for t, trains into memory (so a failed training
// leaves the old weights file alone), writes the file and prints the report.
func runTrainer(ctx context.Context, args []string, env Env, t trainer) int {
	fs := flag.NewFlagSet("train "+t.name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	dataUsage := t.dataUsage
	if dataUsage == "" {
		dataUsage = "the shared data folder"
	}
	outUsage := t.outUsage
	if outUsage == "" {
		outUsage = "weights file to write (embedded at the next build)"
	}
	data := fs.String("data", filepath.Join("..", "shared", "data"), dataUsage)
	out := fs.String("out", t.out, outUsage)
	var rounds string
	if !t.noRounds {
		jd2RoundsFlag(fs, &rounds, t.rounds)
	}
	if t.flags != nil {
		t.flags(fs)
	}
	if _, err := parseInterspersed(fs, args); err != nil {
		return ExitUsage
	}
	var buf bytes.Buffer
	rep, err := t.train(ctx, *data, rounds, &buf)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: train %s: %v\n", t.name, err)
		return ExitError
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitError
	}
	suffix := "; rebuild to embed it"
	if t.notEmbedded {
		suffix = ""
	}
	fmt.Fprintf(env.Stdout, "%s\nwrote %s (%d bytes)%s\n", rep, *out, buf.Len(), suffix)
	return ExitOK
}
