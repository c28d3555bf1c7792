package cli

import (
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"
)

// countingReader counts bytes read, for the progress bar.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// progress draws a one-line bar with rate and ETA on a terminal, at most
// five times a second.
type progress struct {
	w      io.Writer
	total  int64 // bytes, 0 when unknown (stdin)
	read   *atomic.Int64
	convs  atomic.Int64
	start  time.Time
	last   time.Time
	active bool
}

func newProgress(w io.Writer, total int64, read *atomic.Int64, active bool) *progress {
	now := time.Now()
	return &progress{w: w, total: total, read: read, start: now, active: active}
}

func (p *progress) tick() {
	n := p.convs.Add(1)
	if !p.active || n%256 != 0 {
		return
	}
	now := time.Now()
	if now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	p.draw(now, false)
}

// progressWidth is the most columns a progress line takes: it must fit an
// 80-column terminal without wrapping, or every redraw scrolls a line.
const progressWidth = 79

// draw redraws the line in place: carriage return, the line, and "erase
// to the end of the line" so a shorter line leaves no debris.
func (p *progress) draw(now time.Time, final bool) {
	io.WriteString(p.w, "\r"+p.line(now, final)+"\x1b[K")
	if final {
		fmt.Fprintln(p.w)
	}
}

// line is the progress text, at most progressWidth columns (all ASCII).
func (p *progress) line(now time.Time, final bool) string {
	el := now.Sub(p.start).Seconds()
	if el <= 0 {
		el = 1e-9
	}
	n := p.convs.Load()
	rate := float64(n) / el
	read := p.read.Load()
	mbs := float64(read) / el / 1e6
	var l string
	if p.total > 0 {
		frac := float64(read) / float64(p.total)
		if frac > 1 {
			frac = 1
		}
		const width = 20
		filled := int(frac * width)
		bar := strings.Repeat("=", filled) + strings.Repeat(" ", width-filled)
		eta := "--"
		if frac > 0 && !final {
			eta = (time.Duration((el/frac - el) * float64(time.Second))).Round(time.Second).String()
		}
		l = fmt.Sprintf("[%s] %5.1f%% %d conv %.0f/s %.1f MB/s ETA %s", bar, frac*100, n, rate, mbs, eta)
	} else {
		l = fmt.Sprintf("%d conv %.0f conv/s %.1f MB/s", n, rate, mbs)
	}
	if len(l) > progressWidth {
		l = l[:progressWidth]
	}
	return l
}

func (p *progress) finish() {
	if p.active {
		p.draw(time.Now(), true)
	}
}
