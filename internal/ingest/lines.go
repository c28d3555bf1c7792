package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// lineReader reads lines with their numbers, bounding a line's length: an
// over-long line is skipped to its end and reported, and reading goes on.
type lineReader struct {
	name string
	br   *bufio.Reader
	max  int
	n    int // number of the last line returned
	buf  []byte
	// known is the length of the next line with its "\n" once hasLine has
	// found its end in br's buffer, 0 when not: next then takes it as it
	// is instead of looking for the end again (the scan asks hasLine
	// before every record, so each line was searched twice).
	known int
}

func newLineReader(name string, br *bufio.Reader, max int) *lineReader {
	return &lineReader{name: name, br: br, max: max}
}

// errLineTooLong reports an over-long line; the reader has skipped it.
type errLineTooLong struct{ size int }

func (e errLineTooLong) Error() string {
	return fmt.Sprintf("line too long (%d bytes or more)", e.size)
}

// next returns the next line without its line ending. The slice is valid
// until the following call to next or hasLine: every caller copies what it
// keeps.
func (l *lineReader) next() ([]byte, error) {
	if k := l.known; k > 0 {
		// hasLine found the line's end: br holds the k bytes, up to and
		// including "\n", as ReadSlice would return them (at most max,
		// or ReadSlice's path below would see a line too long).
		l.known = 0
		if k <= l.max {
			chunk, _ := l.br.Peek(k)
			l.br.Discard(k)
			l.n++
			return trimEOL(chunk), nil
		}
	}
	l.buf = l.buf[:0]
	tooLong := false
	size := 0
	chunk, err := l.br.ReadSlice('\n')
	if err == nil && len(chunk) <= l.max {
		// The whole line is in br's buffer: handed out from there, not
		// copied into buf first (the one reading goroutine copied every
		// byte of the input twice).
		l.n++
		return trimEOL(chunk), nil
	}
	for first := true; ; first = false {
		if !first {
			chunk, err = l.br.ReadSlice('\n')
		}
		size += len(chunk)
		if !tooLong {
			if len(l.buf)+len(chunk) > l.max {
				tooLong = true
				l.buf = l.buf[:0]
			} else {
				l.buf = append(l.buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: line %d: %w", l.name, l.n+1, err)
		}
		if size == 0 && errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		l.n++
		if tooLong {
			return nil, errLineTooLong{size}
		}
		return trimEOL(l.buf), nil
	}
}

// trimEOL cuts a line's "\n" or "\r\n".
func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// hasLine reports whether a whole line is already buffered, so the next
// call to next will not wait for input.
func (l *lineReader) hasLine() bool {
	if l.known > 0 {
		return true
	}
	n := l.br.Buffered()
	if n == 0 {
		return false
	}
	b, _ := l.br.Peek(n)
	i := bytes.IndexByte(b, '\n')
	l.known = i + 1
	return i >= 0
}

// headSize is how much of the input's start encoding and format detection
// look at.
const headSize = 64 << 10

// peekHead returns the start of br for detection without waiting for
// headSize bytes: a file gives them in one read, but a stream (stdin from
// a slow pipe or `tail -f`) may never send that much, and waiting for it
// would stall the run until the stream ends. It waits only for the first
// line to be complete, which detection needs, or for the end of input.
func peekHead(br *bufio.Reader) []byte {
	head, err := br.Peek(1)
	for err == nil {
		n := br.Buffered()
		if n >= headSize {
			n = headSize
		}
		head, _ = br.Peek(n)
		if n == headSize || bytes.IndexByte(head, '\n') >= 0 {
			return head
		}
		_, err = br.Peek(n + 1) // wait for more
	}
	head, _ = br.Peek(br.Buffered())
	return head
}

// sourceOf is name + ":" + line, a conversation's Source, in one
// allocation (strconv.Itoa made a second for every line past 99).
func sourceOf(name string, line int) string {
	var nb [20]byte
	return name + ":" + string(strconv.AppendInt(nb[:0], int64(line), 10))
}
