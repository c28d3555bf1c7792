package cli

import (
	"errors"
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
// input is small. Standard input and anything that is not a regular file
// count as large: their size is not known in advance. It is an
// optimisation only: every failure is logged at debug level and ignored.
func prepareHeap(env Env, log *slog.Logger, files []string) {
	getenv := env.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if getenv("FULLQA_HUGEPAGES") == "off" || inputBytes(files) < hugeHeapInput {
		return
	}
	// The heap grows to the memory limit (scanMemoryLimit unless
	// GOMEMLIMIT says otherwise); the advice covers most of it and leaves
	// room below the limit for the start-up collection's own heap.
	n := int64(scanMemoryLimit)
	if limit := debug.SetMemoryLimit(-1); limit < n {
		n = limit
	}
	n = n / 8 * 7
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
// on disk, compressed ones counted compressedRatio times, and standard
// input or a file that is not a regular file (a pipe, a device) counted
// as large.
func inputBytes(files []string) int64 {
	var total int64
	for _, name := range files {
		if name == "-" {
			return hugeHeapInput
		}
		fi, err := os.Stat(name)
		if err != nil || !fi.Mode().IsRegular() {
			return hugeHeapInput
		}
		size := fi.Size()
		if strings.HasSuffix(name, ".gz") || strings.HasSuffix(name, ".zst") {
			size *= compressedRatio
		}
		total += size
	}
	return total
}
