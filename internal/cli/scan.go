package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"fullqa/internal/analyze"
	"fullqa/internal/classify"
	"fullqa/internal/config"
	"fullqa/internal/detect"
	"fullqa/internal/ingest"
	"fullqa/internal/lexicon"
	"fullqa/internal/report"
	"fullqa/internal/sample"
)

// scanFlags are the flags of `fullqa scan`; config-file values are the
// defaults and flags override them.
type scanFlags struct {
	config, format, out, detectors, rejects string
	inputFormat, encoding, timeLayout       string
	gap                                     time.Duration
	workers, riskiest                       int
	progress, noProgress, strict            bool
	sortByTime                              bool
	cpuProfile                              string
	memProfile                              string
	redact                                  bool
	lang, logLevel                          string
	verbose                                 bool
	sampleN                                 int
	sampleRandom                            float64
	sampleSeed                              uint64
	columns, roles                          kvList
	sheet, customerName                     string
	since, until, vendor, shop, agent       string
	state                                   string
}

// scanMemoryLimit is the Go heap a scan aims to stay under (a soft limit:
// the collector works harder near it; GOMEMLIMIT overrides it). What a
// batch keeps per conversation (README "Memory") stays far below it for
// millions of conversations.
const scanMemoryLimit = 512 << 20

// outputFormats are the values of --format: per-conversation results
// (jsonl) or one aggregated report (text, json, html, xlsx).
var outputFormats = []string{"text", "jsonl", "json", "html", "xlsx"}

// sampleFormats are the values of --format for `fullqa sample`.
var sampleFormats = []string{"jsonl", "xlsx"}

