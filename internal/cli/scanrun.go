package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"fullqa/internal/analyze"
	"fullqa/internal/codebook"
	"fullqa/internal/config"
	"fullqa/internal/detect"
	"fullqa/internal/ingest"
	"fullqa/internal/report"
	"fullqa/internal/sample"
	"fullqa/internal/scan"
	"fullqa/internal/score"
)

// errStrict stops a --strict run at the first bad record.
var errStrict = errors.New("bad record in --strict mode")

// scanRun is one invocation of scan.
type scanRun struct {
	env   Env
	log   *slog.Logger // the run's summary; discards unless -v or --log-level
	cfg   config.Config
	flags *scanFlags
	eng   *detect.Engine
	words *crossWords // the across topic words the engine matches, when it does
	// builder aggregates the report; nil when the run writes none (JSON
	// Lines results and `fullqa sample` write per-conversation lines
	// only), so a JSON Lines scan does not build an aggregation that
	// nothing reads (about 8,400 instructions a conversation).
	builder *report.Builder
	sampler *sample.Sampler // set for `fullqa sample`
	jsonl   *report.JSONL
	cross   *analyze.Batch // across-conversation analyzers
	// sheet is cfg.Score.Scorecard made ready for scoring again the
	// results the across analyzers add findings to; made at the first.
	sheet *score.Sheet
	// acrossIDs rejects a conversation id already read from an earlier
	// input file; nil when there is one input.
	acrossIDs *ingest.IDsAcrossFiles
	rejects   *bufio.Writer
	// rejectHead is the current input's header row (CSV inputs), written
	// before its first reject so the reject file can be fixed and re-fed;
	// headWritten is the header the reject file has last been given.
	rejectHead, headWritten []byte
	shown                   int // bad records met
	convs                   int // conversations inspected
	messages, findings      int // of the conversations inspected, for the log line
	filter                  ingest.Filter
	filtered                int       // conversations the filter left out
	state                   *runState // --state: files already read
}

const maxShownErrors = 50

