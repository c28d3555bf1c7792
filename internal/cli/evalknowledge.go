package cli

import (
	"context"
	"fmt"
	"path/filepath"

	"fullqa/internal/config"
	"fullqa/internal/eval"
	"fullqa/internal/knowledge"
)

// runEvalKnowledge measures the knowledge detector on JD chats (the JDDC
// sample, or with --source uss the uss_jddc dialogues, held out): the
// precision of the claims it reads (against an empty facts file, where
// every claim is reported) and of its findings against the facts written
// for those chats (internal/eval/testdata/jddc_facts.yaml), both judged by
// the claim labels (internal/eval/testdata/knowledge_claims.jsonl).
func runEvalKnowledge(ctx context.Context, cfg config.Config, data, source, labels, show string, env Env) int {
	src, ok := chatSource(data, source)
	if !ok || source == "twcs" {
		fmt.Fprintf(env.Stderr, "fullqa eval knowledge: unknown --source %q (want jddc or uss)\n", source)
		return ExitUsage
	}
	if labels == "" {
		labels = filepath.Join(evalTestdata, map[string]string{"jddc": "knowledge_claims.jsonl", "uss": "knowledge_claims_uss.jsonl"}[source])
	}
	lab, err := eval.LoadClaimLabels(labels)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitError
	}
	facts, err := knowledge.Load(filepath.Join(filepath.Dir(labels), "jddc_facts.yaml"))
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitError
	}
	cfg = withoutEmotion(cfg)
	cfg.Detect.Facts = knowledge.Empty()
	claimsEng, err := newEngine(cfg, "knowledge")
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitError
	}
	cfg.Detect.Facts = facts
	factsEng, err := newEngine(cfg, "knowledge")
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitError
	}
	rep, err := eval.Knowledge(ctx, claimsEng, factsEng, src, lab)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitError
	}
	fmt.Fprint(env.Stdout, rep.String())
	if show != "" {
		fmt.Fprintln(env.Stdout, "\nwrong and unlabelled:")
		for _, e := range rep.Errors {
			fmt.Fprintln(env.Stdout, "  "+e)
		}
	}
	return ExitOK
}
