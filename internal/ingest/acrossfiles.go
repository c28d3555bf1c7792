package ingest

import (
	"fmt"
	"strconv"
	"strings"

	"fullqa/internal/conversation"
)

// IDsAcrossFiles remembers the conversation ids of the files a run has
// read so far, so that a conversation already read from an earlier file
// (an export dropped twice into a folder, a weekly export beside its daily
// ones) is a bad record instead of being inspected and counted twice. A
// file's own repeats are its reader's to report. Memory is bounded as for
// one file (idWindow): the last 1,048,576 ids.
type IDsAcrossFiles struct {
	ids   *idWindow // id → file number << 32 | line
	files []string
}

// NewIDsAcrossFiles returns an empty memory of ids, one for a whole run.
func NewIDsAcrossFiles() *IDsAcrossFiles {
	return &IDsAcrossFiles{ids: newIDWindow(maxRememberedIDs)}
}

// Wrap returns rd, a reader of the file named name, with the check: a
// conversation whose id came in an earlier file is a *RecordError naming
// where. Call it once per file, in reading order.
func (a *IDsAcrossFiles) Wrap(rd Reader, name string) Reader {
	a.files = append(a.files, name)
	return &acrossReader{wrapped: wrapped{rd}, a: a, file: len(a.files) - 1, name: name}
}

type acrossReader struct {
	wrapped
	a    *IDsAcrossFiles
	file int
	name string
}

// check settles c against the earlier files and remembers its id.
func (r *acrossReader) check(c *conversation.Conversation) error {
	line := 0
	if i := strings.LastIndexByte(c.Source, ':'); i >= 0 {
		line, _ = strconv.Atoi(c.Source[i+1:])
	}
	if v, ok := r.a.ids.seen(c.ID); ok && int(v>>32) != r.file {
		return &RecordError{File: r.name, Line: line, Field: "id",
			Msg: fmt.Sprintf("duplicate id %q: already read from %s:%d", c.ID, r.a.files[v>>32], v&(1<<32-1))}
	}
	r.a.ids.add(c.ID, int64(r.file)<<32|int64(line)&(1<<32-1))
	return nil
}

func (r *acrossReader) Next() (*conversation.Conversation, error) {
	c, err := r.rd.Next()
	if err != nil || c == nil {
		return c, err
	}
	if err := r.check(c); err != nil {
		return nil, err
	}
	return c, nil
}

// NextRaw passes unparsed records on (see filteredReader.NextRaw), with
// the check in Settle, which runs in input order.
func (r *acrossReader) NextRaw() (conversation.Raw, error) {
	return r.nextRaw(r.Next, func(raw conversation.Raw) conversation.Raw { return &acrossRaw{Raw: raw, r: r} })
}

type acrossRaw struct {
	conversation.Raw
	r *acrossReader
}

func (a *acrossRaw) Settle() (*conversation.Conversation, bool, error) {
	c, skip, err := a.Raw.Settle()
	if err != nil || skip || c == nil {
		return c, skip, err
	}
	if err := a.r.check(c); err != nil {
		return nil, false, err
	}
	return c, false, nil
}
