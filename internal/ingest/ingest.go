// Package ingest reads conversations from files and streams into the
// canonical model. Each source format has its own file; all of them stream
// (a file is never loaded whole, except where a format's structure needs an
// index, see twcs.go), report bad records as *RecordError with file, line
// and field, and never merge, drop or reorder the messages they accept.
package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fullqa/internal/conversation"
)

// Formats the importers understand; "" asks Open to detect it.
const (
	FormatJSONL = "jsonl"
	FormatCSV   = "csv"
	FormatTSV   = "tsv"
	FormatJDDC  = "jddc"
	FormatTWCS  = "twcs"
)

// Formats lists the accepted values of --input-format. It returns a new
// slice each time, so no caller can change what another sees.
func Formats() []string {
	return []string{FormatJSONL, FormatCSV, FormatTSV, FormatJDDC, FormatTWCS,
		FormatXLSX, FormatJDChat, FormatSCA, FormatQianniu, FormatZendesk}
}

// Options controls how a source is read. The zero value reads UTF-8 (or
// detected GB18030) in a detected format with the default silence gap.
type Options struct {
	Format   string         // one of Formats, or "" to detect
	Encoding string         // "utf-8", "gb18030", "gbk", or "" to detect
	Columns  Columns        // CSV/TSV column mapping; empty fields are guessed from the header
	Gap      time.Duration  // silence gap that splits messages without a conversation id; 0 means 30 min
	Location *time.Location // zone for timestamps without one; nil means Asia/Shanghai
	MaxLine  int            // longest accepted record in bytes; 0 means 8 MiB
	// SortByTime sorts each conversation's messages stably by time before
	// they are numbered, instead of rejecting a conversation whose
	// messages are out of time order (see order.go).
	SortByTime bool
	// CustomerName names the buyer in a 千牛 chat history (--customer-name);
	// empty: the one participant that is not a shop sub-account.
	CustomerName string
	// Sheet names the xlsx sheet to read (--sheet); empty: the first.
	Sheet string
}

// DefaultGap is the silence gap after which a new conversation starts when
// the source has no conversation id, as in the platforms' own session rules.
const DefaultGap = 30 * time.Minute

// DefaultMaxLine bounds one record so a corrupt file cannot exhaust memory.
const DefaultMaxLine = 8 << 20

func (o *Options) gap() time.Duration {
	if o.Gap > 0 {
		return o.Gap
	}
	return DefaultGap
}

func (o *Options) maxLine() int {
	if o.MaxLine > 0 {
		return o.MaxLine
	}
	return DefaultMaxLine
}

func (o *Options) location() *time.Location {
	if o.Location != nil {
		return o.Location
	}
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// RecordError is a bad record: the run goes on without it, counts it, and
// may write Raw to a reject file. Its text is "file:line: field: problem".
type RecordError struct {
	File  string
	Line  int
	Field string
	Msg   string
	Raw   []byte // the record as read, for the reject file; may be nil
}

// Error formats the error the way editors and grep understand.
func (e *RecordError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Field, e.Msg)
}

// Reader yields conversations one at a time. Next returns a conversation, or
// a *RecordError for a bad record (the caller may go on), or io.EOF at the
// end, or another error when the source cannot be read further.
type Reader interface {
	Next() (*conversation.Conversation, error)
}

// ErrUnknownFormat is returned when a format name is not one of Formats.
var ErrUnknownFormat = errors.New("unknown input format")

