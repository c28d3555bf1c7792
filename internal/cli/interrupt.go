package cli

import (
	"context"
	"fmt"
	"io"
	"os"
)

// ExitInterrupted is the exit code of a run stopped by Ctrl-C or SIGTERM,
// 128 + SIGINT as shells report it.
const ExitInterrupted = 130

// WatchInterrupts returns a context that is cancelled at the first signal
// received on sigs, so the run stops reading, finishes what it holds and
// exits with ExitInterrupted. A second signal calls exit(ExitInterrupted)
// at once, whatever the run is doing: a user pressing Ctrl-C twice wants
// the process gone. stop releases the watcher.
func WatchInterrupts(parent context.Context, sigs <-chan os.Signal, stderr io.Writer, exit func(int)) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(parent)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
		case <-done:
			return
		}
		fmt.Fprintln(stderr, "\nfullqa: interrupted, stopping (press Ctrl-C again to quit at once)")
		cancel()
		select {
		case <-sigs:
			exit(ExitInterrupted)
		case <-done:
		}
	}()
	return ctx, func() { close(done); cancel() }
}

// ctxFileReader stops reading a file once ctx is done. Reads of a regular
// file never block for long, so checking before each read is enough.
type ctxFileReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxFileReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// streamReader reads a stream that may block for ever (stdin from
// `tail -f` or a slow pipe) on its own goroutine, so that Read returns
// ctx's error as soon as ctx is done instead of when the next byte
// arrives. The goroutine may stay blocked in the underlying Read after
// that; the process is about to exit.
type streamReader struct {
	ctx    context.Context
	chunks chan chunk
	free   chan []byte
	cur    chunk
	off    int
	err    error
}

type chunk struct {
	buf []byte // a buffer of free, returned once read
	n   int
	err error
}

// newStreamReader starts reading r in the background.
func newStreamReader(ctx context.Context, r io.Reader) *streamReader {
	s := &streamReader{ctx: ctx, chunks: make(chan chunk), free: make(chan []byte, 2)}
	s.free <- make([]byte, 64<<10)
	s.free <- make([]byte, 64<<10)
	go s.pump(r)
	return s
}

func (s *streamReader) pump(r io.Reader) {
	for {
		var buf []byte
		select {
		case buf = <-s.free:
		case <-s.ctx.Done():
			return
		}
		n, err := r.Read(buf)
		select {
		case s.chunks <- chunk{buf: buf, n: n, err: err}:
		case <-s.ctx.Done():
			return
		}
		if err != nil {
			return
		}
	}
}

// Read returns data as soon as any has arrived, like a pipe does.
func (s *streamReader) Read(p []byte) (int, error) {
	for s.off == s.cur.n {
		if s.cur.buf != nil {
			s.free <- s.cur.buf
			s.cur.buf = nil
		}
		if s.err != nil {
			return 0, s.err
		}
		select {
		case c := <-s.chunks:
			s.cur, s.off, s.err = c, 0, c.err
		case <-s.ctx.Done():
			return 0, s.ctx.Err()
		}
	}
	n := copy(p, s.cur.buf[s.off:s.cur.n])
	s.off += n
	return n, nil
}