// runScan implements `scan`, `report` and `sample`: they read and inspect
// the same way and differ only in what they write.
func runScan(ctx context.Context, cmd string, args []string, env Env) int {
	var f scanFlags
	f.columns, f.roles = kvList{}, kvList{}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "usage: fullqa %s [flags] FILE... (- for stdin)\n", cmd)
		fs.PrintDefaults()
	}
	fs.StringVar(&f.config, "config", "", "YAML config file")
	formats := outputFormats
	if cmd == "sample" {
		formats = sampleFormats
		fs.StringVar(&f.format, "format", "jsonl", "output: jsonl (picks with their conversations) or xlsx (a review sheet)")
		fs.IntVar(&f.sampleN, "n", 50, "conversations to pick for review")
		fs.Float64Var(&f.sampleRandom, "random", 0.1, "share of the picks chosen at random, for calibration (0..1)")
		fs.Uint64Var(&f.sampleSeed, "seed", 1, "random seed, to reproduce a sample")
	} else {
		fs.StringVar(&f.format, "format", "text", "output: text, jsonl (one result per conversation), json (KPI report), html or xlsx")
	}
	fs.StringVar(&f.out, "out", "", "write the report to this file instead of stdout")
	fs.StringVar(&f.detectors, "detectors", "all", "detectors to run: all, none (parse only) or name,name")
	fs.StringVar(&f.rejects, "rejects", "", "write bad records, as read, to this file")
	fs.BoolVar(&f.strict, "strict", false, "fail the run (exit 3) at the first bad record")
	fs.StringVar(&f.inputFormat, "input-format", "", "force the input format: "+strings.Join(ingest.Formats(), ", "))
	fs.StringVar(&f.encoding, "encoding", "", "force the input encoding: utf-8 or gb18030 (default: detect)")
	fs.Var(f.columns, "columns", "CSV/TSV column mapping, e.g. id=会话ID,role=发送方,text=内容,time=时间,agent=客服")
	fs.Var(f.roles, "roles", "CSV/TSV role values, e.g. 买家=customer,客服=agent,机器人=bot")
	fs.BoolVar(&f.sortByTime, "sort-by-time", false, "sort each conversation's messages by time before numbering them, instead of rejecting one out of time order")
	fs.StringVar(&f.sheet, "sheet", "", "xlsx input: the sheet to read (default: the first)")
	fs.StringVar(&f.customerName, "customer-name", "", "千牛 chat history: the buyer's name (default: the one participant that is not shop:subaccount)")
	fs.StringVar(&f.since, "since", "", "only conversations starting at or after this date or time (2026-11-01 or 2026-11-01 08:00), in the configured time zone")
	fs.StringVar(&f.until, "until", "", "only conversations starting before this date or time")
	fs.StringVar(&f.vendor, "vendor", "", "only these vendors (comma-separated)")
	fs.StringVar(&f.shop, "shop", "", "only these shops (comma-separated)")
	fs.StringVar(&f.agent, "agent", "", "only conversations in which one of these agents wrote (comma-separated)")
	fs.StringVar(&f.state, "state", "", "remember the files read (path, size, content hash) in this file and read only new ones")
	fs.StringVar(&f.timeLayout, "time-layout", "", "CSV/TSV time layout (Go layout, unix or unixms; default: detect)")
	fs.DurationVar(&f.gap, "gap", 0, "silence gap that starts a new conversation when rows have no conversation id (default 30m)")
	fs.IntVar(&f.workers, "workers", 0, "parallel workers (default: all cores)")
	fs.IntVar(&f.riskiest, "riskiest", -1, "riskiest conversations quoted in text/html reports (default from config: 20)")
	fs.BoolVar(&f.progress, "progress", false, "show a progress bar on stderr even when it is not a terminal")
	fs.BoolVar(&f.noProgress, "no-progress", false, "never show the progress bar")
	fs.BoolVar(&f.redact, "redact", false, "mask personal data (phone, ID card, bank card, address) in all output")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile to this file (for performance work)")
	fs.StringVar(&f.memProfile, "memprofile", "", "write an allocation profile to this file at the end (for performance work)")
	fs.StringVar(&f.lang, "lang", "", "report language: zh or en (default from config: zh)")
	fs.BoolVar(&f.verbose, "v", false, "log the run's summary (rate, counts) to stderr")
	fs.StringVar(&f.logLevel, "log-level", "", "log to stderr at this level: debug, info, warn or error (default: no log)")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return ExitUsage
	}
	formatSet := false
	fs.Visit(func(fl *flag.Flag) { formatSet = formatSet || fl.Name == "format" })
	if !formatSet && f.out != "" {
		inferred, ok := formatFromExt(f.out, formats)
		if !ok {
			fmt.Fprintf(env.Stderr, "fullqa %s: cannot tell the output format from %q; give --format (%s) or an extension .%s\n",
				cmd, f.out, strings.Join(formats, ", "), strings.Join(extensionsOf(formats), ", ."))
			return ExitUsage
		}
		f.format = inferred
	}
	logger, err := newLogger(env, f.verbose, f.logLevel)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa %s: %v\n", cmd, err)
		return ExitUsage
	}
	if len(files) == 0 {
		fmt.Fprintln(env.Stderr, "fullqa scan: no input files (use - for stdin)")
		return ExitUsage
	}
	if cmd == "sample" && (f.sampleN <= 0 || f.sampleRandom < 0 || f.sampleRandom > 1) {
		fmt.Fprintln(env.Stderr, "fullqa sample: --n must be positive and --random between 0 and 1")
		return ExitUsage
	}
	if cmd == "sample" && f.format == "xlsx" && f.sampleN > sample.MaxXLSXRows {
		// Refused before the scan, not after an hour of it.
		fmt.Fprintf(env.Stderr, "fullqa sample: --n %d does not fit one Excel sheet (at most %d rows); use --format jsonl or a smaller --n\n",
			f.sampleN, sample.MaxXLSXRows)
		return ExitUsage
	}
	if err := checkScanFlags(fs, &f); err != nil {
		fmt.Fprintf(env.Stderr, "fullqa %s: %v\n", cmd, err)
		return ExitUsage
	}
	okFormat := false
	for _, v := range formats {
		okFormat = okFormat || v == f.format
	}
	if !okFormat {
		fmt.Fprintf(env.Stderr, "fullqa %s: --format %q: want one of %s\n", cmd, f.format, strings.Join(formats, ", "))
		return ExitUsage
	}
	if f.format == "xlsx" && f.out == "" {
		fmt.Fprintf(env.Stderr, "fullqa %s: --format xlsx needs --out FILE.xlsx\n", cmd)
		return ExitUsage
	}
	cfg, err := config.Load(f.config)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitUsage
	}
	applyScanFlags(&cfg, &f)
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitUsage
	}
	// The word lists are read once for the engine and the across
	// analyzers: each read parses every embedded list again (about 2.5 M
	// instructions of the start-up; cachegrind, one-chat scan).
	lex, err := cfg.Lists()
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa scan: %v\n", err)
		return ExitUsage
	}
	words := &crossWords{words: analyze.TopicWords(lex.Words("logistics_courier"), lex.Words("cross_kept"))}
	eng, err := newEngineLists(cfg, lex, f.detectors, words)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa scan: %v\n", err)
		return ExitUsage // a bad --detectors value or a bad word list in the config
	}
	var htmlw *report.HTML
	if f.format == "html" {
		if htmlw, err = report.NewHTML(); err != nil {
			fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
			return ExitError
		}
	}
	if f.cpuProfile != "" {
		pf, err := os.Create(f.cpuProfile)
		if err != nil {
			fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
			return ExitError
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
			return ExitError
		}
		defer pprof.StopCPUProfile()
	}
	if os.Getenv("GOGC") == "" {
		// A scan allocates many short-lived strings and keeps little; fewer
		// collections buy throughput for a bounded amount of memory.
		debug.SetGCPercent(800)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// GOGC=800 alone lets the heap grow to nine times what is live;
		// past the limit the collector runs as often as it must instead
		// (issue 11: 1 GB of JSON Lines peaked at 3.25 GB).
		debug.SetMemoryLimit(scanMemoryLimit)
	}
	if f.memProfile != "" {
		runtime.MemProfileRate = 64 << 10
		defer func() {
			if pf, err := os.Create(f.memProfile); err == nil {
				pprof.Lookup("allocs").WriteTo(pf, 0)
				pf.Close()
			}
		}()
	} else {
		// Nothing reads the runtime's allocation samples (a stack trace
		// taken every 512 KB allocated, some forty thousand instructions
		// each: about 600 a conversation) unless --memprofile asks for
		// them.
		runtime.MemProfileRate = 0
	}
	loc0, _ := cfg.Location()
	filter, err := buildFilter(&f, loc0)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa %s: %v\n", cmd, err)
		return ExitUsage
	}
	files, err = ingest.ExpandInputs(files)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitError
	}
	var st *runState
	if f.state != "" {
		if st, err = loadState(f.state); err != nil {
			fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
			return ExitError
		}
		if files, err = st.newFiles(files); err != nil {
			fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
			return ExitError
		}
		if len(files) == 0 {
			fmt.Fprintf(env.Stderr, "fullqa %s: no new input since the last run (state %s); nothing written\n", cmd, f.state)
			return ExitOK
		}
	}
	prepareHeap(env, logger, files)
	r := &scanRun{env: env, log: logger, cfg: cfg, flags: &f, eng: eng, words: words, filter: filter, state: st}
	if cmd != "sample" && f.format != "jsonl" {
		r.builder = report.NewBuilder(cfg.Score, cfg.Scan.Riskiest, f.format == "xlsx")
	}
	loc, _ := cfg.Location()
	if r.cross, err = newCross(lex, cfg.Cross, loc, r.builder == nil); err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitUsage
	}
	if cmd == "sample" {
		r.sampler = sample.New(sample.Options{N: f.sampleN, Random: f.sampleRandom, Seed: f.sampleSeed})
	}
	return r.run(ctx, files, htmlw)
}