// Open returns a Reader for r, named name in errors. It detects the text
// encoding and the format unless opts fixes them.
func Open(name string, r io.Reader, opts Options) (Reader, error) {
	// xlsx is a zip archive: it must reach its reader as bytes, before
	// any text decoding.
	// The time zone is resolved once here, not per record: loading it
	// reads the zone database from disk every time.
	opts.Location = opts.location()
	raw := bufio.NewReaderSize(r, 256<<10)
	if magic, _ := raw.Peek(4); opts.Format == FormatXLSX || (opts.Format == "" && bytes.Equal(magic, []byte("PK\x03\x04"))) {
		return newXLSXReader(name, raw, &opts)
	}
	br, err := decode(raw, opts.Encoding)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	format := opts.Format
	if format == "" {
		format, err = detectFormat(name, br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	lr := newLineReader(name, br, opts.maxLine())
	switch format {
	case FormatJSONL:
		return newJSONLReader(lr, &opts), nil
	case FormatJDDC:
		return newJDDCReader(lr, &opts), nil
	case FormatCSV, FormatTSV:
		return newCSVReader(name, br, format, &opts)
	case FormatTWCS:
		return newTWCSReader(name, br, &opts)
	case FormatXLSX:
		return newXLSXReader(name, br, &opts)
	case FormatJDChat:
		return newJDChatReader(name, br, &opts)
	case FormatSCA:
		return newSCAReader(name, br, &opts)
	case FormatZendesk:
		return newZendeskReader(name, br, &opts)
	case FormatQianniu:
		return newQianniuReader(name, br, &opts)
	}
	return nil, fmt.Errorf("%s: %w %q (want one of %s)", name, ErrUnknownFormat, format, strings.Join(Formats(), ", "))
}

// detectFormat decides from the extension and, where that is ambiguous,
// from the first line.
func detectFormat(name string, br *bufio.Reader) (string, error) {
	ext := strings.ToLower(filepath.Ext(strings.TrimSuffix(strings.TrimSuffix(name, ".gz"), ".zst")))
	head := peekHead(br)
	first := head
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	first = bytes.TrimRight(first, "\r")
	if ext == ".xlsx" || bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return FormatXLSX, nil
	}
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if f := detectPlatformJSON(trimmed); f != "" {
		return f, nil
	}
	switch ext {
	case ".jsonl", ".ndjson", ".json":
		return FormatJSONL, nil
	}
	if looksQianniu(head) {
		return FormatQianniu, nil
	}
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return FormatJSONL, nil
	}
	if len(trimmed) == 0 {
		if ext == ".csv" {
			return FormatCSV, nil
		}
		return FormatJSONL, nil // an empty input is an empty conversation stream
	}
	if looksJDDC(first) {
		return FormatJDDC, nil
	}
	if bytes.Contains(first, []byte("tweet_id")) && bytes.Contains(first, []byte("in_response_to_tweet_id")) {
		return FormatTWCS, nil
	}
	switch ext {
	case ".csv":
		return FormatCSV, nil
	case ".tsv", ".tab":
		return FormatTSV, nil
	}
	if bytes.Count(first, []byte{'\t'}) > bytes.Count(first, []byte{','}) {
		return FormatTSV, nil
	}
	if bytes.Count(first, []byte{','}) > 0 {
		return FormatCSV, nil
	}
	return "", errors.New("cannot tell the input format; use --input-format")
}

// detectPlatformJSON tells a platform's JSON export by the field names of
// its records in the first 64 KiB: JD chat logs (sid + waiterSend), SCA
// tickets (tid + dialogue) and Zendesk chats (history + sender_type).
func detectPlatformJSON(head []byte) string {
	if len(head) == 0 || (head[0] != '{' && head[0] != '[') {
		return ""
	}
	has := func(k string) bool { return bytes.Contains(head, []byte(`"`+k+`"`)) }
	switch {
	case has("sid") && has("waiterSend"):
		return FormatJDChat
	case has("tid") && has("dialogue"):
		return FormatSCA
	case has("history") && has("sender_type"):
		return FormatZendesk
	}
	return ""
}

// looksQianniu reports whether the text starts like a 千牛 chat history: a
// day line, then a "name HH:mm:ss" line.
func looksQianniu(head []byte) bool {
	lines := strings.SplitN(strings.TrimLeft(strings.TrimPrefix(string(head), "\uFEFF"), " \r\n"), "\n", 3)
	return len(lines) >= 2 && qnDay.MatchString(strings.TrimSpace(lines[0])) &&
		qnSpeaker.MatchString(strings.TrimRight(lines[1], " \r"))
}

// looksJDDC reports whether a line has the JDDC chat layout: seven
// tab-separated columns whose third is the sender flag 0 or 1.
func looksJDDC(line []byte) bool {
	f := bytes.SplitN(line, []byte{'\t'}, 7)
	if len(f) != 7 {
		return false
	}
	s := string(f[2])
	return (s == "0" || s == "1") && len(f[0]) > 0
}

// ForEach reads rd to its end and calls fn with every conversation, in
// order. It stops at the first error, a bad record included, or the first
// error of fn; the end of the input is not an error. Callers that must go
// on after bad records (the scan) read rd themselves.
func ForEach(rd Reader, fn func(*conversation.Conversation) error) error {
	for {
		c, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
	}
}

// ForEachInFile opens path, reads it with opts and calls fn as ForEach does.
func ForEachInFile(path string, opts Options, fn func(*conversation.Conversation) error) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	rd, err := Open(path, fh, opts)
	if err != nil {
		return err
	}
	return ForEach(rd, fn)
}
