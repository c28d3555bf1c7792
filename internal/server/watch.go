package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/ingest"
)

// The watched folder (serve.watch): files dropped into it are read in any
// input format fullqa knows (canonical JSONL, CSV/TSV, xlsx, JDDC, the
// platform exports, gzip/zstd), their conversations stored and inspected
// as if posted to the API, and the file moved to done/ (at least one
// conversation read) or rejected/ (none). Bad records are written beside
// the moved file as NAME.rejects (as read, to fix and drop in again) and
// NAME.errors (file:line: field: error). A file is taken only once its
// size and modification time stood still for one poll, so a file still
// being copied in is not read half.

// watchBatch is how many conversations of a file are stored per
// transaction.
const watchBatch = 1000

// watch polls the folder until ctx ends.
func (s *Server) watch(ctx context.Context) {
	dir := s.o.Serve.Watch
	every := max(2*time.Second, s.o.Interval)
	seen := map[string]string{} // path → size and mtime at the last poll
	for {
		if err := s.WatchPass(ctx, dir, seen); err != nil && ctx.Err() == nil {
			s.log.Error("watch", "dir", dir, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

// WatchPass takes the files of dir that stood still since the previous
// pass (seen remembers them); with seen nil every file is taken at once.
func (s *Server) WatchPass(ctx context.Context, dir string, seen map[string]string) error {
	for _, sub := range []string{"done", "rejected"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o750); err != nil {
			return fmt.Errorf("watch: %w", err)
		}
	}
	files, err := ingest.ExpandInputs([]string{dir})
	if err != nil {
		if errors.Is(err, ingest.ErrNoFiles) {
			return nil
		}
		return fmt.Errorf("watch: %w", err)
	}
	now := map[string]string{}
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			continue
		}
		sig := fmt.Sprintf("%d/%d", st.Size(), st.ModTime().UnixNano())
		now[f] = sig
		if seen != nil && seen[f] != sig {
			continue // new or still growing: look again next pass
		}
		if err := s.watchFile(ctx, dir, f); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.log.Error("watch", "file", f, "err", err)
		}
		delete(now, f)
	}
	if seen != nil {
		clear(seen)
		for k, v := range now {
			seen[k] = v
		}
	}
	return nil
}

// watchFile ingests one file and moves it.
func (s *Server) watchFile(ctx context.Context, dir, path string) error {
	rel, _ := filepath.Rel(dir, path)
	var errs, raws []string
	ans := ingestAnswer{Rejected: []rejected{}}
	readErr := func() error {
		fh, err := os.Open(path)
		if err != nil {
			return err
		}
		defer fh.Close()
		opts := ingest.Options{Format: s.o.Config.Ingest.Format, Encoding: s.o.Config.Ingest.Encoding,
			Columns: s.o.Config.Ingest.Columns, Gap: time.Duration(s.o.Config.Ingest.Gap), Location: s.o.Scan.Location,
			MaxLine: s.o.Serve.MaxRecordBytes, SortByTime: s.o.Config.Ingest.SortByTime}
		rd, err := ingest.Open(rel, fh, opts)
		if err != nil {
			return err
		}
		var batch []*conversation.Conversation
		var lines []int
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			for {
				err := s.ingestConversations(ctx, "watch", "", batch, lines, &ans)
				if !errors.Is(err, errQueueFull) {
					batch, lines = batch[:0], lines[:0]
					return err
				}
				select { // the inspection queue is full: wait for room
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(time.Second):
				}
			}
		}
		for {
			c, err := rd.Next()
			if errors.Is(err, io.EOF) {
				return flush()
			}
			var re *ingest.RecordError
			if errors.As(err, &re) {
				errs = append(errs, re.Error())
				if len(re.Raw) > 0 {
					raws = append(raws, strings.TrimRight(string(re.Raw), "\n"))
				}
				continue
			}
			if err != nil {
				return err
			}
			line := lineNumber(c.Source)
			c.Source = ""
			batch = append(batch, c)
			lines = append(lines, line)
			if len(batch) == watchBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}()
	if ctx.Err() != nil {
		return ctx.Err() // stopped mid-file: it stays, and is read again (idempotently) next start
	}
	for _, rj := range ans.Rejected {
		errs = append(errs, fmt.Sprintf("%s:%d: %s: %s", rel, rj.Line, rj.Field, rj.Error))
	}
	if readErr != nil {
		errs = append(errs, fmt.Sprintf("%s: %v", rel, readErr))
	}
	read := ans.Accepted + ans.Updated + ans.Unchanged
	dest := "done"
	if read == 0 {
		dest = "rejected"
	}
	target := uniquePath(filepath.Join(dir, dest, strings.ReplaceAll(rel, string(filepath.Separator), "_")))
	if err := os.Rename(path, target); err != nil {
		return fmt.Errorf("move %s: %w", path, err)
	}
	if len(errs) > 0 {
		os.WriteFile(target+".errors", []byte(strings.Join(errs, "\n")+"\n"), 0o640)
	}
	if len(raws) > 0 {
		os.WriteFile(target+".rejects", []byte(strings.Join(raws, "\n")+"\n"), 0o640)
	}
	s.log.Info("watch: file read", "file", rel, "to", dest, "accepted", ans.Accepted, "updated", ans.Updated,
		"unchanged", ans.Unchanged, "rejected", len(errs))
	return nil
}

// uniquePath returns p, or p with a counter before its extension when a
// file of that name is already there (the same export dropped twice).
func uniquePath(p string) string {
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		return p
	}
	ext := filepath.Ext(p)
	base := strings.TrimSuffix(p, ext)
	for i := 2; ; i++ {
		q := fmt.Sprintf("%s.%d%s", base, i, ext)
		if _, err := os.Stat(q); errors.Is(err, os.ErrNotExist) {
			return q
		}
	}
}