// buildFilter reads --since, --until, --vendor, --shop and --agent.
func buildFilter(f *scanFlags, loc *time.Location) (ingest.Filter, error) {
	var flt ingest.Filter
	var err error
	if f.since != "" {
		if flt.Since, err = ingest.ParseFilterTime(f.since, loc); err != nil {
			return flt, fmt.Errorf("--since: %w", err)
		}
	}
	if f.until != "" {
		if flt.Until, err = ingest.ParseFilterTime(f.until, loc); err != nil {
			return flt, fmt.Errorf("--until: %w", err)
		}
	}
	if !flt.Since.IsZero() && !flt.Until.IsZero() && !flt.Until.After(flt.Since) {
		return flt, fmt.Errorf("--until %s is not after --since %s", f.until, f.since)
	}
	flt.Vendors, flt.Shops, flt.Agents = splitList(f.vendor), splitList(f.shop), splitList(f.agent)
	return flt, nil
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// checkScanFlags rejects numeric flags out of range, which would otherwise
// be ignored (a negative --gap or --riskiest fell back to the default
// without a word), and an encoding the readers do not know.
func checkScanFlags(fs *flag.FlagSet, f *scanFlags) error {
	var err error
	fs.Visit(func(fl *flag.Flag) {
		if err != nil {
			return
		}
		switch fl.Name {
		case "gap":
			if f.gap <= 0 {
				err = fmt.Errorf("--gap %s: want a positive duration such as 30m", f.gap)
			}
		case "workers":
			if f.workers < 0 {
				err = fmt.Errorf("--workers %d: want 0 (all cores) or more", f.workers)
			}
		case "riskiest":
			if f.riskiest < 0 {
				err = fmt.Errorf("--riskiest %d: want 0 or more", f.riskiest)
			}
		case "encoding":
			if f.encoding == "" || !ingest.ValidEncoding(f.encoding) {
				err = fmt.Errorf("--encoding %q: want utf-8 or gb18030", f.encoding)
			}
		}
	})
	return err
}

func applyScanFlags(cfg *config.Config, f *scanFlags) {
	if f.inputFormat != "" {
		cfg.Ingest.Format = f.inputFormat
	}
	if f.encoding != "" {
		cfg.Ingest.Encoding = f.encoding
	}
	if f.gap > 0 {
		cfg.Ingest.Gap = detect.Duration(f.gap)
	}
	if f.workers > 0 {
		cfg.Scan.Workers = f.workers
	}
	if f.riskiest >= 0 { // -1, the default, keeps the config's value
		cfg.Scan.Riskiest = f.riskiest
	}
	if f.sortByTime {
		cfg.Ingest.SortByTime = true
	}
	if f.redact {
		cfg.Ingest.Redact.Enabled = true
	}
	if f.timeLayout != "" {
		cfg.Ingest.Columns.TimeLayout = f.timeLayout
	}
	if f.lang != "" {
		cfg.Lang = f.lang
	}
	c := &cfg.Ingest.Columns
	for k, v := range f.columns {
		switch k {
		case "id":
			c.ID = v
		case "role":
			c.Role = v
		case "text":
			c.Text = v
		case "time":
			c.Time = v
		case "agent":
			c.Agent = v
		case "customer":
			c.Customer = v
		case "shop":
			c.Shop = v
		case "vendor":
			c.Vendor = v
		case "channel":
			c.Channel = v
		case "sku":
			c.SKU = v
		case "order":
			c.Order = v
		case "kind":
			c.Kind = v
		}
	}
	if len(f.roles) > 0 && c.Roles == nil {
		c.Roles = map[string]string{}
	}
	for k, v := range f.roles {
		c.Roles[k] = v
	}
}

// newEngine builds the detector engine from the config and a --detectors
// value, with the embedded emotion model unless the config turns emotion
// off or no detector runs.
func newEngine(cfg config.Config, spec string) (*detect.Engine, error) {
	lex, err := cfg.Lists()
	if err != nil {
		return nil, err
	}
	return newEngineLists(cfg, lex, spec)
}

// newEngineLists is newEngine with the word lists already read from the
// config (cfg.Lists), for a caller that needs them again (scan: the
// across analyzers' topics), and extra words for the engine to match (see
// detect.NewEngine).
func newEngineLists(cfg config.Config, lex lexicon.Lists, spec string, extra ...detect.KeywordUser) (*detect.Engine, error) {
	cfg, err := withThreatModel(cfg)
	if err != nil {
		return nil, err
	}
	dets, err := detect.Select(detect.Registry(cfg.Detect, lex), spec)
	if err != nil {
		return nil, err
	}
	var emo detect.EmotionModel
	if cfg.Detect.Emotion.Enabled && len(dets) > 0 {
		m, err := classify.LoadEmotion()
		if err != nil {
			return nil, err
		}
		emo = m
	}
	return detect.NewEngine(dets, emo, extra...)
}

// withThreatModel returns cfg with the embedded learned threat scorer
// set, so every engine the commands build (scan, serve and its live
// per-message checks, eval) adds its findings to the threat rules'.
func withThreatModel(cfg config.Config) (config.Config, error) {
	l, err := classify.LoadThreat()
	if err != nil {
		return cfg, err
	}
	cfg.Detect.Threat = &detect.ThreatModel{W: l.W, Bias: l.Bias, Threshold: l.Threshold}
	return cfg, nil
}

// engineWith builds an engine of every detector with the given emotion
// model, for training on top of a retrained one.
func engineWith(cfg config.Config, emo detect.EmotionModel) (*detect.Engine, error) {
	lex, err := cfg.Lists()
	if err != nil {
		return nil, err
	}
	if cfg, err = withThreatModel(cfg); err != nil {
		return nil, err
	}
	return detect.NewEngine(detect.Registry(cfg.Detect, lex), emo)
}
