package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
)

// csvCutter cuts a CSV or TSV stream into records exactly as encoding/csv's
// Reader reads them (FieldsPerRecord -1, ReuseRecord, LazyQuotes for TSV):
// the same records, starting on the same lines, the same parse errors on
// the same lines and columns. Unlike the Reader it copies no field and
// makes no string: it finds where each field lies in the record's lines
// (rec, with "\r\n" made "\n" as the Reader does) and whether a quoted one
// holds quotes to undo, and leaves decoding to whoever needs the field.
// The reading goroutine so finds record and field boundaries and decodes
// only what grouping rows needs (the id or customer, the role and the
// time: csvrows.go); the scan's workers decode the other fields.
// FuzzCSVCutter holds it to encoding/csv.
type csvCutter struct {
	br      *bufio.Reader
	comma   byte // ',' or '\t'
	lazy    bool // LazyQuotes: a bare quote is kept as text
	numLine int  // lines read so far, as csv.Reader counts them
	long    []byte
	// rec and spans are the last record cut: its lines and its fields.
	// Both are reused by the next call to next.
	rec   []byte
	spans []fieldSpan
}

// fieldSpan is one field of a record: rec[start:end], the text between
// the quotes of a quoted field; esc is set when that text holds quotes
// to undo (`""`, or a bare quote kept by LazyQuotes).
type fieldSpan struct {
	start, end int
	esc        bool
}

// readLine is csv.Reader's readLine: the next line, its "\r\n" made "\n",
// a "\r" before the end of input dropped.
func (c *csvCutter) readLine() ([]byte, error) {
	line, err := c.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		c.long = append(c.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = c.br.ReadSlice('\n')
			c.long = append(c.long, line...)
		}
		line = c.long
	}
	if n := len(line); n > 0 && err == io.EOF {
		err = nil
		if line[n-1] == '\r' {
			line = line[:n-1]
		}
	}
	c.numLine++
	if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == '\n' {
		line[n-2] = '\n'
		line = line[:n-1]
	}
	return line, err
}

// lengthNL is 1 when b ends with a line feed, else 0.
func lengthNL(b []byte) int {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return 1
	}
	return 0
}

// next cuts the next record into rec and spans and returns the line it
// starts on. At the end of input it returns io.EOF; a record the Reader
// would refuse gives the *csv.ParseError the Reader returns (the rest of
// the line it was found on is dropped, as the Reader drops it), and a
// failed read its error. (bufio hands out io.EOF and ErrBufferFull
// unwrapped, and they are compared as the Reader compares them.)
func (c *csvCutter) next() (int, error) {
	var line []byte
	var errRead error
	for errRead == nil {
		line, errRead = c.readLine()
		if errRead == nil && len(line) == lengthNL(line) {
			continue // empty lines are skipped
		}
		break
	}
	if errRead == io.EOF {
		return 0, io.EOF
	}
	// rec and spans are worked on as locals and stored back at the end:
	// as fields of c, every append made the compiler load them again.
	rec := append(c.rec[:0], line...)
	spans := c.spans[:0]
	comma := c.comma
	recLine := c.numLine
	posLine, col := c.numLine, 1 // where the field being read is
	i := 0                       // the next byte of rec to read
	// quote is the first quote at or after i on the line, or len(rec)
	// for none, found once for all the unquoted fields before it.
	quote := -1
	var err error
parseField:
	for {
		if i == len(rec) || rec[i] != '"' {
			// An unquoted field: up to the next comma or the line end.
			rest := rec[i:]
			j := bytes.IndexByte(rest, comma)
			end := j
			if j < 0 {
				end = len(rest) - lengthNL(rest)
			}
			if !c.lazy {
				if quote < i {
					if quote = bytes.IndexByte(rest, '"'); quote < 0 {
						quote = len(rec)
					} else {
						quote += i
					}
				}
				if k := quote - i; k < end {
					err = &csv.ParseError{StartLine: recLine, Line: c.numLine, Column: col + k, Err: csv.ErrBareQuote}
					break parseField
				}
			}
			spans = append(spans, fieldSpan{start: i, end: i + end})
			if j >= 0 {
				i += j + 1
				col += j + 1
				continue parseField
			}
			break parseField
		}
		// A quoted field, over as many lines as it takes.
		i++
		col++
		f := fieldSpan{start: i}
		for {
			rest := rec[i:]
			if k := bytes.IndexByte(rest, '"'); k >= 0 {
				i += k + 1
				col += k + 1
				switch {
				case i < len(rec) && rec[i] == '"': // `""`, a quote
					f.esc = true
					i++
					col++
				case i < len(rec) && rec[i] == comma: // `",` ends the field
					f.end = i - 1
					spans = append(spans, f)
					i++
					col++
					continue parseField
				case len(rec)-i == lengthNL(rec[i:]): // `"\n` ends the record
					f.end = i - 1
					spans = append(spans, f)
					break parseField
				case c.lazy: // a bare quote, kept
					f.esc = true
				default:
					err = &csv.ParseError{StartLine: recLine, Line: c.numLine, Column: col - 1, Err: csv.ErrQuote}
					break parseField
				}
			} else if len(rest) > 0 {
				// The field goes on past the line end.
				i = len(rec)
				if errRead != nil {
					break parseField
				}
				col += len(rest)
				line, errRead = c.readLine()
				rec = append(rec, line...)
				if len(line) > 0 {
					posLine++
					col = 1
				}
				if errRead == io.EOF {
					errRead = nil
				}
			} else {
				// The input ends inside the quotes.
				if !c.lazy && errRead == nil {
					err = &csv.ParseError{StartLine: recLine, Line: posLine, Column: col, Err: csv.ErrQuote}
					break parseField
				}
				f.end = i
				spans = append(spans, f)
				break parseField
			}
		}
	}
	c.rec, c.spans = rec, spans
	if err == nil {
		err = errRead
	}
	return recLine, err
}