func (s *scanRun) run(ctx context.Context, files []string, htmlw *report.HTML) int {
	var out io.Writer = s.env.Stdout
	// --out and --rejects are written beside their targets and put in
	// place only when the run succeeds: a failed run keeps the old files.
	var outf *outFile
	if s.flags.out != "" {
		f, err := createOut(s.flags.out)
		if err != nil {
			fmt.Fprintf(s.env.Stderr, "fullqa: %v\n", err)
			return ExitError
		}
		defer f.Discard()
		outf, out = f, f
	}
	var rejf *outFile
	if s.flags.rejects != "" {
		f, err := createOut(s.flags.rejects)
		if err != nil {
			fmt.Fprintf(s.env.Stderr, "fullqa: %v\n", err)
			return ExitError
		}
		defer f.Discard()
		rejf = f
		s.rejects = bufio.NewWriter(f)
	}
	if s.flags.format == "jsonl" && s.sampler == nil {
		s.jsonl = report.NewJSONL(out)
	}
	loc, _ := s.cfg.Location()
	opts := ingest.Options{Format: s.cfg.Ingest.Format, Encoding: s.cfg.Ingest.Encoding, Columns: s.cfg.Ingest.Columns,
		Gap: time.Duration(s.cfg.Ingest.Gap), Location: loc, MaxLine: s.cfg.Ingest.MaxLine,
		SortByTime: s.cfg.Ingest.SortByTime, Sheet: s.flags.sheet, CustomerName: s.flags.customerName}
	code := ExitOK
	start := time.Now()
	// Allocations of the scan itself (not of loading the lexicon and
	// models), for the -v line that scripts/bench.sh reads.
	var ms0 runtime.MemStats
	if s.log.Enabled(context.Background(), slog.LevelInfo) {
		runtime.ReadMemStats(&ms0)
	}
	var bytesRead atomic.Int64
	if len(files) > 1 {
		s.acrossIDs = ingest.NewIDsAcrossFiles()
	}
	for _, name := range files {
		if err := s.scanFile(ctx, name, opts, &bytesRead); err != nil {
			switch {
			case ctx.Err() != nil:
				code = ExitInterrupted
			case errors.Is(err, errStrict):
				code = ExitBadRecords
			default:
				fmt.Fprintf(s.env.Stderr, "fullqa: %v\n", err)
				code = ExitError
			}
			break
		}
	}
	if code == ExitOK && ctx.Err() != nil {
		code = ExitInterrupted
	}
	if s.jsonl != nil {
		// The results written so far are whole lines, for whoever reads
		// stdout; a file is still only put in place on success.
		if err := s.jsonl.Close(); err != nil && code == ExitOK {
			fmt.Fprintf(s.env.Stderr, "fullqa: write: %v\n", err)
			code = ExitError
		}
	}
	if s.shown > maxShownErrors {
		fmt.Fprintf(s.env.Stderr, "… and %d more bad records\n", s.shown-maxShownErrors)
	}
	lang, _ := codebook.ParseLang(s.cfg.Lang) // checked by Validate
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = filepath.Base(f)
		if f == "-" { // a title "· -" says nothing to the reader
			names[i] = map[bool]string{true: "stdin", false: "标准输入"}[lang == codebook.EN]
		}
	}
	title := report.DefaultTitle(lang, names)
	if s.filter.Active() {
		title += filterNote(lang, s.filter, s.filtered)
	}
	switch {
	case code == ExitInterrupted:
		return s.interrupted(out, outf, partialTitle(lang, s.convs)+title, lang, htmlw)
	case code != ExitOK:
		return code // a failed run writes no report and keeps --out as it was
	case s.convs == 0 && s.filter.Active() && s.filtered > 0:
		fmt.Fprintf(s.env.Stderr, "fullqa: no conversation passed the filters (%s; %d left out); nothing written\n", s.filter.Describe(), s.filtered)
		return ExitError
	case s.convs == 0:
		fmt.Fprintf(s.env.Stderr, "fullqa: no valid conversation read from %s (%d bad records); nothing written. "+
			"Is the input in another format (--input-format) or encoding (--encoding)?\n", strings.Join(files, ", "), s.shown)
		return ExitError
	}
	if s.builder != nil {
		rep := s.builder.Finish(title, s.cfg.Timezone, time.Now())
		rep.Lang = lang
		if s.filter.Active() {
			rep.Filters = s.filter.Describe()
		}
		if s.cross != nil {
			sum := s.cross.Finish()
			rep.Cross = &sum
		}
		if err := s.writeReport(out, rep, htmlw); err != nil {
			fmt.Fprintf(s.env.Stderr, "fullqa: write report: %v\n", err)
			return ExitError
		}
	} else if err := s.writeSample(out, lang); err != nil {
		fmt.Fprintf(s.env.Stderr, "fullqa: write report: %v\n", err)
		return ExitError
	}
	if rejf != nil {
		err := s.rejects.Flush()
		if err == nil {
			err = rejf.Commit()
		}
		if err != nil {
			fmt.Fprintf(s.env.Stderr, "fullqa: write %s: %v\n", s.flags.rejects, err)
			return ExitError
		}
	}
	if outf != nil {
		if err := outf.Commit(); err != nil {
			fmt.Fprintf(s.env.Stderr, "fullqa: write %s: %v\n", s.flags.out, err)
			return ExitError
		}
	}
	if s.state != nil {
		if err := s.state.save(); err != nil {
			fmt.Fprintf(s.env.Stderr, "fullqa: %v\n", err)
			return ExitError
		}
	}
	el := time.Since(start)
	if s.log.Enabled(context.Background(), slog.LevelInfo) {
		var ms1 runtime.MemStats
		runtime.ReadMemStats(&ms1)
		s.log.Info("scan done", "conversations", s.convs, "messages", s.messages,
			"findings", s.findings, "bad_records", s.shown,
			"seconds", fmt.Sprintf("%.2f", el.Seconds()),
			"conv_per_s", fmt.Sprintf("%.0f", float64(s.convs)/el.Seconds()),
			"mb_per_s", fmt.Sprintf("%.1f", float64(bytesRead.Load())/1e6/el.Seconds()),
			"allocs_per_conv", fmt.Sprintf("%.1f", float64(ms1.Mallocs-ms0.Mallocs)/max(float64(s.convs), 1)))
	}
	return code
}

