package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"fullqa/internal/config"
	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/ingest"
	"fullqa/internal/knowledge"
	"fullqa/internal/report"
)

// runKnowledge implements `fullqa knowledge check FILE` and `fullqa
// knowledge suggest CHATS...`.
func runKnowledge(args []string, env Env) int {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, "usage: fullqa knowledge check FACTS.yaml | fullqa knowledge suggest [flags] CHATS...")
		return ExitUsage
	}
	switch args[0] {
	case "check":
		return runKnowledgeCheck(args[1:], env)
	case "suggest":
		return runKnowledgeSuggest(args[1:], env)
	}
	fmt.Fprintf(env.Stderr, "fullqa knowledge: unknown subcommand %q (want check or suggest)\n", args[0])
	return ExitUsage
}

// runKnowledgeCheck validates facts files: every problem with its line, or
// a summary of what the file defines.
func runKnowledgeCheck(args []string, env Env) int {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, "usage: fullqa knowledge check FACTS.yaml...")
		return ExitUsage
	}
	code := ExitOK
	for _, path := range args {
		f, err := knowledge.Load(path)
		if err != nil {
			fmt.Fprintln(env.Stderr, err)
			code = ExitUsage
			continue
		}
		policy := 0
		for _, k := range f.Default.Base.Keys() {
			if !strings.HasPrefix(k, "attr.") {
				policy += len(f.Default.Base[k])
			}
		}
		fmt.Fprintf(env.Stdout, "%s: ok: %d policy facts, %d SKUs with their own facts, %d more shops, %d forbidden phrases, %d required phrases\n",
			path, policy, len(f.Default.SKUs), len(f.Shops), len(f.Default.Forbidden), len(f.Default.Required))
	}
	return code
}

// suggestion is one (attribute, value) agents state, with how often and
// where first.
type suggestion struct {
	Attribute string `json:"attribute"`
	Key       string `json:"key"`
	Value     string `json:"value"`
	Count     int    `json:"count"`
	Example   string `json:"example"`
	At        string `json:"at"` // conversation id:message number
}

// runKnowledgeSuggest runs the knowledge detector over chats against an
// empty facts file (or --facts FILE, to list only what it lacks) and counts
// the claims agents make, most frequent first: the start of a facts file
// written from the shop's own chats.
func runKnowledgeSuggest(args []string, env Env) int {
	fs := flag.NewFlagSet("knowledge suggest", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfgPath := fs.String("config", "", "YAML config file (ingest settings, word lists)")
	factsPath := fs.String("facts", "", "facts file: list only what it does not define (default: list everything)")
	top := fs.Int("top", 50, "how many suggestions to print (0: all)")
	min := fs.Int("min", 1, "leave out values stated fewer times")
	format := fs.String("format", "text", "output: text or jsonl")
	inputFormat := fs.String("input-format", "", "force the input format: "+strings.Join(ingest.Formats(), ", "))
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return ExitUsage
	}
	if len(files) == 0 || (*format != "text" && *format != "jsonl") {
		fmt.Fprintln(env.Stderr, "usage: fullqa knowledge suggest [--facts FILE] [--top N] [--format text|jsonl] CHATS...")
		return ExitUsage
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitUsage
	}
	cfg.Detect.Facts = knowledge.Empty()
	if *factsPath != "" {
		if cfg.Detect.Facts, err = knowledge.Load(*factsPath); err != nil {
			fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
			return ExitUsage
		}
	}
	if *inputFormat != "" {
		cfg.Ingest.Format = *inputFormat
	}
	eng, err := newEngine(withoutEmotion(cfg), "knowledge")
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitUsage
	}
	byKey := map[string]*suggestion{}
	var scratch detect.Scratch
	bad := 0
	for _, path := range files {
		err := eachConversation(path, cfg, env, func(c *conversation.Conversation) {
			_, out := eng.Inspect(c, &scratch)
			for _, f := range out.Findings {
				if f.Code != "knowledge.unknown_claim" {
					continue
				}
				attr, _ := f.Data.Get("attribute").(string)
				key, _ := f.Data.Get("key").(string)
				val, _ := f.Data.Get("value").(string) // canonical: 专票 and 增票 count together
				id := key + "\x00" + val
				s := byKey[id]
				if s == nil {
					s = &suggestion{Attribute: attr, Key: key, Value: val, Example: f.Evidence, At: fmt.Sprintf("%s:%d", c.ID, f.Messages[0])}
					byKey[id] = s
				}
				s.Count++
			}
		}, &bad)
		if err != nil {
			fmt.Fprintf(env.Stderr, "fullqa: %s: %v\n", path, err)
			return ExitError
		}
	}
	list := make([]*suggestion, 0, len(byKey))
	for _, s := range byKey {
		if s.Count >= *min {
			list = append(list, s)
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].Count != list[j].Count {
			return list[i].Count > list[j].Count
		}
		if list[i].Key != list[j].Key {
			return list[i].Key < list[j].Key
		}
		return list[i].Value < list[j].Value
	})
	if *top > 0 && len(list) > *top {
		list = list[:*top]
	}
	if bad > 0 {
		fmt.Fprintf(env.Stderr, "fullqa: %d bad records skipped\n", bad)
	}
	return writeSuggestions(env.Stdout, list, *format)
}