// resplit appends to spans the fields of rec, a record next cut without
// error (its lines as next collected them), offset by base: what next
// found, worked out again on a worker from the record alone. Of a quote
// in a quoted field, next knew from the line what follows it; in a
// record cut without error, a quote before a line feed ends the record,
// a quote and a comma end the field, two quotes are a quote, and any
// other is a bare quote LazyQuotes kept. FuzzCSVCutter holds it to next.
func resplit(rec []byte, comma byte, base int, spans []fieldSpan) []fieldSpan {
	i := 0
	for {
		if i == len(rec) || rec[i] != '"' {
			j := bytes.IndexByte(rec[i:], comma)
			if j < 0 {
				return append(spans, fieldSpan{start: base + i, end: base + len(rec) - lengthNL(rec)})
			}
			spans = append(spans, fieldSpan{start: base + i, end: base + i + j})
			i += j + 1
			continue
		}
		i++
		f := fieldSpan{start: base + i}
	quoted:
		for {
			k := bytes.IndexByte(rec[i:], '"')
			if k < 0 { // the input ended inside the quotes (LazyQuotes)
				f.end = base + len(rec)
				return append(spans, f)
			}
			i += k + 1
			switch {
			case i < len(rec) && rec[i] == '"':
				f.esc = true
				i++
			case i < len(rec) && rec[i] == comma:
				f.end = base + i - 1
				spans = append(spans, f)
				i++
				break quoted
			case len(rec)-i == lengthNL(rec[i:]):
				f.end = base + i - 1
				return append(spans, f)
			default:
				f.esc = true
			}
		}
	}
}

// spanBytes is the text of field s of rec, its quotes undone; scratch
// holds it when there are quotes to undo.
func spanBytes(rec []byte, s fieldSpan, scratch *[]byte) []byte {
	b := rec[s.start:s.end]
	if !s.esc {
		return b
	}
	*scratch = unquote((*scratch)[:0], b)
	return *scratch
}

// unquote appends b, the text of a quoted field, to dst with each `""`
// made one quote; a bare quote (LazyQuotes) stays as it is.
func unquote(dst, b []byte) []byte {
	for {
		k := bytes.IndexByte(b, '"')
		if k < 0 {
			return append(dst, b...)
		}
		dst = append(dst, b[:k+1]...)
		b = b[k+1:]
		if len(b) > 0 && b[0] == '"' {
			b = b[1:]
		}
	}
}

// spanString is spanBytes as a string: a substring of all (rec as one
// string) when there is nothing to undo, else a new string.
func spanString(all string, s fieldSpan) string {
	if !s.esc {
		return all[s.start:s.end]
	}
	return string(unquote(nil, []byte(all[s.start:s.end])))
}
