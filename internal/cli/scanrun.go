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
	"sync/atomic"
	"time"

	"fullqa/internal/codebook"
	"fullqa/internal/config"
	"fullqa/internal/detect"
	"fullqa/internal/ingest"
	"fullqa/internal/report"
	"fullqa/internal/sample"
	"fullqa/internal/scan"
)

// errStrict stops a --strict run at the first bad record.
var errStrict = errors.New("bad record in --strict mode")

// scanRun is one invocation of scan.
type scanRun struct {
	env     Env
	log     *slog.Logger // the run's summary; discards unless -v or --log-level
	cfg     config.Config
	flags   *scanFlags
	eng     *detect.Engine
	builder *report.Builder
	sampler *sample.Sampler // set for `fullqa sample`
	jsonl   *report.JSONL
	rejects *bufio.Writer
	// rejectHead is the current input's header row (CSV inputs), written
	// before its first reject so the reject file can be fixed and re-fed;
	// headWritten is the header the reject file has last been given.
	rejectHead, headWritten []byte
	shown                   int
}

const maxShownErrors = 50

func (s *scanRun) run(ctx context.Context, files []string, htmlw *report.HTML) int {
	var out io.Writer = s.env.Stdout
	if s.flags.out != "" {
		fo, err := os.Create(s.flags.out)
		if err != nil {
			fmt.Fprintf(s.env.Stderr, "fullqa: %v\n", err)
			return ExitError
		}
		defer fo.Close()
		out = fo
	}
	if s.flags.rejects != "" {
		fr, err := os.Create(s.flags.rejects)
		if err != nil {
			fmt.Fprintf(s.env.Stderr, "fullqa: %v\n", err)
			return ExitError
		}
		defer fr.Close()
		s.rejects = bufio.NewWriter(fr)
		defer s.rejects.Flush()
	}
	if s.flags.format == "jsonl" && s.sampler == nil {
		s.jsonl = report.NewJSONL(out)
	}
	loc, _ := s.cfg.Location()
	opts := ingest.Options{Format: s.cfg.Ingest.Format, Encoding: s.cfg.Ingest.Encoding, Columns: s.cfg.Ingest.Columns,
		Gap: time.Duration(s.cfg.Ingest.Gap), Location: loc, MaxLine: s.cfg.Ingest.MaxLine}
	code := ExitOK
	start := time.Now()
	var bytesRead atomic.Int64
	for _, name := range files {
		if err := s.scanFile(ctx, name, opts, &bytesRead); err != nil {
			if errors.Is(err, errStrict) {
				code = ExitBadRecords
				break
			}
			fmt.Fprintf(s.env.Stderr, "fullqa: %v\n", err)
			code = ExitError
			break
		}
	}
	if s.jsonl != nil {
		if err := s.jsonl.Close(); err != nil && code == ExitOK {
			fmt.Fprintf(s.env.Stderr, "fullqa: write: %v\n", err)
			code = ExitError
		}
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = filepath.Base(f)
	}
	lang, _ := codebook.ParseLang(s.cfg.Lang) // checked by Validate
	rep := s.builder.Finish(report.DefaultTitle(lang, names), s.cfg.Timezone, time.Now())
	rep.Lang = lang
	sum := rep.Summary
	var err error
	if s.sampler != nil {
		picks := s.sampler.Picks()
		if s.flags.format == "xlsx" {
			err = sample.WriteXLSX(out, picks)
		} else {
			err = sample.WriteJSONL(out, picks)
		}
	} else {
		err = s.writeReport(out, rep, htmlw)
	}
	if err != nil {
		fmt.Fprintf(s.env.Stderr, "fullqa: write report: %v\n", err)
		return ExitError
	}
	if s.shown > maxShownErrors {
		fmt.Fprintf(s.env.Stderr, "… and %d more bad records\n", s.shown-maxShownErrors)
	}
	el := time.Since(start)
	s.log.Info("scan done", "conversations", sum.Conversations, "messages", sum.Messages,
		"findings", sum.Findings, "bad_records", sum.Rejected,
		"seconds", fmt.Sprintf("%.2f", el.Seconds()),
		"conv_per_s", fmt.Sprintf("%.0f", float64(sum.Conversations)/el.Seconds()),
		"mb_per_s", fmt.Sprintf("%.1f", float64(bytesRead.Load())/1e6/el.Seconds()))
	return code
}

func (s *scanRun) scanFile(ctx context.Context, name string, opts ingest.Options, total *atomic.Int64) error {
	var src io.Reader
	var size int64
	if name == "-" {
		src = s.env.Stdin
		name = "<stdin>"
	} else {
		fh, err := os.Open(name)
		if err != nil {
			return err
		}
		defer fh.Close()
		if st, err := fh.Stat(); err == nil {
			size = st.Size()
		}
		src = fh
	}
	var read atomic.Int64
	rd, err := ingest.Open(name, countingReader{r: src, n: &read}, opts)
	if err != nil {
		return err
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
	sopts := scan.Options{Workers: s.cfg.Scan.Workers, Score: s.cfg.Score, Location: loc}
	if s.cfg.Ingest.Redact.Enabled {
		sopts.Redact = s.cfg.Ingest.Redact.RedactConfig.Redact
	}
	if s.jsonl != nil {
		sopts.Encode = report.AppendJSONResult
	}
	err = scan.Run(ctx, rd, isRecord, s.eng, sopts, func(r *scan.Result) error {
		s.builder.Add(r)
		if s.sampler != nil {
			s.sampler.Add(r)
		}
		if r.Err != nil {
			return s.reject(r.Err)
		}
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