// filterNote is what a filtered report's title adds: which filters were
// applied and how many conversations they left out.
func filterNote(lang codebook.Lang, f ingest.Filter, left int) string {
	if lang == codebook.EN {
		return fmt.Sprintf(" · filtered: %s (%d conversations left out)", f.Describe(), left)
	}
	return fmt.Sprintf(" · 筛选：%s（排除 %d 个会话）", describeFilterZH(f), left)
}

// describeFilterZH says in Chinese which filters apply, for the heading of
// a Chinese report (ingest.Filter.Describe is the English one, also used in
// the JSON report's "filters").
func describeFilterZH(f ingest.Filter) string {
	var parts []string
	if !f.Since.IsZero() {
		parts = append(parts, "自 "+f.Since.Format("2006-01-02 15:04"))
	}
	if !f.Until.IsZero() {
		parts = append(parts, "至 "+f.Until.Format("2006-01-02 15:04")+"（不含）")
	}
	if len(f.Vendors) > 0 {
		parts = append(parts, "外包商 "+strings.Join(f.Vendors, ","))
	}
	if len(f.Shops) > 0 {
		parts = append(parts, "店铺 "+strings.Join(f.Shops, ","))
	}
	if len(f.Agents) > 0 {
		parts = append(parts, "客服 "+strings.Join(f.Agents, ","))
	}
	return strings.Join(parts, "；")
}

// partialTitle is what an interrupted report's title starts with: that it
// is partial and how many conversations it covers.
func partialTitle(lang codebook.Lang, n int) string {
	if lang == codebook.EN {
		return fmt.Sprintf("[PARTIAL: interrupted after %d conversations] ", n)
	}
	return fmt.Sprintf("【未完成：运行被中断，仅含前 %d 个会话】", n)
}

// interrupted ends a run stopped by a signal. Only output that says so
// itself is written: the text and HTML reports, whose title (first line,
// heading) then says they are partial and how many conversations they
// cover. A JSON, xlsx or sample output would pass for a complete one, so
// it is not written (JSON Lines already on stdout stay: each line is a
// whole result), and --out and --rejects keep their old contents.
func (s *scanRun) interrupted(out io.Writer, outf *outFile, title string, lang codebook.Lang, htmlw *report.HTML) int {
	n := s.convs
	if s.sampler != nil || (s.flags.format != "text" && s.flags.format != "html") {
		switch {
		case outf != nil:
			fmt.Fprintf(s.env.Stderr, "fullqa: interrupted after %d conversations; %s left as it was\n", n, s.flags.out)
		case s.jsonl != nil:
			fmt.Fprintf(s.env.Stderr, "fullqa: interrupted after %d conversations, whose results were written\n", n)
		default:
			fmt.Fprintf(s.env.Stderr, "fullqa: interrupted after %d conversations; no %s output written\n", n, s.flags.format)
		}
		return ExitInterrupted
	}
	rep := s.builder.Finish(title, s.cfg.Timezone, time.Now())
	rep.Lang = lang
	err := s.writeReport(out, rep, htmlw)
	if err == nil && outf != nil {
		err = outf.Commit()
	}
	if err != nil {
		fmt.Fprintf(s.env.Stderr, "fullqa: write report: %v\n", err)
		return ExitError
	}
	fmt.Fprintf(s.env.Stderr, "fullqa: interrupted after %d conversations; the report says it is partial\n", n)
	return ExitInterrupted
}

// writeSample writes what a run without a report writes at its end: the
// sample's picks (JSON Lines results were written as the scan went).
func (s *scanRun) writeSample(out io.Writer, lang codebook.Lang) error {
	if s.sampler == nil {
		return nil
	}
	picks := s.sampler.Picks()
	if s.flags.format == "xlsx" {
		return sample.WriteXLSX(out, picks, lang)
	}
	return sample.WriteJSONL(out, picks)
}

