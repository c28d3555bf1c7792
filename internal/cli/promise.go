package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"fullqa/internal/config"
	"fullqa/internal/eval"
)

// trainPromise cross-validates the learned promise.made scorer on the
// labelled chats (JDDC, uss, and jd2 when data holds it), the threshold
// chosen at precision floor minPrec, and, with w set, writes the weights
// of the final model. The promise rules and features do not read the emotion
// model, so one engine serves every conversation.
//
// With hidden set it measures an MLP of that many hidden units in place of
// the linear scorer instead (eval promise --hidden), and w must be nil.
//
// trainingOnly, when not empty, is a canonical JSON Lines file of
// training-only chats (never scored), labelled agent_promise in the file
// of the same name ending _labels.jsonl.
func trainPromise(ctx context.Context, cfg config.Config, data, rounds, trainingOnly string, minPrec float64, hidden int, w io.Writer) (*eval.PromiseReport, error) {
	sets, err := labelledSets(data, rounds)
	if err != nil {
		return nil, err
	}
	var extra []eval.NegativeSet
	if trainingOnly != "" {
		set, err := trainingOnlySet(trainingOnly, strings.TrimSuffix(trainingOnly, ".jsonl")+"_labels.jsonl")
		if err != nil {
			return nil, err
		}
		extra = append(extra, set)
	}
	eng, err := newEngine(cfg, "all")
	if err != nil {
		return nil, err
	}
	if hidden > 0 {
		return eval.MeasurePromiseHidden(ctx, sets, extra, eng, minPrec, hidden)
	}
	return eval.TrainPromise(ctx, sets, extra, eng, minPrec, w)
}

// trainingOnlyFlag registers --training-only (training-only promise chats)
// on fs, stored in p; its default is the shipped scorer's set.
func trainingOnlyFlag(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "training-only", promiseTraindata, "a canonical JSON Lines file NAME.jsonl of training-only chats labelled agent_promise in NAME_labels.jsonl beside it: trained on, never scored (empty: none)")
}

// promiseTraindata and promiseShippedRounds are the training-only chats
// and the labelled rounds the shipped promise scorer was trained on (the
// fifteenth session: all five labelled sources plus 200 synthetic chats;
// README, "The learned promise.made scorer"). `fullqa train promise` and
// `fullqa eval promise` default to them.
var promiseTraindata = filepath.Join(threatTraindata, "promise.jsonl")

const promiseShippedRounds = "ABCDEFGH"

// runEvalPromise is `fullqa eval promise`: both decisions measured, the
// stacked one at its shipped threshold, and with --errors jddc, uss or jd2
// the cross-validated mistakes of the stacked one (--errors or:jddc for
// the rules-or decision). It has its own flags: --min-precision is the
// promise trainer's alone.
func runEvalPromise(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("eval promise", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	data := fs.String("data", filepath.Join("..", "shared", "data"), "the shared data folder (with jddc2019/chat_0.1per.txt, jd2 is a third source)")
	cfgPath := fs.String("config", "", "YAML config file")
	errs := fs.String("errors", "", "list the stacked decision's cross-validated disagreements on this source (jddc, uss, jd2; or:jddc for the rules-or decision)")
	minPrec := fs.Float64("min-precision", eval.PromiseMinPrecision, "the precision the threshold keeps on the pooled out-of-fold scores")
	hidden := fs.Int("hidden", 0, "measure both decisions with an MLP of this many hidden units in place of the linear scorer (the seventh comparison; nothing ships with it)")
	rounds := new(string)
	jd2RoundsFlag(fs, rounds, promiseShippedRounds)
	trainingOnly := new(string)
	trainingOnlyFlag(fs, trainingOnly)
	if _, err := parseInterspersed(fs, args); err != nil {
		return ExitUsage
	}
	if *hidden < 0 {
		fmt.Fprintf(env.Stderr, "fullqa eval promise: --hidden %d: want a number of hidden units, or 0 for the linear scorer\n", *hidden)
		return ExitUsage
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitUsage
	}
	show := *errs
	rep, err := trainPromise(ctx, cfg, *data, *rounds, *trainingOnly, *minPrec, *hidden, nil)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: eval promise: %v\n", err)
		return ExitError
	}
	fmt.Fprint(env.Stdout, rep.String())
	if show != "" {
		errs := rep.Stacked.Errors[show]
		if src, ok := strings.CutPrefix(show, "or:"); ok {
			errs = rep.Or.Errors[src]
		}
		fmt.Fprintf(env.Stdout, "\ndisagreements on %s:\n", show)
		for _, e := range errs {
			fmt.Fprintln(env.Stdout, "  "+e)
		}
	}
	return ExitOK
}

// runTrainPromise is `fullqa train promise`: it writes the learned promise
// scorer's weights (deterministic: the same labels give the same bytes).
func runTrainPromise(ctx context.Context, args []string, env Env) int {
	var minPrec float64
	var trainingOnly string
	return runTrainer(ctx, args, env, trainer{
		name:   "promise",
		out:    filepath.Join("internal", "detect", "promise.weights"),
		rounds: promiseShippedRounds,
		flags: func(fs *flag.FlagSet) {
			fs.Float64Var(&minPrec, "min-precision", eval.PromiseMinPrecision, "the precision the threshold keeps on the pooled out-of-fold scores")
			trainingOnlyFlag(fs, &trainingOnly)
		},
		train: func(ctx context.Context, data, rounds string, w io.Writer) (fmt.Stringer, error) {
			return trainPromise(ctx, config.Default(), data, rounds, trainingOnly, minPrec, 0, w)
		},
	})
}
