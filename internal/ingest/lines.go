package ingest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// lineReader reads lines with their numbers, bounding a line's length: an
// over-long line is skipped to its end and reported, and reading goes on.
type lineReader struct {
	name string
	br   *bufio.Reader
	max  int
	n    int // number of the last line returned
	buf  []byte
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
// until the following call.
func (l *lineReader) next() ([]byte, error) {
	l.buf = l.buf[:0]
	tooLong := false
	size := 0
	for {
		chunk, err := l.br.ReadSlice('\n')
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
		b := l.buf
		if n := len(b); n > 0 && b[n-1] == '\n' {
			b = b[:n-1]
		}
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
		return b, nil
	}
}
