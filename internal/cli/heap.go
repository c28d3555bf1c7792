package cli

import (
	"errors"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"

	"fullqa/internal/hugepages"
)

// hugeHeapInput is the input from which a scan's heap grows to its limit
// and huge pages pay for their one garbage collection at start-up: 126,400
// JDDC-sized conversations (211 MB of JSON Lines) fill the 512 MiB limit;
// a few megabytes never leave the first arena.
const hugeHeapInput = 64 << 20

// compressedRatio is how many bytes of text a gzip- or zstd-compressed
// input is counted as per byte on disk: chat text compresses about this
// well, and overcounting costs only the start-up collection.
const compressedRatio = 5

// prepareHeap asks for huge pages under the heap a large scan will grow
// into (package hugepages says why), unless FULLQA_HUGEPAGES=off or the
// input is small or of unknown size (a pipe: asking costs address space
// the size of the heap at once, which a scan of a few lines from a pipe
// under an address-space limit would not otherwise need). It asks for
// four times the input (a scan's heap peaks at about twice its JSON Lines
// input), at most seven eighths of the memory limit. It is an
// optimisation only: every refusal is logged at debug level and ignored.
func prepareHeap(env Env, log *slog.Logger, files []string) {
	if env.getenv()("FULLQA_HUGEPAGES") == "off" {
		return
	}
	in := inputBytes(files, env.Stdin)
	if in < hugeHeapInput {
		return
	}
	// The heap grows to the memory limit (scanMemoryLimit unless
	// GOMEMLIMIT says otherwise) at most; the advice leaves room below it
	// for the start-up collection's own heap.
	n := int64(scanMemoryLimit)
	if limit := debug.SetMemoryLimit(-1); limit < n {
		n = limit
	}
	n = min(n/8*7, 4*in)
	advised, err := hugepages.PrepareHeap(int(n))
	switch {
	case errors.Is(err, hugepages.ErrUnsupported):
		log.Debug("huge pages not available", "err", err)
	case err != nil:
		log.Debug("huge pages not advised", "err", err)
	default:
		log.Debug("huge pages", "advised", advised, "bytes", n)
	}
}

// inputBytes estimates the text a scan will read from files: their sizes
// on disk, compressed ones counted compressedRatio times, standard input
// by its size when it is a regular file (a redirect). It is -1 when any
// size is unknown: standard input from a pipe or terminal, a named pipe,
// a device, a file it cannot stat.
func inputBytes(files []string, stdin io.Reader) int64 {
	var total int64
	for _, name := range files {
		var fi os.FileInfo
		var err error
		if name == "-" {
			f, ok := stdin.(*os.File)
			if !ok {
				return -1
			}
			fi, err = f.Stat()
		} else {
			fi, err = os.Stat(name)
		}
		if err != nil || !fi.Mode().IsRegular() {
			return -1
		}
		size := fi.Size()
		if strings.HasSuffix(name, ".gz") || strings.HasSuffix(name, ".zst") {
			size *= compressedRatio
		}
		total += size
	}
	return total
}