func writeSuggestions(w io.Writer, list []*suggestion, format string) int {
	if format == "jsonl" {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, s := range list {
			if err := enc.Encode(s); err != nil {
				return ExitError
			}
		}
		return ExitOK
	}
	// Columns are padded by display width (a Chinese character is two
	// columns), so the table lines up in a terminal.
	head := [3]string{"次数", "属性 (key)", "客服说的值"}
	wid := [3]int{}
	valueZH := func(v string) string { // who pays, in the words a facts file uses
		if zh, ok := map[string]string{"buyer": "买家", "shop": "商家"}[v]; ok {
			return zh
		}
		return v
	}
	for i, h := range head {
		wid[i] = report.DisplayWidth(h)
	}
	for _, s := range list {
		for i, c := range [3]string{strconv.Itoa(s.Count), s.Attribute + " (" + s.Key + ")", valueZH(s.Value)} {
			wid[i] = max(wid[i], report.DisplayWidth(c))
		}
	}
	row := func(c [3]string, rest string) {
		fmt.Fprintf(w, "%s  %s  %s  %s\n", report.PadRight(c[0], wid[0]), report.PadRight(c[1], wid[1]), report.PadRight(c[2], wid[2]), rest)
	}
	row(head, "例句 (会话:消息)")
	for _, s := range list {
		row([3]string{strconv.Itoa(s.Count), s.Attribute + " (" + s.Key + ")", valueZH(s.Value)}, s.Example+" ("+s.At+")")
	}
	return ExitOK
}

// withoutEmotion turns the emotion model off: suggest needs no emotions.
func withoutEmotion(cfg config.Config) config.Config {
	cfg.Detect.Emotion.Enabled = false
	return cfg
}

// eachConversation reads one input (- for stdin) with the config's ingest
// settings, calls fn for each good conversation and counts bad records in
// bad instead of stopping at them.
func eachConversation(path string, cfg config.Config, env Env, fn func(*conversation.Conversation), bad *int) error {
	var src io.Reader = env.Stdin
	name := "<stdin>"
	if path != "-" {
		fh, err := os.Open(path)
		if err != nil {
			return err
		}
		defer fh.Close()
		src, name = fh, path
	}
	loc, _ := cfg.Location()
	rd, err := ingest.Open(name, src, ingest.Options{Format: cfg.Ingest.Format, Encoding: cfg.Ingest.Encoding,
		Columns: cfg.Ingest.Columns, Gap: time.Duration(cfg.Ingest.Gap), Location: loc, MaxLine: cfg.Ingest.MaxLine})
	if err != nil {
		return err
	}
	for {
		c, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var re *ingest.RecordError
		if errors.As(err, &re) {
			*bad++
			fmt.Fprintln(env.Stderr, err)
			continue
		}
		if err != nil {
			return err
		}
		fn(c)
	}
}
