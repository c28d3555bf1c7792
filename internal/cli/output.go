package cli

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
)

// formatExts maps an --out extension to its output format.
var formatExts = [...]struct{ ext, format string }{
	{".xlsx", "xlsx"}, {".html", "html"}, {".htm", "html"}, {".json", "json"},
	{".jsonl", "jsonl"}, {".ndjson", "jsonl"}, {".txt", "text"},
}

// formatFromExt infers --format from the --out file's extension when the
// user gave none, among the formats the command writes: `--out
// report.xlsx` must not write a text report into a file Excel then
// refuses to open.
func formatFromExt(out string, allowed []string) (string, bool) {
	ext := strings.ToLower(filepath.Ext(out))
	for _, fe := range formatExts {
		if fe.ext != ext {
			continue
		}
		for _, a := range allowed {
			if a == fe.format {
				return fe.format, true
			}
		}
	}
	return "", false
}

// extensionsOf lists the extensions (without the dot) that name formats.
func extensionsOf(formats []string) []string {
	var out []string
	for _, fe := range formatExts {
		for _, f := range formats {
			if f == fe.format {
				out = append(out, strings.TrimPrefix(fe.ext, "."))
			}
		}
	}
	return out
}

// newLogger is the logger of a scan: silent unless -v (info) or
// --log-level asks, then text on stderr with the time in local time, so
// a report piped from stdout and its terminal stay free of log lines.
func newLogger(env Env, verbose bool, level string) (*slog.Logger, error) {
	if !verbose && level == "" {
		return slog.New(slog.DiscardHandler), nil
	}
	var lv slog.Level
	if level != "" {
		if err := lv.UnmarshalText([]byte(level)); err != nil {
			return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
		}
	}
	return slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: lv,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey && a.Value.Kind() == slog.KindTime {
				return slog.String(slog.TimeKey, a.Value.Time().Local().Format("2006-01-02 15:04:05"))
			}
			return a
		}})), nil
}
