package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"fullqa/internal/text"

	"github.com/klauspost/compress/zstd"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// zstdReader releases the zstd decoder's resources at the end of the
// stream, since readers here are drained, not closed.
type zstdReader struct{ d *zstd.Decoder }

func (z *zstdReader) Read(p []byte) (int, error) {
	if z.d == nil {
		return 0, io.EOF
	}
	n, err := z.d.Read(p)
	if err != nil {
		z.d.Close()
		z.d = nil
		if n > 0 && err == io.EOF {
			err = nil
		}
	}
	return n, err
}

// decode returns a reader of UTF-8 text. A gzip- or zstd-compressed input
// (found by its magic bytes, whatever its name) is decompressed first. Exports from Chinese tools and
// Excel are often GB18030/GBK, with or without a byte-order mark; a UTF-8 BOM
// is dropped, UTF-16 with a BOM is converted, and when enc is empty the
// first 64 KiB decide between UTF-8 and GB18030.
func decode(r io.Reader, enc string) (*bufio.Reader, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	head := peekHead(br)
	if bytes.HasPrefix(head, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return decode(zr, enc)
	}
	if bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}) {
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		return decode(&zstdReader{d: zr}, enc)
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		if enc == "" {
			enc = "utf-8"
		}
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		t := unicode.BOMOverride(unicode.UTF8.NewDecoder())
		return bufio.NewReaderSize(transform.NewReader(br, t), 256<<10), nil
	case bytes.HasPrefix(head, []byte{0x84, 0x31, 0x95, 0x33}): // GB18030 BOM
		br.Discard(4)
		if enc == "" {
			enc = "gb18030"
		}
	}
	if enc == "" {
		enc = "utf-8"
		if !looksUTF8(head) {
			enc = "gb18030"
		}
	}
	switch strings.ToLower(strings.ReplaceAll(enc, "_", "-")) {
	case "utf-8", "utf8":
		return br, nil
	case "gb18030", "gbk", "gb2312", "cp936":
		// GB18030 is a superset of GBK and GB2312.
		return bufio.NewReaderSize(transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder()), 256<<10), nil
	}
	return nil, fmt.Errorf("%w %q (want utf-8 or gb18030)", ErrUnknownEncoding, enc)
}

// cutRuneStart is where a character cut by the end of b begins (a lead
// byte in the last three that lacks continuation bytes to come: not
// utf8.FullRune), len(b) when there is none.
func cutRuneStart(b []byte) int {
	for k := len(b) - 1; k >= 0 && k >= len(b)-3; k-- {
		if c := b[k]; c < utf8.RuneSelf {
			break
		} else if c >= 0xC0 {
			if !utf8.FullRune(b[k:]) {
				return k
			}
			break
		}
	}
	return len(b)
}

// ErrUnknownEncoding is returned for an encoding name fullqa cannot read.
var ErrUnknownEncoding = errors.New("unknown encoding")

// ValidEncoding reports whether enc names an encoding decode reads, so a
// bad --encoding or ingest.encoding is caught as a usage error before any
// input is opened. "" (detect) is valid.
func ValidEncoding(enc string) bool {
	switch strings.ToLower(strings.ReplaceAll(enc, "_", "-")) {
	case "", "utf-8", "utf8", "gb18030", "gbk", "gb2312", "cp936":
		return true
	}
	return false
}

// looksUTF8 decides the encoding of a file's head. GBK text is almost
// never valid UTF-8 for long, so a head whose multi-byte sequences are
// overwhelmingly valid UTF-8 is UTF-8 with a few broken records (which are
// then reported one by one), not GB18030.
func looksUTF8(b []byte) bool {
	// A head that is valid UTF-8 through (but for a character its end
	// cuts, which looksUTF8Loop stops at) is UTF-8: text.ValidUTF8's
	// words of eight bytes and pairs of Chinese characters say so, for
	// most files, at a fraction of the loop's cost (every line of a file
	// under the head's 64 KB). FuzzLooksUTF8 holds it to the loop alone.
	if text.ValidUTF8(b[:cutRuneStart(b)]) {
		return true
	}
	return looksUTF8Loop(b)
}

// looksUTF8Loop is looksUTF8 by the loop over the head's characters
// alone: the characters that are valid UTF-8 against those that are not,
// stopping at one the head's end cuts.
func looksUTF8Loop(b []byte) bool {
	valid, invalid := 0, 0
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			if len(b)-i < utf8.UTFMax && !utf8.FullRune(b[i:]) {
				break // a rune cut by the end of the peek
			}
			invalid++
			i++
			continue
		}
		valid++
		i += size
	}
	return invalid == 0 || valid >= 10*invalid
}