func (s *scanRun) scanFile(ctx context.Context, name string, opts ingest.Options, total *atomic.Int64) error {
	var src io.Reader
	var size int64
	// The stream reader's goroutine ends with this file, not with the
	// process, when the file is left before its end (a --strict stop).
	streamCtx, stopStream := context.WithCancel(ctx)
	defer stopStream()
	if name == "-" {
		// stdin may be a pipe that stays open (tail -f): read it so that
		// Ctrl-C stops the run at once, not at the next byte.
		src = newStreamReader(streamCtx, s.env.Stdin)
		name = "<stdin>"
	} else {
		fh, err := os.Open(name)
		if err != nil {
			return err
		}
		defer fh.Close()
		src = ctxFileReader{ctx: ctx, r: fh}
		if st, err := fh.Stat(); err == nil && st.Mode().IsRegular() {
			size = st.Size()
		} else {
			src = newStreamReader(streamCtx, fh) // a named pipe, <(…), a device
		}
	}
	var read atomic.Int64
	rd, err := ingest.Open(name, countingReader{r: src, n: &read}, opts)
	if err != nil {
		return err
	}
	rd = ingest.Filtered(rd, s.filter, &s.filtered)
	if s.acrossIDs != nil {
		rd = s.acrossIDs.Wrap(rd, name)
	}
	s.rejectHead = nil
	if h, ok := rd.(interface{ RejectHeader() []byte }); ok {
		s.rejectHead = h.RejectHeader()
	}
	show := (s.env.StderrIsTerminal || s.flags.progress) && !s.flags.noProgress
	prog := newProgress(s.env.Stderr, size, &read, show)
	isRecord := func(err error) bool {
		var re *ingest.RecordError
		return errors.As(err, &re)
	}
	loc, _ := s.cfg.Location()
	// A run without a report (JSON Lines results, a sample) aggregates
	// no KPIs: it needs only their figures.
	sopts := scan.Options{Workers: s.cfg.Scan.Workers, Score: s.cfg.Score, Location: loc, KPIFigures: s.builder == nil}
	if s.cfg.Ingest.Redact.Enabled {
		sopts.Redact = s.cfg.Ingest.Redact.RedactConfig.Redact
	}
	if s.cross != nil {
		sopts.Prepare = s.prepareCross(sopts.Redact != nil)
	}
	if s.jsonl != nil {
		sopts.Encode = report.AppendJSONResult
		// Flush whenever the pipeline waits for input, so results reach
		// a reader of an endless stream as conversations complete.
		sopts.Idle = s.jsonl.Flush
	}
	err = scan.Run(ctx, rd, isRecord, s.eng, sopts, func(r *scan.Result) error {
		if r.Err == nil && s.cross != nil {
			if err := s.addCross(ctx, r); err != nil {
				return err
			}
		}
		if s.builder != nil {
			s.builder.Add(r)
		}
		if s.sampler != nil {
			s.sampler.Add(r)
		}
		if r.Err != nil {
			return s.reject(r.Err)
		}
		s.convs++
		s.messages += len(r.Conv.Messages)
		s.findings += len(r.Findings)
		prog.tick()
		if s.jsonl != nil {
			return s.jsonl.Write(r)
		}
		return nil
	})
	prog.finish()
	total.Add(read.Load())
	return err
}

// reject reports a bad record and keeps it in the reject file.
func (s *scanRun) reject(err error) error {
	s.shown++
	if s.shown <= maxShownErrors {
		fmt.Fprintf(s.env.Stderr, "%v\n", err)
	}
	var re *ingest.RecordError
	if errors.As(err, &re) && s.rejects != nil && len(re.Raw) > 0 {
		if len(s.rejectHead) > 0 && !bytes.Equal(s.rejectHead, s.headWritten) {
			s.rejects.Write(s.rejectHead)
			s.rejects.WriteByte('\n')
			s.headWritten = s.rejectHead
		}
		s.rejects.Write(re.Raw)
		if re.Raw[len(re.Raw)-1] != '\n' {
			s.rejects.WriteByte('\n')
		}
	}
	if s.flags.strict {
		return errStrict
	}
	return nil
}

// writeReport writes the aggregated report in the chosen format.
func (s *scanRun) writeReport(out io.Writer, rep *report.Report, htmlw *report.HTML) error {
	switch s.flags.format {
	case "text":
		return report.WriteText(out, rep)
	case "json":
		return report.WriteJSON(out, rep)
	case "html":
		return htmlw.Write(out, rep)
	case "xlsx":
		return report.WriteXLSX(out, rep)
	}
	return nil // jsonl was written as it streamed
}
